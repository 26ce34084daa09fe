"""What can go wrong: gongkai's errors (:class:`GongkaiError` and its kinds, the only
exceptions that leave the library on bad input) and the :class:`Diagnostic` records a lenient
parse returns instead of raising."""

from __future__ import annotations

from typing import Literal

from attrs import frozen

from ._document import Where

__all__ = ["Diagnostic", "GongkaiError", "ParseError", "ReadError", "Severity", "VariantError"]

Severity = Literal["error", "warning", "info"]


@frozen
class Diagnostic:
    """A deviation from the template, found while reading a report.

    ``code`` is a stable identifier (``unexpected-line``, ``missing-section``, ``cell-count``…),
    ``line`` the 1-based source line, ``raw`` the source text involved: a figure that could not
    be placed is never dropped silently, it stands here.
    """

    code: str
    message: str
    line: int | None = None
    severity: Severity = "warning"
    raw: str = ""
    expected: tuple[str, ...] = ()
    #: where in the source, for readers that know more than a line (page, table, cell)
    where: Where | None = None

    def __str__(self) -> str:
        if self.where is not None and (self.where.line is None or self.where.page is not None):
            place = f"{self.where}: "
        else:
            place = f"line {self.line}: " if self.line is not None else ""
        return f"{place}{self.severity}: {self.message}"


class GongkaiError(Exception):
    """The base of every error gongkai raises on purpose: catch this to catch them all."""


class ParseError(GongkaiError, ValueError):
    """The text is not a report of a known template, or (``strict=True``) deviates from it.

    Attributes: ``line`` and ``column`` (1-based, in the source text), ``expected`` (what the
    parser would have accepted there), ``excerpt`` (a short piece of the source) and
    ``diagnostic`` (the deviation that caused it, in strict mode).
    """

    def __init__(
        self,
        message: str,
        *,
        line: int = 1,
        column: int = 1,
        expected: tuple[str, ...] = (),
        excerpt: str = "",
        diagnostic: Diagnostic | None = None,
    ) -> None:
        self.message = message
        self.line = line
        self.column = column
        self.expected = expected
        self.excerpt = excerpt
        self.diagnostic = diagnostic
        super().__init__(str(self))

    def __str__(self) -> str:
        parts = [f"line {self.line}, column {self.column}: {self.message}"]
        if self.expected:
            parts.append(
                "expected " + " or ".join(self.expected[:6]) + (" …" if len(self.expected) > 6 else "")
            )
        if self.excerpt:
            parts.append(f"near {self.excerpt!r}")
        return "; ".join(parts)

    def __reduce__(self) -> tuple[object, ...]:  # picklable across processes
        return (
            _rebuild,
            (self.message, self.line, self.column, self.expected, self.excerpt, self.diagnostic),
        )


def _rebuild(
    message: str,
    line: int,
    column: int,
    expected: tuple[str, ...],
    excerpt: str,
    diagnostic: Diagnostic | None,
) -> ParseError:
    return ParseError(
        message, line=line, column=column, expected=expected, excerpt=excerpt, diagnostic=diagnostic
    )


class ReadError(GongkaiError, ValueError):
    """A source could not be read as a document: an unknown or broken format, a legacy Word
    file, a scanned PDF without text, a missing optional dependency.  ``source`` names it."""

    def __init__(self, message: str, *, source: str = "") -> None:
        self.message = message
        self.source = source
        super().__init__(f"{source}: {message}" if source else message)

    def __reduce__(self) -> tuple[object, ...]:
        return (_rebuild_read, (self.message, self.source))


def _rebuild_read(message: str, source: str) -> ReadError:
    return ReadError(message, source=source)


class VariantError(GongkaiError, ValueError):
    """A variant's grammar or data is wrong (an unknown key, a row in no table, a check that
    names a cell no table has), or a variant name is not registered."""
