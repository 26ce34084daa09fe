"""Command line: ``gongkai parse FILE... [--format json|record]`` (also ``python -m gongkai``)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import Any

from . import __version__
from .errors import ParseError
from .model import Report
from .pipeline import parse
from .record import _jsonable, to_dict, to_record

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
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (0 ok, 2 a file could not be parsed)."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except BrokenPipeError:  # pragma: no cover - e.g. piped into head
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
