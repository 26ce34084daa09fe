"""The report as typed data: frozen attrs classes, one per thing a report holds.

A :class:`Report` has its six :class:`Section` objects, its three tables as named fields
(``active`` = table 二, ``requests`` = table 三, ``appeals`` = table 四) and the
:class:`~gongkai.errors.Diagnostic` list.  A table holds named :class:`Row` objects, a row named
:class:`Figure` objects; every figure keeps the text it was read from and its source line.
Row and column names are the record keys of the variant (template.md §8), so
``report.requests["denied.state_secret"]["total"]`` is the figure behind the record key
``requests.denied.state_secret.total``.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Literal

from attrs import field, frozen

from .errors import Diagnostic

__all__ = ["Figure", "FigureKind", "Paragraph", "Report", "Row", "Section", "Table", "Value"]

FigureKind = Literal["number", "blank", "not_applicable", "unreadable"]
Value = int | Decimal | None


@frozen
class Figure:
    """One table cell.

    ``value`` is an ``int`` for counts, a ``Decimal`` for money (and for a count printed with
    decimals, which the checks report), ``None`` for a blank, a not-applicable mark or an
    unreadable cell; ``kind`` says which.  ``raw`` is the cell as printed, ``line`` its source
    line (``None`` for a cell the report does not have at all).
    """

    column: str
    value: Value
    raw: str = ""
    line: int | None = None
    kind: FigureKind = "blank"


@frozen
class Row:
    """A row of a table: its record key (``"denied.state_secret"``), label and figures."""

    key: str
    label: str
    line: int | None
    figures: tuple[Figure, ...]
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
class Table:
    """One of the report's tables: ``name`` is its record-key prefix without the dot."""

    name: str
    title: str
    line: int | None
    rows: tuple[Row, ...]
    prefix: str = ""
    _by_key: dict[str, Row] = field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "_by_key", {r.key: r for r in self.rows})

    def __getitem__(self, key: str) -> Row:
        return self._by_key[key]

    def get(self, key: str) -> Row | None:
        """The row of ``key``, or None when the report does not print it."""
        return self._by_key.get(key)

    def figures(self) -> Iterator[tuple[str, Figure]]:
        """Every figure with its full record key, in printed order."""
        for r in self.rows:
            for f in r.figures:
                yield f"{self.prefix}{r.key}.{f.column}", f


@frozen
class Paragraph:
    """A prose line of a section; ``item`` marks a sub-item heading such as （一）主动公开."""

    text: str
    line: int
    item: bool = False


@frozen
class Section:
    """One of the six sections (``number`` 1–6) with its heading as printed and its prose."""

    number: int
    title: str
    line: int
    paragraphs: tuple[Paragraph, ...] = ()

    @property
    def text(self) -> str:
        """The section's prose, one paragraph a line."""
        return "\n".join(p.text for p in self.paragraphs)

    @property
    def items(self) -> tuple[Paragraph, ...]:
        """The sub-item headings (（一）… （五）…)."""
        return tuple(p for p in self.paragraphs if p.item)


@frozen
class Report:
    """A parsed 政府信息公开工作年度报告."""

    title: str | None
    agency: str | None
    year: int | None
    edition: str
    layout: str
    sections: tuple[Section, ...]
    active: Table | None
    requests: Table | None
    appeals: Table | None
    diagnostics: tuple[Diagnostic, ...] = ()
    preamble: tuple[Paragraph, ...] = ()
    variant: str = field(default="")

    def section(self, number: int) -> Section | None:
        """Section ``number`` (1–6), or None when the report lacks it."""
        for s in self.sections:
            if s.number == number:
                return s
        return None

    @property
    def tables(self) -> tuple[Table, ...]:
        """The tables the report has, in printed order."""
        return tuple(t for t in (self.active, self.requests, self.appeals) if t is not None)

    def figures(self) -> Iterator[tuple[str, Figure]]:
        """Every figure of every table with its record key."""
        for t in self.tables:
            yield from t.figures()
