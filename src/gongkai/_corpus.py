"""Reading many reports: :func:`read_many`, in order, in worker processes with a time limit.

Each file becomes one :class:`Result`: its report, or the error that stopped it.  A file never
ends the batch: an error, a file that takes longer than ``timeout`` seconds (its worker is
killed and replaced) and a worker that dies (replaced too) are each a result with ``error`` set.

The paths are taken lazily and at most a few files per worker are in flight, so memory stays
flat however many files there are; results come back in input order.  Workers are started with
the ``spawn`` method (safe with threads and on every platform): a script that calls
:func:`read_many` with ``jobs > 1`` or a ``timeout`` needs the usual
``if __name__ == "__main__":`` guard.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from multiprocessing.connection import Connection, wait
from typing import Any

from attrs import frozen

from ._errors import GongkaiError
from ._model import Report

__all__ = ["Result", "read_many", "read_one"]

PathLike = str | os.PathLike[str]
#: what the workers read: a path, or (name, bytes) for data already read (standard input)
Item = PathLike | tuple[str, bytes]
Reader = Callable[..., Report]

# how many files may wait per worker: enough to keep workers busy, little enough to stay flat
_AHEAD_PER_WORKER = 4


@frozen
class Result:
    """One file of :func:`read_many`: ``report`` when it was read, else ``error`` (one line).

    ``format`` is what the file is (``text``, ``html``, ``docx``, ``pdf``), None when it could
    not be told; ``seconds`` how long reading it took.
    """

    path: str
    report: Report | None
    error: str | None
    format: str | None = None
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """The file was read as a report (fully or not: see ``report.read_status``)."""
        return self.report is not None


def _one_line(err: BaseException) -> str:
    return " ".join(str(err).split()) or type(err).__name__


def _format_of(item: Item) -> str | None:
    """The format of a file that failed, when its bytes say it (never raises)."""
    from . import _sources

    try:
        data, name = _sources.load(item[1] if isinstance(item, tuple) else item)
        return str(_sources.sniff(data, name))
    except Exception:
        return None


def read_one(item: Item, *, variant: str | None = None, reader: Reader | None = None) -> Result:
    """Read one file into a :class:`Result` in this process; never raises for a bad file.

    An error gongkai raises on purpose (:class:`~gongkai.GongkaiError`) or an ``OSError`` is
    the result's ``error``; any other exception too, prefixed ``internal error:`` (a bug to
    report, but one file's bug must not end a corpus).
    """
    from ._pipeline import read

    name = item[0] if isinstance(item, tuple) else os.fspath(item)
    source: Any = item[1] if isinstance(item, tuple) else item
    start = time.perf_counter()
    try:
        report = (reader or read)(source, variant=variant)
    except (GongkaiError, OSError) as e:
        return Result(name, None, _one_line(e), _format_of(item), time.perf_counter() - start)
    except Exception as e:
        msg = f"internal error: {type(e).__name__}: {_one_line(e)}"
        return Result(name, None, msg, _format_of(item), time.perf_counter() - start)
    return Result(name, report, None, report.reader, time.perf_counter() - start)


def _worker(conn: Connection, variant: str | None, reader: Reader | None) -> None:
    """A worker process: read the items sent on ``conn`` one by one, send back each result."""
    from ._variants import variants

    variants()  # load the variants before saying ready: the time limit is for reading only
    conn.send(("ready", None))
    while True:
        try:
            msg = conn.recv()
        except (EOFError, OSError):
            return
        if msg is None:
            return
        index, item = msg
        conn.send((index, read_one(item, variant=variant, reader=reader)))


class _Slot:
    """One worker process and what it is doing."""

    def __init__(self, ctx: Any, variant: str | None, reader: Reader | None) -> None:
        parent, child = ctx.Pipe()
        self.conn: Connection = parent
        self.process = ctx.Process(target=_worker, args=(child, variant, reader), daemon=True)
        self.process.start()
        child.close()
        self.ready = False
        self.task: tuple[int, Item] | None = None
        self.started = 0.0

    def send(self, index: int, item: Item) -> None:
        self.task = (index, item)
        self.started = time.monotonic()
        self.conn.send((index, item))

    def stop(self, *, kill: bool) -> None:
        if kill:
            self.process.kill()
        else:
            with contextlib.suppress(OSError):  # a worker that is gone already
                self.conn.send(None)
        self.process.join(5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.conn.close()


def read_many(
    paths: Iterable[Item],
    *,
    jobs: int = 1,
    variant: str | None = None,
    timeout: float | None = 60.0,
    reader: Reader | None = None,
) -> Iterator[Result]:
    """Read many report files; yield one :class:`Result` per file, in input order.

    ``jobs`` is the number of worker processes.  ``timeout`` is each file's time limit in
    seconds: a file that takes longer is an error result, its worker killed and replaced.  With
    ``jobs=1`` and ``timeout=None`` the files are read in this process, one after the other.
    ``variant`` forces an edition as in :func:`gongkai.read`; ``reader`` replaces
    :func:`gongkai.read` (a picklable function taking the source and ``variant=``, e.g.
    ``functools.partial(gongkai.read, strict=True)``).

    Memory stays flat: ``paths`` is consumed lazily, a few files per worker ahead.
    """
    if jobs < 1:
        raise ValueError(f"jobs must be at least 1, not {jobs}")
    if jobs == 1 and timeout is None:
        for item in paths:
            yield read_one(item, variant=variant, reader=reader)
        return
    yield from _pool(iter(paths), jobs, variant, timeout, reader)


def _pool(
    items: Iterator[Item], jobs: int, variant: str | None, timeout: float | None, reader: Reader | None
) -> Iterator[Result]:
    ctx = multiprocessing.get_context("spawn")
    slots: list[_Slot] = []
    waiting: deque[tuple[int, Item]] = deque()  # taken from ``items``, not yet sent
    done: dict[int, Result] = {}
    next_out = 0  # the index of the next result to yield
    taken = 0  # how many items were taken from ``items``
    exhausted = False
    try:
        slots = [_Slot(ctx, variant, reader) for _ in range(jobs)]
        while True:
            # take items while the window (in flight + finished, not yet yielded) has room
            while not exhausted and taken - next_out < jobs * _AHEAD_PER_WORKER:
                try:
                    item = next(items)
                except StopIteration:
                    exhausted = True
                    break
                waiting.append((taken, item))
                taken += 1
            for slot in slots:
                if slot.ready and slot.task is None and waiting:
                    slot.send(*waiting.popleft())
            if next_out in done:
                while next_out in done:
                    yield done.pop(next_out)
                    next_out += 1
                continue  # the window moved: take and send more before waiting
            if exhausted and next_out == taken:
                return
            _wait(slots, done, timeout, ctx, variant, reader)
    finally:
        for slot in slots:
            slot.stop(kill=slot.task is not None)


def _wait(
    slots: list[_Slot],
    done: dict[int, Result],
    timeout: float | None,
    ctx: Any,
    variant: str | None,
    reader: Reader | None,
) -> None:
    """Wait for a worker to answer, die or run out of time; replace dead and killed workers."""
    busy = [s for s in slots if s.task is not None]
    limit = None
    if timeout is not None and busy:
        limit = max(0.0, min(s.started for s in busy) + timeout - time.monotonic())
    handles: list[Any] = [s.conn for s in slots] + [s.process.sentinel for s in slots]
    ready = set(wait(handles, limit))
    now = time.monotonic()
    for i, slot in enumerate(slots):
        failure: str | None = None
        if slot.conn in ready:
            try:
                index, result = slot.conn.recv()
            except (EOFError, OSError):
                failure = "the worker process died"
            else:
                if index == "ready":
                    slot.ready = True
                else:
                    done[index] = result
                    slot.task = None
                    continue
        elif slot.process.sentinel in ready:
            failure = "the worker process died"
        elif slot.task is not None and timeout is not None and now - slot.started >= timeout:
            failure = f"took longer than {timeout:g} s: stopped"
        if failure is None:
            continue
        if failure.startswith("the worker") and slot.process.exitcode is None:
            slot.process.join(1)
        code = slot.process.exitcode
        if slot.task is not None:
            index, item = slot.task
            if failure.startswith("the worker") and code is not None:
                failure += f" (exit code {code})"
            name = item[0] if isinstance(item, tuple) else os.fspath(item)
            done[index] = Result(name, None, failure, None, now - slot.started)
            slot.task = None
        elif not slot.ready:
            raise GongkaiError(f"a worker process could not start (exit code {code})")
        slot.stop(kill=True)
        slots[i] = _Slot(ctx, variant, reader)
