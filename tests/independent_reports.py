"""A second report writer, independent of gongkai's render and of tests/noise.py.

It builds each table as the template's true grid (cells with colspans and rowspans, as a Word
or HTML table has them) and then lets a converter model flatten that grid to text the way the
converter does: markitdown (a colspan pad ``| |``, a rowspan's cell left out), a pipe writer
that fills the grid with empty cells (no mark at all), LibreOffice's tab-separated text (every
grid cell, spans empty, sometimes a trailing TAB), pandas (spans repeated), Tika (one cell per
line, spans gone).  Blank cells are written as a real report writes them: empty, ``-``, ``/``,
``—``; whole blank columns, blank totals, blanks at both ends of a row.

:func:`report` returns the text and the figures it holds (record key → value, None for blank).
Plain ``random`` with a seed: one seed, one report.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass

from gongkai._variants import TableSpec, get_variant

__all__ = ["CONVERTERS_BY_LAYOUT", "report"]

CONVERTERS_BY_LAYOUT: dict[str, tuple[str, ...]] = {
    "markdown": ("markitdown", "pipe-grid"),
    "tab-separated": ("libreoffice", "pandas"),
    "cell-per-line": ("tika",),
}

_BLANKS = ("", "", "", "-", "/", "—")
_SECTIONS = ("总体情况", "主动公开政府信息情况", "收到和处理政府信息公开申请情况")
_SECTIONS_AFTER = ("政府信息公开行政复议、行政诉讼情况", "存在的主要问题及改进情况", "其他需要报告的事项")
_NUMERALS = "一二三四五六"


@dataclass
class Slot:
    """One cell of the true grid: its text, or a place another cell covers (``span``: to its
    left, a colspan; ``above``: from the row above, a rowspan; ``cover`` is that cell's text)."""

    text: str = ""
    span: bool = False
    above: bool = False
    cover: str = ""


Grid = list[list[Slot]]


def _cell(text: str) -> Slot:
    return Slot(text)


def _spanned(text: str, n: int) -> list[Slot]:
    return [Slot(text), *(Slot(span=True, cover=text) for _ in range(n - 1))]


# ---------------------------------------------------------------- figures


class Figures:
    """Draws a table's figures with a blank pattern of its own and keeps what they mean."""

    def __init__(self, rng: random.Random, columns: int) -> None:
        self.rng = rng
        self.expected: dict[str, int | None] = {}
        pattern = rng.choice(["zeros", "dense", "blank-columns", "blank-total", "ends", "sparse"])
        self.blank_columns: set[int] = set()
        if pattern == "blank-columns":
            self.blank_columns = set(rng.sample(range(columns), rng.randint(1, min(3, columns))))
        elif pattern == "blank-total":
            self.blank_columns = {columns - 1}
        self.pattern = pattern
        self.columns = columns
        self.blank = rng.choice(_BLANKS)

    def row(self, key: str, columns: tuple[str, ...]) -> list[str]:
        rng, out = self.rng, []
        ends = self.pattern == "ends" and rng.random() < 0.6
        left = rng.randint(0, len(columns) - 1) if ends else 0
        right = rng.randint(0, len(columns) - 1 - left) if ends else 0
        for j, column in enumerate(columns):
            blank = (
                j in self.blank_columns
                or j < left
                or j >= len(columns) - right
                or (self.pattern == "sparse" and rng.random() < 0.4)
            )
            if blank:
                text = self.blank if rng.random() < 0.8 else rng.choice(_BLANKS)
                self.expected[f"{key}.{column}"] = None
            else:
                value = 0 if self.pattern == "zeros" else rng.choice([0, 0, 1, 2, 3, 7, 12, 35, 140, 2629])
                self.expected[f"{key}.{column}"] = value
                text = str(value)
            out.append(text)
        return out


# ---------------------------------------------------------------- true grids


def _active(spec: TableSpec, figures: Figures) -> Grid:
    """Table 二: four grid columns; a block of fewer columns spans its last value cell."""
    grid: Grid = []
    rows = {rs.row: rs for rs in spec.row_specs()}
    by_terminal = {t: specs for t, specs in spec.rows.items()}
    for block in spec.blocks:
        grid.append(_spanned(block["caption"], 4))
        header = list(block["header"])
        grid.append([*(_cell(h) for h in header[:-1]), *_spanned(header[-1], 5 - len(header))])
        for terminal in block["rows"]:
            for rs in by_terminal[terminal]:
                values = figures.row(spec.prefix + rows[rs.row].row, rs.columns)
                grid.append(
                    [
                        _cell(rs.label),
                        *(_cell(v) for v in values[:-1]),
                        *_spanned(values[-1], 4 - len(values)),
                    ]
                )
    return grid


def _requests(spec: TableSpec, figures: Figures, commercial_span: int) -> Grid:
    """Table 三: three label columns (groups span them by rowspans), seven value columns;
    商业企业 may span two grid columns (its value cells then carry a pad)."""
    width = 7 + commercial_span - 1

    def values(key: str, columns: tuple[str, ...]) -> list[Slot]:
        out: list[Slot] = []
        for j, text in enumerate(figures.row(key, columns)):
            out.extend(_spanned(text, commercial_span) if j == 1 else [_cell(text)])
        return out

    grid: Grid = [
        [*_spanned(spec.header[0][0], 3), *_spanned("申请人情况", width)],
        [
            Slot(above=True, cover=spec.header[0][0]),
            Slot(above=True, cover=spec.header[0][0]),
            Slot(above=True, cover=spec.header[0][0]),
            _cell("自然人"),
            *_spanned("法人或其他组织", width - 2),
            _cell("总计"),
        ],
        [
            *(Slot(above=True, cover=spec.header[0][0]) for _ in range(3)),
            Slot(above=True, cover="自然人"),
            *_spanned("商业企业", commercial_span),
            *(_cell(h) for h in ("科研机构", "社会公益组织", "法律服务机构", "其他")),
            Slot(above=True, cover="总计"),
        ],
    ]
    top = sub = ""
    for rs in spec.row_specs():
        key = spec.prefix + rs.row
        label = rs.label
        if label[0] in _NUMERALS:  # 一、二、四、: the whole label width
            top = sub = ""
            labels = _spanned(label, 3)
        elif label.startswith("（"):  # （一）…（七）: under 三、本年度办理结果
            if rs.group and not top:
                top = rs.group
                first: Slot = _cell(top)
            else:
                first = Slot(above=True, cover=top)
            sub = ""
            labels = [first, *_spanned(label, 2)]
        else:  # 1. 2. …: under its （三）（四）（五）（六）
            if rs.group:
                sub = rs.group
                middle: Slot = _cell(sub)
            else:
                middle = Slot(above=True, cover=sub)
            labels = [Slot(above=True, cover=top), middle, _cell(label)]
        if label.startswith("（一）") and not rs.group:
            labels[0] = _cell("三、本年度办理结果")
        grid.append([*labels, *values(key, rs.columns)])
    return grid


def _appeals(spec: TableSpec, figures: Figures) -> Grid:
    """Table 四: three header rows, then its fifteen figures in one row."""
    sub = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")
    grid: Grid = [
        [*_spanned("行政复议", 5), *_spanned("行政诉讼", 10)],
        [*(_cell(s) for s in sub), *_spanned("未经复议直接起诉", 5), *_spanned("复议后起诉", 5)],
        [*(Slot(above=True, cover=s) for s in sub), *(_cell(s) for s in sub * 2)],
    ]
    row: list[Slot] = []
    for rs in spec.row_specs():
        row.extend(_cell(v) for v in figures.row(spec.prefix + rs.row, rs.columns))
    grid.append(row)
    return grid


# ---------------------------------------------------------------- converters


def _flatten(grid: Grid, converter: str, rng: random.Random) -> Iterator[str]:
    """The lines a converter writes for ``grid``."""
    columns = max(len(r) for r in grid)
    if converter in ("markitdown", "pipe-grid"):
        yield "| " + " | ".join("" for _ in range(columns)) + " |"
        yield "| " + " | ".join("---" for _ in range(columns)) + " |"
    for r in grid:
        texts: list[str | None] = []  # None: the converter writes nothing for this slot
        for s in r:
            if converter == "markitdown":
                texts.append(None if s.above else (" " if s.span else f" {s.text} "))
            elif converter == "pipe-grid":
                texts.append("  " if s.span or s.above else f" {s.text} ")
            elif converter == "libreoffice":
                texts.append("" if s.span or s.above else s.text)
            elif converter == "pandas":
                texts.append(s.cover if s.span or s.above else s.text)
            else:  # tika
                texts.append(None if s.span or s.above else s.text)
        cells = [t for t in texts if t is not None]
        if converter in ("markitdown", "pipe-grid"):
            yield "|" + "|".join(cells) + "|"
        elif converter in ("libreoffice", "pandas"):
            line = "\t".join(cells)
            if converter == "libreoffice" and rng.random() < 0.3:
                line += "\t"  # a stray TAB after the row
            yield line
        else:
            yield from ("\t" + c for c in cells)
            yield ""


def report(seed: int, layout: str) -> tuple[str, dict[str, int | None], str]:
    """Report number ``seed`` in ``layout``: its text, its figures and the converter used."""
    rng = random.Random(f"{layout}-{seed}")
    converter = rng.choice(CONVERTERS_BY_LAYOUT[layout])
    variant = get_variant(rng.choice(["2021", "2021", "2019"]))
    year = 2022 if variant.name == "2021" else 2020
    specs = {t.name: t for t in variant.tables}
    expected: dict[str, int | None] = {}
    lines = [f"某市某区人民政府{year}年政府信息公开工作年度报告", ""]

    def table(grid: Grid, figures: Figures) -> None:
        expected.update(figures.expected)
        lines.extend(_flatten(grid, converter, rng))
        lines.append("")

    heading = "## " if layout == "markdown" else ""
    titles = (*_SECTIONS, *_SECTIONS_AFTER)
    for number, title in enumerate(titles, 1):
        lines += [f"{heading}{_NUMERALS[number - 1]}、{title}", ""]
        if number == 1:
            lines += ["本年度，本机关认真贯彻落实《条例》。", ""]
        elif number == 2:
            table(_active(specs["active"], f := Figures(rng, 3)), f)
        elif number == 3:
            f = Figures(rng, 7)
            table(_requests(specs["requests"], f, rng.choice([1, 1, 2])), f)
        elif number == 4:
            table(_appeals(specs["appeals"], f := Figures(rng, 5)), f)
    return "\n".join(lines) + "\n", expected, converter
