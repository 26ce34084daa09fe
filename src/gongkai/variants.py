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
from functools import cache, lru_cache
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
ENTRY_POINT_GROUP = "gongkai.variants"
# the regular-expression parser of the standard library, to see what a signature must contain
_sre: Any = importlib.import_module("re._parser")


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
        # the arithmetic checks name cells of these tables: refuse a variant whose checks do not
        # (imported here: gongkai._check reads variants)
        from ._check import validate_checks

        validate_checks(data, {t.name: t for t in tables}, source=f"{package}:{data_file}")
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
    rows: tuple[int, int] | None = None
    for v, signature, needles, in_rows in _detection(found):
        if needles:
            # the signature can only match where one of its needles occurs: look for those
            # first, and only where the signature can lie
            if not in_rows:
                span = (0, len(text))
            elif rows is None:
                span = rows = _rows(text)
            else:
                span = rows
            if not _occurs(text, needles, *span):
                continue
        if signature.search(text):
            return v
    return found.get(default) or next(iter(found.values()))


# What detection tries, per set of registered variants: each variant with a signature, from the
# highest priority down, with the signature's needles (and their guards, see _occurs) and
# whether it lies in the table rows (see _rows).
_Detection = list[tuple[Variant, re.Pattern[str], tuple[tuple[str, str], ...], bool]]
_detecting: tuple[dict[str, Variant], _Detection] | None = None


def _detection(found: dict[str, Variant]) -> _Detection:
    """How to detect among ``found`` (worked out again when the registered variants change)."""
    global _detecting
    if _detecting is None or _detecting[0] is not found:
        order = sorted(found.values(), key=lambda v: -v.priority)
        printed = {v.name: _printed(v) for v in order}
        plan: _Detection = []
        for v in order:
            if v.signature is None:
                continue
            needles, in_rows = _screen(v.signature)
            # a guard: a character of the needle that the other variants do not print
            others = set().union(*(chars for name, chars in printed.items() if name != v.name))
            guards = [next((c for c in n if ord(c) > 127 and c not in others), "") for n in needles]
            plan.append((v, v.signature, tuple(zip(needles, guards, strict=True)), in_rows))
        _detecting = (found, plan)
    return _detecting[1]


def _occurs(text: str, needles: tuple[tuple[str, str], ...], lo: int, hi: int) -> bool:
    """Whether one of ``needles`` occurs in ``text[lo:hi]``.  Each comes with a guard, one of its
    characters (or ""): a single character is quicker to look for, and without it the needle
    cannot be there."""
    for needle, guard in needles:
        if (not guard or text.find(guard, lo, hi) >= 0) and text.find(needle, lo, hi) >= 0:
            return True
    return False


def _printed(v: Variant) -> set[str]:
    """The characters of a variant's own labels, headers and titles."""
    text = [*v.section_titles]
    for t in v.tables:
        text.append(t.title)
        text.extend(spec.label for spec in t.row_specs())
        text.extend("".join(h) for h in t.header)
        for block in t.blocks:
            text.append(str(block.get("caption", "")))
            text.extend(str(h) for h in block.get("header", ()))
    return set("".join(text))


def _rows(text: str) -> tuple[int, int]:
    """Where a match that starts with a TAB and stays on its line can lie: from the first TAB
    to the end of the last TAB's line."""
    first = text.find("\t")
    if first < 0:
        return 0, 0
    end = text.find("\n", text.rfind("\t"))
    return first, len(text) if end < 0 else end


@lru_cache(maxsize=64)
def _screen(signature: re.Pattern[str]) -> tuple[tuple[str, ...], bool]:
    """What a signature's match is sure to hold: strings one of which it contains (none: no
    such strings are known), and whether it starts with a TAB and holds no newline (then it
    lies within the text's table rows, see :func:`_rows`)."""
    try:
        parsed: Any = _sre.parse(signature.pattern, signature.flags)
    except Exception:  # pragma: no cover - it compiled already
        return (), False
    needles = _needles(parsed, parsed.state.flags) or set()
    firsts = parsed[0][1][1] if len(parsed) == 1 and str(parsed[0][0]) == "BRANCH" else [parsed]
    in_rows = all(len(b) and str(b[0][0]) == "LITERAL" and b[0][1] == 9 for b in firsts) and not (
        _may_match_newline(parsed, parsed.state.flags)
    )
    return tuple(sorted(needles)), in_rows


def _needles(items: Any, flags: int) -> set[str] | None:
    """Strings one of which every match of the parsed ``items`` contains (None: none known)."""
    best: set[str] | None = None

    def consider(found: set[str] | None) -> None:
        nonlocal best
        if found and all(found) and (best is None or min(map(len, found)) > min(map(len, best))):
            best = found

    run: list[str] = []
    for op, av in items:
        name = str(op)
        if name == "LITERAL" and not flags & re.IGNORECASE:
            run.append(chr(av))
            continue
        consider({"".join(run)})
        run = []
        if name == "SUBPATTERN":
            consider(_needles(av[3], (flags | av[1]) & ~av[2]))
        elif name == "BRANCH":
            each = [_needles(b, flags) for b in av[1]]
            if all(each):
                consider(set().union(*each))  # type: ignore[arg-type]
        elif name in ("MAX_REPEAT", "MIN_REPEAT") and av[0] >= 1:
            consider(_needles(av[2], flags))
    consider({"".join(run)})
    return best


def _may_match_newline(items: Any, flags: int) -> bool:
    """Whether the parsed ``items`` may match a newline (True when unsure)."""
    for op, av in items:
        name = str(op)
        if name == "LITERAL":
            if av == 10:
                return True
        elif name == "NOT_LITERAL":
            if av != 10:
                return True
        elif name == "ANY":
            if flags & re.DOTALL:
                return True
        elif name == "IN":
            negate = str(av[0][0]) == "NEGATE"
            kinds = {str(o) for o, _ in av}
            if negate:
                if not any(str(o) == "LITERAL" and a == 10 for o, a in av):
                    return True
            elif not kinds <= {"LITERAL", "RANGE"} or any(
                (str(o) == "LITERAL" and a == 10) or (str(o) == "RANGE" and a[0] <= 10 <= a[1]) for o, a in av
            ):
                return True
        elif name == "SUBPATTERN":
            if _may_match_newline(av[3], (flags | av[1]) & ~av[2]):
                return True
        elif name == "BRANCH":
            if any(_may_match_newline(b, flags) for b in av[1]):
                return True
        elif name in ("MAX_REPEAT", "MIN_REPEAT"):
            if _may_match_newline(av[2], flags):
                return True
        elif name not in ("ASSERT", "ASSERT_NOT", "AT"):  # lookarounds match nothing
            return True
    return False


def refresh() -> None:
    """Scan the ``gongkai.variants`` entry points again (after installing a variant package)."""
    _all_variants.cache_clear()
