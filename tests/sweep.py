"""Measure gongkai on real converter outputs of real reports (tests/fixtures/sweep/).

Each fixture is what one converter made of one published report; its expected figures are the
report's hand-read figures.  ``measure`` reads a fixture the way a user would (``gongkai.parse``
for text, ``gongkai.read`` for an HTML file) and counts what the user gets: figures exact, wrong
with a flag on their row, wrong silently, missing.  ``python -m tests.sweep`` prints the table.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import gongkai

SWEEP = Path(__file__).parent / "fixtures" / "sweep"
REALWORLD = Path(__file__).parent / "fixtures" / "realworld"

#: what the text of each converter holds: "card" (markdown pipe tables, tab-separated, one cell
#: per line the Tika way), "beyond" (a layout beyond the card that still holds the table grid),
#: "lost" (text that has lost the grid: it must be refused, never read as figures)
LAYOUT: dict[str, str] = json.loads((SWEEP / "layouts.json").read_text("utf-8"))


def fixtures() -> list[Path]:
    """Every converter output of the sweep, sorted by name."""
    return sorted(p for p in SWEEP.iterdir() if p.suffix in (".txt", ".html"))


def converter_of(path: Path) -> str:
    """``pingtan_2021.html.pandoc-gfm.txt`` → ``html.pandoc-gfm``: the source format and converter."""
    parts = path.name.split(".")
    return ".".join(parts[1:3])


def expected_of(path: Path) -> dict[str, Any]:
    """The hand-read figures of the report a fixture was made from."""
    report = path.name.split(".")[0]
    values: dict[str, Any] = json.loads((REALWORLD / f"{report}.json").read_text("utf-8"))["values"]
    return values


def same(got: object, want: object) -> bool:
    """One figure equal to its hand-read value (money as Decimal, counts as int, blank as None)."""
    if isinstance(got, Decimal) or isinstance(want, (float, str)):
        return got is not None and want is not None and Decimal(str(got)) == Decimal(str(want))
    return got == want and type(got) is type(want)


@dataclass
class Result:
    """What a user gets from one fixture."""

    name: str
    layout: str
    error: str = ""  # a ParseError/ReadError (or a bug's exception) instead of a report
    read_status: str = ""
    figures_read: int = 0
    figures_expected: int = 0
    exact: int = 0
    expected: int = 0
    flagged_wrong: list[str] = field(default_factory=list)
    silent_wrong: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    error_codes: list[str] = field(default_factory=list)
    findings: int = 0

    @property
    def pct(self) -> float:
        """Figures exact, in percent of the report's figures."""
        return 100.0 * self.exact / self.expected if self.expected else 0.0

    @property
    def refused(self) -> bool:
        """The report says it was not (fully) read, with an error diagnostic."""
        return self.read_status != "read" and bool(self.error_codes)


def _on_row(d: gongkai.Diagnostic, fig: gongkai.Figure) -> bool:
    if d.line is not None and fig.line is not None:
        return bool(d.line == fig.line)
    dw, fw = d.where, fig.where
    return dw is not None and fw is not None and (dw.table, dw.row) == (fw.table, fw.row)


def measure(path: Path) -> Result:
    """Read one fixture and compare every figure with its hand-read value."""
    want = expected_of(path)
    res = Result(path.name, LAYOUT.get(converter_of(path), "?"), expected=len(want))
    try:
        report = gongkai.read(path) if path.suffix == ".html" else gongkai.parse(path.read_text("utf-8"))
    except gongkai.GongkaiError as e:
        res.error = f"{type(e).__name__}: {str(e)[:80]}"
        res.missing = list(want)
        return res
    except Exception as e:  # a bug: recorded, never hidden
        res.error = f"BUG {type(e).__name__}: {str(e)[:80]}"
        res.missing = list(want)
        return res
    record = gongkai.to_record(report)
    res.read_status = report.read_status
    res.figures_read = record["figures_read"]
    res.figures_expected = record["figures_expected"]
    res.error_codes = sorted({d.code for d in report.diagnostics if d.severity == "error"})
    res.findings = sum(1 for f in gongkai.check(report) if f.severity != "info")
    figs = dict(report.figures())
    flags = [d for d in report.diagnostics if d.severity in ("warning", "error")]
    for key, value in want.items():
        fig = figs.get(key)
        if fig is None:
            res.missing.append(key)
        elif same(fig.value, value):
            res.exact += 1
        elif fig.doubtful or fig.kind == "unreadable" or any(_on_row(d, fig) for d in flags):
            res.flagged_wrong.append(f"{key}={fig.value!r}≠{value!r}")
        else:
            res.silent_wrong.append(f"{key}={fig.value!r}≠{value!r}")
    return res


def table(results: list[Result]) -> str:
    """The results as a markdown table, one line per fixture."""
    lines = [
        "| fixture | layout | exact | read/expected | status | wrong flagged | wrong SILENT | missing | error diagnostics | findings |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        status = r.error or r.read_status
        lines.append(
            f"| {r.name} | {r.layout} | {r.pct:.1f} % | {r.figures_read}/{r.figures_expected} | {status} "
            f"| {len(r.flagged_wrong)} | {len(r.silent_wrong)} | {len(r.missing)} "
            f"| {', '.join(r.error_codes) or '—'} | {r.findings} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    import sys

    paths = [Path(a) for a in sys.argv[1:]] or fixtures()
    results = [measure(p) for p in paths]
    print(table(results))
    if len(paths) < 4:
        for r in results:
            print(
                r.name,
                "silent:",
                r.silent_wrong[:20],
                "flagged:",
                r.flagged_wrong[:10],
                "missing:",
                r.missing[:10],
            )


def problems(r: Result) -> list[str]:
    """What the user must get from a fixture of its layout, as the list of broken promises.

    card: every figure exact, read in full.  beyond: at least 95 % exact, and a report with
    figures missing says so (not ``read``, with a diagnostic naming the table).  lost: refused —
    not ``read``, with a ``table-not-read`` error.  Always: no figure wrong without a flag, no
    exception but gongkai's own errors.
    """
    out: list[str] = []
    if r.error.startswith("BUG"):
        return [r.error]
    if r.silent_wrong:
        out.append(f"{len(r.silent_wrong)} figures wrong without a flag: {r.silent_wrong[:3]}")
    if r.layout == "card":
        if r.exact != r.expected:
            out.append(f"{r.exact}/{r.expected} exact")
        if r.read_status != "read":
            out.append(f"read_status {r.read_status or r.error!r}")
    elif r.layout == "beyond":
        if r.pct < 95.0:
            out.append(f"{r.pct:.1f} % exact (< 95 %)")
        if r.missing and not r.error and (r.read_status == "read" or not r.error_codes):
            out.append(f"{len(r.missing)} figures missing without an error diagnostic")
    else:
        if r.error:
            pass  # a ParseError is a refusal too
        elif r.read_status == "read" or "table-not-read" not in r.error_codes:
            out.append(f"not refused: read_status {r.read_status!r}, errors {r.error_codes}")
    return out
