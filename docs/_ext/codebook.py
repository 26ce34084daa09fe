"""The ``codebook`` directive: every record key of gongkai's template editions, generated from
the variants' own data (``gongkai.get_variant(name).tables``) when the site is built, so the
codebook cannot drift from what :func:`gongkai.to_record` writes.

Usage in a MyST page::

    ```{codebook}
    :lang: zh
    ```

One table per report table (二, 三, 四): record key, row and column labels as printed in each
edition (2021 and the 2019 trial edition; "—" where an edition has no such cell), type and unit.
The meta keys (``gongkai._record.META``) come first.  :func:`codebook_rows` is the same data
as plain rows, for tests and scripts.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, NamedTuple

from docutils import nodes
from docutils.parsers.rst import Directive, directives

import gongkai
from gongkai._record import META

#: The editions the codebook covers, newest first.
EDITIONS = ("2021", "2019")
_NUMERAL = {2: "二", 3: "三", 4: "四"}
_UNIT = re.compile(r"单位[:：]\s*([^，,）)\s]+)")

_META_TEXT = {
    "agency": ("the agency that published the report (from its title)", "发布报告的机关（取自标题）"),
    "year": ("the year the report covers", "报告所属年度"),
    "edition": (
        "template edition: 2021 or 2019 (or a variant's edition)",
        "模板版本：2021 或 2019（或地方变体的版本）",
    ),
    "reader": ("what read the source: text, html, docx, pdf", "读取来源的读取器：text、html、docx、pdf"),
    "layout": ("the text layout(s) seen", "识别到的文本版式"),
    "read_status": (
        "read, or incomplete (a table or figures missing)",
        "read（完整读取）或 incomplete（缺表或缺数）",
    ),
    "figures_read": ("how many of the template's figures were read", "读到的模板数字个数"),
    "figures_expected": ("how many figures the template has", "模板应有的数字个数"),
    "gongkai_version": ("the gongkai version that read it", "读取所用的 gongkai 版本"),
}


class Entry(NamedTuple):
    """One record key of the codebook."""

    key: str
    table: str  # 二, 三, 四 …
    table_title: str
    labels: dict[str, str]  # edition → "row label · column label" as printed
    kind: str  # "count" or "money"
    signed: bool
    unit: str


def _column_labels(spec: Any) -> dict[tuple[str, str], str]:
    """(row, column) → the column's header as printed: a block's own header (table 二) or the
    table's column label (the same wording the checks' findings use)."""
    out: dict[tuple[str, str], str] = {}
    by_terminal = {t: specs for t, specs in spec.rows.items()}
    for block in spec.blocks:
        header = [str(h) for h in block.get("header", ())][1:]  # the first is 信息内容
        for terminal in block.get("rows", ()):
            for rs in by_terminal.get(terminal, ()):
                for i, column in enumerate(rs.columns):
                    if i < len(header):
                        out[(rs.row, column)] = header[i]
    for rs in spec.row_specs():
        for column in rs.columns:
            out.setdefault((rs.row, column), spec.column_label(column))
    return out


def codebook_rows(editions: tuple[str, ...] = EDITIONS) -> list[Entry]:
    """Every figure's record key over ``editions``, in the printed order of the newest edition
    that has it."""
    entries: dict[str, Entry] = {}
    for edition in editions:
        variant = gongkai.get_variant(edition)
        for spec in variant.tables:
            columns = _column_labels(spec)
            for rs in spec.row_specs():
                row_label = f"{rs.group} {rs.label}".strip() if rs.group else rs.label
                for column in rs.columns:
                    key = f"{spec.prefix}{rs.row}.{column}"
                    header = columns[(rs.row, column)]
                    label = f"{row_label} · {header}" if header else row_label
                    money = column in rs.money
                    unit_match = _UNIT.search(header)
                    unit = unit_match.group(1) if unit_match else ("as printed (元/万元)" if money else "件")
                    entry = entries.get(key)
                    if entry is None:
                        entries[key] = Entry(
                            key,
                            _NUMERAL.get(spec.section, str(spec.section)),
                            spec.title,
                            {edition: label},
                            "money" if money else "count",
                            column in rs.signed,
                            unit,
                        )
                    else:
                        entry.labels[edition] = label
    return list(entries.values())


_HEAD = {
    "en": ("record key", "label as printed, 2021 edition", "label as printed, 2019 edition", "type", "unit"),
    "zh": ("记录键", "2021 年版表格中的标签", "2019 年试行版表格中的标签", "类型", "单位"),
}
_TYPE = {
    "en": {"count": "count (int)", "money": "money (Decimal)", "signed": ", may be negative"},
    "zh": {"count": "件数（整数）", "money": "金额（Decimal）", "signed": "，可为负数"},
}


def _table(head: Sequence[str], rows: Sequence[Sequence[str]], widths: tuple[int, ...]) -> nodes.table:
    table = nodes.table(classes=["codebook"])
    group = nodes.tgroup(cols=len(head))
    table += group
    for w in widths:
        group += nodes.colspec(colwidth=w)
    thead = nodes.thead()
    group += thead
    tbody = nodes.tbody()
    group += tbody
    for target, cells in ((thead, head), *((tbody, r) for r in rows)):
        row = nodes.row()
        for i, text in enumerate(cells):
            entry = nodes.entry()
            para = nodes.paragraph()
            para += nodes.literal(text, text) if i == 0 and target is tbody else nodes.Text(text)
            entry += para
            row += entry
        target += row
    return table


class CodebookDirective(Directive):  # type: ignore[misc]  # docutils ships no types
    """``{codebook}`` with ``:lang: en`` (default) or ``:lang: zh``."""

    has_content = False
    option_spec = {"lang": lambda arg: directives.choice(arg, ("en", "zh"))}  # noqa: RUF012 - docutils API

    def run(self) -> list[nodes.Node]:
        lang = self.options.get("lang", "en")
        out: list[nodes.Node] = []
        meta_head = ("record key", "meaning") if lang == "en" else ("记录键", "含义")
        meta = [(k, _META_TEXT.get(k, ("", ""))[0 if lang == "en" else 1]) for k in META]
        out.append(
            self._section(
                "meta",
                "Meta keys" if lang == "en" else "元数据键",
                _table(meta_head, meta, (25, 75)),
                lang=lang,
            )
        )
        entries = codebook_rows()
        for numeral in dict.fromkeys(e.table for e in entries):
            part = [e for e in entries if e.table == numeral]
            rows = []
            for e in part:
                kind = _TYPE[lang][e.kind] + (_TYPE[lang]["signed"] if e.signed else "")
                unit = e.unit if lang == "zh" or e.unit != "件" else "件 (items)"
                if lang == "zh" and e.unit.startswith("as printed"):
                    unit = "按报告所印（元或万元）"
                rows.append((e.key, e.labels.get("2021", "—"), e.labels.get("2019", "—"), kind, unit))
            title = (
                f"表{numeral} {part[0].table_title}"
                if lang == "zh"
                else f"Table {numeral} — {part[0].table_title}"
            )
            out.append(
                self._section(
                    f"table-{numeral}",
                    title,
                    _table(_HEAD[lang], rows, (28, 30, 30, 12, 10)),
                    len(part),
                    lang,
                )
            )
        return out

    def _section(
        self, ident: str, title: str, table: nodes.table, count: int = 0, lang: str = "en"
    ) -> nodes.section:
        section = nodes.section(ids=[f"codebook-{lang}-{ident}"])
        section += nodes.title(title, title)
        if count:
            text = f"{count} keys." if lang == "en" else f"共 {count} 个键。"
            section += nodes.paragraph(text, text)
        section += table
        return section


def setup(app: Any) -> dict[str, Any]:
    """Register the directive."""
    app.add_directive("codebook", CodebookDirective)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
