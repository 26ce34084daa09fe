"""What can go wrong: :class:`ParseError` (the only exception ``parse`` raises) and the
:class:`Diagnostic` records a lenient parse returns instead of raising."""

from __future__ import annotations

from typing import Literal

from attrs import frozen

__all__ = ["Diagnostic", "ParseError", "Severity"]

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

    def __str__(self) -> str:
        where = f"line {self.line}: " if self.line is not None else ""
        return f"{where}{self.severity}: {self.message}"


class ParseError(ValueError):
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
