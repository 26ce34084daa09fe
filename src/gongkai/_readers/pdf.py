"""PDFs with a text layer (pdfplumber) → the document model.

Each page is opened once: its characters and its tables (pdfplumber's ``find_tables`` from the
ruling lines) are all this reader asks pdfplumber for.  Everything else is done here on those
characters, by position:

* a table's grid comes from its cell boxes (column and row edges), so merged cells get their
  colspan and rowspan and :func:`gongkai._readers._grid.table_rows` never copies a merged figure
  into a neighbour's place;
* a cell's text is the characters whose centre lies in its box, joined line by line (labels
  wrapped inside a cell and labels written one character per line read as one label);
* a table that ends a page and one that starts the next page with the same column edges are
  one table: a header repeated on the new page is dropped, and a merged label cut by the page
  break is joined again;
* page numbers and headers/footers repeated in the margins are dropped; every other text line
  outside the tables is a :class:`~gongkai._document.Prose` block, in reading order, the tables
  between them at their vertical position.

A PDF without characters (a scan), an encrypted, truncated or corrupt PDF, or one of more than
:data:`MAX_PAGES` pages is refused with :class:`~gongkai._errors.ReadError`.
"""

from __future__ import annotations

import io
import re
import struct
import zlib
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from attrs import define, field

from .._document import Block, Document, Prose, Row, Where
from .._errors import Diagnostic, ReadError
from .._figures import cell_text, classify, normalize
from ._grid import GridCell, table_rows

__all__ = ["MAX_BYTES", "MAX_CELLS", "MAX_PAGES", "MAX_TABLES", "read"]

#: Larger inputs are refused before pdfplumber sees them.
MAX_BYTES = 50 * 1024 * 1024
#: A yearly report is a few pages; more than this is not one.
MAX_PAGES = 200
#: Tables read per page, and cells read per table (beyond: a diagnostic, the rest dropped).
MAX_TABLES = 50
MAX_CELLS = 5000

# Two edges closer than this (PDF points) are the same column or row edge: ruling lines drawn
# by different pages or cells of one table wander by a few points.
_EDGE_TOLERANCE = 4.0
# A page-number line: "- 4 -", "第 4 页", "第4页 共6页", "4/6", "Page 4", a lone number.
_PAGE_NUMBER = re.compile(
    r"^(?:[-—–－~～]?\s*\d{1,4}\s*[-—–－~～]?"
    r"|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?"
    r"|\d{1,4}\s*/\s*\d{1,4}"
    r"|(?:page|Page|PAGE)\s*\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?)$"
)
# The margin bands (fraction of the page height) where headers, footers and page numbers sit.
_MARGIN = 0.12
_DIGITS = re.compile(r"\d+")

# What pdfminer/pdfplumber raise on a file they cannot read: their own errors and the builtin
# ones a malformed object stream sets off inside them.
try:  # pdfplumber and pdfminer are the optional `pdf` extra
    import pdfplumber
    from pdfminer.psexceptions import PSException
    from pdfplumber.utils.exceptions import PdfminerException
except ImportError:  # pragma: no cover - depends on the installed extras
    _HAVE_PDFPLUMBER = False
    _LIBRARY_ERRORS: tuple[type[BaseException], ...] = ()
else:
    _HAVE_PDFPLUMBER = True
    _LIBRARY_ERRORS = (
        PdfminerException,
        PSException,
        ValueError,
        KeyError,
        IndexError,
        TypeError,
        AttributeError,
        AssertionError,
        ArithmeticError,
        EOFError,
        LookupError,
        RecursionError,
        MemoryError,
        NotImplementedError,
        struct.error,
        zlib.error,
    )


@define
class _Char:
    text: str
    x0: float
    top: float
    x1: float
    bottom: float

    @property
    def size(self) -> float:
        return max(self.bottom - self.top, 1.0)


@define
class _Cell:
    box: tuple[float, float, float, float]
    page: int
    chars: list[_Char] = field(factory=list)
    #: the part of a table this cell is in (0 unless the table continues over pages)
    part: int = 0
    #: cells joined to this one (a merged cell cut by a page break), their chars after its own
    more: list[_Cell] = field(factory=list)


@define
class _Part:
    """A table as found on one page."""

    page: int
    box: tuple[float, float, float, float]
    cells: list[_Cell]
    cols: list[float]
    rows: list[float]


@define
class _Table:
    parts: list[_Part]


@define
class _Line:
    page: int
    chars: list[_Char]

    @property
    def top(self) -> float:
        return min(c.top for c in self.chars)

    @property
    def bottom(self) -> float:
        return max(c.bottom for c in self.chars)

    @property
    def box(self) -> tuple[float, float, float, float]:
        return (min(c.x0 for c in self.chars), self.top, max(c.x1 for c in self.chars), self.bottom)


@define
class _Page:
    number: int
    width: float
    height: float
    chars: list[_Char]
    tables: list[list[tuple[float, float, float, float]]]
    images: int


def read(data: bytes, *, source: str = "") -> Document:
    """Read a PDF with a text layer into a :class:`~gongkai._document.Document`.

    Raises :class:`~gongkai._errors.ReadError` for a PDF without text (a scan: run OCR first),
    an encrypted, truncated or corrupt file, more than :data:`MAX_PAGES` pages or more than
    :data:`MAX_BYTES` bytes.
    """
    if not _HAVE_PDFPLUMBER:  # pragma: no cover - depends on the installed extras
        raise ReadError("reading PDF needs pdfplumber: pip install 'gongkai[pdf]'", source=source)
    if len(data) > MAX_BYTES:
        raise ReadError(f"file larger than {MAX_BYTES // (1024 * 1024)} MB", source=source)
    if b"%PDF-" not in data[:1024]:
        raise ReadError("not a PDF file (no %PDF- header)", source=source)
    diagnostics: list[Diagnostic] = []
    pages = _load(data, source, diagnostics)
    if not any(page.chars for page in pages):
        raise ReadError("the PDF has no text layer (a scanned document?): run OCR on it first", source=source)
    for page in pages:
        if not page.chars and page.images:
            diagnostics.append(
                Diagnostic(
                    "no-text-layer",
                    f"page {page.number} has images but no text (a scanned page?): its content is not read",
                    where=Where(page=page.number),
                )
            )
    return Document(
        tuple(_blocks(pages, diagnostics)), reader="pdf", layout="grid", diagnostics=tuple(diagnostics)
    )


@contextmanager
def _library_errors(source: str) -> Iterator[None]:
    """Turn what pdfplumber/pdfminer raise on a bad file into one ReadError."""
    try:
        yield
    except ReadError:
        raise
    except _LIBRARY_ERRORS as error:
        # pdfplumber wraps pdfminer's error: its name tells an encrypted file from a broken one
        names = {type(error).__name__, *(type(a).__name__ for a in error.args if isinstance(a, Exception))}
        name = type(error).__name__ if len(names) == 1 else sorted(names - {type(error).__name__})[0]
        if any("Password" in n or "Encrypt" in n for n in names):
            raise ReadError("the PDF is encrypted (password protected)", source=source) from None
        raise ReadError(f"cannot read the PDF (corrupt or truncated): {name}", source=source) from None


def _load(data: bytes, source: str, diagnostics: list[Diagnostic]) -> list[_Page]:
    """Every page's characters and table cell boxes: the only pdfplumber calls."""
    pages: list[_Page] = []
    with _library_errors(source), pdfplumber.open(io.BytesIO(data)) as pdf:
        count = len(pdf.pages)
        if count > MAX_PAGES:
            raise ReadError(f"the PDF has {count} pages, more than {MAX_PAGES}", source=source)
        for number, page in enumerate(pdf.pages, start=1):
            chars = _chars(page.chars)
            found = page.find_tables({"vertical_strategy": "lines", "horizontal_strategy": "lines"})
            if len(found) > MAX_TABLES:
                diagnostics.append(
                    Diagnostic(
                        "too-many-tables",
                        f"page {number} has {len(found)} tables; only the first {MAX_TABLES} are read",
                        where=Where(page=number),
                    )
                )
            tables = [list(t.cells[:MAX_CELLS]) for t in found[:MAX_TABLES]]
            images = len(page.images) if not chars else 0
            pages.append(_Page(number, float(page.width), float(page.height), chars, tables, images))
            page.close()
    return pages


def _chars(objects: Sequence[dict[str, object]]) -> list[_Char]:
    """The page's visible characters, white space and duplicates (fake bold: the same glyph
    drawn twice at one place) left out."""
    seen: set[tuple[str, int, int]] = set()
    out: list[_Char] = []
    for obj in objects:
        text = str(obj.get("text", ""))
        if not text or text.isspace():
            continue
        x0, top, x1, bottom = (float(obj[k]) for k in ("x0", "top", "x1", "bottom"))  # type: ignore[arg-type]
        key = (text, round(x0), round(top))
        if key in seen:
            continue
        seen.add(key)
        out.append(_Char(text, x0, top, x1, bottom))
    return out


# ---------------------------------------------------------------------------------------------
# the page: tables, prose lines, page furniture


def _edges(values: Sequence[float]) -> list[float]:
    """Coordinates clustered: one edge per run of values within the tolerance."""
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > _EDGE_TOLERANCE:
            out.append(v)
    return out


def _index(edges: Sequence[float], v: float) -> int:
    """The index of the edge nearest to ``v``."""
    i = bisect_right(edges, v)
    if i == 0:
        return 0
    if i == len(edges) or v - edges[i - 1] <= edges[i] - v:
        return i - 1
    return i


def _part(page: int, boxes: Sequence[tuple[float, float, float, float]]) -> _Part:
    cells = [_Cell((float(b[0]), float(b[1]), float(b[2]), float(b[3])), page) for b in boxes]
    box = (
        min(c.box[0] for c in cells),
        min(c.box[1] for c in cells),
        max(c.box[2] for c in cells),
        max(c.box[3] for c in cells),
    )
    cols = _edges([v for c in cells for v in (c.box[0], c.box[2])])
    rows = _edges([v for c in cells for v in (c.box[1], c.box[3])])
    return _Part(page, box, cells, cols, rows)


def _assign(part: _Part, chars: list[_Char]) -> list[_Char]:
    """Put each character whose centre lies in one of the part's cells into that cell; the
    characters left over are returned."""
    x0, top, x1, bottom = part.box
    slots: dict[tuple[int, int], _Cell] = {}
    for cell in part.cells:
        c0, c1 = _index(part.cols, cell.box[0]), _index(part.cols, cell.box[2])
        r0, r1 = _index(part.rows, cell.box[1]), _index(part.rows, cell.box[3])
        for r in range(r0, max(r1, r0 + 1)):
            for c in range(c0, max(c1, c0 + 1)):
                slots.setdefault((r, c), cell)
    rest: list[_Char] = []
    for ch in chars:
        cx, cy = (ch.x0 + ch.x1) / 2, (ch.top + ch.bottom) / 2
        if not (x0 <= cx <= x1 and top <= cy <= bottom):
            rest.append(ch)
            continue
        slot = (bisect_right(part.rows, cy) - 1, bisect_right(part.cols, cx) - 1)
        owner = slots.get(slot)
        if owner is None:
            rest.append(ch)
        else:
            owner.chars.append(ch)
    return rest


def _lines(page: int, chars: list[_Char]) -> list[_Line]:
    """Characters → text lines, top to bottom: a character joins the line when its vertical
    centre lies within the line's height."""
    lines: list[_Line] = []
    for ch in sorted(chars, key=lambda c: (c.top + c.bottom) / 2):
        cy = (ch.top + ch.bottom) / 2
        if lines:
            last = lines[-1]
            if last.chars[0].top <= cy <= last.chars[0].bottom:
                last.chars.append(ch)
                continue
        lines.append(_Line(page, [ch]))
    for line in lines:
        line.chars.sort(key=lambda c: c.x0)
    return lines


def _line_text(chars: Sequence[_Char]) -> str:
    """A line's characters left to right, a space where a gap is wider than a third of a
    character."""
    parts: list[str] = []
    previous: _Char | None = None
    for ch in chars:
        if previous is not None and ch.x0 - previous.x1 > 0.3 * max(ch.size, previous.size):
            parts.append(" ")
        parts.append(ch.text)
        previous = ch
    return "".join(parts)


def _cell_raw(cell: _Cell) -> str:
    """A cell's text as printed: its lines joined by newlines, except a number wrapped at the
    cell's right edge, which is joined again."""
    out = ""
    for piece in [cell, *cell.more]:
        lines = _lines(piece.page, piece.chars)
        for i, line in enumerate(lines):
            text = _line_text(line.chars)
            if out:
                previous = lines[i - 1] if i else None
                wrapped = (
                    previous is not None
                    and out[-1].isdigit()
                    and text[:1].isdigit()
                    and piece.box[2] - previous.box[2] < 1.5 * previous.chars[-1].size
                )
                out += "" if wrapped else "\n"
            out += text
    return out


def _is_furniture(text: str) -> bool:
    return bool(_PAGE_NUMBER.match(normalize(text)))


# ---------------------------------------------------------------------------------------------
# the document


@define
class _Item:
    page: int
    top: float
    line: _Line | None = None
    table: _Table | None = None


def _blocks(pages: list[_Page], diagnostics: list[Diagnostic]) -> list[Block]:
    # Each page's items (prose lines and table parts) in reading order, page furniture dropped.
    per_page: list[list[_Item]] = []
    margin_lines: list[tuple[_Page, _Line, str]] = []
    for page in pages:
        chars = page.chars
        items: list[_Item] = []
        for boxes in page.tables:
            if not boxes:
                continue
            part = _part(page.number, boxes)
            if len(part.cols) < 3:  # one column: a ruled box around prose, not a table
                continue
            chars = _assign(part, chars)
            items.append(_Item(page.number, part.box[1], table=_Table([part])))
        for line in _lines(page.number, chars):
            items.append(_Item(page.number, line.top, line=line))
            if line.bottom < page.height * _MARGIN or line.top > page.height * (1 - _MARGIN):
                margin_lines.append((page, line, _DIGITS.sub("#", normalize(_line_text(line.chars)))))
        items.sort(key=lambda item: item.top)
        per_page.append(items)
    furniture = _furniture(margin_lines, len(pages))
    per_page = [
        [item for item in items if item.line is None or id(item.line) not in furniture] for items in per_page
    ]

    # Tables continued on the next page join the table they continue.
    items_all: list[_Item] = []
    for items in per_page:
        if items and items_all and items[0].table is not None:
            last = items_all[-1]
            if last.table is not None and _continues(last.table, items[0].table.parts[0]):
                _join(last.table, items[0].table.parts[0])
                items = items[1:]
        items_all.extend(items)

    blocks: list[Block] = []
    number = 0
    for item in items_all:
        if item.line is not None:
            raw = _line_text(item.line.chars)
            blocks.append(Prose(normalize(raw), raw, Where(page=item.page, box=item.line.box)))
        elif item.table is not None:
            number += 1
            blocks.extend(_table_rows(item.table, number))
    return blocks


def _furniture(margin_lines: list[tuple[_Page, _Line, str]], page_count: int) -> set[int]:
    """The margin lines that are page furniture: page numbers, and headers/footers that repeat
    (digits aside) on at least half the pages (and on two or more)."""
    counts = Counter(text for _, _, text in margin_lines)
    out: set[int] = set()
    for _, line, text in margin_lines:
        if _is_furniture(_line_text(line.chars)) or (counts[text] >= max(2, page_count / 2)):
            out.add(id(line))
    return out


def _continues(table: _Table, part: _Part) -> bool:
    """Whether ``part`` (first on its page) continues ``table`` (last on the page before): the
    same outer edges, and the inner column edges of one among the other's."""
    last = table.parts[-1]
    if part.page != last.page + 1:
        return False
    if abs(part.box[0] - last.box[0]) > _EDGE_TOLERANCE or abs(part.box[2] - last.box[2]) > _EDGE_TOLERANCE:
        return False
    cols_a = [c for p in table.parts for c in p.cols[1:-1]]
    cols_b = part.cols[1:-1]
    fewer, more = (cols_b, cols_a) if len(cols_b) <= len(cols_a) else (cols_a, cols_b)
    # a page's part may lack an edge or two (a row with merged cells, a header not repeated)
    shared = sum(any(abs(a - b) <= _EDGE_TOLERANCE for b in more) for a in fewer)
    return 2 * shared >= len(fewer)


def _header(part: _Part, depth: int) -> list[tuple[int, str]] | None:
    """The texts (with their columns) of the part's cells above its ``depth``-th row edge, or
    None when a cell crosses that edge."""
    if depth >= len(part.rows):
        return None
    edge = part.rows[depth]
    above = [c for c in part.cells if c.box[3] <= edge + _EDGE_TOLERANCE]
    if any(c.box[1] < edge - _EDGE_TOLERANCE and c.box[3] > edge + _EDGE_TOLERANCE for c in part.cells):
        return None
    above.sort(key=lambda c: (round(c.box[1]), c.box[0]))
    return [(round(c.box[0] / 10), cell_text(_cell_raw(c))) for c in above]


def _join(table: _Table, part: _Part) -> None:
    """Add the next page's part to the table: drop a repeated header, join a merged cell the
    page break cut in two."""
    first = table.parts[0]
    for depth in range(1, 5):
        mine, theirs = _header(part, depth), _header(first, depth)
        if mine and mine == theirs and any(text for _, text in mine) and depth < len(part.rows) - 1:
            edge = part.rows[depth]
            part.cells = [c for c in part.cells if c.box[1] >= edge - _EDGE_TOLERANCE]
            part.rows = part.rows[depth:]
            part.box = (part.box[0], edge, part.box[2], part.box[3])
            break
    last = table.parts[-1]
    index = len(table.parts)
    for cell in part.cells:
        cell.part = index
    # the cells (or the pieces of cells already cut by a page break) that end at the bottom
    bottom = [
        c
        for p in table.parts
        for c in p.cells
        if _end(c).part == index - 1 and abs(_end(c).box[3] - last.box[3]) <= _EDGE_TOLERANCE
    ]
    top = [c for c in part.cells if abs(c.box[1] - part.box[1]) <= _EDGE_TOLERANCE]
    pairs = [(above, cell) for cell in top for above in bottom if _aligned(_end(above), cell)]
    texts = {id(c): cell_text(_cell_raw(c)) for c in bottom + top}
    # a header row cut by the page break (Word and LibreOffice let a row break across pages):
    # only labels on both sides, each label of the new page under a label of the old one
    cut_row = (
        all(classify(t) in ("text", "blank") for t in texts.values())
        and any(texts[id(c)] for c in top)
        and all(any(b is c and texts[id(a)] for a, b in pairs) for c in top if texts[id(c)])
    )
    for above, cell in pairs:
        # otherwise two cells of one row each are two rows; a cell spanning rows on either
        # side is one merged cell cut in two
        if cut_row or _span(last, _end(above)) > 1 or _span(part, cell) > 1:
            above.more.append(cell)
            part.cells.remove(cell)
    table.parts.append(part)


def _end(cell: _Cell) -> _Cell:
    """The last piece of a cell (itself unless a page break cut it)."""
    return cell.more[-1] if cell.more else cell


def _aligned(a: _Cell, b: _Cell) -> bool:
    return abs(a.box[0] - b.box[0]) <= _EDGE_TOLERANCE and abs(a.box[2] - b.box[2]) <= _EDGE_TOLERANCE


def _span(part: _Part, cell: _Cell) -> int:
    return max(1, _index(part.rows, cell.box[3]) - _index(part.rows, cell.box[1]))


def _table_rows(table: _Table, number: int) -> list[Row]:
    """The table's grid from its cells' boxes (the parts stacked) → rows."""
    # the parts stacked into one coordinate space: each part's rows follow the previous part's
    offsets: list[float] = []
    y = 0.0
    for part in table.parts:
        offsets.append(y - part.box[1])
        y += part.box[3] - part.box[1]
    cells = [cell for part in table.parts for cell in part.cells]

    def vertical(cell: _Cell) -> tuple[float, float]:
        end = _end(cell)
        return cell.box[1] + offsets[cell.part], end.box[3] + offsets[end.part]

    cols = _edges([v for c in cells for v in (c.box[0], c.box[2])])
    rows = _edges([v for c in cells for v in vertical(c)])
    starts: dict[tuple[int, int], tuple[_Cell, int, int]] = {}
    covered: set[tuple[int, int]] = set()
    for cell in cells:
        top, bottom = vertical(cell)
        c0, c1 = _index(cols, cell.box[0]), _index(cols, cell.box[2])
        r0, r1 = _index(rows, top), _index(rows, bottom)
        colspan, rowspan = max(1, c1 - c0), max(1, r1 - r0)
        if (r0, c0) in covered:
            continue  # overlapping boxes: the first cell keeps the place
        starts[(r0, c0)] = (cell, colspan, rowspan)
        covered.update((r, c) for r in range(r0, r0 + rowspan) for c in range(c0, c0 + colspan))
    grid: list[list[GridCell]] = []
    for r in range(len(rows) - 1):
        source_row: list[GridCell] = []
        for c in range(len(cols) - 1):
            if (r, c) in starts:
                cell, colspan, rowspan = starts[(r, c)]
                where = Where(page=cell.page, table=number, row=r + 1, cell=c + 1, box=cell.box)
                source_row.append(GridCell(_cell_raw(cell), where, colspan, rowspan))
            elif (r, c) not in covered:  # a place no cell box covers: a blank cell of its own
                page = table.parts[0].page
                source_row.append(GridCell("", Where(page=page, table=number, row=r + 1, cell=c + 1)))
        grid.append(source_row)
    return table_rows(grid, table=number)
