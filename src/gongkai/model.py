"""The report as typed data: frozen attrs classes, one per thing a report holds.

A :class:`Report` has its six :class:`Section` objects, its three tables as named fields
(``active`` = table 二, ``requests`` = table 三, ``appeals`` = table 四) and the
:class:`~gongkai._errors.Diagnostic` list.  A table holds named :class:`Row` objects, a row named
:class:`Figure` objects; every figure keeps the text it was read from and its source line.
Row and column names are the record keys of the variant (template.md §8), so
``report.requests["denied.state_secret"]["total"]`` is the figure behind the record key
``requests.denied.state_secret.total``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from decimal import Decimal
from functools import lru_cache
from typing import Literal, Protocol, overload

from attrs import field, frozen

from ._errors import Diagnostic

__all__ = [
    "Figure",
    "FigureKind",
    "LazyRows",
    "Paragraph",
    "Report",
    "Row",
    "Section",
    "Table",
    "TableCells",
    "TableShape",
    "Value",
    "table_shape",
]

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


class _Source(Protocol):
    """Where a cell was read from (the layout stage's ``Cell``): its text as printed, its line."""

    @property
    def raw(self) -> str: ...

    @property
    def line(self) -> int: ...


class TableShape:
    """Which rows a table has and their columns, in printed order: the flat order of its cells.

    Shared by every table with the same rows (:func:`table_shape` keeps one per layout), so the
    record keys and the index of each cell are worked out once, not once per report.
    """

    __slots__ = ("_full", "cell_rows", "index", "keys", "row_index", "rows", "starts")

    def __init__(self, rows: tuple[tuple[str, tuple[str, ...]], ...]) -> None:
        self.rows = rows
        keys: list[str] = []
        starts: list[int] = []
        cell_rows: list[int] = []
        for r, (key, columns) in enumerate(rows):
            starts.append(len(keys))
            keys.extend(f"{key}.{c}" for c in columns)
            cell_rows.extend(r for _ in columns)
        #: ``"row.column"`` of each cell
        self.keys: tuple[str, ...] = tuple(keys)
        #: where each row's cells start
        self.starts: tuple[int, ...] = tuple(starts)
        #: the row of each cell
        self.cell_rows: tuple[int, ...] = tuple(cell_rows)
        self.index: dict[str, int] = {k: i for i, k in enumerate(keys)}
        self.row_index: dict[str, int] = {key: i for i, (key, _) in enumerate(rows)}
        self._full: dict[str, tuple[str, ...]] = {}

    def record_keys(self, prefix: str) -> tuple[str, ...]:
        """The full record key of each cell (``prefix`` + ``row.column``)."""
        keys = self._full.get(prefix)
        if keys is None:
            keys = self._full[prefix] = tuple(prefix + k for k in self.keys)
        return keys


@lru_cache(maxsize=1024)
def table_shape(rows: tuple[tuple[str, tuple[str, ...]], ...]) -> TableShape:
    """The shape of a table with these ``(row key, columns)``, one object per distinct shape."""
    return TableShape(rows)


class TableCells:
    """A table's figures in flat form: one value per cell in :attr:`shape` order.

    This is what the checks and :func:`~gongkai.to_record` read: no :class:`Figure` object is
    built for them.  ``sources`` holds, per cell, where it was read from (an object with ``raw``
    and ``line``), a ready :class:`Figure`, or None for a cell the row does not have.
    """

    __slots__ = ("kinds", "row_labels", "row_lines", "shape", "sources", "values")

    def __init__(
        self,
        shape: TableShape,
        values: Sequence[Value],
        kinds: Sequence[FigureKind],
        sources: Sequence[_Source | Figure | None],
        row_lines: Sequence[int | None],
        row_labels: Sequence[str],
    ) -> None:
        self.shape = shape
        self.values = values
        self.kinds = kinds
        self.sources = sources
        self.row_lines = row_lines
        self.row_labels = row_labels

    @classmethod
    def from_rows(cls, rows: Sequence[Row]) -> TableCells:
        """The flat form of rows built one by one."""
        shape = table_shape(tuple((r.key, r.columns) for r in rows))
        figures = [f for r in rows for f in r.figures]
        return cls(
            shape,
            [f.value for f in figures],
            [f.kind for f in figures],
            figures,
            [r.line for r in rows],
            [r.label for r in rows],
        )

    def __len__(self) -> int:
        return len(self.values)

    def line(self, i: int) -> int | None:
        """The source line of cell ``i`` (its row's line when the cell has none of its own)."""
        src = self.sources[i]
        if src is not None and src.line is not None:
            return src.line
        return self.row_lines[self.shape.cell_rows[i]]

    def figure(self, i: int) -> Figure:
        """Cell ``i`` as a :class:`Figure`."""
        src = self.sources[i]
        if isinstance(src, Figure):
            return src
        column = self.shape.keys[i].rpartition(".")[2]
        if src is None:  # a cell the row lost to merged cells: blank, on the row's line
            return Figure(column, None, "", self.row_lines[self.shape.cell_rows[i]], "blank")
        return Figure(column, self.values[i], src.raw.strip(), src.line, self.kinds[i])

    def row(self, r: int) -> Row:
        """Row ``r`` as a :class:`Row`."""
        key, columns = self.shape.rows[r]
        start = self.shape.starts[r]
        figures = tuple(self.figure(i) for i in range(start, start + len(columns)))
        return Row(key, self.row_labels[r], self.row_lines[r], figures)


class LazyRows(Sequence[Row]):
    """A table's rows, each built from its :class:`TableCells` the first time it is asked for.

    Reading a report's figures through :func:`~gongkai.to_record` or :func:`~gongkai.check`
    never builds them; a :class:`Row` is built once and then kept.  Compares equal to the tuple
    of its rows.
    """

    __slots__ = ("_rows", "cells")

    def __init__(self, cells: TableCells) -> None:
        self.cells = cells
        self._rows: list[Row | None] = [None] * len(cells.shape.rows)

    def __len__(self) -> int:
        return len(self._rows)

    @overload
    def __getitem__(self, i: int) -> Row: ...

    @overload
    def __getitem__(self, i: slice) -> tuple[Row, ...]: ...

    def __getitem__(self, i: int | slice) -> Row | tuple[Row, ...]:
        if isinstance(i, slice):
            return tuple(self[j] for j in range(*i.indices(len(self._rows))))
        row = self._rows[i]
        if row is None:
            row = self._rows[i] = self.cells.row(range(len(self._rows))[i])
        return row

    def __iter__(self) -> Iterator[Row]:
        for i in range(len(self._rows)):
            yield self[i]

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (LazyRows, tuple, list)):
            return tuple(self) == tuple(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(tuple(self))

    def __repr__(self) -> str:
        return repr(tuple(self))


@frozen
class Table:
    """One of the report's tables: ``name`` is its record-key prefix without the dot.

    ``rows`` is a sequence of :class:`Row`; a parsed report's rows are built when first read
    (:class:`LazyRows`), while :attr:`cells` gives every figure's value without building them.
    """

    name: str
    title: str
    line: int | None
    rows: Sequence[Row]
    prefix: str = ""
    _cells: list[TableCells] = field(init=False, factory=list, repr=False, eq=False, hash=False)

    @property
    def cells(self) -> TableCells:
        """The table's figures in flat form (values in cell order, with their record keys)."""
        if isinstance(self.rows, LazyRows):
            return self.rows.cells
        if not self._cells:
            self._cells.append(TableCells.from_rows(tuple(self.rows)))
        return self._cells[0]

    def __getitem__(self, key: str) -> Row:
        row = self.get(key)
        if row is None:
            raise KeyError(key)
        return row

    def get(self, key: str) -> Row | None:
        """The row of ``key``, or None when the report does not print it."""
        i = self.cells.shape.row_index.get(key)
        return None if i is None else self.rows[i]

    def values(self) -> dict[str, Value]:
        """Every figure's value by its full record key, in printed order (no Figure is built)."""
        cells = self.cells
        return dict(zip(cells.shape.record_keys(self.prefix), cells.values, strict=True))

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
    def tables(self) -> Mapping[str, Table]:
        """The tables the report has, by name, in printed order."""
        return {t.name: t for t in (self.active, self.requests, self.appeals) if t is not None}

    def figures(self) -> Iterator[tuple[str, Figure]]:
        """Every figure of every table with its record key."""
        for t in self.tables.values():
            yield from t.figures()
