"""Grammar stage: canonical lines → parse tree, with the lines it had to skip.

Lark reads the variant's grammar and builds its LALR tables and terminal patterns, once per
process.  The tables are then driven here, one token per canonical line: every token is a
whole line, so lexing is one match of the current state's terminals against that line, and a
line the grammar cannot place is skipped with the parser state it found (a lenient parse goes
on; what was expected there is recorded).  ``engine="lark"`` runs Lark's own parser on the same
tables instead — the reference the tests compare with.

What makes it fast: a table row is lexed by its label alone where the patterns prove that
nothing else counts, and a label's terminal is kept (template labels recur in every report);
prose is matched against the few terminals its parser state accepts; what a terminal does in a
state (its reductions, then the shift) is worked out once and kept by the states of the stack it
read, and a row's head names both its terminal and that move.
"""

from __future__ import annotations

import importlib
import os
import re
from collections.abc import Callable, Sequence
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


@cache
def _parse(regexp: str) -> Any:
    """The standard library's parse of ``regexp`` (None if it will not parse); not to be
    changed, it is shared."""
    try:
        return _sre.parse(regexp)
    except Exception:  # pragma: no cover - lark compiled it already
        return None


def _starts(parsed: Any) -> frozenset[bool]:
    """Whether a match of a (parsed) pattern can start with a TAB (True), with another
    character (False).

    Rows start with a TAB and prose lines never do, so each parser state gets one pattern per
    kind of line and a line is tried only against the terminals that can match it.
    """
    both = frozenset((True, False))
    if parsed is None:  # pragma: no cover - lark compiled it already
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


# ------------------------------------------------------------------ which rows a label decides
#
# A row is "\t" + label + rest, where the label holds no TAB or newline and rest is "\n" or
# "\t" + figures + "\n".  When no terminal can tell one rest from another beyond "is it just a
# newline", a row lexes exactly as its *key* does: "\t" + label + ("\n" or "\t\n").  Template
# labels recur in every report, so the key's terminal is kept, and the label is matched once.
#
# Whether that holds is read off the terminals' patterns, as small automata built from the
# standard library's parse of each pattern (an unknown construct: it does not hold, and every
# row is matched whole, as before).  For every terminal that can match a line starting with
# a TAB it must be that
#   * what it matches holds one newline, at its end (then a match of a line is the whole line,
#     for the line and for its key alike);
#   * nothing it reads before it has crossed the TAB that ends the label looks further ahead
#     than the next character (a longer lookahead could see the figures);
#   * once it has crossed that TAB, it matches whatever follows up to the newline.
# The checks over-approximate where the automaton can be (every assertion passes, every
# character class admits what it might), so they may refuse a grammar that would be fine,
# never accept one that is not.


class _Unsupported(Exception):
    """A pattern construct the label analysis does not model."""


_TAB, _NL = 9, 10
# a category's answer for TAB and newline (anything else: assume it may match both)
_CATEGORY_TAB_NL = {
    "CATEGORY_SPACE": (True, True),
    "CATEGORY_NOT_SPACE": (False, False),
    "CATEGORY_DIGIT": (False, False),
    "CATEGORY_NOT_DIGIT": (True, True),
    "CATEGORY_WORD": (False, False),
    "CATEGORY_NOT_WORD": (True, True),
    "CATEGORY_LINEBREAK": (False, True),
    "CATEGORY_NOT_LINEBREAK": (True, False),
}
# One character of a pattern: the parser's (opcode name, argument) and whether DOTALL is on.
_Pred = tuple[str, Any, bool]


def _may_admit(pred: _Pred, ch: int) -> bool:
    """Whether ``pred`` may match the character ``ch`` (TAB or newline only; True if unsure)."""
    op, av, dotall = pred
    if op == "LITERAL":
        return bool(av == ch)
    if op == "NOT_LITERAL":
        return bool(av != ch)
    if op == "ANY":
        return dotall or ch != _NL
    if op == "IN":
        negate = False
        hit = False
        for o, a in av:
            o = str(o)
            if o == "NEGATE":
                negate = True
            elif o == "LITERAL":
                hit = hit or a == ch
            elif o == "RANGE":
                hit = hit or a[0] <= ch <= a[1]
            elif o == "CATEGORY" and str(a) in _CATEGORY_TAB_NL:
                hit = hit or _CATEGORY_TAB_NL[str(a)][ch == _NL]
            else:
                return True
        return hit != negate
    return True


def _may_admit_label(pred: _Pred) -> bool:
    """Whether ``pred`` may match some character of a label (neither TAB nor newline)."""
    op, av, _dotall = pred
    if op == "LITERAL":
        return av not in (_TAB, _NL)
    if op == "IN" and not any(str(o) == "NEGATE" for o, _ in av):
        for o, a in av:
            o = str(o)
            if o == "LITERAL" and a in (_TAB, _NL):
                continue
            if o == "RANGE" and a[0] >= _TAB and a[1] <= _NL:
                continue
            return True
        return False
    return True


def _only_newline(pred: _Pred) -> bool:
    """Whether ``pred`` matches a newline and nothing else."""
    op, av, _dotall = pred
    if op == "LITERAL":
        return bool(av == _NL)
    if op == "IN" and av:
        return all(str(o) == "LITERAL" and a == _NL for o, a in av)
    return False


def _all_but_newline(pred: _Pred) -> bool:
    """Whether ``pred`` matches every character except perhaps a newline."""
    op, av, _dotall = pred
    if op in ("ANY", "NOT_LITERAL"):
        return op == "ANY" or bool(av == _NL)
    if op == "IN" and av and str(av[0][0]) == "NEGATE":
        return all(str(o) == "LITERAL" and a == _NL for o, a in av[1:])
    return False


# how an empty move is taken: always; an assertion that looks at most at the next character
# (or behind); an assertion that may look further ahead
_EPS, _NEAR, _FAR = 0, 1, 2


class _Automaton:
    """A nondeterministic automaton of one pattern: per state its character and empty moves."""

    def __init__(self, parsed: Any) -> None:
        self.chars: list[list[tuple[_Pred, int]]] = []
        self.empty: list[list[tuple[int, int]]] = []
        self.start = self._state()
        self.final = self._build(parsed, self.start, parsed.state.flags)

    def _state(self) -> int:
        self.chars.append([])
        self.empty.append([])
        return len(self.chars) - 1

    def _move(self, src: int, kind: int) -> int:
        dst = self._state()
        self.empty[src].append((dst, kind))
        return dst

    def _build(self, items: Any, cur: int, flags: int) -> int:
        for op, av in items:
            name = str(op)
            if name in ("LITERAL", "NOT_LITERAL", "ANY", "IN"):
                dst = self._state()
                self.chars[cur].append(((name, av, bool(flags & re.DOTALL)), dst))
                cur = dst
            elif name == "SUBPATTERN":
                _group, add, remove, sub = av
                cur = self._build(sub, cur, (flags | add) & ~remove)
            elif name == "BRANCH":
                end = self._state()
                for branch in av[1]:
                    last = self._build(branch, self._move(cur, _EPS), flags)
                    self.empty[last].append((end, _EPS))
                cur = end
            elif name in ("MAX_REPEAT", "MIN_REPEAT"):
                lo, hi, sub = av
                unbounded = hi >= _sre.MAXREPEAT
                if lo > 64 or (not unbounded and hi > 64):
                    raise _Unsupported(name)
                for _ in range(lo):
                    cur = self._build(sub, cur, flags)
                if unbounded:
                    loop = self._move(cur, _EPS)
                    last = self._build(sub, self._move(loop, _EPS), flags)
                    self.empty[last].append((loop, _EPS))
                    cur = loop
                else:
                    end = self._state()
                    for _ in range(hi - lo):
                        self.empty[cur].append((end, _EPS))
                        cur = self._build(sub, cur, flags)
                    self.empty[cur].append((end, _EPS))
                    cur = end
            elif name in ("ASSERT", "ASSERT_NOT"):
                direction, sub = av
                near = direction < 0 or sub.getwidth()[1] <= 1
                cur = self._move(cur, _NEAR if near else _FAR)
            elif name == "AT":
                cur = self._move(cur, _NEAR)
            else:
                raise _Unsupported(name)
        return cur

    def reach(self, sources: set[int], take: Any = None) -> set[int]:
        """The states reachable from ``sources`` by empty moves (assertions assumed to pass)
        and the character moves ``take(pred)`` allows (None: all of them)."""
        seen = set(sources)
        todo = list(sources)
        empty, chars = self.empty, self.chars
        while todo:
            s = todo.pop()
            for d, _k in empty[s]:
                if d not in seen:
                    seen.add(d)
                    todo.append(d)
            for p, d in chars[s]:
                if d not in seen and (take is None or take(p)):
                    seen.add(d)
                    todo.append(d)
        return seen

    def universal(self, states: set[int]) -> set[int]:
        """Those of ``states`` from which every line remainder ([^\\n]*\\n) surely matches."""
        region = self.reach(states)
        plain: dict[int, set[int]] = {}
        for s in region:  # closure over unconditional empty moves only
            seen = {s}
            todo = [s]
            while todo:
                for d, k in self.empty[todo.pop()]:
                    if k == _EPS and d not in seen:
                        seen.add(d)
                        todo.append(d)
            plain[s] = seen
        ends = {s for s in region if self.final in plain[s]}
        steps: dict[int, list[int]] = {}
        good: set[int] = set()
        for s in region:
            moves = [(p, d) for v in plain[s] for p, d in self.chars[v]]
            if any(_only_newline(p) and d in ends for p, d in moves):
                steps[s] = [d for p, d in moves if _all_but_newline(p)]
                good.add(s)
        changed = True
        while changed:  # the greatest set closed under "some any-character move stays in it"
            changed = False
            for s in list(good):
                if not any(d in good for d in steps[s]):
                    good.discard(s)
                    changed = True
        return good

    def rows_read_by_label(self) -> bool:
        """Whether this terminal treats a row as its key would (see above)."""
        begin = self.reach({self.start}, lambda p: False)
        firsts = [(p, d) for s in begin for p, d in self.chars[s] if _may_admit(p, _TAB)]
        if not firsts:
            return True  # it never matches a row
        if any(_may_admit(p, _NL) for p, _d in firsts):
            return False
        if any(k == _FAR for s in begin for _d, k in self.empty[s]):
            return False
        after = {d for _p, d in firsts}
        # one newline, at the end
        newlines: set[int] = set()
        for s in self.reach(after):
            for p, d in self.chars[s]:
                if _only_newline(p):
                    newlines.add(d)
                elif _may_admit(p, _NL):
                    return False
        if any(self.chars[x] for x in self.reach(newlines)):
            return False
        if self.final in self.reach(after, lambda p: not _may_admit(p, _NL)):
            return False
        # inside the label: no far lookahead; the TAB after it leads where anything matches
        label = self.reach(after, _may_admit_label)
        if any(k == _FAR for s in label for _d, k in self.empty[s]):
            return False
        crossed = {d for s in label for p, d in self.chars[s] if _may_admit(p, _TAB)}
        return crossed <= self.universal(crossed)


@cache
def _read_by_label(regexp: str) -> bool:
    """Whether a terminal of this pattern treats every row as the row's key (see above)."""
    parsed = _parse(regexp)
    try:
        return parsed is not None and _Automaton(parsed).rows_read_by_label()
    except (_Unsupported, RecursionError):
        return False


# ------------------------------------------------------------------ the driven tables

# A parser action: a state (>= 0: shift the token, or the goto after a reduction) or ~r (< 0:
# reduce by rule r).
#
# How a reduction builds its value.  A rule's node takes its children; a helper rule (a name
# starting with "_": ``_p1: _p1 TEXT``, EBNF repeats) melts into its parent, so while it is on
# the value stack it is just the list of the children it will hand over.  A left-recursive
# helper grows its own list in place, so a long run of lines stays linear.

_Reducer = Callable[[list[Any]], None]


class _Rule(NamedTuple):
    name: str
    size: int
    reduce: _Reducer  # pops the rule's children off the value stack, pushes its value
    wraps: bool  # a node of one child (most rules: the row of one line), done in place


def _rule(rule: Any) -> _Rule:
    """A Lark rule as the driver reduces it."""
    name = rule.origin.name
    name = str(getattr(name, "value", name))
    size = len(rule.expansion)
    helper = name.startswith("_")
    # per child: a helper rule's list, whose children join this rule's
    melt = tuple(not s.is_term and str(s.name).startswith("_") for s in rule.expansion)
    grow = helper and size > 0 and rule.expansion[0] == rule.origin
    wraps = size == 1 and not helper and not melt[0]
    return _Rule(name, size, _reducer(name, size, helper, melt, grow), wraps)


def _reducer(name: str, size: int, helper: bool, melt: tuple[bool, ...], grow: bool) -> _Reducer:
    """The reduction of one rule, written out for its shape (most rules have one child)."""
    if grow:  # the first child is this helper's own list: extend it in place
        if size == 2:
            if melt[1]:

                def grow_by_list(values: list[Any]) -> None:
                    kid = values.pop()
                    values[-1].extend(kid)

                return grow_by_list

            def grow_by_one(values: list[Any]) -> None:
                kid = values.pop()
                values[-1].append(kid)

            return grow_by_one

        def grow_by_many(values: list[Any]) -> None:
            base = len(values) - size
            children = values[base]
            for i in range(1, size):
                if melt[i]:
                    children.extend(values[base + i])
                else:
                    children.append(values[base + i])
            del values[base + 1 :]

        return grow_by_many
    if any(melt):
        if size == 1:  # the only child is a helper's list: those are the children
            if helper:

                def same(values: list[Any]) -> None:
                    pass

                return same

            def node_of_list(values: list[Any]) -> None:
                values[-1] = Node(name, values[-1])

            return node_of_list

        def melted(values: list[Any]) -> None:
            base = len(values) - size
            children: list[Any] = []
            for i in range(size):
                if melt[i]:
                    children.extend(values[base + i])
                else:
                    children.append(values[base + i])
            del values[base:]
            values.append(children if helper else Node(name, children))

        return melted
    if size == 0:
        if helper:

            def empty_list(values: list[Any]) -> None:
                values.append([])

            return empty_list

        def empty_node(values: list[Any]) -> None:
            values.append(Node(name, []))

        return empty_node
    if size == 1:
        if helper:

            def list_of_one(values: list[Any]) -> None:
                values[-1] = [values[-1]]

            return list_of_one

        def node_of_one(values: list[Any]) -> None:
            values[-1] = Node(name, [values[-1]])

        return node_of_one

    def plain(values: list[Any]) -> None:
        kids = values[-size:]
        del values[-size:]
        values.append(kids if helper else Node(name, kids))

    return plain


class _Move(NamedTuple):
    """What a token does to the state stack and the value stack: drop the top ``drop`` states
    and push ``push`` (the gotos of its reductions, then ``shift``), run its reductions on the
    values, then shift to ``shift`` (None: the token cannot be shifted there, and is skipped
    with the stacks as they were).  Its reductions: ``wrap``, the name of the one rule of one
    child (the most common, done in place), else ``reduce`` (None: there are none)."""

    drop: int
    push: tuple[int, ...]
    wrap: str
    reduce: _Reducer | None
    shift: int | None


class _Fork(NamedTuple):
    """A move that depends on a state below the top: the one at index ``at`` (negative) of the
    stack picks the next fork or the move."""

    at: int
    next: dict[int, _Move | _Fork]


_SKIP = _Move(0, (), "", None, None)


def _composed(plan: Sequence[_Rule]) -> _Reducer | None:
    """One function running the reductions of ``plan`` in order (None: there are none)."""
    if not plan:
        return None
    if len(plan) == 1:
        return plan[0].reduce
    if len(plan) == 2:
        first, second = plan[0].reduce, plan[1].reduce

        def both(values: list[Any]) -> None:
            first(values)
            second(values)

        return both
    reducers = tuple(r.reduce for r in plan)

    def each(values: list[Any]) -> None:
        for reduce in reducers:
            reduce(values)

    return each


def _move(
    actions: list[dict[str, int]], rules: list[_Rule], states: list[int], typ: str
) -> tuple[list[int], _Move]:
    """Work out what ``typ`` does on the stack ``states`` (whether it is shifted in the end is
    only known after its reductions: an LALR table may reduce on a lookahead it cannot shift).

    Besides the move: the indexes (negative, deepest last) of the states below the top that
    were read, in the order they were read; the move holds for any stack that has the same
    states there, and which one is read next depends only on those read before.
    """
    depth = len(states)  # the states below ``depth`` are as they were; ``pushed`` on top
    pushed: list[int] = []
    plan: list[_Rule] = []
    reads: list[int] = []
    deepest = len(states) - 1  # the top is known: the move is kept per top state
    act = actions[states[-1]][typ]
    while act < 0:
        rule = rules[~act]
        plan.append(rule)
        size = rule.size
        if size:
            if size <= len(pushed):
                del pushed[len(pushed) - size :]
            else:
                depth -= size - len(pushed)
                pushed = []
        if pushed:
            goto = actions[pushed[-1]][rule.name]
        else:
            if depth - 1 < deepest:
                deepest = depth - 1
                reads.append(deepest - len(states))
            goto = actions[states[depth - 1]][rule.name]
        pushed.append(goto)
        nxt = actions[goto].get(typ)
        if nxt is None:
            return reads, _SKIP
        act = nxt
    pushed.append(act)
    drop = len(states) - depth
    if len(plan) == 1 and plan[0].wraps:
        return reads, _Move(drop, tuple(pushed), plan[0].name, None, act)
    return reads, _Move(drop, tuple(pushed), "", _composed(plan), act)


class Tables:
    """A variant's LALR tables and, per parser state, patterns of the terminals it accepts."""

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
        self._rank = {t.name: i for i, t in enumerate(order)}
        self._regexps = {n: t.pattern.to_regexp() for n, t in terms.items()}
        parsed = {n: _parse(r) for n, r in self._regexps.items()}
        self._starts = {n: _starts(p) for n, p in parsed.items()}
        self._patterns: dict[frozenset[str], re.Pattern[str]] = {}
        self._all = frozenset(terms)
        self._every: list[re.Pattern[str] | None] = [None, None]  # see every()
        count = max(table.states) + 1
        # per state: its actions, the terminals it accepts, those it expects (for a message)
        self.actions: list[dict[str, int]] = [{} for _ in range(count)]
        self.rules: list[_Rule] = []
        self.accepts: list[frozenset[str]] = [frozenset()] * count
        self.expected: list[tuple[str, ...]] = [()] * count
        numbers: dict[Any, int] = {}
        for state, acts in table.states.items():
            compiled = self.actions[state]
            for sym, (action, arg) in acts.items():
                if action is Shift:
                    compiled[sym] = arg
                else:
                    if arg not in numbers:
                        numbers[arg] = len(self.rules)
                        self.rules.append(_rule(arg))
                    compiled[sym] = ~numbers[arg]
            self.accepts[state] = frozenset(s for s in acts if s in terms)
            self.expected[state] = tuple(sorted(s for s in acts if s.isupper()))
        # a state's patterns are compiled when the parser first needs them (a report needs few)
        self.row_scanners: list[re.Pattern[str] | None] = [None] * count
        self.prose_scanners: list[re.Pattern[str] | None] = [None] * count
        # whether a row lexes as its key does (see _Automaton); the key's terminal is kept
        rows = [r for n, r in self._regexps.items() if True in self._starts[n]]
        self.by_label: bool = all(_read_by_label(r) for r in rows)
        self.labels: dict[str, str] = {}
        # (state, key) → the terminal of a row the state does not take by its label's terminal
        self.in_state: dict[tuple[int, str], str] = {}
        # per state: terminal → its move there, or a fork on the states below (see _move)
        self.moves: list[dict[str, _Move | _Fork]] = [{} for _ in range(count)]
        self._kept = 0
        # per state: a row's head → its terminal there and the start of its move (see row)
        self.rows: list[dict[str, tuple[str, _Move | _Fork]]] = [{} for _ in range(count)]

    def move(self, states: list[int], typ: str) -> _Move:
        """What ``typ`` does on ``states`` (see _move); kept, in a bounded memory, for any
        stack with the same states where it looked."""
        top = states[-1]
        if typ not in self.accepts[top]:
            return _SKIP  # nothing to keep: the row lexer looks a terminal up before it is known
        reads, found = _move(self.actions, self.rules, states, typ)
        self._keep()
        where: dict[Any, _Move | _Fork] = self.moves[top]
        key: Any = typ
        for at in reads:
            fork = where.get(key)
            if fork is None:
                fork = where[key] = _Fork(at, {})
            assert isinstance(fork, _Fork) and fork.at == at  # the same states read the same way
            where, key = fork.next, states[at]
        where[key] = found
        return found

    def row(self, head: str, states: list[int], number: int) -> tuple[str, _Move | _Fork]:
        """The terminal of a row in the state on top of ``states`` (when ``by_label``), by its
        head (its line up to the TAB after its label, or the whole line if there is none), and
        the start of its move there; kept per state (a bounded memory, with the moves)."""
        top = states[-1]
        typ = self.lex_row(head if head[-1] == "\n" else head + "\t\n", top, number)
        start = self.moves[top].get(typ)
        if start is None:
            move = self.move(states, typ)
            start = self.moves[top].get(typ, move)  # not kept: typ is not accepted there
        if len(head) <= _LABEL_KEY_MAX:
            self._keep()
            self.rows[top][head] = (typ, start)
        return typ, start

    def _keep(self) -> None:
        """Count one more kept move or row; past the bound, forget them all."""
        if self._kept >= _MOVES_KEPT:
            for kept in self.moves:
                kept.clear()
            for heads in self.rows:
                heads.clear()
            self._kept = 0
        self._kept += 1

    def _scanner(self, names: frozenset[str]) -> re.Pattern[str]:
        """One pattern of ``names``, each a named group, in Lark's order."""
        pattern = self._patterns.get(names)
        if pattern is None:
            ordered = sorted(names, key=self._rank.__getitem__)
            pattern = self._patterns[names] = re.compile(
                "|".join(f"(?P<{n}>{self._regexps[n]})" for n in ordered) or "(?!)"
            )
        return pattern

    def _split(self, names: frozenset[str], row: bool) -> re.Pattern[str]:
        """The pattern of those of ``names`` that can match a row (``row``) or a prose line."""
        return self._scanner(frozenset(n for n in names if row in self._starts[n]))

    def every(self, row: bool) -> re.Pattern[str]:
        """The pattern of every terminal, for a row or for a prose line: what a line is at all."""
        pattern = self._every[not row]
        if pattern is None:
            pattern = self._every[not row] = self._split(self._all, row)
        return pattern

    @property
    def root(self) -> tuple[re.Pattern[str], re.Pattern[str]]:
        """Patterns of every terminal: (for a row, for a prose line)."""
        return self.every(True), self.every(False)

    def scanner(self, state: int, row: bool) -> re.Pattern[str]:
        """The pattern of the terminals ``state`` accepts, for a row or for a prose line."""
        scanners = self.row_scanners if row else self.prose_scanners
        pattern = scanners[state]
        if pattern is None:
            accepted = self.accepts[state]
            pattern = self._split(accepted, row) if accepted else self.every(row)
            scanners[state] = pattern
        return pattern

    def lex(self, line: str, state: int, number: int) -> str:
        """The terminal of ``line`` in ``state``, matched whole: Lark's contextual lexing.

        That is the first of the state's terminals, in Lark's order, that matches the line, or
        failing that the first of all terminals (a line to skip).  A row tries all terminals
        first: the answer whenever the state accepts it, and it saves compiling a pattern for
        most states.
        """
        if line[0] == "\t":
            m = self.every(True).match(line)
            if m is not None and m.lastgroup not in self.accepts[state]:
                m = self.scanner(state, True).match(line) or m
        else:
            m = self.scanner(state, False).match(line) or self.every(False).match(line)
        if m is None or m.end() != len(line):
            raise GrammarFailure(number, 1, self.expected[state])
        return m.lastgroup  # type: ignore[return-value]  # every alternative is a named group

    def lex_row(self, key: str, state: int, number: int) -> str:
        """The terminal in ``state`` of a row whose key is ``key`` (when ``by_label``)."""
        typ = self.labels.get(key)
        if typ is None:
            m = self.every(True).match(key)
            typ = "" if m is None else m.lastgroup or ""
            if len(key) <= _LABEL_KEY_MAX:
                if len(self.labels) >= _LABELS_KEPT:
                    self.labels.clear()
                self.labels[key] = typ
        if not typ:
            raise GrammarFailure(number, 1, self.expected[state])
        if typ not in self.accepts[state]:
            # another terminal of the state may take the row; a row that no terminal there
            # takes is skipped, and skipped rows come in runs: the answer is kept per state
            found = self.in_state.get((state, key))
            if found is None:
                m = self.scanner(state, True).match(key)
                found = typ if m is None else m.lastgroup or ""
                if len(key) <= _LABEL_KEY_MAX:
                    if len(self.in_state) >= _LABELS_KEPT:
                        self.in_state.clear()
                    self.in_state[state, key] = found
            typ = found
        return typ


# how many row keys a variant keeps the terminal of, and how long a key may be to be kept
_LABELS_KEPT = 4096
_LABEL_KEY_MAX = 256
# how many moves a variant keeps
_MOVES_KEPT = 8192


@cache
def _tables(package: str, grammar: str) -> Tables:
    return Tables(_lark(package, grammar))


def tables_for(variant: Variant) -> Tables:
    """The variant's driven tables, built on first use and kept for the process."""
    return _tables(variant.package, variant.grammar)


_tok = tuple.__new__  # Tok(type, line) without NamedTuple's Python-level constructor


def parse_lines(
    variant: Variant, lines: Sequence[str], engine: str = "gongkai"
) -> tuple[Node, list[Skipped]]:
    """Parse canonical lines (each ending in a newline); return the tree and the skipped lines.

    One token per line.  A line the current state cannot take is skipped with that state's
    expected terminals; the reductions its terminal would trigger are first run on the state
    stack alone, so a skip leaves the parse exactly as it was.
    """
    if engine == "lark":
        return _parse_with_lark(variant, lines)
    t = tables_for(variant)
    actions, rules, expected = t.actions, t.rules, t.expected
    prose_scanners, moves, rows, by_label = t.prose_scanners, t.moves, t.rows, t.by_label
    top = t.start
    states: list[int] = [top]
    values: list[Any] = []  # tokens, nodes and (helper rules) lists of children
    skipped: list[Skipped] = []
    typ: str
    move: _Move | _Fork | None
    for number, line in enumerate(lines, 1):
        # the line's terminal (see Tables.lex) and what it does there (see Tables.move): a row
        # where its label decides by its head, which names both (see Tables.row)
        if line[0] == "\t" and by_label and line.find("\n") == len(line) - 1:
            tab = line.find("\t", 1)
            head = line if tab < 0 else line[:tab]  # the key, less its constant "\t\n"
            known = rows[top].get(head)
            if known is None:
                known = t.row(head, states, number)
            typ, move = known
        else:
            if line[0] == "\t":
                typ = t.lex(line, top, number)
            else:
                m = (prose_scanners[top] or t.scanner(top, False)).match(line)
                typ = t.lex(line, top, number) if m is None or m.end() != len(line) else m.lastgroup or ""
            move = moves[top].get(typ)
        while type(move) is _Fork:  # the move depends on states below the top
            move = move.next.get(states[move.at])
        if move is None:
            move = t.move(states, typ)
        drop, push, wrap, reduce, shift = move  # type: ignore[misc]  # a _Move: no fork is left
        if shift is None:
            skipped.append(_tok(Skipped, (_tok(Tok, (typ, number)), expected[top])))
            continue
        if drop:
            states[-drop:] = push
        else:
            states += push
        if wrap:
            values[-1] = Node(wrap, [values[-1]])
        elif reduce is not None:
            reduce(values)
        values.append(_tok(Tok, (typ, number)))
        top = shift
    while True:  # the end of the text: reduce what is left up to the start rule
        act = actions[top].get("$END")
        if act is None or act >= 0:
            raise GrammarFailure(len(lines) + 1, 1, expected[top])
        rule = rules[~act]
        if rule.size:
            del states[-rule.size :]
        rule.reduce(values)
        top = actions[states[-1]][rule.name]
        states.append(top)
        if top == t.end:
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
