"""The text reader: the text a converter wrote → the document model, by named layout rules.

Converters (markitdown, html2text, pandas, Tika, pdfplumber …) write a report's tables in three
layouts, which may be mixed within one text:

* **markdown** – pipe rows (``| a | b |``, or html2text's ``a| b| c``) with a ``|---|`` rule;
* **tab-separated** – one row per line, cells between TABs;
* **cell-per-line** – a TAB-led line per cell, an empty line ends the row.

The text is read line by line.  At each line the rules of :data:`RULES` are tried in their
order; the first that applies consumes one or more lines and adds what it read to the document.
A rule is a :class:`LayoutRule`: a name and a function ``(state) -> bool``, and the kinds of
line it may read at (:func:`line_kind`: a rule for pipe rows is not tried at a line without a
pipe).  The order is:

========================  ===================================================================
``blank``                 an empty line (or one of spaces): nothing to read
``rule``                  a markdown table rule (``| --- | --- |``, ``---|---``): dropped
``page_number``           ``- 4 -``, ``第 4 页``: dropped
``bookmark``              a line that is only ``[bookmark: …]`` artefacts: dropped
``html_table``            a raw HTML table inside markdown (pandoc gfm): read by the HTML reader
``box_table``             a box table (w3m ``┌──┬──┐``) read as a picture: its cells are the regions
                          its walls close, merged cells and all
``grid_table``            a grid table (pandoc ``+---+``, w3m ``┌──┬──┐``): a row between borders
``html_broken_tag``       lines broken inside a raw HTML tag (pandoc): one pipe row or prose line
``markdown_pipe_row``     a pipe row, also html2text's without outer pipes, also one whose cell
                          broke onto the next line
``tab_separated_row``     a line with TABs (pandas' index and column numbers dropped)
``cell_per_line_row``     TAB-led cell lines, their continuations, up to the empty line
``pdf_text_row``          in a PDF's text of a table row per line (pdfplumber, ``pdftotext -raw``,
                          pypdf): a row's figures between spaces and its label's lines around them
``pdf_text_header``       in such a text, a table's header line right before a row whose label
                          has no item number: the row begins after it
``wrapped_cell``          the first piece of a cell broken over two lines, between two rows
``space_aligned_table``   a table of space-aligned columns between dash borders (pandoc)
``space_columns_table``   a block of space-aligned columns without borders (inscriptis): read
                          only in a text whose every such block keeps its columns
``bare_cell_row``         one cell per line without TABs (LibreOffice, docx2txt, mammoth, lynx):
                          label lines, then the row's figures a line each
``heading``               a line that opens something (``一、``, ``（一）``, ``#`` …): prose
``prose``                 a run of ordinary lines: one prose block
========================  ===================================================================

:data:`PDF_TEXT_RULES` adds ``space_separated_row`` before ``heading``, for a PDF's text
(pdfplumber): a line that ends in figures between spaces is a row.

:func:`with_rule` makes a rule list with one more rule, before or after a named one, for a
caller (or a later layout) that reads one more converter's quirk.

A table row's cells are read by :mod:`gongkai._figures` alone: the labels are the text cells
before the first figure, the values every cell after the last label.  The reader knows nothing
of the report's template: which row is which is the grammar's business.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from attrs import evolve

from .._document import Block, Cell, Document, Prose, Row, Where
from .._errors import Diagnostic, ReadError
from .._figures import CellClass, cell_text, classify, nfkc, normalize
from ._grid import GridCell, split_cells, table_rows

__all__ = [
    "CONTINUATION_MAX",
    "MAX_BYTES",
    "MAX_CELLS",
    "MAX_LINES",
    "PDF_TEXT_RULES",
    "RULES",
    "LayoutRule",
    "State",
    "line_kind",
    "read",
    "read_text",
    "with_rule",
]

#: A larger input is refused: a report's text is a few hundred kilobytes.
MAX_BYTES = 50 * 1024 * 1024

#: A report has a few hundred lines; a text is read up to this many lines, and whatever follows
#: is kept whole in one diagnostic (``too-long``), never read line by line.
MAX_LINES = 20_000

#: No row of any template has this many cells: a longer "row" is kept as prose (a diagnostic
#: says so), and a line is never split into more pieces than this.
MAX_CELLS = 256

#: How many characters a fragment after an empty line may have to continue a cell-per-line cell
#: (``（三）`` / empty line / ``不予公开``); a longer line after an empty line is prose.
CONTINUATION_MAX = 12

# ---------------------------------------------------------------------------- line patterns

_PAGE_NO = re.compile(r"^[-—–]\s*\d{1,4}\s*[-—–]$|^第\s*\d{1,4}\s*页(?:\s*[,，]?\s*共\s*\d{1,4}\s*页)?$")
_RULE = re.compile(r"^\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?$")
#: a page number has a dash or 第, also as a character NFKC makes one (``－``, ``﹣``, ``︱``…)
_PAGE_NO_HINT = re.compile("[-—–第\ufe31\ufe32\ufe58\ufe63\uff0d]")
#: the first character of a page number or a rule, in normalised text
_DROPPED_FIRST = frozenset("-—–第|:")
#: a table rule that does not open with a pipe (html2text's ``---|---``)
_BARE_RULE = re.compile(r"^\s*:?-{3,}:?\s*\|")
_BOOKMARKS = re.compile(r"^(?:\s*\[bookmark:[^\]]*\])+\s*$")
_HEADING_MARK = re.compile(r"^#{1,6}\s*")
_EMPHASIS = re.compile(r"^(\*\*|__)(.*)\1$")
#: a line that opens a section (a markdown heading, ``一、``, ``第一章``): never a broken cell
_SECTION = re.compile(
    r"^[^\S\t]*(?:#|[一二三四五六七八九十]{1,2}\s*[、.．]|第[一二三四五六七八九十]+[章节部分])"
)
#: a line that may open something (a heading, an item, a bracket, a caption, markdown emphasis:
#: mammoth's ``__二、主动公开…__``): it stands alone; a run of other lines is one prose block
_OPENS = re.compile(r"^\s*(?:__|[#*>\-+\[(（【〔《第]|[一二三四五六七八九十百\d０-９]{1,3}\s*[、.．:：)）])")
#: how a label's item number goes on (``8`` / empty line / ``.属于…``): not a figure's end
_NUMBERING_GOES_ON = ".．、)）"
#: pandas' column numbers, as cell texts
_COLUMN_NUMBERS = [str(i) for i in range(MAX_CELLS + 2)]


def _is_blank(line: str) -> bool:
    return not line or line.isspace()


def _is_cell_line(line: str) -> bool:
    """A cell-per-line cell: a TAB, then the cell (no other TAB)."""
    return line[:1] == "\t" and "\t" not in line[1:]


def _is_plain(line: str) -> bool:
    """A line of text: no TAB, no pipe, not blank."""
    return "\t" not in line and "|" not in line and line != "" and not line.isspace()


def _is_pipe_line(line: str) -> bool:
    """A whole pipe row: a pipe, no TAB, and if it opens with a pipe it closes with one."""
    if "|" not in line or "\t" in line:
        return False
    s = line.strip()
    return not s.startswith("|") or s.endswith("|")


def _is_tsv_line(line: str) -> bool:
    """A tab-separated row: a TAB, something visible, and not a cell-per-line cell."""
    return "\t" in line and not _is_blank(line) and not _is_cell_line(line)


def _is_dropped(text: str) -> bool:
    """Whether normalised text is a page number or a table rule (prose drops it)."""
    return text[:1] in _DROPPED_FIRST and (_PAGE_NO.match(text) is not None or _RULE.match(text) is not None)


def _is_rule(line: str) -> bool:
    """A markdown table rule: ``| --- | :---: |``, ``---|---``, ``---``."""
    return _RULE.match(nfkc(line).strip()) is not None


# ---------------------------------------------------------------------------- state and rules


@dataclass
class State:
    """What the rules read and write: the text's lines, where reading is, what was read."""

    lines: list[str]
    #: whether the text ends in a line end (its last line may then join a prose block)
    final_newline: bool = True
    #: the index of the line to read next (line numbers are 1-based: ``i + 1``)
    i: int = 0
    blocks: list[Block] = field(default_factory=list)
    #: the table layouts seen (``Document.layout`` names them)
    layouts: set[str] = field(default_factory=set)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    #: the next pandas row number expected in a row's first cell, if any
    pandas_row: int | None = None
    #: the run of pipe lines being read: its end (index), and whether its rows have outer pipes
    pipe_run_end: int = -1
    pipe_outer: bool = True
    #: the first piece of a broken cell, waiting for the next row (lines, as Cells)
    wrapped: tuple[Cell, ...] = ()
    #: a pandoc table border before this line index has no closing border
    no_closing_border: int = -1
    #: the ``claims`` of the rules in use (see :class:`LayoutRule`)
    claims: tuple[Callable[[str], bool], ...] = ()
    #: the index of the line after the last prose block and its empty lines
    after_block: int = -1
    #: the layout of the last row added ("" when the last block is not a row)
    last_row_layout: str = ""
    #: the index of the last row's last line (a wrapped cell's piece follows it directly)
    last_row_end: int = -1
    #: whether the text is a PDF's with a table row per line (None: not looked at yet), and
    #: whether its rows' labels go on after their figures (see :func:`pdf_text_row`)
    pdf_rows: bool | None = None
    pdf_tails: bool = False
    #: the line where, in such a text, the next row's label begins without an item number
    pdf_head_from: int = -1
    #: whether the text keeps its tables' columns (None: not looked at yet), see
    #: :func:`space_columns_table`
    columns_kept: bool | None = None
    #: no space-columns table starts before this line index (see :func:`space_columns_table`)
    no_columns: int = -1
    #: no bare cell-per-line row starts before this line index (see :func:`bare_cell_row`)
    no_bare_row: int = -1
    #: the last bare cell-per-line row's last line index
    bare_row_end: int = -2
    #: no box table starts before this line index (see :func:`box_table`)
    no_box: int = -1
    #: no line broken inside an HTML tag is read before this line index (see :func:`html_broken_tag`)
    no_broken_tag: int = -1
    #: the text has lost its grid: no (more) bare cell-per-line rows are read (None: not known yet)
    bare_lost: bool | None = None

    def at(self, k: int) -> str | None:
        """The line ``k`` lines after the current one, None past the end."""
        j = self.i + k
        return self.lines[j] if 0 <= j < len(self.lines) else None

    def add(self, block: Block, layout: str = "") -> None:
        """Add a block; ``layout`` names a row's table layout."""
        self.blocks.append(block)
        if layout:
            self.layouts.add(layout)
        self.last_row_layout = layout if isinstance(block, Row) else ""


#: What a line is before any rule reads it (see :func:`line_kind`).
LineKind = Literal["blank", "cell", "tab", "pipe", "text"]
LINE_KINDS: tuple[LineKind, ...] = ("blank", "cell", "tab", "pipe", "text")


def line_kind(line: str) -> LineKind:
    """``blank`` (empty, or only spaces and TABs), ``cell`` (a TAB, then a cell-per-line cell
    without TAB), ``tab`` (cells between TABs), ``pipe`` (a pipe, no TAB) or ``text``."""
    if not line or line.isspace():
        return "blank"
    if "\t" in line:
        return "cell" if _is_cell_line(line) else "tab"
    return "pipe" if "|" in line else "text"


@dataclass(frozen=True)
class LayoutRule:
    """A named layout rule: ``apply(state)`` reads at ``state.i`` and returns True when it
    consumed lines (it then has moved ``state.i`` on), False to let the next rule try.

    ``claims``, for a rule that reads lines of text (no TAB, no pipe) as table rows, says
    whether it reads a line: a prose block of ordinary lines stops there.  ``kinds``: the
    :func:`line_kind` of every line the rule may read at (None: any line); at other lines
    it is not tried."""

    name: str
    apply: Callable[[State], bool]
    claims: Callable[[str], bool] | None = None
    kinds: frozenset[LineKind] | None = None


# ---------------------------------------------------------------------------- rows


def _row(
    cells: Sequence[Cell], classes: Sequence[CellClass], where: Where, *, trailing: bool = False
) -> Row | None:
    """A table row's cells (each with its :func:`~gongkai._figures.classify` class) → a
    :class:`Row` (labels: the text cells before the first figure, empty and repeated ones
    dropped; values: the cells after the last label, blank ones too, none when they are only
    pads), or None for a row with nothing in it."""
    parts = split_cells(cells, classes)
    if parts is None:
        return None
    labels, values = parts
    if labels and all(c.pad for c in values) and not any(c.text for c in values):
        values = ()  # a label row (a caption, a category) and its pads
    elif not labels and not any(c.text for c in values):
        return None  # a row that holds nothing (an empty markdown header)
    # blank values are cells of the row: read as blank, not lost.  width: every cell the source
    # row had (labels, pads, repeats, values): a row at the table's full width tells its own
    # label pads from its blank cells
    return Row(labels, values, where, trailing=trailing, width=len(cells))


def _classes(cells: Sequence[Cell]) -> list[CellClass]:
    """Each cell's :func:`~gongkai._figures.classify` class."""
    return [classify(c.text) for c in cells]


def _too_many_cells(state: State, raw: str, where: Where) -> None:
    """A "row" of more cells than any row has: prose (its text cut short), and a diagnostic."""
    head = raw[: 40 * MAX_CELLS].replace("\t", " ").replace("|", " ")
    text = normalize(head) or "-"
    state.add(Prose(text, raw, where))
    state.diagnostics.append(
        Diagnostic(
            "too-many-cells",
            f"a table row of more than {MAX_CELLS} cells is read as prose",
            where.line,
            "warning",
            raw=raw[:200],
            where=where,
        )
    )


def _add_row(
    state: State,
    cells: list[Cell],
    where: Where,
    layout: str,
    raw: str | None = None,
    *,
    trailing: bool = False,
    classes: Sequence[CellClass] | None = None,
    loses_blanks: bool = False,
) -> None:
    """Add a row of ``cells`` (joining a waiting broken cell's first piece in front); a row
    of more cells than any row has is prose.  ``raw`` is the row as printed (None: its lines,
    as ``where`` says); ``classes`` the cells' classes, when the caller has them;
    ``loses_blanks`` says the layout leaves no trace of a blank cell (``Row.loses_blanks``)."""
    if len(cells) > MAX_CELLS:
        if raw is None:
            first = where.line or 1
            raw = "\n".join(state.lines[first - 1 : where.end_line or first])
        _too_many_cells(state, raw, where)
        return
    row = _row(cells, _classes(cells) if classes is None else classes, where, trailing=trailing)
    if loses_blanks and row is not None:
        row = evolve(row, loses_blanks=True)
    if state.wrapped:
        row = _join_wrapped(state, row, where, trailing)
    if row is not None:
        state.add(row, layout)
        state.last_row_end = (row.where.end_line or row.where.line or 1) - 1


def _join_wrapped(state: State, row: Row | None, where: Where, trailing: bool) -> Row | None:
    """Put the waiting piece of a broken cell in front of ``row``'s first label (or as its
    first cell): html2text breaks a cell where the page had a line break."""
    pieces, state.wrapped = state.wrapped, ()
    if not isinstance(row, Row):  # (nothing to join: the pieces are prose after all)
        for p in pieces:
            _prose_line(state, p.raw, p.where.line or 1)
        return row
    first_line = pieces[0].where.line
    frag = Cell(
        "".join(cell_text(p.raw) for p in pieces), "\n".join(p.raw for p in pieces), Where(line=first_line)
    )
    cells = [*row.labels, *row.values]
    if row.labels:
        head = cells[0]
        cells[0] = Cell(frag.text + head.text, frag.raw + "\n" + head.raw, frag.where)
    else:
        cells.insert(0, frag)
    where = Where(line=first_line, end_line=where.end_line or where.line)
    return _row(cells, _classes(cells), where, trailing=trailing)


def _pandas_index(state: State, texts: list[str]) -> int:
    """How many leading cells of a row are pandas' (its row number); -1 for pandas' header of
    column numbers (``\\t0\\t1\\t2…``), which is dropped whole."""
    expected = state.pandas_row
    first = texts[0] if texts else ""
    head = 0 if first else 1
    n = len(texts) - head
    if n >= 3 and texts[head : head + 2] == ["0", "1"] and texts[head:] == _COLUMN_NUMBERS[:n]:
        state.pandas_row = 0 if head else None
        return -1
    if expected is not None and first == str(expected):
        state.pandas_row = expected + 1
        return 1
    state.pandas_row = None
    return 0


def _split_cells(state: State, raws: list[str], where: Where, *, pads: bool = False) -> list[Cell] | None:
    """A one-line row's cells, all at ``where`` (pandas' index cells dropped); None for
    pandas' header row.  With ``pads``, a cell of one space is a pad (markitdown's ``| |``)."""
    texts = [cell_text(r) for r in raws]
    drop = _pandas_index(state, texts)
    if drop < 0:
        return None
    cells = [Cell(t, r, where) for t, r in zip(texts[drop:], raws[drop:], strict=True)]
    if pads:
        cells = [Cell(c.text, c.raw, where, pad=True) if c.raw == " " else c for c in cells]
    return cells


# ---------------------------------------------------------------------------- the rules


def blank(state: State) -> bool:
    """An empty line, or one of spaces (and TABs, unless a TAB alone opens a cell-per-line
    row: see :func:`_tab_alone_opens_row`): nothing to read."""
    line = state.lines[state.i]
    if not _is_blank(line):
        return False
    if _is_cell_line(line) and _tab_alone_opens_row(state):
        return False
    state.i += 1
    return True


def _tab_alone_opens_row(state: State) -> bool:
    """A TAB alone is an empty first cell at the text's start and right after a prose block
    (and its empty lines): Tika's empty corner cell after a table's caption; and after the
    empty line between rows when a cell line follows it: the row's first cell is blank (table
    四's first figure).  Elsewhere it is blank: Tika writes TAB-only lines between rows."""
    i = state.i
    if i == 0 or i == state.after_block:
        return True
    lines = state.lines
    return not lines[i - 1].strip() and i + 1 < len(lines) and lines[i + 1].startswith("\t")


def rule(state: State) -> bool:
    """A markdown table rule (``| --- |``, ``---|---``, ``---``): dropped."""
    line = state.lines[state.i]
    if "\t" in line or "-" not in line or not _is_rule(line):
        return False
    if _is_pipe_line(line) and state.i >= state.pipe_run_end:
        _pipe_run(state)  # (a table that opens with its rule: its rows are read as the rule says)
    state.i += 1
    return True


def page_number(state: State) -> bool:
    """A page number (``- 4 -``, ``第 4 页``, ``第4页，共9页``): dropped."""
    line = state.lines[state.i]
    if len(line) > 40 or not _is_plain(line) or _PAGE_NO_HINT.search(line) is None:
        return False
    if _PAGE_NO.match(" ".join(nfkc(line).split())) is None:
        return False
    state.i += 1
    return True


def bookmark(state: State) -> bool:
    """A line that is only ``[bookmark: …]`` artefacts: dropped."""
    line = state.lines[state.i]
    if "[bookmark:" not in line or not _is_plain(line) or _BOOKMARKS.match(nfkc(line)) is None:
        return False
    state.i += 1
    return True


def _pipe_run(state: State) -> None:
    """At a run of pipe lines' first line: where it ends and whether its rows have outer pipes
    (a rule without outer pipes, ``---|---``, is html2text's: its rows have none either)."""
    j = state.i
    outer = True
    while j < len(state.lines) and _is_pipe_line(state.lines[j]):
        if _BARE_RULE.match(state.lines[j]):
            outer = False
        j += 1
    state.pipe_run_end, state.pipe_outer = j, outer


def markdown_pipe_row(state: State) -> bool:
    """A pipe row: ``| a | b |`` (markitdown, pandas), ``a| b| c`` (html2text, no outer pipes),
    or ``| a，`` / ``b | 1 |``, a row whose cell broke onto the next line.

    markitdown writes a cell that a merged cell spans as ``| |`` (one space) and an empty cell
    as ``|  |``: the one-space cell is a pad.  In a table without outer pipes, a pipe that opens
    or closes a row separates an empty cell (``| 0| 0|``)."""
    line = state.lines[state.i]
    first = state.i + 1
    if _is_pipe_line(line):
        if state.i >= state.pipe_run_end:
            _pipe_run(state)
        outer = state.pipe_outer
        text, end = line, first
    else:
        # a row broken over two lines: opens with a pipe, ends in text; the next line ends in a pipe
        nxt = state.at(1)
        if "|" not in line or "\t" in line:
            return False
        if nxt is not None and not nxt.lstrip().startswith("|") and nxt.rstrip().endswith("|"):
            text, end = line.strip() + nxt.strip(), first + 1
        else:  # (a row that opens with a pipe and never closes: its cells all the same)
            text, end = line, first
        outer = True
        state.pipe_run_end = -1
    state.i = end
    s = text.strip()
    opens = s.startswith("|")
    # Outer pipes come in pairs (``| a | b |``); without them, a pipe at either end separates
    # an empty cell.  html2text ends a row in an empty cell with ``| ``: a separator, kept.
    if outer and opens:
        s = s[1:]
        if s.endswith("|") and not s.endswith("\\|"):
            s = s[:-1]
    trailing = not (outer and opens) and s.endswith("|")
    raws = s.split("|", MAX_CELLS)
    where = Where(line=first, end_line=end) if end != first else Where(line=first)
    if len(raws) > MAX_CELLS:
        _too_many_cells(state, text, where)
        return True
    # (markitdown's pad where a merged cell spans: ``| |``)
    cells = _split_cells(state, raws, Where(line=first) if end != first else where, pads=outer and opens)
    if cells is None:
        return True
    _add_row(state, cells, where, "markdown", text, trailing=trailing)
    return True


def tab_separated_row(state: State) -> bool:
    """A tab-separated row: cells between TABs, every cell kept (empty ones too, a trailing
    TAB's: the row is ``trailing``); pandas' column numbers and row numbers dropped."""
    line = state.lines[state.i]
    if not _is_tsv_line(line):
        return False
    state.i += 1
    raws = line.split("\t", MAX_CELLS)
    where = Where(line=state.i)
    if len(raws) > MAX_CELLS:
        _too_many_cells(state, line, where)
        return True
    cells = _split_cells(state, raws, where)
    if cells is not None:
        _add_row(state, cells, where, "tab-separated", line, trailing=line.endswith("\t"))
    return True


def _continues(line: str) -> bool:
    """Whether an untabbed line goes on with the cell above it (not a section's heading)."""
    return "\t" not in line and not _is_blank(line) and _SECTION.match(line) is None


def cell_per_line_row(state: State) -> bool:
    """Cell-per-line rows: a TAB-led line per cell, up to an empty line.

    A cell goes on over lines without a TAB (Tika: ``商业`` / ``企业``), also after one empty
    line when the piece is short (``（三）`` / empty line / ``不予公开``) or the row's next cell
    follows it.  A figure never goes on across an empty line: what follows it there is prose,
    and the cells after that are a row of their own (but ``8`` / empty line / ``.属于…`` is one
    label).  Where the empty line between two rows is missing, a label after a row's figures
    opens the next row (see :func:`_cell_rows`)."""
    lines = state.lines
    n = len(lines)
    line = lines[state.i]
    if not _is_cell_line(line) or (_is_blank(line) and not _tab_alone_opens_row(state)):
        return False
    # each cell: its first and last line index (a cell is its lines, the first without its TAB)
    cells: list[tuple[int, int]] = []
    j = state.i
    while j < n:
        cur = lines[j]
        if _is_cell_line(cur):
            cells.append((j, j))
            j += 1
        elif cells and _continues(cur):
            cells[-1] = (cells[-1][0], j)
            j += 1
        elif cells and _is_empty(cur) and _fragment_after_blank(lines, j + 1):
            a, b = cells[-1]
            text = cell_text(_cell_raw(lines, a, b))
            if not text or classify(text) == "text" or lines[j + 1].lstrip()[:1] in _NUMBERING_GOES_ON:
                cells[-1] = (a, j + 1)
                j += 2
                continue
            # after a figure: the piece (and what goes on with it) is prose, up to the next cell
            _cell_rows(state, cells)
            cells = []
            j += 1
            while j < n and not _is_cell_line(lines[j]):
                if _continues(lines[j]):
                    _prose_line(state, lines[j], j + 1)
                    j += 1
                elif _is_empty(lines[j]) and _fragment_after_blank(lines, j + 1):
                    j += 1
                else:
                    break
        else:
            break
    _cell_rows(state, cells)
    state.i = j
    return True


def _cell_raw(lines: list[str], a: int, b: int) -> str:
    """A cell-per-line cell as printed: lines ``a`` to ``b``, the first without its TAB."""
    return lines[a][1:] if a == b else "\n".join([lines[a][1:], *lines[a + 1 : b + 1]])


def _is_empty(line: str) -> bool:
    """An empty line (or one of spaces, no TAB): it ends a cell-per-line row."""
    return _is_blank(line) and "\t" not in line


def _fragment_after_blank(lines: list[str], k: int) -> bool:
    """Whether line ``k``, after an empty line, goes on with the cell before the empty line:
    a short piece, or one the row's next cell follows."""
    if k >= len(lines) or not _continues(lines[k]):
        return False
    return len(lines[k].strip()) <= CONTINUATION_MAX or (k + 1 < len(lines) and lines[k + 1][:1] == "\t")


def _cell_rows(state: State, cells: list[tuple[int, int]]) -> None:
    """Cell-per-line cells → rows: a label after the figures opens the next row."""
    if not cells:
        return
    lines = state.lines
    made: list[Cell] = []
    classes: list[CellClass] = []
    seen_figure = False
    start = 0
    for a, b in cells:
        raw = _cell_raw(lines, a, b)
        text = cell_text(raw)
        kind = classify(text)
        if kind == "text":
            if seen_figure:
                _cell_segment(state, made[start:], classes[start:])
                start, seen_figure = len(made), False
        elif kind != "blank":
            seen_figure = True
        made.append(Cell(text, raw, Where(line=a + 1, end_line=b + 1) if b != a else Where(line=a + 1)))
        classes.append(kind)
    _cell_segment(state, made[start:], classes[start:])


def _cell_segment(state: State, cells: list[Cell], classes: list[CellClass]) -> None:
    """One cell-per-line row's cells → a row (from its first cell's line to its last's)."""
    if not cells:
        return
    first = cells[0].where.line or 1
    last = cells[-1].where.end_line or cells[-1].where.line or first
    where = Where(line=first, end_line=last) if last != first else Where(line=first)
    _add_row(state, cells, where, "cell-per-line", classes=classes)


def wrapped_cell(state: State) -> bool:
    """The first piece of a cell broken over two lines (html2text, a tab-separated writer that
    keeps line breaks: ``（二）部分公开…不计`` / ``其他情形）| 5| 0…``): lines of text right
    between two rows of one layout (pipe rows without outer pipes, tab-separated rows) wait to
    go in front of the next row's first cell."""
    layout = state.last_row_layout
    if layout not in ("markdown", "tab-separated") or state.last_row_end != state.i - 1:
        return False
    lines = state.lines
    line = lines[state.i]
    if not _is_plain(line) or _SECTION.match(line):
        return False
    end = state.i + 1
    if _OPENS.match(line) is None:
        end = _block_end(state) or end
    if end >= len(lines):
        return False
    nxt = lines[end]
    if layout == "tab-separated":
        if not _is_tsv_line(nxt):
            return False
    elif not _is_pipe_line(nxt) or nxt.lstrip().startswith("|") or _is_rule(nxt):
        return False
    state.wrapped = tuple(
        Cell(" ".join(lines[k].split()), lines[k], Where(line=k + 1))
        for k in range(state.i, end)
        if not _is_blank(lines[k])
    )
    state.i = end
    return True


def heading(state: State) -> bool:
    """A line on its own: one that opens something (a heading, a numbered item, a caption), or
    an ordinary line that no other ordinary line follows (a paragraph).  ``#`` marks and
    emphasis around the line are dropped."""
    line = state.lines[state.i]
    if not _is_plain(line) or (_OPENS.match(line) is None and _block_goes_on(state)):
        return False
    state.i += 1
    _prose_line(state, line, state.i)
    return True


def prose(state: State) -> bool:
    """A run of ordinary lines (none opening anything; empty lines between them allowed): one
    prose block, its lines kept in ``Prose.lines`` and its text their texts joined by line ends
    (page numbers and rules among them dropped)."""
    lines = state.lines
    end = _block_end(state)
    if end is None:
        state.i += 1
        _prose_line(state, lines[state.i - 1], state.i)
        return True
    parts: list[Cell] = []
    for k in range(state.i, end):
        raw = lines[k]
        if _is_blank(raw):
            continue
        norm = _normalize(raw)
        if _is_dropped(norm):
            continue
        parts.append(Cell(norm, raw, Where(line=k + 1)))
    while end < len(lines) and _is_empty(lines[end]):
        end += 1
    state.i = state.after_block = end
    if len(parts) == 1:
        _prose_line(state, parts[0].raw, parts[0].where.line or 1)
    elif parts:
        first, last = parts[0].where.line, parts[-1].where.line
        raw = "\n".join(lines[(first or 1) - 1 : last])
        state.add(
            Prose("\n".join(p.text for p in parts), raw, Where(line=first, end_line=last), tuple(parts))
        )
    return True


def _is_block_line(state: State, k: int) -> bool:
    """Whether line ``k`` may be part of a prose block: a line of text that opens nothing and
    no rule claims (the text's last line only when a line end follows it)."""
    line = state.lines[k]
    if not _is_plain(line) or _OPENS.match(line) is not None:
        return False
    if k + 1 == len(state.lines) and not state.final_newline:
        return False
    for claims in state.claims:  # noqa: SIM110 - a loop, not a generator per line of a long block
        if claims(line):  # (a line a table rule reads)
            return False
    return True


def _block_goes_on(state: State) -> bool:
    """Whether a prose block of two or more lines starts at the current line (another block
    line follows it, empty lines between allowed): :func:`_block_end` without its scan."""
    lines = state.lines
    if not _is_block_line(state, state.i):
        return False
    k = state.i + 1
    while k < len(lines) and _is_empty(lines[k]):
        k += 1
    return k < len(lines) and _is_block_line(state, k)


def _normalize(raw: str) -> str:
    """A prose line's :func:`~gongkai._figures.normalize` text; the line itself when that is the
    same (one string kept, not two: a text of many short lines)."""
    text = normalize(raw)
    return raw if text == raw else text


def _block_end(state: State) -> int | None:
    """Where a prose block from the current line ends (the index after its last line), or None
    when no block of two or more lines starts there."""
    lines = state.lines
    k = state.i
    if not _is_block_line(state, k):
        return None
    count = 0
    end = k
    while k < len(lines):
        if _is_block_line(state, k):
            count += 1
            k += 1
            end = k
        elif _is_blank(lines[k]) and "\t" not in lines[k]:
            k += 1
        else:
            break
    return end if count >= 2 else None


def _prose_line(state: State, raw: str, line: int) -> None:
    """One prose line: its matching text (``#`` marks and emphasis gone); nothing for a page
    number or a rule."""
    text = _normalize(raw)
    if text[:1] == "#" and (m := _HEADING_MARK.match(text)):
        text = text[m.end() :]
    if text[:1] in ("*", "_"):
        emphasis = _EMPHASIS.match(text)
        if emphasis:
            text = emphasis.group(2).strip()
    if not text or _is_dropped(text):
        return
    state.add(Prose(text, raw, Where(line=line)), "markdown" if raw.lstrip()[:1] == "#" else "")


# ---------------------------------------------------------------------------- beyond the three layouts

#: a pandoc table border (simple, multiline or plain tables): runs of dashes, one per column
_DASHES = re.compile(r"^ *-{3,}(?: +-{3,})+ *$")
_DASH_RUN = re.compile(r"-+")
_WORD = re.compile(r"\S+")
#: how far a pandoc table may run from its border to the closing one
_TABLE_MAX_LINES = 2000


def _display_width(text: str) -> int:
    """How many columns ``text`` takes on a terminal: East Asian wide and full-width
    characters two, combining marks none, the rest one."""
    width = 0
    for ch in text:
        if unicodedata.combining(ch):
            continue
        width += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return width


def _aligned_cells(line: str, starts: list[int]) -> list[str]:
    """A space-aligned line's cells: each word (text between spaces) goes to the column its
    first character stands in, counted in display columns (a Chinese character takes two)."""
    cells = [""] * len(starts)
    col = 0  # the display column of ``line[end]``
    end = 0
    for m in _WORD.finditer(line):
        col += _display_width(line[end : m.start()])
        k = 0
        while k + 1 < len(starts) and col >= starts[k + 1]:
            k += 1
        cells[k] = f"{cells[k]} {m.group()}" if cells[k] else m.group()
        col += _display_width(m.group())
        end = m.end()
    return cells


def space_aligned_table(state: State) -> bool:
    """A table of space-aligned columns between dash borders (pandoc's plain, simple and
    multiline tables): the border's runs of dashes give the columns, in display columns (a
    Chinese character is two wide).  Rows are lines, or in a table with empty lines between its
    rows, the lines between two empty lines (a cell wrapped over them)."""
    lines = state.lines
    line = lines[state.i]
    if "-" not in line or state.i < state.no_closing_border or _DASHES.match(line) is None:
        return False
    starts = [m.start() for m in _DASH_RUN.finditer(line)]
    # the closing border: a border line followed by an empty line or the end
    stop = min(len(lines), state.i + _TABLE_MAX_LINES)
    end = None
    j = state.i + 1
    while j < stop and "\t" not in lines[j] and "|" not in lines[j]:
        if _DASHES.match(lines[j]) and (j + 1 >= len(lines) or _is_blank(lines[j + 1])):
            end = j
            break
        j += 1
    if end is None:
        state.no_closing_border = j  # (a border up to there has none either: no second look)
        return False
    body = [j for j in range(state.i + 1, end) if not _DASHES.match(lines[j])]
    groups: list[list[int]] = []
    multiline = any(_is_blank(lines[j]) for j in body[1:-1])
    for j in body:
        if _is_blank(lines[j]):
            if groups and groups[-1]:
                groups.append([])
        elif multiline and groups:
            groups[-1].append(j)
        else:
            groups.append([j])
    for group in groups:
        if not group:
            continue
        texts = [""] * len(starts)
        for j in group:
            for k, piece in enumerate(_aligned_cells(lines[j], starts)):
                texts[k] = f"{texts[k]} {piece}".strip() if piece else texts[k]
        first, last = group[0] + 1, group[-1] + 1
        where = Where(line=first, end_line=last) if last != first else Where(line=first)
        cells = [Cell(cell_text(t), t, Where(line=first)) for t in texts]
        _add_row(state, cells, where, "space-aligned")
    state.i = end + 1
    return True


#: a cell of a space-aligned line without borders: words one space apart (two or more end it)
_SPACED_CELL = re.compile(r"\S+(?: \S+)*")
#: a line that is not of a block of space-aligned columns: a TAB, a pipe, a box's edge
_BOXES = re.compile(r"[\t|\u2500-\u257f]")
#: how many lines a block of space-aligned columns may take
_COLUMNS_MAX_LINES = 500


def _column_cells(line: str, metric: Callable[[str], int]) -> list[tuple[int, str]]:
    """A line's cells (runs of words one space apart), each with the column it starts at,
    counted by ``metric`` (characters, or display columns; it adds up over pieces of a line,
    so each piece is measured once)."""
    out: list[tuple[int, str]] = []
    col = 0  # the column of ``line[end]``
    end = 0
    for m in _SPACED_CELL.finditer(line):
        col += metric(line[end : m.start()])
        end = m.start()
        out.append((col, m.group()))
    return out


def _has_figure(cells: Sequence[tuple[int, str]]) -> bool:
    """Whether one of a line's cells is a figure."""
    return any(classify(cell_text(t)) == "number" for _, t in cells)


def _columns_block(state: State) -> int:
    """The index after the block of lines from the current one: up to an empty line (a line of
    spaces between rows is part of it), a TAB or a pipe, or the block's most lines."""
    lines = state.lines
    k = state.i
    stop = min(len(lines), state.i + _COLUMNS_MAX_LINES)
    while k < stop and lines[k] and _BOXES.search(lines[k]) is None:
        k += 1
    return k


def _columns_kept(lines: Sequence[str]) -> bool:
    """Whether a text keeps its tables' columns: no block of lines with figures in it has a
    cell off its columns (a PDF's layout text, its numbers right-aligned or its labels wrapped,
    has such blocks; its pieces between empty lines may look aligned, the text as a whole
    does not)."""
    k = 0
    n = len(lines)
    while k < n:
        if not lines[k] or _BOXES.search(lines[k]) is not None:
            k += 1
            continue
        end = k
        while end < n and lines[end] and _BOXES.search(lines[end]) is None:
            end += 1
        body = [j for j in range(k, end) if not _is_blank(lines[j])]
        rows = {j for j in body if len(c := _column_cells(lines[j], len)) >= 2 and _has_figure(c)}
        # (a block of labels only, a menu, says nothing of the columns)
        multi = len(rows) + sum(1 for j in body if j not in rows and "  " in lines[j].strip())
        if (
            rows
            and multi >= 2
            and _place_columns(body, lines, len) is None
            and _place_columns(body, lines, _display_width) is None
        ):
            return False
        k = end
    return True


def _place_columns(
    body: Sequence[int], lines: Sequence[str], metric: Callable[[str], int]
) -> dict[int, list[str] | None] | None:
    """Each line's cells in the columns of the block's widest row of figures, counted by
    ``metric``: a column no text starts in is a blank cell; a line of labels only whose cells
    are not in those columns is its cells in turn (None).  None when a line with a figure has a
    cell off the columns (the text has not kept them: a PDF's right-aligned numbers)."""
    cells = {j: _column_cells(lines[j], metric) for j in body}
    rows = [j for j in body if len(cells[j]) >= 2 and _has_figure(cells[j])]
    if not rows:
        return None
    widest = max(rows, key=lambda j: len(cells[j]))
    starts = [c for c, _ in cells[widest]]
    column = {c: k for k, c in enumerate(starts)}
    out: dict[int, list[str] | None] = {}
    for j in body:
        if _has_figure(cells[j]) and cells[j][0][0] != starts[0]:
            return None  # (a row's figures under another's label: a label wrapped in a PDF)
        if any(c not in column for c, _ in cells[j]):
            if _has_figure(cells[j]):
                return None
            out[j] = None
            continue
        # the line's padding says how far it goes: a blank last cell is padded too
        reach = metric(lines[j])
        width = max(sum(1 for c in starts if c < reach), column[cells[j][-1][0]] + 1)
        texts = [""] * width
        for c, t in cells[j]:
            texts[column[c]] = t
        out[j] = texts
    return out


def space_columns_table(state: State) -> bool:
    """A table of space-aligned columns without borders (inscriptis): a block of lines (up to an
    empty line) whose cells are two or more spaces apart, every cell of a line with figures
    starting in a column of the block's widest row of figures (counted in characters, or in
    display columns).  A cell's column is then known, so a blank cell is too: a column no text
    starts in, up to where the line's padding reaches.  Text whose numbers stand right-aligned
    (a PDF's layout text) does not keep such columns and is not read here."""
    lines = state.lines
    line = lines[state.i]
    if "  " not in line.strip() or state.i < state.no_columns:
        return False
    if state.columns_kept is None:
        state.columns_kept = _columns_kept(lines)
    if not state.columns_kept:
        return False
    end = _columns_block(state)
    body = [j for j in range(state.i, end) if not _is_blank(lines[j])]
    multi = [j for j in body if len(_SPACED_CELL.findall(lines[j])) >= 2]
    # the columns' padding (a blank last cell is padded too): a PDF's layout text has none
    padded = any(lines[j] != lines[j].rstrip() for j in body)
    placed = (
        (_place_columns(body, lines, len) or _place_columns(body, lines, _display_width))
        if len(multi) >= 2 and padded
        else None
    )
    if placed is None:
        state.no_columns = end  # (nor from a line later in this block: looked at once)
        return False
    for j in body:
        texts = placed[j]
        where = Where(line=j + 1)
        if texts is None:
            texts = _SPACED_CELL.findall(lines[j])
        cells = [Cell(cell_text(t), t, where) for t in texts]
        _add_row(state, cells, where, "space-columns", lines[j])
    state.i = end
    return True


#: a PDF text line that ends in figures: a label (no sentence in it), then figures apart
_SENTENCE = re.compile(r"[。；！？;!?]|[，,].*[，,]")


def _spaced_row_split(line: str) -> tuple[str, list[str]] | None:
    """A line of text read as a row of space-separated figures: its label and its figures, or
    None when it is not one (no figure at its end, a sentence for a label)."""
    if "\t" in line or "|" in line:
        return None
    words = line.split()
    if len(words) < 2:  # (a label and a figure, or two figures, at the least)
        return None
    k = len(words)
    while k > 0 and classify(cell_text(words[k - 1])) == "number":
        k -= 1
    figures = words[k:]
    label = "".join(words[:k])
    if not figures or (not label and len(figures) < 2):
        return None
    if any(classify(cell_text(w)) != "text" for w in words[:k]):  # (a figure amid the words: prose)
        return None
    if len(nfkc(label)) > 40 or _SENTENCE.search(nfkc(label)):
        return None
    return label, figures


def space_separated_row(state: State) -> bool:
    """A line of a PDF's text that is a table row: a short label, then figures between spaces
    (``规章 1 0 11``, ``447 7 0 0 0 0 454``).  The text does not say the table's columns: such a
    row's figures may be fewer than its columns (a blank cell leaves no trace): the row says so
    (``Row.loses_blanks``) and the model places it only at exactly its width."""
    line = state.lines[state.i]
    split = _spaced_row_split(line)
    if split is None:
        return False
    label, figures = split
    state.i += 1
    where = Where(line=state.i)
    cells = ([Cell(cell_text(label), label, where)] if label else []) + [
        Cell(cell_text(f), f, where) for f in figures
    ]
    _add_row(state, cells, where, "space-separated", line, loses_blanks=True)
    _note_spaced_rows(state, line, where)
    return True


# ---------------------------------------------------------------------------- PDF text: a row per line

#: the first piece of a row's label: an item number (``一、``, ``（二）``, ``3.``, ``1、``)
_ITEM = re.compile(
    r"^(?:[一二三四五六七八九十]{1,2}\s*[、.．]|[（(]\s*[一二三四五六七八九十]{1,2}\s*[）)]|\d{1,2}\s*[.．、])"
)
#: a numbered line that is a section's title, never a row's label (``四、…行政诉讼情况``)
_TITLE_END = re.compile(r"(?:情况|事项)\s*$")
#: a piece of a group label's number broken over two lines (``（三`` / ``）不``): another cell's
_BROKEN_NUMBER = re.compile(r"^(?:[（(][一二三四五六七八九十]{1,2}|[）)].*)$")
#: how many lines a row's label may take before (or after) its figures
_LABEL_LINES = 10
#: how many rows of figures (three at least, apart by one or two spaces) make a text a PDF's
_PDF_ROWS_MIN = 3


def _figure_words(line: str) -> tuple[list[str], list[str], int] | None:
    """A line of a PDF's text as a row: its label words, its figures and the widest gap
    between two figures (in spaces); None when it does not end in a figure or is prose."""
    if "\t" in line or "|" in line:
        return None
    words = list(_WORD.finditer(line))
    k = len(words)
    while k > 0 and classify(cell_text(words[k - 1].group())) in ("number", "mark"):
        k -= 1
    if k == len(words) or _PAGE_NO.match(" ".join(nfkc(line).split())):
        return None
    labels = [m.group() for m in words[:k]]
    if any(classify(cell_text(w)) != "text" for w in labels):  # (a figure amid the words: prose)
        return None
    label = nfkc("".join(labels))
    if len(label) > 40 or _SENTENCE.search(label):
        return None
    gap = max((words[j + 1].start() - words[j].end() for j in range(k, len(words) - 1)), default=1)
    return labels, [m.group() for m in words[k:]], gap


def _is_figure_line(line: str) -> bool:
    return _figure_words(line) is not None


def _pdf_rows(state: State) -> bool:
    """Whether the text is a PDF's with a table row per line (looked at once per text)."""
    if state.pdf_rows is None:
        state.pdf_rows = _is_pdf_row_text(state.lines)
        state.pdf_tails = state.pdf_rows and _labels_follow(state.lines)
    return state.pdf_rows


def _is_pdf_row_text(lines: Sequence[str]) -> bool:
    """Whether a text is a PDF's text with a table row per line: at least a few lines of
    three figures or more, one or two spaces apart (a layout-keeping extraction sets them
    far apart, in columns it has lost)."""
    count = 0
    for line in lines:
        if line.count(" ") < 2:  # (three figures apart: two spaces at least; an empty line)
            continue
        split = _figure_words(line)
        if split is not None and len(split[1]) >= 3 and split[2] <= 2:
            count += 1
            if count >= _PDF_ROWS_MIN:
                return True
    return False


def _is_fragment(line: str) -> bool:
    """A short line of text that may be a piece of a wrapped label."""
    s = line.strip()
    return (
        bool(s)
        and len(s) <= 24
        and _is_plain(line)
        and _SENTENCE.search(nfkc(s)) is None
        and not _is_figure_line(line)
    )


def _group_words(words: Sequence[str]) -> list[bool]:
    """Which words of a label's line are pieces of a group label printed beside it: a broken
    group number (``（三``, ``）不``), or a line's leading short word before a longer one
    (``予公 2.其他法律行政``, ``他处 正、行政机关不``)."""
    out = [_BROKEN_NUMBER.match(w) is not None for w in words]
    for k in range(len(words) - 1):
        if not (out[k] or (len(words[k]) <= 2 and len(words[k + 1]) >= 3)):
            break
        out[k] = True
    return out


def _opens_label(line: str) -> bool:
    """A label's first line: an item number after any group label's pieces, not a title."""
    words = line.split()
    text = nfkc(" ".join(w for w, g in zip(words, _group_words(words), strict=True) if not g))
    return _ITEM.match(text) is not None and _TITLE_END.search(text) is None


def _bare_figures(line: str) -> bool:
    """A row's figures with at most a short piece of its label (``77 132 470``, ``件 77 …``)."""
    split = _figure_words(line)
    return split is not None and len("".join(split[0])) <= 2


def _labels_follow(lines: Sequence[str]) -> bool:
    """pdfplumber's order: a row's figures stand beside the middle of its label, the label's
    lines before and after them.  True when most rows of figures are followed by a piece of a
    label (not an item, a caption or another row)."""
    rows = after = 0
    for j, line in enumerate(lines[:-1]):
        if _is_figure_line(line) and _is_plain(line):
            rows += 1
            nxt = lines[j + 1]
            after += _is_fragment(nxt) and _OPENS.match(nxt) is None and not _opens_label(nxt)
    return rows > 0 and 3 * after >= rows


def pdf_text_row(state: State) -> bool:
    """A table row of a PDF's text (pdfplumber ``extract_text``, ``pdftotext -raw``, pypdf):
    its figures on one line between spaces, after its label or after the label's last line
    (``一、本年新收政府信息`` / ``公开申请数量`` / ``64 0 0 2 0 4 70``); where the text puts a
    row's figures beside the middle of its label (pdfplumber), the label's lines after them too.
    Read only in a text that has such rows (:func:`_is_pdf_row_text`).  A blank cell leaves no
    trace between spaces: the row says so (``Row.loses_blanks``) and the model places it only
    when its figures are exactly its columns."""
    if not _pdf_rows(state):
        return False
    lines = state.lines
    n = len(lines)
    start = j = state.i
    if not _is_figure_line(lines[j]):
        # a label's first line: an item number; or, right after a row, a piece of a label
        # whose figures follow with no more than a short piece of it (``行政规范性文`` /
        # ``件 77 132 470``)
        numbered = _opens_label(lines[j])
        if not numbered and (
            j not in (state.last_row_end + 1, state.pdf_head_from) or _OPENS.match(lines[j]) is not None
        ):
            return False
        most = _LABEL_LINES if numbered else 2
        j += 1  # the label's lines up to the row's figures
        while j < n and j - start <= most and not _is_figure_line(lines[j]):
            if not _is_fragment(lines[j]) or _opens_label(lines[j]):
                return False
            j += 1
        if j >= n or j - start > most or not (numbered or _bare_figures(lines[j])):
            return False
    end = j + 1
    if state.pdf_tails:  # the label's lines after its figures
        while (
            end < n
            and end - j <= _LABEL_LINES
            and _is_fragment(lines[end])
            and _OPENS.match(lines[end]) is None
            and not _opens_label(lines[end])
        ):
            end += 1
        if end > j + 1 and end < n and _bare_figures(lines[end]):
            # the next row's figures with no label of their own: the lines between the two
            # rows' figures are halves of two labels
            end = j + 1 + (end - j - 1) // 2
            state.pdf_head_from = end
    split = _figure_words(lines[j])
    assert split is not None
    own, figures, _ = split
    label: list[str] = []
    group: list[str] = []
    for k in range(start, end):
        line_words = own if k == j else lines[k].split()
        for w, g in zip(line_words, _group_words(line_words), strict=True):
            (group if g else label).append(w)
    first = Where(line=start + 1)
    cells = [Cell(cell_text("".join(ws)), " ".join(ws), first) for ws in (group, label) if ws]
    at = Where(line=j + 1)
    cells += [Cell(cell_text(f), f, at) for f in figures]
    where = Where(line=start + 1, end_line=end) if end > start + 1 else first
    row = _row(cells, _classes(cells), where)
    if row is None:
        return False
    state.i = end
    state.add(evolve(row, loses_blanks=True), "space-separated")
    state.last_row_end = end - 1
    _note_spaced_rows(state, lines[j], at)
    return True


def _is_column_header(line: str) -> bool:
    """A table's header line in a PDF's text: words (two or more) apart, none a figure, no
    sentence, opening nothing (``信息内容 本年收费金额（单位：万元）``)."""
    words = line.split()
    return (
        len(words) >= 2
        and _is_plain(line)
        and _OPENS.match(line) is None
        and _SENTENCE.search(nfkc(line)) is None
        and all(classify(cell_text(w)) == "text" for w in words)
    )


def pdf_text_header(state: State) -> bool:
    """In a PDF's text of a table row per line, a table's header line right before a row whose
    label has no item number and is broken around its lone figures (``信息内容 本年收费金额…`` /
    ``行政事业性收`` / ``费`` / ``5949.088667``): the header is a prose line, and the row's label
    begins after it (:func:`pdf_text_row` reads it)."""
    if not state.pdf_rows:
        return False
    lines = state.lines
    j = state.i + 1
    if not _is_column_header(lines[state.i]) or j >= len(lines) or not _is_fragment(lines[j]):
        return False
    if _OPENS.match(lines[j]) is not None or _opens_label(lines[j]):
        return False
    k = j + 1  # the label's lines (two at most) up to the row's figures
    while k < len(lines) and k - j < 2 and _is_fragment(lines[k]) and not _opens_label(lines[k]):
        k += 1
    if k >= len(lines) or not _bare_figures(lines[k]):
        return False
    state.i = j
    _prose_line(state, lines[j - 1], j)
    state.pdf_head_from = j
    return True


def _note_spaced_rows(state: State, line: str, where: Where) -> None:
    """Say once that rows were read from figures between spaces."""
    if not any(d.code == "space-separated-rows" for d in state.diagnostics):
        state.diagnostics.append(
            Diagnostic(
                "space-separated-rows",
                "table rows read from figures between spaces: a blank cell leaves no trace there, "
                "so a row is read only when its figures are exactly its columns",
                where.line,
                "info",
                raw=line[:200],
                where=where,
            )
        )


#: a grid table's border: pandoc's ``+----+----+`` (``+====+`` under a header), w3m's box lines
_GRID_BORDER = re.compile(r"^\s*(?:\+(?:[-=:]+\+)+|[┌├└╔╠╚┏┣┗][─━═┬┼┴╦╬╩┳╋┻]+[┐┤┘╗╣╝┓┫┛])\s*$")
_GRID_JOINT = re.compile(r"[+┬┼┴╦╬╩┳╋┻┌├└╔╠╚┏┣┗]")
#: a grid table row's line: it opens and closes with a cell edge
_GRID_LINE = re.compile(r"^\s*[|│┃║].*[|│┃║]\s*$")
_GRID_EDGE = re.compile(r"[|│┃║]")


def grid_table(state: State) -> bool:
    """A grid table (pandoc's grid tables; w3m's box tables that :func:`box_table` could not
    read as walled-in cells): rows between border lines, a
    cell wrapped over its row's lines joined up (each line's n-th cell goes to the n-th column:
    the border's columns when every line has them all; a cell spanning columns shifts the
    cells after it, and the model places them)."""
    lines = state.lines
    n = len(lines)
    if _GRID_BORDER.match(lines[state.i]) is None:
        return False
    border = state.i
    read_any = False
    while True:
        start = k = border + 1
        while k < n and k - start < _TABLE_MAX_LINES and _GRID_LINE.match(lines[k]):
            k += 1
        if k == start or k >= n or _GRID_BORDER.match(lines[k]) is None:
            break  # (no row closed by a border: what is left is for the other rules)
        pieces = [_GRID_EDGE.split(lines[j].strip(), MAX_CELLS + 1)[1:-1] for j in range(start, k)]
        width = max(len(p) for p in pieces)
        texts = [" ".join(p[c].strip() for p in pieces if c < len(p) and p[c].strip()) for c in range(width)]
        where = Where(line=start + 1, end_line=k) if k > start + 1 else Where(line=start + 1)
        cells = [Cell(cell_text(t), t, Where(line=start + 1)) for t in texts]
        _add_row(state, cells, where, "grid", "\n".join(lines[start:k]))
        read_any = True
        border = k
    if not read_any:
        return False
    state.i = border + 1
    return True


#: how many label lines (column heads, then the row's labels) may stand before a bare
#: cell-per-line row's figures: table 四's heads, one character a line, are about 60
_BARE_HEAD_MAX = 120
#: a bare cell's label line is short and no sentence
_BARE_LABEL_MAX = 80
_BARE_SENTENCE = re.compile(r"[。；！？;!?]")
#: a label that opens a category (``三、``, ``（三）``) and one that opens an item in it
#: (``（一）``, ``1.``): a row's two labels (``（三）不予公开`` / ``1.属于国家秘密``)
_BARE_CATEGORY = re.compile(
    r"^(?:[一二三四五六七八九十]{1,2}\s*[、.．]|[(（]\s*[一二三四五六七八九十]{1,3}\s*[)）])"
)
_BARE_ITEM = re.compile(r"^(?:\d{1,2}\s*[、.．]|[(（]\s*[一二三四五六七八九十]{1,3}\s*[)）])")


def _bare_kind(line: str) -> Literal["label", "figure", "blank", ""]:
    """A line of a bare cell-per-line table: ``figure`` (a figure or mark alone), ``label``
    (short text, no sentence), ``blank``, or "" (anything else: the table is not there)."""
    if _is_blank(line):
        return "blank"
    if not _is_plain(line) or len(line) > 4 * _BARE_LABEL_MAX:
        return ""
    text = cell_text(line)
    kind = classify(text)
    if kind in ("number", "mark"):
        return "figure"
    if kind == "numbers":
        return ""  # (figures between spaces: a PDF's text row, not a cell a line)
    if kind != "text" or len(text) > _BARE_LABEL_MAX or _BARE_SENTENCE.search(text):
        return ""
    if _DASHES.match(line) or _GRID_BORDER.match(line) or _is_dropped(normalize(line)):
        return ""  # (a table border, a page number: other rules' lines)
    return "label"


def bare_cell_row(state: State) -> bool:
    """A row of a table written one cell per line without TABs (LibreOffice's text export,
    docx2txt, mammoth's markdown, lynx): short label lines, then the row's figures, one a line
    (empty lines between them are not cells: these converters put them between any two
    cells, and may drop an empty cell's line).  The row's labels are its last label line, or
    its last two when they are a category and an item in it (``（三）不予公开`` / ``1.属于国家
    秘密``); the label lines before them are column heads, each a prose line.  A last label that
    repeats a column head above it is one more head: the row has no label (table 四).

    A blank cell may leave no trace here: the row says so (``Row.loses_blanks``) and the model
    places it only at exactly its width.  Read only in a text that has such rows at all (a run of
    three or more figures a line under a label): a heading over a lone number (a page number, a
    count) is no row."""
    lines = state.lines
    n = len(lines)
    i = state.i
    if state.bare_lost is None:  # (a page break: a PDF's text, its cells in no table's order)
        state.bare_lost = any("\f" in line for line in lines) or _pdf_rows(state) or not _has_bare_rows(lines)
    if i < state.no_bare_row or state.bare_lost:
        return False
    labels: list[int] = []
    j = i
    kind = _bare_kind(lines[i])
    while kind == "label" or kind == "blank":
        if kind == "label":
            labels.append(j)
        j += 1
        kind = _bare_kind(lines[j]) if j < n else ""
    if kind != "figure" or not labels or labels[0] != i:
        state.no_bare_row = j  # (no row from a line before j either)
        return False
    if len(labels) > _BARE_HEAD_MAX:  # (a row starts no further than that from its figures)
        state.no_bare_row = labels[-_BARE_HEAD_MAX]
        return False
    figures: list[int] = []
    while j < n:
        kind = _bare_kind(lines[j])
        if kind == "figure":
            figures.append(j)
        elif kind != "blank":
            break
        j += 1
    if all(classify(cell_text(lines[k])) == "mark" for k in figures):
        state.no_bare_row = j  # (marks alone, ``无`` under a heading: prose, not a row)
        return False
    texts = [cell_text(lines[k]) for k in labels]
    own = 1
    if len(labels) >= 2 and _BARE_CATEGORY.match(texts[-2]) and _BARE_ITEM.match(texts[-1]):
        own = 2
    if _only_blank(lines, state.bare_row_end + 1, i) and _bare_label_broken(texts, own):
        _bare_grid_lost(state, i)
        return False
    if texts[-1] in texts[:-1]:
        own = 0  # (a column head again, not a row's label)
    heads = labels[: len(labels) - own]
    for k in heads:
        _prose_line(state, lines[k], k + 1)
    first = labels[len(heads)] if own else figures[0]
    last = figures[-1]
    where = Where(line=first + 1, end_line=last + 1) if last != first else Where(line=first + 1)
    # every cell at the row's first line: a warning on the row is on each of its figures
    at = Where(line=first + 1)
    cells = [Cell(texts[len(heads) + m], lines[k], at) for m, k in enumerate(labels[len(heads) :])]
    cells += [Cell(cell_text(lines[k]), lines[k], at) for k in figures]
    # (a blank cell may leave no trace here: the model places the row only at its full width)
    _add_row(state, cells, where, "bare-cell-per-line", loses_blanks=True)
    state.bare_row_end = last
    state.i = last + 1
    return True


#: how a figure or a not-applicable mark can start (before NFKC: full-width digits too)
_FIGURE_HEADS = frozenset("0123456789０１２３４５６７８９+-－.．/／\\＼—–―×无不空nN")


def _has_bare_rows(lines: Sequence[str]) -> bool:
    """Whether the text has a run of three or more figures a line (empty lines between them
    allowed): a table written one cell per line without TABs."""
    run = 0
    for line in lines:
        head = line.lstrip()[:1]
        if head and head not in _FIGURE_HEADS:  # (no figure nor mark starts so: a label, text)
            run = 0
            continue
        kind = _bare_kind(line)
        if kind == "figure":
            run += 1
            if run >= 3:
                return True
        elif kind != "blank":
            run = 0
    return False


def _bare_label_broken(texts: list[str], own: int) -> bool:
    """Whether the label lines between two rows are a label broken over lines (a PDF's text
    breaks a cell where its column ends: ``二、上年结转政府信息公开申请`` / ``数量``), not a row's
    own labels (one line, or a category and an item) nor a new block's caption and heads (three
    lines or more, opening with a caption, not with a bare number: ``三、`` / ``本年`` …)."""
    if len(texts) == own:
        return False
    caption = (
        len(texts) >= 3 and _OPENS.match(texts[0]) is not None and bool(_BARE_CATEGORY.sub("", texts[0]))
    )
    return not caption


def _bare_grid_lost(state: State, i: int) -> None:
    """From line ``i`` on, the text is read with no bare cell-per-line rows: an error says so."""
    state.bare_lost = True
    state.diagnostics.append(
        Diagnostic(
            "table-not-read",
            "the text has lost the table's columns: a table cell is broken over lines (as in a "
            "PDF's text), so its rows are not read from here on; read the document itself "
            "(gongkai.read(<the PDF>))",
            i + 1,
            "error",
            raw=state.lines[i][:200],
            where=Where(line=i + 1),
        )
    )


def _only_blank(lines: list[str], a: int, b: int) -> bool:
    """Whether lines ``a`` to ``b`` (exclusive) are all empty (and ``a`` is a line)."""
    return 0 <= a <= b and all(_is_blank(lines[k]) for k in range(a, b))


#: box-drawing characters (w3m's tables): a box table's walls; never in a cell's text
_BOX_CHARS = frozenset("─━═│┃║┌┐└┘├┤┬┴┼┏┓┗┛┣┫┳┻╋╔╗╚╝╠╣╦╩╬")
#: the box characters that draw a row's edge (a horizontal wall)
_BOX_ACROSS = frozenset("─━═")
#: the box characters that draw a column's edge (a vertical wall, or a joint on one)
_BOX_DOWN = _BOX_CHARS - _BOX_ACROSS
#: the largest box table read as a picture (lines × the longest line's characters): a report's
#: are some tens of thousands
_BOX_MAX_CHARS = 2_000_000
_BOX_TOP = re.compile(r"^\s*[┌┏╔][─━═┬┳╦]+[┐┓╗]\s*$")
_BOX_BOTTOM = re.compile(r"^\s*[└┗╚][─━═┴┻╩]+[┘┛╝]\s*$")


def _canvas(line: str) -> list[str]:
    """A line as terminal columns: a wide character, then an empty column after it."""
    out: list[str] = []
    for ch in line:
        if unicodedata.combining(ch):
            continue
        out.append(ch)
        if unicodedata.east_asian_width(ch) in ("W", "F") and ch not in _BOX_CHARS:
            out.append("")
    return out


def _is_box_line(line: str) -> bool:
    """A line of a box table: it opens and closes with a box character."""
    s = line.strip()
    return s[:1] in _BOX_CHARS and s[-1:] in _BOX_CHARS


def box_table(state: State) -> bool:
    """A box table (w3m's ``┌──┬──┐`` … ``└──┴──┘``), read as the picture it is: each cell is a
    region the box characters wall in, its rows and columns the edges it spans (a cell merged
    over rows has a wall under some columns only: ``│    ├────┼──``).  The cells go through
    the grid reader (:func:`~gongkai._readers._grid.table_rows`): a label merged over rows
    labels each of them, its rows' values are exactly their columns.  A box whose cells are
    not walled in (no bottom border, a cell the walls do not close) is left to the other rules."""
    lines = state.lines
    n = len(lines)
    top = state.i
    if top < state.no_box or _BOX_TOP.match(lines[top]) is None:
        return False
    end = top + 1
    while (
        end < n
        and end - top < _TABLE_MAX_LINES
        and _is_box_line(lines[end])
        and not _BOX_BOTTOM.match(lines[end])
    ):
        end += 1
    box: tuple[list[list[GridCell]], list[tuple[int, int]]] | None = None
    if (
        end < n
        and _BOX_BOTTOM.match(lines[end])
        and (end - top + 1) * max(len(lines[k]) for k in range(top, end + 1)) <= _BOX_MAX_CHARS
    ):
        box = _box_cells(lines, top, end)
    if box is None:
        state.no_box = end  # (a box from a line before ``end`` ends there too: not tried again)
        state.diagnostics.append(
            Diagnostic(
                "unread-content",
                f"a box table (lines {top + 1}–{end + 1}) is not walled in as a grid of cells: "
                "it is read line by line, and its figures may be missing",
                top + 1,
                "error",
                raw=lines[top][:200],
                where=Where(line=top + 1, end_line=end + 1),
            )
        )
        return False
    rows, spans = box
    for row in table_rows(rows):
        # (a row is where its own lines are, not where a label merged over it starts)
        first, last = spans[(row.where.row or 1) - 1]
        where = Where(line=first, end_line=last) if last != first else Where(line=first)
        state.add(evolve(row, where=where), "grid")
    state.last_row_end = end
    state.i = end + 1
    return True


def _box_cells(
    lines: list[str], top: int, end: int
) -> tuple[list[list[GridCell]], list[tuple[int, int]]] | None:
    """The cells of the box from line ``top`` to line ``end`` (its borders), as the grid
    reader's source rows: each cell in the row (the lines between two walls across) where it
    starts, with its spans; and each row's first and last line.  None when the box's cells are
    not walled in."""
    grid = [_canvas(lines[k]) for k in range(top, end + 1)]
    height = len(grid)
    width = max(len(g) for g in grid)
    for g in grid:
        g.extend([" "] * (width - len(g)))
    # the columns' edges: where a wall goes down on some line; a line with a wall across ends a row
    down = sorted({x for g in grid for x, ch in enumerate(g) if ch in _BOX_DOWN})
    if len(down) < 2:
        return None
    col_of = {x: k for k, x in enumerate(down)}
    left, right = down[0], down[-1]
    # each line's row: the rows are the runs of lines without a wall across
    after: list[int] = []  # the row of the first line without a wall across at or after y
    before: list[int] = []  # the row of the last such line at or before y
    band = -1
    walls = [any(ch in _BOX_ACROSS for ch in g) for g in grid]
    for y in range(height):
        if not walls[y] and (y == 0 or walls[y - 1]):
            band += 1
        before.append(band)
    band_count = band + 1
    nxt = band_count
    for y in range(height - 1, -1, -1):
        if not walls[y]:
            nxt = before[y]
        after.append(nxt)
    after.reverse()
    seen = [[ch in _BOX_CHARS for ch in g] for g in grid]
    rows: list[list[tuple[int, GridCell]]] = [[] for _ in range(band_count)]
    # each region of other characters inside the outer walls is a cell (found top-left first)
    for y in range(1, height - 1):
        for x in range(left + 1, right):
            if seen[y][x]:
                continue
            seen[y][x] = True
            stack = [(y, x)]
            points: list[tuple[int, int]] = []
            while stack:
                py, px = stack.pop()
                points.append((py, px))
                for qy, qx in ((py - 1, px), (py + 1, px), (py, px - 1), (py, px + 1)):
                    if 0 < qy < height - 1 and left < qx < right and not seen[qy][qx]:
                        seen[qy][qx] = True
                        stack.append((qy, qx))
            y0 = min(p[0] for p in points)
            y1 = max(p[0] for p in points)
            x0 = min(p[1] for p in points)
            x1 = max(p[1] for p in points)
            c0, c1 = col_of.get(x0 - 1), col_of.get(x1 + 1)
            b0, b1 = after[y0], before[y1]
            if c0 is None or c1 is None or len(points) != (y1 - y0 + 1) * (x1 - x0 + 1) or not 0 <= b0 <= b1:
                return None  # (a region that is no rectangle between edges: not a box of cells)
            text = " ".join("".join(grid[yy][x0 : x1 + 1]).strip() for yy in range(y0, y1 + 1))
            where = Where(line=top + y0 + 1)
            rows[b0].append((c0, GridCell(text, where, colspan=c1 - c0, rowspan=b1 - b0 + 1)))
    spans = [(0, 0)] * band_count
    for y in range(height):
        if not walls[y]:
            a, _ = spans[before[y]]
            spans[before[y]] = (a or top + y + 1, top + y + 1)
    return [[cell for _, cell in sorted(row, key=lambda p: p[0])] for row in rows], spans


#: a line that ends inside an HTML tag (pandoc breaks a raw ``<span style=…>`` over lines)
_TAG_OPEN_AT_END = re.compile(r"<[A-Za-z/][^<>]*$")
#: how many lines one HTML tag, or one pipe row of them, may take
_TAG_MAX_LINES = 60
#: the tags a broken line's text is read without (as a cell's are)
_TAGS = re.compile(r"<\s*/?\s*[A-Za-z][^<>]*>")


def _ends_in_tag(line: str) -> bool:
    """Whether ``line`` ends inside an HTML tag (``<span``, ``<span style="color:``)."""
    return "<" in line and _TAG_OPEN_AT_END.search(line.rstrip()) is not None


def html_broken_tag(state: State) -> bool:
    """Lines that pandoc broke inside raw HTML tags (a Word-export page's ``<span`` /
    ``style="…">一、总体情况</span>``), read as the one line they are: a pipe row (``| <span`` …
    ``</span> |``: its cells hold the tags, read without them) or a prose line (tags dropped)."""
    lines = state.lines
    n = len(lines)
    i = state.i
    line = lines[i]
    if i < state.no_broken_tag or not _ends_in_tag(line):
        return False
    row = line.lstrip().startswith("|")
    if "|" in line and not row:
        return False  # (a pipe row without outer pipes: markdown_pipe_row's)
    j = i
    while j + 1 < n and j - i < _TAG_MAX_LINES:
        last = lines[j]
        if not _ends_in_tag(last) and (not row or last.rstrip().endswith("|")):
            break
        if _is_blank(lines[j + 1]) or (not row and not _is_plain(lines[j + 1])):
            break  # (a prose line goes on over plain lines only, never into a table's row)
        j += 1
    last = lines[j]
    raw = "\n".join(lines[i : j + 1])
    if (
        _ends_in_tag(last)
        or (row and not last.rstrip().endswith("|"))
        or _TAG_OPEN_AT_END.search(raw.replace("\n", " ")) is not None  # (the tag never closes)
    ):
        state.no_broken_tag = j + 1  # (a line before this one ends the same way: not tried again)
        return False
    where = Where(line=i + 1, end_line=j + 1) if j > i else Where(line=i + 1)
    state.i = j + 1
    if not row:
        text = normalize(_TAGS.sub("", raw))
        if text and not _is_dropped(text):
            state.add(Prose(text, raw, where))
        return True
    s = " ".join(raw.split("\n")).strip()[1:]
    if s.endswith("|"):
        s = s[:-1]
    raws = s.split("|", MAX_CELLS)
    if len(raws) > MAX_CELLS:
        _too_many_cells(state, raw, where)
        return True
    cells = _split_cells(state, raws, Where(line=i + 1), pads=True)
    if cells is not None:
        _add_row(state, cells, where, "markdown", raw)
    return True


#: The layout rules, in the order they are tried at each line.
_TABLE_OPEN = re.compile(r"<\s*table\b", re.I)
_TABLE_CLOSE = re.compile(r"<\s*/\s*table\s*>", re.I)


def html_table(state: State) -> bool:
    """A raw HTML table inside markdown (pandoc's gfm writes the tables it cannot draw with
    pipes as HTML): read through the HTML reader, its spans expanded to the true grid."""
    line = state.lines[state.i]
    if "<" not in line or not _TABLE_OPEN.match(line.lstrip()):
        return False
    depth = 0
    j = state.i
    while j < len(state.lines) and j - state.i < MAX_LINES:
        depth += len(_TABLE_OPEN.findall(state.lines[j])) - len(_TABLE_CLOSE.findall(state.lines[j]))
        if depth <= 0:
            break
        j += 1
    end = min(j, len(state.lines) - 1)
    from . import html  # the HTML reader (lxml, the extra gongkai[html])

    chunk = "\n".join(state.lines[state.i : end + 1])
    try:
        blocks = html.read_fragment(chunk, first_line=state.i + 1)
    except ReadError as e:  # lxml not installed: said, and the lines are read as prose
        state.diagnostics.append(
            Diagnostic(
                "unread-content",
                f"an HTML table in the text was not read: {e}",
                state.i + 1,
                "error",
                raw=chunk[:200],
                where=Where(line=state.i + 1),
            )
        )
        return False
    for block in blocks:
        state.add(block, "html" if isinstance(block, Row) else "")
    state.i = end + 1
    return True


_TEXT: frozenset[LineKind] = frozenset({"text"})
_NOT_BLANK: frozenset[LineKind] = frozenset({"cell", "tab", "pipe", "text"})

RULES: tuple[LayoutRule, ...] = (
    LayoutRule("blank", blank, kinds=frozenset({"blank"})),
    LayoutRule("rule", rule, kinds=frozenset({"pipe", "text"})),
    LayoutRule("page_number", page_number, kinds=_TEXT),
    LayoutRule("bookmark", bookmark, kinds=_TEXT),
    LayoutRule(
        "html_table",
        html_table,
        lambda line: "<" in line and _TABLE_OPEN.match(line.lstrip()) is not None,
        kinds=_NOT_BLANK,
    ),
    # (a box table's border is a line of text: a prose block must stop before it)
    LayoutRule("box_table", box_table, lambda line: _BOX_TOP.match(line) is not None, kinds=_TEXT),
    LayoutRule("grid_table", grid_table, lambda line: _GRID_BORDER.match(line) is not None, kinds=_NOT_BLANK),
    # (a line that ends inside an HTML tag: a prose block stops before it)
    LayoutRule("html_broken_tag", html_broken_tag, _ends_in_tag, kinds=frozenset({"pipe", "text"})),
    LayoutRule("markdown_pipe_row", markdown_pipe_row, kinds=frozenset({"pipe"})),
    LayoutRule("tab_separated_row", tab_separated_row, kinds=frozenset({"tab"})),
    # (a TAB alone is blank: it opens a row in some places, see _tab_alone_opens_row)
    LayoutRule("cell_per_line_row", cell_per_line_row, kinds=frozenset({"cell", "blank"})),
    # (a PDF's text: a label's lines up to the row's figures are one row)
    LayoutRule("pdf_text_row", pdf_text_row, lambda line: _spaced_row_split(line) is not None, kinds=_TEXT),
    LayoutRule("pdf_text_header", pdf_text_header, kinds=_TEXT),
    LayoutRule("wrapped_cell", wrapped_cell, kinds=_TEXT),
    LayoutRule("space_aligned_table", space_aligned_table, kinds=_TEXT),
    LayoutRule("space_columns_table", space_columns_table, kinds=_TEXT),
    LayoutRule("bare_cell_row", bare_cell_row, kinds=_TEXT),
    LayoutRule("heading", heading, kinds=_TEXT),
    LayoutRule("prose", prose),
)


def with_rule(
    new: LayoutRule,
    *,
    before: str | None = None,
    after: str | None = None,
    rules: Sequence[LayoutRule] = RULES,
) -> tuple[LayoutRule, ...]:
    """``rules`` with ``new`` put right before (or after) the rule named ``before`` (``after``)."""
    if (before is None) == (after is None):
        raise ValueError("name exactly one of before= and after=")
    name = before if before is not None else after
    names = [r.name for r in rules]
    if name not in names:
        raise ValueError(f"no layout rule named {name!r} (rules: {', '.join(names)})")
    k = names.index(name) + (after is not None)
    return (*rules[:k], new, *rules[k:])


#: The rules for a PDF's text (pdfplumber's ``extract_text``): also lines that end in figures
#: between spaces are table rows (:func:`space_separated_row`).  Not for other texts: a prose
#: line wrapped before a number would be read as a row.
PDF_TEXT_RULES: tuple[LayoutRule, ...] = with_rule(
    LayoutRule(
        "space_separated_row",
        space_separated_row,
        lambda line: _spaced_row_split(line) is not None,
        kinds=_TEXT,
    ),
    before="heading",
)


# ---------------------------------------------------------------------------- entry points


def read_text(text: str, *, rules: Sequence[LayoutRule] = RULES) -> Document:
    """Read a converter's text, in any of the layouts above (mixed, too), into a Document."""
    if len(text) > MAX_BYTES:
        raise ReadError(f"the text is too long to be a report ({len(text):,} characters)")
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    final_newline = text.endswith("\n")
    rest = None
    if len(text) > MAX_LINES and text.count("\n") > MAX_LINES:  # (no more line ends than characters)
        lines = text.split("\n", MAX_LINES)
        rest = lines.pop()
    else:
        lines = text.split("\n")
        if final_newline:
            lines.pop()
    state = State(lines, final_newline=final_newline or rest is not None)
    state.claims = tuple(r.claims for r in rules if r.claims is not None)
    # at each line, only the rules that may read a line of its kind are tried
    tried = {kind: [r.apply for r in rules if r.kinds is None or kind in r.kinds] for kind in LINE_KINDS}
    n = len(lines)
    while state.i < n:
        for apply in tried[line_kind(lines[state.i])]:
            if apply(state):
                break
        else:  # (the last rule, prose, always reads a line; a caller's list may lack it)
            state.i += 1
    if rest is not None:  # (kept whole in a diagnostic, never read line by line)
        first = MAX_LINES + 1
        last = first + rest.count("\n")
        state.diagnostics.append(
            Diagnostic(
                "too-long",
                f"the text goes on past {MAX_LINES} lines; lines {first}–{last} are not read "
                "(kept whole in this diagnostic)",
                first,
                "error",
                raw=rest,
                where=Where(line=first, end_line=last),
            )
        )
    tables = sorted(state.layouts - {""})
    return Document(
        tuple(state.blocks),
        reader="text",
        layout="+".join(tables) if tables else "text",
        diagnostics=tuple(state.diagnostics),
    )


def read(data: bytes, *, source: str = "", rules: Sequence[LayoutRule] = RULES) -> Document:
    """Read a converter's text from bytes (UTF-8, a BOM dropped) into a Document; ``source``
    names it in errors."""
    if len(data) > MAX_BYTES:
        raise ReadError(f"{source or 'the text'} is too large to be a report ({len(data):,} bytes)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise ReadError(f"{source or 'the text'} is not UTF-8 ({e.reason} at byte {e.start})") from None
    return read_text(text, rules=rules)
