"""Layout stage: the text any converter wrote → gongkai's canonical lines.

Three table layouts are read, line by line, and may be mixed within one report:

* **markdown** – pipe rows (``| a | b |``, or html2text's ``a| b| c``); ``|---|`` rules and
  ``#`` heading marks are dropped;
* **tab-separated** – one row per line, cells between TABs;
* **cell-per-line** – a TAB-led line per cell, an empty line ends the row; a cell continues on
  following lines that do not start with a TAB, even across one empty line.

Every logical line becomes a :class:`Line`.  Prose is NFKC-normalised; a table row is split into
its *labels* (the text cells before the first figure) and its *values* (the cells from there
on).  :func:`canonical_text` writes the lines in the one form the grammar reads::

    prose line   text\\n
    table row    \\tlabel|label\\tvalue\\tvalue…\\n

The stage knows nothing of the report's template: which row is which is the grammar's business.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from typing import Literal

from attrs import frozen

__all__ = [
    "Cell",
    "Line",
    "LayoutName",
    "read_lines",
    "canonical_text",
    "is_value_text",
    "normalize",
]

LayoutName = Literal["markdown", "tab-separated", "cell-per-line", "text"]

#: How many characters a fragment may have to count as a wrapped cell's continuation after an
#: empty line (``（三）`` / empty line / ``不予公开``); longer lines after an empty line are prose.
CONTINUATION_MAX = 12


@frozen
class Cell:
    """One table cell: its normalised text, the text as printed, and its first source line."""

    text: str
    raw: str
    line: int


@frozen
class Line:
    """One logical line: a prose line or a table row, with the source lines it came from."""

    kind: Literal["text", "row"]
    text: str
    raw: str
    line: int
    end_line: int
    layout: LayoutName
    labels: tuple[Cell, ...] = ()
    values: tuple[Cell, ...] = ()

    @property
    def label(self) -> str:
        """The row's label cells joined by ``|`` (empty for prose)."""
        return "|".join(c.text for c in self.labels)


_WS = re.compile(r"\s+")
_BOOKMARK = re.compile(r"\[bookmark:[^\]]*\]")
_PAGE_NO = re.compile(r"^[-—–]\s*\d{1,4}\s*[-—–]$|^第\s*\d{1,4}\s*页(?:\s*[,，]?\s*共\s*\d{1,4}\s*页)?$")
_RULE = re.compile(r"^\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?$")
_HEADING_MARK = re.compile(r"^#{1,6}\s*")
_EMPHASIS = re.compile(r"^(\*\*|__)(.*)\1$")
# A line that opens a section or a numbered heading is never a wrapped cell's continuation.
_HEADING_LIKE = re.compile(r"^\s*(?:#|[一二三四五六七八九十]{1,2}\s*[、.．]|第[一二三四五六七八九十]+[章节部分])")

_NUMBER = re.compile(
    r"^[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:件|元|万元|个|条|项|次|宗|起|人次|人|家)?$"
    r"|^[-+]?\.\d+$"
)
#: Cells that say "not applicable" rather than a figure (after NFKC).
NOT_APPLICABLE = frozenset({"/", "\\", "-", "--", "—", "——", "–", "-- ", "无", "不涉及", "不适用", "/ ", "×"})


def normalize(text: str) -> str:
    """NFKC, artefacts removed, whitespace collapsed: the form prose is matched in."""
    text = unicodedata.normalize("NFKC", text)
    if "[bookmark:" in text:
        text = _BOOKMARK.sub("", text)
    return _WS.sub(" ", text).strip()


def _cell_text(raw: str) -> str:
    """A cell's matching form: NFKC and no whitespace at all (labels wrap and space freely)."""
    text = unicodedata.normalize("NFKC", raw)
    if "[bookmark:" in text:
        text = _BOOKMARK.sub("", text)
    return _WS.sub("", text).replace("|", "/")


def is_value_text(text: str) -> bool:
    """Whether a normalised cell reads as a figure: empty, a number (with unit) or a n/a mark."""
    return not text or text in NOT_APPLICABLE or _NUMBER.match(text) is not None


def _prose(raw: str) -> str:
    text = normalize(raw)
    text = _HEADING_MARK.sub("", text)
    m = _EMPHASIS.match(text)
    if m:
        text = m.group(2).strip()
    return text


def _make_row(cells: list[Cell], layout: LayoutName, first: int, last: int, raw: str) -> Line | None:
    """Split a row's cells into labels and values; None for a row that holds nothing."""
    first_value = next(
        (i for i, c in enumerate(cells) if c.text and is_value_text(c.text)), len(cells)
    )
    last_label = max((i for i in range(first_value) if cells[i].text), default=-1)
    labels: list[Cell] = []
    for c in cells[: last_label + 1]:
        # pandas repeats a merged label in every cell it spans: keep it once.
        if c.text and (not labels or labels[-1].text != c.text):
            labels.append(c)
    values = cells[last_label + 1 :]
    if not any(c.text for c in values):
        values = []
    if not labels and not values:
        return None
    label = "|".join(c.text for c in labels)
    text = "\t" + label + "".join("\t" + c.text for c in values)
    return Line("row", text, raw, first, last, layout, tuple(labels), tuple(values))


def _split_pipes(line: str) -> list[str]:
    s = line.strip()
    if s.startswith("|"):
        s = s[1:]
    if s.endswith("|") and not s.endswith("\\|"):
        s = s[:-1]
    return s.split("|")


def read_lines(text: str) -> list[Line]:
    """Read a report's text in any supported layout into logical lines (blank lines dropped)."""
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    raw_lines = text.split("\n")
    return list(_logical_lines(raw_lines))


def _is_cell_line(s: str) -> bool:
    return s.startswith("\t") and "\t" not in s[1:]


def _logical_lines(raw_lines: list[str]) -> Iterator[Line]:
    n = len(raw_lines)
    i = 0
    while i < n:
        s = raw_lines[i]
        lineno = i + 1
        if _is_cell_line(s):
            i = yield from _cell_row(raw_lines, i)
            continue
        i += 1
        if "\t" in s:
            if not s.strip():
                continue  # stray TABs between rows: nothing to read
            parts = s.split("\t")
            cells = [Cell(_cell_text(p), p, lineno) for p in parts]
            row = _make_row(cells, "tab-separated", lineno, lineno, s)
            if row is not None:
                yield row
            continue
        stripped = s.strip()
        if not stripped:
            continue
        if "|" in stripped:
            if _RULE.match(stripped):
                continue
            cells = [Cell(_cell_text(p), p, lineno) for p in _split_pipes(stripped)]
            row = _make_row(cells, "markdown", lineno, lineno, s)
            if row is not None:
                yield row
            continue
        text = _prose(s)
        if not text or _PAGE_NO.match(text) or _RULE.match(text):
            continue
        yield Line("text", text, s, lineno, lineno, "markdown" if stripped[0] == "#" else "text")


def _cell_row(raw_lines: list[str], i: int) -> Iterator[Line]:
    """Read one cell-per-line row starting at ``raw_lines[i]``; return the next index."""
    n = len(raw_lines)
    first = i + 1
    cells: list[list[str]] = []  # raw fragments per cell
    starts: list[int] = []
    while i < n:
        s = raw_lines[i]
        if _is_cell_line(s):
            cells.append([s[1:]])
            starts.append(i + 1)
            i += 1
            continue
        if s.strip() and "\t" not in s:
            if _HEADING_LIKE.match(s):
                break
            cells[-1].append(s)  # a wrapped cell continues on an untabbed line
            i += 1
            continue
        if not s.strip() and "\t" not in s:
            # An empty line ends the row, unless a short untabbed fragment follows it: then the
            # fragment continues the last cell and the row goes on.
            j = i + 1
            if j < n:
                nxt = raw_lines[j]
                frag = nxt.strip()
                if (
                    frag
                    and "\t" not in nxt
                    and len(frag) <= CONTINUATION_MAX
                    and not _HEADING_LIKE.match(nxt)
                ):
                    cells[-1].append(nxt)
                    i = j + 1
                    continue
            i += 1
        break
    last = i
    parsed = [Cell(_cell_text("".join(parts)), "\n".join(parts), start) for parts, start in zip(cells, starts)]
    raw = "\n".join(raw_lines[first - 1 : last])
    row = _make_row(parsed, "cell-per-line", first, max(first, last), raw)
    if row is not None:
        yield row
    return i


def canonical_text(lines: list[Line]) -> str:
    """The grammar's input: one line per logical line, each ending in a newline."""
    return "".join(ln.text + "\n" for ln in lines)
