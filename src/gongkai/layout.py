"""Layout stage: the text any converter wrote → gongkai's canonical lines.

Three table layouts are read, line by line, and may be mixed within one report:

* **markdown** – pipe rows (``| a | b |``, or html2text's ``a| b| c``); ``|---|`` rules and
  ``#`` heading marks are dropped;
* **tab-separated** – one row per line, cells between TABs;
* **cell-per-line** – a TAB-led line per cell, an empty line ends the row; a cell continues on
  following lines that do not start with a TAB, even across one empty line.

Every logical line becomes a :class:`Line`.  Prose is NFKC-normalised, and a run of ordinary
prose lines (none opening a heading, an item or a caption) is one block; a table row is split
into its *labels* (the text cells before the first figure) and its *values* (the cells from
there on).  Converter artefacts go here too: ``|---|`` rules, pandas' index column and column
numbers, ``nan`` cells, HTML tags in cells, html2text cells broken over two lines, page numbers,
``[bookmark: …]``.  :func:`canonical_text` writes the lines in the one form the grammar reads::

    prose line   text\\n
    table row    \\tlabel|label\\tvalue\\tvalue…\\n

The stage knows nothing of the report's template: which row is which is the grammar's business.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Literal, NamedTuple

__all__ = [
    "Cell",
    "LayoutName",
    "Line",
    "canonical_text",
    "is_value_text",
    "normalize",
    "read_lines",
]

LayoutName = Literal["markdown", "tab-separated", "cell-per-line", "text"]

#: How many characters a fragment may have to count as a wrapped cell's continuation after an
#: empty line (``（三）`` / empty line / ``不予公开``); longer lines after an empty line are prose.
CONTINUATION_MAX = 12

#: No row of any template has this many cells: a longer "row" is read as a prose line, so that
#: adversarial input costs no more than prose does.
MAX_CELLS = 256

#: A report has a few hundred lines; a text is read up to this many lines, and whatever
#: follows is kept whole in one overflow line (reported, never read line by line), so that a
#: megabyte of one-character lines costs no more than a long report.
MAX_LINES = 20_000


# Cell and Line are the layout stage's hand-over, made hundreds of times per report: plain
# named tuples (cheap to build), not the public attrs model.
class Cell(NamedTuple):
    """One table cell: its normalised text, the text as printed, and its first source line."""

    text: str
    raw: str
    line: int


class Line(NamedTuple):
    """One logical line: a prose line or a table row, with the source lines it came from."""

    kind: Literal["text", "row"]
    text: str
    raw: str
    line: int
    end_line: int
    layout: LayoutName
    labels: tuple[Cell, ...] = ()
    values: tuple[Cell, ...] = ()
    #: a prose block: its lines (text as printed, line number); empty for a single line
    parts: tuple[Cell, ...] = ()
    #: the text past :data:`MAX_LINES`, kept whole and not read (the model reports it)
    overflow: bool = False

    @property
    def label(self) -> str:
        """The row's label cells joined by ``|`` (empty for prose)."""
        return "|".join(c.text for c in self.labels)


_BOOKMARK = re.compile(r"\[bookmark:[^\]]*\]")
_PAGE_NO = re.compile(r"^[-—–]\s*\d{1,4}\s*[-—–]$|^第\s*\d{1,4}\s*页(?:\s*[,，]?\s*共\s*\d{1,4}\s*页)?$")
_RULE = re.compile(r"^\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?$")
_RULE_OR_PAGE_START = frozenset("-—–|:第")
_HTML_BITS = re.compile(r"<\s*/?\s*(?:br|p|span|div|b|strong|i|em|font)\b[^>]*>|&nbsp;|&#160;", re.I)
_HEADING_MARK = re.compile(r"^#{1,6}\s*")
_EMPHASIS = re.compile(r"^(\*\*|__)(.*)\1$")

_NUMBER = re.compile(
    r"^[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:件|元|万元|个|条|项|次|宗|起|人次|人|家)?$"
    r"|^[-+]?\.\d+$"
)
#: Cells that say "not applicable" rather than a figure (after NFKC).
NOT_APPLICABLE = frozenset({"/", "\\", "-", "--", "—", "——", "–", "-- ", "无", "不涉及", "不适用", "/ ", "×"})
#: What tools write for a cell with nothing in it (pandas: nan): read as an empty cell.
EMPTY_MARKS = frozenset({"nan", "NaN", "None"})


def normalize(text: str) -> str:
    """NFKC, artefacts removed, whitespace collapsed: the form prose is matched in."""
    text = unicodedata.normalize("NFKC", text)
    if "[bookmark:" in text:
        text = _BOOKMARK.sub("", text)
    return " ".join(text.split())


def _cell_text(raw: str) -> str:
    """A cell's matching form: NFKC and no whitespace at all (labels wrap and space freely)."""
    if raw.isdigit() and raw.isascii():  # most cells are plain figures: nothing to do
        return raw
    if raw.strip() in EMPTY_MARKS:
        return ""
    text = unicodedata.normalize("NFKC", raw)
    if "[bookmark:" in text:
        text = _BOOKMARK.sub("", text)
    if "<" in text or "&" in text:  # HTML left in a cell: <br> in a wrapped label, &nbsp;
        text = _HTML_BITS.sub("", text)
    text = "".join(text.split())
    if text[:1] in ("*", "_") or text[-1:] in ("*", "_"):  # markdown emphasis around a cell
        text = text.strip("*_")
    return text.replace("|", "/") if "|" in text else text


def is_value_text(text: str) -> bool:
    """Whether a normalised cell reads as a figure: empty, a number (with unit) or a n/a mark."""
    return not text or text.isdigit() or text in NOT_APPLICABLE or _NUMBER.match(text) is not None


def _prose(raw: str) -> str:
    text = normalize(raw)
    if text[:1] == "#":
        text = _HEADING_MARK.sub("", text)
    if text[:1] in ("*", "_"):
        m = _EMPHASIS.match(text)
        if m:
            text = m.group(2).strip()
    return text


def _make_row(cells: list[Cell], layout: LayoutName, first: int, last: int, raw: str) -> Line | None:
    """Split a row's cells into labels and values; None for a row that holds nothing."""
    if len(cells) > MAX_CELLS:
        text = normalize(raw.replace("\t", " ").replace("|", " ")) or "-"
        return Line("text", text, raw, first, last, layout)
    # labels: the text cells before the first figure; values: the cells after the last label
    last_label = -1
    for i, c in enumerate(cells):
        t = c.text
        if t:
            if is_value_text(t):
                break
            last_label = i
    labels: list[Cell] = []
    prev = ""
    for c in cells[: last_label + 1]:
        # pandas repeats a merged label in every cell it spans: keep it once.
        if c.text and c.text != prev:
            labels.append(c)
            prev = c.text
    values = cells[last_label + 1 :]
    texts = [c.text for c in values]
    if not any(texts):
        values, texts = [], []
    if not labels and not values:
        return None
    label = "|".join([c.text for c in labels])
    text = "\t".join(["", label, *texts])
    return Line("row", text, raw, first, last, layout, tuple(labels), tuple(values))


def _split_pipes(line: str) -> list[str]:
    s = line.strip()
    # Outer pipes come in pairs (``| a | b |``).  html2text writes no outer pipes, and a row
    # ending in an empty cell ends in ``| `` there: that pipe separates a cell, keep it.
    if s.startswith("|"):
        s = s[1:]
        if s.endswith("|") and not s.endswith("\\|"):
            s = s[:-1]
    return s.split("|")


# One pass of one regular expression over the text reads it line by line; a cell-per-line row
# (its TAB-led cell lines and their untabbed continuations) is one match.  Python loops only
# per logical line and per cell, never per character.
_H = r"[^\S\n\t]*(?:#|[一二三四五六七八九十]{1,2}\s*[、.．]|第[一二三四五六七八九十]+[章节部分])"
_EOL = r"(?:\n|\Z)"
_CELL_LINE = rf"\t[^\t\n]*{_EOL}"
# a wrapped cell goes on: on an untabbed, non-blank line that does not open a section …
_CONT = rf"(?!{_H})(?=[^\t\n]*[^\s])[^\t\n]+{_EOL}"
# … also after one empty line, when the fragment is short (（三） / empty line / 不予公开) or
# the row's next cell follows it
_CONT_AFTER_BLANK = (
    rf"[^\S\n\t]*\n(?!{_H})[^\S\n\t]*[^\s\t]"
    # a short fragment, or one of any length when the row goes on right after it (a TAB line)
    rf"(?:[^\t\n]{{0,{CONTINUATION_MAX - 1}}}?[^\S\n\t]*{_EOL}|[^\t\n]*\n(?=\t))"
)
# A line that may open something (a numbered heading or item, a bracket, a 第… caption, a
# markdown mark) stands alone; a run of other prose lines is one block, one token for the grammar.
_OPENS = r"[^\S\n]*(?:[#*>\-+\[(（【〔《第]|[一二三四五六七八九十百\d０-９]{1,3}[^\S\n]*[、.．:：)）])"
# a section heading between two tables is never a broken cell
_OPENS_SECTION = re.compile(_H)
_SCAN = re.compile(
    rf"(?P<cells>(?:{_CELL_LINE}(?:{_CONT}|{_CONT_AFTER_BLANK})*)+)"
    r"|(?:[^\S\n]*\n)+"  # blank lines, also of spaces and TABs: nothing to read
    # (each line: spaces, one visible character, the rest – no nested repeats, no backtracking)
    rf"|(?P<block>(?:(?!{_OPENS})[^\S\n\t]*[^\s|][^\t\n|]*\n(?:[^\S\n\t]*\n)*){{2,}})"
    r"|(?P<plain>[^\t\n|]+)(?=\n|\Z)"  # most prose: one scan of the line
    r"|(?P<tsv>[^\n]*\t[^\n]*)"
    # a pipe row whose cell text broke onto the next line: "| （二）部分公开…，" / "不计…） | 5 |"
    r"|(?P<pipe>[^\S\n]*\|[^\n]*[^|\s][^\S\n]*\n(?![^\S\n]*\|)[^\n]*\|[^\S\n]*(?=\n|\Z)"
    r"|[^\n]*\|[^\n]*)"
    r"|(?P<text>[^\n]+)"
    r"|\n+"
)


def read_lines(text: str) -> list[Line]:
    """Read a report's text in any supported layout into logical lines (blank lines dropped)."""
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    rest = ""
    if text.count("\n") > MAX_LINES:
        pieces = text.split("\n", MAX_LINES)
        rest = pieces.pop()
        text = "\n".join(pieces) + "\n"
    out: list[Line] = []
    lineno = 1
    pos = 0
    index_next: int | None = None  # the next pandas row number expected in the first cell
    for m in _SCAN.finditer(text):
        start = m.start()
        if start > pos:  # pragma: no cover - the scanner matches every position
            lineno += text.count("\n", pos, start)
        kind = m.lastgroup
        s = m.group()
        row: Line | None = None
        if kind == "cells":
            out.extend(_cell_rows(s, lineno))
        elif kind == "tsv":
            if s.strip():
                parts = s.split("\t", MAX_CELLS)
                cells = [Cell(_cell_text(p), p, lineno) for p in parts]
                index_next, cells = _pandas_index(cells, index_next)
                row = _make_row(cells, "tab-separated", lineno, lineno, s) if cells else None
        elif kind == "pipe":
            stripped = s.strip().replace("\n", "")  # a cell broken over two lines joins up
            if not _RULE.match(stripped):
                cells = [Cell(_cell_text(p), p, lineno) for p in _split_pipes(stripped)[: MAX_CELLS + 1]]
                index_next, cells = _pandas_index(cells, index_next)
                end = lineno + s.count("\n")
                row = _make_row(cells, "markdown", lineno, end, s) if cells else None
        elif kind == "block":
            row = _block(s, lineno)
            index_next = None
        elif kind == "plain" or kind == "text":
            index_next = None
            prose = _prose(s)
            if prose and (
                prose[0] not in _RULE_OR_PAGE_START or not (_PAGE_NO.match(prose) or _RULE.match(prose))
            ):
                layout: LayoutName = "markdown" if s.lstrip()[:1] == "#" else "text"
                row = Line("text", prose, s, lineno, lineno, layout)
        if row is not None:
            out.append(row)
        lineno += s.count("\n")
        pos = m.end()
    out = _join_wrapped_rows(out)
    if rest:
        first = MAX_LINES + 1
        last = first + rest.count("\n")
        head = " ".join(rest[:200].split())[:60] or "…"
        out.append(Line("text", head, rest, first, last, "text", overflow=True))
    return out


def _pandas_index(cells: list[Cell], expected: int | None) -> tuple[int | None, list[Cell]]:
    """pandas writes its column numbers as a header row (``\t0\t1\t2…``) and, with its index,
    the row number as a first cell: both are the converter's, not the report's.

    Returns the next row number to expect and the row's cells (none for the header row).
    """
    texts = [c.text for c in cells]
    numbers = texts[1:] if texts and not texts[0] else texts
    if len(numbers) >= 3 and numbers == [str(i) for i in range(len(numbers))]:
        return (0 if len(numbers) < len(texts) else None), []
    if expected is not None:
        if texts and texts[0] == str(expected):
            return expected + 1, cells[1:]
        return None, cells
    return None, cells


def _join_wrapped_rows(lines: list[Line]) -> list[Line]:
    """html2text (and a tab-separated writer that keeps line breaks) breaks a cell's text where
    the page had a line break: the first part stands alone between two rows
    (``（二）部分公开…不计`` / ``其他情形）| 5| 0…``).  Such a fragment, on the lines right between
    two rows of one layout (pipe rows written without outer pipes, or tab-separated rows), is put
    back in front of the next row's first cell."""
    if len(lines) < 3:
        return lines
    out: list[Line] = []
    i = 0
    n = len(lines)
    while i < n:
        ln = lines[i]
        if (
            ln.kind == "text"
            and out
            and i + 1 < n
            and not _OPENS_SECTION.match(ln.raw)
            and out[-1].kind == "row"
            and out[-1].end_line + 1 == ln.line
            and (nxt := lines[i + 1]).kind == "row"
            and nxt.layout == out[-1].layout
            and ln.end_line + 1 == nxt.line
            and (
                nxt.layout == "tab-separated"
                or (nxt.layout == "markdown" and not nxt.raw.lstrip().startswith("|"))
            )
        ):
            pieces = ln.parts or (Cell(ln.text, ln.raw, ln.line),)
            frag = Cell("".join(_cell_text(p.raw) for p in pieces), "\n".join(p.raw for p in pieces), ln.line)
            cells = list(nxt.labels) + list(nxt.values)
            if nxt.labels:
                first = cells[0]
                cells[0] = Cell(frag.text + first.text, frag.raw + "\n" + first.raw, frag.line)
            else:
                cells.insert(0, frag)
            joined = _make_row(cells, nxt.layout, ln.line, nxt.end_line, ln.raw + "\n" + nxt.raw)
            if joined is not None:
                out.append(joined)
                i += 2
                continue
        out.append(ln)
        i += 1
    return out


#: joins the lines of a prose block in its canonical text (never a line end: one token)
BLOCK_JOIN = "\u2029"


def _block(block: str, first: int) -> Line | None:
    """A run of ordinary prose lines: one Line whose parts are its lines.

    A block can only ever be prose to the grammar, so its text is not NFKC-normalised (the
    costliest step of reading prose); its paragraphs keep the text as printed anyway.
    """
    parts: list[Cell] = []
    for i, raw in enumerate(block.split("\n")):
        text = " ".join(raw.split())
        if not text:
            continue
        if text[0] in _RULE_OR_PAGE_START or text[0] in "－—":  # a page number or a rule?
            norm = normalize(text)
            if _PAGE_NO.match(norm) or _RULE.match(norm):
                continue
        if "[bookmark:" in text:
            text = _BOOKMARK.sub("", text)
        parts.append(Cell(text, raw, first + i))
    if not parts:
        return None
    if len(parts) == 1:
        p = parts[0]
        return Line("text", _prose(p.raw), p.raw, p.line, p.line, "text")
    last = parts[-1].line
    joined = BLOCK_JOIN.join(p.text for p in parts)
    return Line("text", joined, block.rstrip("\n"), parts[0].line, last, "text", parts=tuple(parts))


def _cell_rows(block: str, first: int) -> list[Line]:
    """Cell-per-line rows: ``block`` is TAB-led cell lines and their continuations.

    An empty line ends a row; where a converter left it out, a text cell after a row's figures
    opens the next row (no row of the template has a label after its figures).
    """
    cells: list[Cell] = []
    line = first
    rows: list[Line] = []
    start = 0
    seen_figure = False
    for part in block[1:].rstrip("\n").split("\n\t", MAX_CELLS):
        # continuation lines join without a separator: Chinese labels wrap anywhere
        text = _cell_text(part)
        if text:
            if text.isdigit() or is_value_text(text):
                seen_figure = True
            elif seen_figure:  # a label after figures: the next row
                rows.extend(_cell_segment(cells[start:], block, first))
                start, seen_figure = len(cells), False
        cells.append(Cell(text, part, line))
        line += part.count("\n") + 1 if "\n" in part else 1
    rows.extend(_cell_segment(cells[start:], block, first))
    return rows


def _cell_segment(cells: list[Cell], block: str, first: int) -> list[Line]:
    if not cells:
        return []
    begin = cells[0].line
    end = cells[-1].line + cells[-1].raw.count("\n")
    if begin == first and cells is not None and end >= first + block.rstrip("\n").count("\n"):
        raw = block.rstrip("\n")  # the whole block is one row: the common case
    else:
        raw = "\n".join(block.rstrip("\n").split("\n")[begin - first : end - first + 1])
    row = _make_row(cells, "cell-per-line", begin, end, raw)
    return [row] if row is not None else []


def canonical_text(lines: list[Line]) -> str:
    """The grammar's input: one line per logical line, each ending in a newline."""
    return "".join(ln.text + "\n" for ln in lines)
