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

# a fixture gongkai fails is listed here with its cause (a strict xfail): none today
XFAIL: dict[str, str] = {}

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
