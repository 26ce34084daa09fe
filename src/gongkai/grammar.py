"""Grammar stage: canonical lines → Lark parse tree, with the lines it had to skip.

Each variant's grammar is built once per process (LALR, contextual lexer).  A line the grammar
does not accept where it stands is skipped and reported with what was expected there, so a
lenient parse can go on; the caller decides whether that is a diagnostic or an error.
"""

from __future__ import annotations

from functools import cache

from attrs import frozen
from lark import Lark, Token, Tree
from lark.exceptions import LarkError, UnexpectedInput, UnexpectedToken
from lark.load_grammar import FromPackageLoader

from .variants import Variant

__all__ = ["Skipped", "parser_for", "parse_lines"]


@frozen
class Skipped:
    """A canonical line the grammar could not place: its token and what was expected there."""

    token: Token
    expected: tuple[str, ...]


_BASE_LOADER = FromPackageLoader("gongkai.grammars", ("",))


@cache
def _parser(package: str, grammar: str) -> Lark:
    return Lark.open_from_package(
        package,
        grammar,
        ("",),
        parser="lalr",
        lexer="contextual",
        import_paths=[_BASE_LOADER],
        propagate_positions=False,
        maybe_placeholders=False,
    )


def parser_for(variant: Variant) -> Lark:
    """The variant's Lark parser, built on first use and kept for the process."""
    return _parser(variant.package, variant.grammar)


class GrammarFailure(Exception):
    """Raised when the grammar cannot go on at all (never for a well-formed canonical text)."""

    def __init__(self, line: int, column: int, expected: tuple[str, ...]) -> None:
        super().__init__(f"line {line}")
        self.line = line
        self.column = column
        self.expected = expected


def parse_lines(variant: Variant, canonical: str) -> tuple[Tree[Token], list[Skipped]]:
    """Parse the canonical text; return the tree and the lines that had to be skipped."""
    skipped: list[Skipped] = []

    def on_error(e: UnexpectedInput) -> bool:
        if isinstance(e, UnexpectedToken) and e.token.type != "$END":
            skipped.append(Skipped(e.token, tuple(sorted(e.expected))))
            return True
        return False

    try:
        tree = parser_for(variant).parse(canonical, on_error=on_error)
    except UnexpectedInput as e:
        raise GrammarFailure(
            getattr(e, "line", 1) or 1,
            getattr(e, "column", 1) or 1,
            tuple(sorted(getattr(e, "expected", ()) or ())),
        ) from e
    except LarkError as e:  # pragma: no cover - defensive: lark internals
        raise GrammarFailure(1, 1, ()) from e
    return tree, skipped
