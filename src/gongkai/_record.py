"""Output stage: the flat record of template.md §8 (:func:`to_record`) and JSON-ready dicts."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import attrs

from ._document import Where
from ._model import Report
from ._variants import get_variant

__all__ = ["RecordValue", "to_dict", "to_record"]

RecordValue = int | Decimal | str | None

#: The meta keys, before the figures.  ``read_status``: ``read`` when every table was found
#: and fully read, else ``incomplete``; ``figures_read`` / ``figures_expected``: over all tables.
META = (
    "agency",
    "year",
    "edition",
    "reader",
    "layout",
    "read_status",
    "figures_read",
    "figures_expected",
    "gongkai_version",
)


def to_record(report: Report) -> dict[str, RecordValue]:
    """The report as one flat dict: meta keys, then one key per figure of its variant.

    Counts are ``int``, money ``Decimal``, blank and not-applicable cells ``None``; keys of cells
    the report's edition does not have are absent; a row the report does not print gives None.
    """
    from . import __version__

    variant = get_variant(report.variant or report.edition)
    coverages = [t.coverage for t in report.tables.values() if t.coverage is not None]
    expected = sum(len(t.record_keys()) for t in variant.tables)
    record: dict[str, RecordValue] = {
        "agency": report.agency,
        "year": report.year,
        "edition": report.edition,
        "reader": report.reader,
        "layout": report.layout,
        "read_status": report.read_status,
        "figures_read": sum(c.read for c in coverages),
        "figures_expected": expected,
        "gongkai_version": __version__,
    }
    figures: dict[str, RecordValue] = dict.fromkeys(variant.record_keys())
    for table in report.tables.values():
        for key, figure in table.figures():
            figures[key] = figure.value
    for key, value in figures.items():
        record.setdefault(key, value)  # a figure keyed like a meta key: the meta wins
    return record


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Where):
        return value.as_dict()
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value


def to_dict(report: Report) -> dict[str, Any]:
    """The whole model as plain JSON-ready data (Decimal as str, source locations as dicts)."""
    data = attrs.asdict(
        report,
        recurse=True,
        filter=lambda a, _v: not a.name.startswith("_"),
        value_serializer=lambda _i, _a, v: v.as_dict() if isinstance(v, Where) else v,
    )
    data["read_status"] = report.read_status
    return _jsonable(data)  # type: ignore[no-any-return]
