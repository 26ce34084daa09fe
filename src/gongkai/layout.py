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
from collections.abc import Callable, Sequence
from itertools import repeat
from typing import Literal, NamedTuple, TypeVar, cast

__all__ = [
    "Cell",
    "LayoutName",
    "Line",
    "canonical_text",
    "is_value_text",
    "nfkc",
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
        if not self.labels:
            return ""
        # a row's text is TAB, its labels joined by "|", then TAB-led values (cell texts hold
        # no whitespace): the label is already written there
        text = self.text
        end = text.find("\t", 1)
        return text[1:end] if end > 0 else text[1:]


# Cells and Lines are made from their fields' tuple: what their constructors do, minus a call.
_tuple_new = tuple.__new__

_BOOKMARK = re.compile(r"\[bookmark:[^\]]*\]")
_PAGE_NO = re.compile(r"^[-—–]\s*\d{1,4}\s*[-—–]$|^第\s*\d{1,4}\s*页(?:\s*[,，]?\s*共\s*\d{1,4}\s*页)?$")
_RULE = re.compile(r"^\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?$")
_RULE_OR_PAGE_START = frozenset("-—–|:第")
#: a table rule that does not open with a pipe (html2text's ``---|---``)
_BARE_RULE = re.compile(r"^[^\S\n]*:?-{3,}:?[^\S\n]*\|", re.M)
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


# The full-width punctuation of Chinese text, each with its compatibility decomposition.  One
# of them makes NFKC take its slow path over the whole text (decompose and recompose every
# character); replaced by its decomposition beforehand, it leaves NFKC with nothing to do,
# and the result is the same: NFKC decomposes every character first.
_FULL_WIDTH = tuple((c, unicodedata.normalize("NFKD", c)) for c in "，（）：；．！？％\u3000")


def nfkc(text: str) -> str:
    """``unicodedata.normalize("NFKC", text)``, faster on Chinese text."""
    if unicodedata.is_normalized("NFKC", text):
        return text
    for wide, narrow in _FULL_WIDTH:
        if wide in text:
            text = text.replace(wide, narrow)
    return unicodedata.normalize("NFKC", text)


def normalize(text: str) -> str:
    """NFKC, artefacts removed, whitespace collapsed: the form prose is matched in."""
    text = nfkc(text)
    if "[bookmark:" in text:
        text = _BOOKMARK.sub("", text)
    return " ".join(text.split())


def _cell_text(raw: str) -> str:
    """A cell's matching form: NFKC and no whitespace at all (labels wrap and space freely)."""
    if raw.isdigit() and raw.isascii():  # most cells are plain figures: nothing to do
        return raw
    if raw.strip() in EMPTY_MARKS:
        return ""
    text = nfkc(raw)
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


# Reading a cell is NFKC and a few checks, for every cell of every report; yet most cells are
# the template's labels and small figures, the same in every report.  What was read is kept, so
# that a cell already seen costs a lookup.  The memos are bounded: they keep short texts only and
# start over when full, so their memory stays flat however many reports are read, whatever
# they hold.
_MEMO_MAX = 4096
_MEMO_KEY_MAX = 100
_T = TypeVar("_T")


class _Memo(dict[str, _T]):
    """``fn(key)`` for a key not seen (kept if short), a lookup for a key seen."""

    def __init__(self, fn: Callable[[str], _T]) -> None:
        super().__init__()
        self.fn = fn

    def __missing__(self, key: str) -> _T:
        got = self.fn(key)
        if len(key) <= _MEMO_KEY_MAX:
            if len(self) >= _MEMO_MAX:
                self.clear()
            self[key] = got
        return got


#: what a cell holds, one character per cell in a row's "flags": nothing, a figure, a label
_EMPTY, _FIGURE, _LABEL = "-", "v", "l"


def _flag(text: str) -> str:
    return _LABEL if text and not is_value_text(text) else (_FIGURE if text else _EMPTY)


_CELL_TEXTS: _Memo[str] = _Memo(_cell_text)
_CELL_FLAGS: _Memo[str] = _Memo(lambda raw: _flag(_CELL_TEXTS[raw]))
_text_of = _CELL_TEXTS.__getitem__
_flag_of = _CELL_FLAGS.__getitem__


def _prose(raw: str) -> str:
    text = normalize(raw)
    if text[:1] == "#":
        text = _HEADING_MARK.sub("", text)
    if text[:1] in ("*", "_"):
        m = _EMPHASIS.match(text)
        if m:
            text = m.group(2).strip()
    return text


def _prose_line(raw: str) -> tuple[str, LayoutName]:
    """A prose line's text (empty for a page number or a rule) and layout."""
    prose = _prose(raw)
    if prose and (prose[0] not in _RULE_OR_PAGE_START or not (_PAGE_NO.match(prose) or _RULE.match(prose))):
        return prose, ("markdown" if raw.lstrip()[:1] == "#" else "text")
    return "", "text"


_PROSE_LINES: _Memo[tuple[str, LayoutName]] = _Memo(_prose_line)


def _too_many_cells(raw: str, layout: LayoutName, first: int, last: int) -> Line:
    """A "row" of more cells than any row has: a prose line."""
    text = normalize(raw.replace("\t", " ").replace("|", " ")) or "-"
    return Line("text", text, raw, first, last, layout)


def _build_row(
    texts: Sequence[str],
    cells: tuple[Cell, ...],
    flags: str,
    a: int,
    b: int,
    layout: LayoutName,
    first: int,
    last: int,
    raw: str,
) -> Line | None:
    """Split a row's cells, ``cells[a:b]`` (with their ``texts`` and ``flags``), into labels and
    values; None for a row that holds nothing."""
    if b - a > MAX_CELLS:
        return _too_many_cells(raw, layout, first, last)
    # labels: the text cells before the first figure; values: the cells after the last label
    fig = flags.find(_FIGURE, a, b)
    last_label = flags.rfind(_LABEL, a, fig if fig >= 0 else b)
    k = last_label + 1
    if last_label < 0:
        labels: tuple[Cell, ...] = ()
        label = ""
        k = a
    elif not flags.count(_LABEL, a, last_label):  # one label cell: the common case
        labels = (cells[last_label],)
        label = texts[last_label]
    elif flags.find(_EMPTY, a, k) < 0 and len(set(texts[a:k])) == k - a:  # labels, none repeated
        labels = cells[a:k]
        label = "|".join(texts[a:k])
    else:
        kept: list[Cell] = []
        prev = ""
        for i in range(a, last_label + 1):
            # pandas repeats a merged label in every cell it spans: keep it once.
            t = texts[i]
            if t and t != prev:
                kept.append(cells[i])
                prev = t
        labels = tuple(kept)
        label = "|".join([c.text for c in kept])
    if flags.count(_EMPTY, k, b) == b - k:  # no value cell holds anything
        if not labels:
            return None
        return _tuple_new(Line, ("row", "\t" + label, raw, first, last, layout, labels, (), (), False))
    text = "\t" + label + "\t" + "\t".join(texts[k:b])
    return _tuple_new(Line, ("row", text, raw, first, last, layout, labels, cells[k:b], (), False))


def _make_row(cells: list[Cell], layout: LayoutName, first: int, last: int, raw: str) -> Line | None:
    """:func:`_build_row` for a list of cells."""
    texts = [c.text for c in cells]
    flags = "".join([_flag(t) for t in texts])
    return _build_row(texts, tuple(cells), flags, 0, len(cells), layout, first, last, raw)


def _split_pipes(line: str, outer: bool = True) -> list[str]:
    """A pipe row's cells; ``outer``: whether the table may write outer pipes (else a pipe at
    either end separates an empty cell, as html2text writes them)."""
    s = line.strip()
    # Outer pipes come in pairs (``| a | b |``).  html2text writes no outer pipes, and a row
    # ending in an empty cell ends in ``| `` there: that pipe separates a cell, keep it.
    if outer and s.startswith("|"):
        s = s[1:]
        if s.endswith("|") and not s.endswith("\\|"):
            s = s[:-1]
    return s.split("|")


# One pass of one regular expression over the text reads it line by line; a cell-per-line row
# (its TAB-led cell lines and their untabbed continuations) is one match, and so is a run of
# plain rows of one table.  Python loops only per logical line and per cell, never per character.
# (Runs are possessive where giving characters back can never lead to a match: the scan never
# backtracks through a line to find that out.)
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
#: what a prose block needs after its first line: blank lines, then a line of prose that
#: opens nothing (a lookahead; ``[^\n]`` runs faster than the block's own character classes)
_SECOND_LINE = rf"(?=[^\n]*+\n(?:[^\S\n\t]*+\n)*+(?!{_OPENS})[^\S\n\t]*+[^\s|])"
# a section heading between two tables is never a broken cell
_OPENS_SECTION = re.compile(_H)
# The blank lines after a line (also of spaces and TABs) are nothing to read: each match takes
# them along, so that they cost no match of their own – unless the first is a cell line.
_GAP = r"(?:(?!\t[^\t\n]*+(?:\n|\Z))(?:[^\S\n]*+\n)++)?+"  # (never fails: never backtracks)
# Most cell-per-line rows are cell lines only (a TAB, a cell, a line end) and an empty line:
# a run of such rows is one match – up to a row that a continuation follows, which is left to
# the next match.  (After the empty line, lines of spaces and TABs are blank, as in _GAP.)
_CELL_ROWS = (
    r"(?:\t[^\t\n]*+\n)++(?:\n(?:[^\S\n]*+\n)*+(?=\t[^\S\n\t]*+\S)(?:\t[^\t\n]*+\n)++)*"
    rf"(?!{_CELL_LINE}|{_CONT}|{_CONT_AFTER_BLANK})"
)
#: the blank lines between two rows of such a match, but the first (which is empty)
_ROW_GAP = re.compile(r"\n\n((?:[^\S\n]*\n)*)")
#: an empty line (or one of spaces and TABs) within a match
_EMPTY_LINE = re.compile(r"\n[^\S\n]*\n")
#: a blank line after the empty line between two rows (without one, the rows split at "\n\n")
_BLANK_AFTER_EMPTY = re.compile(r"\n\n[^\S\n]*\n")
# a pipe row on one line: a pipe, no TAB, and if it opens with a pipe it closes with one (else
# it may be the first line of a row broken over two lines, below); most tables are a run of them
_PIPE_LINE = r"(?=[^\t\n]*\|)(?:(?![^\S\n]*\|)[^\t\n]*+|[^\t\n]*\|[^\S\n\t]*+)(?=\n|\Z)"
# a tab-separated line: not a cell line, not blank, with a TAB; most tables are a run of them
_TSV_LINE = r"(?!\t[^\t\n]*+(?:\n|\Z))(?=[^\S\n]*+\S)[^\t\n]*+\t[^\n]*+"
_SCAN = re.compile(
    rf"(?:(?P<rows>{_CELL_ROWS})"
    # a cell line, then more cell lines and continuations (neither of which starts with a TAB)
    rf"|(?P<cells>{_CELL_LINE}(?:{_CELL_LINE}|{_CONT}|{_CONT_AFTER_BLANK})*+)"
    r"|(?:[^\S\n]*+\n)++"  # blank lines, also of spaces and TABs: nothing to read
    # (each line: spaces, one visible character, the rest – no nested repeats, no backtracking;
    # first a glance at the line after the next blank lines, which a block needs: most prose
    # lines are single paragraphs between headings, and this look fails fast where they are)
    rf"|(?P<block>{_SECOND_LINE}(?:(?!{_OPENS})[^\S\n\t]*+[^\s|][^\t\n|]*+\n(?:[^\S\n\t]*\n)*+){{2,}})"
    r"|(?P<plain>[^\t\n|]++)(?=\n|\Z)"  # most prose: one scan of the line
    rf"|(?P<tsv>{_TSV_LINE}(?:\n{_TSV_LINE})*+|[^\n]*\t[^\n]*)"
    rf"|(?P<pipes>{_PIPE_LINE}(?:\n{_PIPE_LINE})*+)"
    # a pipe row whose cell text broke onto the next line: "| （二）部分公开…，" / "不计…） | 5 |"
    # (first a glance at the next line: in a table it starts with a pipe, and that is that)
    r"|(?P<pipe>[^\S\n]*\|(?=[^\n]*+\n(?![^\S\n]*\|))[^\n]*[^|\s][^\S\n]*\n(?![^\S\n]*\|)[^\n]*\|[^\S\n]*(?=\n|\Z)"
    r"|[^\n]*\|[^\n]*)"
    r"|(?P<text>[^\n]+)"
    rf"|\n+){_GAP}"
)
#: pandas' column numbers, as cell texts
_NUMBERS = [str(i) for i in range(MAX_CELLS + 2)]


#: rows still to be made: the index of the first in the output, their first cell, layout,
#: number of cells, first and last lines and text, one each
_Rows = tuple[int, int, LayoutName, list[int], list[int], list[int], list[str]]


def read_lines(text: str) -> list[Line]:
    """Read a report's text in any supported layout into logical lines (blank lines dropped)."""
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    rest = ""
    if len(text) > MAX_LINES and text.count("\n") > MAX_LINES:  # (no more line ends than characters)
        pieces = text.split("\n", MAX_LINES)
        rest = pieces.pop()
        text = "\n".join(pieces) + "\n"
    # The scan collects the cells of all table rows, and the rows' places in the output; then
    # all cells are read at once, and the rows made from them.
    out: list[Line | None] = []  # None: a table row still to be made
    rows: list[_Rows] = []
    raws: list[str] = []  # the cells of those rows, as written
    cell_lines: list[int] = []
    after_row: list[int] = []  # the prose lines right after a row: where a row may have broken
    joins = False  # whether there are rows whose broken cells are joined up (tab-separated, pipes)
    lineno = 1
    pos = 0  # where lineno was counted to
    index_next: int | None = None  # the next pandas row number expected in the first cell
    for m in _SCAN.finditer(text):
        kind = m.lastgroup
        if kind is None:  # blank lines
            continue
        start = m.start()
        lineno += text.count("\n", pos, start)
        pos = start
        s = m[kind]
        if kind == "plain" or kind == "text":
            index_next = None
            # (a line too long to be kept costs the memo a lookup and a miss: read it straight away)
            prose, layout = _PROSE_LINES[s] if len(s) <= _MEMO_KEY_MAX else _prose_line(s)
            if prose:
                if out and (out[-1] is None or out[-1].kind == "row"):
                    after_row.append(len(out))
                out.append(_tuple_new(Line, ("text", prose, s, lineno, lineno, layout, (), (), (), False)))
        elif kind == "rows":
            if _BLANK_AFTER_EMPTY.search(s) is None:  # rows one empty line apart: the common case
                texts = s[:-1].split("\n\n")
                gaps = [""] * (len(texts) - 1)
            else:
                pieces = _ROW_GAP.split(s[:-1])  # row, blank lines, row, …
                texts = pieces[::2]
                gaps = pieces[1::2]
            ns = []
            firsts = []
            lasts = []
            mark = len(cell_lines)
            row_line = lineno
            for row, gap in zip(texts, [*gaps, ""], strict=True):
                n = row.count("\n") + 1  # a cell per line
                if n > MAX_CELLS:
                    break
                ns.append(n)
                firsts.append(row_line)
                lasts.append(row_line + n - 1)
                cell_lines += range(row_line, row_line + n)
                row_line += n + 1 + gap.count("\n")
            else:
                rows.append((len(out), len(raws), "cell-per-line", ns, firsts, lasts, texts))
                raws += "\n".join(texts)[1:].split("\n\t")
                out += [None] * len(texts)
                continue
            # a row of too many cells (a prose line): the table row by row
            del cell_lines[mark:]
            row_line = lineno
            for row, gap in zip(texts, [*gaps, ""], strict=True):
                for ln in _cell_rows(row, row_line):
                    if ln.kind == "text" and out and (out[-1] is None or out[-1].kind == "row"):
                        after_row.append(len(out))  # (a row of too many cells)
                    out.append(ln)
                row_line += row.count("\n") + 2 + gap.count("\n")
        elif kind == "tsv":
            a = len(raws)
            ns = []
            firsts = []
            texts = []
            row_line = lineno
            for row in s.split("\n"):
                if not row.isspace():
                    parts = row.split("\t", MAX_CELLS)
                    parts, index_next = _unindexed(parts, index_next)
                    if parts:
                        ns.append(len(parts))
                        firsts.append(row_line)
                        texts.append(row)
                        raws += parts
                        cell_lines += [row_line] * len(parts)
                row_line += 1
            if ns:
                rows.append((len(out), a, "tab-separated", ns, firsts, firsts, texts))
                out += [None] * len(ns)
                joins = True
        elif kind == "pipes" or kind == "pipe":
            a = len(raws)
            ns = []
            firsts = []
            lasts = []
            texts = []
            row_line = lineno
            # a rule without outer pipes (``---|---``) is html2text's: its rows have none either,
            # and a pipe at a row's start or end stands for an empty cell (``| 0| 0|``)
            outer = _BARE_RULE.search(s) is None
            for row in s.split("\n") if kind == "pipes" else (s,):
                end = row_line + row.count("\n")  # (a pipe match may be a row broken over two lines)
                stripped = row.strip().replace("\n", "")  # a cell broken over two lines joins up
                if not _RULE.match(stripped):
                    parts = _split_pipes(stripped, outer)[: MAX_CELLS + 1]
                    parts, index_next = _unindexed(parts, index_next)
                    if parts:
                        ns.append(len(parts))
                        firsts.append(row_line)
                        lasts.append(end)
                        texts.append(row)
                        raws += parts
                        cell_lines += [row_line] * len(parts)
                        # (pipe rows without outer pipes are html2text's, which breaks cells)
                        joins = joins or not row.lstrip().startswith("|")
                row_line = end + 1
            if ns:
                rows.append((len(out), a, "markdown", ns, firsts, lasts, texts))
                out += [None] * len(ns)
        elif kind == "cells":  # a row with a cell that goes on over more lines
            body = s[1:].rstrip("\n")
            parts = body.split("\n\t")
            if len(parts) <= MAX_CELLS:
                # (an empty line within: a figure's "continuation" after it is prose, see below)
                runs = (
                    [(parts, lineno)] if _EMPTY_LINE.search(body) is None else _figure_breaks(parts, lineno)
                )
                for run, run_line in runs:
                    if isinstance(run, str):  # prose lines between or after the cells
                        for number, piece in enumerate(run.split("\n"), run_line):
                            prose, layout = (
                                _PROSE_LINES[piece] if len(piece) <= _MEMO_KEY_MAX else _prose_line(piece)
                            )
                            if prose:
                                if out[-1] is None or out[-1].kind == "row":
                                    after_row.append(len(out))
                                out.append(Line("text", prose, piece, number, number, layout))
                        continue
                    line = run_line
                    for part in run:
                        cell_lines.append(line)
                        line += part.count("\n") + 1
                    run_raw = "\t" + "\n\t".join(run)
                    rows.append(
                        (len(out), len(raws), "cell-per-line", [len(run)], [run_line], [line - 1], [run_raw])
                    )
                    raws += run
                    out.append(None)
            else:
                for ln in _cell_rows(s, lineno):
                    if ln.kind == "text" and out and (out[-1] is None or out[-1].kind == "row"):
                        after_row.append(len(out))  # (a row of too many cells)
                    out.append(ln)
        elif kind == "block":
            index_next = None
            prose_block = _block(s, lineno)
            if prose_block is not None:
                if out and (out[-1] is None or out[-1].kind == "row"):
                    after_row.append(len(out))
                out.append(prose_block)
    if rows:
        lines, moved = _make_rows(out, rows, raws, cell_lines)
    else:
        lines, moved = cast("list[Line]", out), False
    if joins:
        # (where rows came out otherwise than as one row each, look for the lines after rows again)
        lines = _join_wrapped_rows(lines, None if moved else after_row)
    if rest:
        first = MAX_LINES + 1
        last = first + rest.count("\n")
        head = " ".join(rest[:200].split())[:60] or "…"
        lines.append(Line("text", head, rest, first, last, "text", overflow=True))
    return lines


#: How a row's cells split, by their flags alone (the shapes of nearly every row): (empty
#: cells,) one label, then figures (``_ONE``) or no figure (``_ONE_BARE``); (empty cells,) more
#: labels, then figures (``_MANY``) or none (``_MANY_BARE``); figures and no label
#: (``_NO_LABEL``); else ``_OTHER``, left to :func:`_build_row`.
_ONE, _ONE_BARE, _MANY, _MANY_BARE, _NO_LABEL, _OTHER = range(6)
_NOT_A_SHAPE = (_OTHER, 0, 0)


def _row_shape(flags: str) -> tuple[int, int, int]:
    """A row's shape (above), where its labels start and where they end.

    Each shape's row is the one :func:`_build_row` makes (``_MANY*`` if its labels differ)."""
    if len(flags) > MAX_CELLS:
        return _NOT_A_SHAPE
    start = flags.find(_LABEL)
    if start < 0:
        return (_NO_LABEL, 0, 0) if _FIGURE in flags else _NOT_A_SHAPE
    rest = flags[start:].lstrip(_LABEL)
    if _LABEL in rest or _FIGURE in flags[:start]:
        return _NOT_A_SHAPE
    end = len(flags) - len(rest)
    if end == start + 1:
        return (_ONE if _FIGURE in rest else _ONE_BARE), start, end
    return (_MANY if _FIGURE in rest else _MANY_BARE), start, end


_ROW_SHAPES: _Memo[tuple[int, int, int]] = _Memo(_row_shape)
_shape_of = _ROW_SHAPES.__getitem__


def _make_rows(
    out: list[Line | None], rows: list[_Rows], raws: list[str], cell_lines: list[int]
) -> tuple[list[Line], bool]:
    """Fill in the table rows (``None``) of ``out``: ``rows`` says where they go and which of the
    cells (``raws``, read here, all at once) are theirs.

    Returns the lines, and whether a row came out otherwise than as one row (none, several, or
    prose), which moves the lines after it."""
    texts = list(map(_text_of, raws))
    flags = "".join(map(_flag_of, raws))
    cells: tuple[Cell, ...] = tuple(map(_tuple_new, repeat(Cell), zip(texts, raws, cell_lines, strict=True)))
    spliced: dict[int, list[Line]] = {}
    moved = False
    for i, a, layout, ns, firsts, lasts, raws_of_rows in rows:
        for n, first, last, raw in zip(ns, firsts, lasts, raws_of_rows, strict=True):
            b = a + n
            # the row's shape (a lookup: the rows of the template's tables repeat in every report)
            shape, j, k = _shape_of(flags[a:b])
            if shape == _ONE:
                j += a
                text = "\t" + "\t".join(texts[j:b])
                out[i] = _tuple_new(
                    Line, ("row", text, raw, first, last, layout, (cells[j],), cells[j + 1 : b], (), False)
                )
            elif shape == _ONE_BARE:
                j += a
                out[i] = _tuple_new(
                    Line, ("row", "\t" + texts[j], raw, first, last, layout, (cells[j],), (), (), False)
                )
            elif shape <= _MANY_BARE and len(set(texts[a + j : a + k])) == k - j:  # labels, none repeated
                j += a
                k += a
                label = "\t" + "|".join(texts[j:k])
                if shape == _MANY:
                    text = label + "\t" + "\t".join(texts[k:b])
                    out[i] = _tuple_new(
                        Line, ("row", text, raw, first, last, layout, cells[j:k], cells[k:b], (), False)
                    )
                else:
                    out[i] = _tuple_new(
                        Line, ("row", label, raw, first, last, layout, cells[j:k], (), (), False)
                    )
            elif shape == _NO_LABEL:
                text = "\t\t" + "\t".join(texts[a:b])
                out[i] = _tuple_new(Line, ("row", text, raw, first, last, layout, (), cells[a:b], (), False))
            elif (
                layout == "cell-per-line"
                and (fig := flags.find(_FIGURE, a, b)) >= 0
                and flags.find(_LABEL, fig, b) >= 0
            ):  # a label after figures: the rows run on
                spliced[i] = _cell_rows(raw, first)
                moved = True
            else:
                row = _build_row(texts, cells, flags, a, b, layout, first, last, raw)
                if row is None or row.kind == "text":
                    moved = True
                out[i] = row
            i += 1
            a = b
    if not moved:
        return cast("list[Line]", out), False
    if not spliced:
        return [ln for ln in out if ln is not None], True
    lines: list[Line] = []
    for i, ln in enumerate(out):
        if ln is not None:
            lines.append(ln)
        elif i in spliced:
            lines.extend(spliced[i])
    return lines, True


#: how a label's item number goes on ("8" / ".属于…"): a "figure" that such a piece continues
#: across an empty line is the start of a label
_NUMBERING_GOES_ON = frozenset(".．、)）")


def _figure_breaks(parts: list[str], first: int) -> list[tuple[list[str] | str, int]]:
    """The cells of a cell-per-line match (``parts``, from line ``first``) in runs, with the
    prose between them, each with its first line.

    A label wraps across an empty line (``（三）`` / empty line / ``不予公开``, also ``8`` / empty
    line / ``.属于行政查询事项``), a figure never does: what a figure's cell took along after an
    empty line is prose (``特此报告`` after the table, a page number between two rows), and the
    cells after it go on in a run of their own.
    """
    out: list[tuple[list[str] | str, int]] = []
    run: list[str] = []
    run_line = line = first
    for part in parts:
        empty = _EMPTY_LINE.search(part) if "\n" in part else None
        if (
            empty is not None
            and _flag_of(part[: empty.start()]) == _FIGURE
            and part[empty.end() :].lstrip()[:1] not in _NUMBERING_GOES_ON
        ):
            run.append(part[: empty.start()])
            out.append((run, run_line))
            out.append((part[empty.end() :], line + part.count("\n", 0, empty.end())))
            run = []
            run_line = line + part.count("\n") + 1
        else:
            run.append(part)
        line += part.count("\n") + 1
    if run:
        out.append((run, run_line))
    return out


def _unindexed(parts: list[str], expected: int | None) -> tuple[list[str], int | None]:
    """:func:`_pandas_index`, after a cheap test that lets most rows through as they are:
    pandas' column numbers (0 1 2…) start with "0" or follow an empty first cell, and a row
    number is only looked for where one is expected."""
    first = _text_of(parts[0])
    if expected is None and first != "0" and (first or len(parts) <= 3 or _text_of(parts[1]) != "0"):
        return parts, None
    return _pandas_index(parts, expected)


def _pandas_index(parts: list[str], expected: int | None) -> tuple[list[str], int | None]:
    """pandas writes its column numbers as a header row (``\t0\t1\t2…``) and, with its index,
    the row number as a first cell: both are the converter's, not the report's.

    Returns the row's cells (none for the header row) and the next row number to expect.
    """
    first = _text_of(parts[0])
    head = 0 if first else 1
    n = len(parts) - head
    if (
        n >= 3
        and _text_of(parts[head]) == "0"
        and _text_of(parts[head + 1]) == "1"
        and list(map(_text_of, parts[head:])) == _NUMBERS[:n]
    ):
        return [], (0 if head else None)
    if expected is not None and first == str(expected):
        return parts[1:], expected + 1
    return parts, None


def _join_wrapped_rows(lines: list[Line], after_row: list[int] | None = None) -> list[Line]:
    """html2text (and a tab-separated writer that keeps line breaks) breaks a cell's text where
    the page had a line break: the first part stands alone between two rows
    (``（二）部分公开…不计`` / ``其他情形）| 5| 0…``).  Such a fragment, on the lines right between
    two rows of one layout (pipe rows written without outer pipes, or tab-separated rows), is put
    back in front of the next row's first cell.

    ``after_row``: the indexes of the prose lines that follow a row (the only ones that can be
    such a fragment), if known."""
    n = len(lines)
    if n < 3:
        return lines
    if after_row is None:
        after_row = [i for i in range(1, n) if lines[i].kind == "text" and lines[i - 1].kind == "row"]
    out: list[Line] = []
    done = 0  # lines[:done] are in out
    for i in after_row:
        if i < done or i + 1 >= n:
            continue
        # the row before: as read, or the row it was joined into (the same lines and layout)
        ln, prev, nxt = lines[i], lines[i - 1], lines[i + 1]
        if (
            nxt.kind == "row"
            and prev.end_line + 1 == ln.line
            and ln.end_line + 1 == nxt.line
            and nxt.layout == prev.layout
            and (
                nxt.layout == "tab-separated"
                or (nxt.layout == "markdown" and not nxt.raw.lstrip().startswith("|"))
            )
            and not _OPENS_SECTION.match(ln.raw)
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
                out.extend(lines[done:i])
                out.append(joined)
                done = i + 2
    if not done:
        return lines
    out.extend(lines[done:])
    return out


#: joins the lines of a prose block in its canonical text (never a line end: one token)
BLOCK_JOIN = "\u2029"


def _block(block: str, first: int) -> Line | None:
    """A run of ordinary prose lines: one Line whose parts are its lines.

    A block can only ever be prose to the grammar, so its text is not NFKC-normalised (the
    costliest step of reading prose); its paragraphs keep the text as printed anyway.
    """
    parts: list[Cell] = []
    texts: list[str] = []
    for line, raw in enumerate(block.split("\n"), first):
        text = " ".join(raw.split())
        if not text:
            continue
        if text[0] in _RULE_OR_PAGE_START or text[0] in "－—":  # a page number or a rule?
            norm = normalize(text)
            if _PAGE_NO.match(norm) or _RULE.match(norm):
                continue
        if "[bookmark:" in text:
            text = _BOOKMARK.sub("", text)
        parts.append(_tuple_new(Cell, (text, raw, line)))
        texts.append(text)
    if not parts:
        return None
    if len(parts) == 1:
        p = parts[0]
        return Line("text", _prose(p.raw), p.raw, p.line, p.line, "text")
    joined = BLOCK_JOIN.join(texts)
    first, last, raw = parts[0].line, parts[-1].line, block.rstrip("\n")
    return _tuple_new(Line, ("text", joined, raw, first, last, "text", (), (), tuple(parts), False))


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
        flag = _flag_of(part)
        if flag == _FIGURE:
            seen_figure = True
        elif flag == _LABEL and seen_figure:  # a label after figures: the next row
            rows.extend(_cell_segment(cells[start:], block, first))
            start, seen_figure = len(cells), False
        cells.append(Cell(_text_of(part), part, line))
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
