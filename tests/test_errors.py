"""Bad input: ParseError and nothing else; lenient diagnostics; strict mode."""

from __future__ import annotations

import contextlib

import pytest

import gongkai
from gongkai import ParseError

HEAD = "某某县人民政府2022年政府信息公开工作年度报告\n一、总体情况\n全年工作顺利。\n三、收到和处理政府信息公开申请情况\n"


@pytest.mark.parametrize(
    "text",
    ["", "\n\n\n", "hello world", "\t\t\t\n\t\n", "一、\n二、", "|||\n| --- |", "\x00\x01\x02", "\ufeff"],
)
def test_not_a_report_is_a_parse_error(text: str) -> None:
    with pytest.raises(ParseError) as info:
        gongkai.parse(text)
    err = info.value
    assert isinstance(err, ValueError)
    assert err.line >= 1 and err.column >= 1
    assert "一、总体情况" in err.expected


def test_parse_error_message_names_line_expected_and_excerpt() -> None:
    with pytest.raises(ParseError) as info:
        gongkai.parse("\n\nDear reader,\nthis is a letter.\n")
    err = info.value
    assert (err.line, err.column, err.excerpt) == (3, 1, "Dear reader,")
    assert str(err).startswith("line 3, column 1: not a 政府信息公开工作年度报告")
    assert "expected 一、总体情况" in str(err)


@pytest.mark.parametrize("value", [None, 42, b"\xff\xfe\x00", ["一、总体情况"]])
def test_wrong_input_types_are_parse_errors(value: object) -> None:
    with pytest.raises(ParseError):
        gongkai.parse(value)  # type: ignore[arg-type]


def test_bytes_in_utf8_are_read() -> None:
    report = gongkai.parse((HEAD + "一、本年新收政府信息公开申请数量\t1\t0\t0\t0\t0\t0\t1\n").encode())
    assert report.requests is not None


def test_unknown_variant_lists_the_known_ones() -> None:
    with pytest.raises(ParseError, match=r"known variants: .*2021"):
        gongkai.parse(HEAD, variant="no-such-edition")


def test_unknown_row_is_a_diagnostic_and_its_figures_are_kept() -> None:
    text = (
        HEAD
        + "一、本年新收政府信息公开申请数量\t1\t0\t0\t0\t0\t0\t1\n其中：网上申请\t77\t0\t0\t0\t0\t0\t77\n"
    )
    report = gongkai.parse(text)
    (d,) = [d for d in report.diagnostics if d.code == "unexpected-line"]
    assert d.line == 6 and d.severity == "error"
    assert "77" in d.message and "77" in d.raw
    assert d.expected  # what the grammar would have accepted there
    assert report.requests is not None and report.requests["new"]["total"].value == 1


def test_strict_mode_raises_on_the_first_deviation() -> None:
    text = (
        HEAD
        + "一、本年新收政府信息公开申请数量\t1\t0\t0\t0\t0\t0\t1\n其中：网上申请\t77\t0\t0\t0\t0\t0\t77\n"
    )
    with pytest.raises(ParseError) as info:
        gongkai.parse(text, strict=True)
    err = info.value
    assert err.diagnostic is not None and err.diagnostic.code == "unexpected-line"
    assert (err.line, err.column) == (6, 1)
    assert err.excerpt.startswith("其中：网上申请")


def test_missing_sections_are_diagnostics_not_failures() -> None:
    report = gongkai.parse(HEAD + "一、本年新收政府信息公开申请数量\t1\t0\t0\t0\t0\t0\t1\n")
    codes = {(d.code, d.severity) for d in report.diagnostics}
    assert ("missing-section", "warning") in codes
    assert [s.number for s in report.sections] == [1, 3]


def test_unreadable_cell_is_reported_with_its_text() -> None:
    report = gongkai.parse(HEAD + "一、本年新收政府信息公开申请数量\t1\t0\t0\t0\t0\t0\t约10\n")
    assert report.requests is not None
    fig = report.requests["new"]["total"]
    assert (fig.value, fig.kind, fig.raw) == (None, "unreadable", "约10")
    assert any(d.code == "unreadable-cell" and "约10" in d.message for d in report.diagnostics)


def test_extra_cells_are_set_aside_not_guessed() -> None:
    report = gongkai.parse(HEAD + "一、本年新收政府信息公开申请数量\t1\t2\t3\t4\t5\t6\t7\t8\t9\n")
    (d,) = [d for d in report.diagnostics if d.code == "extra-cells"]
    assert d.severity == "error" and "8" in d.message and "9" in d.message


def test_junk_after_a_valid_report_stays_linear_and_reported() -> None:
    seed = HEAD + "一、本年新收政府信息公开申请数量\t1\t0\t0\t0\t0\t0\t1\n"
    junk = "垃圾\t1\t2\n" * 5000
    report = gongkai.parse(seed + junk)
    assert report.requests is not None and report.requests["new"]["total"].value == 1
    assert sum(d.code == "unexpected-line" for d in report.diagnostics) == 5000


def test_text_past_the_line_limit_is_kept_whole_in_one_diagnostic() -> None:
    from gongkai._readers.text import MAX_LINES

    seed = HEAD + "一、本年新收政府信息公开申请数量\t1\t0\t0\t0\t0\t0\t1\n"
    junk = "垃圾\t1\t2\n" * (MAX_LINES + 1000)
    report = gongkai.parse(seed + junk)
    assert report.requests is not None and report.requests["new"]["total"].value == 1
    (over,) = [d for d in report.diagnostics if d.code == "too-long"]
    assert over.severity == "error" and over.line == MAX_LINES + 1
    skipped = sum(d.code == "unexpected-line" for d in report.diagnostics)
    # every junk line is in a diagnostic: read one by one up to the limit, kept whole after it
    assert skipped + over.raw.count("垃圾") == MAX_LINES + 1000


def test_parse_error_pickles() -> None:
    import pickle

    err = ParseError("x", line=3, column=2, expected=("a",), excerpt="e")
    back = pickle.loads(pickle.dumps(err))
    assert (back.line, back.column, back.expected, back.excerpt, str(back)) == (3, 2, ("a",), "e", str(err))


@pytest.mark.parametrize(
    "text",
    [
        "文" * 300_000,  # one long line, no line end: a regex with nested repeats would go quadratic
        "文" * 200_000 + "\n" + "字" * 100_000,
        "一、总体情况\n" + "文字 段落。\n" * 30_000,
        " " * 300_000 + "\t",
        "\t" + "本年新收" * 50_000 + "\n",
    ],
    ids=["long-line", "long-lines", "many-lines", "spaces-tab", "long-row"],
)
def test_long_inputs_read_in_linear_time(text: str) -> None:
    # No clock here: a super-linear path makes this test hang instead of pass.
    try:
        report = gongkai.parse(text)
    except ParseError as e:
        assert "internal error" not in e.message
    else:
        assert report.sections


def test_thousands_of_figure_rows_in_one_table_stay_linear() -> None:
    # table 四 joins all its figure rows: 3,000 of them must not make placement quadratic
    text = HEAD.replace("三、收到和处理政府信息公开申请情况", "四、政府信息公开行政复议、行政诉讼情况")
    text += "\t行政复议\t行政诉讼\n" + "".join(
        "\t".join(["", *[str(i % 7)] * 15]) + "\n" for i in range(3000)
    )
    report = gongkai.parse(text)
    assert report.appeals is not None
    assert any(d.code == "extra-cells" for d in report.diagnostics)


@pytest.mark.parametrize("enabled", [True, False])
@pytest.mark.parametrize("text", ["一、总体情况\n本年度……\n", "not a report at all"])
def test_parse_leaves_the_garbage_collector_as_it_found_it(enabled: bool, text: str) -> None:
    """parse pauses the cyclic collector while it reads; it must hand it back in the state it
    found it, also when it raises."""
    import gc

    was = gc.isenabled()
    try:
        gc.enable() if enabled else gc.disable()
        with contextlib.suppress(gongkai.ParseError):
            gongkai.parse(text)
        assert gc.isenabled() is enabled
    finally:
        gc.enable() if was else gc.disable()
