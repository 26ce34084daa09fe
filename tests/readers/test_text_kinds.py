"""What the text reader tells quickly it tells exactly: a rule is tried only at the kinds of
line it declares, so it must never read at a line of another kind; a line without a page
number's characters is never one."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from gongkai._figures import nfkc
from gongkai._readers import text as reader
from gongkai._readers.text import PDF_TEXT_RULES, RULES, LayoutRule, State, line_kind, read_text

_pieces = st.sampled_from(
    [
        "\n",
        "\n",
        "\n",
        "\t",
        "\t",
        " ",
        "|",
        "｜",
        "-",
        "---",
        "－",
        "+",
        "+---+",
        "┌──┐",
        "<table>",
        "</table>",
        "第",
        "页",
        "1",
        "0",
        "#",
        "一、",
        "（一）",
        "[bookmark: x]",
        "合计",
        "\u3000",
    ]
)

_DECLARED: list[LayoutRule] = [r for r in (*RULES, *PDF_TEXT_RULES) if r.kinds is not None]


def _states(lines: list[str], k: int) -> list[State]:
    """Fresh states at line ``k``: plain, right after a prose block, right after a row."""
    after_row = State(lines, i=k, last_row_layout="markdown", last_row_end=k - 1)
    tsv_row = State(lines, i=k, last_row_layout="tab-separated", last_row_end=k - 1)
    return [State(lines, i=k), State(lines, i=k, after_block=k), after_row, tsv_row]


@settings(max_examples=300)
@given(st.lists(_pieces, max_size=60).map("".join), st.booleans())
def test_a_rule_never_reads_at_a_line_of_a_kind_it_does_not_declare(text: str, final_newline: bool) -> None:
    lines = text.split("\n")
    for k, line in enumerate(lines):
        kind = line_kind(line)
        for rule in _DECLARED:
            assert rule.kinds is not None
            if kind in rule.kinds:
                continue
            for state in _states(lines, k):
                state.final_newline = final_newline
                state.claims = tuple(r.claims for r in RULES if r.claims is not None)
                assert not rule.apply(state), (rule.name, kind, line)
                assert state.i == k and not state.blocks


def test_line_kinds() -> None:
    assert [line_kind(x) for x in ["", " ", "\t", " \t ", "\t0", "\t合计", "a\tb", "\t1\t2"]] == [
        "blank",
        "blank",
        "blank",
        "blank",
        "cell",
        "cell",
        "tab",
        "tab",
    ]
    assert [line_kind(x) for x in ["| a |", "a| b", "第 4 页", "｜"]] == ["pipe", "pipe", "text", "text"]


def test_a_callers_rule_without_kinds_is_tried_at_every_line() -> None:
    seen: list[str] = []

    def note(state: State) -> bool:
        seen.append(line_kind(state.lines[state.i]))
        return False

    rules = (LayoutRule("note", note), *RULES)
    read_text("\n\t0\na\tb\n| a |\n正文\n", rules=rules)
    assert seen == ["blank", "cell", "tab", "pipe", "text"]


def test_every_character_nfkc_makes_a_page_numbers_dash_or_di_is_in_the_hint() -> None:
    # page_number looks for a page number only in a line with one of these characters
    wanted = "-—–第"
    for code in range(0x110000):
        ch = chr(code)
        if 0xD800 <= code <= 0xDFFF or not any(w in nfkc(ch) for w in wanted):
            continue
        assert reader._PAGE_NO_HINT.search(ch), f"U+{code:04X}"
