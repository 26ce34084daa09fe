"""How the record keys of two editions correspond (``grammars/crosswalk.toml``).

:func:`crosswalk` gives, for an old and a new edition, the keys they share, the old keys
renamed in the new edition, and the keys only one of them has; :meth:`Crosswalk.to_new` puts
an old edition's record into the new edition's keys, so a 2019–2025 panel is one table.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any, TypeVar

from attrs import frozen

from ._errors import VariantError
from ._variants import get_variant

__all__ = ["Crosswalk", "crosswalk"]

V = TypeVar("V")


@frozen
class Crosswalk:
    """The correspondence of two editions' record keys (figure keys only, no meta keys).

    ``shared``: keys both editions have, meaning the same cell.  ``renamed``: old key → new key
    for the same figure.  ``old_only`` / ``new_only``: keys of one edition only (``notes`` says
    how some of them relate to the other edition).
    """

    old: str
    new: str
    shared: tuple[str, ...]
    renamed: Mapping[str, str]
    old_only: tuple[str, ...]
    new_only: tuple[str, ...]
    notes: Mapping[str, str]

    def key(self, key: str) -> str:
        """``key`` of the old edition under the new edition's name (unchanged when not renamed)."""
        return self.renamed.get(key, key)

    def to_new(self, record: Mapping[str, V]) -> dict[str, V]:
        """An old edition's record with its renamed keys under their new names, in order."""
        return {self.renamed.get(k, k): v for k, v in record.items()}

    def panel_keys(self) -> list[str]:
        """The columns of a panel of both editions: the new edition's keys, then the keys only
        the old edition has (under their own names)."""
        new = get_variant(self.new).record_keys()
        renamed = set(self.renamed)
        return new + [
            k for k in get_variant(self.old).record_keys() if k not in renamed and k not in set(new)
        ]


@cache
def _data() -> list[Mapping[str, Any]]:
    text = resources.files("gongkai.grammars").joinpath("crosswalk.toml").read_text(encoding="utf-8")
    return list(tomllib.loads(text).get("crosswalk", ()))


def crosswalk(old: str = "2019", new: str = "2021") -> Crosswalk:
    """The crosswalk from edition ``old``'s record keys to edition ``new``'s.

    Raises :class:`~gongkai.VariantError` when gongkai has no crosswalk for the pair, or when
    its data names a key an edition does not have.
    """
    for entry in _data():
        if entry.get("old") == old and entry.get("new") == new:
            break
    else:
        raise VariantError(f"no crosswalk from edition {old!r} to {new!r}")
    old_keys = get_variant(old).record_keys()
    new_keys = get_variant(new).record_keys()
    renamed = {str(k): str(v) for k, v in entry.get("renamed", {}).items()}
    for k, v in renamed.items():
        if k not in old_keys or v not in new_keys:
            raise VariantError(f"crosswalk {old}→{new}: {k!r} → {v!r} names a key an edition lacks")
    notes = {str(k): str(v) for k, v in entry.get("notes", {}).items()}
    for k in notes:
        if k not in old_keys and k not in new_keys:
            raise VariantError(f"crosswalk {old}→{new}: a note names {k!r}, which neither edition has")
    new_set, old_set = set(new_keys), set(old_keys)
    targets = set(renamed.values())
    return Crosswalk(
        old=old,
        new=new,
        shared=tuple(k for k in new_keys if k in old_set),
        renamed=renamed,
        old_only=tuple(k for k in old_keys if k not in new_set and k not in renamed),
        new_only=tuple(k for k in new_keys if k not in old_set and k not in targets),
        notes=notes,
    )
