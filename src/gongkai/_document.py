"""The document model: what every reader hands the grammar.

A reader (text, HTML, Word, PDF) turns its source into a :class:`Document`: a sequence of
blocks in reading order, each a :class:`Prose` block or a table :class:`Row`.  A row is its
*label* cells (the text cells before its figures) and its *value* cells; every cell keeps its
text as printed and :class:`Where` it came from.  Nothing downstream knows which reader made
the document: the grammar, the model, the checks, the record and render are shared.

A reader that knows a table's true grid (HTML, Word, PDF) sets :attr:`Row.grid`: its value
cells are then exactly the row's cells after its labels, one per column.  A text reader cannot
always know that (converters pad, repeat and drop cells); the model places such rows by the
table's structure and says so when more than one placement remains.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from attrs import field, frozen

if TYPE_CHECKING:
    from ._errors import Diagnostic

__all__ = ["Block", "Cell", "Document", "Prose", "Row", "Where"]


@frozen(repr=False)
class Where:
    """Where a piece of a document came from.

    Text and HTML fill ``line`` (1-based, ``end_line`` when it spans several): the line of the
    decoded text or page as an editor shows it (a line ends at LF, CR LF or a lone CR); for HTML
    the line where the paragraph's or cell's start tag ends, where its text begins (None past
    line 65534, where the HTML parser keeps no line); Word fills
    ``table``, ``row`` and ``cell`` (1-based) or ``paragraph``; PDF fills ``page`` and the cell's
    ``box`` (x0, top, x1, bottom in PDF points) and, for table cells, ``table``, ``row`` and
    ``cell``.  Unknown parts stay None.
    """

    line: int | None = None
    end_line: int | None = None
    page: int | None = None
    table: int | None = None
    row: int | None = None
    cell: int | None = None
    paragraph: int | None = None
    box: tuple[float, float, float, float] | None = None

    def __str__(self) -> str:
        parts: list[str] = []
        if self.page is not None:
            parts.append(f"page {self.page}")
        if self.line is not None:
            parts.append(
                f"line {self.line}"
                if self.end_line in (None, self.line)
                else f"lines {self.line}-{self.end_line}"
            )
        if self.paragraph is not None:
            parts.append(f"paragraph {self.paragraph}")
        for name in ("table", "row", "cell"):
            value = getattr(self, name)
            if value is not None:
                parts.append(f"{name} {value}")
        if self.box is not None:
            parts.append("box (" + ", ".join(f"{v:.1f}" for v in self.box) + ")")
        return ", ".join(parts) or "unknown place"

    def __repr__(self) -> str:
        parts = [f"{k}={v!r}" for k, v in self.as_dict().items() if k != "box"]
        if self.box is not None:
            parts.append(f"box={tuple(round(x, 1) for x in self.box)}")
        return f"Where({', '.join(parts)})"

    def as_dict(self) -> dict[str, object]:
        """The parts that are known, as a JSON-ready dict."""
        out: dict[str, object] = {}
        for name in ("line", "end_line", "page", "table", "row", "cell", "paragraph", "box"):
            value = getattr(self, name)
            if value is not None:
                out[name] = list(value) if name == "box" else value
        return out


@frozen
class Cell:
    """One table cell: its matching text (:func:`gongkai._figures.cell_text` of ``raw``), the
    cell as printed, and where it came from.

    ``pad`` marks a cell that is not a cell of its own: what a converter left where a merged
    cell spans (markitdown's ``| |``), or a grid reader's place covered by a cell of the row
    above.  A pad is never read as a blank figure without the model saying so.
    """

    text: str
    raw: str
    where: Where
    pad: bool = False


@frozen
class Prose:
    """A prose block: one line, or a run of ordinary lines (none a heading or an item).

    ``text`` is the matching form (NFKC, markup gone, white space collapsed); ``lines`` holds
    each line of a block of several lines (empty for a single line).
    """

    text: str
    raw: str
    where: Where
    lines: tuple[Cell, ...] = ()
    #: 0 for a paragraph; n for a heading of level n, where the source says so (markdown
    #: ``#``, HTML ``<h1>``, a Word heading style)
    level: int = 0


@frozen
class Row:
    """A table row: its label cells and its value cells.

    ``grid`` says the reader read the table's true grid: the value cells are exactly the
    row's cells after its labels, none lost, none added.  ``table`` numbers the tables of the
    document (1-based) when the reader knows them.
    """

    labels: tuple[Cell, ...]
    values: tuple[Cell, ...]
    where: Where
    grid: bool = False
    table: int | None = None
    #: the row's line as the text had it ended in a separator (a trailing TAB)
    trailing: bool = False
    #: how many cells the source row had in all (labels, pads, repeats and values); 0: unknown
    width: int = 0
    #: the text drops a blank cell without a trace (figures between spaces: a PDF's text, a
    #: space-aligned table): the values can be placed only when they are exactly the columns
    loses_blanks: bool = False

    @property
    def label(self) -> str:
        """The label cells' texts joined by ``|``."""
        return "|".join(c.text for c in self.labels)


Block = Prose | Row


@frozen
class Document:
    """A source read into blocks: what the grammar reads.

    ``reader`` names what read it (``"text"``, ``"html"``, ``"docx"``, ``"pdf"``), ``layout``
    the text layout(s) seen (``"markdown"``, ``"tab-separated"``, ``"cell-per-line"``…, joined
    by ``+`` when mixed).  ``diagnostics`` are what the reader itself has to say (content it
    could not read, a table it could not resolve).
    """

    blocks: tuple[Block, ...]
    reader: str = "text"
    layout: str = ""
    diagnostics: tuple[Diagnostic, ...] = field(default=())
