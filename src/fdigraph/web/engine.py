"""Evaluating a client's query: the store of this process, the time limit, the cache.

pyoxigraph cannot cancel a query, but it releases the GIL while it works. So each
query runs in a helper thread (with a large stack, so that no accepted query can
overflow it) while the request thread waits with a deadline. Past the deadline the
request answers 503 and marks the worker *poisoned*: under gunicorn the worker exits
right after sending that answer, which is what really stops the runaway evaluation
(see ``fdigraph.server``). Elsewhere (tests, ``flask run``) the stuck helper is
abandoned and a fresh one serves the next query.
"""

from __future__ import annotations

import hashlib
import os
import queue
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, TypeVar

import pyoxigraph as ox

from fdigraph import store as fstore
from fdigraph.errors import Location, QueryError, QueryTimeout, StoreError
from fdigraph.protocol import Format, Operation, QueryShape
from fdigraph.web import results
from fdigraph.web.results import Serialised

T = TypeVar("T")
STACK_BYTES = 256 * 1024 * 1024  # reserved address space, touched only by deep queries
_SYNTAX = re.compile(r"error at (\d+):(\d+): (.*)", re.DOTALL)


class _Job:
    """A job and its outcome; ``done`` is released when the outcome is there."""

    __slots__ = ("deadline", "done", "error", "run", "value")

    def __init__(self, run: Callable[[], Any], deadline: float) -> None:
        self.run = run
        self.deadline = deadline
        self.value: Any = None
        self.error: BaseException | None = None
        self.done = threading.Lock()
        self.done.acquire()


class _Helper:
    """One daemon thread that runs jobs handed to it, one at a time."""

    def __init__(self) -> None:
        self.jobs: queue.SimpleQueue[_Job] = queue.SimpleQueue()
        old = threading.stack_size(STACK_BYTES)
        try:
            threading.Thread(target=self._loop, name="fdigraph-query", daemon=True).start()
        finally:
            threading.stack_size(old)

    def _loop(self) -> None:
        while True:
            job = self.jobs.get()
            _CURRENT.deadline = job.deadline
            try:
                job.value = job.run()
            except BaseException as err:
                job.error = err
            job.done.release()


class Runner:
    """Run callables with a deadline, each calling thread with its own helper."""

    def __init__(self) -> None:
        self._local = threading.local()

    def run(self, job: Callable[[], T], timeout: float) -> T:
        helper: _Helper | None = getattr(self._local, "helper", None)
        if helper is None or getattr(self._local, "pid", None) != os.getpid():
            helper = self._local.helper = _Helper()
            self._local.pid = os.getpid()
        task = _Job(job, time.monotonic() + timeout)
        helper.jobs.put(task)
        # A bare lock is the cheapest hand-back (a Future costs a Condition per call).
        if not task.done.acquire(timeout=timeout):
            self._local.helper = None  # it is stuck in the engine; never reuse it
            raise QueryTimeout(f"the query was stopped after {timeout:g} s (the time limit)")
        if task.error is not None:
            raise task.error
        value: T = task.value
        return value


_CURRENT = threading.local()  # the deadline of the job a helper thread is running


def time_left() -> float | None:
    """Seconds left to the job running in this thread (None outside a timed job).

    A remote store reads it so that its own time limit fires before the job's.
    """
    deadline: float | None = getattr(_CURRENT, "deadline", None)
    return None if deadline is None else deadline - time.monotonic()


class LRU:
    """A small least-recently-used map bounded by entries and total bytes."""

    def __init__(self, entries: int, max_bytes: int) -> None:
        self.entries, self.max_bytes, self.size = entries, max_bytes, 0
        self.data: OrderedDict[Any, tuple[int, Any]] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: Any) -> Any:
        with self.lock:
            item = self.data.get(key)
            if item is None:
                return None
            self.data.move_to_end(key)
            return item[1]

    def clear(self) -> None:
        with self.lock:
            self.data.clear()
            self.size = 0

    def put(self, key: Any, value: Any, size: int) -> None:
        if self.entries <= 0 or size > self.max_bytes // 8:
            return
        with self.lock:
            old = self.data.pop(key, None)
            if old is not None:
                self.size -= old[0]
            self.data[key] = (size, value)
            self.size += size
            while len(self.data) > self.entries or self.size > self.max_bytes:
                self.size -= self.data.popitem(last=False)[1][0]


@dataclass
class Engine:
    """The store this process serves and how queries are run against it."""

    path: Path
    in_memory: bool
    timeout: float
    max_rows: int
    info: fstore.BuildInfo
    _store: ox.Store | None = None
    _pid: int = 0
    remote: ClassVar[bool] = False

    @classmethod
    def open(cls, settings: Mapping[str, Any], path: Path) -> Engine:
        engine = cls(
            path=path,
            in_memory=bool(settings["IN_MEMORY"]),
            timeout=float(settings["QUERY_TIMEOUT"]),
            max_rows=int(settings["MAX_ROWS"]),
            info=fstore.build_info(path),
        )
        if engine.in_memory:  # before gunicorn forks: the workers share these pages
            engine.store()
        return engine

    def store(self) -> ox.Store:
        """The store, opened once per process (RocksDB must not cross a fork)."""
        if self._store is None or (not self.in_memory and self._pid != os.getpid()):
            self._store = fstore.open_read_only(self.path, in_memory=self.in_memory)
            self._pid = os.getpid()
        return self._store

    def ping(self) -> None:
        """Raise if the store cannot be used."""
        self.store()

    def evaluate(self, op: Operation, shape: QueryShape, fmt: Format, base: str) -> Serialised:
        """Evaluate and serialise (this is the work the deadline applies to)."""
        kwargs: dict[str, Any] = {}
        if op.has_protocol_dataset:  # the protocol's dataset replaces FROM / FROM NAMED
            kwargs["default_graph"] = [_iri(g, "default-graph-uri") for g in op.default_graphs]
            kwargs["named_graphs"] = [_iri(g, "named-graph-uri") for g in op.named_graphs]
        elif not shape.from_clause:
            kwargs["use_default_graph_as_union"] = True
        store = self.store()

        def job() -> Serialised:
            try:
                answer = store.query(op.query, base_iri=base, **kwargs)
                if isinstance(answer, ox.QuerySolutions):
                    return results.solutions(answer, fmt, self.max_rows)
                if isinstance(answer, ox.QueryBoolean):
                    return results.boolean(answer, fmt)
                return results.triples(answer, fmt, self.max_rows, shape.prefixes)
            except SyntaxError as err:
                raise syntax_error(str(err)) from None
            except OSError as err:
                raise StoreError(f"the store could not answer: {err}") from err

        return RUNNER.run(job, self.timeout)

    def etag(self, key: tuple[Any, ...]) -> str:
        digest = hashlib.blake2b(repr(key).encode(), digest_size=10).hexdigest()
        return f'W/"{self.info.build}-{digest}"'


RUNNER = Runner()


def _iri(value: str, param: str) -> ox.NamedNode:
    try:
        return ox.NamedNode(value)
    except ValueError:
        raise QueryError(f"{param} {value!r} is not an absolute IRI") from None


def syntax_error(message: str) -> QueryError:
    """pyoxigraph's 'error at 2:15: expected ...' as a readable 400."""
    found = _SYNTAX.match(message)
    if found is None:
        return QueryError(f"syntax error: {message}")
    line, column, what = int(found[1]), int(found[2]), found[3].splitlines()[0]
    if len(what) > 300:
        what = what[:300] + "…"
    return QueryError(
        f"syntax error at line {line}, column {column}: {what}",
        where=Location("query", line, column),
    )
