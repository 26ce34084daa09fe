"""A corpus to Parquet: reports per second and peak memory of ``gongkai parse DIR -o X.parquet``.

Run from the repository root with ``pip install -e ".[test,parquet]"``::

    python benchmarks/corpus.py --n 10000

It writes N generated report files into a temporary folder (``tests/strategies.make_report``
reports with random figures, rendered as text in the three layouts), then measures, each in a
fresh process:

* ``read alone``: ``gongkai.read`` over the files in one process, nothing written;
* ``parse -j 1`` and ``parse -j 2``: the command line to Parquet (one worker process, two);

and prints, for N/4 and N files (memory must not grow with N): reports per second (wall
clock), the CPU seconds of the main process and of its workers (``resource.getrusage``; on a
shared machine wall-clock speed-up is bounded by the free CPUs, CPU time per report is not),
the peak resident memory of the main process and of its largest worker, and the load average
before each run.  Before each size, a control: how much faster two copies of a plain CPU loop
run at once than one after the other (2.0 on two idle CPUs): the most ``-j 2`` can gain on
this machine at that moment.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def make_corpus(folder: Path, n: int, seed: int = 1) -> None:
    """N report files of random figures, 2021 and 2019 editions, three layouts."""
    sys.path.insert(0, str(ROOT))
    from tests.strategies import make_report

    import gongkai

    rng = random.Random(seed)
    layouts = gongkai.LAYOUTS
    for i in range(n):
        variant = "2019" if i % 5 == 0 else "2021"
        keys = gongkai.get_variant(variant).record_keys()
        figures = {k: rng.randrange(0, 500) for k in keys if rng.random() < 0.5}
        report = make_report(
            variant,
            agency=f"某某县第{i}局",
            year=2019 + i % 6 if variant == "2021" else 2019,
            figures=figures,
        )
        text = gongkai.render(report, layouts[i % len(layouts)])
        (folder / f"r{i:06d}.txt").write_text(text, encoding="utf-8")


def _spin() -> None:
    """A fixed amount of pure-Python CPU work (about two seconds)."""
    total = 0
    for i in range(50_000_000):
        total += i
    print(total)


def _capacity() -> float:
    """Two CPU-bound processes at once against one: 2.0 when two CPUs are free."""
    cmd = [sys.executable, __file__, "--spin"]
    start = time.perf_counter()
    subprocess.run(cmd, capture_output=True, check=True)
    one = time.perf_counter() - start
    start = time.perf_counter()
    procs = [subprocess.Popen(cmd, stdout=subprocess.DEVNULL) for _ in range(2)]
    for p in procs:
        p.wait()
    two = time.perf_counter() - start
    return 2 * one / two


def _one(mode: str, folder: str, out: str) -> None:
    """Run one measurement in this (fresh) process and print it as JSON."""
    import resource

    import gongkai
    from gongkai._cli import main

    files = sorted(Path(folder).glob("*.txt"))
    load = os.getloadavg()[0]
    start = time.perf_counter()
    if mode == "read":
        for p in files:
            gongkai.read(p)
        code = 0
    else:
        code = main(["parse", folder, "-o", out, "-j", mode, "-q"])
    seconds = time.perf_counter() - start
    me = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(
        json.dumps(
            {
                "mode": mode,
                "n": len(files),
                "seconds": seconds,
                "exit": code,
                "self_mb": me.ru_maxrss / 1024,
                "worker_mb": children.ru_maxrss / 1024,
                "self_cpu": me.ru_utime + me.ru_stime,
                "worker_cpu": children.ru_utime + children.ru_stime,
                "load": load,
            }
        )
    )


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=10000, help="files (default 10000; also N/4)")
    p.add_argument(
        "--rounds", type=int, default=1, help="run the three interleaved this many times; medians at the end"
    )
    p.add_argument("--only-n", action="store_true", help="N files only, not N/4 too")
    p.add_argument("--one", nargs=3, metavar=("MODE", "FOLDER", "OUT"), help=argparse.SUPPRESS)
    p.add_argument("--spin", action="store_true", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.spin:
        _spin()
        return
    if args.one:
        _one(*args.one)
        return
    with tempfile.TemporaryDirectory() as tmp:
        for n in (args.n,) if args.only_n else (args.n // 4, args.n):
            folder = Path(tmp) / f"c{n}"
            folder.mkdir()
            make_corpus(folder, n)
            rates: dict[str, list[float]] = {"read": [], "1": [], "2": []}
            for mode in [m for _ in range(args.rounds) for m in rates]:
                if mode == "read":
                    print(
                        f"{n:>6} files  two CPU-bound processes at once: {_capacity():.2f}x one", flush=True
                    )
                out = Path(tmp) / f"out{n}-{mode}.parquet"
                proc = subprocess.run(
                    [sys.executable, __file__, "--one", mode, str(folder), str(out)],
                    capture_output=True,
                    text=True,
                    check=True,
                )
                r = json.loads(proc.stdout.strip().splitlines()[-1])
                label = "read alone" if mode == "read" else f"parse -j {mode}"
                cpu = r["self_cpu"] + r["worker_cpu"]
                rates[mode].append(r["n"] / r["seconds"])
                print(
                    f"{n:>6} files  {label:<11}  {r['n'] / r['seconds']:6.1f} reports/s  "
                    f"{r['seconds']:6.1f} s  CPU main {r['self_cpu']:6.1f} s workers "
                    f"{r['worker_cpu']:6.1f} s ({1000 * cpu / r['n']:5.2f} ms/report)  "
                    f"peak {r['self_mb']:4.0f} MB (worker {r['worker_mb']:4.0f} MB)  "
                    f"load {r['load']:4.2f}  exit {r['exit']}",
                    flush=True,
                )
            if args.rounds > 1:
                med = {m: statistics.median(v) for m, v in rates.items()}
                print(
                    f"{n:>6} files  medians of {args.rounds}: read alone {med['read']:.1f}, "
                    f"-j 1 {med['1']:.1f}, -j 2 {med['2']:.1f} reports/s; "
                    f"-j 2 / -j 1 = {med['2'] / med['1']:.2f}",
                    flush=True,
                )


if __name__ == "__main__":
    main()
