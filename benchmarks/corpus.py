"""A corpus to Parquet: reports per second and peak memory of ``gongkai parse DIR -o X.parquet``.

Run from the repository root with ``pip install -e ".[test,parquet]"``::

    python benchmarks/corpus.py --n 2000

It writes N generated report files (``tests/strategies.make_report`` reports with random
figures, rendered as text in the three layouts), then measures, each in a fresh process:

* ``read alone``: ``gongkai.read`` over the files in one process, nothing written;
* ``parse -j 1`` and ``parse -j 2``: the command line to Parquet (one worker process, two);

and prints reports per second and the peak resident memory of the process and of its largest
worker (``resource.getrusage``), for N and N/4 files (memory must not grow with N).
"""

from __future__ import annotations

import argparse
import json
import random
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


def _one(mode: str, folder: str, out: str) -> None:
    """Run one measurement in this (fresh) process and print it as JSON."""
    import resource

    import gongkai
    from gongkai._cli import main

    files = sorted(Path(folder).glob("*.txt"))
    start = time.perf_counter()
    if mode == "read":
        for p in files:
            gongkai.read(p)
        code = 0
    else:
        code = main(["parse", folder, "-o", out, "-j", mode, "-q"])
    seconds = time.perf_counter() - start
    self_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    child_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(
        json.dumps(
            {
                "mode": mode,
                "n": len(files),
                "seconds": seconds,
                "exit": code,
                "self_mb": self_kb / 1024,
                "worker_mb": child_kb / 1024,
            }
        )
    )


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=2000)
    p.add_argument("--one", nargs=3, metavar=("MODE", "FOLDER", "OUT"), help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.one:
        _one(*args.one)
        return
    with tempfile.TemporaryDirectory() as tmp:
        for n in (args.n // 4, args.n):
            folder = Path(tmp) / f"c{n}"
            folder.mkdir()
            make_corpus(folder, n)
            for mode in ("read", "1", "2"):
                out = Path(tmp) / f"out{n}-{mode}.parquet"
                proc = subprocess.run(
                    [sys.executable, __file__, "--one", mode, str(folder), str(out)],
                    capture_output=True,
                    text=True,
                    check=True,
                )
                r = json.loads(proc.stdout.strip().splitlines()[-1])
                label = "read alone" if mode == "read" else f"parse -j {mode}"
                print(
                    f"{n:>6} files  {label:<11}  {r['n'] / r['seconds']:7.1f} reports/s  "
                    f"{r['seconds']:7.1f} s  peak {r['self_mb']:6.0f} MB "
                    f"(worker {r['worker_mb']:4.0f} MB)  exit {r['exit']}",
                    flush=True,
                )


if __name__ == "__main__":
    main()
