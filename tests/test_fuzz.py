"""Fuzzing: any text gives a Report or a ParseError; nothing in a damaged table is lost."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import gongkai
from gongkai import Report, render
from gongkai._readers.text import read_text
from tests.blocks import LAYOUTS, Layout, TableBlock, TableRow, document

from .conftest import figures_of
from .noise import Noise, noises, noisy_render
from .strategies import reports

FIXTURES = Path(__file__).parent / "fixtures"
# the reports of the fixtures (the sweep's converter outputs, some of them whole web pages, are
# read by tests/test_sweep.py)
REAL_TEXTS = [p.read_text("utf-8") for p in sorted(FIXTURES.glob("*/*.txt")) if p.parent.name != "sweep"]
MAX_CHARS = 20_000  # inputs stay bounded: no property can hang on a huge text


def _parse_or_error(text: str) -> Report | None:
    try:
        return gongkai.parse(text)
    except gongkai.ParseError as e:
        # parse turns a bug into a ParseError too (its contract); a bug is still a failure here
        assert "internal error" not in e.message, e.message
        return None


@given(st.text(max_size=2000))
def test_random_unicode_gives_report_or_parse_error(text: str) -> None:
    _parse_or_error(text)


_PIECES = st.sampled_from(
    [
        "\t",
        "\n",
        "|",
        "| --- |",
        "一、总体情况",
        "二、主动公开",
        "三、收到和处理",
        "四、复议",
        "五、问题",
        "六、其他需要报告",
        "规章",
        "行政许可",
        "（七）总计",
        "0",
        "13件",
        "1,234",
        "-",
        "第二十条第（一）项",
        "信息内容",
        "\r\n",
        "\ufeff",
        "#",
        "[bookmark: x]",
        " ",
        "结果维持",
    ]
)


@given(st.lists(_PIECES, max_size=300).map("".join))
def test_template_shaped_junk_gives_report_or_parse_error(text: str) -> None:
    _parse_or_error(text)


@st.composite
def _mutated(draw: st.DrawFn, base: str) -> str:
    lines = base.split("\n")
    for _ in range(draw(st.integers(1, 8))):
        if not lines:
            break
        i = draw(st.integers(0, len(lines) - 1))
        op = draw(st.sampled_from(["delete", "duplicate", "swap", "truncate", "insert", "tab"]))
        if op == "delete":
            del lines[i]
        elif op == "duplicate":
            lines.insert(i, lines[i])
        elif op == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "truncate":
            lines[i] = lines[i][: draw(st.integers(0, len(lines[i])))]
        elif op == "insert":
            k = draw(st.integers(0, len(lines[i])))
            lines[i] = lines[i][:k] + draw(st.text(min_size=1, max_size=5)) + lines[i][k:]
        else:
            lines[i] = "\t" + lines[i]
    return "\n".join(lines)[:MAX_CHARS]


@given(st.sampled_from(REAL_TEXTS).flatmap(_mutated))
def test_mutated_real_reports_give_report_or_parse_error(text: str) -> None:
    _parse_or_error(text)


@given(st.one_of(st.lists(_PIECES, max_size=300).map("".join), st.sampled_from(REAL_TEXTS).flatmap(_mutated)))
def test_every_block_keeps_its_source_lines_in_order(text: str) -> None:
    """Diagnostics and figures name where they stand: every block's lines lie in the text, in
    order."""
    last = 0
    n = text.count("\n") + 1
    for block in read_text(text).blocks:
        line = block.where.line
        assert line is not None and last <= line <= n
        last = line


@pytest.mark.parametrize("layout", LAYOUTS)
@given(report=reports(), noise=noises(), data=st.data())
def test_mutated_rendered_reports_give_report_or_parse_error(
    layout: Layout, report: Report, noise: Noise, data: st.DataObject
) -> None:
    _parse_or_error(data.draw(_mutated(noisy_render(report, noise, layout))))


# ---------------------------------------------------------------- nothing lost

_NUM = re.compile(r"\d+(?:\.\d+)?")


def _numbers(text: str) -> list[str]:
    text = re.sub(r"(?<=\d),(?=\d{3})", "", unicodedata.normalize("NFKC", text))
    return _NUM.findall(text)


_UNKNOWN_ROWS = {
    "active": [("行政确认",), ("行政给付",)],
    "requests": [("（八）其他情形说明",), ("五、本年度新增申请",)],
    "appeals": [("行政赔偿",)],
}


@st.composite
def _damaged(draw: st.DrawFn, block: TableBlock) -> TableBlock:
    """The table with an unknown row added, or a row's cells added, lost or swapped."""
    rows = list(block.rows)
    data = [i for i, r in enumerate(rows) if r.kind == "data"]
    i = draw(st.sampled_from(data))
    op = draw(st.sampled_from(["unknown-row", "extra-cell", "lost-cell", "duplicate-row", "swap-rows"]))
    row = rows[i]
    number = st.integers(0, 99999).map(str)
    if op == "unknown-row":
        labels = draw(st.sampled_from(_UNKNOWN_ROWS.get(block.name, [("其他事项",)])))
        values = tuple(draw(st.lists(number, min_size=1, max_size=len(row.values) + 1)))
        rows.insert(i + 1, TableRow(labels, values))
    elif op == "extra-cell":
        k = draw(st.integers(0, len(row.values)))
        values = (*row.values[:k], draw(number), *row.values[k:])
        rows[i] = TableRow(row.labels, values, row.kind)
    elif op == "lost-cell" and row.values:
        k = draw(st.integers(0, len(row.values) - 1))
        rows[i] = TableRow(row.labels, row.values[:k] + row.values[k + 1 :], row.kind)
    elif op == "duplicate-row":
        rows.insert(i, row)
    else:
        j = draw(st.sampled_from(data))
        rows[i], rows[j] = rows[j], rows[i]
    return TableBlock(block.name, tuple(rows), max(len(r.cells) for r in rows))


def _write(blocks: list[object], layout: Layout) -> str:
    from tests.blocks import table_lines as _table_lines

    out: list[str] = []
    for b in blocks:
        if isinstance(b, TableBlock):
            out.extend(_table_lines(b, layout))
        else:
            out.append(("## " if layout == "markdown" else "") + b.text)  # type: ignore[attr-defined]
            out.append("")
    return "\n".join(out) + "\n"


def test_numbers_of_cell_per_line_cells_stay_apart() -> None:
    # found by hypothesis: a cell-per-line row's raw text "\t0\n\t1" holds 0 and 1, not 01
    assert _numbers("\t行政确认\n\t0\n\t1") == ["0", "1"]
    assert _numbers("1,234件") == ["1234"]


@pytest.mark.parametrize("layout", LAYOUTS)
@given(report=reports(), data=st.data())
def test_nothing_in_a_damaged_table_is_lost(layout: Layout, report: Report, data: st.DataObject) -> None:
    blocks: list[object] = list(document(report))
    tables = [i for i, b in enumerate(blocks) if isinstance(b, TableBlock)]
    i = data.draw(st.sampled_from(tables))
    damaged = data.draw(_damaged(blocks[i]))  # type: ignore[arg-type]
    blocks[i] = damaged
    text = _write(blocks, layout)
    parsed = gongkai.parse(text)

    printed = Counter(n for r in damaged.rows for v in r.values for n in _numbers(v))
    kept: Counter[str] = Counter()
    for _, fig in parsed.figures():
        if fig.value is not None:
            kept.update(_numbers(fig.raw) or _numbers(str(fig.value)))
    for d in parsed.diagnostics:
        a, b = Counter(_numbers(d.raw)), Counter(_numbers(d.message))
        kept.update(a | b)
    for p in (p for s in parsed.sections for p in s.paragraphs):
        kept.update(_numbers(p.text))  # a stray row kept as a paragraph (and diagnosed)
    lost = printed - kept
    assert not lost, f"numbers lost: {dict(lost)}\n--- text ---\n{text}"


def test_render_of_any_parsed_fixture_reads_back() -> None:
    for text in REAL_TEXTS:
        report = gongkai.parse(text)
        for layout in LAYOUTS:
            again = gongkai.parse(render(report, layout))
            # figures equal; provenance (layout, figures read) is the new text's own
            assert figures_of(gongkai.to_record(again)) == figures_of(gongkai.to_record(report))
