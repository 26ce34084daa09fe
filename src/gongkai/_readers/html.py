"""HTML pages → the document model (lxml).

A page is read in reading order: every ``<table>`` whose cells hold no further table is a data
table, its rows written by :func:`gongkai._readers._grid.table_rows` (spans expanded, cut at
the table's edge); a table that holds tables is a layout table, read as content.  Text outside
data tables becomes one :class:`~gongkai._document.Prose` block per paragraph-like element or
``<br>`` line.  Scripts, styles, comments (Word's conditional comments) and hidden elements are
left out.

A published page carries the site's navigation, header and footer around the report: the
report's content is the smallest element that holds its section headings (一、总体情况 …
六、其他需要报告的事项) and its tables, plus the title printed just before it; a fragment or a
page without such headings is read whole (a diagnostic ``page-content`` says what was left out).

Where: prose and cells carry the page's line: the line, 1-based, of the decoded page as an editor
shows it (a line ends at LF, CR LF or a lone CR), where the element's start tag ends — where its
text begins (lxml's ``sourceline``).  libxml2 keeps no line past 65534: there the line is None,
not a wrong one.  Table cells also ``table`` (the page's data tables numbered 1, 2 …
in order, layout tables not counted), ``row`` (the ``<tr>``) and ``cell`` (the ``<td>`` in its
row, 1-based, as the page has them, before spans are expanded).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from .._document import Block, Document, Prose, Row, Where
from .._errors import Diagnostic, ReadError
from .._figures import normalize
from .._sources import MAX_BYTES, decode_text
from ._grid import MAX_SPAN, GridCell, table_rows

__all__ = ["MAX_BLOCKS", "MAX_CELLS", "MAX_GRID", "MAX_TABLES", "read", "read_fragment"]

#: A page with more tables than this is no report.
MAX_TABLES = 5_000
#: … or with more table cells than this,
MAX_CELLS = 100_000
#: … or more blocks (prose lines and table rows) than this,
MAX_BLOCKS = 100_000
#: … or whose tables' grids, spans expanded, have more places than this.
MAX_GRID = 2_000_000

if TYPE_CHECKING:
    from lxml.html import HtmlElement as Element

# Elements whose content is not the document's text
_SKIP = frozenset(
    {
        "script", "style", "head", "title", "noscript", "template", "iframe", "object", "embed",
        "select", "option", "textarea", "button", "input", "svg", "math", "map", "audio", "video",
        "canvas",
    }
)  # fmt: skip
# Elements that start and end a line of text (everything else runs inline)
_BREAKS = frozenset(
    {
        "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd",
        "blockquote", "pre", "center", "section", "article", "header", "footer", "nav", "aside",
        "main", "address", "figure", "figcaption", "form", "fieldset", "legend", "hr", "table",
        "caption", "thead", "tbody", "tfoot", "tr", "td", "th", "body", "html",
    }
)  # fmt: skip
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_SPAN = re.compile(r"\s*[\"']?\s*(\d{1,4})")
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*>")
# control characters lxml refuses (TAB, LF, CR kept)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# A section heading of the report (after normalize): 一、总体情况 … 六、其他需要报告的事项
_HEADING = re.compile(
    r"^[一二三四五六]\s*[、.,，]?\s*(?:总体情况|概述|主动公开|收到和处理|.{0,24}?(?:行政复议|行政诉讼)"
    r"|.{0,16}?存在的?主要问题|存在问题|其他需要报告)"
)
# A title is a short line
_TITLE_LENGTH = 60
# Words of the template's tables: a data table with one of them is one of the report's tables
_TABLE_WORDS = ("申请", "复议", "诉讼", "规范性文件", "规章", "行政许可", "行政处罚")
# libxml2 keeps an element's line in 16 bits: from line 65535 on, lxml's sourceline says 65535
_LAST_KNOWN_LINE = 65534


def read(data: bytes, *, source: str = "") -> Document:
    """An HTML page or fragment (bytes, any encoding :func:`gongkai._sources.decode_text` reads)
    → a :class:`Document` whose blocks are the report's prose and table rows in reading order.

    Raises :class:`ReadError` for what cannot be read (undecodable bytes, no content, lxml not
    installed, more than :data:`MAX_TABLES` tables, :data:`MAX_CELLS` cells or
    :data:`MAX_BLOCKS` blocks)."""
    if len(data) > MAX_BYTES:
        raise ReadError("larger than 50 MB: not a report", source=source)
    root = _parse(decode_text(data, source=source), source)
    if root is None:
        raise ReadError("an HTML page with no content", source=source)
    reader = _Reader(source=source)
    reader.walk(root)
    blocks, diagnostics = _report_content(reader.blocks, reader.markers)
    if not blocks:
        raise ReadError("an HTML page with no text", source=source)
    return Document(tuple(blocks), reader="html", layout="grid", diagnostics=tuple(diagnostics))


def read_fragment(html: str, *, first_line: int = 1, first_table: int = 1) -> list[Block]:
    """A piece of HTML (a raw ``<table>`` inside markdown, say) → its blocks, read whole: lines
    count from ``first_line``, tables from ``first_table``."""
    root = _parse(html, "")
    if root is None:
        return []
    reader = _Reader(line_offset=first_line - 1, first_table=first_table)
    reader.walk(root)
    return [block for _, block in reader.blocks]


def _parse(text: str, source: str) -> Element | None:
    """The page's ``<body>`` (or its root), None when it has no content."""
    # lxml refuses a str that declares its encoding; keep the line count
    text = _XML_DECLARATION.sub(lambda m: "\n" * m.group(0).count("\n"), text, count=1)
    text = _CONTROL.sub("", text)
    # libxml2 counts lines at LF only: a lone CR (old Mac line ends) ends a line too, as in an
    # editor and in the text reader
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        return None
    try:  # lxml is the optional extra gongkai[html]
        import lxml.html
        from lxml import etree
    except ImportError:
        raise ReadError("reading HTML needs lxml: pip install 'gongkai[html]'", source=source) from None
    try:
        document = lxml.html.document_fromstring(text)
    except etree.ParserError:  # "Document is empty": nothing but comments or white space
        return None
    except (etree.LxmlError, ValueError) as e:
        raise ReadError(f"not readable as HTML: {e}", source=source) from None
    body = document.find("body")
    return body if body is not None else document


def _tag(element: Element) -> str | None:
    """An element's tag, lower case; None for a comment or processing instruction."""
    tag = element.tag
    return tag.lower() if isinstance(tag, str) else None


def _source_line(element: Element) -> int | None:
    """The page's line (1-based) where ``element``'s start tag ends; None where not known."""
    line = element.sourceline
    return line if line is not None and line <= _LAST_KNOWN_LINE else None


def _hidden(element: Element) -> bool:
    return "hidden" in element.attrib or bool(_HIDDEN_STYLE.search(element.get("style", "")))


def _span(value: str | None) -> int:
    """``colspan``/``rowspan`` read leniently: ``2``, ``"2 "``, ``'2'`` → 2; junk, 0 → 1."""
    m = _SPAN.match(value or "")
    return max(1, int(m.group(1))) if m else 1


class _Reader:
    """Walks a tree once, in document order, collecting blocks with the element each came from."""

    def __init__(self, *, source: str = "", line_offset: int = 0, first_table: int = 1) -> None:
        self.source = source
        self.line_offset = line_offset
        self.blocks: list[tuple[Element, Block]] = []
        #: what marks the report: its section headings and its tables
        self.markers: list[Element] = []
        self.next_table = first_table
        self.grid = 0
        self._pieces: list[str] = []
        self._anchor: Element | None = None
        self._first = 0
        self._last = 0

    def _line(self, element: Element) -> int | None:
        line = _source_line(element)
        return None if line is None else line + self.line_offset

    # -- prose ----------------------------------------------------------------------------------

    def _text(self, text: str, line: int | None, anchor: Element) -> None:
        """Add a piece of text that starts on ``line`` (its first character that is no space)."""
        if not text.strip():
            if self._pieces:
                self._pieces.append(text)
            return
        if not self._pieces:
            self._anchor = anchor
            self._first = line or 0
        self._pieces.append(text)
        self._last = line or self._first

    def _flush(self) -> None:
        raw = " ".join("".join(self._pieces).split())
        self._pieces = []
        if not raw or self._anchor is None:
            return
        text = normalize(raw)
        if not text:
            return
        first = self._first or None
        end = self._last if self._last and self._last != self._first else None
        self._add(self._anchor, Prose(text, raw, Where(line=first, end_line=end)))
        if _HEADING.match(text):
            self.markers.append(self._anchor)

    def _add(self, anchor: Element, block: Block) -> None:
        if len(self.blocks) >= MAX_BLOCKS:
            raise ReadError(
                f"more than {MAX_BLOCKS:,} lines and table rows: not a report", source=self.source
            )
        self.blocks.append((anchor, block))

    def _tail(self, element: Element) -> None:
        tail = element.tail
        if not tail:
            return
        parent = element.getparent()
        anchor = parent if parent is not None else element
        # a tail runs up to the next sibling's start tag: count back from its line
        following = element.getnext()
        start = self._line(following) if following is not None else None
        if start is not None:
            line: int | None = start - tail.lstrip().count("\n")
        else:
            line = self._line(element)
        self._text(tail, line, anchor)

    def _own_text(self, element: Element) -> None:
        text = element.text
        if text:
            start = self._line(element)
            line = None if start is None else start + text[: len(text) - len(text.lstrip())].count("\n")
            self._text(text, line, element)

    # -- the walk -------------------------------------------------------------------------------

    def walk(self, root: Element) -> None:
        """Read ``root``'s content (not its tail) into :attr:`blocks`."""
        # refuse what is no report before reading any of it
        if sum(1 for _ in root.iter("table")) > MAX_TABLES:
            raise ReadError(f"more than {MAX_TABLES:,} tables: not a report", source=self.source)
        if sum(1 for _ in root.iter("td", "th")) > MAX_CELLS:
            raise ReadError(f"more than {MAX_CELLS:,} table cells: not a report", source=self.source)
        if not self._open(root, root):
            return
        # children are taken one at a time: a node with a million children costs no list of them
        stack: list[tuple[Element, Iterator[Element]]] = [(root, iter(root))]
        while stack:
            element, children = stack[-1]
            child = next(children, None)
            if child is not None:
                if self._open(child, root):
                    stack.append((child, iter(child)))
                continue
            stack.pop()
            if _tag(element) in _BREAKS:
                self._flush()
            if element is not root:
                self._tail(element)
        self._flush()

    def _open(self, element: Element, root: Element) -> bool:
        """Start an element: True to read its children next; False when it is read whole (a
        data table, a ``<br>``) or left out (a script, a comment, a hidden element)."""
        tag = _tag(element)
        if tag is None or tag in _SKIP or _hidden(element) or tag == "br":
            if tag == "br":
                self._flush()
        elif tag == "table" and self._is_data_table(element):
            self._flush()
            self._table(element)
        else:
            if tag in _BREAKS:
                self._flush()
            self._own_text(element)
            return True
        if element is not root:
            self._tail(element)
        return False

    @staticmethod
    def _is_data_table(table: Element) -> bool:
        """A table whose cells hold no table, with rows."""
        has_rows = False
        for element in table.iterdescendants():
            tag = _tag(element)
            if tag == "table":
                return False
            has_rows = has_rows or tag == "tr"
        return has_rows

    # -- data tables ----------------------------------------------------------------------------

    def _table(self, table: Element) -> None:
        number = self.next_table
        self.next_table += 1
        for caption in table.iterchildren("caption"):
            self._flush()
            if not _hidden(caption):
                text = _inline_text(caption)
                if text:
                    self._text(text, self._line(caption), caption)
            self._flush()
        source_rows: list[list[GridCell]] = []
        trs = [tr for tr in table.iterdescendants("tr") if not _hidden(tr)]
        for r, tr in enumerate(trs, start=1):
            cells: list[GridCell] = []
            for td in tr.iterchildren("td", "th"):
                if _hidden(td):
                    continue
                colspan, rowspan = _span(td.get("colspan")), _span(td.get("rowspan"))
                # the places this cell takes in the grid (as table_rows cuts its spans)
                self.grid += min(colspan, MAX_SPAN) * min(rowspan, MAX_SPAN, len(trs) - r + 1)
                if self.grid > MAX_GRID:
                    raise ReadError(
                        "tables too large (their spans cover too many places): not a report",
                        source=self.source,
                    )
                where = Where(line=self._line(td), table=number, row=r, cell=len(cells) + 1)
                cells.append(GridCell(_inline_text(td), where, colspan=colspan, rowspan=rowspan))
            source_rows.append(cells)
        rows: list[Row] = table_rows(source_rows, table=number)
        for row in rows:
            self._add(table, row)
        if any(word in row.label for row in rows for word in _TABLE_WORDS):
            self.markers.append(table)


def _inline_text(element: Element) -> str:
    """An element's text as one line: ``<br>`` and block boundaries (``<p>``, ``<div>`` …) are a
    space, white space collapsed, entities decoded; hidden parts, scripts, comments left out."""
    return " ".join("".join(_pieces(element)).split())


def _pieces(element: Element) -> Iterator[str]:
    if not _opens(element):
        return
    if element.text:
        yield element.text
    stack: list[tuple[Element, Iterator[Element]]] = [(element, iter(element))]
    while stack:
        node, children = stack[-1]
        child = next(children, None)
        if child is not None:
            tag = _tag(child)
            if tag in _BREAKS or tag == "br":
                yield " "
            if _opens(child):
                if child.text:
                    yield child.text
                stack.append((child, iter(child)))
            elif child.tail:
                yield child.tail
            continue
        stack.pop()
        if node is not element:
            if _tag(node) in _BREAKS:
                yield " "
            if node.tail:
                yield node.tail


def _opens(element: Element) -> bool:
    """Whether an element's content is text of the cell (no script, comment, hidden part)."""
    tag = _tag(element)
    return tag is not None and tag not in _SKIP and tag != "br" and not _hidden(element)


# -- the report's content inside a page ---------------------------------------------------------


def _inside(element: Element, container: Element) -> bool:
    node: Element | None = element
    while node is not None:
        if node is container:
            return True
        node = node.getparent()
    return False


def _common_ancestor(elements: list[Element]) -> Element:
    chains = [[*reversed(list(e.iterancestors())), e] for e in elements]
    common = chains[0][0]
    for depth in range(min(len(c) for c in chains)):
        node = chains[0][depth]
        if any(c[depth] is not node for c in chains):
            break
        common = node
    return common


def _is_title(block: Block) -> bool:
    """A line that can be the report's title: short, naming a report (…年度报告)."""
    return isinstance(block, Prose) and "报告" in block.text and len(block.text) <= _TITLE_LENGTH


def _report_content(
    blocks: list[tuple[Element, Block]], markers: list[Element]
) -> tuple[list[Block], list[Diagnostic]]:
    """The blocks of the smallest element holding the report's headings and tables, with the
    title printed before it; every block when the page shows fewer than two such marks."""
    if len(markers) < 2:
        return [block for _, block in blocks], []
    content = _common_ancestor(markers)
    inside = [_inside(anchor, content) for anchor, _ in blocks]
    if all(inside):
        return [block for _, block in blocks], []
    kept = [block for (_, block), keep in zip(blocks, inside, strict=True) if keep]
    first_kept = inside.index(True)
    before_heading = []
    for block in kept:
        if (isinstance(block, Prose) and _HEADING.match(block.text)) or isinstance(block, Row):
            break
        before_heading.append(block)
    if not any(_is_title(b) for b in before_heading):
        # the page prints the title above the report's body (an article title): take the last
        # short line that names a report before the content
        for _, block in reversed(blocks[:first_kept]):
            if _is_title(block):
                kept.insert(0, block)
                break
    left_out = len(blocks) - len(kept)
    described = f"<{_tag(content)}" + "".join(
        f' {name}="{content.get(name)}"' for name in ("id", "class") if content.get(name)
    )
    diagnostic = Diagnostic(
        code="page-content",
        message=f"read the report from {described}> on the page; the page around it (navigation, "
        f"header, footer: {left_out} blocks) left out",
        line=_source_line(content),
        severity="info",
    )
    return kept, [diagnostic]
