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

_CELL_LINES = (
    "one cell per line without TABs (LibreOffice text export, docx2txt, mammoth, lynx): "
    "cell_per_line_row needs TAB-led lines, so no table row is found"
)
_W3M = (
    "w3m box table: a border line under a rowspan cell ('│         ├────┼──') is not a "
    "_GRID_BORDER (it opens with '│'), so grid_table stops at table 三's first rowspan and the "
    "rest of the table is skipped with warnings only"
)
XFAIL: dict[str, str] = {
    "pingtan_2021.docx.docx2txt.txt": _CELL_LINES,
    "pingtan_2021.docx.mammoth-markdown.txt": _CELL_LINES,
    "pingtan_2021.docx.soffice-txt.txt": _CELL_LINES,
    "pingtan_2021.html.soffice-txt.txt": _CELL_LINES,
    "pingtan_2021.html.lynx.txt": _CELL_LINES,
    "pingtan_2023.docx.docx2txt.txt": _CELL_LINES,
    "pingtan_2023.docx.mammoth-markdown.txt": _CELL_LINES,
    "pingtan_2023.docx.soffice-txt.txt": _CELL_LINES,
    "pingtan_2023.html.soffice-txt.txt": _CELL_LINES,
    "pingtan_2023.html.lynx.txt": _CELL_LINES,
    "pingtan_2021.html.w3m.txt": _W3M,
    "pingtan_2021.html.w3m-cols80.txt": _W3M,
    "pingtan_2023.html.w3m.txt": _W3M,
    "pingtan_2023.html.w3m-cols80.txt": _W3M,
    "pingtan_2021.html.pandoc-gfm.txt": (
        "pandoc gfm of a Word-export page: table 二 is a pipe table whose cells hold raw "
        "<span> tags broken over several lines, and the section headings are inside multi-line "
        "<span> tags: table 二 is read as stray rows, with only a missing-table warning"
    ),
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
