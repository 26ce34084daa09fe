"""Reading many reports: :func:`read_many`, in order, in worker processes with a time limit.

Each file becomes one :class:`Result`: its report, or the error that stopped it.  A file never
ends the batch: an error, a file that takes longer than ``timeout`` seconds (its worker is
killed and replaced) and a worker that dies (replaced too) are each a result with ``error`` set.

The paths are taken lazily and at most a few small batches per worker are in flight, so memory stays
flat however many files there are; results come back in input order.  Workers are started with
the ``spawn`` method (safe with threads and on every platform): a script that calls
:func:`read_many` with ``jobs > 1`` or a ``timeout`` needs the usual
``if __name__ == "__main__":`` guard.

:func:`map_files` is the engine underneath: any picklable per-file task, run in the workers,
so that what comes back to this process is the task's small result (the command line sends
back table rows, not reports: one process then only writes).
"""

from __future__ import annotations

import contextlib
import functools
import multiprocessing
import os
import time
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator
from multiprocessing.connection import Connection, wait
from typing import Any, TypeVar

from attrs import frozen

from ._errors import GongkaiError
from ._model import Report

__all__ = ["Result", "map_files", "read_many", "read_one"]

PathLike = str | os.PathLike[str]
#: what the workers read: a path, or (name, bytes) for data already read (standard input)
Item = PathLike | tuple[str, bytes]
Reader = Callable[..., Report]

T = TypeVar("T")

# files are sent to a worker in batches of this many (fewer messages and wake-ups); a worker is
# sent its next batch while it still works on the last one (so that it never waits for this
# process to be scheduled), and at most this many batches per worker are taken ahead of the
# output: enough to keep the workers busy, little enough to stay flat
_BATCH = 8
_BATCHES_AHEAD = 3


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


def read_many(
    paths: Iterable[Item],
    *,
    jobs: int = 1,
    variant: str | None = None,
    timeout: float | None = 60.0,
    reader: Reader | None = None,
) -> Generator[Result, None, None]:
    """Read many report files; yield one :class:`Result` per file, in input order.

    ``jobs`` is the number of worker processes.  ``timeout`` is each file's time limit in
    seconds: a file that takes longer is an error result, its worker killed and replaced.  With
    ``jobs=1`` and ``timeout=None`` the files are read in this process, one after the other.
    ``variant`` forces an edition as in :func:`gongkai.read`; ``reader`` replaces
    :func:`gongkai.read` (a picklable function taking the source and ``variant=``, e.g.
    ``functools.partial(gongkai.read, strict=True)``).

    Memory stays flat: ``paths`` is consumed lazily, a few files per worker ahead.
    """
    task = functools.partial(read_one, variant=variant, reader=reader)
    yield from map_files(task, paths, jobs=jobs, timeout=timeout, lost=_lost)


def _lost(name: str, error: str, seconds: float) -> Result:
    return Result(name, None, error, None, seconds)


def map_files(
    task: Callable[[Item], T],
    items: Iterable[Item],
    *,
    jobs: int = 1,
    timeout: float | None = 60.0,
    lost: Callable[[str, str, float], T],
) -> Generator[T, None, None]:
    """``task(item)`` for every item, in input order, in ``jobs`` worker processes.

    ``task`` must be picklable and must not raise for a bad file (it runs in the workers: what
    it returns is pickled back, so it should be small, plain data).  A file that takes longer
    than ``timeout`` seconds, or whose worker dies, gives ``lost(name, error, seconds)`` instead
    (made in this process); the worker is replaced.  With ``jobs=1`` and ``timeout=None`` the
    tasks run in this process.  Files go to the workers in small batches (fewer messages), a
    few batches per worker ahead of the output.
    """
    if jobs < 1:
        raise ValueError(f"jobs must be at least 1, not {jobs}")
    if jobs == 1 and timeout is None:
        for item in items:
            yield task(item)
        return
    yield from _pool(iter(items), task, jobs, timeout, lost)


def _name(item: Item) -> str:
    return item[0] if isinstance(item, tuple) else os.fspath(item)


def _worker(conn: Connection, task: Callable[[Item], Any]) -> None:
    """A worker process: for each batch of items sent on ``conn``, send back each item's
    ``task(item)`` as soon as it is done (so the time limit knows which file is running)."""
    from ._grammar import parser_for
    from ._variants import get_variant, variants

    # the grammars are built once per worker, before it says ready: the time limit is for
    # reading only, and no file pays for them
    for name in variants():
        parser_for(get_variant(name))
    conn.send(("ready", None))
    while True:
        try:
            batch = conn.recv()
        except (EOFError, OSError):
            return
        if batch is None:
            return
        for index, item in batch:
            conn.send((index, task(item)))


class _Slot:
    """One worker process and the batch it is working through."""

    def __init__(self, ctx: Any, task: Callable[[Item], Any]) -> None:
        parent, child = ctx.Pipe()
        self.conn: Connection = parent
        self.process = ctx.Process(target=_worker, args=(child, task), daemon=True)
        self.process.start()
        child.close()
        self.ready = False
        self.tasks: deque[tuple[int, Item]] = deque()  # sent, not answered; the first is running
        self.started = 0.0  # when the first of ``tasks`` started (at the latest)

    def send(self, batch: list[tuple[int, Item]]) -> None:
        if not self.tasks:
            self.started = time.monotonic()
        self.tasks.extend(batch)
        # a worker that has just died: _wait finds it, loses the file it was on and sends the
        # rest of its tasks, this batch too, to another
        with contextlib.suppress(OSError):
            self.conn.send(batch)

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


def _pool(
    items: Iterator[Item],
    task: Callable[[Item], T],
    jobs: int,
    timeout: float | None,
    lost: Callable[[str, str, float], T],
) -> Iterator[T]:
    ctx = multiprocessing.get_context("spawn")
    slots: list[_Slot] = []
    waiting: deque[tuple[int, Item]] = deque()  # taken from ``items``, not yet sent
    done: dict[int, T] = {}
    next_out = 0  # the index of the next result to yield
    taken = 0  # how many items were taken from ``items``
    exhausted = False
    try:
        slots = [_Slot(ctx, task) for _ in range(jobs)]
        while True:
            # take items while the window (in flight + finished, not yet yielded) has room
            while not exhausted and taken - next_out < jobs * _BATCH * _BATCHES_AHEAD:
                try:
                    item = next(items)
                except StopIteration:
                    exhausted = True
                    break
                waiting.append((taken, item))
                taken += 1
            for slot in slots:
                # one batch queued behind the one the worker is on, no more
                if slot.ready and waiting and len(slot.tasks) <= _BATCH:
                    # near the end, smaller batches so that every worker has a share
                    batch = _take(waiting, max(1, min(_BATCH, len(waiting) // jobs)), idle=not slot.tasks)
                    if batch:
                        slot.send(batch)
            if next_out in done:
                while next_out in done:
                    yield done.pop(next_out)
                    next_out += 1
                continue  # the window moved: take and send more before waiting
            if exhausted and next_out == taken:
                return
            _wait(slots, done, waiting, timeout, ctx, task, lost)
    finally:
        for slot in slots:
            slot.stop(kill=bool(slot.tasks))


def _take(waiting: deque[tuple[int, Item]], size: int, *, idle: bool) -> list[tuple[int, Item]]:
    """The next batch for a worker.  Data already read (standard input) goes alone and only to
    an idle worker: a large message must never wait in a pipe while the worker, busy, cannot
    read it and this process, sending it, cannot read the worker's results."""
    batch: list[tuple[int, Item]] = []
    while waiting and len(batch) < size:
        data = isinstance(waiting[0][1], tuple)
        if data and (batch or not idle):
            break
        batch.append(waiting.popleft())
        if data:
            break
    return batch


def _wait(
    slots: list[_Slot],
    done: dict[int, T],
    waiting: deque[tuple[int, Item]],
    timeout: float | None,
    ctx: Any,
    task: Callable[[Item], T],
    lost: Callable[[str, str, float], T],
) -> None:
    """Wait for a worker to answer, die or run out of time; replace dead and killed workers
    (the file it was on is lost, the rest of its batch goes back to the front of the queue)."""
    busy = [s for s in slots if s.tasks]
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
                index, value = slot.conn.recv()
            except (EOFError, OSError):
                failure = "the worker process died"
            else:
                if index == "ready":
                    slot.ready = True
                else:
                    done[index] = value
                    slot.tasks.popleft()
                    slot.started = now  # the next file of the batch starts now (at the latest)
                continue
        elif slot.process.sentinel in ready:
            failure = "the worker process died"
        elif slot.tasks and timeout is not None and now - slot.started >= timeout:
            failure = f"took longer than {timeout:g} s: stopped"
        if failure is None:
            continue
        if failure.startswith("the worker") and slot.process.exitcode is None:
            slot.process.join(1)
        code = slot.process.exitcode
        if slot.tasks:
            index, item = slot.tasks.popleft()
            if failure.startswith("the worker") and code is not None:
                failure += f" (exit code {code})"
            done[index] = lost(_name(item), failure, now - slot.started)
            waiting.extendleft(reversed(slot.tasks))
            slot.tasks.clear()
        elif not slot.ready:
            raise GongkaiError(f"a worker process could not start (exit code {code})")
        slot.stop(kill=True)
        slots[i] = _Slot(ctx, task)
