"""Command line (also ``python -m gongkai``):

* ``gongkai parse SOURCE... [--format json|record]`` – reports as JSON, or with ``-o PATH`` one
  typed table (JSON Lines, CSV, Parquet, Excel; ``--long``: one row per figure; ``--panel``: both
  editions under the 2021 keys);
* ``gongkai check SOURCE... [--previous FILE] [--format text|json]`` – the arithmetic checks;
  ``-o PATH`` writes a verdict per report, ``--findings PATH`` every finding; reports are paired
  with the same agency's report of the year before for X1/X2;
* ``gongkai render FILE [--layout markdown|tab-separated|cell-per-line]`` – a report rewritten
  in one clean layout;
* ``gongkai variants`` – the editions and regional variants gongkai knows;
* ``gongkai lint-grammar [VARIANT]`` – Lark's strict checks of a variant's grammar (for variant
  authors; needs ``interegular``).

A SOURCE is a file (HTML, Word .docx, PDF or text, in any encoding), a directory (read
recursively), a glob, or ``-`` for standard input; ``--files-from LIST`` adds one path per line.
Many files are read in worker processes (``-j N``; one by default), each with a time limit
(``--timeout``); a file that fails is a row with its error, and a summary line ends the run
(read, read with warnings, not fully read, failed); a terminal also shows a progress line.

Exit status: 0 every report read in full (and, for ``check``, consistent); 1 a rule broken;
3 a report not fully read (a table or figures missing: see stderr); 2 a source could not be
read at all.  The worst case wins: 2, then 3, then 1.
"""

from __future__ import annotations

import argparse
import functools
import glob
import itertools
import json
import os
import sys
import time
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

import attrs

from . import __version__
from ._check import Finding, check
from ._corpus import Item, Result, map_files, read_one
from ._errors import GongkaiError
from ._export import FINDING_COLUMNS, FORMATS, format_of
from ._model import Report
from ._pipeline import read
from ._record import _jsonable, to_dict, to_record
from ._render import LAYOUTS, render
from ._variants import get_variant, variants

if TYPE_CHECKING:
    from ._export import Column

__all__ = ["build_parser", "main"]

_SEVERITY_RANK = {"info": 0, "warning": 1, "error": 2}
_SUFFIXES = {".txt", ".md", ".markdown", ".html", ".htm", ".xhtml", ".docx", ".pdf", ".tsv", ".csv", ".text"}
_SEVERITY_AT = [c.name for c in FINDING_COLUMNS].index("severity")
T = TypeVar("T")
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


def _not_fully_read(path: str, report: Report) -> str:
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
    return f"gongkai: {path}: not fully read: {why}"


class _Progress:
    """A one-line counter on stderr while files are read (a terminal only), and the summary
    line at the end: read, read with warnings, not fully read, failed."""

    def __init__(self, enabled: bool) -> None:
        self.live = enabled and sys.stderr.isatty()
        self.counts = dict.fromkeys(("read", "read with warnings", "not fully read", "failed"), 0)
        self.start = time.monotonic()
        self.shown = 0.0

    def say(self, line: str) -> None:
        """A message on its own line (the counter is redrawn after it)."""
        if self.live:
            sys.stderr.write("\r\033[K")
        print(line, file=sys.stderr)

    def count(self, state: str) -> None:
        """One more file, in the summary's words (:func:`_state`)."""
        self.counts[state] += 1
        now = time.monotonic()
        if self.live and now - self.shown > 0.1:
            self.shown = now
            done = sum(self.counts.values())
            rate = done / max(now - self.start, 1e-9)
            sys.stderr.write(f"\r\033[Kgongkai: {done} files, {self.counts['failed']} failed ({rate:.1f}/s)")
            sys.stderr.flush()

    def summary(self) -> None:
        if self.live:
            sys.stderr.write("\r\033[K")
        total = sum(self.counts.values())
        parts = ", ".join(f"{n} {what}" for what, n in self.counts.items())
        print(f"gongkai: {total} files: {parts} ({time.monotonic() - self.start:.1f} s)", file=sys.stderr)


def _items(args: argparse.Namespace) -> Iterator[Item]:
    """The sources as :func:`read_many` items: standard input is read here, once."""
    for path in _sources(args):
        if path == "-":
            yield ("-", sys.stdin.buffer.read())
        else:
            yield path


def _start(
    args: argparse.Namespace, task: Callable[[Item], T], lost: Callable[[str, str, float], T]
) -> tuple[Iterator[T], bool] | None:
    """``task`` of every source, in order (:func:`gongkai._corpus.map_files`; ``lost`` for a
    file that timed out or killed its worker), and whether there is more than one source (a
    batch); None when there is no source.  A batch or ``-j N`` runs in worker processes with
    the time limit."""
    items = _items(args)
    first = list(itertools.islice(items, 2))
    if not first:
        return None
    batch = len(first) > 1
    timeout = args.timeout if args.timeout and args.timeout > 0 else None
    jobs = max(1, args.jobs)
    if not batch and jobs == 1:
        timeout = None  # one file: read here (Ctrl-C stops it)
    all_items = itertools.chain(first, items)
    return map_files(task, all_items, jobs=jobs, timeout=timeout, lost=lost), batch


def _marks(findings: list[Finding]) -> dict[str, str]:
    marks: dict[str, str] = {}
    for f in findings:
        if f.cell and f.severity in ("error", "warning") and marks.get(f.cell) != "error":
            marks[f.cell] = f.severity
    return marks


class _Parsed(NamedTuple):
    """What a worker sends back for one file of ``gongkai parse``: plain values, no report."""

    path: str
    state: str  # the summary's word for it: read, read with warnings, not fully read, failed
    message: str | None  # the line for stderr: its error, or what was not read
    rows: list[tuple[tuple[Any, ...], dict[str, str]]]  # with -o: table rows and their marks
    findings: list[tuple[Any, ...]]  # with -o to Excel: the findings sheet's rows
    data: Any  # without -o: the report as JSON data


@attrs.frozen
class _ParseTask:
    """The per-file work of ``gongkai parse``, done in the worker processes: read, then make
    the output's rows (or JSON data), so that the main process only writes."""

    variant: str | None
    strict: bool
    record: bool  # JSON output: the flat record, not the whole model
    columns: tuple[Column, ...] | None  # with -o: the table's columns
    long: bool = False
    panel: bool = False
    findings: bool = False  # with -o to Excel: check, mark the broken cells, list the findings

    def __call__(self, item: Item) -> _Parsed:
        reader = functools.partial(read, strict=True) if self.strict else None
        return self.of(read_one(item, variant=self.variant, reader=reader))

    def lost(self, name: str, error: str, seconds: float) -> _Parsed:
        """The output of a file that timed out or killed its worker."""
        return self.of(Result(name, None, error, None, seconds))

    def of(self, result: Result) -> _Parsed:
        """The output of one file read (or not)."""
        path, report = result.path, result.report
        state = _state(result)
        message = None
        if report is None:
            message = f"gongkai: {path}: {(result.error or '').removeprefix(f'{path}: ')}"
        elif report.read_status != "read":
            message = _not_fully_read(path, report)
        if self.columns is None:
            data = None
            if report is not None:
                data = _jsonable(to_record(report)) if self.record else to_dict(report)
            return _Parsed(path, state, message, [], [], data)
        from ._export import finding_rows, long_rows, row_values, wide_rows

        findings = check(report) if self.findings and report is not None else []
        marks = _marks(findings)
        rows: list[tuple[tuple[Any, ...], dict[str, str]]] = []
        if self.long:
            for row in long_rows([result], panel=self.panel):
                mark = {"value": marks[row["key"]]} if row["key"] in marks else {}
                rows.append((row_values(self.columns, row), mark))
        else:
            for row in wide_rows([result], columns=self.columns, panel=self.panel):
                if row["error"]:
                    marks["error"] = "error"
                elif row["read_status"] != "read":
                    marks["read_status"] = "warning"
                rows.append((row_values(self.columns, row), marks))
        from ._export import FINDING_COLUMNS

        frows = [row_values(FINDING_COLUMNS, f) for f in finding_rows(path, report, findings)]
        return _Parsed(path, state, message, rows, frows, None)


def _state(result: Result) -> str:
    """The summary's word for a file: read, read with warnings, not fully read, failed."""
    if result.report is None:
        return "failed"
    if result.report.read_status != "read":
        return "not fully read"
    if any(d.severity == "warning" for d in result.report.diagnostics):
        return "read with warnings"
    return "read"


def _cmd_parse(args: argparse.Namespace) -> int:
    status = _Status()
    progress = _Progress(not args.quiet)
    out: list[Any] = []
    writer = findings_writer = None
    columns: list[Column] | None = None
    if args.output:
        from ._export import LONG_COLUMNS, open_writer, wide_columns

        columns = (
            list(LONG_COLUMNS)
            if args.long
            else wide_columns([args.variant] if args.variant else None, panel=args.panel)
        )
    task = _ParseTask(
        variant=args.variant,
        strict=args.strict,
        record=args.format == "record",
        columns=None if columns is None else tuple(columns),
        long=args.long,
        panel=args.panel,
        # the findings (and the cells they mark) only where they are shown: Excel's second sheet
        findings=bool(args.output) and format_of(args.output, args.to) == "xlsx",
    )
    started = _start(args, task, task.lost)
    if started is None:
        print("gongkai: no input files found", file=sys.stderr)
        return EXIT_FAILED
    results, batch = started
    if columns is not None:
        writer, findings_writer = open_writer(args.output, columns, to=args.to, findings=True)
    try:
        for parsed in results:
            progress.count(parsed.state)
            if parsed.message is not None:
                progress.say(parsed.message)
            status.failed = status.failed or parsed.state == "failed"
            status.incomplete = status.incomplete or parsed.state == "not fully read"
            if writer is not None:
                for values, marks in parsed.rows:
                    writer.write_values(values, marks)
                if findings_writer is not None:
                    for frow in parsed.findings:
                        findings_writer.write_values(frow, {"severity": frow[_SEVERITY_AT]})
            elif parsed.data is not None:
                out.append({"file": parsed.path, **parsed.data} if batch else parsed.data)
    finally:
        if writer is not None:
            writer.close()
    if writer is None and out:
        data = out if batch else out[0]
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=args.indent) + "\n")
    if batch:
        progress.summary()
    return status.code


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


def _agency_key(agency: str | None) -> str | None:
    """An agency's name for pairing years: NFKC, without spaces."""
    if not agency:
        return None
    return "".join(unicodedata.normalize("NFKC", agency).split()) or None


def _slim(report: Report) -> Report:
    """What X1 and X2 read of last year's report: its tables 二 and 三 (to keep a corpus's
    pairs small in memory)."""
    keep = {k: v for k, v in report.tables.items() if k in ("active", "requests")}
    return attrs.evolve(report, sections=(), tables=keep, diagnostics=(), preamble=())


class _Checked(NamedTuple):
    """What a worker sends back for one file of ``gongkai check``: plain values, and of the
    report only the part the cross-year rules read (when it can be paired)."""

    path: str
    state: str  # as in _Parsed
    message: str | None
    verdict: dict[str, Any]
    shown: list[Any]  # what the findings become: table rows, JSON objects or text lines
    rules: bool  # an error finding
    slim: Report | None  # tables 二 and 三, for pairing with the year before or after


@attrs.frozen
class _CheckTask:
    """The per-file work of ``gongkai check``, done in the worker processes: read, check,
    and turn the findings into what the output shows."""

    variant: str | None
    previous: Report | None
    previous_name: str | None
    pairs: bool
    rows: bool  # the findings go to a table (else to stdout: ``json`` or text lines)
    json: bool
    lang: str
    least: int

    def __call__(self, item: Item) -> _Checked:
        return self.of(read_one(item, variant=self.variant))

    def lost(self, name: str, error: str, seconds: float) -> _Checked:
        """The output of a file that timed out or killed its worker."""
        return self.of(Result(name, None, error, None, seconds))

    def of(self, result: Result) -> _Checked:
        """The verdict and findings of one file read (or not)."""
        path, report = result.path, result.report
        state = _state(result)
        verdict: dict[str, Any] = {"file": path, "format": result.format, "error": result.error}
        if report is None:
            failed = f"gongkai: {path}: {(result.error or '').removeprefix(f'{path}: ')}"
            return _Checked(path, state, failed, verdict, [], False, None)
        try:
            findings = check(report, previous=self.previous)
        except Exception as e:
            failed = (
                f"gongkai: {path}: read, but checking it failed (a bug in gongkai, please report it): "
                f"{type(e).__name__}: {' '.join(str(e).split())}"
            )
            verdict["error"] = f"checking failed: {type(e).__name__}: {e}"
            return _Checked(path, "failed", failed, verdict, [], False, None)
        message = _not_fully_read(path, report) if report.read_status != "read" else None
        verdict.update(
            agency=report.agency, year=report.year, edition=report.edition, read_status=report.read_status
        )
        _tally(verdict, findings)
        slim = None
        if self.previous is not None:
            verdict["previous"] = self.previous_name
        elif self.pairs and report.year is not None and _agency_key(report.agency):
            slim = _slim(report)
        rules = any(f.severity == "error" for f in findings)
        return _Checked(path, state, message, verdict, self.show(path, report, findings), rules, slim)

    def show(self, path: str, report: Report, findings: list[Finding], prev: str | None = None) -> list[Any]:
        """The findings as the output shows them: findings-table rows, JSON objects or lines."""
        if self.rows:
            from ._export import finding_rows, row_values

            rows = finding_rows(path, report, findings, prev or self.previous_name)
            return [row_values(FINDING_COLUMNS, r) for r in rows]
        shown: list[Any] = []
        for f in findings:
            if _SEVERITY_RANK[f.severity] < self.least:
                continue
            if self.json:
                shown.append(_finding_json(path, f))
            else:
                message = f.message_en if self.lang == "en" else f.message
                shown.append(f"{path}:{f.line or 0}: {f.rule} {f.severity} {message}")
        return shown


def _cmd_check(args: argparse.Namespace) -> int:
    status = _Status()
    previous: Report | None = None
    if args.previous is not None:
        try:
            previous = _read(args.previous, None)  # its edition may differ: detect it
        except (GongkaiError, OSError) as e:
            _fail(args.previous, e)
            return EXIT_FAILED
    tables = bool(args.output or args.findings)
    task = _CheckTask(
        variant=args.variant,
        previous=previous,
        previous_name=args.previous,
        pairs=not args.no_pairs,
        # a findings table: --findings, or Excel's second sheet
        rows=bool(args.findings) or (bool(args.output) and format_of(args.output, args.to) == "xlsx"),
        json=args.format == "json",
        lang=args.lang,
        least=_SEVERITY_RANK[args.severity],
    )
    started = _start(args, task, task.lost)
    if started is None:
        print("gongkai: no input files found", file=sys.stderr)
        return EXIT_FAILED
    results, batch = started
    progress = _Progress(not args.quiet)
    verdicts: list[dict[str, Any]] = []
    slims: dict[int, Report] = {}
    shown: list[Any] = []
    verdict_writer = findings_writer = None
    if tables:
        from ._export import VERDICT_COLUMNS, open_writer

        if args.output:
            verdict_writer, findings_writer = open_writer(
                args.output, VERDICT_COLUMNS, to=args.to, sheet="verdicts", findings=not args.findings
            )
        if args.findings:
            findings_writer, _ = open_writer(args.findings, FINDING_COLUMNS, sheet="findings")

    def emit(items: list[Any]) -> None:
        if findings_writer is not None:
            for values in items:
                findings_writer.write_values(values, {"severity": values[_SEVERITY_AT]})
        elif args.format == "json" and not tables:
            shown.extend(items)
        elif not tables:
            for line in items:
                print(line)

    try:
        for index, checked in enumerate(results):
            progress.count(checked.state)
            if checked.message is not None:
                progress.say(checked.message)
            status.failed = status.failed or checked.state == "failed"
            status.incomplete = status.incomplete or checked.state == "not fully read"
            status.rules = status.rules or checked.rules
            verdicts.append(checked.verdict)
            if checked.slim is not None:
                slims[index] = checked.slim
            emit(checked.shown)
        if previous is None and not args.no_pairs:
            for index, prev_index, note in _pairs(verdicts, slims):
                verdict = verdicts[index]
                verdict["pairing"] = note
                if prev_index is None:
                    continue
                verdict["previous"] = verdicts[prev_index]["file"]
                x = [f for f in check(slims[index], previous=slims[prev_index]) if f.rule in ("X1", "X2")]
                _tally(verdict, x)
                status.rules = status.rules or any(f.severity == "error" for f in x)
                emit(task.show(verdict["file"], slims[index], x, verdict["previous"]))
        if verdict_writer is not None:
            for v in verdicts:
                v["broken_rules"] = sorted(v.get("broken_rules", ()))
                verdict_writer.write(v, _verdict_marks(v))
    finally:
        for w in (verdict_writer, findings_writer):
            if w is not None:
                w.close()
    if args.format == "json" and not tables:
        sys.stdout.write(json.dumps(shown, ensure_ascii=False, indent=args.indent) + "\n")
    if batch:
        progress.summary()
    return status.code


def _tally(verdict: dict[str, Any], findings: list[Finding]) -> None:
    for severity, name in (("error", "errors"), ("warning", "warnings"), ("info", "infos")):
        verdict[name] = verdict.get(name, 0) + sum(1 for f in findings if f.severity == severity)
    broken = set(verdict.get("broken_rules", ()))
    broken.update(f.rule for f in findings if f.severity in ("error", "warning"))
    verdict["broken_rules"] = broken


def _verdict_marks(v: dict[str, Any]) -> dict[str, str]:
    marks: dict[str, str] = {}
    if v.get("error"):
        marks["error"] = "error"
    if v.get("read_status") not in (None, "read"):
        marks["read_status"] = "warning"
    if v.get("errors"):
        marks["errors"] = "error"
    if v.get("warnings"):
        marks["warnings"] = "warning"
    return marks


def _pairs(verdicts: list[dict[str, Any]], slims: dict[int, Report]) -> Iterator[tuple[int, int | None, str]]:
    """Each report with the report of the year before by the same agency in the corpus:
    (index, index of last year's report or None, a note).  Two candidates for last year are
    ambiguous: reported, not checked."""
    by_key: dict[tuple[str, int], list[int]] = {}
    for index, report in slims.items():
        key = _agency_key(report.agency)
        if key is not None and report.year is not None:
            by_key.setdefault((key, report.year), []).append(index)
    for index, report in slims.items():
        key = _agency_key(report.agency)
        if key is None or report.year is None:
            continue
        found = by_key.get((key, report.year - 1), [])
        if len(found) == 1:
            yield index, found[0], f"paired with {report.year - 1}"
        elif found:
            files = ", ".join(str(verdicts[i]["file"]) for i in found)
            yield index, None, f"ambiguous: {len(found)} reports for {report.year - 1}: {files}"


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
    from ._grammar import lark_checked

    names = args.variants or sorted(variants())
    bad = False
    for name in names:
        try:
            lark_checked(get_variant(name), strict=True)
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
        sp.add_argument(
            "-j", "--jobs", type=int, default=1, metavar="N", help="read with N processes (default 1)"
        )
        sp.add_argument(
            "--timeout",
            type=float,
            default=60.0,
            metavar="SECONDS",
            help="time limit per file when reading many (default 60; 0: none)",
        )
        sp.add_argument("-q", "--quiet", action="store_true", help="no progress line and no summary line")
        sp.add_argument(
            "--to", choices=FORMATS, default=None, help="table format of -o (default: from its suffix)"
        )

    pp = sub.add_parser("parse", help="read reports and print them as JSON, or write a table")
    sources(pp)
    pp.add_argument(
        "--format",
        choices=("json", "record"),
        default="json",
        help="json: the whole model; record: the flat record of docs/record.md",
    )
    pp.add_argument(
        "-o",
        "--output",
        metavar="PATH",
        help="write one row per report (failures too) to .jsonl, .csv, .parquet or .xlsx",
    )
    pp.add_argument(
        "--long", action="store_true", help="with -o: one row per figure, with its raw text and place"
    )
    pp.add_argument(
        "--panel",
        action="store_true",
        help="with -o: 2019 and 2021 reports under the 2021 keys (gongkai.crosswalk)",
    )
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
    pc.add_argument(
        "--previous",
        metavar="FILE",
        default=None,
        help="the report of the year before, for every SOURCE (X1, X2); by default each report "
        "is paired with the same agency's report of the year before among the SOURCEs",
    )
    pc.add_argument("--no-pairs", action="store_true", help="do not pair reports across years (no X1, X2)")
    pc.add_argument(
        "-o",
        "--output",
        metavar="PATH",
        help="write a verdict per report (.jsonl, .csv, .parquet, .xlsx; Excel adds a findings sheet)",
    )
    pc.add_argument("--findings", metavar="PATH", help="write every finding to a table (.jsonl, .csv, ...)")
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
