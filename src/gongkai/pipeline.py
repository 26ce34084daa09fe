"""The pipeline: text in → layout → grammar → model → (checks) → output.

:func:`parse` runs the stages in order; each lives in its own module:
:mod:`gongkai.layout`, :mod:`gongkai.grammar`, :mod:`gongkai.build`.
"""

from __future__ import annotations

import gc

from .build import build_report
from ._errors import ParseError
from .grammar import GrammarFailure, parse_lines
from .layout import read_lines
from .model import Report
from .variants import detect_variant, get_variant

__all__ = ["parse"]

_SECTION_HEADINGS = (
    "一、总体情况",
    "二、主动公开政府信息情况",
    "三、收到和处理政府信息公开申请情况",
    "四、政府信息公开行政复议、行政诉讼情况",
)


def _excerpt(text: str, line: int) -> str:
    """A short piece of source line ``line``, counted as the layout stage counts lines."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if 1 <= line <= len(lines):
        return lines[line - 1].strip().lstrip("\ufeff")[:40]
    return ""


def parse(text: str | bytes, *, variant: str | None = None, strict: bool = False) -> Report:
    """Read a 政府信息公开工作年度报告 from text in any supported layout.

    ``variant`` forces an edition or regional variant by name (see :func:`gongkai.variants`);
    by default it is detected from the report's own labels.  With ``strict=True`` any deviation
    from the template raises; by default recoverable deviations become
    :attr:`Report.diagnostics` and the rest of the report is returned.

    Raises :class:`ParseError` (and nothing else) when the text is not such a report.
    """
    # A report is thousands of small objects made at once that live on and form no reference
    # cycles: the cyclic collector would only walk them again and again while they are made
    # (half the time of a long report).  It is paused while a report is read and then left as
    # it was found (see docs/performance.md).
    paused = gc.isenabled()
    if paused:
        gc.disable()
    try:
        return _parse(text, variant, strict)
    except ParseError:
        raise
    except RecursionError as e:  # pragma: no cover - defensive
        raise ParseError(f"input too deeply nested to read: {e}") from e
    except Exception as e:
        raise ParseError(f"internal error while reading the report: {type(e).__name__}: {e}") from e
    finally:
        if paused:
            gc.enable()


def _parse(text: str | bytes, variant: str | None, strict: bool) -> Report:
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as e:
            raise ParseError(f"the text is not UTF-8 ({e.reason} at byte {e.start})") from None
    if not isinstance(text, str):
        raise ParseError(f"expected the report's text as str, got {type(text).__name__}")
    lines = read_lines(text)
    canonical = [ln.text + "\n" for ln in lines]
    if variant is not None:
        try:
            v = get_variant(variant)
        except ValueError as e:
            raise ParseError(str(e)) from None
    else:
        v = detect_variant("".join(canonical))
    try:
        tree, skipped = parse_lines(v, canonical)
    except GrammarFailure as e:
        src = lines[e.line - 1].line if 0 < e.line <= len(lines) else 1
        raise ParseError(
            "the text does not follow the report template",
            line=src,
            column=1,
            expected=e.expected,
            excerpt=_excerpt(text, src),
        ) from None
    report = build_report(lines, tree, skipped, v)
    if not report.sections and not any(t.rows for t in report.tables.values()):
        first = next((ln.line for ln in lines), 1)
        raise ParseError(
            "not a 政府信息公开工作年度报告: no section heading or table of the template found",
            line=first,
            column=1,
            expected=_SECTION_HEADINGS,
            excerpt=_excerpt(text, first),
        )
    if strict:
        for d in report.diagnostics:
            if d.severity != "info":
                line = d.line or 1
                raise ParseError(
                    d.message,
                    line=line,
                    column=1,
                    expected=d.expected,
                    excerpt=_excerpt(text, line),
                    diagnostic=d,
                )
    return report
