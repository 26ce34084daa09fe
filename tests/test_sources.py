"""Sources: loading a path, bytes or a stream; telling a format from its content (file names
lie); decoding the encodings Chinese reports come in."""

from __future__ import annotations

import contextlib
import io
import os
import random
import zipfile
from pathlib import Path

import pytest

from gongkai._errors import ReadError
from gongkai._sources import MAX_BYTES, decode_text, load, sniff

HTML = Path(__file__).parent / "fixtures" / "documents" / "html"
REPORT = "平潭综合实验区2021年度政府信息公开工作年度报告\n一、总体情况\n本年新收政府信息公开申请数量\t64\t0\n"


def docx_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


def zip_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("report.txt", REPORT)
    return out.getvalue()


# -- load ----------------------------------------------------------------------------------------------


def test_load_path_bytes_and_streams(tmp_path: Path) -> None:
    path = tmp_path / "report.html"
    path.write_bytes(b"<p>x</p>")
    assert load(path) == (b"<p>x</p>", str(path))
    assert load(str(path)) == (b"<p>x</p>", str(path))
    assert load(b"abc") == (b"abc", "<bytes>")
    assert load(bytearray(b"abc")) == (b"abc", "<bytes>")  # type: ignore[arg-type]
    assert load(io.BytesIO(b"abc")) == (b"abc", "<stream>")
    with path.open("rb") as f:
        assert load(f) == (b"<p>x</p>", str(path))


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p / "missing.html", "cannot read the file"),
        (lambda p: p, "is a directory"),
        (lambda p: _write(p / "empty.txt", b""), "empty"),
        (lambda p: _sparse(p / "huge.pdf", MAX_BYTES + 1), "larger than 50 MB"),
        (lambda p: str(p / "a\x00b"), "not a usable path"),
    ],
)
def test_load_errors(tmp_path: Path, make: object, message: str) -> None:
    source = make(tmp_path)  # type: ignore[operator]
    with pytest.raises(ReadError, match=message) as info:
        load(source)
    assert "\n" not in str(info.value)


def test_load_refuses_text_streams_and_other_objects() -> None:
    with pytest.raises(ReadError, match="binary mode"):
        load(io.StringIO("text"))  # type: ignore[arg-type]
    with pytest.raises(ReadError, match="not a path, bytes or a binary stream"):
        load(42)  # type: ignore[arg-type]
    with pytest.raises(ReadError, match="empty"):
        load(b"")
    with pytest.raises(ReadError, match="larger than 50 MB"):
        load(io.BytesIO(bytes(MAX_BYTES + 1)))


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _sparse(path: Path, size: int) -> Path:
    with path.open("wb") as f:
        f.truncate(size)
    return path


# -- sniff -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "pdf"),
        (b"\r\n\x00junk%PDF-1.4\n", "pdf"),  # a few junk bytes before the header
        (docx_bytes(), "docx"),
        (b"<!DOCTYPE html><html><body><p>x</p></body></html>", "html"),
        (b"  <HTML><BODY>x</BODY></HTML>", "html"),
        ("<p>一、总体情况</p><table><tr><td>1</td></tr></table>".encode(), "html"),  # a fragment
        ("\ufeff<table><tr><td>1</td></tr></table>".encode(), "html"),
        (
            "某某县2021年报告<br>一、总体情况<br>正文<p>二、主动</p><div>三、</div><br>四".encode("gbk"),
            "html",
        ),  # opens with text, markup all through
        (REPORT.encode(), "text"),
        (REPORT.encode("gbk"), "text"),
        (REPORT.encode("utf-16"), "text"),
        ("# 报告\n\n| 项目 | 数 |\n|---|---|\n| 甲 | 1 |\n<br>\n".encode(), "text"),  # markdown
        ("# 报告\n\n<table><tr><td>1</td></tr></table>\n".encode(), "text"),  # markdown with a raw table
    ],
)
@pytest.mark.parametrize("name", ["report.html", "report.docx", "report.pdf", "report.txt", ""])
def test_sniff_by_content_whatever_the_name(data: bytes, kind: str, name: str) -> None:
    assert sniff(data, name) == kind


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (zip_bytes(), "a zip archive, not a Word .docx file"),
        (b"PK\x03\x04broken", "broken zip"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "soffice --headless --convert-to docx FILE"),
        (b"{\\rtf1\\ansi\\deff0 {\\fonttbl}}", "RTF"),
        (b"\x89PNG\r\n\x1a\n" + bytes(50), "image"),
        (bytes(range(256)) * 8, "binary data|not text"),
        (b"\x00\x01\x02\x03" * 100, "binary data|not text"),
    ],
)
def test_sniff_errors(data: bytes, message: str) -> None:
    with pytest.raises(ReadError, match=message) as info:
        sniff(data, "report.docx")
    assert str(info.value).startswith("report.docx: ")
    assert "\n" not in str(info.value)


def test_sniff_ole2_names_the_conversion() -> None:
    with pytest.raises(ReadError) as info:
        sniff(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "report.wps")
    assert "legacy Word .doc / WPS" in str(info.value)


def test_sniff_random_bytes_raise_only_read_error() -> None:
    rng = random.Random(7)
    for _ in range(100):
        data = rng.randbytes(rng.randint(1, 3000))
        with contextlib.suppress(ReadError):
            sniff(data)


def test_sniff_real_pages() -> None:
    assert sniff((HTML / "pingtan_2021.html").read_bytes(), "x.txt") == "html"
    assert sniff((HTML / "utf16be_no_bom.html").read_bytes()) == "html"
    assert sniff((HTML / "gb2312_declared.html").read_bytes()) == "html"


# -- decode_text -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "encoding", ["utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-8", "gbk", "gb18030", "big5"]
)
def test_decode_text_encodings(encoding: str) -> None:
    text = REPORT if encoding != "big5" else "政府信息公開工作年度報告\n一、總體情況\n本年新收\t64\t0\n"
    data = text.encode(encoding)
    if encoding in ("utf-16-le", "utf-16-be"):  # no mark: ASCII's NUL bytes tell the byte order
        text = "<p>" + text + "</p>"
        data = text.encode(encoding)
    assert decode_text(data) == text


@pytest.mark.parametrize(
    "marks",
    [
        [b"\xef\xbb\xbf", "utf-8"],
        [b"\xff\xfe", "utf-16-le"],
        [b"\xfe\xff", "utf-16-be"],
        [b"\xff\xfe\x00\x00", "utf-32-le"],
        [b"\x00\x00\xfe\xff", "utf-32-be"],
    ],
)
def test_decode_text_byte_order_marks(marks: list[object]) -> None:
    bom, codec = marks
    assert decode_text(bom + REPORT.encode(str(codec))) == REPORT  # type: ignore[operator]


def test_decode_text_declared_charset_gb2312_reads_as_gb18030() -> None:
    page = '<meta http-equiv="Content-Type" content="text/html; charset=gb2312"><p>张堃 㐀</p>'
    assert decode_text(page.encode("gb18030")) == page
    page = "<meta charset='GBK'><p>堃</p>"
    assert decode_text(page.encode("gb18030")) == page
    xml = '<?xml version="1.0" encoding="gb2312"?><p>年度报告</p>'
    assert decode_text(xml.encode("gb18030")) == xml


def test_decode_text_declared_charset_that_lies() -> None:
    page = '<meta charset="utf-8"><p>一、总体情况 政府信息公开工作年度报告</p>'
    assert decode_text(page.encode("gbk")) == page  # declared utf-8, written in GBK
    page = '<meta charset="gb2312"><p>一、总体情况 政府信息公开工作年度报告</p>'
    assert decode_text(page.encode("utf-8")) == page  # declared gb2312, written in UTF-8
    page = '<meta charset="utf-16"><p>一、总体情况</p>'
    assert decode_text(page.encode("utf-8")) == page  # an ASCII-readable declaration is no UTF-16
    page = '<meta charset="no-such-codec"><p>一、总体情况</p>'
    assert decode_text(page.encode("utf-8")) == page


def test_decode_text_a_few_broken_bytes() -> None:
    data = (REPORT * 20).encode() + b"\xe6\x94"  # a truncated last character
    text = decode_text(data)
    assert text.startswith(REPORT) and text.endswith("\ufffd")


@pytest.mark.parametrize(
    "data",
    [
        b"\xff\xfe\x00",  # a UTF-16 mark on an odd number of bytes
        bytes(range(128, 256)) * 20,
    ],
)
def test_decode_text_undecodable(data: bytes) -> None:
    with pytest.raises(ReadError):
        decode_text(data, source="x")


def test_load_then_sniff_a_lying_file_name(tmp_path: Path) -> None:
    path = tmp_path / "report.pdf"
    path.write_bytes((HTML / "word_export.html").read_bytes())
    data, name = load(os.fspath(path))
    assert sniff(data, name) == "html"
