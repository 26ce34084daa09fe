"""The grammars: LALR without conflicts, consistent with their data files, built once; Lark's
own parser reads every block into the tree or skips it, never both, never neither."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lark import Token, Tree, logger

import gongkai
from gongkai import get_variant
from gongkai._grammar import lark_checked, parse_blocks, parser_for

VARIANTS = sorted(gongkai.variants())


@pytest.mark.parametrize("name", VARIANTS)
def test_grammar_is_lalr_without_conflicts(name: str, caplog: pytest.LogCaptureFixture) -> None:
    v = get_variant(name)
    logger.setLevel(logging.DEBUG)
    try:
        with caplog.at_level(logging.DEBUG, logger="lark"):
            lark_checked(v)
    finally:
        logger.setLevel(logging.WARNING)
    conflicts = [r.getMessage() for r in caplog.records if "conflict" in r.getMessage().lower()]
    assert conflicts == []


@pytest.mark.parametrize("name", VARIANTS)
def test_every_row_of_the_data_is_a_terminal_of_the_grammar(name: str) -> None:
    v = get_variant(name)
    terminals = {t.name.rpartition("__")[2] for t in parser_for(v).terminals}
    for table in v.tables:
        missing = set(table.rows) - terminals
        assert missing == set(), f"{name}: {table.name} rows without a terminal: {missing}"


@pytest.mark.parametrize("name", VARIANTS)
def test_catch_alls_rank_below_every_structural_terminal(name: str) -> None:
    terms = {t.name.rpartition("__")[2]: t.priority for t in parser_for(get_variant(name)).terminals}
    catch_all = max(terms["TEXT"], terms["ROW"])
    assert all(p > catch_all for n, p in terms.items() if n not in ("TEXT", "ROW"))


def test_parser_is_built_once_per_process() -> None:
    v = get_variant("2021")
    assert parser_for(v) is parser_for(v)


def test_record_keys_match_the_template_reference() -> None:
    keys_2021 = get_variant("2021").record_keys()
    keys_2019 = get_variant("2019").record_keys()
    assert len(keys_2021) == 10 + 175 + 15 and len(set(keys_2021)) == len(keys_2021)
    assert len(keys_2019) == 22 + 161 + 15 and len(set(keys_2019)) == len(keys_2019)
    assert keys_2021[:3] == [
        "active.regulations.issued",
        "active.regulations.repealed",
        "active.regulations.in_force",
    ]
    assert "requests.other.unpaid_fee.total" in keys_2021 and "requests.other.total" in keys_2019
    assert keys_2021[-1] == keys_2019[-1] == "litigation.after_review.total"


_LINES = [
    "一、总体情况\n",
    "二、主动公开政府信息情况\n",
    "三、收到和处理政府信息公开申请情况\n",
    "四、政府信息公开行政复议、行政诉讼情况\n",
    "五、存在的主要问题及改进情况\n",
    "六、其他需要报告的事项\n",
    "正文\n",
    "(一)事项\n",
    "\t规章\t0\t0\t0\n",
    "\t第二十条第(一)项\n",
    "信息内容\n",
    "\t一、本年新收\t1\n",
    "\t自然人|总计\n",
    "\t(七)总计\t1\n",
    "\t\t0\t0\n",
    "\t行政复议|行政诉讼\n",
    "结果\n",
    "\t垃圾\t3\n",
    "第二十条第(五)项\n",
    "\t行政许可\t2\n",
    "\t(六)其他处理\t1\n",
    "\t3.其他\t0\n",
]


def _tokens(tree: Tree[Token]) -> list[int]:
    return [t.line or 0 for t in tree.scan_values(lambda v: isinstance(v, Token))]


@pytest.mark.parametrize("name", VARIANTS)
@given(st.lists(st.sampled_from(_LINES), min_size=1, max_size=40))
def test_every_line_is_in_the_tree_or_skipped_exactly_once(name: str, lines: list[str]) -> None:
    tree, skipped = parse_blocks(get_variant(name), lines)
    placed = _tokens(tree)
    assert sorted(placed + [s.index + 1 for s in skipped]) == list(range(1, len(lines) + 1))


def test_a_skipped_line_names_what_was_expected_there() -> None:
    lines = [
        "四、政府信息公开行政复议、行政诉讼情况\n",
        "\t\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\n",
        "\t一、本年新收\t1\t0\t0\t0\t0\t0\t1\n",
        "五、存在的主要问题及改进情况\n",
    ]
    tree, skipped = parse_blocks(get_variant("2021"), lines)
    assert [s.index for s in skipped] == [2]
    assert any("SEC5" in e for e in skipped[0].expected)
    assert 4 in _tokens(tree)


REPORTS = [p for p in (Path(__file__).parent / "fixtures").rglob("*.txt")]


@pytest.mark.parametrize("path", REPORTS, ids=lambda p: p.name)
def test_detection_is_the_highest_priority_signature_found(path: Path) -> None:
    from gongkai._grammar import line_of
    from gongkai._readers.text import read_text

    text = "".join(line_of(b) for b in read_text(path.read_text("utf-8")).blocks)
    found = [v for v in map(get_variant, VARIANTS) if v.signature is not None and v.signature.search(text)]
    want = max(found, key=lambda v: v.priority).name if found else "2021"
    assert gongkai.detect_variant(text).name == want
