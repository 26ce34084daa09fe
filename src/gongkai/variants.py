"""Editions and regional variants: a grammar file plus a small data table, found by name.

A :class:`Variant` is loaded from a TOML data file that names its grammar (see
``grammars/base.toml`` for the format).  A data file may ``extends`` another one: tables and rows
it does not mention are inherited, and rows whose terminals its grammar no longer uses drop out.

gongkai's own variants live in ``gongkai.grammars``; other packages register theirs under the
``gongkai.variants`` entry-point group, pointing at a :class:`Variant` (or a callable returning
one), typically ``Variant.from_package("mypkg.grammars", "myvariant.toml")``.
"""

from __future__ import annotations

import importlib
import re
import tomllib
from collections.abc import Mapping
from functools import cache
from importlib import metadata, resources
from typing import Any

from attrs import field, frozen

__all__ = [
    "BUILTIN",
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
# the regular-expression parser of the standard library, to find the literals a signature needs
_sre: Any = importlib.import_module("re._parser")
ENTRY_POINT_GROUP = "gongkai.variants"


@frozen
class RowSpec:
    """What one row of a table means: its key, columns and canonical label."""

    row: str
    label: str
    columns: tuple[str, ...]
    money: frozenset[str] = frozenset()
    signed: frozenset[str] = frozenset()
    group: str = ""


@frozen
class TableSpec:
    """One table of a variant: record-key prefix, title, the rows per grammar terminal."""

    name: str
    prefix: str
    title: str
    rows: Mapping[str, tuple[RowSpec, ...]]
    columns: tuple[str, ...] = ()
    header: tuple[tuple[str, ...], ...] = ()
    blocks: tuple[Mapping[str, Any], ...] = ()
    pads: str = "start"
    section: int = 0

    def row_specs(self) -> list[RowSpec]:
        """Every row of the table, in the data file's order."""
        return [spec for specs in self.rows.values() for spec in specs]


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
    data: Mapping[str, Any] = field(factory=dict, repr=False, eq=False)

    @classmethod
    def from_package(cls, package: str, data_file: str) -> Variant:
        """Load a variant from a TOML data file inside an importable package."""
        data = _load_data(package, data_file)
        v = data["variant"]
        tables = tuple(_table_spec(name, spec) for name, spec in data.get("tables", {}).items())
        sig = v.get("signature")
        return cls(
            name=str(v["name"]),
            description=str(v.get("description", "")),
            edition=str(v.get("edition", v["name"])),
            package=package,
            grammar=str(v["grammar"]),
            signature=re.compile(sig) if sig else None,
            tables=tables,
            section_titles=tuple(data.get("sections", {}).get("titles", ())),
            priority=int(v.get("priority", 0)),
            data=data,
        )

    def table_in_section(self, number: int) -> TableSpec | None:
        """The table that stands in section ``number``, if any."""
        for t in self.tables:
            if t.section == number:
                return t
        return None

    def table(self, name: str) -> TableSpec | None:
        """The table spec called ``name`` (``active``, ``requests``, ``appeals``)."""
        for t in self.tables:
            if t.name == name:
                return t
        return None

    def record_keys(self) -> list[str]:
        """Every figure's record key for this variant, in printed order."""
        keys: list[str] = []
        for t in self.tables:
            for spec in t.row_specs():
                keys.extend(f"{t.prefix}{spec.row}.{c}" for c in spec.columns)
        return keys


def _merge(base: dict[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    """``over`` on top of ``base``: tables merge key by key, anything else (a list) replaces."""
    out = dict(base)
    for k, v in over.items():
        if isinstance(v, Mapping) and isinstance(out.get(k), dict):
            out[k] = _merge(out[k], v)
        else:
            out[k] = v
    return out


def _load_data(package: str, data_file: str) -> dict[str, Any]:
    text = resources.files(package).joinpath(data_file).read_text(encoding="utf-8")
    data = tomllib.loads(text)
    parent = data.get("variant", {}).get("extends")
    if parent:
        ppkg, _, pfile = str(parent).rpartition(":")
        base = _load_data(ppkg or "gongkai.grammars", pfile)
        data = _merge(base, data)
    # rows listed under "drop" are not in this variant
    for tname, names in data.get("drop", {}).items():
        rows = data.get("tables", {}).get(tname, {}).get("rows", {})
        for n in names:
            rows.pop(n, None)
    return data


def _row_spec(d: Mapping[str, Any], default_columns: tuple[str, ...]) -> RowSpec:
    return RowSpec(
        row=str(d["row"]),
        label=str(d.get("label", d["row"])),
        columns=tuple(d.get("columns", default_columns)),
        money=frozenset(d.get("money", ())),
        signed=frozenset(d.get("signed", ())),
        group=str(d.get("group", "")),
    )


def _table_spec(name: str, spec: Mapping[str, Any]) -> TableSpec:
    cols = tuple(spec.get("columns", ()))
    order: list[str] = []
    for terminal, d in spec.get("rows", {}).items():
        after = d.get("after") if isinstance(d, Mapping) else None
        if after in order:
            order.insert(order.index(after) + 1, terminal)
        else:
            order.append(terminal)
    rows: dict[str, tuple[RowSpec, ...]] = {}
    for terminal in order:
        d = spec["rows"][terminal]
        if isinstance(d, list):
            rows[terminal] = tuple(_row_spec(x, cols) for x in d)
        else:
            rows[terminal] = (_row_spec(d, cols),)
    return TableSpec(
        name=name,
        prefix=str(spec.get("prefix", name + ".")),
        title=str(spec.get("title", "")),
        rows=rows,
        columns=cols,
        header=tuple(tuple(h) for h in spec.get("header", ())),
        blocks=tuple(spec.get("blocks", ())),
        pads=str(spec.get("pads", "start")),
        section=int(spec.get("section", 0)),
    )


_registered: dict[str, Variant] = {}


def register(variant: Variant) -> None:
    """Make ``variant`` known to :func:`gongkai.parse` (replaces one of the same name)."""
    _registered[variant.name] = variant
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
        if isinstance(v, Variant):
            found[v.name] = v
    found.update(_registered)
    return found


def variants() -> dict[str, str]:
    """The registered variants: name → one-line description."""
    return {name: v.description for name, v in _all_variants().items()}


def get_variant(name: str) -> Variant:
    """The variant called ``name``; ``ValueError`` naming the known ones if there is none."""
    found = _all_variants()
    try:
        return found[name]
    except KeyError:
        known = ", ".join(sorted(found))
        raise ValueError(f"unknown variant {name!r}; known variants: {known}") from None


def detect_variant(text: str, default: str = "2021") -> Variant:
    """The variant a canonical text belongs to, from its own labels (never its year).

    The variants are tried from the highest ``priority`` down (a regional variant before an
    edition before the base); the first whose signature occurs in the text wins.  With none,
    ``default``.
    """
    found = _all_variants()
    for v in sorted(found.values(), key=lambda v: -v.priority):
        sig = v.signature
        if sig is None:
            continue
        needles = _needles(sig)
        # a cheap, exact prefilter: no needle in the text, no match (str.find beats the regex)
        if needles is not None and not any(n in text for n in needles):
            continue
        if sig.search(text):
            return v
    return found.get(default) or next(iter(found.values()))


@cache
def _needles(pattern: re.Pattern[str]) -> tuple[str, ...] | None:
    """Strings one of which every match of ``pattern`` contains (None: no such set is known)."""
    if pattern.flags & re.IGNORECASE:
        return None
    try:
        parsed = _sre.parse(pattern.pattern, pattern.flags)
    except Exception:  # pragma: no cover - it compiled already
        return None
    found = _required(list(parsed))
    return tuple(sorted(found)) if found else None


def _required(items: list[Any]) -> frozenset[str] | None:
    """Needles of a sequence of parsed items: the best of its literal runs and sub-patterns."""
    best: frozenset[str] | None = None

    def consider(option: frozenset[str] | None) -> None:
        nonlocal best
        # a needle set is better when its shortest needle is longer (fewer chance hits)
        if option and (best is None or min(map(len, option)) > min(map(len, best))):
            best = option

    run = ""
    for op, av in items:
        name = str(op)
        if name == "LITERAL":
            run += chr(av)
            continue
        consider(frozenset((run,)) if run else None)
        run = ""
        if name == "SUBPATTERN":
            if not av[1] & re.IGNORECASE:  # (?i:…) matches its literals in either case
                consider(_required(list(av[-1])))
        elif name == "BRANCH":
            options = [_required(list(branch)) for branch in av[1]]
            if all(options):
                consider(frozenset().union(*[o for o in options if o]))
        elif name in ("MAX_REPEAT", "MIN_REPEAT") and av[0] >= 1:
            consider(_required(list(av[2])))
    consider(frozenset((run,)) if run else None)
    return best


def refresh() -> None:
    """Scan the ``gongkai.variants`` entry points again (after installing a variant package)."""
    _all_variants.cache_clear()
