"""Command line (also ``python -m gongkai``):

* ``gongkai parse FILE... [--format json|record]`` – the reports as JSON;
* ``gongkai check FILE... [--previous FILE] [--format text|json]`` – the arithmetic checks;
* ``gongkai render FILE [--layout markdown|tab-separated|cell-per-line]`` – a report rewritten
  in one clean layout;
* ``gongkai variants`` – the editions and regional variants gongkai knows.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import Any

from . import __version__
from ._check import Finding, check
from ._errors import ParseError
from ._model import Report
from ._pipeline import parse, read
from ._record import _jsonable, to_dict, to_record
from ._render import LAYOUTS, render
from ._variants import variants

__all__ = ["main"]


def _read(path: str) -> str:
    if path == "-":
        data = sys.stdin.buffer.read()
    else:
        with open(path, "rb") as fh:
            data = fh.read()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise ParseError(f"the file is not UTF-8 ({e.reason} at byte {e.start})") from None


def _fail(path: str, err: Exception) -> None:
    msg = str(err).replace("\n", " ")
    print(f"gongkai: {path}: {msg}", file=sys.stderr)


def _output(report: Report, fmt: str) -> Any:
    if fmt == "record":
        return _jsonable(to_record(report))
    return to_dict(report)


def _cmd_parse(args: argparse.Namespace) -> int:
    status = 0
    results: list[Any] = []
    for path in args.files:
        try:
            report = parse(_read(path), variant=args.variant, strict=args.strict)
        except (ParseError, OSError) as e:
            _fail(path, e)
            status = 2
            continue
        out = _output(report, args.format)
        results.append({"file": path, **out} if len(args.files) > 1 else out)
    if results:
        data = results if len(args.files) > 1 else results[0]
        json.dump(data, sys.stdout, ensure_ascii=False, indent=args.indent)
        sys.stdout.write("\n")
    return status


_SEVERITY_RANK = {"info": 0, "warning": 1, "error": 2}


def _finding_json(path: str, f: Finding) -> dict[str, Any]:
    return {
        "file": path,
        "line": f.line,
        "rule": f.rule,
        "severity": f.severity,
        "message": f.message,
        "message_en": f.message_en,
        "cell": f.cell,
        "cells": list(f.cells),
        "lines": list(f.lines),
        "blank": list(f.blank),
        "expected": _jsonable(f.expected),
        "actual": _jsonable(f.actual),
    }


def _cmd_check(args: argparse.Namespace) -> int:
    previous: Report | None = None
    if args.previous is not None:
        try:
            previous = parse(_read(args.previous))  # its edition may differ: detect it
        except (ParseError, OSError) as e:
            _fail(args.previous, e)
            return 2
    unparsed = False
    errors = False
    shown: list[dict[str, Any]] = []
    least = _SEVERITY_RANK[args.severity]
    for path in args.files:
        try:
            report = parse(_read(path), variant=args.variant)
            findings = check(report, previous=previous)
        except (ParseError, OSError, ValueError) as e:
            _fail(path, e)
            unparsed = True
            continue
        errors = errors or any(f.severity == "error" for f in findings)
        for f in findings:
            if _SEVERITY_RANK[f.severity] < least:
                continue
            if args.format == "json":
                shown.append(_finding_json(path, f))
            else:
                message = f.message_en if args.lang == "en" else f.message
                print(f"{path}:{f.line or 0}: {f.rule} {f.severity} {message}")
    if args.format == "json":
        json.dump(shown, sys.stdout, ensure_ascii=False, indent=args.indent)
        sys.stdout.write("\n")
    if unparsed:
        return 2
    return 1 if errors else 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``gongkai`` command."""
    p = argparse.ArgumentParser(
        prog="gongkai",
        description="Read 政府信息公开工作年度报告 (government information-disclosure annual reports).",
    )
    p.add_argument("--version", action="version", version=f"gongkai {__version__}")
    sub = p.add_subparsers(dest="command", required=True)

    pp = sub.add_parser("parse", help="parse reports and print them as JSON")
    pp.add_argument("files", nargs="+", metavar="FILE", help="report text files ('-' for stdin)")
    pp.add_argument(
        "--format",
        choices=("json", "record"),
        default="json",
        help="json: the whole model; record: the flat record of template.md §8",
    )
    pp.add_argument("--variant", default=None, help="force an edition or variant (default: detect)")
    pp.add_argument("--strict", action="store_true", help="fail on any deviation from the template")
    pp.add_argument("--indent", type=int, default=2, help="JSON indent (default 2)")
    pp.set_defaults(func=_cmd_parse)

    pc = sub.add_parser(
        "check",
        help="check the arithmetic (勾稽关系) of reports",
        description="Check the arithmetic (勾稽关系) of reports: rules R1-R5, X3, and with --previous "
        "X1-X2.  Exit status: 0 no error finding, 1 an error finding, 2 a file could not be parsed.",
    )
    pc.add_argument("files", nargs="+", metavar="FILE", help="report text files ('-' for stdin)")
    pc.add_argument("--previous", metavar="FILE", default=None, help="the report of the year before (X1, X2)")
    pc.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="text: one 'file:line: rule severity message' line per finding; json: a list",
    )
    pc.add_argument("--lang", choices=("zh", "en"), default="zh", help="language of the text messages")
    pc.add_argument(
        "--severity",
        choices=("info", "warning", "error"),
        default="info",
        help="show only findings of this severity or worse (default: all)",
    )
    pc.add_argument("--variant", default=None, help="force the edition or variant of FILE (default: detect)")
    pc.add_argument("--indent", type=int, default=2, help="JSON indent (default 2)")
    pc.set_defaults(func=_cmd_check)

    pr = sub.add_parser("render", help="rewrite a report in one clean layout")
    pr.add_argument("file", metavar="FILE", help="report text file ('-' for stdin)")
    pr.add_argument(
        "--layout", choices=LAYOUTS, default="markdown", help="the layout to write (default markdown)"
    )
    pr.add_argument("--variant", default=None, help="force an edition or variant (default: detect)")
    pr.set_defaults(func=_cmd_render)

    pv = sub.add_parser("variants", help="list the editions and regional variants gongkai knows")
    pv.set_defaults(func=_cmd_variants)
    return p


def _cmd_render(args: argparse.Namespace) -> int:
    try:
        report = parse(_read(args.file), variant=args.variant)
    except (ParseError, OSError) as e:
        _fail(args.file, e)
        return 2
    sys.stdout.write(render(report, args.layout))
    return 0


def _cmd_variants(args: argparse.Namespace) -> int:
    for name, description in sorted(variants().items()):
        print(f"{name}\t{description}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status.

    ``parse``, ``render``: 0 ok, 2 a file could not be parsed.  ``check``: 0 no error finding, 1 an error
    finding, 2 a file could not be parsed.
    """
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except BrokenPipeError:  # pragma: no cover - e.g. piped into head
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
