"""A noise model of real converters, and a renderer that writes a report with that noise.

Every quirk here was seen in a converter's output (template.md §6–7, tests/fixtures):

* markitdown: an empty header row and a ``| --- |`` rule, rows padded to the table's width;
* html2text: rows without outer pipes (``a| b| c``) ending in two spaces, a ``---|---`` rule
  after the first row, one-cell rows (captions) as bare indented lines;
* pandas (tab-separated): merged cells repeated in every column they span, labels and values;
* Tika (cell-per-line): a cell's text continues on untabbed lines, also after one empty line;
* rows that lost their leftmost label cell (rowspans) or leading blank value cells; trailing
  TABs; CRLF line ends; a BOM; ``[bookmark: …]`` artefacts; headings with or without ``#``,
  with leading spaces, ``一.``/``一．`` for ``一、`` and a space after it; （一）/(一) and
  1./1、/1． numbering; 社会组织 for 社会公益组织 and 合计 for 总计 in the header; units in cells
  (``13件``); thousands separators; full-width digits; stray spaces around numbers.

:func:`noisy_render` writes a report with the quirks a :class:`Noise` selects; :func:`noises`
draws one for a layout.  Quirks that would make a table ambiguous for any reader (a short row
that also carries trailing TABs) are never combined.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from hypothesis import strategies as st

from gongkai import Report, get_variant
from tests.blocks import Heading, Layout, TableBlock, TableRow, Text, document

__all__ = ["CONVERTERS", "Noise", "noises", "noisy_render", "number_cells", "write_table"]

_FULLWIDTH = str.maketrans("0123456789.,", "０１２３４５６７８９．，")
_TOP = re.compile(r"^[一二三四五六七八九十]+、")
_SUB = re.compile(r"^[（(][一二三四五六七八九十]+[）)]")
_ITEM = re.compile(r"^(\d+)\.")
_ITEM_ANY = re.compile(r"^\d+[.、．]")
_NA = ("/", "／", "-", "—", "--", "无", "不涉及", "不适用")


@dataclass(frozen=True)
class Noise:
    """Which converter quirks to apply.  Probabilities apply per cell (or per row)."""

    style: int = 0  # which converter: see CONVERTERS (0 = gongkai's own canonical text)
    seed: int = 0
    crlf: bool = False
    bom: bool = False
    bookmark: bool = False
    heading_marks: bool = False
    heading_indent: str = ""
    heading_sep: str = "、"
    heading_space: bool = False
    half_parens: bool = False
    item_sep: str = "."
    social_org: str = "社会公益组织"
    total_word: str = "总计"
    title_split: bool = False
    units: float = 0.0
    fullwidth: float = 0.0
    spaces: float = 0.0
    thousands: float = 0.0
    not_applicable: float = 0.0
    split_labels: float = 0.0
    drop_label_pad: float = 0.0
    drop_blank_values: float = 0.0
    trailing_tabs: float = 0.0
    value_continuation: float = 0.0
    colspan_pad: bool = False
    single_blank_after_table: bool = False


_P = st.sampled_from((0.0, 0.0, 0.1, 0.5, 1.0))


#: The converters a :attr:`Noise.style` stands for, per layout.
CONVERTERS: dict[str, tuple[str, ...]] = {
    "markdown": ("canonical", "markitdown", "html2text"),
    "tab-separated": ("canonical", "plain", "pandas"),
    "cell-per-line": ("canonical", "tika", "tika"),
}


def noises() -> st.SearchStrategy[Noise]:
    """Noise options (for any layout), each quirk on or off, probabilities from 0 to 1."""
    return st.builds(
        Noise,
        style=st.integers(0, 2),
        seed=st.integers(0, 2**16),
        crlf=st.booleans(),
        bom=st.booleans(),
        bookmark=st.booleans(),
        heading_marks=st.booleans(),
        heading_indent=st.sampled_from(("", " ", "  ")),
        heading_sep=st.sampled_from(("、", ".", "．")),
        heading_space=st.booleans(),
        half_parens=st.booleans(),
        item_sep=st.sampled_from((".", "、", "．")),
        social_org=st.sampled_from(("社会公益组织", "社会组织", "公益组织")),
        total_word=st.sampled_from(("总计", "合计")),
        title_split=st.booleans(),
        units=_P,
        fullwidth=_P,
        spaces=_P,
        thousands=_P,
        not_applicable=_P,
        split_labels=_P,
        drop_label_pad=_P,
        drop_blank_values=_P,
        trailing_tabs=_P,
        value_continuation=_P,
        colspan_pad=st.booleans(),
        single_blank_after_table=st.booleans(),
    )


# ---------------------------------------------------------------- cells


def _value(text: str, rng: random.Random, n: Noise) -> str:
    if not text:
        return rng.choice(_NA) if rng.random() < n.not_applicable else ""
    if rng.random() < n.thousands and re.fullmatch(r"-?\d{4,}(\.\d+)?", text):
        whole, _, frac = text.partition(".")
        sign = "-" if whole.startswith("-") else ""
        digits = whole.lstrip("-")
        groups = []
        while len(digits) > 3:
            groups.insert(0, digits[-3:])
            digits = digits[:-3]
        groups.insert(0, digits)
        text = sign + rng.choice((",", "，")).join(groups) + ("." + frac if frac else "")
    if rng.random() < n.units and re.fullmatch(r"[\d,，]+", text):
        text += rng.choice(("件", "件", "条", "项"))
    if rng.random() < n.fullwidth:
        text = text.translate(_FULLWIDTH)
    if rng.random() < n.spaces:
        text = rng.choice((" " + text, text + " ", "  " + text))
    return text


def _label(text: str, n: Noise) -> str:
    if n.half_parens:
        text = text.replace("（", "(").replace("）", ")")
    if n.item_sep != ".":
        text = _ITEM.sub(lambda m: m.group(1) + n.item_sep, text)
    return text


def _header_cell(text: str, n: Noise) -> str:
    if text == "社会公益组织":
        return n.social_org
    if text == "总计":
        return n.total_word
    return text


def _split(text: str, rng: random.Random) -> tuple[str, str] | None:
    """Two pieces of a label, the second not reading as a heading."""
    if len(text) < 2:
        return None
    k = rng.randrange(1, len(text))
    head, tail = text[:k], text[k:]
    if tail[0] in "#第一二三四五六七八九十" or tail[0].isdigit() or not tail.strip() or not head.strip():
        return None
    return head, tail


# ---------------------------------------------------------------- tables


@dataclass
class _Row:
    cells: list[str]
    nlabels: int  # how many of the cells are label cells
    kind: str
    short: bool = False  # lost value cells: never padded afterwards
    lost: bool = False  # lost label cells: not padded to the table's width either


def _rows(block: TableBlock, rng: random.Random, n: Noise, conv: str, pads: str) -> list[_Row]:
    """The table's rows as cells, with cell-level noise and the converter's span handling."""
    out: list[_Row] = []
    top = sub = ""
    label_width = max((len(r.labels) for r in block.rows if r.kind == "data"), default=1)
    for row in block.rows:
        if row.kind == "caption":
            cells = [row.labels[0]] * (block.width if conv == "pandas" else 1)
            out.append(_Row(cells, len(cells), "caption"))
            continue
        if row.kind == "header":
            cells = [_header_cell(c, n) for c in row.labels]
            if conv == "pandas" and len(cells) < block.width:
                cells += [cells[-1]] * (block.width - len(cells))
            out.append(_Row(cells, len(cells), "header"))
            continue
        labels = [_label(c, n) for c in row.labels]
        values = [_value(v, rng, n) for v in row.values]
        real = [c for c in labels if c]
        if conv == "pandas" and real:
            # every label column filled with the label of the merged cell covering it
            first = real[0]
            if _TOP.match(first) and len(real) == 2:
                top = first
            elif _SUB.match(first) and len(real) == 2:
                sub = first
            label = real[-1]
            if len(real) == 1 and _SUB.match(label) and top:
                labels = [top, label, label]
            elif len(real) == 1 and _ITEM_ANY.match(label) and sub:
                labels = [top or sub, sub, label]
            elif len(real) == 2 and _SUB.match(real[0]):
                labels = [top or real[0], real[0], real[1]]
            elif len(real) == 2:
                labels = [real[0], real[1], real[1]]
            else:
                labels = [label] * (label_width + 1 if label_width > 1 else 1)
            if len(row.values) == 1 and block.width - len(row.labels) > 1:
                values = values + [values[0]] * (block.width - len(row.labels) - 1)
            out.append(_Row(labels + values, len(labels), "data"))
            continue
        short = lost = False
        if labels and not labels[0] and (conv == "html2text" or rng.random() < n.drop_label_pad):
            labels = [c for c in labels if c]  # the rowspan's cell left out: a shorter row
            lost = True
        if values and rng.random() < n.drop_blank_values:
            # merged cells are lost at the end the table's structure pads (its spec's ``pads``)
            if pads == "end":
                values, originals = values[::-1], row.values[::-1]
            else:
                originals = row.values
            k = 0
            while k < len(values) - 1 and not originals[k]:
                k += 1
            if k:
                values = values[rng.randrange(1, k + 1) :]
                short = True
            if pads == "end":
                values = values[::-1]
        if not labels and not values:
            continue
        out.append(_Row(labels + values, len(labels), "data", short, lost))
    if n.colspan_pad and conv == "markitdown" and block.name == "requests":
        # 商业企业 spans two grid columns: markitdown pads it with an empty cell in every row
        data = [r for r in out if r.kind == "data"]
        if not any(r.short for r in data) and len(data) > 1:
            for r in data:
                r.cells.insert(len(r.cells) - 5, "")
    return out


def write_table(
    block: TableBlock, n: Noise, rng: random.Random, layout: Layout, pads: str = "start"
) -> list[str]:
    """A table's lines in the noise's layout and converter style.

    ``pads`` is the end where the table's merged cells go missing (its spec's ``pads``).
    """
    conv = CONVERTERS[layout][n.style % 3]
    rows = _rows(block, rng, n, conv, pads)
    width = max((len(r.cells) for r in rows), default=0)
    lines: list[str] = []
    if layout == "markdown" and conv == "html2text":
        for i, r in enumerate(rows):
            cells = list(r.cells)
            if len(cells) == 1 and r.kind != "data":
                lines.append("  " + cells[0] + "  ")
            else:
                lines.append("| ".join(cells) + ("| " if len(cells) == 1 else "") + "  ")
            if i == 0:
                lines.append("---|---  ")
        lines.append("  ")
        return lines
    if layout == "markdown":
        if conv == "markitdown" or conv == "canonical":
            lines.append("|" + "  |" * width)
            lines.append("|" + " --- |" * width)
        for r in rows:
            cells = list(r.cells)
            if not (r.short or r.lost):
                cells += [""] * (width - len(cells))
            lines.append("| " + " | ".join(cells) + " |")
        lines.append("")
        return lines
    if layout == "tab-separated":
        # a grid wider than its rows: the same trailing TABs on every row of the table
        trailing = rng.randint(1, 2) if rng.random() < n.trailing_tabs else 0
        for r in rows:
            cells = list(r.cells)
            if n.split_labels and r.nlabels and conv != "pandas":
                i = rng.randrange(r.nlabels)
                if rng.random() < n.split_labels and (pieces := _split(cells[i], rng)):
                    cells[i] = pieces[0] + " " + pieces[1]
            line = "\t".join(cells)
            # (a short row never gets them: a lost cell and a trailing TAB together are ambiguous)
            if trailing and not r.short and r.kind == "data":
                line += "\t" * trailing
            if "\t" not in line:
                # a one-cell row is a prose line: keep single captions bare, as converters do
                line = line if r.kind != "data" else line + "\t"
            lines.append(line)
        lines.append("")
        return lines
    # cell-per-line
    for r in rows:
        for i, cell in enumerate(r.cells):
            text = cell
            is_label = i < r.nlabels
            if is_label and cell and rng.random() < n.split_labels and (pieces := _split(cell, rng)):
                head, tail = pieces
                # after an empty line a piece continues the cell when a next cell follows it
                gap = "\n\n" if i + 1 < len(r.cells) and rng.random() < 0.5 else "\n"
                text = head + gap + tail
            elif (
                not is_label
                and i == len(r.cells) - 1
                and cell.strip()
                and len(cell.strip()) <= 12
                and rng.random() < n.value_continuation
            ):
                text = "\n\n" + cell.strip()  # seed 004: the last 0, after an empty line
            lines.append("\t" + text)
        lines.append("")
    if not n.single_blank_after_table:
        lines.append("")
    return lines


# ---------------------------------------------------------------- whole text


def _heading(text: str, level: int, n: Noise, rng: random.Random, layout: Layout) -> list[str]:
    conv = CONVERTERS[layout][n.style % 3]
    if level == 2:
        numeral, _, title = text.partition("、")
        text = numeral + n.heading_sep + (" " if n.heading_space else "") + title
        text = n.heading_indent + text
    elif n.title_split:
        m = re.search(r"政府信息公开工作年度报告$", text)
        if m and m.start() > 0:
            return [text[: m.start()], text[m.start() :]]
    if n.bookmark and rng.random() < 0.3:
        # the artefact is part of the paragraph's text: after any markdown heading marks
        text = "[bookmark: _Toc" + str(rng.randint(1, 999)) + "]" + text.lstrip()
    if n.heading_marks or (layout == "markdown" and conv != "html2text"):
        text = "#" * (level + rng.randint(0, 2)) + " " + text.lstrip()
    return [text]


def noisy_render(report: Report, n: Noise, layout: Layout) -> str:
    """``report`` written in ``layout`` with the converter quirks ``n`` selects."""
    rng = random.Random(n.seed)
    variant = get_variant(report.variant)
    lines: list[str] = []
    for block in document(report):
        if isinstance(block, Heading):
            lines.extend(_heading(block.text, block.level, n, rng, layout))
            lines.append("")
        elif isinstance(block, Text):
            text = _label(block.text, n) if n.half_parens else block.text
            if n.bookmark and rng.random() < 0.2:
                text = "[bookmark: Body]" + text
            lines.append(text)
            lines.append("")
        elif isinstance(block, TableBlock):
            spec = variant.table(block.name)
            lines.extend(write_table(block, n, rng, layout, str(getattr(spec, "pads", "start"))))
    text = "\n".join(lines) + "\n"
    if n.crlf:
        text = text.replace("\n", "\r\n")
    if n.bom:
        text = "\ufeff" + text
    return text


def number_cells(row: TableRow) -> list[str]:
    """The value cells of a rendered row that hold a number."""
    return [v for v in row.values if re.search(r"\d", v)]
