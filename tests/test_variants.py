"""Editions and variants: detection, forcing, the registry, a third-party entry point, 2019."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import gongkai
from gongkai._variants import refresh

from .conftest import FIXTURES, SEEDS

variants_module = sys.modules["gongkai._variants"]

EXAMPLE = Path(__file__).parent / "example_variant"
SAMPLE_2019 = (FIXTURES / "edition2019" / "synthetic_2019.tsv.txt").read_text("utf-8")


def test_builtin_variants_are_listed_with_a_description() -> None:
    listed = gongkai.variants()
    assert {"2021", "2019"} <= set(listed)
    assert all(isinstance(d, str) and d for d in listed.values())


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.stem)
def test_2021_detected_from_labels(path: Path) -> None:
    report = gongkai.parse(path.read_text("utf-8"))
    assert (report.edition, gongkai.to_record(report)["edition"]) == ("2021", "2021")


def test_2019_detected_from_its_own_labels_not_its_year() -> None:
    text = SAMPLE_2019.replace("2019年", "2022年")  # the year says nothing about the edition
    report = gongkai.parse(text)
    assert report.edition == "2019" and report.year == 2022


def test_2019_figures_and_keys() -> None:
    report = gongkai.parse(SAMPLE_2019)
    record = gongkai.to_record(report)
    assert record["edition"] == "2019"
    assert len(record) == 9 + 22 + 161 + 15
    assert record["active.licensing.change"] == -4  # 本年增/减 may be negative
    assert record["active.coercion.change"] is None  # "/" is not applicable
    assert str(record["active.procurement.amount"]) == "251000"  # "251000元": money with its unit
    assert record["active.normative_documents.total_public"] == 45
    assert [record[f"requests.other.{c}"] for c in ("natural_person", "total")] == [3, 3]
    # 2021-only keys are absent from a 2019 record, and the other way round
    assert "requests.other.other.total" not in record and "active.regulations.issued" not in record
    seed = gongkai.to_record(gongkai.parse(SEEDS[0].read_text("utf-8")))
    assert "requests.other.total" not in seed and "active.procurement.amount" not in seed
    assert all(d.severity == "info" for d in report.diagnostics)


def test_forcing_a_variant() -> None:
    report = gongkai.parse(SAMPLE_2019, variant="2021")
    assert report.edition == "2021"
    assert any(d.code == "unexpected-line" for d in report.diagnostics)  # 其他对外管理服务事项 …


def test_unknown_variant_is_a_clear_error() -> None:
    with pytest.raises(gongkai.ParseError, match=r"unknown variant 'zz'; known variants: .*2019.*2021"):
        gongkai.parse(SAMPLE_2019, variant="zz")


@pytest.fixture
def example_installed(tmp_path: Path) -> Iterator[None]:
    """Install the example variant package's metadata the way pip would (a dist-info folder)."""
    dist = tmp_path / "gongkai_example_variant-0.1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: gongkai-example-variant\nVersion: 0.1.0\n")
    (dist / "entry_points.txt").write_text(
        "[gongkai.variants]\nexample-inspections = gongkai_example_variant:VARIANT\n"
    )
    sys.path[:0] = [str(tmp_path), str(EXAMPLE)]
    refresh()
    try:
        yield
    finally:
        sys.path.remove(str(tmp_path))
        sys.path.remove(str(EXAMPLE))
        sys.modules.pop("gongkai_example_variant", None)
        refresh()


def test_third_party_variant_found_through_its_entry_point(example_installed: None) -> None:
    assert "example-inspections" in gongkai.variants()
    text = SEEDS[1].read_text("utf-8").replace("行政强制\t0\t\t\n", "行政强制\t0\t\t\n行政检查\t57\t\t\n")
    report = gongkai.parse(text)
    assert report.variant == "example-inspections"
    record = gongkai.to_record(report)
    assert record["active.inspection.decisions"] == 57
    assert record["requests.new.total"] == 14  # everything else is the base grammar
    assert all(d.severity == "info" for d in report.diagnostics)


def test_base_reports_stay_base_when_the_example_is_installed(example_installed: None) -> None:
    assert gongkai.parse(SEEDS[1].read_text("utf-8")).variant == "2021"


def test_2019_detected_from_table_three_alone() -> None:
    # no table 二: the single (六)其他处理 row with figures of its own says 2019
    start = SAMPLE_2019.index("三、收到和处理政府信息公开申请情况")
    text = SAMPLE_2019[: SAMPLE_2019.index("二、主动公开政府信息情况")] + SAMPLE_2019[start:]
    report = gongkai.parse(text)
    assert report.edition == "2019"
    assert gongkai.to_record(report)["requests.other.total"] == 3
