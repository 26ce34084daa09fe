"""Many reports as one typed table: rows, Arrow/pandas, and streaming writers.

*Wide* form: one row per file — the provenance columns (:data:`PROVENANCE`), then one column
per record key.  *Long* form: one row per figure with its raw text, kind and source location.
Counts are 64-bit integers with nulls (pandas ``Int64``), money ``decimal128(38, 6)`` (万元 to
six places: amounts with more decimals are rounded half-even to six), text is text.  A count
printed with decimals (which :func:`gongkai.check` reports) has no integer: it is null in the
wide form and kept in the long form's ``raw``.

The wide columns are fixed before the first row, so a table streams: by default the record keys
of every edition gongkai knows (2021's, then those only 2019 has), or of the ``variants`` given;
with ``panel=True`` the 2019 keys renamed in 2021 go under their 2021 names
(:func:`gongkai.crosswalk`).

Writers (:func:`open_writer`): JSON Lines and CSV row by row (money as a decimal string),
Parquet in row groups (pyarrow), Excel (openpyxl, write-only: a figures sheet and a findings
sheet, broken cells highlighted).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from importlib import import_module
from pathlib import Path
from typing import IO, Any, Literal, TypeVar

from attrs import frozen

from ._check import Finding
from ._corpus import Result
from ._errors import GongkaiError
from ._model import Report
from ._record import to_record
from ._variants import Variant, get_variant, variants

__all__ = [
    "FINDING_COLUMNS",
    "LONG_COLUMNS",
    "PROVENANCE",
    "VERDICT_COLUMNS",
    "Column",
    "finding_rows",
    "long_rows",
    "open_writer",
    "row_values",
    "schema",
    "to_arrow",
    "to_dataframe",
    "wide_columns",
    "wide_rows",
]

T = TypeVar("T")
ColumnType = Literal["string", "int", "count", "money", "bool", "strings", "ints"]
FORMATS = ("jsonl", "csv", "parquet", "xlsx")
_MONEY_PLACES = Decimal("0.000001")
_INT64 = 2**63


@frozen
class Column:
    """A column of a table: its name and type (``count``/``int``: int64 with nulls; ``money``:
    decimal128(38, 6); ``string``; ``bool``; ``strings`` / ``ints``: lists)."""

    name: str
    type: ColumnType


#: The wide form's columns before the record keys.
PROVENANCE: tuple[Column, ...] = (
    Column("file", "string"),
    Column("error", "string"),
    Column("agency", "string"),
    Column("year", "int"),
    Column("edition", "string"),
    Column("format", "string"),
    Column("reader", "string"),
    Column("layout", "string"),
    Column("read_status", "string"),
    Column("figures_read", "int"),
    Column("figures_expected", "int"),
    Column("diagnostics_error", "int"),
    Column("diagnostics_warning", "int"),
    Column("diagnostics_info", "int"),
    Column("gongkai_version", "string"),
)

#: The long form's columns: one row per figure (a file that failed: one row with its error).
LONG_COLUMNS: tuple[Column, ...] = (
    Column("file", "string"),
    Column("error", "string"),
    Column("agency", "string"),
    Column("year", "int"),
    Column("edition", "string"),
    Column("key", "string"),
    Column("table", "string"),
    Column("row", "string"),
    Column("column", "string"),
    Column("label", "string"),
    Column("value", "money"),
    Column("money", "bool"),
    Column("raw", "string"),
    Column("kind", "string"),
    Column("doubtful", "bool"),
    Column("line", "int"),
    Column("end_line", "int"),
    Column("page", "int"),
    Column("source_table", "int"),
    Column("source_row", "int"),
    Column("source_cell", "int"),
    Column("paragraph", "int"),
)

#: The findings table of ``gongkai check``: one row per finding.
FINDING_COLUMNS: tuple[Column, ...] = (
    Column("file", "string"),
    Column("agency", "string"),
    Column("year", "int"),
    Column("rule", "string"),
    Column("severity", "string"),
    Column("cell", "string"),
    Column("line", "int"),
    Column("message", "string"),
    Column("message_en", "string"),
    Column("expected", "money"),
    Column("actual", "money"),
    Column("cells", "strings"),
    Column("lines", "ints"),
    Column("blank", "strings"),
    Column("previous", "string"),
)

#: The verdict table of ``gongkai check``: one row per file.
VERDICT_COLUMNS: tuple[Column, ...] = (
    Column("file", "string"),
    Column("agency", "string"),
    Column("year", "int"),
    Column("edition", "string"),
    Column("format", "string"),
    Column("read_status", "string"),
    Column("error", "string"),
    Column("errors", "int"),
    Column("warnings", "int"),
    Column("infos", "int"),
    Column("broken_rules", "strings"),
    Column("previous", "string"),
    Column("pairing", "string"),
)


# ---------------------------------------------------------------------------------------------
# Rows


def _results(items: Iterable[Result | Report]) -> Iterator[Result]:
    for item in items:
        if isinstance(item, Report):
            yield Result("", item, None, item.reader)
        elif isinstance(item, Result):
            yield item
        else:
            raise GongkaiError(f"expected gongkai Results or Reports, got {type(item).__name__}")


def _variant_list(names: Sequence[str] | None) -> list[Variant]:
    return [get_variant(n) for n in (names if names is not None else list(variants()))]


def wide_columns(variants: Sequence[str] | None = None, *, panel: bool = False) -> list[Column]:
    """The wide form's columns: :data:`PROVENANCE`, then the record keys of ``variants``
    (default: every known variant, in the order :func:`gongkai.variants` lists them).

    A key is ``money`` when any of the variants marks it so, else ``count``.  With ``panel``,
    2019 keys that 2021 renamed go under their 2021 names.
    """
    from ._crosswalk import crosswalk

    vs = _variant_list(variants)
    walk = crosswalk("2019", "2021") if panel else None
    keys: dict[str, ColumnType] = {}
    for v in vs:
        for t in v.tables:
            for rs in t.row_specs():
                for c in rs.columns:
                    key = f"{t.prefix}{rs.row}.{c}"
                    if walk is not None and v.edition == walk.old:
                        key = walk.key(key)
                    if c in rs.money or keys.get(key) == "money":
                        keys[key] = "money"
                    else:
                        keys.setdefault(key, "count")
    taken = {c.name for c in PROVENANCE}
    return [*PROVENANCE, *(Column(k, t) for k, t in keys.items() if k not in taken)]


def _count(value: Any) -> int | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, Decimal):
        if not value.is_finite() or value != value.to_integral_value():
            return None  # a count printed with decimals: no integer (the long form has it)
        value = int(value)
    if isinstance(value, int) and -_INT64 <= value < _INT64:
        return value
    return None


def _money(value: Any) -> Decimal | None:
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return None
    try:
        d = Decimal(value).quantize(_MONEY_PLACES, rounding=ROUND_HALF_EVEN)
    except (InvalidOperation, TypeError, ValueError):
        return None
    return d if d.adjusted() < 32 else None  # 38 digits, 6 after the point


def _typed(value: Any, type_: ColumnType) -> Any:
    if type_ in ("count", "int"):
        return _count(value)
    if type_ == "money":
        return _money(value)
    if type_ == "string":
        return None if value is None else str(value)
    return value


def wide_rows(
    results: Iterable[Result | Report],
    *,
    variants: Sequence[str] | None = None,
    panel: bool = False,
    columns: Sequence[Column] | None = None,
) -> Iterator[dict[str, Any]]:
    """One dict per result, keyed by :func:`wide_columns` (every column present, typed:
    ``int``, ``Decimal``, ``str`` or None)."""
    from ._crosswalk import crosswalk

    cols = list(columns) if columns is not None else wide_columns(variants, panel=panel)
    walk = crosswalk("2019", "2021") if panel else None
    for r in _results(results):
        row: dict[str, Any] = dict.fromkeys(c.name for c in cols)
        row["file"] = r.path or None
        row["error"] = r.error
        row["format"] = r.format
        if r.report is not None:
            record: Mapping[str, Any] = to_record(r.report)
            if walk is not None and r.report.edition == walk.old:
                record = walk.to_new(record)
            for d in r.report.diagnostics:
                name = f"diagnostics_{d.severity}"
                row[name] = (row[name] or 0) + 1
            for name in ("diagnostics_error", "diagnostics_warning", "diagnostics_info"):
                row[name] = row[name] or 0
            for c in cols:
                if c.name in record:
                    row[c.name] = _typed(record[c.name], c.type)
        yield row


def long_rows(results: Iterable[Result | Report], *, panel: bool = False) -> Iterator[dict[str, Any]]:
    """One dict per figure (:data:`LONG_COLUMNS`); a file that failed is one row with its
    ``error``."""
    from ._crosswalk import crosswalk

    walk = crosswalk("2019", "2021") if panel else None
    names = [c.name for c in LONG_COLUMNS]
    for r in _results(results):
        base: dict[str, Any] = dict.fromkeys(names)
        base["file"] = r.path or None
        if r.report is None:
            base["error"] = r.error
            yield base
            continue
        rep = r.report
        base.update(agency=rep.agency, year=rep.year, edition=rep.edition)
        for table in rep.tables.values():
            money = _money_columns(rep, table.name)
            for row in table.rows:
                for f in row.figures:
                    key = f"{table.prefix}{row.key}.{f.column}"
                    out = dict(base)
                    out.update(
                        key=walk.key(key) if walk is not None and rep.edition == walk.old else key,
                        table=table.name,
                        row=row.key,
                        column=f.column,
                        label=row.label,
                        value=_money(f.value),
                        money=(row.key, f.column) in money,
                        raw=f.raw,
                        kind=f.kind,
                        doubtful=f.doubtful,
                        line=f.line,
                    )
                    w = f.where
                    if w is not None:
                        out.update(
                            line=w.line if w.line is not None else f.line,
                            end_line=w.end_line,
                            page=w.page,
                            source_table=w.table,
                            source_row=w.row,
                            source_cell=w.cell,
                            paragraph=w.paragraph,
                        )
                    yield out


def _money_columns(report: Report, table: str) -> set[tuple[str, str]]:
    try:
        spec = get_variant(report.variant or report.edition).table(table)
    except GongkaiError:
        return set()
    return set() if spec is None else {(rs.row, c) for rs in spec.row_specs() for c in rs.money}


def finding_rows(
    path: str, report: Report | None, findings: Iterable[Finding], previous: str | None = None
) -> Iterator[dict[str, Any]]:
    """One dict per finding (:data:`FINDING_COLUMNS`)."""
    for f in findings:
        yield {
            "file": path or None,
            "agency": report.agency if report else None,
            "year": report.year if report else None,
            "rule": f.rule,
            "severity": f.severity,
            "cell": f.cell,
            "line": f.line,
            "message": f.message,
            "message_en": f.message_en,
            "expected": _money(f.expected),
            "actual": _money(f.actual),
            "cells": list(f.cells),
            "lines": list(f.lines),
            "blank": list(f.blank),
            "previous": previous if f.rule in ("X1", "X2") else None,
        }


# ---------------------------------------------------------------------------------------------
# Arrow and pandas


def _pa(module: str = "pyarrow") -> Any:
    # imported by name: pyarrow is an optional extra and ships no type information
    try:
        return import_module(module)
    except ImportError:
        raise GongkaiError("Arrow and Parquet output need pyarrow: pip install 'gongkai[parquet]'") from None


def _arrow_type(type_: ColumnType) -> Any:
    pa = _pa()
    return {
        "string": pa.string(),
        "int": pa.int64(),
        "count": pa.int64(),
        "money": pa.decimal128(38, 6),
        "bool": pa.bool_(),
        "strings": pa.list_(pa.string()),
        "ints": pa.list_(pa.int64()),
    }[type_]


def arrow_schema(columns: Sequence[Column]) -> Any:
    """The Arrow schema of ``columns`` (every field nullable)."""
    pa = _pa()
    return pa.schema([pa.field(c.name, _arrow_type(c.type)) for c in columns])


def schema(edition: str | None = None, *, long: bool = False, panel: bool = False) -> Any:
    """The Arrow schema of the table :func:`to_arrow` makes: for one edition or variant's
    record keys, or (``edition=None``) every known variant's; ``long=True`` for the long form."""
    if long:
        return arrow_schema(LONG_COLUMNS)
    return arrow_schema(wide_columns(None if edition is None else [edition], panel=panel))


def to_arrow(
    results: Iterable[Result | Report],
    *,
    long: bool = False,
    variants: Sequence[str] | None = None,
    panel: bool = False,
) -> Any:
    """Results of :func:`gongkai.read_many` (or reports) as one typed ``pyarrow.Table``.

    Wide by default (one row per file: provenance, then record keys); ``long=True``: one row
    per figure.  Counts are ``int64`` with nulls, money ``decimal128(38, 6)``.  Needs pyarrow
    (``gongkai[parquet]``).
    """
    cols = list(LONG_COLUMNS) if long else wide_columns(variants, panel=panel)
    sch = arrow_schema(cols)
    rows = long_rows(results, panel=panel) if long else wide_rows(results, columns=cols, panel=panel)
    values = (row_values(cols, r) for r in rows)
    batches = [_record_batch(sch, chunk) for chunk in _chunks(values, 4096)]
    return _pa().Table.from_batches(batches, schema=sch)


def row_values(columns: Sequence[Column], row: Mapping[str, Any]) -> tuple[Any, ...]:
    """A row as its values in the order of ``columns`` (a column not in ``row`` is None): the
    compact form a worker process sends back and :meth:`TableWriter.write_values` writes."""
    return tuple(row.get(c.name) for c in columns)


def _record_batch(schema: Any, rows: Sequence[Sequence[Any]]) -> Any:
    """Rows of values (in the schema's order) as one Arrow record batch, built column by
    column (``RecordBatch.from_pylist`` is some 50 times slower on wide rows of mostly nulls)."""
    pa = _pa()
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in schema]
    arrays = [pa.array(col, type=field.type) for col, field in zip(columns, schema, strict=True)]
    return pa.RecordBatch.from_arrays(arrays, schema=schema)


def _pandas_type(pa_type: Any) -> Any:
    pd = import_module("pandas")
    pa = _pa()
    if pa.types.is_integer(pa_type):
        return pd.Int64Dtype()
    if pa.types.is_boolean(pa_type):
        return pd.BooleanDtype()
    if pa.types.is_decimal(pa_type):
        return pd.ArrowDtype(pa_type)
    if pa.types.is_string(pa_type):
        return pd.StringDtype()
    return None


def to_dataframe(
    results: Iterable[Result | Report],
    *,
    long: bool = False,
    variants: Sequence[str] | None = None,
    panel: bool = False,
) -> Any:
    """Like :func:`to_arrow`, as a pandas DataFrame: counts ``Int64`` (nullable), money
    ``decimal128(38, 6)[pyarrow]``, text ``string``.  Needs pandas and pyarrow
    (``gongkai[pandas]``)."""
    try:
        import_module("pandas")
    except ImportError:
        raise GongkaiError("DataFrames need pandas: pip install 'gongkai[pandas]'") from None
    table = to_arrow(results, long=long, variants=variants, panel=panel)
    return table.to_pandas(types_mapper=_pandas_type)


def _chunks(rows: Iterable[T], size: int) -> Iterator[list[T]]:
    chunk: list[T] = []
    for r in rows:
        chunk.append(r)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


# ---------------------------------------------------------------------------------------------
# Writers


def format_of(path: str, to: str | None = None) -> str:
    """The table format for ``path``: ``to`` when given, else from the suffix (``.csv``,
    ``.parquet``/``.pq``, ``.xlsx``; anything else JSON Lines)."""
    if to is not None:
        if to not in FORMATS:
            raise GongkaiError(f"unknown table format {to!r} (known: {', '.join(FORMATS)})")
        return to
    suffix = Path(path).suffix.lower()
    return {".csv": "csv", ".parquet": "parquet", ".pq": "parquet", ".xlsx": "xlsx"}.get(suffix, "jsonl")


def _text(value: Any) -> Any:
    """A value for JSON: Decimal as its decimal string (never a float)."""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return value


def _plain(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join("" if v is None else str(_text(v)) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(_text(value))


class TableWriter:
    """Writes rows of fixed columns to one file; :meth:`close` (or ``with``) finishes it."""

    def __init__(self, columns: Sequence[Column]) -> None:
        self.columns = list(columns)
        self.rows = 0

    def write(self, row: Mapping[str, Any], marks: Mapping[str, str] | None = None) -> None:
        """Write one row (by column name; a column not in ``row`` is empty); ``marks``
        (column → severity) highlights cells where the format can."""
        self.write_values([row.get(c.name) for c in self.columns], marks)

    def write_values(self, values: Sequence[Any], marks: Mapping[str, str] | None = None) -> None:
        """Write one row given as its values in column order (as :func:`row_values` makes)."""
        self.rows += 1
        self._write(values, marks or {})

    def _write(self, values: Sequence[Any], marks: Mapping[str, str]) -> None:
        raise NotImplementedError

    def close(self) -> None:
        """Finish the file."""

    def __enter__(self) -> TableWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _JsonLines(TableWriter):
    def __init__(self, fh: IO[str], columns: Sequence[Column]) -> None:
        super().__init__(columns)
        self.fh = fh

    def _write(self, values: Sequence[Any], marks: Mapping[str, str]) -> None:
        out = {
            c.name: [_text(x) for x in v] if isinstance(v, list) else _text(v)
            for c, v in zip(self.columns, values, strict=True)
        }
        self.fh.write(json.dumps(out, ensure_ascii=False) + "\n")

    def close(self) -> None:
        self.fh.close()


class _Csv(TableWriter):
    def __init__(self, fh: IO[str], columns: Sequence[Column]) -> None:
        super().__init__(columns)
        self.fh = fh
        self.writer = csv.writer(fh)
        self.writer.writerow([c.name for c in self.columns])

    def _write(self, values: Sequence[Any], marks: Mapping[str, str]) -> None:
        self.writer.writerow([_plain(v) for v in values])

    def close(self) -> None:
        self.fh.close()


class _Parquet(TableWriter):
    def __init__(self, path: str, columns: Sequence[Column], row_group: int) -> None:
        super().__init__(columns)
        pa = _pa()
        pq = _pa("pyarrow.parquet")
        self.schema = arrow_schema(columns)
        self.pa = pa
        self.writer = pq.ParquetWriter(path, self.schema)
        self.row_group = row_group
        self.buffer: list[Sequence[Any]] = []

    def _write(self, values: Sequence[Any], marks: Mapping[str, str]) -> None:
        self.buffer.append(values)
        if len(self.buffer) >= self.row_group:
            self._flush()

    def _flush(self) -> None:
        if self.buffer:
            self.writer.write_batch(_record_batch(self.schema, self.buffer))
            self.buffer = []

    def close(self) -> None:
        self._flush()
        self.writer.close()


_FILLS = {"error": "FFC7CE", "warning": "FFEB9C", "info": "DDEBF7"}


class ExcelBook:
    """An .xlsx workbook written as it goes (openpyxl's write-only mode), one :meth:`sheet`
    per table; cells given ``marks`` are filled (error red, warning yellow)."""

    def __init__(self, path: str) -> None:
        try:
            openpyxl = import_module("openpyxl")
        except ImportError:
            raise GongkaiError("Excel output needs openpyxl: pip install 'gongkai[excel]'") from None
        self.path = path
        self.book = openpyxl.Workbook(write_only=True)
        self.sheets: list[_Sheet] = []

    def sheet(self, title: str, columns: Sequence[Column]) -> TableWriter:
        """A new sheet with ``columns`` as its header row."""
        s = _Sheet(self, title, columns)
        self.sheets.append(s)
        return s

    def close(self) -> None:
        """Save the workbook."""
        self.book.save(self.path)


class _Sheet(TableWriter):
    def __init__(self, book: ExcelBook, title: str, columns: Sequence[Column]) -> None:
        super().__init__(columns)
        styles = import_module("openpyxl.styles")
        write_only_cell = import_module("openpyxl.cell").WriteOnlyCell
        self.book = book
        self.ws = book.book.create_sheet(title)
        self.ws.freeze_panes = "B2"
        self.fills = {k: styles.PatternFill("solid", start_color=v, end_color=v) for k, v in _FILLS.items()}
        self.cell = write_only_cell
        header = []
        for c in self.columns:
            cell = write_only_cell(self.ws, value=c.name)
            cell.font = styles.Font(bold=True)
            header.append(cell)
        self.ws.append(header)

    def _write(self, values: Sequence[Any], marks: Mapping[str, str]) -> None:
        out: list[Any] = []
        for c, value in zip(self.columns, values, strict=True):
            if isinstance(value, list):
                value = _plain(value)
            elif isinstance(value, str) and value.startswith("="):
                value = "'" + value  # text, never a formula
            if c.name in marks and marks[c.name] in self.fills:
                cell = self.cell(self.ws, value=value)
                cell.fill = self.fills[marks[c.name]]
                out.append(cell)
            else:
                out.append(value)
        self.ws.append(out)


class _Closing(TableWriter):
    """A sheet writer that also saves its workbook when closed."""

    def __init__(self, inner: TableWriter, book: ExcelBook, extra: TableWriter | None) -> None:
        super().__init__(inner.columns)
        self.inner, self.book, self.extra = inner, book, extra

    def _write(self, values: Sequence[Any], marks: Mapping[str, str]) -> None:
        self.inner.write_values(values, marks)

    def close(self) -> None:
        self.book.close()


def open_writer(
    path: str,
    columns: Sequence[Column],
    *,
    to: str | None = None,
    sheet: str = "figures",
    findings: bool = False,
    row_group: int = 1000,
) -> tuple[TableWriter, TableWriter | None]:
    """A writer of ``columns`` to ``path`` (format from ``to`` or the suffix) and, for Excel
    with ``findings=True``, a writer for its findings sheet (else None).

    Parquet is written in row groups of ``row_group`` rows; the others row by row.
    """
    kind = format_of(path, to)
    if kind == "parquet":
        return _Parquet(path, columns, row_group), None
    if kind == "xlsx":
        book = ExcelBook(path)
        main = book.sheet(sheet, columns)
        extra = book.sheet("findings", FINDING_COLUMNS) if findings else None
        return _Closing(main, book, extra), extra
    fh = open(path, "w", encoding="utf-8", newline="")  # noqa: SIM115 - closed by the writer
    return (_Csv(fh, columns) if kind == "csv" else _JsonLines(fh, columns)), None


def write_rows(writer: TableWriter, rows: Iterable[Mapping[str, Any]]) -> int:
    """Write every row; the number written."""
    n = 0
    for r in rows:
        writer.write(r)
        n += 1
    return n
