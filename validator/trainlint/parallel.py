"""Spreading independent items over processes, with results back in input order.

A check of a repository is one small, independent job per file, so the map is generic:
a function over a list of items, in chunks, on up to `jobs` processes, the results put
back into input order (the output of `--jobs 8` is byte for byte that of `--jobs 1`).

Where `os.fork` exists, the workers are forked children that inherit the items and
everything the parent prepared (compiled schema, preset catalog): nothing is pickled on
the way in, and only results travel back, over one pipe per worker. That costs a few
milliseconds; `concurrent.futures.ProcessPoolExecutor` costs some 40 ms of imports,
threads and queues before the first file, which a pre-commit hook pays on every commit.
Elsewhere (Windows) the executor does the work.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

# below this many items per worker, a pool costs more than it saves (a worker starts in a few ms,
# a file takes well under a millisecond)
MIN_ITEMS_PER_JOB = 48
# chunks several per worker, so a slow chunk (big dataset folders) does not leave a core idle
_CHUNKS_PER_JOB = 16
_MAX_CHUNK = 64
# every chunk number is queued before the workers start: their 4-byte records must fit a pipe's buffer
_MAX_CHUNKS = 1024
_HEADER = 8  # bytes of a result message's length
_READ = 1 << 16  # a pipe's buffer: larger reads only allocate (and give back) more memory per call


def default_jobs() -> int:
    """The cores this process may run on (respects CPU affinity, e.g. in containers)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def map_in_order(
    func: Callable[[T], R], items: Sequence[T], jobs: int | None = None, prepare: Callable[[], object] | None = None
) -> list[R]:
    """`[func(x) for x in items]`, on up to `jobs` processes when there are enough items.

    `prepare` runs once in this process before workers start (compiling the schema,
    loading the catalog), so forked workers inherit its work. An exception raised by
    `func` is raised here. Without fork, `func` and the items must pickle.
    """
    return list(imap_in_order(func, items, jobs, prepare))


def imap_in_order(
    func: Callable[[T], R], items: Sequence[T], jobs: int | None = None, prepare: Callable[[], object] | None = None
) -> Iterator[R]:
    """`map_in_order`, each result handed out as soon as it and all before it are done, so
    a report can be written while later files are still being checked."""
    jobs = default_jobs() if jobs is None or jobs <= 0 else jobs
    jobs = min(jobs, len(items) // MIN_ITEMS_PER_JOB)
    if jobs <= 1:
        yield from map(func, items)
        return
    if prepare is not None:
        prepare()
    chunk = max(1, min(_MAX_CHUNK, -(-len(items) // (jobs * _CHUNKS_PER_JOB))), -(-len(items) // _MAX_CHUNKS))
    if not hasattr(os, "fork"):
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(jobs) as pool:
            yield from pool.map(func, items, chunksize=chunk)
        return
    for part in _forked(func, items, jobs, chunk):
        yield from part


def _forked(func: Callable[[T], R], items: Sequence[T], jobs: int, size: int) -> Iterator[list[R]]:
    """The results of each chunk of `size` items, in order, computed by `jobs` forked children.

    The chunk numbers wait in one pipe that every child reads 4 bytes at a time (the
    kernel hands each record to one reader), so a child that finishes early takes the
    next chunk. Each child writes its results to its own pipe, which the parent drains
    as they come, so no child ever blocks on a full pipe.
    """
    import pickle  # noqa: F401 - imported before forking, so no child imports it again
    import select  # noqa: F401

    bounds = [(start, min(start + size, len(items))) for start in range(0, len(items), size)]
    tasks_read, tasks_write = os.pipe()
    os.write(tasks_write, b"".join(k.to_bytes(4, "little") for k in range(len(bounds))))
    os.close(tasks_write)  # the children read to the end of the queue, then see it closed
    children: dict[int, int] = {}  # result pipe -> child pid
    # everything the parent holds (the items, the compiled schema, the catalog) moves out of the collector's
    # sight: a child's collections would otherwise walk it again and again, writing to every object's
    # header (a copy of each page, shared until then); the parent takes it back once the children run
    gc.freeze()
    try:
        for _ in range(jobs):
            result_read, result_write = os.pipe()
            pid = os.fork()
            if pid == 0:  # the child: never returns into the parent's code
                try:
                    os.close(result_read)
                    for fd in children:
                        os.close(fd)
                    _work(func, items, bounds, tasks_read, result_write)  # exits
                finally:
                    os._exit(1)
            os.close(result_write)
            children[result_read] = pid
        gc.unfreeze()
        os.close(tasks_read)
        tasks_read = -1
        yield from _collect(children, len(bounds))
    finally:
        gc.unfreeze()  # (again, should a fork have failed)
        if tasks_read >= 0:
            os.close(tasks_read)
        for fd, pid in children.items():
            try:
                os.close(fd)
            except OSError:
                pass  # already closed once drained
            try:
                os.kill(pid, 15)  # a child still at work when the parent gave up (an error, Ctrl-C)
                os.waitpid(pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass  # already reaped by someone else (an embedding program's SIGCHLD handler)


def _work(func: Callable[[T], R], items: Sequence[T], bounds: list[tuple[int, int]], tasks: int, out: int) -> None:
    """A child's loop: take a chunk number, send back `(number, ok, results or exception)`; exit."""
    import pickle

    gc.enable()  # a parent may have paused its collector (cache.outside_collection); a child collects its own
    code = 0
    try:
        dumps, protocol = pickle.dumps, pickle.HIGHEST_PROTOCOL
        while len(record := os.read(tasks, 4)) == 4:
            number = int.from_bytes(record, "little")
            start, end = bounds[number]
            try:
                message = dumps((number, True, [func(item) for item in items[start:end]]), protocol)
            except Exception as exc:  # noqa: BLE001 - raised again in the parent, as the executor does
                try:
                    message = dumps((number, False, exc), protocol)
                except Exception:  # noqa: BLE001 - an exception that does not pickle still tells what it was
                    message = dumps((number, False, RuntimeError(f"{type(exc).__name__}: {exc}")), protocol)
            view = memoryview(len(message).to_bytes(_HEADER, "little") + message)
            while view:
                view = view[os.write(out, view) :]
    except BaseException:  # noqa: BLE001 - interrupted or the parent went away: nothing to report to
        code = 1
    finally:
        os._exit(code)  # no atexit handlers, no flushing of the parent's inherited output buffers


def _collect(children: dict[int, int], chunks: int) -> Iterator[list[Any]]:
    """Drain the children's pipes as results arrive and hand the chunks out in input order."""
    import pickle
    import select

    buffers = {fd: bytearray() for fd in children}
    poller = select.poll()
    for fd in children:
        poller.register(fd, select.POLLIN)
    done: dict[int, list[Any]] = {}
    following = 0
    open_pipes = len(children)
    while following < chunks:
        if not open_pipes:
            raise RuntimeError("a worker process ended before its work was done (out of memory, or killed)")
        for fd, _ in poller.poll():
            data = os.read(fd, _READ)
            if not data:
                poller.unregister(fd)
                open_pipes -= 1
                continue
            buffer = buffers[fd]
            buffer += data
            while len(buffer) >= _HEADER and len(buffer) >= _HEADER + (
                length := int.from_bytes(buffer[:_HEADER], "little")
            ):
                number, ok, value = pickle.loads(buffer[_HEADER : _HEADER + length])
                del buffer[: _HEADER + length]
                if not ok:
                    raise value
                done[number] = value
        while following in done:
            yield done.pop(following)
            following += 1
