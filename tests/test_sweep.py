"""Real reports through real converters: what a user gets from each converter's text.

The fixtures (tests/fixtures/sweep/, README.md there) are what 20 converters made of three
published reports (the pages, their Word files, their PDFs); every figure of the reports was
read by hand.  Per layout (``layouts.json``):

* card — markdown pipe tables, tab-separated rows, one cell per line: every figure exact;
* beyond — a layout beyond the card that still holds the table grid: at least 95 % exact, and
  figures missing only with the report saying so;
* lost — text that has lost the grid: refused (``table-not-read``), never read as figures;

and in every layout: no figure wrong without a warning on its row or a doubtful flag.
A fixture gongkai fails today is a strict xfail naming the cause.
"""

from __future__ import annotations

import pytest

from .sweep import fixtures, measure, problems

_PDF_TEXT = (
    "PDF text with one table row per line ('规章 0 0 0', '64 0 0 2 0 4 70'): gongkai.parse never "
    "uses the space_separated_row rule (PDF_TEXT_RULES is only used by the PDF reader), so "
    "every table is refused"
)
_SPACE_NO_BORDER = (
    "space-aligned columns without dash borders (inscriptis): space_aligned_table needs a "
    "pandoc dash border, so the table is prose"
)
_PYMUPDF4LLM = (
    "pymupdf4llm's markdown from a PDF fuses cells across columns: figures inside a label cell "
    "after <br> ('|行政规范性文件<br>69<br>3|66|5|', '|行政许可<br>2293|||') are read as label "
    "text, the cells after them as the row's figures (66, 5; blank), with no flag; the text "
    "should be refused"
)
_MARKITDOWN_PDF = (
    "markitdown's PDF text (pdfminer order) has lost the grid: a row's label stands with only "
    "empty cells ('| 开   | 法规禁止公开   |     |     |     |     |'), its figures elsewhere; "
    "the row is read as 7 blanks with a cell-count info only; the text should be refused"
)
XFAIL: dict[str, str] = {
    "huaian_2024.pdf.markitdown.txt": _MARKITDOWN_PDF,
    "pingtan_2023.pdf.markitdown.txt": _MARKITDOWN_PDF,
    "huaian_2024.pdf.pymupdf4llm.txt": _PYMUPDF4LLM,
    "pingtan_2021.pdf.pymupdf4llm.txt": _PYMUPDF4LLM,
    "pingtan_2023.pdf.pymupdf4llm.txt": _PYMUPDF4LLM,
    "huaian_2024.pdf.pdfplumber.txt": _PDF_TEXT,
    "huaian_2024.pdf.pdftotext-raw.txt": _PDF_TEXT,
    "huaian_2024.pdf.pypdf.txt": _PDF_TEXT,
    "pingtan_2021.pdf.pdfplumber.txt": _PDF_TEXT,
    "pingtan_2021.pdf.pdftotext-raw.txt": _PDF_TEXT,
    "pingtan_2021.pdf.pypdf.txt": _PDF_TEXT,
    "pingtan_2023.pdf.pdfplumber.txt": _PDF_TEXT,
    "pingtan_2023.pdf.pdftotext-raw.txt": _PDF_TEXT,
    "pingtan_2023.pdf.pypdf.txt": _PDF_TEXT,
    "pingtan_2021.html.inscriptis.txt": _SPACE_NO_BORDER,
    "pingtan_2023.html.inscriptis.txt": _SPACE_NO_BORDER,
}

FIXTURES = fixtures()


@pytest.mark.parametrize(
    "path",
    [
        pytest.param(p, id=p.name, marks=[pytest.mark.xfail(strict=True, reason=XFAIL[p.name])])
        if p.name in XFAIL
        else pytest.param(p, id=p.name)
        for p in FIXTURES
    ],
)
def test_what_the_user_gets(path: object) -> None:
    from pathlib import Path

    assert isinstance(path, Path)
    assert problems(measure(path)) == []


def test_every_xfail_names_a_fixture() -> None:
    names = {p.name for p in FIXTURES}
    assert set(XFAIL) <= names
