"""Copy the sample reports the documentation's examples read into one folder.

    python docs/samples.py gongkai-samples && cd gongkai-samples

Every example on the site runs in that folder (tests/test_docs.py runs them there).  The files
are published government reports bundled with gongkai's tests (tests/fixtures/):

* ``report.pdf``, ``report.html``, ``report.docx``, ``report.txt`` — one report as each form:
  淮安市人民政府 2024 (PDF as published), 平潭综合实验区 2021 (the web page as published, the
  page saved as Word by LibreOffice, and the page's text from html2text);
* ``pdf-text.txt`` — what ``pdftotext -layout`` made of ``report.pdf`` (the tables' columns
  are lost: see the inputs guide);
* ``province/`` — a folder of reports of several agencies and forms, one of them a scanned PDF;
* ``panel/`` — one agency's reports for 2019–2024, both template editions;
* ``gongkai_example_variant/`` — the EXAMPLE regional variants of tests/example_variant (a
  package that would normally be pip-installed), for the guide to adding a variant.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parent.parent / "tests"
FIXTURES = TESTS / "fixtures"
EXAMPLE_VARIANT = TESTS / "example_variant" / "gongkai_example_variant"

#: destination (relative to the samples folder) → source (relative to tests/fixtures)
FILES = {
    "report.pdf": "documents/pdf/huaian_2024.pdf",
    "report.html": "documents/html/pingtan_2021.html",
    "report.docx": "documents/docx/pingtan_2021.lo.docx",
    "report.txt": "realworld/pingtan_2021.html2text.txt",
    "pdf-text.txt": "sweep/huaian_2024.pdf.pdftotext-layout.txt",
    "province/huaian_2024.pdf": "documents/pdf/huaian_2024.pdf",
    "province/pingtan_2020.txt": "converters/pingtan_2020.h2t-default.txt",
    "province/pingtan_2021.html": "documents/html/pingtan_2021.html",
    "province/pingtan_2023.docx": "documents/docx/pingtan_2023.lo.docx",
    "province/scanned.pdf": "documents/pdf/scan.pdf",
    "province/pdf-text.txt": "sweep/huaian_2024.pdf.pdftotext-layout.txt",
    "panel/pingtan_2019.txt": "converters/pingtan_2019.h2t-default.txt",
    "panel/pingtan_2020.txt": "converters/pingtan_2020.h2t-default.txt",
    "panel/pingtan_2021.html": "documents/html/pingtan_2021.html",
    "panel/pingtan_2022.txt": "converters/pingtan_2022.h2t-default.txt",
    "panel/pingtan_2023.pdf": "documents/pdf/pingtan_2023.lo.pdf",
    "panel/pingtan_2024.txt": "converters/pingtan_2024.h2t-default.txt",
}


def make_samples(target: Path) -> Path:
    """Copy the sample files into ``target`` (created if need be); returns it."""
    for name, source in FILES.items():
        dest = target / name
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(FIXTURES / source, dest)
    shutil.copytree(
        EXAMPLE_VARIANT,
        target / EXAMPLE_VARIANT.name,
        dirs_exist_ok=True,
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    return target


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python docs/samples.py FOLDER")
    print(make_samples(Path(sys.argv[1])))
