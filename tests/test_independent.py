"""Reports from an independent writer (tests/independent_reports.py) in every text layout:
every figure exact, or its row flagged; never a wrong figure without a warning."""

from __future__ import annotations

import pytest

import gongkai
from gongkai import Report

from .independent_reports import CONVERTERS_BY_LAYOUT, report

REPORTS = 300


def _flagged_lines(parsed: Report) -> set[int]:
    return {d.line for d in parsed.diagnostics if d.severity in ("warning", "error") and d.line is not None}


def measure(layout: str, n: int = REPORTS) -> tuple[int, int, int, list[str]]:
    """(figures, exact, wrong without a warning, examples of the silent ones) over ``n`` reports."""
    total = exact = silent = 0
    examples: list[str] = []
    for seed in range(n):
        text, expected, converter = report(seed, layout)
        parsed = gongkai.parse(text)
        got = gongkai.to_record(parsed)
        flagged = _flagged_lines(parsed)
        figures = {
            f"{t.prefix}{row.key}.{f.column}": f
            for t in parsed.tables.values()
            for row in t.rows
            for f in row.figures
        }
        for key, want in expected.items():
            total += 1
            if got.get(key, "absent") == want:
                exact += 1
                continue
            figure = figures.get(key)
            if figure is not None and (figure.doubtful or figure.line in flagged):
                continue
            silent += 1
            if len(examples) < 5:
                examples.append(
                    f"seed {seed} ({converter}): {key} want {want!r} got {got.get(key, 'absent')!r}"
                )
    return total, exact, silent, examples


@pytest.mark.parametrize("layout", list(CONVERTERS_BY_LAYOUT))
def test_independent_reports_are_exact_or_flagged(layout: str) -> None:
    total, exact, silent, examples = measure(layout)
    assert silent == 0, f"{silent} wrong figure(s) without a warning of {total}: {examples}"
    assert exact == total, f"{exact} of {total} figures exact"
