"""The report as typed data: frozen attrs classes, one per thing a report holds.

A :class:`Report` has its sections, its tables by name (:attr:`Report.tables`: ``active`` =
table 二, ``requests`` = table 三, ``appeals`` = table 四, and whatever tables a variant adds)
and its :class:`~gongkai.Diagnostic` list.  A table holds :class:`Row` objects, a row its
:class:`Figure` objects; every figure keeps the text it was read from and where it was read.
Row and column names are the record keys of the variant (template.md §8), so
``report.requests["denied.state_secret"]["total"]`` is the figure behind the record key
``requests.denied.state_secret.total``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from attrs import field, frozen

from ._document import Where
from ._errors import Diagnostic
from ._figures import FigureKind, Value

__all__ = ["Coverage", "Figure", "FigureKind", "Paragraph", "Report", "Row", "Section", "Table", "Value"]


@frozen
class Figure:
    """One table cell.

    ``value`` is an ``int`` for counts, a ``Decimal`` for money (and for a count printed with
    decimals, which the checks report), ``None`` for a blank, a not-applicable mark or an
    unreadable cell; ``kind`` says which.  ``raw`` is the cell as printed; ``line`` its source
    line and ``where`` its full source location (page, table, row, cell for documents); both
    None for a cell the report does not have.  ``doubtful`` marks a figure whose column the
    text left open (see the row's ``ambiguous-columns`` diagnostic).
    """

    column: str
    value: Value
    raw: str = ""
    line: int | None = None
    kind: FigureKind = "blank"
    where: Where | None = field(default=None, eq=False, repr=False)
    doubtful: bool = False

    def __repr__(self) -> str:
        flag = ", doubtful" if self.doubtful else ""
        return f"Figure({self.column}={self.value!r}, {self.kind}, raw={self.raw!r}{flag})"


@frozen
class Row:
    """A row of a table: its record key (``"denied.state_secret"``), label and figures."""

    key: str
    label: str
    line: int | None
    figures: tuple[Figure, ...]
    where: Where | None = field(default=None, eq=False, repr=False)
    _by_column: dict[str, Figure] = field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "_by_column", {f.column: f for f in self.figures})

    def __getitem__(self, column: str) -> Figure:
        return self._by_column[column]

    def get(self, column: str) -> Figure | None:
        """The figure of ``column``, or None."""
        return self._by_column.get(column)

    @property
    def columns(self) -> tuple[str, ...]:
        """Column keys in printed order."""
        return tuple(f.column for f in self.figures)


@frozen
class Coverage:
    """How much of a table was read: of its ``expected`` figures (the template's cells), how
    many were ``read`` from the document — a number, a blank or a mark with a source."""

    expected: int
    read: int

    @property
    def complete(self) -> bool:
        """Every figure of the template was read."""
        return self.read >= self.expected


@frozen
class Table:
    """One of the report's tables: ``name`` is its table name (``requests``), ``prefix`` the
    record-key prefix of its figures (``requests.``)."""

    name: str
    title: str
    line: int | None
    rows: tuple[Row, ...]
    prefix: str = ""
    coverage: Coverage | None = None
    where: Where | None = field(default=None, eq=False, repr=False)
    _by_key: dict[str, Row] = field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "_by_key", {r.key: r for r in self.rows})

    def __getitem__(self, key: str) -> Row:
        return self._by_key[key]

    def get(self, key: str) -> Row | None:
        """The row of ``key``, or None when the report does not print it."""
        return self._by_key.get(key)

    def values(self) -> dict[str, Value]:
        """Every figure's value by its full record key, in printed order."""
        return {key: f.value for key, f in self.figures()}

    def figures(self) -> Iterator[tuple[str, Figure]]:
        """Every figure with its full record key, in printed order."""
        for r in self.rows:
            for f in r.figures:
                yield f"{self.prefix}{r.key}.{f.column}", f

    def __repr__(self) -> str:
        read = f", read {self.coverage.read}/{self.coverage.expected}" if self.coverage else ""
        return f"<Table {self.name} ({self.title}): {len(self.rows)} rows{read}>"

    def _repr_html_(self) -> str:
        head = "".join(
            f"<th>{c}</th>" for c in ("row", *dict.fromkeys(c for r in self.rows for c in r.columns))
        )
        body = "".join(
            "<tr><td>"
            + r.label
            + "</td>"
            + "".join(f"<td>{'' if f.value is None else f.value}</td>" for f in r.figures)
            + "</tr>"
            for r in self.rows
        )
        return f"<table><caption>{self.title}</caption><tr>{head}</tr>{body}</table>"


@frozen
class Paragraph:
    """A prose line of a section; ``item`` marks a sub-item heading such as （一）主动公开."""

    text: str
    line: int | None
    item: bool = False
    where: Where | None = field(default=None, eq=False, repr=False)


@frozen
class Section:
    """A section (``number`` 1–6 in the national template) with its heading as printed and
    its prose."""

    number: int
    title: str
    line: int | None
    paragraphs: tuple[Paragraph, ...] = ()

    @property
    def text(self) -> str:
        """The section's prose, one paragraph a line."""
        return "\n".join(p.text for p in self.paragraphs)

    @property
    def items(self) -> tuple[Paragraph, ...]:
        """The sub-item headings (（一）… （五）…)."""
        return tuple(p for p in self.paragraphs if p.item)


@frozen(repr=False)
class Report:
    """A parsed 政府信息公开工作年度报告.

    ``reader`` says what read the source (``text``, ``html``, ``docx``, ``pdf``), ``layout`` the
    text layouts seen; ``tables`` maps each table's name to it, in printed order.
    """

    title: str | None
    agency: str | None
    year: int | None
    edition: str
    layout: str
    sections: tuple[Section, ...]
    tables: Mapping[str, Table] = field(factory=dict)
    diagnostics: tuple[Diagnostic, ...] = ()
    preamble: tuple[Paragraph, ...] = ()
    variant: str = ""
    reader: str = "text"

    @property
    def active(self) -> Table | None:
        """Table 二 (主动公开政府信息情况), or None."""
        return self.tables.get("active")

    @property
    def requests(self) -> Table | None:
        """Table 三 (收到和处理政府信息公开申请情况), or None."""
        return self.tables.get("requests")

    @property
    def appeals(self) -> Table | None:
        """Table 四 (行政复议、行政诉讼情况), or None."""
        return self.tables.get("appeals")

    def section(self, number: int) -> Section | None:
        """Section ``number``, or None when the report lacks it."""
        for s in self.sections:
            if s.number == number:
                return s
        return None

    def figures(self) -> Iterator[tuple[str, Figure]]:
        """Every figure of every table with its record key."""
        for t in self.tables.values():
            yield from t.figures()

    @property
    def read_status(self) -> str:
        """``"read"`` when every table of the template was found and fully read, else
        ``"incomplete"`` (a table missing or not fully read, or an error diagnostic)."""
        if any(d.severity == "error" for d in self.diagnostics):
            return "incomplete"
        if any(d.code in ("missing-table",) for d in self.diagnostics):
            return "incomplete"
        if any(t.coverage is not None and not t.coverage.complete for t in self.tables.values()):
            return "incomplete"
        return "read"

    def __repr__(self) -> str:
        tables = ", ".join(
            f"{name} {t.coverage.read}/{t.coverage.expected}" if t.coverage else name
            for name, t in self.tables.items()
        )
        counts: dict[str, int] = {}
        for d in self.diagnostics:
            counts[d.severity] = counts.get(d.severity, 0) + 1
        diags = ", ".join(f"{n} {s}" for s, n in counts.items()) or "no diagnostics"
        return (
            f"<Report {self.agency or '?'} {self.year or '?'} (edition {self.edition}, {self.reader}"
            f"{'/' + self.layout if self.layout else ''}): tables [{tables}]; {diags}>"
        )

    def _repr_html_(self) -> str:
        parts = [
            f"<h3>{self.title or ''}</h3><p>{self!r}</p>".replace("<Report", "&lt;Report").replace(
                ">;", "&gt;;"
            )
        ]
        parts.extend(t._repr_html_() for t in self.tables.values())
        return "".join(parts)
