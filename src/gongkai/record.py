"""Output stage: the flat record of template.md §8 (:func:`to_record`) and JSON-ready dicts."""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from typing import Any

import attrs

from .model import LazyRows, Report
from .variants import Variant, get_variant

__all__ = ["to_dict", "to_record"]

RecordValue = int | Decimal | str | None


def to_record(report: Report) -> dict[str, RecordValue]:
    """The report as one flat dict: meta keys, then one key per figure of its edition.

    Counts are ``int``, money ``Decimal``, blank and not-applicable cells ``None``; keys of cells
    the report's edition does not have are absent; a row the report does not print gives None.
    """
    template = _template(get_variant(report.variant))
    if template is None:  # a variant with a figure keyed like a meta key: the figure wins
        record: dict[str, RecordValue] = {
            "agency": report.agency,
            "year": report.year,
            "edition": report.edition,
        }
        record.update(_blank_record(get_variant(report.variant)))
    else:  # the keys in place and in order already: setting them keeps that order
        record = template.copy()
        record["agency"] = report.agency
        record["year"] = report.year
        record["edition"] = report.edition
    for table in (report.active, report.requests, report.appeals):
        if table is not None:
            cells = table.cells
            # one value per record key, by construction of the table's cells
            record.update(zip(cells.shape.record_keys(table.prefix), cells.values, strict=False))
    return record


_META = ("agency", "year", "edition")


@cache
def _blank_record(variant: Variant) -> dict[str, None]:
    """Every record key of ``variant``, each None: the keys come in the edition's order."""
    return dict.fromkeys(variant.record_keys())


@cache
def _template(variant: Variant) -> dict[str, RecordValue] | None:
    """The meta keys, then every record key of ``variant``, each None (None on a clash)."""
    blank = _blank_record(variant)
    if any(key in blank for key in _META):
        return None
    return {**dict.fromkeys(_META), **blank}


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value


def to_dict(report: Report) -> dict[str, Any]:
    """The whole model as plain JSON-ready data (Decimal as str)."""
    data = attrs.asdict(
        report,
        recurse=True,
        filter=lambda a, _v: not a.name.startswith("_"),
        value_serializer=lambda _i, _a, v: tuple(v) if isinstance(v, LazyRows) else v,
    )
    return _jsonable(data)  # type: ignore[no-any-return]
