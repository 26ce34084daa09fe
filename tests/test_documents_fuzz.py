"""Bad documents given to :func:`gongkai.read`: random bytes, truncated and mutated real
documents and small fixtures (HTML, DOCX, PDF), an empty file, a zip that is no DOCX, an
encrypted PDF, legacy Word files, names that lie — a report or a gongkai error, never another
exception, never a hang."""

from __future__ import annotations

import io
import random
import time
import zipfile
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import gongkai
from gongkai._cli import main

from .conftest import zip_package

pytest.importorskip("lxml")
pytest.importorskip("docx")
pytest.importorskip("pdfplumber")

DOCUMENTS = Path(__file__).parent / "fixtures" / "documents"
#: one real document per format (the smaller of each) and every small fixture
REAL = {
    "html": (DOCUMENTS / "html" / "pingtan_2023.html").read_bytes(),
    "docx": (DOCUMENTS / "docx" / "pingtan_2023.lo.docx").read_bytes(),
    "pdf": (DOCUMENTS / "pdf" / "pingtan_2023.lo.pdf").read_bytes(),
    "wps-pdf": (DOCUMENTS / "pdf" / "huaian_2024.pdf").read_bytes(),
}
SMALL = {
    p.name: p.read_bytes()
    for p in sorted(DOCUMENTS.glob("*/*"))
    if p.suffix in (".html", ".docx", ".pdf") and p.stat().st_size < 40_000
}
ALL = {**REAL, **SMALL}
#: no small input may take longer than this, even on a loaded machine
SECONDS = 30.0

fuzz = settings(max_examples=60, deadline=None)


def _read(data: bytes) -> gongkai.Report | None:
    """A report, or None for a gongkai error; anything else fails the test."""
    start = time.monotonic()
    try:
        return gongkai.read(data)
    except (gongkai.ReadError, gongkai.ParseError) as e:
        assert str(e).strip()
        return None
    finally:
        assert time.monotonic() - start < SECONDS


def test_small_fixtures_found() -> None:
    assert {Path(n).suffix for n in SMALL} == {".html", ".docx", ".pdf"}
    assert len(SMALL) >= 10


# -- random bytes --------------------------------------------------------------------------------

MAGIC = [
    b"",
    b"%PDF-1.4\n",
    b"PK\x03\x04",
    b"PK\x05\x06",
    b"\xd0\xcf\x11\xe0",
    b"<html>",
    b"<!DOCTYPE html><table><tr><td>",
    b"\xef\xbb\xbf",
    b"\xff\xfe",
    b"{\\rtf1",
    b"\x89PNG",
]


@fuzz
@given(st.sampled_from(MAGIC), st.binary(max_size=3000))
def test_random_bytes(magic: bytes, data: bytes) -> None:
    if magic + data:
        _read(magic + data)


# -- truncations and mutations of real documents and small fixtures --------------------------------


@fuzz
@given(st.sampled_from(sorted(ALL)), st.floats(0, 1))
@example("pdf", 0.999)
@example("docx", 0.5)
def test_truncated(name: str, fraction: float) -> None:
    data = ALL[name]
    cut = int(len(data) * fraction)
    if cut:
        _read(data[:cut])


def _flip(data: bytes, rng: random.Random, edits: int) -> bytes:
    out = bytearray(data)
    for _ in range(edits):
        i = rng.randrange(len(out))
        choice = rng.random()
        if choice < 0.6:
            out[i] = rng.randrange(256)
        elif choice < 0.8:
            del out[i : i + rng.randrange(1, 64)]
        else:
            out[i:i] = out[rng.randrange(len(out)) :][: rng.randrange(1, 64)]
    return bytes(out)


@fuzz
@given(st.sampled_from(sorted(ALL)), st.integers(0, 2**32), st.integers(1, 20))
def test_mutated_bytes(name: str, seed: int, edits: int) -> None:
    _read(_flip(ALL[name], random.Random(seed), edits))


def _rezip(data: bytes, mutate: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, mutate.get(info.filename, src.read(info.filename)))
    return out.getvalue()


_XML_PIECES = [
    b"<",
    b">",
    b"/>",
    b"</w:tc>",
    b"<w:tc>",
    b'<w:gridSpan w:val="999999"/>',
    b"<w:vMerge/>",
    b"<w:tr>",
    b"</w:tr>",
    b"&",
    b"\x00",
    b"<w:t>7</w:t>",
    b'w:val="-3"',
    b"]]>",
]


@fuzz
@given(st.sampled_from(["docx", "merges.docx", "nested.docx"]), st.integers(0, 2**32), st.integers(1, 12))
def test_docx_with_mutated_xml(name: str, seed: int, edits: int) -> None:
    """The zip stays sound; its document.xml is broken — what a careless writer makes."""
    data = ALL[name]
    rng = random.Random(seed)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        xml = bytearray(z.read("word/document.xml"))
    for _ in range(edits):
        i = rng.randrange(len(xml))
        if rng.random() < 0.5:
            xml[i:i] = rng.choice(_XML_PIECES)
        else:
            del xml[i : i + rng.randrange(1, 200)]
    _read(_rezip(data, {"word/document.xml": bytes(xml)}))


_HTML_PIECES = [
    "<td>",
    "</td>",
    "<tr>",
    "</tr>",
    "<table>",
    "</table>",
    'colspan="0"',
    'rowspan="9999"',
    "colspan=-1",
    "<td rowspan=65535>",
    "&nbsp;",
    "&#0;",
    "<br>",
    "<!--",
    "-->",
    "<script>",
    "一、总体情况",
    "（七）总计",
    "12",
    "<p>",
    "\x00",
    "\ufeff",
    "<?xml version='1.0'?>",
]


@fuzz
@given(
    st.sampled_from([n for n in sorted(ALL) if n.endswith("html")]),
    st.lists(st.tuples(st.floats(0, 1), st.integers(0, 300), st.sampled_from(_HTML_PIECES)), max_size=12),
)
def test_html_with_mutated_markup(name: str, edits: list[tuple[float, int, str]]) -> None:
    text = ALL[name].decode("utf-8", errors="replace")
    for where, cut, piece in edits:
        i = int(where * len(text))
        text = text[:i] + piece + text[i + cut :]
    _read(text.encode("utf-8"))


# -- one of each kind of bad input -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (zip_package({"hello.txt": b"hello"}), "not a Word"),
        (zip_package({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"}), "not a Word"),
        (zip_package({"word/document.xml": b"<not xml"}), None),
        ((DOCUMENTS / "pdf" / "encrypted.pdf").read_bytes(), "encrypt|password"),
        ((DOCUMENTS / "pdf" / "scan.pdf").read_bytes(), "text layer|OCR|scan"),
        (b"%PDF-1.7\n%%EOF\n", None),
        (b"\x89PNG\r\n\x1a\n" + bytes(100), "image"),
        (b"\x00\x01\x02\x03" * 300, "binary"),
    ],
    ids=["empty", "zip", "xlsx", "broken-docx", "encrypted-pdf", "scan-pdf", "empty-pdf", "png", "binary"],
)
def test_bad_input_is_a_read_error(data: bytes, message: str | None) -> None:
    with pytest.raises(gongkai.ReadError, match=message):
        gongkai.read(data)


def test_empty_file_and_missing_file(tmp_path: Path) -> None:
    empty = tmp_path / "report.pdf"
    empty.write_bytes(b"")
    with pytest.raises(gongkai.ReadError, match="empty"):
        gongkai.read(empty)
    with pytest.raises(gongkai.ReadError):
        gongkai.read(tmp_path / "missing.docx")
    with pytest.raises(gongkai.ReadError):
        gongkai.read(tmp_path)


@pytest.mark.parametrize(
    ("fixture", "lie"),
    [
        ("docx/merges.docx", "merges.pdf"),
        ("docx/merges.docx", "merges.html"),
        ("pdf/quirks.pdf", "quirks.docx"),
        ("pdf/quirks.pdf", "quirks.txt"),
        ("html/word_export.html", "word_export.pdf"),
        ("html/word_export.html", "word_export.docx"),
    ],
)
def test_a_name_that_lies_is_not_believed(fixture: str, lie: str, tmp_path: Path) -> None:
    """The content decides: the same outcome (document or error) as under its true name."""
    true_path = DOCUMENTS / fixture
    lying = tmp_path / lie
    lying.write_bytes(true_path.read_bytes())

    def outcome(path: Path) -> object:
        try:
            return gongkai.to_record(gongkai.read(path))
        except (gongkai.ReadError, gongkai.ParseError) as e:
            return (type(e), e.message if hasattr(e, "message") else None)

    assert outcome(lying) == outcome(true_path)


# -- legacy formats ---------------------------------------------------------------------------------

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + b"WordDocument".ljust(512, b"\x00")


@pytest.mark.parametrize("name", ["report.doc", "report.wps", "report.docx", "report.pdf"])
def test_legacy_word_and_wps_name_the_conversion(name: str, tmp_path: Path) -> None:
    path = tmp_path / name
    path.write_bytes(OLE2)
    for source in (path, OLE2, io.BytesIO(OLE2)):
        with pytest.raises(gongkai.ReadError, match=r"soffice --headless --convert-to docx"):
            gongkai.read(source)


def test_legacy_word_on_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "report.doc"
    path.write_bytes(OLE2)
    assert main(["parse", str(path)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert "soffice --headless --convert-to docx" in err
    assert err.count("\n") == 1  # one line, no traceback
