"""Round trips: render any report in any layout, with real converters' noise, and read it back."""

from __future__ import annotations

import pytest
from hypothesis import example, given

import gongkai
from gongkai import LAYOUTS, Report, render
from gongkai._render import Layout

from .conftest import PROVENANCE
from .noise import Noise, noises, noisy_render
from .strategies import make_report, reports, variant_names


def _same(parsed: Report, original: Report, text: str, *, noisy: bool = False) -> None:
    want = gongkai.to_record(original)
    got = gongkai.to_record(parsed)
    # provenance differs by construction: the original was made in memory, the copy read; a
    # noisy converter may leave cells out (read as blank: the figures still agree, but fewer
    # of them were read from the text, and the report says so)
    skip = PROVENANCE if noisy else ("reader", "layout")
    # a converter's noise may leave a row's placement open: then the row says so (its figures
    # doubtful, an ambiguous-columns warning) and is not a wrong figure
    flagged = {k for k, f in parsed.figures() if f.doubtful} if noisy else set()
    diff = {
        k: (v, got.get(k, "absent"))
        for k, v in want.items()
        if k not in skip and k not in flagged and got.get(k, "absent") != v
    }
    assert not diff, f"figures differ (want, got): {diff}\n--- text ---\n{text}"
    assert parsed.variant == original.variant
    assert (parsed.title, parsed.agency, parsed.year) == (original.title, original.agency, original.year)


@pytest.mark.parametrize("layout", LAYOUTS)
@given(report=reports())
def test_canonical_round_trip(layout: Layout, report: Report) -> None:
    text = render(report, layout)
    _same(gongkai.parse(text), report, text)


@pytest.mark.parametrize("layout", LAYOUTS)
@given(report=reports(), noise=noises())
# html2text: a row ending in an empty cell ends in "| " — a cell separator, not an outer pipe
@example(
    report=make_report("2019", year=2019, figures={"requests.unable.needs_creation.total": None}),
    noise=Noise(style=2),
)
# a bookmark artefact on a markdown heading stands after its "#" marks
@example(report=make_report("2019", year=2019), noise=Noise(seed=16455, bookmark=True))
# table 二 loses merged cells at its end (pads = "end"), table 三 at its start
@example(
    report=make_report("2019", year=2019, figures={"active.licensing.previous_items": None}),
    noise=Noise(drop_blank_values=1.0),
)
# markitdown: a row that lost its rowspan cell is shorter, not padded, beside a colspan pad
@example(report=make_report("2019", year=2019), noise=Noise(style=1, drop_label_pad=0.1, colspan_pad=True))
# trailing TABs on full rows of a table
@example(report=make_report(year=2022), noise=Noise(style=0, trailing_tabs=1.0, thousands=1.0))
def test_noisy_round_trip(layout: Layout, report: Report, noise: Noise) -> None:
    text = noisy_render(report, noise, layout)
    _same(gongkai.parse(text), report, text, noisy=True)


@pytest.mark.parametrize("layout", LAYOUTS)
@given(report=reports())
def test_render_is_stable(layout: Layout, report: Report) -> None:
    text = render(report, layout)
    assert render(gongkai.parse(text), layout) == text


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("variant", variant_names())
def test_every_variant_renders(layout: Layout, variant: str) -> None:
    report = make_report(variant, year=2020 if variant == "2019" else 2022)
    text = render(report, layout)
    _same(gongkai.parse(text), report, text)
    assert gongkai.parse(text, variant=variant).variant == variant


def test_render_rejects_unknown_layout() -> None:
    with pytest.raises(ValueError, match="unknown layout"):
        render(make_report(), "html")  # type: ignore[arg-type]
