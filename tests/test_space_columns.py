"""Space-aligned columns without borders (inscriptis): what a user gets from a real page's text.

The sweep fixture is pingtan_2023's published page through ``inscript``; its figures were read
by hand (tests/fixtures/realworld/pingtan_2023.json).
"""

from __future__ import annotations

from pathlib import Path

import gongkai

from .sweep import SWEEP, expected_of, same

INSCRIPTIS = SWEEP / "pingtan_2023.html.inscriptis.txt"


def _wrong(report: gongkai.Report, path: Path, blank: set[str]) -> list[str]:
    figs = dict(report.figures())
    out = []
    for key, value in expected_of(path).items():
        fig = figs.get(key)
        want = None if key in blank else value
        if fig is None or not (fig.value is None if want is None else same(fig.value, want)):
            out.append(f"{key}={fig.value if fig else '—'!r}≠{want!r}")
    return out


def test_a_blank_cell_stays_in_its_column() -> None:
    """A blank cell in the middle and at the end of a row (a column no text starts in, the
    line's padding reaching it): read as blank, every other figure in its own column."""
    lines = INSCRIPTIS.read_text("utf-8").split("\n")
    k = next(i for i, line in enumerate(lines) if "二、上年结转政府信息公开申请数量" in line)
    row = lines[k]
    research, total = 114, 132  # (the columns of 科研机构 and 总计 in this text)
    assert row[research] == "0" and row[total] == "0"
    lines[k] = row[:research] + " " + row[research + 1 : total] + " " + row[total + 1 :]
    report = gongkai.parse("\n".join(lines))
    blank = {"requests.carried_over.research", "requests.carried_over.total"}
    assert _wrong(report, INSCRIPTIS, blank) == []


def test_text_stripped_of_its_padding_is_not_read_silently() -> None:
    """Without the columns' padding a blank last cell leaves no trace: not read, and said."""
    text = "\n".join(line.rstrip() for line in INSCRIPTIS.read_text("utf-8").split("\n"))
    report = gongkai.parse(text)
    assert report.read_status != "read"
    assert "table-not-read" in {d.code for d in report.diagnostics if d.severity == "error"}
