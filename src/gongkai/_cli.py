"""Command line (also ``python -m gongkai``):

* ``gongkai parse SOURCE... [--format json|record]`` – reports as JSON (or ``-o`` a table);
* ``gongkai check SOURCE... [--previous FILE] [--format text|json]`` – the arithmetic checks;
* ``gongkai render FILE [--layout markdown|tab-separated|cell-per-line]`` – a report rewritten
  in one clean layout;
* ``gongkai variants`` – the editions and regional variants gongkai knows;
* ``gongkai lint-grammar [VARIANT]`` – Lark's strict checks of a variant's grammar (for variant
  authors; needs ``interegular``).

A SOURCE is a file (HTML, Word .docx, PDF or text, in any encoding), a directory (read
recursively), a glob, or ``-`` for standard input; ``--files-from LIST`` adds one path per line.

Exit status: 0 every report read in full (and, for ``check``, consistent); 1 a rule broken;
3 a report not fully read (a table or figures missing: see stderr); 2 a source could not be
read at all.  The worst case wins: 2, then 3, then 1.
"""

from __future__ import annotations

import argparse
import csv
import glob
import json
import os
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from . import __version__
from ._check import Finding, check
from ._errors import GongkaiError
from ._model import Report
from ._pipeline import read
from ._record import _jsonable, to_dict, to_record
from ._render import LAYOUTS, render
from ._variants import get_variant, variants

__all__ = ["build_parser", "main"]

_SEVERITY_RANK = {"info": 0, "warning": 1, "error": 2}
_SUFFIXES = {".txt", ".md", ".markdown", ".html", ".htm", ".xhtml", ".docx", ".pdf", ".tsv", ".csv", ".text"}
EXIT_OK, EXIT_RULES, EXIT_FAILED, EXIT_INCOMPLETE = 0, 1, 2, 3


class _Status:
    """The worst outcome so far, as an exit status."""

    def __init__(self) -> None:
        self.failed = self.incomplete = self.rules = False

    @property
    def code(self) -> int:
        if self.failed:
            return EXIT_FAILED
        if self.incomplete:
            return EXIT_INCOMPLETE
        return EXIT_RULES if self.rules else EXIT_OK


def _fail(path: str, err: BaseException) -> None:
    msg = " ".join(str(err).split())
    msg = msg.removeprefix(f"{path}: ")  # a ReadError names its source already
    print(f"gongkai: {path}: {msg}", file=sys.stderr)


def _sources(args: argparse.Namespace) -> Iterator[str]:
    """The paths named on the command line: files, directories (recursively), globs, lists."""
    named: list[str] = list(getattr(args, "files", []) or [])
    if getattr(args, "files_from", None):
        fh = sys.stdin if args.files_from == "-" else open(args.files_from, encoding="utf-8")  # noqa: SIM115
        try:
            named.extend(line.strip() for line in fh if line.strip())
        finally:
            if fh is not sys.stdin:
                fh.close()
    for name in named:
        if name == "-":
            yield name
        elif os.path.isdir(name):
            for path in sorted(Path(name).rglob("*")):
                if path.is_file() and path.suffix.lower() in _SUFFIXES:
                    yield str(path)
        elif not os.path.exists(name) and glob.has_magic(name):
            matches = sorted(glob.glob(name, recursive=True))
            yield from (m for m in matches if os.path.isfile(m))
        else:
            yield name


def _read(path: str, variant: str | None, strict: bool = False) -> Report:
    if path == "-":
        return read(sys.stdin.buffer.read(), variant=variant, strict=strict)
    return read(path, variant=variant, strict=strict)


def _not_fully_read(path: str, report: Report) -> None:
    parts = [
        f"{name} {t.coverage.read}/{t.coverage.expected}"
        for name, t in report.tables.items()
        if t.coverage is not None and not t.coverage.complete
    ]
    errors = [d for d in report.diagnostics if d.severity == "error"]
    missing = [d for d in report.diagnostics if d.code == "missing-table"]
    why = "; ".join(
        filter(
            None,
            [
                ("figures read: " + ", ".join(parts)) if parts else "",
                f"{len(missing)} table(s) missing" if missing else "",
                f"{len(errors)} error diagnostic(s), first: {errors[0]}" if errors else "",
            ],
        )
    )
    print(f"gongkai: {path}: not fully read: {why}", file=sys.stderr)


def _cmd_parse(args: argparse.Namespace) -> int:
    status = _Status()
    paths = list(_sources(args))
    if not paths:
        print("gongkai: no input files found", file=sys.stderr)
        return EXIT_FAILED
    rows: list[dict[str, Any]] = []
    results: list[Any] = []
    for path in paths:
        try:
            report = _read(path, args.variant, args.strict)
        except (GongkaiError, OSError) as e:
            _fail(path, e)
            status.failed = True
            if args.output:
                rows.append({"file": path, "error": " ".join(str(e).split())})
            continue
        if report.read_status != "read":
            status.incomplete = True
            _not_fully_read(path, report)
        if args.output:
            rows.append({"file": path, "error": None, **_jsonable(to_record(report))})
            continue
        out = _jsonable(to_record(report)) if args.format == "record" else to_dict(report)
        results.append({"file": path, **out} if len(paths) > 1 else out)
    if args.output:
        _write_table(rows, args.output)
    elif results:
        data = results if len(paths) > 1 else results[0]
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=args.indent) + "\n")
    return status.code


def _write_table(rows: list[dict[str, Any]], output: str) -> None:
    """Rows as JSON Lines (``.jsonl``) or CSV (``.csv``), from the file name's suffix."""
    columns: list[str] = list(dict.fromkeys(k for r in rows for k in r))
    with open(output, "w", encoding="utf-8", newline="") as fh:
        if output.endswith(".csv"):
            writer = csv.DictWriter(fh, fieldnames=columns)
            writer.writeheader()
            writer.writerows(rows)
        else:
            for r in rows:
                fh.write(json.dumps(r, ensure_ascii=False) + "\n")


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
    status = _Status()
    previous: Report | None = None
    if args.previous is not None:
        try:
            previous = _read(args.previous, None)  # its edition may differ: detect it
        except (GongkaiError, OSError) as e:
            _fail(args.previous, e)
            return EXIT_FAILED
    shown: list[dict[str, Any]] = []
    least = _SEVERITY_RANK[args.severity]
    paths = list(_sources(args))
    if not paths:
        print("gongkai: no input files found", file=sys.stderr)
        return EXIT_FAILED
    for path in paths:
        try:
            report = _read(path, args.variant)
        except (GongkaiError, OSError) as e:
            _fail(path, e)
            status.failed = True
            continue
        try:
            findings = check(report, previous=previous)
        except Exception as e:
            print(
                f"gongkai: {path}: read, but checking it failed (a bug in gongkai, please report it): "
                f"{type(e).__name__}: {' '.join(str(e).split())}",
                file=sys.stderr,
            )
            status.failed = True
            continue
        if report.read_status != "read":
            status.incomplete = True
            _not_fully_read(path, report)
        status.rules = status.rules or any(f.severity == "error" for f in findings)
        for f in findings:
            if _SEVERITY_RANK[f.severity] < least:
                continue
            if args.format == "json":
                shown.append(_finding_json(path, f))
            else:
                message = f.message_en if args.lang == "en" else f.message
                print(f"{path}:{f.line or 0}: {f.rule} {f.severity} {message}")
    if args.format == "json":
        sys.stdout.write(json.dumps(shown, ensure_ascii=False, indent=args.indent) + "\n")
    return status.code


def _cmd_render(args: argparse.Namespace) -> int:
    try:
        report = _read(args.file, args.variant)
    except (GongkaiError, OSError) as e:
        _fail(args.file, e)
        return EXIT_FAILED
    sys.stdout.write(render(report, args.layout))
    return EXIT_OK


def _cmd_variants(args: argparse.Namespace) -> int:
    for name, description in sorted(variants().items()):
        print(f"{name}\t{description}")
    return EXIT_OK


def _cmd_lint(args: argparse.Namespace) -> int:
    """Build each named variant's grammar with Lark's strict mode: conflicts and terminal
    collisions are errors.  Slow (seconds to minutes): a step for variant authors, not a test."""
    from importlib.util import find_spec

    if find_spec("interegular") is None:
        print("gongkai: lint-grammar needs interegular: pip install 'gongkai[lint]'", file=sys.stderr)
        return EXIT_FAILED
    from lark import Lark
    from lark.load_grammar import FromPackageLoader

    names = args.variants or sorted(variants())
    bad = False
    for name in names:
        try:
            v = get_variant(name)
            Lark.open_from_package(
                v.package,
                v.grammar,
                ("",),
                parser="lalr",
                lexer="contextual",
                strict=True,
                import_paths=[FromPackageLoader("gongkai.grammars", ("",))],
            )
        except Exception as e:
            bad = True
            print(f"{name}: {type(e).__name__}: {' '.join(str(e).split())[:2000]}")
        else:
            print(f"{name}: ok")
    return EXIT_RULES if bad else EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``gongkai`` command."""
    p = argparse.ArgumentParser(
        prog="gongkai",
        description="Read 政府信息公开工作年度报告 (government information-disclosure annual reports).",
        epilog="Exit status: 0 all read (and consistent), 1 a rule broken, 3 a report not fully read, "
        "2 a source could not be read.",
    )
    p.add_argument("--version", action="version", version=f"gongkai {__version__}")
    sub = p.add_subparsers(dest="command", required=True)

    def sources(sp: argparse.ArgumentParser) -> None:
        sp.add_argument(
            "files",
            nargs="*",
            metavar="SOURCE",
            help="report files (HTML, .docx, PDF, text), directories, globs; '-' for stdin",
        )
        sp.add_argument(
            "--files-from", metavar="LIST", help="read more paths from LIST, one a line ('-': stdin)"
        )
        sp.add_argument("--variant", default=None, help="force an edition or variant (default: detect)")
        sp.add_argument("--indent", type=int, default=2, help="JSON indent (default 2)")

    pp = sub.add_parser("parse", help="read reports and print them as JSON, or write a table")
    sources(pp)
    pp.add_argument(
        "--format",
        choices=("json", "record"),
        default="json",
        help="json: the whole model; record: the flat record of docs/record.md",
    )
    pp.add_argument("-o", "--output", metavar="PATH", help="write one row per report: .jsonl or .csv")
    pp.add_argument("--strict", action="store_true", help="fail on any deviation from the template")
    pp.set_defaults(func=_cmd_parse)

    pc = sub.add_parser(
        "check",
        help="check the arithmetic (勾稽关系) of reports",
        description="Check the arithmetic (勾稽关系) of reports: rules R1-R5, X3, and with --previous "
        "X1-X2.  Exit status: 0 read in full and no error finding, 1 an error finding, "
        "3 a report not fully read, 2 a source could not be read.",
    )
    sources(pc)
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
    pc.set_defaults(func=_cmd_check)

    pr = sub.add_parser("render", help="rewrite a report in one clean layout")
    pr.add_argument("file", metavar="FILE", help="report file ('-' for stdin)")
    pr.add_argument(
        "--layout", choices=LAYOUTS, default="markdown", help="the layout to write (default markdown)"
    )
    pr.add_argument("--variant", default=None, help="force an edition or variant (default: detect)")
    pr.set_defaults(func=_cmd_render)

    pv = sub.add_parser("variants", help="list the editions and regional variants gongkai knows")
    pv.set_defaults(func=_cmd_variants)

    pl = sub.add_parser("lint-grammar", help="strict checks of variant grammars (needs interegular)")
    pl.add_argument("variants", nargs="*", metavar="VARIANT", help="variants to lint (default: all)")
    pl.set_defaults(func=_cmd_lint)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (see the module's description)."""
    args = build_parser().parse_args(argv)
    if args.command in ("parse", "check") and not args.files and not args.files_from:
        print(f"gongkai {args.command}: give at least one SOURCE or --files-from", file=sys.stderr)
        return EXIT_FAILED
    try:
        return int(args.func(args))
    except BrokenPipeError:  # pragma: no cover - e.g. piped into head
        return EXIT_OK
    except OSError as e:  # a full disk, a closed pipe: one line, not a traceback
        print(f"gongkai: {e.strerror or e}", file=sys.stderr)
        return EXIT_FAILED


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
