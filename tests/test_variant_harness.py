"""One harness for every variant (sqlglot's per-dialect tests, python-holidays' registry test):
every registered variant — the two editions and the examples in tests/example_variant — runs
the same properties: its reports render and read back in every layout, its record has every
key of its tables, nothing printed is lost, its checks name its own cells.  A two-way test ties
the registered variants to the grammar and data files on disk."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import gongkai
from gongkai import Variant
from gongkai._grammar import parser_for

from .conftest import figures_of
from .strategies import agencies, figure_values, make_report

EXAMPLE = Path(__file__).parent / "example_variant"
GRAMMARS = Path(__file__).parent.parent / "grammars"


def _examples() -> list[Variant]:
    sys.path.insert(0, str(EXAMPLE))
    try:
        from gongkai_example_variant import STAFF, VARIANT
    finally:
        sys.path.remove(str(EXAMPLE))
    return [VARIANT, STAFF]


EXAMPLES = _examples()
NAMES = sorted([*gongkai.variants(), *(v.name for v in EXAMPLES)])


@pytest.fixture(autouse=True, scope="module")
def _registered() -> Iterator[None]:
    # the examples' grammars load from their package: importable while the harness runs
    sys.path.insert(0, str(EXAMPLE))
    for v in EXAMPLES:
        gongkai.register(v)
    yield
    sys.path.remove(str(EXAMPLE))
    from gongkai import _variants

    for v in EXAMPLES:
        _variants._registered.pop(v.name, None)
    _variants.refresh()


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("layout", gongkai.LAYOUTS)
@settings(max_examples=15)
@given(data=st.data())
def test_every_variant_reads_back_what_it_renders(
    name: str, layout: gongkai._render.Layout, data: st.DataObject
) -> None:
    figures = data.draw(figure_values(name))
    report = make_report(name, agency=data.draw(agencies()), figures=figures)
    text = gongkai.render(report, layout)
    again = gongkai.parse(text)
    assert again.variant == name
    assert figures_of(gongkai.to_record(again)) == figures_of(gongkai.to_record(report)), text
    assert again.read_status == "read"
    assert [d for d in again.diagnostics if d.severity != "info"] == []


@pytest.mark.parametrize("name", NAMES)
def test_every_variant_records_every_cell_of_its_tables(name: str) -> None:
    v = gongkai.get_variant(name)
    record = gongkai.to_record(make_report(name))
    keys = [k for k in record if k not in gongkai._record.META]
    assert keys == v.record_keys()
    assert all(any(k.startswith(t.prefix) for t in v.tables) for k in keys)


@pytest.mark.parametrize("name", NAMES)
def test_every_variant_checks_only_its_own_cells(name: str) -> None:
    v = gongkai.get_variant(name)
    keys = set(v.record_keys())
    report = make_report(name, figures=dict.fromkeys(v.record_keys(), 1))
    for finding in gongkai.check(report):
        assert set(finding.cells) <= keys, finding


@pytest.mark.parametrize("name", NAMES)
def test_every_row_of_every_variant_has_a_terminal(name: str) -> None:
    v = gongkai.get_variant(name)
    terminals = {t.name.rpartition("__")[2] for t in parser_for(v).terminals}
    for table in v.tables:
        assert set(table.rows) <= terminals, table.name


def test_registered_variants_and_files_on_disk_match() -> None:
    """Every grammar and data file on disk is some registered variant's; every registered
    variant's files are on disk."""
    on_disk = {p.name for p in GRAMMARS.glob("*.lark")} | {
        p.name for p in (EXAMPLE / "gongkai_example_variant").glob("*.lark")
    }
    # (figures.toml and crosswalk.toml are shared data, no variant's)
    data_on_disk = {p.name for p in GRAMMARS.glob("*.toml")} - {"figures.toml", "crosswalk.toml"} | {
        p.name for p in (EXAMPLE / "gongkai_example_variant").glob("*.toml")
    }
    used = {gongkai.get_variant(n).grammar for n in NAMES}
    data_used = {*gongkai._variants.BUILTIN, "inspections.toml", "staff.toml"}
    assert used == on_disk
    assert data_used == data_on_disk
    for n in NAMES:
        v = gongkai.get_variant(n)
        assert (
            (GRAMMARS if v.package == "gongkai.grammars" else EXAMPLE / v.package)
            .joinpath(v.grammar)
            .exists()
        )


def test_a_section_table_of_a_variant_is_kept_everywhere() -> None:
    report = make_report("example-staff", figures={"staff.full_time.count": 3, "staff.part_time.count": 5})
    text = gongkai.render(report, "markdown")
    assert "专职人员 | 3" in text
    again = gongkai.parse(text)
    assert list(again.tables) == ["active", "requests", "appeals", "staff"]
    staff = again.tables["staff"]
    assert (staff["full_time"]["count"].value, staff["part_time"]["count"].value) == (3, 5)
    assert again.section(5) is not None
    assert gongkai.to_record(again)["staff.part_time.count"] == 5
    assert "staff" in gongkai.to_dict(again)["tables"]
