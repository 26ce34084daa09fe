"""Grammar stage: canonical lines → parse tree, with the lines it had to skip.

Lark reads the variant's grammar and builds its LALR tables and terminal patterns, once per
process.  The tables are then driven here, one token per canonical line: every token is a
whole line, so lexing is one match of the current state's terminals against that line, and a
line the grammar cannot place is skipped with the parser state it found (a lenient parse goes
on; what was expected there is recorded).  ``engine="lark"`` runs Lark's own parser on the same
tables instead — the reference the tests compare with.
"""

from __future__ import annotations

import importlib
import os
import re
from collections.abc import Sequence
from functools import cache
from typing import Any, NamedTuple

from lark import Lark, Token, Tree
from lark import __version__ as lark_version
from lark.exceptions import UnexpectedInput, UnexpectedToken
from lark.load_grammar import FromPackageLoader
from lark.parsers.lalr_analysis import Shift

from .variants import Variant

__all__ = ["GrammarFailure", "Node", "Skipped", "Tok", "parse_lines", "parser_for", "tables_for"]

_BASE_LOADER = FromPackageLoader("gongkai.grammars", ("",))
# the regular-expression parser of the standard library, to see where a terminal's match starts
_sre: Any = importlib.import_module("re._parser")


class Tok(NamedTuple):
    """A token: its terminal name and its canonical line number (1-based)."""

    type: str
    line: int


class Node:
    """A rule of the parse tree: its name and its children (nodes and tokens)."""

    __slots__ = ("children", "data")

    def __init__(self, data: str, children: list[Child]) -> None:
        self.data = data
        self.children = children

    def tokens(self) -> list[Tok]:
        """Every token below this node, in order."""
        out: list[Tok] = []
        todo: list[Child] = list(reversed(self.children))
        while todo:
            c = todo.pop()
            if isinstance(c, Node):
                todo.extend(reversed(c.children))
            else:
                out.append(c)
        return out

    def __repr__(self) -> str:
        return f"Node({self.data!r}, {self.children!r})"


Child = Node | Tok


class Skipped(NamedTuple):
    """A canonical line the grammar could not place: its token and what was expected there."""

    token: Tok
    expected: tuple[str, ...]


class GrammarFailure(Exception):
    """The grammar cannot go on at all (never for a canonical text; kept for safety)."""

    def __init__(self, line: int, column: int, expected: tuple[str, ...]) -> None:
        super().__init__(f"line {line}")
        self.line = line
        self.column = column
        self.expected = expected


@cache
def _lark(package: str, grammar: str) -> Lark:
    return Lark.open_from_package(
        package,
        grammar,
        ("",),
        parser="lalr",
        lexer="contextual",
        import_paths=[_BASE_LOADER],
        maybe_placeholders=False,
        cache=_cache_file(package, grammar),
    )


def _cache_file(package: str, grammar: str) -> str | bool:
    """Where Lark keeps the built tables between processes: a per-user folder, one file per
    gongkai and lark version and grammar (Lark also checks the grammar's hash before using it).
    False (no cache) when there is no folder to write to."""
    from . import __version__

    base = os.environ.get("GONGKAI_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "gongkai"
    )
    try:
        os.makedirs(base, exist_ok=True)
    except OSError:
        return False
    if not os.access(base, os.W_OK):
        return False
    name = f"{package}.{grammar}".replace("/", "_")
    return os.path.join(base, f"{name}-gongkai{__version__}-lark{lark_version}.cache")


def parser_for(variant: Variant) -> Lark:
    """The variant's Lark parser, built on first use and kept for the process."""
    return _lark(variant.package, variant.grammar)


# A compiled action: (True, next state) for a shift; (False, (rule, size, inline)) for a reduce.
_Action = tuple[bool, Any]


def _starts(regexp: str) -> frozenset[bool]:
    """Whether a match of ``regexp`` can start with a TAB (True), with another character (False).

    Rows start with a TAB and prose lines never do, so each parser state gets one pattern per
    kind of line and a line is tried only against the terminals that can match it.
    """
    both = frozenset((True, False))
    try:
        parsed = _sre.parse(regexp)
    except Exception:  # pragma: no cover - lark compiled it already
        return both

    def first(items: Any) -> frozenset[bool]:
        for op, av in items:
            name = str(op)
            if name == "LITERAL":
                return frozenset((av == 9,))
            if name == "SUBPATTERN":
                return first(av[-1])
            if name in ("MAX_REPEAT", "MIN_REPEAT"):
                lo, _hi, sub = av
                return first(sub) if lo > 0 else both
            if name == "IN":
                negate = any(str(o) == "NEGATE" for o, _ in av)
                has_tab = any(str(o) == "LITERAL" and a == 9 for o, a in av)
                if negate and has_tab:
                    return frozenset((False,))
                if not negate and not has_tab and all(str(o) in ("LITERAL", "RANGE") for o, _ in av):
                    ranges = [a for o, a in av if str(o) == "RANGE"]
                    if not any(lo <= 9 <= hi for lo, hi in ranges):
                        return frozenset((False,))
                return both
            if name == "BRANCH":
                out: set[bool] = set()
                for branch in av[1]:
                    out |= first(branch)
                return frozenset(out)
            return both
        return both

    return first(parsed)


class Tables:
    """A variant's LALR tables and, per parser state, one pattern of the terminals it accepts."""

    def __init__(self, lark: Lark) -> None:
        table = lark.parser.parser._parse_table
        self.start: int = table.start_states["start"]
        self.end: int = table.end_states["start"]
        terms = {t.name: t for t in lark.terminals}
        # the order Lark's lexer tries terminals in: priority, then the longest possible match
        order = sorted(
            terms.values(),
            key=lambda t: (-t.priority, -t.pattern.max_width, -len(t.pattern.value), t.name),
        )
        rank = {t.name: i for i, t in enumerate(order)}
        starts = {n: _starts(t.pattern.to_regexp()) for n, t in terms.items()}
        patterns: dict[frozenset[str], re.Pattern[str]] = {}

        def scanner(names: frozenset[str]) -> re.Pattern[str]:
            if names not in patterns:
                ordered = sorted(names, key=rank.__getitem__)
                patterns[names] = re.compile(
                    "|".join(f"(?P<{n}>{terms[n].pattern.to_regexp()})" for n in ordered) or "(?!)"
                )
            return patterns[names]

        def split(names: frozenset[str]) -> tuple[re.Pattern[str], re.Pattern[str]]:
            """(pattern for a row, pattern for a prose line) over ``names``."""
            return (
                scanner(frozenset(n for n in names if True in starts[n])),
                scanner(frozenset(n for n in names if False in starts[n])),
            )

        self._split = split
        self._all = frozenset(terms)
        self._root: tuple[re.Pattern[str], re.Pattern[str]] | None = None
        self.actions: dict[int, dict[str, _Action]] = {}
        # a state's patterns are compiled when the parser first reaches it (a report visits few)
        self.scanners: dict[int, tuple[re.Pattern[str], re.Pattern[str]]] = {}
        self._accepts: dict[int, frozenset[str]] = {}
        self.expected: dict[int, tuple[str, ...]] = {}
        for state, acts in table.states.items():
            compiled: dict[str, _Action] = {}
            for sym, (action, arg) in acts.items():
                if action is Shift:
                    compiled[sym] = (True, arg)
                else:
                    name = arg.origin.name
                    name = getattr(name, "value", name)
                    compiled[sym] = (False, (str(name), len(arg.expansion), str(name).startswith("_")))
            self.actions[state] = compiled
            self._accepts[state] = frozenset(s for s in acts if s in terms)
            self.expected[state] = tuple(sorted(s for s in acts if s.isupper()))

    def scanners_for(self, state: int) -> tuple[re.Pattern[str], re.Pattern[str]]:
        """The (row, prose line) patterns of the terminals ``state`` accepts."""
        pair = self.scanners.get(state)
        if pair is None:
            accepted = self._accepts[state]
            pair = self.scanners[state] = self._split(accepted) if accepted else self.root
        return pair

    @property
    def root(self) -> tuple[re.Pattern[str], re.Pattern[str]]:
        """Patterns of every terminal: what a line is where the state accepts nothing like it."""
        if self._root is None:
            self._root = self._split(self._all)
        return self._root


@cache
def _tables(package: str, grammar: str) -> Tables:
    return Tables(_lark(package, grammar))


def tables_for(variant: Variant) -> Tables:
    """The variant's driven tables, built on first use and kept for the process."""
    return _tables(variant.package, variant.grammar)


def _reduce(
    values: list[Child],
    size: int,
    name: str,
    inline: bool,
    grown: list[tuple[list[Child], int]] | None = None,
) -> Node:
    """Pop a rule's ``size`` children off ``values`` into a node (``inline``: a helper rule).

    Helper rules (``_p1: _p1 TEXT``, EBNF repeats) melt into their parent; a left-recursive
    helper grows its first child's list in place, so a long run of lines stays linear.
    """
    if not size:
        return Node(name, [])
    kids = values[-size:]
    del values[-size:]
    first = kids[0]
    if inline and isinstance(first, Node) and first.data == name:
        children = first.children  # the same helper one level down: extend it in place
        if grown is not None:
            grown.append((children, len(children)))  # so that an undo can shrink it back
        rest = kids[1:]
    else:
        children = []
        rest = kids
    for k in rest:
        if isinstance(k, Node) and k.data.startswith("_"):
            children.extend(k.children)  # EBNF helper rules (x*, _rule) melt into their parent
        else:
            children.append(k)
    return Node(name, children)


def parse_lines(
    variant: Variant, lines: Sequence[str], engine: str = "gongkai"
) -> tuple[Node, list[Skipped]]:
    """Parse canonical lines (each ending in a newline); return the tree and the skipped lines."""
    if engine == "lark":
        return _parse_with_lark(variant, lines)
    t = tables_for(variant)
    actions, accepts, root = t.actions, t._accepts, t.root
    states: list[int] = [t.start]
    values: list[Child] = []
    skipped: list[Skipped] = []
    for number, line in enumerate(lines, 1):
        k = 0 if line[0] == "\t" else 1
        # Contextual lexing in two steps: the first terminal (by Lark's order) that matches the
        # line at all is the state's answer whenever the state accepts it; only otherwise is
        # the state's own pattern needed (compiled on first need: few states ever need one).
        m = root[k].match(line)
        if m is not None and m.lastgroup not in accepts[states[-1]]:
            m = t.scanners_for(states[-1])[k].match(line) or m
        if m is None or m.end() != len(line):
            raise GrammarFailure(number, 1, t.expected[states[-1]])
        typ: str = m.lastgroup  # type: ignore[assignment]  # every alternative is a named group
        tok = Tok(typ, number)
        saved: tuple[list[int], list[Child]] | None = None
        grown: list[tuple[list[Child], int]] = []
        while True:
            act = actions[states[-1]].get(typ)
            if act is None:
                if saved is not None:  # undo the reductions this line caused
                    states, values = saved
                    for children, size_before in grown:
                        del children[size_before:]
                skipped.append(Skipped(tok, t.expected[states[-1]]))
                break
            if act[0]:
                states.append(act[1])
                values.append(tok)
                break
            if saved is None:
                saved = (states[:], values[:])
            name, size, inline = act[1]
            if size:
                del states[-size:]
            values.append(_reduce(values, size, name, inline, grown))
            states.append(actions[states[-1]][name][1])
    while True:  # the end of the text: reduce what is left up to the start rule
        act = actions[states[-1]].get("$END")
        if act is None or act[0]:
            raise GrammarFailure(len(lines) + 1, 1, t.expected[states[-1]])
        name, size, inline = act[1]
        if size:
            del states[-size:]
        values.append(_reduce(values, size, name, inline))
        states.append(actions[states[-1]][name][1])
        if states[-1] == t.end:
            break
    root_node = values[-1]
    assert isinstance(root_node, Node)
    return root_node, skipped


def _convert(tree: Tree[Token]) -> Node:
    children: list[Child] = []
    for c in tree.children:
        if isinstance(c, Tree):
            children.append(_convert(c))
        elif isinstance(c, Token):
            children.append(Tok(str(c.type), int(c.line or 1)))
    return Node(str(tree.data), children)


def _parse_with_lark(variant: Variant, lines: Sequence[str]) -> tuple[Node, list[Skipped]]:
    skipped: list[Skipped] = []

    def on_error(e: UnexpectedInput) -> bool:
        if isinstance(e, UnexpectedToken) and e.token.type != "$END":
            tok = Tok(str(e.token.type), int(e.token.line or 1))
            skipped.append(Skipped(tok, tuple(sorted(e.expected))))
            return True
        return False

    try:
        tree = parser_for(variant).parse("".join(lines), on_error=on_error)
    except UnexpectedInput as e:
        raise GrammarFailure(
            getattr(e, "line", 1) or 1,
            getattr(e, "column", 1) or 1,
            tuple(sorted(getattr(e, "expected", ()) or ())),
        ) from e
    return _convert(tree), skipped
