"""Where a document comes from and what it is: load a source's bytes, tell its format from its
content (never from its file name), and decode text in the encodings Chinese reports use.

* :func:`load` — a path, bytes or a binary stream → the bytes and a name to show;
* :func:`sniff` — the bytes → ``"html"``, ``"docx"``, ``"pdf"`` or ``"text"``; formats gongkai
  cannot read (a legacy Word ``.doc``/``.wps``, RTF, a zip that is no ``.docx``, binary data)
  are a :class:`~gongkai._errors.ReadError` that says what to do;
* :func:`decode_text` — text or HTML bytes → ``str`` (byte-order mark, the page's declared
  charset, UTF-8, then charset-normalizer's guess; GB2312/GBK are read as GB18030).
"""

from __future__ import annotations

import codecs
import io
import os
import re
import zipfile
from typing import BinaryIO, Literal

from ._errors import ReadError

__all__ = ["MAX_BYTES", "Kind", "decode_text", "load", "sniff"]

#: No report is this large: a bigger source is refused before it is read.
MAX_BYTES = 50 * 1024 * 1024

Kind = Literal["html", "docx", "pdf", "text"]

_CONVERT = "convert it to .docx first: soffice --headless --convert-to docx FILE"
# (byte-order mark, codec); UTF-32 first: its little-endian mark begins with UTF-16's
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# GB2312 and GBK are subsets of GB18030: a page labelled with them often uses characters beyond
_GB_SUPERSET = {"gb2312": "gb18030", "gbk": "gb18030", "hz": "hz"}
# <meta charset="gbk">, <meta http-equiv="Content-Type" content="text/html; charset=gb2312">,
# <?xml version="1.0" encoding="gbk"?>
_DECLARED = re.compile(
    rb"<meta\b[^>]{0,500}?\bcharset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]{1,40})"
    rb"|<\?xml\b[^>]{0,200}?\bencoding\s*=\s*[\"']([A-Za-z0-9_.:-]{1,40})",
    re.I,
)
# Markup that makes a text an HTML page or fragment
_PAGE_MARKUP = re.compile(r"<!doctype\s+html|<html[\s>]|<body[\s>]|<head[\s>]", re.I)
_LEADING_TAG = re.compile(r"^(?:\s|<!--.*?-->|<\?.*?\?>)*<(?:!doctype|[a-z][a-z0-9:]*[\s/>])", re.I | re.S)
_BLOCK_TAG = re.compile(r"<(?:p|div|br|table|tr|td|th|span|font|h[1-6]|li)\b[^>]*>", re.I)
_MARKDOWN_LINE = re.compile(r"^\s*(?:#{1,6}\s|\|)", re.M)
# C0 and C1 control characters other than TAB, LF, CR, FF: a text has (almost) none
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
_SNIFF_CHARS = 8192
# the encodings to guess among when a text is not UTF-8: Chinese reports use these (a wider
# guess reads short GBK text as Korean)
_GUESSES = ("gb18030", "big5", "utf_16_le", "utf_16_be", "utf_32_le", "utf_32_be")


def load(source: str | os.PathLike[str] | bytes | BinaryIO) -> tuple[bytes, str]:
    """A source's bytes and the name to show for it: the path, ``"<bytes>"`` or ``"<stream>"``
    (a stream's ``name`` when it has one).  A missing or unreadable path, a directory, an empty
    source and one over 50 MB are a :class:`ReadError`."""
    if isinstance(source, bytes | bytearray | memoryview):
        data, name = bytes(source), "<bytes>"
    elif isinstance(source, str | os.PathLike):
        name = os.fspath(source)
        if os.path.isdir(name):
            raise ReadError("is a directory, not a document", source=name)
        try:
            with open(name, "rb") as f:
                data = f.read(MAX_BYTES + 1)
        except OSError as e:
            raise ReadError(f"cannot read the file: {e.strerror or e}", source=name) from None
        except ValueError as e:  # a path with a NUL character
            raise ReadError(f"not a usable path: {e}", source=repr(name)[:80]) from None
    elif hasattr(source, "read"):
        stream_name = getattr(source, "name", None)
        name = stream_name if isinstance(stream_name, str) else "<stream>"
        try:
            chunk = source.read(MAX_BYTES + 1)
        except (OSError, ValueError) as e:
            raise ReadError(f"cannot read the stream: {e}", source=name) from None
        if not isinstance(chunk, bytes | bytearray):
            raise ReadError("a text stream: open the file in binary mode ('rb')", source=name)
        data = bytes(chunk)
    else:
        raise ReadError(f"not a path, bytes or a binary stream: {type(source).__name__}")
    if len(data) > MAX_BYTES:
        raise ReadError("larger than 50 MB: not a report", source=name)
    if not data:
        raise ReadError("empty", source=name)
    return data, name


def sniff(data: bytes, name: str = "") -> Kind:
    """What a source is, from its content (magic bytes, markup), never from ``name``, which
    only names it in an error."""
    head = data[:1024]
    if b"%PDF-" in head:
        return "pdf"
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _zip_kind(data, name)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ReadError(
            f"a legacy Word .doc / WPS file (OLE2), which gongkai cannot read; {_CONVERT}", source=name
        )
    if data.lstrip()[:5].lower() == b"{\\rtf":
        raise ReadError(f"an RTF file, which gongkai cannot read; {_CONVERT}", source=name)
    for magic, what in (
        (b"\x89PNG", "a PNG image"),
        (b"\xff\xd8\xff", "a JPEG image"),
        (b"GIF8", "a GIF image"),
    ):
        if data.startswith(magic):
            raise ReadError(f"{what}, not a document: a scanned report needs OCR first", source=name)
    text = decode_text(data, source=name)
    sample = text[:_SNIFF_CHARS]
    if "\x00" in sample or len(_CONTROL.findall(sample)) > max(2, len(sample) // 100):
        raise ReadError("binary data, not a document gongkai can read", source=name)
    if _PAGE_MARKUP.search(sample[:4096]) or _LEADING_TAG.match(sample):
        return "html"
    # a fragment of HTML that opens with text: many tags and no markdown line
    if len(_BLOCK_TAG.findall(sample)) >= 5 and not _MARKDOWN_LINE.search(sample):
        return "html"
    return "text"


def _zip_kind(data: bytes, name: str) -> Kind:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            names = set(z.namelist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
        raise ReadError("a broken zip archive (a damaged .docx?)", source=name) from None
    if "word/document.xml" in names:
        return "docx"
    raise ReadError("a zip archive, not a Word .docx file", source=name)


def decode_text(data: bytes, *, source: str = "") -> str:
    """Text or HTML bytes → ``str``: a byte-order mark (UTF-8, UTF-16, UTF-32) decides; then a
    page's declared charset, if the bytes decode in it; then UTF-8; then UTF-16 without a mark;
    then charset-normalizer's best guess (GBK, GB18030, Big5 …); then, for a text with a few
    broken bytes, the encoding that leaves fewest (each read as U+FFFD).  GB2312 and GBK are
    read as GB18030, their superset.  Bytes that decode in none are a :class:`ReadError`."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(codec)
            except UnicodeDecodeError:
                raise ReadError(
                    f"not valid {codec.upper()} despite its byte-order mark", source=source
                ) from None
    declared = _declared(data[:4096])
    if declared is not None:
        try:
            return data.decode(declared)
        except UnicodeDecodeError:
            pass  # pages often declare one charset and use another
    utf16 = _utf16_without_bom(data)
    if utf16 is not None:
        try:
            return data.decode(utf16)
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    import charset_normalizer  # only a text that is not UTF-8 needs it: keep importing gongkai fast

    best = charset_normalizer.from_bytes(data, cp_isolation=list(_GUESSES)).best()
    if best is None:
        return _mostly(data, declared, source)
    guess = _codec(best.encoding)
    if guess is not None:
        try:
            return data.decode(guess)
        except UnicodeDecodeError:
            pass
    return str(best)


def _mostly(data: bytes, declared: str | None, source: str) -> str:
    """A text with a few broken bytes (a truncated character, a stray byte): the encoding that
    leaves fewest of them, each read as U+FFFD, when they are rare."""
    best_text, best_broken = "", len(data) + 1
    for codec in dict.fromkeys((declared or "utf-8", "utf-8", "gb18030")):
        text = data.decode(codec, errors="replace")
        broken = text.count("\ufffd")
        if broken < best_broken:
            best_text, best_broken = text, broken
    if best_broken > max(1, len(best_text) // 200):
        raise ReadError("not text in any encoding gongkai knows", source=source)
    return best_text


def _codec(label: str) -> str | None:
    """A charset label → the Python codec to decode it with (GB2312/GBK → GB18030), or None."""
    try:
        name = codecs.lookup(label.strip().lower()).name
    except LookupError:
        return None
    return _GB_SUPERSET.get(name, name)


def _declared(head: bytes) -> str | None:
    m = _DECLARED.search(head)
    if m is None:
        return None
    codec = _codec((m.group(1) or m.group(2)).decode("ascii"))
    # a declaration readable as ASCII cannot be UTF-16/32 (the HTML standard reads it as UTF-8)
    if codec is not None and codec.startswith(("utf-16", "utf-32", "utf_16", "utf_32")):
        return "utf-8"
    return codec


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 without a mark, told by its NUL bytes: ASCII in UTF-16 has a NUL in every other
    byte, on one side."""
    head = data[:4096]
    if len(head) < 4 or len(head) % 2:
        return None
    even = head[0::2].count(0)
    odd = head[1::2].count(0)
    if max(even, odd) < max(1, len(head) // 8) or min(even, odd) * 10 > max(even, odd):
        return None
    return "utf-16-le" if odd > even else "utf-16-be"
