"""What a figure is: the one place that reads a cell's text.

Every reader normalises a cell with :func:`cell_text`, tells a figure from a label with
:func:`classify`, and the model reads the value with :func:`read_value`.  The marks and units
are data (``grammars/figures.toml``).
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from decimal import Decimal
from importlib import resources
from typing import Literal

__all__ = [
    "COUNT_UNITS",
    "EMPTY_MARKS",
    "MAX_DIGITS",
    "MONEY_UNITS",
    "NOT_APPLICABLE",
    "CellClass",
    "FigureKind",
    "Value",
    "cell_text",
    "classify",
    "is_value_text",
    "nfkc",
    "normalize",
    "read_value",
]

FigureKind = Literal["number", "blank", "not_applicable", "unreadable"]
Value = int | Decimal | None
#: what a cell holds: nothing, a figure (a number, with or without unit), a not-applicable
#: mark, two or more numbers, or text (a label)
CellClass = Literal["blank", "number", "mark", "numbers", "text"]


def _load() -> dict[str, object]:
    data = resources.files("gongkai.grammars").joinpath("figures.toml").read_text(encoding="utf-8")
    return tomllib.loads(data)


_DATA = _load()
NOT_APPLICABLE: frozenset[str] = frozenset(str(s) for s in _DATA["not_applicable"])  # type: ignore[attr-defined]
EMPTY_MARKS: frozenset[str] = frozenset(str(s) for s in _DATA["empty"])  # type: ignore[attr-defined]
COUNT_UNITS: tuple[str, ...] = tuple(str(s) for s in _DATA["count_units"])  # type: ignore[attr-defined]
MONEY_UNITS: tuple[str, ...] = tuple(str(s) for s in _DATA["money_units"])  # type: ignore[attr-defined]
MAX_DIGITS = int(_DATA["max_digits"])  # type: ignore[call-overload]

_UNITS = "|".join(re.escape(u) for u in sorted(COUNT_UNITS + MONEY_UNITS, key=len, reverse=True))
# A number: digits with optional thousands separators and decimals, an optional sign and unit.
_NUMBER = re.compile(rf"^(?P<n>[-+]?(?:\d{{1,3}}(?:,\d{{3}})+|\d+)(?:\.\d+)?|[-+]?\.\d+)(?P<u>{_UNITS})?$")
# Two numbers in one cell, kept apart by white space (``3001 53``, ``77<br>132``).
_NUMBERS = re.compile(rf"^(?:[-+]?[\d,.]+(?:{_UNITS})?)(?: [-+]?[\d,.]+(?:{_UNITS})?)+$")
_BOOKMARK = re.compile(r"\[bookmark:[^\]]*\]")
_HTML_BREAK = re.compile(r"<\s*br\s*/?\s*>|<\s*/?\s*(?:p|div)\b[^>]*>", re.I)
_HTML_BITS = re.compile(r"<\s*/?\s*(?:span|b|strong|i|em|font|u|sup|sub|o:p)\b[^>]*>|&nbsp;|&#160;", re.I)
_MD_ESCAPE = re.compile(r"\\([\\.\-+*_()\[\]#|!])")
# white space between two digits survives normalising: it keeps two numbers apart
_SPACE_BETWEEN_DIGITS = re.compile(r"(?<=\d)\s+(?=[-+]?\d)")


def nfkc(text: str) -> str:
    """``unicodedata.normalize("NFKC", text)``."""
    return unicodedata.normalize("NFKC", text)


def normalize(text: str) -> str:
    """Prose's matching form: NFKC, artefacts removed, white space collapsed."""
    text = nfkc(text)
    if "[bookmark:" in text:
        text = _BOOKMARK.sub("", text)
    return " ".join(text.split())


def cell_text(raw: str) -> str:
    """A cell's matching form: NFKC, markup and white space gone (labels wrap and space
    freely), except one space between two digits, which keeps two numbers apart."""
    if raw.isdigit() and raw.isascii():  # most cells are plain counts: nothing to normalise
        return raw
    text = nfkc(raw)
    if text.strip() in EMPTY_MARKS:
        return ""
    if "[bookmark:" in text:
        text = _BOOKMARK.sub("", text)
    if "<" in text or "&" in text:
        text = _HTML_BITS.sub("", _HTML_BREAK.sub(" ", text))
    if "\\" in text:
        text = _MD_ESCAPE.sub(r"\1", text)
    words = text.split()
    if len(words) > 1:  # white space inside: gone, but for one space between two digits
        text = " ".join("".join(part.split()) for part in _SPACE_BETWEEN_DIGITS.split(text.strip()))
    else:
        text = words[0] if words else ""
    if text[:1] in ("*", "_") or text[-1:] in ("*", "_"):  # markdown emphasis around a cell
        text = text.strip("*_")
    return text.replace("|", "/") if "|" in text else text


def classify(text: str) -> CellClass:
    """What a normalised cell holds (see :data:`CellClass`)."""
    if not text:
        return "blank"
    if text in NOT_APPLICABLE:
        return "mark"
    if text.isascii() and text.isdigit():  # most cells: a plain count
        return "number"
    if _NUMBER.match(text):
        return "number"
    if " " in text and _NUMBERS.match(text):
        return "numbers"
    return "text"


def is_value_text(text: str) -> bool:
    """Whether a normalised cell stands where a figure stands: empty, a number, a mark, or
    several numbers (a fused cell, read as unreadable)."""
    return classify(text) != "text"


def read_value(text: str, *, money: bool = False) -> tuple[Value, FigureKind]:
    """A normalised cell's value and kind: ``"13件" → (13, "number")``, ``"" → (None, "blank")``.

    Counts are ``int``; money is ``Decimal``; a count printed with decimals stays a ``Decimal``
    as printed (the checks report it; nothing here rounds it).  Two numbers in one cell, a
    number of more than :data:`MAX_DIGITS` digits and text are ``"unreadable"``.
    """
    if not text:
        return None, "blank"
    if text.isdigit() and text.isascii() and len(text) <= MAX_DIGITS:  # most cells: a plain count
        return (Decimal(text) if money else int(text)), "number"
    if text in NOT_APPLICABLE:
        return None, "not_applicable"
    m = _NUMBER.match(text)
    if m is None:
        return None, "unreadable"
    digits = m.group("n").replace(",", "")
    if len(digits.lstrip("+-").replace(".", "")) > MAX_DIGITS:
        return None, "unreadable"
    if money or "." in digits:
        return Decimal(digits), "number"
    return int(digits), "number"
