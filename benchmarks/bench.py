"""gongkai's benchmark: how far reading a report is from scanning its text once.

Run from the repository root with the project installed (``pip install -e ".[dev]"``)::

    python benchmarks/bench.py                  # full run, several minutes on 2 cores
    python benchmarks/bench.py --quick          # a short run
    python benchmarks/bench.py --json out.json  # also write every figure as JSON
    python benchmarks/bench.py --only seeds,hostile --profile

Everything is measured in one process (but the fresh interpreters), interleaved: each round
runs every contender once, so the noise of a shared machine hits them alike; the figures are
medians over the rounds.  The *floor* is one pass of a compiled regex that finds every number
and section heading of a text: no reader can be faster than one scan of its input.

Sections (``--only``): ``seeds``, ``generated``, ``fresh``, ``scaling``, ``hostile``,
``documents``.  ``--profile`` adds cProfile's top functions over the seeds.  The benchmark
is not part of the test suite; it needs the project's ``dev`` extra (hypothesis, for
``tests/strategies.py``) and, for the documents, the ``all`` extra.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import json
import os
import platform
import pstats
import random
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # tests.strategies: the project's own report generator

import lark  # noqa: E402
from tests.strategies import make_report  # noqa: E402

import gongkai  # noqa: E402
from gongkai._build import build_report  # noqa: E402
from gongkai._document import Cell, Where  # noqa: E402
from gongkai._grammar import line_of, parse_blocks, parser_for  # noqa: E402
from gongkai._readers import read_document  # noqa: E402
from gongkai._readers import text as text_reader  # noqa: E402
from gongkai._variants import detect_variant  # noqa: E402

SEEDS = sorted((ROOT / "tests" / "fixtures" / "seeds").glob("*.txt"))
DOCUMENTS = ROOT / "tests" / "fixtures" / "documents"

#: The floor: every number and every section heading of the text, in one pass.
FLOOR = re.compile(r"\d+(?:\.\d+)?|^[ \t#]*[一二三四五六][、.．]", re.M)

STAGES = ("read_text", "grammar", "build", "check", "record")

# The bounds.
BOUND_SEEDS = 10.0  # parse + check + to_record ≤ 10× the floor on the seeds
BOUND_S_PER_MB = 1.0  # hostile inputs: parse + check + to_record + render ≤ 1 s per MB
BOUND_MEMORY = 8.0  # hostile inputs: peak traced memory ≤ 8× the input (UTF-8 bytes)
BOUND_PDF = 1.2  # gongkai.read of a PDF + check + record ≤ 1.2× pdfplumber's own floor

Json = dict[str, Any]


#: Every in-process time is CPU time of this process: on a shared machine wall time measures the
#: neighbours too (a report's ~5 ms is cut by the scheduler in a third of the runs at load 3).
clock = time.process_time


def log(message: str) -> None:
    """Progress, on stderr (the results go to stdout)."""
    print(message, file=sys.stderr, flush=True)


def mb(text: str) -> float:
    """The text's size in MB of UTF-8 (a Chinese character is 3 bytes)."""
    return len(text.encode("utf-8")) / 1e6


def median_ms(samples: Sequence[float]) -> float:
    return statistics.median(samples) * 1e3


# --------------------------------------------------------------------------------------------
# what is timed


def floor(text: str, inner: int = 1) -> float:
    """Seconds for one floor pass over ``text`` (averaged over ``inner`` calls: one is µs)."""
    t0 = clock()
    for _ in range(inner):
        FLOOR.findall(text)
    return (clock() - t0) / inner


def pipeline(text: str) -> float:
    """Seconds for ``parse`` + ``check`` + ``to_record``, as a user runs them."""
    t0 = clock()
    report = gongkai.parse(text)
    gongkai.check(report)
    gongkai.to_record(report)
    return clock() - t0


def objects(report: gongkai.Report) -> float:
    """Seconds to make, for every figure of ``report``, the three objects the design asks for
    and nothing else: the reader's :class:`Where` and :class:`Cell` and the model's
    :class:`gongkai.Figure` (frozen attrs classes).  No pipeline with that model can be faster;
    the benchmark prints it as a floor of its own next to the regex floor."""
    t0 = clock()
    made_objects(report)
    return clock() - t0


def made_objects(report: gongkai.Report) -> list[object]:
    """A :class:`Where`, :class:`Cell` and :class:`gongkai.Figure` for every figure of ``report``."""
    figures = [f for t in report.tables.values() for r in t.rows for f in r.figures]
    out: list[object] = []
    for i, f in enumerate(figures):
        where = Where(line=i)
        out.append(Cell(f.raw, f.raw, where))
        out.append(gongkai.Figure(f.column, f.value, f.raw, i, f.kind, where=where))
    return out


def terminals_of(text: str) -> tuple[Any, list[tuple[str, str]]]:
    """The variant of ``text`` and the terminals its parse read, in order (for :func:`lark_feed`)."""
    lines = [line_of(b) for b in text_reader.read_text(text).blocks]
    variant = detect_variant("".join(lines))
    tree, _ = parse_blocks(variant, lines)
    return variant, [(t.type, str(t)) for t in tree.scan_values(lambda v: isinstance(v, lark.Token))]


def lark_feed(variant: Any, terminals: Sequence[tuple[str, str]]) -> float:
    """Seconds for Lark's LALR parser to take a report's tokens when their terminals are already
    known: no lexing, no error recovery, just Lark's own parse (a floor of the grammar stage)."""
    parser = parser_for(variant)
    t0 = clock()
    state = parser.parse_interactive(None)
    for i, (name, value) in enumerate(terminals, 1):
        state.feed_token(lark.Token(name, value, line=i, column=1))
    state.feed_eof()
    return clock() - t0


def staged(text: str, render: bool = False) -> dict[str, float]:
    """Seconds per stage of the same pipeline, the stages called as ``gongkai.parse`` calls them.

    ``grammar`` is the blocks' line forms, the variant's detection and the LALR parse; ``build``
    the model.  With ``render``, the report is also written back as markdown.
    """
    t: dict[str, float] = {}
    t0 = clock()
    document = text_reader.read_text(text)
    t1 = clock()
    lines = [line_of(b) for b in document.blocks]
    variant = detect_variant("".join(lines))
    tree, skipped = parse_blocks(variant, lines)
    t2 = clock()
    report = build_report(document, tree, skipped, variant)
    t3 = clock()
    gongkai.check(report)
    t4 = clock()
    gongkai.to_record(report)
    t5 = clock()
    t.update(read_text=t1 - t0, grammar=t2 - t1, build=t3 - t2, check=t4 - t3, record=t5 - t4)
    if render:
        gongkai.render(report)
        t["render"] = clock() - t5
    return t


def stage_medians(samples: Sequence[dict[str, float]]) -> dict[str, float]:
    """Median ms of each stage over the samples."""
    return {k: median_ms([s[k] for s in samples]) for k in samples[0]}


# --------------------------------------------------------------------------------------------
# texts


def load_seeds() -> list[tuple[str, str]]:
    """The seed reports: (file stem, text)."""
    return [(p.stem[:3], p.read_text(encoding="utf-8")) for p in SEEDS]


def _count(rng: random.Random) -> int | None:
    r = rng.random()
    if r < 0.55:
        return 0
    if r < 0.62:
        return None
    return rng.randint(1, 30) if r < 0.9 else rng.randint(100, 99_999)


def generated(seeds: Sequence[str], per_layout: int, rng: random.Random) -> list[tuple[str, str]]:
    """Reports from ``tests.strategies.make_report``: a seed's prose, random figures, both
    editions, rendered in every layout.  Returns (layout, text)."""
    prose = [{s.number: s.paragraphs for s in gongkai.parse(t).sections} for t in seeds]
    out: list[tuple[str, str]] = []
    for i in range(per_layout):
        for layout in gongkai.LAYOUTS:
            edition = ("2021", "2019")[i % 2]
            variant = gongkai.get_variant(edition)
            figures: dict[str, int | Decimal | None] = {}
            for t in variant.tables:
                for rs in t.row_specs():
                    for c in rs.columns:
                        figures[f"{t.prefix}{rs.row}.{c}"] = _count(rng)
            report = make_report(
                edition,
                year=2021 + i % 4 if edition == "2021" else 2019 + i % 2,
                figures=figures,
                prose=prose[rng.randrange(len(prose))],
            )
            out.append((layout, gongkai.render(report, layout)))
    return out


_SECTION1 = re.compile(r"^一、[^\n]*\n(.*?)(?=^二、)", re.M | re.S)
_UNKNOWN_ROW = "\t（八）其他未列明情形\t1\t0\t0\t0\t0\t0\t1\n"
_BEFORE_TOTAL = re.compile(r"^[^\n]*（七）总计", re.M)


def grow(base: str, mode: str, factor: int) -> str:
    """``base`` grown to about ``factor`` times its size: ``prose`` repeats section 一's
    paragraphs, ``rows`` an unknown row before table 三's total (each one skipped with a
    diagnostic), ``bodies`` the whole report."""
    if factor == 1:
        return base
    if mode == "bodies":
        return base * factor
    if mode == "prose":
        m = _SECTION1.search(base)
        assert m is not None, "the base report has no section 一"
        copies = round((factor - 1) * len(base) / len(m.group(1))) + 1
        return base[: m.start(1)] + m.group(1) * copies + base[m.end(1) :]
    m = _BEFORE_TOTAL.search(base)
    assert m is not None, "the base report has no （七）总计 row"
    copies = round((factor - 1) * len(base) / len(_UNKNOWN_ROW))
    return base[: m.start()] + _UNKNOWN_ROW * copies + base[m.start() :]


def hostile(seed: str) -> dict[str, str]:
    """The issue's hostile inputs, each made from seed 001 (markdown headings, TAB tables)."""
    head = "(二) 依申请公开。"
    heading = next(line for line in seed.splitlines() if "一、总体情况" in line)
    huge = "9" * 5000
    cell = re.search(r"^(\t[^\n]*\t)(\d+)(\t|\n)", seed, re.M)
    assert head in seed and cell is not None
    digits = seed.replace("全年办理政府信息公开申请14件", f"全年办理政府信息公开申请{huge}件")
    digits = digits[: cell.start(2)] + huge + digits[cell.end(2) :]
    zeros = "| 0 " * 2_500_000 + "|"  # 10 MB
    return {
        "19,400 quote lines in section 一": seed.replace(head, head + "\n" + "收到申请1件\n" * 19_400, 1),
        "10,000 repeated headings": seed.replace(heading, (heading + "\n") * 10_000 + heading, 1),
        "5,000-digit cell and figure in prose": digits,
        "a 10 MB line of | 0 | 0 …": seed.replace(heading, zeros + "\n" + heading, 1),
    }


# --------------------------------------------------------------------------------------------
# measurements


def measure_texts(named: Sequence[tuple[str, str]], reps: int, floor_inner: int) -> list[Json]:
    """Floor, the public pipeline and its stages on each text, interleaved over ``reps`` rounds."""
    for _, text in named:
        pipeline(text)  # the grammars built, the variants loaded
    reports = [gongkai.parse(text) for _, text in named]
    terminals = [terminals_of(text) for _, text in named]
    samples: list[tuple[list[float], list[float], list[dict[str, float]], list[float], list[float]]] = [
        ([], [], [], [], []) for _ in named
    ]
    for _ in range(reps):
        for (_, text), report, terms, (fl, pi, st, ob, lk) in zip(
            named, reports, terminals, samples, strict=True
        ):
            fl.append(floor(text, floor_inner))
            pi.append(pipeline(text))
            st.append(staged(text))
            ob.append(objects(report))
            lk.append(lark_feed(*terms))
    rows = []
    for (name, text), (fl, pi, st, ob, lk) in zip(named, samples, strict=True):
        f, p, o, k = median_ms(fl), median_ms(pi), median_ms(ob), median_ms(lk)
        rows.append(
            {"name": name, "kb": mb(text) * 1e3, "floor_ms": f, "pipeline_ms": p, "ratio": p / f}
            | {"objects_ms": o, "lark_ms": k, "floors_ratio": (o + k) / f, "stages_ms": stage_medians(st)}
        )
    return rows


def summed(name: str, rows: Sequence[Json]) -> Json:
    """Several texts' rows as one: the medians summed, the ratio of the sums."""
    f = sum(r["floor_ms"] for r in rows)
    p = sum(r["pipeline_ms"] for r in rows)
    o = sum(r["objects_ms"] for r in rows)
    k = sum(r["lark_ms"] for r in rows)
    stages = {k: sum(r["stages_ms"][k] for r in rows) for k in rows[0]["stages_ms"]}
    return {
        "name": name,
        "kb": sum(r["kb"] for r in rows),
        "floor_ms": f,
        "pipeline_ms": p,
        "ratio": p / f,
        "objects_ms": o,
        "lark_ms": k,
        "floors_ratio": (o + k) / f,
        "stages_ms": stages,
    }


_FRESH = """\
import sys, time
t0 = time.process_time()
import gongkai
t1 = time.process_time()
gongkai.to_record(gongkai.parse(open(sys.argv[1], encoding="utf-8").read()))
t2 = time.process_time()
print(t1 - t0, t2 - t1)
"""


def _children_cpu() -> float:
    """CPU seconds (user + system) of this process's finished children so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def measure_fresh(runs: int) -> Json:
    """``python -c pass`` next to ``import gongkai`` + the first parse and record of a seed, in
    fresh interpreters, interleaved.  Bytecode is compiled once beforehand into a temporary
    ``PYTHONPYCACHEPREFIX`` (as an installed package has it), never beside the sources."""
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, PYTHONPYCACHEPREFIX=cache)
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        fresh = [sys.executable, "-c", _FRESH, str(SEEDS[0])]
        bare = [sys.executable, "-c", "pass"]
        subprocess.run(fresh, check=True, env=env, capture_output=True)
        walls: dict[str, list[float]] = {"bare": [], "gongkai": []}
        cpus: dict[str, list[float]] = {"bare": [], "gongkai": []}
        inside: list[tuple[float, float]] = []
        for _ in range(runs):
            for name, args in (("bare", bare), ("gongkai", fresh)):
                t0, c0 = time.perf_counter(), _children_cpu()
                done = subprocess.run(args, check=True, env=env, capture_output=True, text=True)
                walls[name].append(time.perf_counter() - t0)
                cpus[name].append(_children_cpu() - c0)
                if name == "gongkai":
                    a, b = done.stdout.split()
                    inside.append((float(a), float(b)))
    return {
        "bare_wall_ms": median_ms(walls["bare"]),
        "gongkai_wall_ms": median_ms(walls["gongkai"]),
        "bare_cpu_ms": median_ms(cpus["bare"]),
        "gongkai_cpu_ms": median_ms(cpus["gongkai"]),
        "import_ms": median_ms([a for a, _ in inside]),
        "first_parse_ms": median_ms([b for _, b in inside]),
    }


def measure_scaling(base: str, rounds: int) -> Json:
    """Each stage at 1×, 10× and 100× the base report, per growth mode, interleaved by rounds
    (1× and 10× run several times a round).  ``10→100`` is ~10 when a stage is linear."""
    out: Json = {}
    for mode in ("prose", "rows", "bodies"):
        texts = {f: grow(base, mode, f) for f in (1, 10, 100)}
        for text in texts.values():
            staged(text)
        samples: dict[int, list[dict[str, float]]] = {f: [] for f in texts}
        for _ in range(rounds):
            for f, text in texts.items():
                for _ in range({1: 5, 10: 2, 100: 1}[f]):
                    samples[f].append(staged(text))
        points = {f: stage_medians(s) for f, s in samples.items()}
        out[mode] = {
            "kb": {f: mb(t) * 1e3 for f, t in texts.items()},
            "stages_ms": points,
            "total_ms": {f: sum(p.values()) for f, p in points.items()},
            "growth_10_to_100": {k: points[100][k] / points[10][k] for k in points[1]},
        }
        log(f"  scaling {mode}: {out[mode]['total_ms']}")
    return out


def peak_memory(fn: Callable[[], object]) -> int:
    """Peak bytes traced while ``fn`` runs."""
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def measure_hostile(seed: str, reps: int) -> list[Json]:
    """Each hostile input through parse + check + to_record + render: stage times (median of
    ``reps``, interleaved with the plain seed), seconds per MB and the peak traced memory."""
    texts = {"seed 001 itself": seed, **hostile(seed)}
    staged(seed)  # the grammar built before anything is timed
    samples: dict[str, list[dict[str, float]]] = {k: [] for k in texts}
    for _ in range(reps):
        for name, text in texts.items():
            gc.collect()  # the garbage of the input before is not billed to this one
            samples[name].append(staged(text, render=True))
    rows = []
    for name, text in texts.items():
        stages = stage_medians(samples[name])
        total = sum(stages.values())
        peak = peak_memory(lambda text=text: staged(text, render=True))  # type: ignore[misc]
        report = gongkai.parse(text)
        least = peak_memory(lambda report=report: made_objects(report))  # type: ignore[misc]
        size = mb(text)
        rows.append(
            {
                "name": name,
                "mb": size,
                "stages_ms": stages,
                "total_ms": total,
                "s_per_mb": total / 1e3 / size,
                "peak_mib": peak / 2**20,
                "peak_x_input": peak / (size * 1e6),
                "objects_x_input": least / (size * 1e6),
            }
        )
        log(
            f"  hostile {name}: {total:.0f} ms, {total / 1e3 / size:.2f} s/MB, "
            f"peak {peak / size / 1e6:.1f}× input"
        )
    return rows


def _html_floor(data: bytes) -> None:
    import lxml.html

    lxml.html.document_fromstring(data)


def _docx_floor(data: bytes) -> None:
    import docx

    docx.Document(io.BytesIO(data))


def _pdf_floor(data: bytes) -> None:
    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            page.find_tables()


_DOC_FLOORS: dict[str, Callable[[bytes], None]] = {
    "html": _html_floor,
    "docx": _docx_floor,
    "pdf": _pdf_floor,
}


def _read_document(data: bytes) -> tuple[float, float, str]:
    """(seconds in the reader, seconds in grammar + model + check + record, outcome)."""
    t0 = clock()
    try:
        document = read_document(data)
    except gongkai.GongkaiError as e:
        return clock() - t0, 0.0, type(e).__name__
    t1 = clock()
    try:
        report = gongkai.parse_document(document)
    except gongkai.GongkaiError as e:
        return t1 - t0, clock() - t1, type(e).__name__
    gongkai.check(report)
    gongkai.to_record(report)
    return t1 - t0, clock() - t1, report.read_status


def measure_documents(reps: int, kinds: Sequence[str]) -> list[Json]:
    """``gongkai.read`` + check + record per fixture document next to its library's floor on
    the same bytes, interleaved over ``reps`` rounds."""
    files = [p for kind in kinds for p in sorted((DOCUMENTS / kind).glob(f"*.{kind}"))]
    datas = {p: p.read_bytes() for p in files}
    for p in files:
        _read_document(datas[p])
    samples: dict[Path, tuple[list[float], list[float], list[float]]] = {p: ([], [], []) for p in files}
    outcome: dict[Path, str] = {}
    floor_failed: set[Path] = set()
    for _ in range(reps):
        for p in files:
            fl, rd, rest = samples[p]
            t0 = clock()
            try:
                _DOC_FLOORS[p.suffix[1:]](datas[p])
            except Exception:  # an encrypted or broken file: the floor is how long it takes to fail
                floor_failed.add(p)
            fl.append(clock() - t0)
            a, b, outcome[p] = _read_document(datas[p])
            rd.append(a)
            rest.append(b)
    rows = []
    for p in files:
        fl, rd, rest = samples[p]
        total = [a + b for a, b in zip(rd, rest, strict=True)]
        rows.append(
            {
                "name": f"{p.parent.name}/{p.name}",
                "kb": len(datas[p]) / 1e3,
                "floor_ms": median_ms(fl),
                "reader_ms": median_ms(rd),
                "rest_ms": median_ms(rest),
                "total_ms": median_ms(total),
                "ratio": median_ms(total) / median_ms(fl),
                "outcome": outcome[p] + (" (floor failed)" if p in floor_failed else ""),
            }
        )
    return rows


def profile_seeds(texts: Sequence[str], passes: int, top: int) -> str:
    """cProfile of parse + check + to_record over the seeds: the top functions by own time."""
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(passes):
        for text in texts:
            pipeline(text)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(top)
    return out.getvalue()


def machine() -> Json:
    """Where the figures come from."""
    cpu = ""
    for line in Path("/proc/cpuinfo").read_text().splitlines() if Path("/proc/cpuinfo").exists() else ():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    commit = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
    ).stdout.strip()
    return {
        "platform": platform.platform(),
        "cpu": cpu,
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "gongkai": gongkai.__version__,
        "commit": commit,
        "load_at_start": os.getloadavg(),
        "date": time.strftime("%Y-%m-%d %H:%M"),
    }


# --------------------------------------------------------------------------------------------
# printing


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A markdown table; floats to three significant figures."""

    def cell(x: object) -> str:
        if isinstance(x, float):
            return f"{x:.3g}" if abs(x) < 1000 else f"{x:,.0f}"
        return str(x)

    lines = [
        "| " + " | ".join(headers) + " |",
        "|" + "|".join("---" if i == 0 else "--:" for i in range(len(headers))) + "|",
    ]
    lines += ["| " + " | ".join(cell(x) for x in row) + " |" for row in rows]
    return "\n".join(lines)


def text_rows_table(rows: Sequence[Json]) -> str:
    return table(
        (
            "texts",
            "KB",
            "floor ms",
            "pipeline ms",
            "×floor",
            "objects ms",
            "Lark ms",
            "both ×floor",
            *(f"{s} ms" for s in STAGES),
        ),
        [
            (
                r["name"],
                r["kb"],
                r["floor_ms"],
                r["pipeline_ms"],
                r["ratio"],
                r["objects_ms"],
                r["lark_ms"],
                r["floors_ratio"],
                *(r["stages_ms"][s] for s in STAGES),
            )
            for r in rows
        ],
    )


def print_results(res: Json) -> None:
    m = res["machine"]
    print(f"# gongkai benchmark ({'quick' if res['quick'] else 'full'} run)\n")
    print(
        f"{m['cpu']}, {m['cpus']} CPUs, Python {m['python']}, {m['platform']}; gongkai {m['gongkai']} "
        f"(commit {m['commit']}), {m['date']}; load average at start {m['load_at_start'][0]:.2f}, "
        f"at end {res['load_at_end']:.2f}\n"
    )
    if "seeds" in res:
        print("## Seeds\n")
        print(text_rows_table(res["seeds"]) + "\n")
    if "generated" in res:
        print("## Generated (tests.strategies.make_report, each layout)\n")
        print(text_rows_table(res["generated"]) + "\n")
    if "fresh" in res:
        f = res["fresh"]
        print("## Fresh process (bytecode cached; wall and CPU time of the whole process)\n")
        print(
            table(
                ("process", "wall ms", "CPU ms"),
                [
                    ("python -c pass", f["bare_wall_ms"], f["bare_cpu_ms"]),
                    (
                        "import gongkai; first parse + record of seed 000",
                        f["gongkai_wall_ms"],
                        f["gongkai_cpu_ms"],
                    ),
                    ("… of which import gongkai (CPU)", "", f["import_ms"]),
                    ("… of which first parse + record (CPU)", "", f["first_parse_ms"]),
                ],
            )
            + "\n"
        )
    if "scaling" in res:
        print("## Scaling (seed 000 written tab-separated)\n")
        rows = []
        for mode, s in res["scaling"].items():
            for f in (1, 10, 100):
                rows.append(
                    (f"{mode} {f}×", s["kb"][f], s["total_ms"][f], *(s["stages_ms"][f][k] for k in STAGES))
                )
            rows.append(
                (
                    f"{mode} 10→100",
                    "",
                    s["total_ms"][100] / s["total_ms"][10],
                    *(s["growth_10_to_100"][k] for k in STAGES),
                )
            )
        print(table(("text", "KB", "total ms", *(f"{k} ms" for k in STAGES)), rows) + "\n")
    if "hostile" in res:
        print("## Hostile inputs (parse + check + to_record + render)\n")
        print(
            table(
                (
                    "input",
                    "MB",
                    "total ms",
                    "s/MB",
                    "peak MiB",
                    "peak ×input",
                    "figures' objects ×input",
                    *STAGES,
                    "render",
                ),
                [
                    (
                        r["name"],
                        r["mb"],
                        r["total_ms"],
                        r["s_per_mb"],
                        r["peak_mib"],
                        r["peak_x_input"],
                        r["objects_x_input"],
                        *(r["stages_ms"][k] for k in (*STAGES, "render")),
                    )
                    for r in res["hostile"]
                ],
            )
            + "\n"
        )
    if "documents" in res:
        print("## Documents (gongkai.read + check + to_record vs the library's floor)\n")
        print(
            table(
                ("file", "KB", "floor ms", "reader ms", "rest ms", "total ms", "×floor", "outcome"),
                [
                    (
                        r["name"],
                        r["kb"],
                        r["floor_ms"],
                        r["reader_ms"],
                        r["rest_ms"],
                        r["total_ms"],
                        r["ratio"],
                        r["outcome"],
                    )
                    for r in res["documents"]
                ],
            )
            + "\n"
        )
    if "profile" in res:
        print("## Profile (seeds, by own time)\n\n```\n" + res["profile"] + "\n```")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; print markdown tables to stdout."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="fewer repetitions and texts")
    ap.add_argument(
        "--only",
        default="seeds,generated,fresh,scaling,hostile,documents",
        help="comma-separated sections to run",
    )
    ap.add_argument("--profile", action="store_true", help="cProfile the seeds' pipeline")
    ap.add_argument("--json", type=Path, help="also write the results here")
    ap.add_argument("--seed", type=int, default=6, help="random seed of the generated reports")
    args = ap.parse_args(argv)
    only = set(args.only.split(","))
    q = args.quick
    res: Json = {"quick": q, "machine": machine()}
    seeds = load_seeds()
    if "seeds" in only:
        log("seeds …")
        rows = measure_texts(seeds, 15 if q else 60, 20)
        res["seeds"] = [*rows, summed("all seeds", rows)]
    if "generated" in only:
        log("generated …")
        gen = generated([t for _, t in seeds], 2 if q else 6, random.Random(args.seed))
        rows = measure_texts(gen, 5 if q else 15, 20)
        by_layout = [summed(layout, [r for r in rows if r["name"] == layout]) for layout in gongkai.LAYOUTS]
        res["generated"] = [*by_layout, summed(f"all generated ({len(rows)})", rows)]
    if "fresh" in only:
        log("fresh processes …")
        res["fresh"] = measure_fresh(5 if q else 15)
    if "scaling" in only:
        log("scaling …")
        base = gongkai.render(gongkai.parse(seeds[0][1]), "tab-separated")
        res["scaling"] = measure_scaling(base, 2 if q else 5)
    if "hostile" in only:
        log("hostile inputs …")
        res["hostile"] = measure_hostile(seeds[1][1], 1 if q else 3)
    if "documents" in only:
        log("documents …")
        res["documents"] = measure_documents(2 if q else 5, ("html", "docx", "pdf"))
    if args.profile:
        log("profile …")
        res["profile"] = profile_seeds([t for _, t in seeds], 5 if q else 20, 30)
    res["load_at_end"] = os.getloadavg()[0]
    print_results(res)
    if args.json:
        args.json.write_text(json.dumps(res, indent=1, ensure_ascii=False, default=str), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
