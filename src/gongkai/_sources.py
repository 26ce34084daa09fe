"""INTERIM source loading (replaced by the reader-html work)."""

from __future__ import annotations

import os
from typing import BinaryIO, Literal

from ._errors import ReadError

__all__ = ["decode_text", "load", "sniff"]


def load(source: str | os.PathLike[str] | bytes | BinaryIO) -> tuple[bytes, str]:
    """The bytes of a source and a name for it."""
    if isinstance(source, bytes):
        return source, "<bytes>"
    if isinstance(source, (str, os.PathLike)):
        name = os.fspath(source)
        try:
            with open(name, "rb") as fh:
                return fh.read(), name
        except OSError as e:
            raise ReadError(e.strerror or str(e), source=name) from None
    return source.read(), "<stream>"


def sniff(data: bytes, name: str = "") -> Literal["html", "docx", "pdf", "text"]:
    """The format of ``data``."""
    head = data[:2048].lstrip().lower()
    if data.startswith(b"%PDF"):
        return "pdf"
    if data.startswith(b"PK"):
        return "docx"
    if head.startswith((b"<!doctype html", b"<html")):
        return "html"
    return "text"


def decode_text(data: bytes) -> str:
    """Text bytes → str."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise ReadError(f"not UTF-8 ({e.reason} at byte {e.start})") from None
