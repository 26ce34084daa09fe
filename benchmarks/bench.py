"""gongkai's speed benchmark (issue #6): how far reading a report is from reading its text.

Run from the repository root with the project installed (``pip install -e .``)::

    python benchmarks/bench.py            # full run, a few minutes
    python benchmarks/bench.py --quick    # smaller corpus and batch, under a minute or two
    python benchmarks/bench.py --json out.json

Every figure is measured in the same run, against the same *floor*: one compiled-regex pass
that finds every number and section heading of the text.  A report cannot be read faster than
its text can be scanned once, so each time is also given as a ratio to that floor.

Measurements (all times are medians of repeated runs):

* ``per report`` – the floor, ``parse`` and ``parse`` + ``check`` + ``to_record`` on the five
  seed reports and on generated reports of every layout (the seeds' prose and agencies, new
  figures, 2021 and 2019 editions, written by :func:`gongkai.render.render`);
* ``grammar`` – building the Lark grammar (caches cleared, first parse of a 2021 and a 2019
  report) and ``import gongkai`` + first parse in a fresh interpreter;
* ``scaling`` – one report grown 10× and 100× (long prose, many unknown rows, whole bodies
  repeated): the time must grow with the input and no faster;
* ``batch`` – many generated reports in one process and in a pool of 1 and 2 processes;
* ``memory`` – tracemalloc peaks for one report and per worker of the batch;
* ``profile`` – cProfile of parse + check + to_record on the seeds: stages and top functions.

Only the standard library and gongkai are used; the benchmark is not part of the test suite.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import math
import multiprocessing
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
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import gongkai
import gongkai.grammar
from gongkai.model import Figure, Paragraph, Report, Row, Section, Table, Value
from gongkai.render import LAYOUTS, Layout, render
from gongkai.variants import RowSpec, Variant, get_variant

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "tests" / "fixtures" / "seeds"

#: The floor: one pass that finds every number and every section heading.
FLOOR = re.compile(r"\d+(?:\.\d+)?|^[ \t#]*[一二三四五六][、.．]", re.M)

# Targets of issue #6.
TARGET_FLOOR_RATIO = 4.0  # parse + check + to_record ≤ 4× the floor
TARGET_FRESH_MS = 150.0  # import gongkai + first parse in a fresh process
TARGET_SCALING = 110.0  # 100× the input ≤ 110× the time
TARGET_POOL_SPEEDUP = 1.8  # 2 processes ≥ 1.8× one

Json = dict[str, Any]


# --------------------------------------------------------------------------------------------
# configuration


@dataclass(frozen=True)
class Config:
    """How much of everything to run; ``--quick`` shrinks it."""

    quick: bool
    seed_reps: int  # repetitions per seed report
    floor_inner: int  # floor calls per timed sample (one call is a few µs)
    corpus_per_layout: int  # generated reports per layout, timed one by one
    corpus_reps: int  # repetitions per generated report
    grammar_reps: int  # grammar builds per edition
    fresh_runs: int  # fresh interpreters
    scaling_reps: tuple[int, int, int]  # repetitions at 1×, 10×, 100×
    batch: int  # generated reports in the batch
    batch_rounds: int  # pool-of-1 and pool-of-2 runs of the batch
    profile_reps: int  # profiled passes over the seeds
    rng_seed: int

    @classmethod
    def make(cls, quick: bool, batch: int | None, rng_seed: int) -> Config:
        """The full or the quick configuration (``batch`` overrides the batch size)."""
        if quick:
            return cls(True, 50, 20, 6, 8, 3, 5, (15, 5, 1), batch or 1_000, 1, 10, rng_seed)
        return cls(False, 200, 20, 20, 20, 5, 10, (40, 10, 5), batch or 10_000, 2, 40, rng_seed)


# --------------------------------------------------------------------------------------------
# the work being measured


def floor(text: str) -> int:
    """The floor: one compiled-regex pass over the text (numbers and section headings)."""
    return len(FLOOR.findall(text))


def parse_only(text: str) -> Report:
    """``gongkai.parse``."""
    return gongkai.parse(text)


def pipeline(text: str) -> int:
    """``parse`` + ``check`` + ``to_record``, what a user runs per report."""
    report = gongkai.parse(text)
    findings = gongkai.check(report)
    record = gongkai.to_record(report)
    return len(findings) + len(record)


def clear_grammar_caches() -> list[str]:
    """Forget every built grammar: ``grammar._lark`` and ``grammar._tables`` (and any other
    cached function of :mod:`gongkai.grammar`, should the module grow one).  Returns the names
    cleared."""
    cleared: list[str] = []
    for name, obj in sorted(vars(gongkai.grammar).items()):
        clear = getattr(obj, "cache_clear", None)
        if callable(clear) and getattr(obj, "__module__", "") == gongkai.grammar.__name__:
            clear()
            cleared.append(name)
    return cleared


def utf8_size(text: str) -> int:
    """The text's size in bytes as UTF-8 (what MB/s is counted in)."""
    return len(text.encode("utf-8"))


# --------------------------------------------------------------------------------------------
# timing helpers


def clock(fn: Callable[[str], object], arg: str, inner: int = 1) -> float:
    """Seconds for one call of ``fn(arg)`` (averaged over ``inner`` back-to-back calls)."""
    t0 = time.perf_counter()
    for _ in range(inner):
        fn(arg)
    return (time.perf_counter() - t0) / inner


@dataclass
class Trio:
    """Median seconds per call of the floor, ``parse`` and the whole pipeline on one text."""

    size: int
    floor: float
    parse: float
    pipeline: float


def time_trio(text: str, reps: int, floor_inner: int) -> Trio:
    """Time the three on ``text``, interleaved (so that noise hits all three alike)."""
    fl: list[float] = []
    pa: list[float] = []
    pi: list[float] = []
    for _ in range(reps):
        fl.append(clock(floor, text, floor_inner))
        pa.append(clock(parse_only, text))
        pi.append(clock(pipeline, text))
    return Trio(utf8_size(text), statistics.median(fl), statistics.median(pa), statistics.median(pi))


def trio_row(name: str, trios: Sequence[Trio], count: int | None = None) -> Json:
    """A result row for one or more texts: per-report medians (summed over the texts for
    throughput and ratios), MB/s and ratios to the floor."""
    size = sum(t.size for t in trios)
    fl = sum(t.floor for t in trios)
    pa = sum(t.parse for t in trios)
    pi = sum(t.pipeline for t in trios)
    n = len(trios)
    return {
        "name": name,
        "reports": count if count is not None else n,
        "bytes_per_report": size / n,
        "floor_us": fl / n * 1e6,
        "parse_ms": pa / n * 1e3,
        "pipeline_ms": pi / n * 1e3,
        "floor_mb_s": size / fl / 1e6,
        "parse_mb_s": size / pa / 1e6,
        "pipeline_mb_s": size / pi / 1e6,
        "parse_x_floor": pa / fl,
        "pipeline_x_floor": pi / fl,
    }


# --------------------------------------------------------------------------------------------
# generated reports


def load_seeds() -> list[tuple[str, str]]:
    """The five seed reports: (file stem, text)."""
    return [(p.stem, p.read_text(encoding="utf-8")) for p in sorted(SEEDS.glob("*.txt"))]


def _count(rng: random.Random, signed: bool) -> Value:
    """A count cell: mostly 0, some blank, small numbers, a few in the thousands."""
    r = rng.random()
    if r < 0.55:
        return 0
    if r < 0.62:
        return None
    if r < 0.85:
        return rng.randint(1, 30)
    if r < 0.95:
        return rng.randint(1, 999)
    if signed and r < 0.97:
        return -rng.randint(1, 500)
    return rng.randint(1000, 99_999)


def _money(rng: random.Random) -> Value:
    """A money cell (万元): 0, blank, or a Decimal with up to 6 places."""
    r = rng.random()
    if r < 0.4:
        return Decimal(0)
    if r < 0.5:
        return None
    return Decimal(rng.randint(1, 10**8)).scaleb(-rng.randint(0, 6))


def _figure(column: str, value: Value) -> Figure:
    if value is None:
        return Figure(column, None, "", None, "blank")
    raw = format(value, "f") if isinstance(value, Decimal) else str(value)
    return Figure(column, value, raw, None, "number")


def _figures(spec: RowSpec, rng: random.Random) -> tuple[Figure, ...]:
    return tuple(
        _figure(c, _money(rng) if c in spec.money else _count(rng, c in spec.signed)) for c in spec.columns
    )


def regenerate(seed: Report, variant: Variant, rng: random.Random) -> Report:
    """A new report of ``variant``: the seed's agency and prose, every figure drawn anew.

    The figures are random (mostly 0, some blank, some large), so they rarely add up and
    ``check`` has findings to write, as it does for a careless real report.
    """
    tables: dict[str, Table] = {}
    for t in variant.tables:
        rows = tuple(Row(rs.row, rs.label, None, _figures(rs, rng)) for rs in t.row_specs())
        tables[t.name] = Table(t.name, t.title, None, rows, t.prefix)
    year = rng.choice((2019, 2020)) if variant.edition == "2019" else rng.randint(2021, 2025)
    agency = seed.agency or "某某县人民政府"
    titles = variant.section_titles
    sections = []
    for n in range(1, 7):
        old = seed.section(n)
        paragraphs: tuple[Paragraph, ...] = old.paragraphs if old is not None else ()
        sections.append(Section(n, titles[n - 1] if len(titles) >= n else "", 0, paragraphs))
    return Report(
        title=f"{agency}{year}年政府信息公开工作年度报告",
        agency=agency,
        year=year,
        edition=variant.edition,
        layout="text",
        sections=tuple(sections),
        active=tables.get("active"),
        requests=tables.get("requests"),
        appeals=tables.get("appeals"),
        variant=variant.name,
    )


@dataclass(frozen=True)
class Generated:
    """A generated report's text and what it was made as."""

    text: str
    layout: Layout
    edition: str


class Generator:
    """Deterministic generated reports: seed prose, new figures, every layout, both editions.

    Report ``i`` is written in layout ``i mod 3``; one report in five is of the 2019 edition.
    """

    def __init__(self, seeds: Sequence[Report], rng_seed: int) -> None:
        self.seeds = list(seeds)
        self.rng = random.Random(rng_seed)
        self.variants = {"2021": get_variant("2021"), "2019": get_variant("2019")}

    def one(self, i: int) -> Generated:
        """The ``i``-th report of the stream (layout and edition follow ``i``)."""
        layout = LAYOUTS[i % len(LAYOUTS)]
        edition = "2019" if (i // len(LAYOUTS)) % 5 == 4 else "2021"
        seed = self.seeds[self.rng.randrange(len(self.seeds))]
        report = regenerate(seed, self.variants[edition], self.rng)
        return Generated(render(report, layout), layout, edition)

    def many(self, n: int) -> Iterator[Generated]:
        """``n`` reports."""
        for i in range(n):
            yield self.one(i)


# --------------------------------------------------------------------------------------------
# measurements


def measure_seeds(cfg: Config, seeds: Sequence[tuple[str, str]]) -> Json:
    """Floor, parse and pipeline per seed report, and over all five."""
    trios = [time_trio(text, cfg.seed_reps, cfg.floor_inner) for _, text in seeds]
    rows = [trio_row(name, [t]) for (name, _), t in zip(seeds, trios, strict=True)]
    return {"reps": cfg.seed_reps, "rows": rows, "all": trio_row("all seeds", trios)}


def measure_corpus(cfg: Config, gen: Generator) -> Json:
    """Floor, parse and pipeline on generated reports, per layout and over all of them."""
    by_layout: dict[str, list[Trio]] = {layout: [] for layout in LAYOUTS}
    editions: dict[str, int] = {}
    for g in gen.many(cfg.corpus_per_layout * len(LAYOUTS)):
        by_layout[g.layout].append(time_trio(g.text, cfg.corpus_reps, cfg.floor_inner))
        editions[g.edition] = editions.get(g.edition, 0) + 1
    rows = [trio_row(layout, trios) for layout, trios in by_layout.items()]
    every = [t for trios in by_layout.values() for t in trios]
    return {
        "reps": cfg.corpus_reps,
        "editions": editions,
        "rows": rows,
        "all": trio_row("all generated", every),
    }


def _time_first_parse(text: str) -> tuple[float, float]:
    """(seconds for the first parse after clearing the grammar caches, for a warm parse)."""
    clear_grammar_caches()
    first = clock(parse_only, text)
    warm = statistics.median(clock(parse_only, text) for _ in range(5))
    return first, warm


def measure_grammar(cfg: Config, text2021: str, text2019: str) -> Json:
    """Grammar construction in this process (caches cleared), per edition."""
    out: Json = {"reps": cfg.grammar_reps, "cleared": clear_grammar_caches()}
    for edition, text in (("2021", text2021), ("2019", text2019)):
        firsts, warms = [], []
        for _ in range(cfg.grammar_reps):
            f, w = _time_first_parse(text)
            firsts.append(f)
            warms.append(w)
        clear_grammar_caches()
        tracemalloc.start()
        parse_only(text)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        first, warm = statistics.median(firsts), statistics.median(warms)
        out[edition] = {
            "first_parse_ms": first * 1e3,
            "warm_parse_ms": warm * 1e3,
            "construction_ms": (first - warm) * 1e3,
            "first_parse_peak_mib": peak / 2**20,
        }
    parse_only(text2021)  # leave both grammars built for what follows
    parse_only(text2019)
    return out


_FRESH = """\
import sys, time
t0 = time.perf_counter()
import gongkai
t1 = time.perf_counter()
text = open(sys.argv[1], encoding="utf-8").read()
t2 = time.perf_counter()
gongkai.parse(text)
t3 = time.perf_counter()
print(t1 - t0, t3 - t2)
"""


def _fresh_env(pycache: str, write: bool) -> dict[str, str]:
    """The environment with bytecode read from and written to ``pycache`` only (never beside
    the sources), or with bytecode never written there (``write=False``: every module compiles)."""
    env = dict(os.environ)
    env["PYTHONPYCACHEPREFIX"] = pycache
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if not write:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def _wall(args: list[str], env: dict[str, str]) -> tuple[float, str]:
    t0 = time.perf_counter()
    done = subprocess.run(args, capture_output=True, text=True, check=True, env=env)
    return time.perf_counter() - t0, done.stdout


def measure_fresh(cfg: Config, files: dict[str, Path]) -> Json:
    """``import gongkai`` + first parse in a fresh interpreter (``sys.executable -c``), timed
    inside the process; also the process's wall time and a bare interpreter's.

    ``cached``: bytecode compiled once beforehand (as an installed package has it);
    ``uncached``: every module compiled from source in every run.  Bytecode goes to a
    temporary ``PYTHONPYCACHEPREFIX``, so neither the sources nor the environment are touched.
    """
    out: Json = {"runs": cfg.fresh_runs}
    with tempfile.TemporaryDirectory() as warm_dir, tempfile.TemporaryDirectory() as cold_dir:
        envs = {"cached": _fresh_env(warm_dir, True), "uncached": _fresh_env(cold_dir, False)}
        for path in files.values():  # compile the bytecode of the cached runs
            _wall([sys.executable, "-c", _FRESH, str(path)], envs["cached"])
        for mode, env in envs.items():
            bare = statistics.median(
                _wall([sys.executable, "-c", "pass"], env)[0] for _ in range(cfg.fresh_runs)
            )
            res: Json = {"bare_interpreter_ms": bare * 1e3}
            for edition, path in files.items():
                imports, parses, totals, walls = [], [], [], []
                for _ in range(cfg.fresh_runs):
                    w, stdout = _wall([sys.executable, "-c", _FRESH, str(path)], env)
                    imp, first = (float(x) for x in stdout.split())
                    imports.append(imp)
                    parses.append(first)
                    totals.append(imp + first)
                    walls.append(w)
                res[edition] = {
                    "import_ms": statistics.median(imports) * 1e3,
                    "first_parse_ms": statistics.median(parses) * 1e3,
                    "import_plus_first_parse_ms": statistics.median(totals) * 1e3,
                    "process_wall_ms": statistics.median(walls) * 1e3,
                }
            out[mode] = res
    return out


# Scaling: the base report (seed 0, written tab-separated) grown by one of three recipes.
_SECTION1 = re.compile(r"^一、[^\n]*\n(.*?)(?=^二、)", re.M | re.S)
_UNKNOWN_ROW = "\t（八）其他未列明情形\t1\t0\t0\t0\t0\t0\t1\n"
_BEFORE_ROW = re.compile(r"^[^\n]*（七）总计", re.M)


def grow(base: str, mode: str, factor: int) -> str:
    """``base`` grown to about ``factor`` times its size.

    ``prose`` repeats section 一's paragraphs; ``rows`` repeats an unknown row in table 三 (each
    one is skipped with a diagnostic); ``bodies`` repeats the whole report.
    """
    if factor == 1:
        return base
    target = factor * len(base)
    if mode == "bodies":
        return base * factor
    if mode == "prose":
        m = _SECTION1.search(base)
        if m is None:
            raise ValueError("the base report has no section 一")
        body = m.group(1)
        copies = max(1, round((target - len(base)) / len(body)) + 1)
        return base[: m.start(1)] + body * copies + base[m.end(1) :]
    if mode == "rows":
        m = _BEFORE_ROW.search(base)
        if m is None:
            raise ValueError("the base report has no （七）总计 row")
        copies = max(1, round((target - len(base)) / len(_UNKNOWN_ROW)))
        return base[: m.start()] + _UNKNOWN_ROW * copies + base[m.start() :]
    raise ValueError(f"unknown growth mode {mode!r}")


SCALING_MODES = ("prose", "rows", "bodies")
FACTORS = (1, 10, 100)


def measure_scaling(cfg: Config, base: str) -> Json:
    """Parse and pipeline time of the base report grown 10× and 100×, as ratios to 1×.

    The sizes are timed in rounds, each running every size (1× and 10× several times, 100×
    once), so that the machine's noise and the state of the heap hit them alike: the ratios
    compare times taken side by side, not one size's run after another's."""
    out: Json = {"base_bytes": utf8_size(base), "modes": {}}
    rounds = cfg.scaling_reps[-1]
    per_round = [max(1, -(-reps // rounds)) for reps in cfg.scaling_reps]  # (ceiling)
    for mode in SCALING_MODES:
        texts = [grow(base, mode, factor) for factor in FACTORS]
        for text in texts:
            pipeline(text)  # warm: the memos and caches a long run has
        times: list[tuple[list[float], list[float]]] = [([], []) for _ in FACTORS]
        for _ in range(rounds):
            for text, n, (pa, pi) in zip(texts, per_round, times, strict=True):
                for _ in range(n):
                    pa.append(clock(parse_only, text))
                    pi.append(clock(pipeline, text))
        points: list[Json] = []
        for factor, text, (pa, pi) in zip(FACTORS, texts, times, strict=True):
            reps = len(pa)
            points.append(
                {
                    "factor": factor,
                    "bytes": utf8_size(text),
                    "reps": reps,
                    "parse_ms": statistics.median(pa) * 1e3,
                    "pipeline_ms": statistics.median(pi) * 1e3,
                    "diagnostics": len(gongkai.parse(text).diagnostics),
                }
            )
        one = points[0]
        for p in points:
            p["size_ratio"] = p["bytes"] / one["bytes"]
            p["parse_ratio"] = p["parse_ms"] / one["parse_ms"]
            p["pipeline_ratio"] = p["pipeline_ms"] / one["pipeline_ms"]
        # from 10× to 100×: ~10 when linear, whatever the fixed cost of one report
        p10, p100 = points[1], points[2]
        out["modes"][mode] = {
            "points": points,
            "pipeline_10_to_100": p100["pipeline_ms"] / p10["pipeline_ms"],
            "parse_10_to_100": p100["parse_ms"] / p10["parse_ms"],
        }
    peaks: Json = {}
    for factor in (1, 100):
        text = grow(base, "prose", factor)
        tracemalloc.start()
        pipeline(text)
        peaks[f"{factor}x"] = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    out["prose_peak_mib"] = peaks
    return out


# Batch workers (module level, so that any start method can pickle them).


def _worker_init(warm_text: str) -> None:
    """Build the grammar before the first chunk (as a long-running worker would have)."""
    parse_only(warm_text)


def _work_chunk(chunk: Sequence[str]) -> int:
    """Parse, check and record every text of the chunk."""
    return sum(pipeline(text) for text in chunk)


def _work_chunk_traced(chunk: Sequence[str]) -> tuple[int, int, int, int]:
    """:func:`_work_chunk` under tracemalloc: (pid, peak bytes, bytes still held after the
    chunk, reports).  Tracing starts after the chunk arrived, so the input is not counted;
    what is held after the chunk is garbage the cyclic collector has not reached yet, and
    caches: it must not grow from chunk to chunk."""
    tracemalloc.start()
    for text in chunk:
        pipeline(text)
    current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return os.getpid(), peak, current, len(chunk)


def _chunks(items: Sequence[str], size: int) -> list[Sequence[str]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def _pool_run(texts: Sequence[str], processes: int, chunk: int, warm: str) -> float:
    """Wall seconds to run the batch in a pool of ``processes`` (pool start-up included)."""
    t0 = time.perf_counter()
    with multiprocessing.Pool(processes, initializer=_worker_init, initargs=(warm,)) as pool:
        pool.map(_work_chunk, _chunks(texts, chunk), chunksize=1)
    return time.perf_counter() - t0


def _burn(n: int) -> int:
    """A pure-Python CPU-bound task: the control of the pool speed-up."""
    total = 0
    for i in range(n):
        total += i * i % 7
    return total


def _control_speedup(tasks: int = 8, n: int = 1_500_000) -> float:
    """How much faster a pool of 2 runs :func:`_burn` than a pool of 1 on this machine, now:
    what the cores other programs leave free allow (2.0 on an idle 2-core machine)."""
    times = []
    for processes in (1, 2):
        t0 = time.perf_counter()
        with multiprocessing.Pool(processes) as pool:
            pool.map(_burn, [n] * tasks, chunksize=1)
        times.append(time.perf_counter() - t0)
    return times[0] / times[1]


def measure_batch(cfg: Config, gen: Generator, warm: str) -> Json:
    """The batch in this process, in a pool of 1 and of 2 processes (alternating, medians of
    ``cfg.batch_rounds`` rounds, each beside a control task's speed-up); tracemalloc per worker."""
    t0 = time.perf_counter()
    texts = [g.text for g in gen.many(cfg.batch)]
    generated = time.perf_counter() - t0
    size = sum(utf8_size(t) for t in texts)
    chunk = math.ceil(len(texts) / 8)  # large chunks: 8 in all, 4 per worker of two
    out: Json = {
        "reports": len(texts),
        "mb": size / 1e6,
        "chunksize": chunk,
        "rounds": cfg.batch_rounds,
        "start_method": multiprocessing.get_start_method(),
        "generate_s": generated,
    }
    t0 = time.perf_counter()
    _work_chunk(texts)
    serial = time.perf_counter() - t0
    # the floor over the same texts: each report is read once here, so gongkai's memos (cell
    # values, table shapes) help only as far as other reports share them
    t0 = time.perf_counter()
    for text in texts:
        floor(text)
    out["floor_s"] = time.perf_counter() - t0
    out["in_process_x_floor"] = serial / out["floor_s"]
    ones, twos, controls = [], [], []
    for _ in range(cfg.batch_rounds):
        controls.append(_control_speedup())
        ones.append(_pool_run(texts, 1, chunk, warm))
        twos.append(_pool_run(texts, 2, chunk, warm))
    controls.append(_control_speedup())
    one, two = statistics.median(ones), statistics.median(twos)
    for name, secs in (("in_process", serial), ("pool_1", one), ("pool_2", two)):
        out[name] = {"s": secs, "reports_per_s": len(texts) / secs, "mb_s": size / secs / 1e6}
    out["pool_1_runs_s"] = ones
    out["pool_2_runs_s"] = twos
    out["speedup_2_over_1"] = one / two
    out["speedup_2_over_in_process"] = serial / two
    out["control_speedups"] = controls
    out["control_speedup"] = statistics.median(controls)

    # memory: a separate pass (tracemalloc slows the work), per worker of a pool of two
    with multiprocessing.Pool(2, initializer=_worker_init, initargs=(warm,)) as pool:
        traced = pool.map(_work_chunk_traced, _chunks(texts, chunk), chunksize=1)
    workers: dict[int, list[tuple[int, int, int]]] = {}
    for pid, peak, current, n in traced:
        workers.setdefault(pid, []).append((peak, current, n))
    out["memory_per_worker"] = [
        {
            "reports": sum(n for _, _, n in chunks),
            "peak_mib": max(p for p, _, _ in chunks) / 2**20,
            "held_after_each_chunk_mib": [c / 2**20 for _, c, _ in chunks],
        }
        for chunks in workers.values()
    ]
    # ru_maxrss of the largest finished child (KiB on Linux): the forked parent's pages count too
    out["children_max_rss_mib"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return out


def measure_memory_one(seeds: Sequence[tuple[str, str]]) -> Json:
    """tracemalloc peak of parse + check + to_record for each seed (grammar already built)."""
    peaks = {}
    for name, text in seeds:
        tracemalloc.start()
        pipeline(text)
        peaks[name] = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    return {"per_seed_peak_mib": peaks, "max_peak_mib": max(peaks.values())}


_STAGES = {
    "layout (read_lines)": ("layout.py", "read_lines"),
    "variant detection": ("variants.py", "detect_variant"),
    "grammar (parse_lines)": ("grammar.py", "parse_lines"),
    "model (build_report)": ("build.py", "build_report"),
    "check": ("check.py", "check"),
    "to_record": ("record.py", "to_record"),
}


def _where(func: tuple[str, int, str]) -> str:
    """``module.py:line(name)``, with the path cut to what identifies it."""
    path, line, name = func
    if path == "~":
        return name
    p = Path(path)
    short = "/".join(p.parts[-2:]) if p.parent.name in ("gongkai", "lark", "parsers") else p.name
    return f"{short}:{line}({name})"


def measure_profile(cfg: Config, seeds: Sequence[tuple[str, str]], top: int) -> Json:
    """cProfile of parse + check + to_record on the seeds: the stages' share and the top
    functions by own time (tottime)."""
    prof = cProfile.Profile()
    prof.enable()
    for _ in range(cfg.profile_reps):
        for _, text in seeds:
            pipeline(text)
    prof.disable()
    stats = pstats.Stats(prof)
    raw: dict[tuple[str, int, str], tuple[int, int, float, float, Any]] = stats.stats  # type: ignore[attr-defined]
    total = sum(tt for _, _, tt, _, _ in raw.values())
    calls = cfg.profile_reps * len(seeds)
    stages: Json = {}
    for label, (file, name) in _STAGES.items():
        cum = [ct for (path, _, fn), (_, _, _, ct, _) in raw.items() if fn == name and path.endswith(file)]
        stages[label] = {"ms_per_report": max(cum) / calls * 1e3, "share": max(cum) / total} if cum else None
    ranked = sorted(raw.items(), key=lambda kv: kv[1][2], reverse=True)[:top]
    functions = [
        {
            "function": _where(func),
            "ncalls_per_report": nc / calls,
            "tottime_ms_per_report": tt / calls * 1e3,
            "cumtime_ms_per_report": ct / calls * 1e3,
            "share": tt / total,
        }
        for func, (_, nc, tt, ct, _) in ranked
    ]
    return {
        "passes": cfg.profile_reps,
        "reports": calls,
        "profiled_ms_per_report": total / calls * 1e3,
        "stages": stages,
        "top": functions,
    }


# --------------------------------------------------------------------------------------------
# machine, targets, printing


def machine() -> Json:
    """Where the figures come from."""
    model = ""
    try:
        lscpu = subprocess.run(["lscpu"], capture_output=True, text=True, check=False).stdout
        for line in lscpu.splitlines():
            if line.startswith("Model name:"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        load = os.getloadavg()
    except OSError:
        load = (float("nan"),) * 3
    git = ["git", "-C", str(ROOT)]
    commit = subprocess.run([*git, "rev-parse", "HEAD"], capture_output=True, text=True, check=False).stdout
    dirty = subprocess.run(
        [*git, "status", "--porcelain", "--", "src", "grammars"], capture_output=True, text=True, check=False
    ).stdout
    return {
        "platform": platform.platform(),
        "machine": platform.machine(),
        "cpu_model": model or platform.processor() or "unknown",
        "cpu_count": os.cpu_count(),
        "python": sys.version.split()[0],
        "implementation": platform.python_implementation(),
        "gongkai": gongkai.__version__,
        "gongkai_path": str(Path(gongkai.__file__).parent),
        "git_commit": commit.strip() or "unknown",
        "git_dirty_files": len(dirty.splitlines()),
        "pythondontwritebytecode": os.environ.get("PYTHONDONTWRITEBYTECODE", ""),
        "loadavg_at_start": list(load),
        "date": time.strftime("%Y-%m-%d %H:%M:%S %z"),
    }


def targets(res: Json) -> list[Json]:
    """The targets of issue #6 and whether they hold."""
    out = []

    def add(name: str, value: float, target: str, holds: bool) -> None:
        out.append({"target": name, "value": value, "goal": target, "holds": holds})

    for where in ("seeds", "corpus"):
        v = res[where]["all"]["pipeline_x_floor"]
        add(f"parse+check+to_record ≤ 4× floor ({where})", v, "≤ 4", v <= TARGET_FLOOR_RATIO)
    v = res["batch"]["in_process_x_floor"]
    add("parse+check+to_record ≤ 4× floor (batch, each report once)", v, "≤ 4", v <= TARGET_FLOOR_RATIO)
    for edition in ("2021", "2019"):
        v = res["fresh"]["cached"][edition]["import_plus_first_parse_ms"]
        add(f"import + first parse, fresh process ({edition}), ms", v, "≤ 150", v <= TARGET_FRESH_MS)
    for mode, m in res["scaling"]["modes"].items():
        v = m["points"][-1]["pipeline_ratio"]
        add(f"scaling: 100× input ({mode}), time ×", v, "≤ 110", v <= TARGET_SCALING)
    v = res["batch"]["speedup_2_over_1"]
    add("batch: 2 processes over 1, speed-up ×", v, "≥ 1.8", v >= TARGET_POOL_SPEEDUP)
    return out


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A plain text table, columns right-aligned except the first."""

    def fmt(x: object) -> str:
        if isinstance(x, float):
            return f"{x:.3g}" if abs(x) < 100 else f"{x:.0f}"
        return str(x)

    def line(cells: Sequence[str], widths: Sequence[int]) -> str:
        return "  ".join(
            c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        )

    cells = [[fmt(x) for x in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) for i, h in enumerate(headers)]
    return "\n".join(
        [line(headers, widths), line(["-" * w for w in widths], widths)] + [line(r, widths) for r in cells]
    )


_TRIO_HEAD = (
    "texts", "n", "KB", "floor µs", "parse ms", "all ms",
    "floor MB/s", "parse MB/s", "all MB/s", "parse ×fl", "all ×fl",
)  # fmt: skip
_TRIO_KEYS = (
    "name", "reports", "bytes_per_report", "floor_us", "parse_ms", "pipeline_ms",
    "floor_mb_s", "parse_mb_s", "pipeline_mb_s", "parse_x_floor", "pipeline_x_floor",
)  # fmt: skip


def _trio_cells(r: Json) -> list[object]:
    return [r[k] / 1e3 if k == "bytes_per_report" else r[k] for k in _TRIO_KEYS]


def _per_report(res: Json) -> list[str]:
    rows = [*res["seeds"]["rows"], res["seeds"]["all"], *res["corpus"]["rows"], res["corpus"]["all"]]
    return [
        f"Per report (median of {res['seeds']['reps']} runs per seed, {res['corpus']['reps']} per "
        "generated report; all = parse+check+to_record; ×fl = ratio to the floor)",
        table(_TRIO_HEAD, [_trio_cells(r) for r in rows]),
    ]


def _grammar(res: Json) -> list[str]:
    g, f = res["grammar"], res["fresh"]
    return [
        "Grammar construction in this process (caches cleared; construction = first − warm parse)",
        table(
            ("edition", "first parse ms", "warm parse ms", "construction ms", "peak MiB"),
            [
                [
                    e,
                    g[e]["first_parse_ms"],
                    g[e]["warm_parse_ms"],
                    g[e]["construction_ms"],
                    g[e]["first_parse_peak_mib"],
                ]
                for e in ("2021", "2019")
            ],
        ),
        "",
        f"Fresh process: import gongkai + first parse (median of {f['runs']} runs; bytecode cached, "
        "or compiled in every run)",
        table(
            (
                "bytecode",
                "edition",
                "import ms",
                "1st parse ms",
                "import+parse ms",
                "wall ms",
                "bare python ms",
            ),
            [
                [
                    mode,
                    e,
                    f[mode][e]["import_ms"],
                    f[mode][e]["first_parse_ms"],
                    f[mode][e]["import_plus_first_parse_ms"],
                    f[mode][e]["process_wall_ms"],
                    f[mode]["bare_interpreter_ms"],
                ]
                for mode in ("cached", "uncached")
                for e in ("2021", "2019")
            ],
        ),
    ]


def _scaling(res: Json) -> list[str]:
    sc = res["scaling"]
    return [
        f"Scaling (base: seed 0 written tab-separated, {sc['base_bytes'] / 1e3:.1f} KB; "
        "× = ratio to the 1× report)",
        table(
            ("mode", "factor", "KB", "parse ms", "all ms", "size ×", "parse ×", "all ×", "diagnostics"),
            [
                [
                    mode,
                    p["factor"],
                    p["bytes"] / 1e3,
                    p["parse_ms"],
                    p["pipeline_ms"],
                    p["size_ratio"],
                    p["parse_ratio"],
                    p["pipeline_ratio"],
                    p["diagnostics"],
                ]
                for mode, mm in sc["modes"].items()
                for p in mm["points"]
            ],
        ),
        "all, 10× → 100× (10 when linear): "
        + ", ".join(f"{mode} {mm['pipeline_10_to_100']:.2f}" for mode, mm in sc["modes"].items()),
    ]


def _batch(res: Json) -> list[str]:
    b = res["batch"]
    runs = ("in_process", "pool_1", "pool_2")
    return [
        f"Batch: {b['reports']} generated reports, {b['mb']:.1f} MB, chunks of {b['chunksize']}, "
        f"start method {b['start_method']}, median of {b['rounds']} round(s) "
        f"(generating them took {b['generate_s']:.1f} s)",
        table(
            ("run", "s", "reports/s", "MB/s"),
            [[k, b[k]["s"], b[k]["reports_per_s"], b[k]["mb_s"]] for k in runs],
        ),
        f"in process, each report read once: {b['in_process_x_floor']:.1f}× the floor over the same "
        f"texts ({b['floor_s']:.2f} s)",
        f"speed-up of 2 processes: {b['speedup_2_over_1']:.2f}× over a pool of 1, "
        f"{b['speedup_2_over_in_process']:.2f}× over in-process; control task (pure-Python loop): "
        f"{b['control_speedup']:.2f}×",
    ]


def _memory(res: Json) -> list[str]:
    b, sc = res["batch"], res["scaling"]
    out = [
        "Memory (tracemalloc peaks; grammar already built)",
        f"  one report (seeds): max {res['memory']['max_peak_mib']:.2f} MiB",
        f"  prose-grown report: 1× {sc['prose_peak_mib']['1x']:.2f} MiB, "
        f"100× {sc['prose_peak_mib']['100x']:.2f} MiB",
    ]
    for i, w in enumerate(b["memory_per_worker"]):
        held = ", ".join(f"{x:.2f}" for x in w["held_after_each_chunk_mib"])
        out.append(
            f"  batch, per worker {i}: {w['reports']} reports, peak {w['peak_mib']:.2f} MiB; "
            f"held after each chunk: {held} MiB"
        )
    out.append(f"  largest child process, max RSS: {b['children_max_rss_mib']:.0f} MiB")
    return out


def _profile(res: Json) -> list[str]:
    p = res["profile"]
    return [
        f"Profile: parse+check+to_record on the seeds, {p['reports']} reports, "
        f"{p['profiled_ms_per_report']:.2f} ms/report under cProfile",
        table(
            ("stage (cumtime)", "ms/report", "share"),
            [
                [k, v["ms_per_report"], f"{v['share']:.0%}"] if v else [k, "-", "-"]
                for k, v in p["stages"].items()
            ],
        ),
        "",
        table(
            ("function (by tottime)", "calls/report", "tottime ms", "cumtime ms", "share"),
            [
                [
                    f["function"],
                    f["ncalls_per_report"],
                    f["tottime_ms_per_report"],
                    f["cumtime_ms_per_report"],
                    f"{f['share']:.1%}",
                ]
                for f in p["top"]
            ],
        ),
    ]


def report(res: Json) -> str:
    """The results as readable text."""
    m = res["machine"]
    out = [
        f"gongkai {m['gongkai']} benchmark ({'quick' if res['config']['quick'] else 'full'}), {m['date']}",
        f"machine: {m['cpu_model']}, {m['cpu_count']} CPUs, {m['platform']}, "
        f"{m['implementation']} {m['python']}, load {m['loadavg_at_start'][0]:.2f} at start",
        f"gongkai from {m['gongkai_path']} (git {m['git_commit'][:12]}, "
        f"{m['git_dirty_files']} changed files in src/ and grammars/)",
        *([f"note: {m['note']}"] if m["note"] else []),
        "",
    ]
    for part in (_per_report, _grammar, _scaling, _batch, _memory, _profile):
        out += [*part(res), ""]
    out += [
        "Targets",
        table(
            ("target", "value", "goal", "holds"),
            [[t["target"], t["value"], t["goal"], "yes" if t["holds"] else "NO"] for t in res["targets"]],
        ),
    ]
    return "\n".join(out)


# --------------------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark, print the table, optionally write the figures as JSON."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    ap.add_argument("--quick", action="store_true", help="fewer repetitions and a batch of 1,000")
    ap.add_argument("--json", metavar="PATH", type=Path, help="write every figure to PATH as JSON")
    ap.add_argument(
        "--batch", type=int, metavar="N", help="reports in the batch (default 10,000, quick 1,000)"
    )
    ap.add_argument("--seed", type=int, default=6, help="random seed of the generated reports (default 6)")
    ap.add_argument("--top", type=int, default=25, help="functions listed in the profile (default 25)")
    ap.add_argument("--note", default="", help="a note kept with the results (e.g. which build of gongkai)")
    args = ap.parse_args(argv)
    cfg = Config.make(args.quick, args.batch, args.seed)

    started = time.perf_counter()
    res: Json = {
        "machine": machine() | {"note": args.note},
        "config": vars(cfg) | {"floor_regex": FLOOR.pattern},
    }

    def step(name: str) -> None:
        print(f"[{time.perf_counter() - started:6.1f} s] {name}", file=sys.stderr, flush=True)

    seeds = load_seeds()
    seed_reports = [gongkai.parse(text) for _, text in seeds]  # also builds the 2021 grammar
    gen = Generator(seed_reports, cfg.rng_seed)
    report2019 = regenerate(seed_reports[0], get_variant("2019"), random.Random(cfg.rng_seed))
    text2019 = render(report2019, "tab-separated")
    if gongkai.parse(text2019).edition != "2019":
        raise SystemExit("the generated 2019 report does not read as the 2019 edition")
    base = render(seed_reports[0], "tab-separated")

    step("seeds")
    res["seeds"] = measure_seeds(cfg, seeds)
    step("generated corpus")
    res["corpus"] = measure_corpus(cfg, gen)
    step("grammar construction")
    res["grammar"] = measure_grammar(cfg, seeds[0][1], text2019)
    step("fresh processes")
    with tempfile.TemporaryDirectory() as tmp:
        tmp2019 = Path(tmp) / "report2019.txt"
        tmp2019.write_text(text2019, encoding="utf-8")
        res["fresh"] = measure_fresh(cfg, {"2021": SEEDS / f"{seeds[0][0]}.txt", "2019": tmp2019})
    step("scaling")
    res["scaling"] = measure_scaling(cfg, base)
    step("memory, one report")
    res["memory"] = measure_memory_one(seeds)
    step(f"batch of {cfg.batch}")
    res["batch"] = measure_batch(cfg, gen, seeds[0][1])
    step("profile")
    res["profile"] = measure_profile(cfg, seeds, args.top)
    res["targets"] = targets(res)
    res["elapsed_s"] = time.perf_counter() - started
    step("done")

    print(report(res))
    print(f"\n(total {res['elapsed_s']:.0f} s)")
    if args.json:
        args.json.write_text(json.dumps(res, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
