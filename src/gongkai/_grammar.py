"""Grammar stage: the document's blocks → a Lark parse tree, and the blocks it had to skip.

The grammar files (``grammars/*.lark``) are the single description of a report: its sections,
tables, rows, headers and their order.  Every block of a :class:`~gongkai._document.Document` is
one token, matched in its *line form* (:func:`line_of`)::

    prose        text\\n
    table row    \\tlabel|label\\tvalue\\tvalue…\\n

Lark's own LALR parser reads the tokens through its public interface: :class:`BlockLexer` (a
custom lexer class, one token per block) tells which of the grammar's terminals a block's line
matches, best first, and the parser is fed through :meth:`Lark.parse_interactive`: each token is
tried on a copy of the parser state, so a block the state cannot take is skipped, with what
was expected there, and the parse goes on exactly as before it.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Container, Iterator, Mapping, Sequence
from functools import cache

from attrs import frozen
from lark import Lark, Token, Tree
from lark.exceptions import UnexpectedInput
from lark.lexer import Lexer, TerminalDef
from lark.load_grammar import FromPackageLoader
from lark.parsers.lalr_interactive_parser import InteractiveParser  # documented: Lark.parse_interactive

from ._document import Block, Prose
from ._variants import Variant

__all__ = ["BlockLexer", "GrammarFailure", "Skipped", "lark_checked", "line_of", "parse_blocks", "parser_for"]

_BASE_LOADER = FromPackageLoader("gongkai.grammars", ("",))


@frozen
class Skipped:
    """A block the grammar could not place: its index, its terminal, what was expected."""

    index: int
    terminal: str
    expected: tuple[str, ...]


class GrammarFailure(Exception):
    """The grammar could not finish the parse (the end of the text came where it cannot)."""

    def __init__(self, expected: tuple[str, ...]) -> None:
        super().__init__("the text ends where the template cannot end")
        self.expected = expected


# the numbering before a label (1. / （三） / 三、): kept when a label is read by its alias
_NUMBERING = re.compile(r"^(?:\(?[\d一二三四五六七八九十]{1,3}[).、]?|\([一二三四五六七八九十\d]{1,3}\))?")


def line_of(block: Block, aliases: Mapping[str, str] | None = None) -> str:
    """A block's line form, the text the grammar's terminals match (see the module's description).

    ``aliases`` (the variant's other labels for its rows → their own label) are read as the
    label they stand for: a label cell that is an alias, after its numbering, matches as the row.
    """
    if isinstance(block, Prose):
        text = block.text.replace("\t", " ").replace("\n", " ")
        return (text or "-") + "\n"
    label = block.label
    if aliases:
        cells = []
        for c in block.labels:
            number = _NUMBERING.match(c.text)
            head = number.group(0) if number else ""
            cells.append(head + aliases.get(c.text[len(head) :], c.text[len(head) :]))
        label = "|".join(cells)
    line = "\t" + label.replace("\t", " ").replace("\n", " ")
    if any(c.text for c in block.values) or (block.values and not block.label):  # table 四: all blank
        line += "".join("\t" + c.text.replace("\t", " ").replace("\n", " ") for c in block.values)
    return line + "\n"


class BlockLexer(Lexer):
    """One token per line of the text: the terminal a line matches best.

    Terminals are tried by priority (then by their order in the grammar); a line matches a
    terminal when the whole line, newline included, does.  :meth:`candidates` lists every
    terminal a line matches, best first, for the parser driver to try in turn.
    """

    def __init__(self, lexer_conf: object) -> None:
        # Lark hands a custom lexer its configuration, whose ``terminals`` are the grammar's
        self._rank(list(getattr(lexer_conf, "terminals", ())))

    @classmethod
    def of(cls, parser: Lark) -> BlockLexer:
        """The lexer of a built parser's terminals (:attr:`Lark.terminals`)."""
        lexer = cls.__new__(cls)
        lexer._rank(list(parser.terminals))
        return lexer

    def _rank(self, terminals: list[TerminalDef]) -> None:
        ranked = sorted(enumerate(terminals), key=lambda it: (-it[1].priority, it[0]))
        self.patterns: list[tuple[str, re.Pattern[str]]] = [
            (t.name, re.compile(t.pattern.to_regexp(), _flags(t.pattern.flags))) for _, t in ranked
        ]
        # per set of terminals a parser state acts on, one pattern of them all, best first (as
        # Lark's contextual lexer has a lexer per parser state): bounded by the grammar's states
        self._contextual: dict[tuple[str, ...], re.Pattern[str]] = {}

    def candidates(self, line: str, among: Container[str] | None = None) -> list[str]:
        """The terminals ``line`` matches as a whole, best first (only those ``among``, if given)."""
        return [
            name
            for name, pattern in self.patterns
            if (among is None or name in among) and pattern.fullmatch(line)
        ]

    def best(self, line: str, among: Mapping[str, object]) -> str | None:
        """The best terminal among ``among`` (a parser state's choices) that ``line`` matches."""
        key = tuple(among)
        pattern = self._contextual.get(key)
        if pattern is None:
            pattern = self._contextual[key] = re.compile(
                "|".join(
                    f"(?P<{name}>{p.pattern})"
                    for name, p in self.patterns
                    if name in among and not p.flags & ~re.U
                )
                or "(?!)"
            )
        m = pattern.fullmatch(line)
        return m.lastgroup if m is not None else None

    def lex(self, data: str) -> Iterator[Token]:  # type: ignore[override]  # Lark's documented form
        """One token per line of ``data``, of the best terminal it matches.

        Lark's documented interface for a custom lexer (``lex(self, data)``).  It does not know
        the parser's state, so a line that fits several terminals gets the best one of all, and
        :meth:`Lark.parse` may then fail where the template allows the line: gongkai parses with
        :func:`parse_blocks`, which picks each line's terminal among those the parser's state
        accepts.
        """
        for number, line in enumerate(str(data).splitlines(keepends=True), 1):
            found = self.candidates(line)
            yield Token(found[0] if found else "$UNKNOWN", line, line=number, column=1)


def _flags(flags: Collection[str]) -> int:
    value = 0
    for f in flags:
        value |= getattr(re, f.upper(), 0)
    return value


@cache
def parser_for(variant: Variant) -> Lark:
    """The LALR parser of ``variant``'s grammar (built once per process and variant)."""
    source = _grammar_text(variant)
    return Lark(
        source,
        parser="lalr",
        lexer=BlockLexer,
        import_paths=[_BASE_LOADER, FromPackageLoader(variant.package, ("",))],
        maybe_placeholders=False,
    )


def lark_checked(variant: Variant, *, strict: bool = False) -> Lark:
    """``variant``'s grammar built by Lark with its own contextual lexer, as a grammar author
    would check it: LALR conflicts are logged (``lark`` logger) or, with ``strict``, errors, as
    are terminal collisions (strict mode needs ``interegular``).  Not the parser gongkai reads
    with (:func:`parser_for`)."""
    return Lark(
        _grammar_text(variant),
        parser="lalr",
        lexer="contextual",
        strict=strict,
        import_paths=[_BASE_LOADER, FromPackageLoader(variant.package, ("",))],
    )


def _grammar_text(variant: Variant) -> str:
    from importlib import resources

    return resources.files(variant.package).joinpath(variant.grammar).read_text(encoding="utf-8")


@cache
def _lexer_for(variant: Variant) -> BlockLexer:
    return BlockLexer.of(parser_for(variant))


def _fed(
    state: InteractiveParser, terminal: str, line: str, index: int
) -> tuple[InteractiveParser | None, tuple[str, ...]]:
    """``state`` after the token, or None and what the state expected instead.

    The token is fed to a copy: one the state cannot take after all leaves the parse as it was.
    """
    trial = state.copy(deepcopy_values=False)  # type: ignore[no-untyped-call]  # lark: unannotated
    try:
        trial.feed_token(Token(terminal, line, line=index + 1, column=1))
    except UnexpectedInput as e:
        return None, tuple(sorted(getattr(e, "expected", ()) or ()))
    return trial, ()


def parse_blocks(variant: Variant, lines: Sequence[str]) -> tuple[Tree[Token], list[Skipped]]:
    """Parse the blocks' line forms (:func:`line_of`); return the tree and the skipped blocks.

    Token ``line`` attributes are the 1-based index of the block.
    """
    parser = parser_for(variant)
    lexer = _lexer_for(variant)
    state = parser.parse_interactive(None)
    skipped: list[Skipped] = []
    for index, line in enumerate(lines):
        # the best terminal the line matches among those the parser's state can act on
        accepted = state.choices()  # type: ignore[no-untyped-call]  # lark's API, unannotated
        best = lexer.best(line, accepted)
        expected: tuple[str, ...] = ()
        if best is not None:
            fed, expected = _fed(state, best, line, index)
            if fed is not None:
                state = fed
                continue
        # the best one failed after all (LALR may see that only after reducing), or the line
        # matches none: the line's other terminals, then skip it
        for terminal in lexer.candidates(line, accepted):
            if terminal == best:
                continue
            fed, why = _fed(state, terminal, line, index)
            if fed is not None:
                state = fed
                break
            expected = expected or why
        else:
            if not expected:
                expected = tuple(sorted(t for t in accepted if t.isupper()))
            skipped.append(Skipped(index, best or "", expected))
    try:
        tree = state.feed_eof()  # type: ignore[no-untyped-call]
    except UnexpectedInput as e:
        raise GrammarFailure(tuple(sorted(getattr(e, "expected", ()) or ()))) from None
    return tree, skipped
