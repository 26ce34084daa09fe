"""The Word reader: real .docx reports read to every figure, merged cells counted once, bad input
refused with a ReadError."""

from __future__ import annotations

import io
import itertools
import json
import random
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gongkai._document import Document, Prose, Row
from gongkai._errors import ReadError
from gongkai._figures import classify

docx = pytest.importorskip("docx")

from gongkai._readers._grid import MAX_SPAN  # noqa: E402
from gongkai._readers.docx import MAX_CELLS, MAX_DEPTH, read  # noqa: E402
from tests.conftest import zip_package  # noqa: E402
from tests.template import HEADINGS  # noqa: E402

HERE = Path(__file__).parent.parent / "fixtures" / "documents" / "docx"


def _read(name: str) -> Document:
    return read((HERE / name).read_bytes(), source=name)


def _rows(document: Document, table: int | None = None) -> list[Row]:
    return [b for b in document.blocks if isinstance(b, Row) and (table is None or b.table == table)]


def _values(document: Document) -> list[str]:
    """Every value cell's text, in document order (pads left out: they are no cells)."""
    return [c.text for row in _rows(document) for c in row.values if not c.pad]


def _row(document: Document, label_part: str) -> Row:
    (row,) = [r for r in _rows(document) if label_part in r.label]
    return row


def _heading_index(document: Document, heading: str) -> int:
    return next(i for i, b in enumerate(document.blocks) if isinstance(b, Prose) and b.text == heading)


def _first_row_index(document: Document, table: int) -> int:
    return next(i for i, b in enumerate(document.blocks) if isinstance(b, Row) and b.table == table)


# --- the real documents ------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["pingtan_2021", "pingtan_2023"])
def test_real_report_every_figure(name: str) -> None:
    """The 200 figures of tables 二/三/四, in reading order, are the hand-read record's."""
    document = _read(f"{name}.lo.docx")
    expect: dict[str, Any] = json.loads((HERE / f"{name}.json").read_text("utf-8"))["values"]
    assert document.reader == "docx"
    assert all(row.grid for row in _rows(document))
    assert [len(_values(Document(tuple(_rows(document, t))))) for t in (1, 2, 3)] == [10, 175, 15]
    assert _values(document) == ["" if v is None else str(v) for v in expect.values()]


def test_real_report_rows_exactly() -> None:
    document = _read("pingtan_2021.lo.docx")
    fees = _row(document, "行政事业性收费")
    assert [c.text for c in fees.values] == ["24252.311082"]
    new = _row(document, "一、本年新收")
    assert [c.text for c in new.values] == ["64", "0", "0", "2", "0", "4", "70"]
    secret = _row(document, "1.属于国家秘密")
    assert secret.label == "三、本年度办理结果|(三)不予公开|1.属于国家秘密"
    assert secret.where.table == 2 and secret.where.row == 8
    assert secret.values[0].where.cell == 4  # the fourth <w:tc> of its row: the group labels are merged
    other = _row(document, "(六)其他处理|3.其他")
    assert [c.text for c in other.values] == ["1", "0", "0", "0", "0", "0", "1"]
    (review,) = [r for r in _rows(document, 3) if r.values and not r.labels]
    assert [c.text for c in review.values] == [
        "1",
        "0",
        "2",
        "0",
        "3",
        "12",
        "0",
        "0",
        "0",
        "12",
        "0",
        "0",
        "0",
        "0",
        "0",
    ]


@pytest.mark.parametrize("name", ["pingtan_2021", "pingtan_2023"])
def test_real_report_prose(name: str) -> None:
    document = _read(f"{name}.lo.docx")
    year = name[-4:]
    prose = [b.text for b in document.blocks if isinstance(b, Prose)]
    assert f"平潭综合实验区{year}年度政府信息公开工作年度报告" in prose
    positions = [_heading_index(document, h) for h in HEADINGS]
    assert positions == sorted(positions)
    # each table stands between its heading and the next one
    for table, (before, after) in enumerate(itertools.pairwise(positions[1:5]), start=1):
        assert before < _first_row_index(document, table) < after
    assert all(b.where.paragraph for b in document.blocks if isinstance(b, Prose))


def test_official_template_is_blank() -> None:
    document = _read("template_2021_official.docx")
    values = _values(document)
    assert len(values) == 10 + 175 + 15
    assert all(v == "" for v in values)
    prose = [b.text for b in document.blocks if isinstance(b, Prose)]
    assert [h for h in HEADINGS if h in prose] == list(HEADINGS)
    header = next(r for r in _rows(document, 2) if "科研机构" in r.label)
    assert "商业企业" in [c.text for c in header.labels]
    assert "商业 企业" in [c.raw for c in header.labels]  # two paragraphs of one cell


# --- fixtures written with python-docx ---------------------------------------------------------


def test_merges_fixture() -> None:
    document = _read("merges.docx")
    blocks = document.blocks
    kinds = ["P" if isinstance(b, Prose) else f"T{b.table}" for b in blocks]
    assert kinds == ["P"] * 5 + ["T1"] * 6 + ["P"] + ["T2"] * 3 + ["P"]
    assert [b.text for b in blocks[2:4] if isinstance(b, Prose)] == ["第一行", "第二行"]
    rows = _rows(document, 1)
    assert [r.label for r in rows] == [
        "项目|申请人情况",
        "项目|自然人|商业企业|总计",  # the 2×2 corner labels both header rows; 商业/企业 one label
        "三、本年度办理结果|(一)予以公开",
        "三、本年度办理结果|(二)部分公开",
        "三、本年度办理结果|(三)不予公开",
        "四、结转下年度继续办理",
    ]
    assert [[c.text for c in r.values] for r in rows[2:]] == [
        ["1", "2", "3"],
        ["4", "5", "6"],
        ["7", "", "8"],
        ["9", "0", ""],
    ]
    # the figure 5 merged over two rows is not copied into the row below: that place is a pad
    assert [c.pad for c in rows[4].values] == [False, True, False]
    assert [c.pad for c in rows[5].values] == [False, False, False]  # a blank cell of its own
    (review,) = [r for r in _rows(document, 2) if not r.labels]
    assert [c.text for c in review.values] == ["11", "", "/", "13"]


def test_nested_fixture() -> None:
    document = _read("nested.docx")
    got = [
        (b.text if isinstance(b, Prose) else (b.table, b.label, [c.text for c in b.values]))
        for b in document.blocks
    ]
    assert got == [
        "二、主动公开政府信息情况",  # a one-cell table is a frame: its content is read as body
        (1, "规章", ["5"]),
        (1, "行政规范性文件", ["6"]),
        "说明文字",
        (2, "行政许可", ["7"]),
        (2, "附表", [""]),
        (3, "行政处罚", ["8"]),  # a table nested in a cell follows that cell's row
        "三、收到和处理政府信息公开申请情况",  # a one-column table is a frame too
        (4, "一、本年新收", ["9", "10"]),
        "结尾",
    ]


def test_late_row_keeps_its_columns() -> None:
    """A row that starts late (w:gridBefore) keeps its figures in their columns: the place it
    skips is a pad, not a blank figure."""
    rows = _rows(_read("late_row.docx"))
    assert [(r.label, [c.text for c in r.values]) for r in rows] == [
        ("项目|列一|列二", []),
        ("甲", ["1", "2"]),
        ("", ["", "3", "4"]),
    ]
    assert [c.pad for c in rows[2].values] == [True, False, False]


def test_merge_longer_than_max_span() -> None:
    """A group label and a figure merged down more rows than _grid.MAX_SPAN: every row keeps its
    columns, the label labels every row, the figure is read once."""
    n = MAX_SPAN + 6
    document = docx.Document()
    table = document.add_table(rows=n, cols=4)
    table.cell(0, 0).merge(table.cell(n - 1, 0)).text = "分组"
    table.cell(0, 2).merge(table.cell(n - 1, 2)).text = "77777"
    for r in range(n):
        table.cell(r, 1).text = f"{r + 1}.子项"
        table.cell(r, 3).text = str(r)
    out = io.BytesIO()
    document.save(out)
    rows = _rows(read(out.getvalue()))
    assert len(rows) == n
    assert all(r.label == f"分组|{i + 1}.子项" for i, r in enumerate(rows))
    assert all(r.values[-1].text == str(i) for i, r in enumerate(rows))
    assert [c.text for r in rows for c in r.values if c.text and not c.pad].count("77777") == 1


def test_too_many_cells_refused_quickly() -> None:
    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    cell = "<w:tc><w:p/></w:tc>"
    body = "<w:tbl>" + ("<w:tr>" + cell * 20 + "</w:tr>") * (MAX_CELLS // 20 + 1) + "</w:tbl>"
    members = dict(_MEMBERS)
    members["word/document.xml"] = f"<w:document {w}><w:body>{body}</w:body></w:document>".encode()
    with pytest.raises(ReadError, match="table cells"):
        read(zip_package(members))


def test_deep_nesting_refused() -> None:
    document = docx.Document()
    holder: Any = document
    for _ in range(MAX_DEPTH + 1):
        table = holder.add_table(rows=1, cols=2)
        table.cell(0, 0).text = "层"
        holder = table.cell(0, 1)
    out = io.BytesIO()
    document.save(out)
    with pytest.raises(ReadError, match="nest"):
        read(out.getvalue())


def test_content_python_docx_does_not_reach_is_said() -> None:
    """A table in a content control, a tracked insertion and a text box are not read, and the
    document says so (a Diagnostic) rather than losing them silently."""
    document = docx.Document()
    document.add_paragraph("正文")
    out = io.BytesIO()
    document.save(out)
    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as package:
        members = {m: package.read(m) for m in package.namelist()}
    xml = members["word/document.xml"].decode()
    extra = (
        "<w:sdt><w:sdtContent><w:tbl><w:tr><w:tc><w:p><w:r><w:t>规章</w:t></w:r></w:p></w:tc>"
        "<w:tc><w:p><w:r><w:t>5</w:t></w:r></w:p></w:tc></w:tr></w:tbl></w:sdtContent></w:sdt>"
        "<w:p><w:ins><w:r><w:t>插入</w:t></w:r></w:ins></w:p>"
        "<w:p><w:r><w:pict><v:shape xmlns:v='urn:schemas-microsoft-com:vml'><v:textbox><w:txbxContent>"
        "<w:p><w:r><w:t>框</w:t></w:r></w:p></w:txbxContent></v:textbox></v:shape></w:pict></w:r></w:p>"
    )
    members["word/document.xml"] = xml.replace("<w:sectPr", extra + "<w:sectPr", 1).encode()
    read_back = read(zip_package(members))
    assert [b.text for b in read_back.blocks if isinstance(b, Prose)] == ["正文"]
    assert [d.code for d in read_back.diagnostics] == ["unread-content", "unread-content", "text-box"]


# --- property: merged labels and blank figures read back exactly ------------------------------

_figure = st.one_of(st.none(), st.integers(min_value=0, max_value=10**7))


@st.composite
def _tables(draw: st.DrawFn) -> tuple[int, list[tuple[str, str | None, list[int | None]]], list[int]]:
    """(figure columns, data rows as (group label, sub-label or None, figures), group sizes)."""
    width = draw(st.integers(min_value=1, max_value=4))
    sizes = draw(st.lists(st.integers(min_value=1, max_value=3), min_size=1, max_size=4))
    rows: list[tuple[str, str | None, list[int | None]]] = []
    for g, size in enumerate(sizes):
        # a group of one row may be one label merged across both label columns
        merged_across = size == 1 and draw(st.booleans())
        for i in range(size):
            figures = draw(st.lists(_figure, min_size=width, max_size=width))
            rows.append((f"分组{g}", None if merged_across else f"{i + 1}.子项{g}", figures))
    return width, rows, sizes


def _write(width: int, rows: list[tuple[str, str | None, list[int | None]]], sizes: list[int]) -> bytes:
    document = docx.Document()
    document.add_paragraph("表格")
    table = document.add_table(rows=len(rows) + 1, cols=2 + width)
    table.cell(0, 0).merge(table.cell(0, 1)).text = "项目"
    for j in range(width):
        table.cell(0, 2 + j).text = f"列{j}"
    r = 1
    for size in sizes:
        group, sub, _ = rows[r - 1]
        if sub is None:
            table.cell(r, 0).merge(table.cell(r, 1)).text = group  # gridSpan
        else:
            table.cell(r, 0).merge(table.cell(r + size - 1, 0)).text = group  # vMerge
        for i in range(size):
            _, sub_i, figures = rows[r - 1 + i]
            if sub_i is not None:
                table.cell(r + i, 1).text = sub_i
            for j, figure in enumerate(figures):
                table.cell(r + i, 2 + j).text = "" if figure is None else str(figure)
        r += size
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_tables())
def test_merged_labels_and_blank_figures_read_back(
    table: tuple[int, list[tuple[str, str | None, list[int | None]]], list[int]],
) -> None:
    width, rows, sizes = table
    document = read(_write(width, rows, sizes))
    got = _rows(document, 1)
    assert got[0].label == "项目|" + "|".join(f"列{j}" for j in range(width))
    assert len(got) == len(rows) + 1
    for row, (group, sub, figures) in zip(got[1:], rows, strict=True):
        assert row.label == (group if sub is None else f"{group}|{sub}")
        assert [c.text for c in row.values] == ["" if f is None else str(f) for f in figures]
        assert not any(c.pad for c in row.values)
    # none invented: every figure in the document is one written
    printed = [c.text for r in _rows(document) for c in r.values if classify(c.text) != "blank"]
    assert len(printed) == sum(f is not None for _, _, figures in rows for f in figures)


# --- bad input ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "not a zip"),
        (b"plain text, not a file of Word", "not a zip"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, "legacy Word .doc"),
        (zip_package({"hello.txt": b"hello"}), "not a readable Word .docx"),
        (zip_package({"[Content_Types].xml": b"<Types/>"}), "not a readable Word .docx"),
        (zip_package({"zeros.bin": b"\0" * (4 * 1024 * 1024)}), "zip bomb"),
        (zip_package({f"m{i}": b"" for i in range(10_001)}, zipfile.ZIP_STORED), "more than 10000 members"),
    ],
    ids=["empty", "text", "doc", "zip", "no-document", "ratio", "members"],
)
def test_bad_input_is_a_read_error(data: bytes, message: str) -> None:
    with pytest.raises(ReadError, match=re.escape(message)) as caught:
        read(data, source="bad.docx")
    assert "\n" not in str(caught.value)
    assert str(caught.value).startswith("bad.docx: ")


def test_bomb_of_many_megabytes_is_refused() -> None:
    data = zip_package({f"part{i}.xml": b"\0" * (30 * 1024 * 1024) for i in range(4)})
    assert len(data) < 1024 * 1024
    with pytest.raises(ReadError, match="more than 100 MB"):
        read(data)


def test_broken_xml_is_a_read_error() -> None:
    real = (HERE / "merges.docx").read_bytes()
    with zipfile.ZipFile(io.BytesIO(real)) as package:
        members = {m: package.read(m) for m in package.namelist()}
    members["word/document.xml"] = members["word/document.xml"][:-100]
    with pytest.raises(ReadError, match="not a readable Word"):
        read(zip_package(members))


def test_truncated_real_docx_is_a_read_error() -> None:
    real = (HERE / "pingtan_2021.lo.docx").read_bytes()
    for cut in (10, len(real) // 2, len(real) - 30):
        with pytest.raises(ReadError):
            read(real[:cut])


_REAL = (HERE / "pingtan_2023.lo.docx").read_bytes()
with zipfile.ZipFile(io.BytesIO(_REAL)) as _package:
    _MEMBERS = {m: _package.read(m) for m in _package.namelist()}


def _mutate(data: bytes, rng: random.Random) -> bytes:
    buf = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        choice = rng.random()
        at = rng.randrange(len(buf))
        if choice < 0.5:
            buf[at] = rng.randrange(256)
        elif choice < 0.8:
            del buf[at : at + rng.randint(1, 64)]
        else:
            buf[at:at] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 16)))
    return bytes(buf[: rng.randint(1, len(buf))] if rng.random() < 0.2 else buf)


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=0, max_value=2**32), st.booleans())
def test_fuzz_only_read_error(seed: int, inside: bool) -> None:
    """Mutated bytes of a real docx, or a real docx whose XML parts are mutated: a Document or a
    ReadError, never anything else."""
    rng = random.Random(seed)
    if inside:  # a valid zip around broken XML
        members = dict(_MEMBERS)
        for name in rng.sample(sorted(members), k=rng.randint(1, 3)):
            members[name] = _mutate(members[name], rng)
        data = zip_package(members)
    else:
        data = _mutate(_REAL, rng)
    try:
        document = read(data)
    except ReadError as e:
        assert "\n" not in str(e)
    else:
        assert isinstance(document, Document)
