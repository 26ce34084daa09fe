"""gongkai.read_many: a corpus read in order, failures as results, a time limit, dead workers."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import gongkai
from gongkai import Result, read_many

from .conftest import SEEDS


def _dies_on_crash(source: Any, *, variant: str | None = None) -> gongkai.Report:
    """A reader that kills its worker process on a file called crash.txt."""
    if str(source).endswith("crash.txt"):
        os._exit(7)
    return gongkai.read(source, variant=variant)


@pytest.fixture()
def letter(tmp_path: Path) -> Path:
    bad = tmp_path / "letter.txt"
    bad.write_text("Dear reader,\n", encoding="utf-8")
    return bad


def test_in_process_results_in_order_with_errors(letter: Path) -> None:
    paths = [SEEDS[0], letter, SEEDS[2], letter.parent / "missing.txt"]
    results = list(read_many(paths, timeout=None))
    assert [r.path for r in results] == [str(p) for p in paths]
    assert [r.ok for r in results] == [True, False, True, False]
    assert results[0].format == "text" and results[0].report is not None
    assert results[1].error is not None and "not a 政府信息公开工作年度报告" in results[1].error
    assert results[3].error is not None and "cannot read the file" in results[3].error
    assert isinstance(results[0], Result)


def test_workers_give_the_same_results_in_order(letter: Path) -> None:
    paths = [*SEEDS, letter, *SEEDS]
    alone = [gongkai.to_record(r.report) if r.report else r.error for r in read_many(paths, timeout=None)]
    pooled = list(read_many(paths, jobs=2, timeout=30))
    assert [r.path for r in pooled] == [str(p) for p in paths]
    assert [gongkai.to_record(r.report) if r.report else r.error for r in pooled] == alone


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs a named pipe")
def test_a_file_that_hangs_is_stopped_and_the_batch_goes_on(tmp_path: Path) -> None:
    fifo = tmp_path / "hangs.txt"
    os.mkfifo(fifo)  # opening it for reading blocks for ever: a stand-in for a pathological PDF
    results = list(read_many([SEEDS[0], fifo, SEEDS[2]], jobs=1, timeout=2))
    assert [r.ok for r in results] == [True, False, True]
    assert results[1].error == "took longer than 2 s: stopped"


def test_a_worker_that_dies_is_replaced(tmp_path: Path) -> None:
    crash = tmp_path / "crash.txt"
    crash.write_text("x", encoding="utf-8")
    results = list(read_many([SEEDS[0], crash, SEEDS[2], crash, SEEDS[3]], jobs=2, reader=_dies_on_crash))
    assert [r.ok for r in results] == [True, False, True, False, True]
    assert results[1].error is not None and results[1].error.startswith("the worker process died")
    assert "exit code 7" in results[1].error


def test_paths_are_taken_lazily() -> None:
    taken = 0

    def paths() -> Iterator[Path]:
        nonlocal taken
        for _ in range(200):
            taken += 1
            yield SEEDS[0]

    results = read_many(paths(), jobs=2, timeout=30)
    next(results)
    assert taken <= 2 * 24 + 2  # a few batches per worker ahead, never the whole list
    results.close()


def test_jobs_must_be_positive() -> None:
    with pytest.raises(ValueError, match="jobs"):
        list(read_many([SEEDS[0]], jobs=0))


def test_a_worker_that_dies_mid_batch_loses_only_its_file(tmp_path: Path) -> None:
    # files go to the workers in batches: the rest of a dead worker's batch is read by another
    crash = tmp_path / "crash.txt"
    crash.write_text("x", encoding="utf-8")
    paths = [SEEDS[i % 4] for i in range(40)]
    paths[3] = paths[21] = crash
    results = list(read_many(paths, jobs=2, reader=_dies_on_crash))
    assert [r.path for r in results] == [str(p) for p in paths]
    assert [i for i, r in enumerate(results) if not r.ok] == [3, 21]
    assert all(
        r.error is not None and r.error.startswith("the worker process died")
        for r in (results[3], results[21])
    )


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs a named pipe")
def test_a_file_that_hangs_mid_batch_is_the_only_one_stopped(tmp_path: Path) -> None:
    fifo = tmp_path / "hangs.txt"
    os.mkfifo(fifo)
    paths = [SEEDS[i % 4] for i in range(20)]
    paths[2] = fifo
    results = list(read_many(paths, jobs=1, timeout=2))
    assert [i for i, r in enumerate(results) if not r.ok] == [2]
    assert results[2].error == "took longer than 2 s: stopped"
