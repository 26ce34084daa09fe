"""Hypothesis strategies for whole reports: figures, agencies, years, prose.

Reports are built from a variant's data (:func:`gongkai.variants.get_variant`), so every
registered edition is covered.  :func:`make_report` is the plain constructor the strategies
use; ``@example`` cases call it directly.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from hypothesis import strategies as st

import gongkai
from gongkai import Figure, Paragraph, Report, Row, Section, Table, Variant, get_variant
from gongkai._figures import FigureKind, Value

__all__ = [
    "OFFICES",
    "PLACES",
    "agencies",
    "counts",
    "figure_values",
    "make_report",
    "money",
    "prose_sections",
    "reports",
    "variant_names",
    "years",
]

# Real-looking names: counties, districts, towns; offices of a government.
PLACES = (
    "某某县",
    "某某市",
    "某某区",
    "湘潭县",
    "定海区",
    "平潭综合实验区",
    "淮安市",
    "河口镇",
    "城关街道",
    "洪山区",
    "岳麓区",
    "海曙区",
    "江宁区",
    "番禺区",
    "昌平区",
    "浦东新区",
    "临安区",
    "萧山区",
    "宁乡市",
    "新化县",
    "永和乡",
    "南湖镇",
)
OFFICES = (
    "人民政府",
    "人民政府办公室",
    "发展和改革局",
    "财政局",
    "教育局",
    "公安局",
    "民政局",
    "自然资源和规划局",
    "生态环境局",
    "住房和城乡建设局",
    "交通运输局",
    "农业农村局",
    "卫生健康委员会",
    "市场监督管理局",
    "机关事务管理中心",
    "应急管理局",
    "司法局",
    "人力资源和社会保障局",
    "文化和旅游局",
    "医疗保障局",
    "城市管理局",
    "审计局",
)

# Prose: sentences of a real report's register.  None starts with a numeral, none holds a TAB,
# a pipe, a template label or a section keyword at its start, and every paragraph is long, so
# no paragraph can read as a heading, a caption or a table row.
_SUBJECTS = ("本机关", "我局", "我单位", "全区各部门", "本中心", "县政府办公室", "各乡镇（街道）")
_ACTIONS = (
    "深入贯彻落实《中华人民共和国政府信息公开条例》",
    "持续加大政务公开力度",
    "严格执行信息发布保密审查制度",
    "进一步规范依申请公开办理流程",
    "不断完善政府网站和政务新媒体建设",
    "围绕群众关切做好政策解读工作",
    "认真做好重点领域信息公开",
    "定期开展政务公开业务培训",
    "加强对公开内容的审核把关",
    "健全完善考核评议和责任追究机制",
)
_RESULTS = (
    "政务公开工作取得了新的成效",
    "公开质量和实效明显提升",
    "群众满意度不断提高",
    "全年未发生泄密事件",
    "切实保障了人民群众的知情权、参与权和监督权",
    "各项工作有序推进",
)
_ITEMS = ("主动公开", "依申请公开", "政府信息管理", "平台建设", "监督保障", "存在的主要问题", "改进情况")
_CN = "一二三四五六七八九十"


@st.composite
def _sentence(draw: st.DrawFn) -> str:
    subject = draw(st.sampled_from(_SUBJECTS))
    actions = draw(st.lists(st.sampled_from(_ACTIONS), min_size=1, max_size=3, unique=True))
    result = draw(st.sampled_from(_RESULTS))
    return subject + "，".join(actions) + "，" + result + "。"


@st.composite
def _paragraph(draw: st.DrawFn) -> str:
    parts = draw(st.lists(_sentence(), min_size=2, max_size=4))
    return "".join(parts)


@st.composite
def _section_prose(draw: st.DrawFn, *, max_items: int = 4) -> tuple[Paragraph, ...]:
    out: list[Paragraph] = []
    n_items = draw(st.integers(0, max_items))
    if n_items == 0:
        for _ in range(draw(st.integers(0, 2))):
            out.append(Paragraph(draw(_paragraph()), 0))
        return tuple(out)
    for i in range(n_items):
        out.append(Paragraph(f"（{_CN[i]}）{draw(st.sampled_from(_ITEMS))}", 0, item=True))
        out.append(Paragraph(draw(_paragraph()), 0))
    return tuple(out)


def prose_sections() -> st.SearchStrategy[dict[int, tuple[Paragraph, ...]]]:
    """Prose of the six sections: sub-items and paragraphs in 一/五/六, rarely in 二–四."""
    return st.fixed_dictionaries(
        {
            1: _section_prose(),
            2: st.one_of(st.just(()), _section_prose(max_items=0)),
            3: st.one_of(st.just(()), _section_prose(max_items=0)),
            4: st.just(()),
            5: _section_prose(max_items=2),
            6: _section_prose(max_items=0),
        }
    )


def agencies() -> st.SearchStrategy[str]:
    """某某县人民政府, 湘潭县河口镇人民政府, 定海区机关事务管理中心 …"""
    return st.one_of(
        st.builds(lambda p, o: p + o, st.sampled_from(PLACES), st.sampled_from(OFFICES)),
        st.builds(
            lambda p, q, o: p + q + o,
            st.sampled_from(PLACES[:8]),
            st.sampled_from(PLACES[8:]),
            st.sampled_from(OFFICES[:2]),
        ),
    )


def years(variant: str = "2021") -> st.SearchStrategy[int]:
    """Report years an edition is used for."""
    if variant.startswith("2019"):
        return st.integers(2019, 2020)
    return st.integers(2021, 2025)


def counts(signed: bool = False) -> st.SearchStrategy[Value]:
    """A count cell's value: mostly 0, some blank, small numbers, some in the thousands."""
    branches: list[st.SearchStrategy[Value]] = [
        st.just(0),
        st.just(0),
        st.just(0),
        st.just(0),
        st.none(),
        st.integers(1, 30),
        st.integers(1, 999),
        st.integers(1000, 99999),
    ]
    if signed:
        branches.append(st.integers(-500, -1))
    return st.one_of(branches)


def money() -> st.SearchStrategy[Value]:
    """A money cell (万元): 0, blank, or a Decimal with up to 6 places."""
    return st.one_of(
        st.just(Decimal(0)),
        st.none(),
        st.builds(lambda n, p: Decimal(n).scaleb(-p), st.integers(0, 10**9), st.integers(0, 6)),
    )


def variant_names() -> list[str]:
    """The registered variants (the 2021 template, and whatever else is installed)."""
    return sorted(gongkai.variants())


def _count_from(b: bytes, signed: bool) -> Value:
    """Three random bytes → a count: mostly 0, some blank, small, some in the thousands."""
    kind, hi, lo = b[0], b[1], b[2]
    n = hi * 256 + lo
    if kind < 150:
        return 0
    if kind < 175:
        return None
    if kind < 215:
        return 1 + n % 30
    if kind < 235:
        return 1 + n % 999
    if signed and kind < 245:
        return -(1 + n % 500)
    return 1000 + n


def _money_from(b: bytes) -> Value:
    kind, hi, lo = b[0], b[1], b[2]
    if kind < 120:
        return Decimal(0)
    if kind < 150:
        return None
    return Decimal(hi * 65536 + lo * 256 + kind).scaleb(-(hi % 7))


@st.composite
def figure_values(draw: st.DrawFn, variant: str = "2021") -> dict[str, Value]:
    """A value (or None) for every record key of ``variant``, drawn from one byte string
    (fast to generate, shrinks towards all zeros)."""
    v = get_variant(variant)
    keys = [
        (f"{t.prefix}{rs.row}.{col}", col in rs.money, col in rs.signed)
        for t in v.tables
        for rs in t.row_specs()
        for col in rs.columns
    ]
    raw = draw(st.binary(min_size=3 * len(keys), max_size=3 * len(keys)))
    out: dict[str, Value] = {}
    for i, (key, is_money, signed) in enumerate(keys):
        b = raw[3 * i : 3 * i + 3]
        out[key] = _money_from(b) if is_money else _count_from(b, signed)
    return out


def _figure(col: str, value: Value, kind: FigureKind | None = None) -> Figure:
    if value is None:
        return Figure(col, None, "", None, kind or "blank")
    raw = format(value, "f") if isinstance(value, Decimal) else str(value)
    return Figure(col, value, raw, None, "number")


def make_report(
    variant: str = "2021",
    *,
    agency: str = "某某县人民政府",
    year: int = 2021,
    figures: Mapping[str, Value] | None = None,
    prose: Mapping[int, tuple[Paragraph, ...]] | None = None,
    title_form: int = 0,
) -> Report:
    """A report of ``variant`` with the given figures (missing keys: 0) and prose."""
    v: Variant = get_variant(variant)
    figures = dict(figures or {})
    tables: dict[str, Table] = {}
    for t in v.tables:
        rows: list[Row] = []
        for rs in t.row_specs():
            figs = tuple(_figure(c, figures.get(f"{t.prefix}{rs.row}.{c}", 0)) for c in rs.columns)
            rows.append(Row(rs.row, rs.label, None, figs))
        n = sum(len(rs.columns) for rs in t.row_specs())
        tables[t.name] = Table(t.name, t.title, None, tuple(rows), t.prefix, gongkai.Coverage(n, n))
    title = (
        f"{agency}{year}年政府信息公开工作年度报告",
        f"{year}年{agency}政府信息公开工作年度报告",
        f"{agency}{year}年度政府信息公开工作年度报告",
    )[title_form % 3]
    prose = prose or {}
    sections = tuple(
        Section(n, (v.section_titles[n - 1] if len(v.section_titles) >= n else ""), 0, prose.get(n, ()))
        for n in range(1, len(v.section_titles) + 1)
    )
    return Report(
        title=title,
        agency=agency,
        year=year,
        edition=v.edition,
        layout="text",
        sections=sections,
        tables=tables,
        preamble=(Paragraph(title, 0),),
        variant=v.name,
    )


@st.composite
def reports(draw: st.DrawFn, variant: str | None = None) -> Report:
    """A whole report of ``variant`` (or of any registered variant)."""
    name = variant or draw(st.sampled_from(variant_names()))
    return make_report(
        name,
        agency=draw(agencies()),
        year=draw(years(name)),
        figures=draw(figure_values(name)),
        prose=draw(prose_sections()),
        title_form=draw(st.integers(0, 2)),
    )
