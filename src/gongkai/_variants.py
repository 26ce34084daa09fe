"""Editions and regional variants: a grammar file plus a data file, found by name.

A :class:`Variant` is loaded from a TOML data file that names its grammar (see
``grammars/base.toml`` for the format and ``docs/variants.md``).  A data file may ``extends``
another one: tables and rows it does not mention are inherited.  The data is validated when it
loads: an unknown key, a row that stands in no block, a section or check that names a table or
row the variant does not have are a :class:`~gongkai.VariantError`, never silently ignored.

gongkai's own variants live in ``gongkai.grammars``; other packages register theirs under the
``gongkai.variants`` entry-point group, pointing at a :class:`Variant` (or a callable returning
one), typically ``Variant.from_package("mypkg.grammars", "myvariant.toml")``.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping, Sequence
from functools import cache, cached_property
from importlib import metadata, resources
from typing import Any

from attrs import field, frozen

from ._errors import VariantError

__all__ = [
    "BUILTIN",
    "ENTRY_POINT_GROUP",
    "RowSpec",
    "TableSpec",
    "Variant",
    "detect_variant",
    "get_variant",
    "refresh",
    "register",
    "variants",
]

#: The data files of the variants shipped with gongkai, in ``gongkai.grammars``.
BUILTIN = ("base.toml", "edition2019.toml")
#: The entry-point group under which other packages register variants.
ENTRY_POINT_GROUP = "gongkai.variants"

# The keys a data file may use, level by level: anything else is a typo, and an error.
_TOP_KEYS = {"variant", "tables", "sections", "drop", "checks"}
_VARIANT_KEYS = {"name", "edition", "extends", "grammar", "description", "signature", "priority"}
_TABLE_KEYS = {
    "prefix",
    "title",
    "section",
    "pads",
    "columns",
    "header",
    "blocks",
    "rows",
    "labels",
    "label_columns",
    "column_labels",
}
_BLOCK_KEYS = {"caption", "header", "rows"}
_ROW_KEYS = {"row", "label", "columns", "money", "signed", "group", "after", "aliases"}
_SECTION_KEYS = {"titles"}


@frozen
class RowSpec:
    """What one row of a table means: its key, columns and canonical label.

    ``aliases`` are other labels real reports print for it (the other edition's label, common
    short forms): the model notes their use in an info diagnostic.
    """

    row: str
    label: str
    columns: tuple[str, ...]
    money: frozenset[str] = frozenset()
    signed: frozenset[str] = frozenset()
    group: str = ""
    aliases: tuple[str, ...] = ()


@frozen
class TableSpec:
    """One table of a variant: its name, record-key prefix, title, section, and its rows per
    grammar terminal in printed order (``rows``).  ``blocks`` (table 二) are captioned groups of
    rows with their own header; ``label_columns`` is how many columns its labels span;
    ``column_labels`` names a column as the template's header does (``natural_person`` → 自然人)."""

    name: str
    prefix: str
    title: str
    rows: Mapping[str, tuple[RowSpec, ...]]
    columns: tuple[str, ...] = ()
    header: tuple[tuple[str, ...], ...] = ()
    blocks: tuple[Mapping[str, Any], ...] = ()
    pads: str = "start"
    section: int = 0
    label_columns: int = 1
    column_labels: Mapping[str, str] = field(factory=dict)

    def column_label(self, column: str) -> str:
        """The column as the template's header names it, or its key when the data says nothing."""
        return self.column_labels.get(column, column)

    def row_specs(self) -> list[RowSpec]:
        """Every row of the table, in printed order."""
        return [spec for specs in self.rows.values() for spec in specs]

    def record_keys(self) -> list[str]:
        """Every figure's record key in this table, in printed order."""
        return [f"{self.prefix}{rs.row}.{c}" for rs in self.row_specs() for c in rs.columns]


@frozen(eq=False)  # one object per registered variant: identity is equality (and hashing)
class Variant:
    """A template edition or regional variant: grammar, data, and how to recognise it."""

    name: str
    description: str
    edition: str
    package: str
    grammar: str
    signature: re.Pattern[str] | None
    tables: tuple[TableSpec, ...]
    section_titles: tuple[str, ...]
    priority: int = 0
    data: Mapping[str, Any] = field(factory=dict, repr=False)

    @classmethod
    def from_package(cls, package: str, data_file: str) -> Variant:
        """Load a variant from a TOML data file inside an importable package.

        Raises :class:`~gongkai.VariantError` when the data is not valid.
        """
        where = f"{package}:{data_file}"
        data = _load_data(package, data_file, where)
        v = data.get("variant")
        if not isinstance(v, Mapping) or "name" not in v or "grammar" not in v:
            raise VariantError(f"{where}: [variant] needs a name and a grammar")
        tables = tuple(_table_spec(name, spec, where) for name, spec in data.get("tables", {}).items())
        titles = tuple(str(t) for t in data.get("sections", {}).get("titles", ()))
        for t in tables:
            if not 0 < t.section <= len(titles):
                raise VariantError(
                    f"{where}: table {t.name!r} stands in section {t.section}, "
                    f"which the variant's [sections] titles do not have"
                )
        sig = v.get("signature")
        try:
            signature = re.compile(str(sig)) if sig else None
        except re.error as e:
            raise VariantError(f"{where}: [variant] signature is not a regular expression: {e}") from None
        variant = cls(
            name=str(v["name"]),
            description=str(v.get("description", "")),
            edition=str(v.get("edition", v["name"])),
            package=package,
            grammar=str(v["grammar"]),
            signature=signature,
            tables=tables,
            section_titles=titles,
            priority=int(v.get("priority", 0)),
            data=data,
        )
        from ._check import validate_checks  # the checks own their data's meaning

        validate_checks(data, {t.name: t for t in tables}, source=where)
        return variant

    def table_in_section(self, number: int) -> TableSpec | None:
        """The first table that stands in section ``number``, if any."""
        for t in self.tables:
            if t.section == number:
                return t
        return None

    def tables_in_section(self, number: int) -> list[TableSpec]:
        """The tables that stand in section ``number``, in printed order."""
        return [t for t in self.tables if t.section == number]

    def table(self, name: str) -> TableSpec | None:
        """The table spec called ``name`` (``active``, ``requests``, ``appeals`` …)."""
        for t in self.tables:
            if t.name == name:
                return t
        return None

    def section_heading(self, number: int) -> str:
        """Section ``number``'s canonical heading, numeral and title (``三、收到和处理…``)."""
        numeral = _numeral(number)
        title = self.section_titles[number - 1] if 0 < number <= len(self.section_titles) else ""
        return f"{numeral}、{title}" if title else numeral

    def record_keys(self) -> list[str]:
        """Every figure's record key for this variant, in printed order."""
        return [key for t in self.tables for key in t.record_keys()]

    @cached_property
    def aliases(self) -> dict[str, str]:
        """Other labels real reports print for a row (``aliases`` in the data) → the row's own
        label, in the matching form of a label cell (worked out once per variant)."""
        from ._figures import cell_text

        return {
            cell_text(alias): cell_text(rs.label)
            for t in self.tables
            for rs in t.row_specs()
            for alias in rs.aliases
            if cell_text(alias) != cell_text(rs.label)
        }


def _numeral(number: int) -> str:
    digits = "一二三四五六七八九"
    if 0 < number < 10:
        return digits[number - 1]
    if 10 <= number < 20:
        return "十" + (digits[number - 11] if number > 10 else "")
    return str(number)


def _merge(base: dict[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    """``over`` on top of ``base``: tables merge key by key, anything else (a list) replaces."""
    out = dict(base)
    for k, v in over.items():
        if isinstance(v, Mapping) and isinstance(out.get(k), dict):
            out[k] = _merge(out[k], v)
        else:
            out[k] = v
    return out


def _unknown(keys: Any, allowed: set[str], where: str) -> None:
    extra = sorted(set(keys) - allowed)
    if extra:
        raise VariantError(f"{where}: unknown key {extra[0]!r} (known: {', '.join(sorted(allowed))})")


def _load_data(package: str, data_file: str, where: str) -> dict[str, Any]:
    try:
        text = resources.files(package).joinpath(data_file).read_text(encoding="utf-8")
    except (OSError, ModuleNotFoundError) as e:
        raise VariantError(f"{where}: cannot read the data file: {e}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise VariantError(f"{where}: not valid TOML: {e}") from None
    _unknown(data, _TOP_KEYS, where)
    _unknown(data.get("variant", {}), _VARIANT_KEYS, f"{where} [variant]")
    _unknown(data.get("sections", {}), _SECTION_KEYS, f"{where} [sections]")
    for tname, table in data.get("tables", {}).items():
        _unknown(table, _TABLE_KEYS, f"{where} [tables.{tname}]")
        for i, block in enumerate(table.get("blocks", ())):
            _unknown(block, _BLOCK_KEYS, f"{where} [tables.{tname}] block {i + 1}")
        for terminal, row in table.get("rows", {}).items():
            for r in row if isinstance(row, list) else [row]:
                _unknown(r, _ROW_KEYS, f"{where} [tables.{tname}.rows.{terminal}]")
    parent = data.get("variant", {}).get("extends")
    if parent:
        ppkg, _, pfile = str(parent).rpartition(":")
        ppkg = ppkg or "gongkai.grammars"
        data = _merge(_load_data(ppkg, pfile, f"{ppkg}:{pfile}"), data)
    # rows listed under "drop" are not in this variant
    for tname, names in data.get("drop", {}).items():
        table = data.get("tables", {}).get(tname)
        if table is None:
            raise VariantError(f"{where} [drop]: no table {tname!r}")
        for n in names:
            if n not in table.get("rows", {}):
                raise VariantError(f"{where} [drop]: table {tname!r} has no row {n!r}")
            del table["rows"][n]
            for block in table.get("blocks", ()):
                if n in block.get("rows", ()):
                    block["rows"] = [r for r in block["rows"] if r != n]
    return data


def _row_spec(d: Mapping[str, Any], default_columns: tuple[str, ...], where: str) -> RowSpec:
    if "row" not in d:
        raise VariantError(f"{where}: a row needs its record key (row = …)")
    columns = tuple(str(c) for c in d.get("columns", default_columns))
    if not columns:
        raise VariantError(f"{where}: row {d['row']!r} has no columns")
    for key in ("money", "signed"):
        for c in d.get(key, ()):
            if c not in columns:
                raise VariantError(f"{where}: {key} names column {c!r}, which row {d['row']!r} does not have")
    return RowSpec(
        row=str(d["row"]),
        label=str(d.get("label", d["row"])),
        columns=columns,
        money=frozenset(d.get("money", ())),
        signed=frozenset(d.get("signed", ())),
        group=str(d.get("group", "")),
        aliases=tuple(str(a) for a in d.get("aliases", ())),
    )


def _order(terminals: Sequence[str], rows: Mapping[str, Any]) -> list[str]:
    """``terminals`` with every row that says ``after = X`` moved to stand after X."""
    order = [t for t in terminals if not (isinstance(rows.get(t), Mapping) and rows[t].get("after"))]
    moving = [t for t in terminals if t not in order]
    while moving:
        placed = False
        for t in list(moving):
            after = rows[t]["after"]
            if after in order:
                order.insert(order.index(after) + 1, t)
                moving.remove(t)
                placed = True
        if not placed:
            raise ValueError(moving[0])
    return order


def _table_spec(name: str, spec: Mapping[str, Any], where: str) -> TableSpec:
    where = f"{where} [tables.{name}]"
    cols = tuple(str(c) for c in spec.get("columns", ()))
    rows_data: Mapping[str, Any] = spec.get("rows", {})
    blocks = [dict(b) for b in spec.get("blocks", ())]
    try:
        if blocks:
            # one row's order lives in one place: the blocks list it, a row added by a variant
            # says which row it follows (and joins that row's block)
            in_blocks = {str(t) for b in blocks for t in b.get("rows", ())}
            for t in in_blocks:
                if t not in rows_data:
                    raise VariantError(f"{where}: a block lists row {t!r}, which the table does not have")
            for t, d in rows_data.items():
                if t not in in_blocks and not (isinstance(d, Mapping) and d.get("after")):
                    raise VariantError(
                        f"{where}: row {t!r} stands in no block (list it in a block's rows, "
                        "or say which row it follows with after = …)"
                    )
            for t in in_blocks:
                if isinstance(rows_data[t], Mapping) and rows_data[t].get("after"):
                    raise VariantError(
                        f"{where}: row {t!r} is listed in a block and also says after = …: "
                        "a row's order is said in one place"
                    )
            for b in blocks:
                listed = [str(t) for t in b.get("rows", ())]
                b["rows"] = _order(
                    listed + [t for t in rows_data if t not in in_blocks and _follows(t, listed, rows_data)],
                    rows_data,
                )
            order = [t for b in blocks for t in b["rows"]]
        else:
            order = _order(list(rows_data), rows_data)
    except ValueError as e:
        raise VariantError(f"{where}: row {e.args[0]!r} follows a row the table does not have") from None
    rows: dict[str, tuple[RowSpec, ...]] = {}
    for terminal in order:
        d = rows_data[terminal]
        if isinstance(d, list):
            rows[terminal] = tuple(_row_spec(x, cols, f"{where} row {terminal}") for x in d)
        else:
            rows[terminal] = (_row_spec(d, cols, f"{where} row {terminal}"),)
    if not rows:
        raise VariantError(f"{where}: the table has no rows")
    default_labels = max((2 if rs.group else 1) for specs in rows.values() for rs in specs)
    known = set(cols) | {c for specs in rows.values() for rs in specs for c in rs.columns}
    labels = {str(k): str(v) for k, v in dict(spec.get("column_labels", {})).items()}
    for column in labels:
        if column not in known:
            raise VariantError(f"{where}: column_labels names {column!r}, which is no column of the table")
    return TableSpec(
        name=name,
        prefix=str(spec.get("prefix", name + ".")),
        title=str(spec.get("title", "")),
        rows=rows,
        columns=cols,
        header=tuple(tuple(str(c) for c in h) for h in spec.get("header", ())),
        blocks=tuple(blocks),
        pads=str(spec.get("pads", "start")),
        section=int(spec.get("section", 0)),
        label_columns=int(spec.get("label_columns", default_labels)),
        column_labels=labels,
    )


def _follows(terminal: str, listed: Sequence[str], rows: Mapping[str, Any]) -> bool:
    """Whether ``terminal`` follows (through a chain of ``after``) a row in ``listed``."""
    seen: set[str] = set()
    while terminal not in seen:
        seen.add(terminal)
        d = rows.get(terminal)
        after = d.get("after") if isinstance(d, Mapping) else None
        if after is None:
            return False
        if after in listed:
            return True
        terminal = str(after)
    return False


_registered: dict[str, Variant] = {}


def register(variant: Variant) -> None:
    """Make ``variant`` known to :func:`gongkai.parse` (replaces one of the same name)."""
    if not isinstance(variant, Variant):
        raise VariantError(f"register() takes a Variant, not {type(variant).__name__}")
    _registered[variant.name] = variant
    _all_variants.cache_clear()


def refresh() -> None:
    """Look for variants again (after installing a package that registers one)."""
    _all_variants.cache_clear()


@cache
def _all_variants() -> dict[str, Variant]:
    found: dict[str, Variant] = {}
    for data_file in BUILTIN:
        v = Variant.from_package("gongkai.grammars", data_file)
        found[v.name] = v
    for ep in metadata.entry_points(group=ENTRY_POINT_GROUP):
        obj = ep.load()
        v = obj() if callable(obj) and not isinstance(obj, Variant) else obj
        if not isinstance(v, Variant):
            raise VariantError(f"entry point {ep.name!r} ({ep.value}) gives no Variant")
        found[v.name] = v
    found.update(_registered)
    return found


def variants() -> dict[str, str]:
    """The registered variants: name → one-line description."""
    return {name: v.description for name, v in _all_variants().items()}


def get_variant(name: str) -> Variant:
    """The variant called ``name``; :class:`~gongkai.VariantError` naming the known ones if
    there is none."""
    found = _all_variants()
    try:
        return found[name]
    except KeyError:
        known = ", ".join(sorted(found))
        raise VariantError(f"unknown variant {name!r}; known variants: {known}") from None


def detect_variant(text: str, default: str = "2021") -> Variant:
    """The variant a canonical text belongs to, from its own labels (never its year).

    The variants are tried from the highest ``priority`` down (a regional variant before an
    edition before the base); the first whose signature occurs in the text wins.  With none,
    ``default``.
    """
    found = _all_variants()
    for v in sorted(found.values(), key=lambda v: -v.priority):
        if v.signature is not None and v.signature.search(text):
            return v
    return found.get(default) or next(iter(found.values()))
