"""Word ``.docx`` files → the document model (python-docx).

The body is read in order, paragraphs and tables interleaved.  A paragraph is a
:class:`~gongkai._document.Prose` block per line (a line break inside a paragraph starts a new
line, as a converter's text would); empty paragraphs are skipped.  A table's cells go through
:func:`gongkai._readers._grid.table_rows` with their true spans: a cell merged across columns
(``gridSpan``) or down rows (``vMerge``) is one cell, counted once, so a merged group label
labels every row it spans and a merged figure is never copied into the row below.

* A cell's paragraphs are joined with a space (the official template writes ``商业`` / ``企业``
  on two lines: one label).
* A table nested in a cell is read too: its rows follow the row of the cell that holds it.  A
  table of one column is a frame around content (a title box, a page laid out in a table), not a
  table of figures: its cells' content is read as body content.
* Headers and footers are page furniture and are not read.  Nor is what python-docx's paragraphs
  and tables do not reach (text boxes, content controls, tracked insertions): the document's
  diagnostics say how much of it there is, rather than losing it silently.
* Where: a paragraph's ``paragraph`` counts the paragraphs outside tables (1-based, empty ones
  too); a cell's ``table``/``row``/``cell`` are 1-based, ``cell`` counting the row's ``<w:tc>``.

python-docx opens the package; the body is then walked in its XML, python-docx's public
``Document.element`` (the main part's ``<w:document>``), with lxml's public element API, and a
paragraph's text is python-docx's ``Paragraph.text``.  python-docx's table objects are not used:
its public API has no way to a row's cells but ``_Row.cells``, which resolves every continued
vertical merge by walking up the table (quadratic, and it raises on a merge with nothing above
it), and no public attribute for a cell's ``vMerge``.  So a table's rows (``<w:tr>``), cells
(``<w:tc>``), spans (``gridSpan``, ``vMerge``, ``gridBefore``) and content (``<w:p>``,
``<w:tbl>``, as python-docx's ``iter_inner_content`` takes them) are read from the XML.  Cells
and paragraphs are counted before the walk, to refuse a document too large to read in bounded
time.

Bad input (not a zip, not a Word file, truncated, a zip bomb, a table too large) raises
:class:`~gongkai._errors.ReadError`.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from typing import TYPE_CHECKING, cast

from attrs import define, evolve, field

from .._document import Block, Document, Prose, Row, Where
from .._errors import Diagnostic, ReadError
from .._figures import cell_text, classify, normalize
from ._grid import MAX_SPAN, GridCell, table_rows

if TYPE_CHECKING:
    from docx.document import Document as WordDocument
    from docx.oxml.text.paragraph import CT_P
    from lxml.etree import _Element as Element

__all__ = [
    "MAX_BYTES",
    "MAX_CELLS",
    "MAX_DEPTH",
    "MAX_MEMBERS",
    "MAX_PARAGRAPHS",
    "MAX_RATIO",
    "MAX_UNCOMPRESSED",
    "read",
]

#: the largest .docx read (bytes as given)
MAX_BYTES = 50 * 1024 * 1024
#: the most the package's members may add up to, uncompressed
MAX_UNCOMPRESSED = 100 * 1024 * 1024
#: the most members a package may have
MAX_MEMBERS = 10_000
#: the highest compression ratio of a member (of at least :data:`_RATIO_FLOOR` bytes) or the package
MAX_RATIO = 200
#: the most table cells and rows (``<w:tc>``, ``<w:tr>``) a document may have: a report has about
#: 400, so this bounds the time too
MAX_CELLS = 20_000
#: the most paragraphs (``<w:p>``, in tables or not) a document may have: a report has a few hundred
MAX_PARAGRAPHS = 50_000
#: how deep tables may nest in cells
MAX_DEPTH = 8

# Small members compress well without being bombs; the ratio counts from 1 MiB up.
_RATIO_FLOOR = 1024 * 1024

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def read(data: bytes, *, source: str = "") -> Document:
    """Read a Word ``.docx`` file's bytes into a :class:`~gongkai._document.Document`.

    Raises :class:`~gongkai._errors.ReadError` when the bytes are not a readable .docx (not a
    zip, not a Word document, broken, too large), or python-docx is not installed.
    """
    _check_package(data, source)
    try:
        import docx
        from docx.opc.exceptions import OpcError
        from docx.oxml.exceptions import XmlchemyError
        from lxml.etree import LxmlError  # type: ignore[import-untyped,unused-ignore]
    except ImportError as e:  # the optional extra is missing
        raise ReadError(
            "reading .docx files needs python-docx: pip install 'gongkai[docx]'", source=source
        ) from e
    # What python-docx, zipfile and lxml raise on a broken package (a member missing, bad XML, a
    # bad CRC, a part of the wrong content type; python-docx meets XML not as it should be with
    # AttributeError or TypeError): the file cannot be read.  Only python-docx runs in this call.
    broken = (
        OpcError,
        XmlchemyError,
        LxmlError,
        zipfile.BadZipFile,
        zlib.error,
        EOFError,
        KeyError,
        ValueError,
        AttributeError,
        TypeError,
        NotImplementedError,
    )
    try:
        word = docx.Document(io.BytesIO(data))
    except broken as e:
        raise ReadError(f"not a readable Word .docx file ({_brief(e)})", source=source) from e
    root: Element = word.element
    body = root.find(f"{_W}body")
    if root.tag != f"{_W}document" or body is None:
        raise ReadError("not a readable Word .docx file (its main part has no document body)", source=source)
    # counted in the XML before python-docx walks it (that walk is what takes time)
    if sum(1 for _ in root.iter(f"{_W}tc", f"{_W}tr")) > MAX_CELLS:
        raise ReadError(f"the document has more than {MAX_CELLS} table cells and rows", source=source)
    if sum(1 for _ in root.iter(f"{_W}p")) > MAX_PARAGRAPHS:
        raise ReadError(f"the document has more than {MAX_PARAGRAPHS} paragraphs", source=source)
    reader = _Reader(source, word)
    reader.container(body, depth=0)
    return Document(tuple(reader.blocks), reader="docx", layout="grid", diagnostics=_unread(body))


def _unread(body: Element) -> tuple[Diagnostic, ...]:
    """What the body holds that python-docx's paragraphs and tables do not reach, said, not lost
    silently: content controls and custom XML around paragraphs, tables, rows or cells; text in
    runs wrapped by something else than a paragraph or a hyperlink (a tracked insertion, an
    inline content control, a simple field); text boxes."""
    blocks = (f"{_W}p", f"{_W}tbl", f"{_W}tr", f"{_W}tc")
    wrapped = sum(
        1
        for tag in (f"{_W}sdtContent", f"{_W}customXml")
        for element in body.iter(tag)
        if any(child.tag in blocks for child in element)
    )
    runs = 0
    for text in body.iter(f"{_W}t"):
        run = text.getparent()
        holder = None if run is None else run.getparent()
        if holder is None or holder.tag not in (f"{_W}p", f"{_W}hyperlink"):
            runs += 1
    boxes = sum(1 for _ in body.iter(f"{_W}txbxContent"))
    out: list[Diagnostic] = []
    if wrapped:
        out.append(
            Diagnostic(
                "unread-content",
                f"{wrapped} content control(s) or custom XML element(s) around paragraphs, tables, rows "
                "or cells not read: their figures may be missing",
            )
        )
    if runs:
        out.append(
            Diagnostic(
                "unread-content",
                f"{runs} piece(s) of text not read (in tracked insertions, inline content controls or "
                "fields): labels or figures may be missing",
            )
        )
    if boxes:
        out.append(Diagnostic("text-box", f"{boxes} text box(es) not read", severity="info"))
    return tuple(out)


def _brief(error: BaseException) -> str:
    """An exception as a short one-line message."""
    text = " ".join(str(error).split())
    text = text if len(text) <= 120 else text[:117] + "..."
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def _check_package(data: bytes, source: str) -> None:
    """Refuse what is not a zip, or a zip too large to open safely, before python-docx opens it."""
    if len(data) > MAX_BYTES:
        raise ReadError(f"the file is larger than {MAX_BYTES // (1024 * 1024)} MB", source=source)
    if data[:4] == b"\xd0\xcf\x11\xe0":
        raise ReadError("a legacy Word .doc file (not .docx): save it as .docx first", source=source)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            members = package.infolist()
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, NotImplementedError) as e:
        # (NotImplementedError: a zip version or compression method zipfile does not read)
        raise ReadError(f"not a .docx file: not a readable zip package ({_brief(e)})", source=source) from e
    if len(members) > MAX_MEMBERS:
        raise ReadError(f"the package has more than {MAX_MEMBERS} members", source=source)
    total = sum(m.file_size for m in members)
    if total > MAX_UNCOMPRESSED:
        raise ReadError(
            f"the package unpacks to more than {MAX_UNCOMPRESSED // (1024 * 1024)} MB", source=source
        )
    compressed = sum(m.compress_size for m in members)
    if total >= _RATIO_FLOOR and total > MAX_RATIO * max(compressed, 1):
        raise ReadError(f"the package is compressed more than {MAX_RATIO}:1 (a zip bomb?)", source=source)
    for m in members:
        if m.file_size >= _RATIO_FLOOR and m.file_size > MAX_RATIO * max(m.compress_size, 1):
            raise ReadError(
                f"member {m.filename!r} is compressed more than {MAX_RATIO}:1 (a zip bomb?)", source=source
            )


def _int_value(element: Element, path: str, default: int) -> int:
    """The ``w:val`` of ``path`` under ``element`` as a whole number ≥ 0 (at most 999999: spans
    are cut to MAX_SPAN anyway), ``default`` when absent or not a number."""
    found = element.find(path)
    if found is None:
        return default
    value = str(found.get(f"{_W}val") or "").strip()
    if not (value.isascii() and value.isdigit()):
        return default
    return min(int(value[:7]), 999_999)


def _vertical_merge(tc: Element) -> str | None:
    """``"restart"``, ``"continue"`` or None: the cell's ``w:vMerge`` (no ``w:val`` means continue)."""
    merge = tc.find(f"{_W}tcPr/{_W}vMerge")
    if merge is None:
        return None
    return "restart" if merge.get(f"{_W}val") == "restart" else "continue"


@define
class _Source:
    """A table cell being read: its text, place and spans (the rowspan grows as rows continue it)."""

    raw: str
    where: Where
    colspan: int
    rowspan: int = 1
    #: the row it starts in (0-based)
    top: int = 0


@define
class _Reader:
    """Reads one document's body into blocks."""

    source: str
    #: the python-docx document the XML belongs to (a paragraph's parent)
    word: WordDocument
    blocks: list[Block] = field(factory=list)
    paragraphs: int = 0
    tables: int = 0

    def container(self, container: Element, *, depth: int) -> None:
        """The paragraphs and tables of the body (or of a frame cell), in order."""
        for item in _content(container):
            if item.tag == f"{_W}tbl":
                self.table(item, depth=depth)
            else:
                self.paragraph(item)

    def paragraph(self, paragraph: Element) -> None:
        """One paragraph: a Prose block per line that has text."""
        self.paragraphs += 1
        where = Where(paragraph=self.paragraphs)
        for line in self.text(paragraph).splitlines():
            text = normalize(line)
            if text:
                self.blocks.append(Prose(text, line, where))

    def text(self, paragraph: Element) -> str:
        """A ``<w:p>``'s text, as python-docx reads it (runs, hyperlinks, tabs, breaks)."""
        from docx.text.paragraph import Paragraph

        return Paragraph(cast("CT_P", paragraph), self.word).text

    def table(self, table: Element, *, depth: int) -> None:
        """One table: its rows, spans resolved, each followed by the rows of tables nested in it."""
        if depth >= MAX_DEPTH:
            raise ReadError(f"tables nest more than {MAX_DEPTH} deep", source=self.source)
        rows = list(table.iterchildren(f"{_W}tr"))
        row_cells = [list(row.iterchildren(f"{_W}tc")) for row in rows]
        if all(len(tcs) == 1 for tcs in row_cells):
            # one column: a frame around content (a title box, a page laid out in a table), never
            # a table of figures (that has labels beside its figures): its content is body content
            for tcs in row_cells:
                self.container(tcs[0], depth=depth + 1)
            return
        self.tables += 1
        number = self.tables
        grid: list[list[_Source]] = []
        nested: dict[int, list[Element]] = {}
        # the cell that starts or continues a vertical merge at each grid column of the row above
        merging: dict[int, _Source] = {}
        for r, (row, tcs) in enumerate(zip(rows, row_cells, strict=True)):
            column = _int_value(row, f"{_W}trPr/{_W}gridBefore", 0)
            source_row: list[_Source] = []
            if column:  # a row starting late: its first grid places are no cells at all
                source_row.append(_Source("", Where(table=number, row=r + 1), colspan=column))
            now_merging: dict[int, _Source] = {}
            for c, tc in enumerate(tcs, start=1):
                span = max(1, min(_int_value(tc, f"{_W}tcPr/{_W}gridSpan", 1), MAX_SPAN))
                merge = _vertical_merge(tc)
                above = merging.get(column)
                if merge == "continue" and above is not None and above.colspan == span:
                    if r - above.top < MAX_SPAN:
                        above.rowspan = r - above.top + 1  # not a new cell: the one above grows
                        now_merging[column] = above
                    else:  # table_rows cuts spans at MAX_SPAN: the merge goes on as a cell of its own,
                        # repeating a label, a place (a pad, see _unpadded) under a figure
                        label = classify(cell_text(above.raw)) == "text"
                        again = _Source(
                            above.raw if label else "",
                            above.where if label else Where(table=number, row=r + 1),
                            colspan=span,
                            top=r,
                        )
                        source_row.append(again)
                        now_merging[column] = again
                else:
                    texts: list[str] = []
                    for item in _content(tc):
                        if item.tag == f"{_W}tbl":
                            nested.setdefault(r + 1, []).append(item)
                        else:
                            texts.append(self.text(item))
                    where = Where(table=number, row=r + 1, cell=c)
                    start = _Source(" ".join(texts), where, colspan=span, top=r)
                    source_row.append(start)
                    if merge is not None:
                        now_merging[column] = start
                column += span
            merging = now_merging
            grid.append(source_row)
        cells = [
            [GridCell(s.raw, s.where, colspan=s.colspan, rowspan=s.rowspan) for s in source_row]
            for source_row in grid
        ]
        for row_block in table_rows(cells, table=number):
            self.blocks.append(_unpadded(row_block))
            for inner in nested.pop(row_block.where.row or 0, []):
                self.table(inner, depth=depth + 1)
        # tables nested in rows that made no row of their own (e.g. a row of labels only)
        for r in sorted(nested):
            for inner in nested[r]:
                self.table(inner, depth=depth + 1)


def _content(container: Element) -> list[Element]:
    """The paragraphs and tables directly in a body or cell, in order: what python-docx's
    ``iter_inner_content`` gives (not what a content control or a tracked change wraps)."""
    return list(container.iterchildren(f"{_W}p", f"{_W}tbl"))


def _unpadded(row: Row) -> Row:
    """The row with its places that are no cells (where a row starts late, where a merged figure
    goes on past :data:`~gongkai._readers._grid.MAX_SPAN` rows) marked as pads."""
    if all(c.where.cell is not None or c.pad for c in row.values):
        return row
    return evolve(
        row, values=tuple(c if c.where.cell is not None else evolve(c, pad=True) for c in row.values)
    )
