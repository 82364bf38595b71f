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

import errno
import hashlib
import math
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

from fdigraph import sandbox
from fdigraph import store as fstore
from fdigraph.errors import (
    Location,
    Overloaded,
    QueryError,
    QueryMemoryLimit,
    QueryRefused,
    QueryStopped,
    QueryTimeout,
    ServiceFailed,
    StoreError,
)
from fdigraph.formats import Format
from fdigraph.protocol import Operation, QueryShape
from fdigraph.web import results
from fdigraph.web.results import Serialised

T = TypeVar("T")
STACK_BYTES = 256 * 1024 * 1024  # reserved address space, touched only by deep queries
_SYNTAX = re.compile(r"error at (\d+):(\d+): (.*)", re.DOTALL)
_UNSUPPORTED = re.compile(r"The custom function (<[^>]*>) is not supported")


SLOTS = 2  # request threads per gunicorn worker (fdigraph.server.THREADS)
SAMPLE_SECONDS = 0.02  # how often the watchdog looks at running queries and memory
LOW_PRIORITY = 19  # the nice value of a helper thread once its query is expensive


class _Job:
    """A job and its outcome; ``done`` is released when the outcome is there.

    ``settled`` says the outcome is decided: by the helper when the job ends, or by the
    request thread or the watchdog when they stop it (then the helper's result is dropped).
    """

    __slots__ = (
        "cpu", "deadline", "done", "error", "helper", "run", "settled", "slow", "started",
        "value",
    )  # fmt: skip

    def __init__(self, run: Callable[[], Any], started: float, deadline: float) -> None:
        self.run = run
        self.started = started
        self.deadline = deadline
        self.value: Any = None
        self.error: BaseException | None = None
        self.settled = False
        self.slow = False  # its helper thread was given a low CPU priority
        self.helper: _Helper | None = None
        self.cpu: float | None = None  # its helper thread's CPU clock when it began
        self.done = threading.Lock()
        self.done.acquire()


class _Helper:
    """One daemon thread that runs jobs handed to it, one at a time (None ends it)."""

    def __init__(self, runner: Runner) -> None:
        self.runner = runner
        self.tid = 0
        self.clock: int | None = None  # this thread's CPU-time clock, where there is one
        self.jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        old = threading.stack_size(STACK_BYTES)
        try:
            threading.Thread(target=self._loop, name="fdigraph-query", daemon=True).start()
        finally:
            threading.stack_size(old)

    def _loop(self) -> None:
        self.tid = threading.get_native_id()
        if hasattr(time, "pthread_getcpuclockid"):
            self.clock = time.pthread_getcpuclockid(threading.get_ident())
        while True:
            job = self.jobs.get()
            if job is None:
                return
            _CURRENT.deadline = job.deadline
            if self.clock is not None:
                job.cpu = time.clock_gettime(self.clock)
            value: Any = None
            error: BaseException | None = None
            try:
                value = job.run()
            except BaseException as err:
                error = err
            with self.runner.lock:
                if job.settled:  # stopped meanwhile: its answer has gone
                    continue
                job.settled, job.value, job.error = True, value, error
            job.done.release()


class Runner:
    """Run callables with a deadline, each calling thread with its own helper.

    It also keeps the jobs running in this process, for a watchdog thread that stops
    them over the memory limit and keeps a slot for cheap work (see :meth:`_look`).
    Under gunicorn (:meth:`serving`) a stopped job retires the worker, which is what
    really ends its evaluation; elsewhere the stuck helper is abandoned.
    """

    def __init__(self) -> None:
        self._local = threading.local()
        self.lock = threading.Lock()
        self._busy = threading.Condition(self.lock)
        self._running: dict[_Job, None] = {}
        self._pid = 0
        self.memory_limit = 0  # bytes a worker may grow by; 0: no limit
        self.expensive_after = 1.0
        self.slots = SLOTS
        self.served = False
        self.stopping = False
        self.reason = ""  # which limit a stopped query ran past, for the log
        self.baseline = 0

    def configure(self, *, memory_limit: int, expensive_after: float) -> None:
        self.memory_limit, self.expensive_after = memory_limit, expensive_after

    def serving(self) -> None:
        """In a gunicorn worker, before any request: stops retire it; memory counts from here."""
        self.served = True
        self.baseline = _rss() or 0
        self._pid = 0  # the watchdog thread of the arbiter was not copied by the fork

    def run(self, job: Callable[[], T], timeout: float) -> T:
        self._watch()
        helper: _Helper | None = getattr(self._local, "helper", None)
        if helper is None or getattr(self._local, "pid", None) != os.getpid():
            helper = self._local.helper = _Helper(self)
            self._local.pid = os.getpid()
        now = time.monotonic()
        with self.lock:
            stopping = self.stopping
            if stopping:  # a worker that is restarting takes only short work
                timeout = min(timeout, self.expensive_after)
            task = _Job(job, now, now + timeout)
            task.helper = helper
            self._running[task] = None
            self._busy.notify()
        helper.jobs.put(task)
        # A bare lock is the cheapest hand-back (a Future costs a Condition per call).
        finished = task.done.acquire(timeout=timeout)
        with self.lock:
            del self._running[task]
            if not finished and not task.settled:
                if stopping:
                    error: QueryStopped = Overloaded(
                        "this worker is restarting and takes only short queries now; retry",
                        retry_after=1,
                    )
                else:
                    error = QueryTimeout(
                        f"the query was stopped after {timeout:g} s (the time limit)"
                    )
                self._settle(task, error)
                self._retire("the time limit" if not stopping else "a restart's short budget")
        if isinstance(task.error, QueryStopped):
            self._local.helper = None  # it is stuck in the engine; never reuse it
        elif task.slow:
            self._local.helper = None  # a thread cannot raise its priority again
            helper.jobs.put(None)
        if task.error is not None:
            raise task.error
        value: T = task.value
        return value

    def _settle(self, job: _Job, error: QueryStopped) -> None:
        """Answer a job that is still running with ``error`` (the lock is held)."""
        if not job.settled:
            job.settled, job.error = True, error
            job.done.release()

    def _retire(self, reason: str) -> None:
        """A stopped evaluation goes on in its thread: under gunicorn the worker must end."""
        if self.served and not self.stopping:
            self.stopping, self.reason = True, reason

    def _watch(self) -> None:
        if self._pid != os.getpid():
            self._pid = os.getpid()
            if not self.baseline:
                self.baseline = _rss() or 0
            threading.Thread(target=self._loop, name="fdigraph-watchdog", daemon=True).start()

    def _loop(self) -> None:
        pid = os.getpid()
        while self._pid == pid:
            with self.lock:
                while not self._running:
                    self._busy.wait()
            time.sleep(SAMPLE_SECONDS)
            self._look(time.monotonic(), _rss())

    def _look(self, now: float, rss: int | None) -> None:
        """One look at the running jobs: the memory limit, then the share of long work.

        A job whose thread has spent EXPENSIVE_AFTER seconds of CPU on it is *expensive*
        (see :func:`_spent`): its thread gets the lowest CPU priority, so cheap queries
        keep the cores. At most ``slots - 1`` jobs
        of a worker may be expensive: one more is stopped (503, Retry-After) and the
        worker retires, so one slot always drains within EXPENSIVE_AFTER instead of
        queueing requests behind runaways. Over the memory limit the expensive jobs (or
        all, if none is) are stopped. A retiring worker stops each job that turns
        expensive, so that it exits promptly and a fresh one takes its place.
        """
        with self.lock:
            live = [j for j in self._running if not j.settled]
            expensive = [j for j in live if _spent(j, now) >= self.expensive_after]
            for job in expensive:
                if not job.slow:
                    job.slow = _lower_priority(job)
            grown = (rss or 0) - self.baseline
            if self.memory_limit and rss is not None and grown > self.memory_limit:
                mib = self.memory_limit // (1024 * 1024)
                for job in expensive or live:
                    self._settle(
                        job,
                        QueryMemoryLimit(
                            f"the query was stopped: it took more than {mib} MiB of memory "
                            "(the memory limit)"
                        ),
                    )
                self._retire("the memory limit")
            elif self.stopping:
                for job in expensive:
                    self._settle(
                        job,
                        Overloaded(
                            "the query was stopped: its worker is restarting to end a runaway "
                            "query; retry",
                            retry_after=1,
                        ),
                    )
            elif len(expensive) >= self.slots:
                newest = max(expensive, key=lambda j: j.started)
                self._settle(
                    newest,
                    Overloaded(
                        f"the query was stopped after {self.expensive_after:g} s: every slot "
                        "of this worker is busy with long queries (one is kept for short "
                        "ones); retry later",
                        retry_after=max(1, math.ceil(self.expensive_after)),
                    ),
                )
                self._retire("its worker's share of long queries")


def _rss() -> int | None:
    """This process's resident memory in bytes (Linux; None elsewhere)."""
    try:
        with open("/proc/self/statm", "rb") as f:
            return int(f.read().split()[1]) * PAGE_BYTES
    except (OSError, ValueError, IndexError):
        return None


def _spent(job: _Job, now: float) -> float:
    """The seconds of CPU its thread has spent on ``job`` (wall seconds where no CPU clock).

    CPU time, not the time since it arrived: a cheap page that waits for a core on a busy
    machine, or a query waiting on a remote store's answer, costs this process nothing and
    is never taken for a runaway; the wall-clock time limit still bounds them.
    """
    helper = job.helper
    if helper is None or helper.clock is None:
        return now - job.started
    if job.cpu is None:
        return 0.0  # queued behind its helper's previous job: not begun
    try:
        return time.clock_gettime(helper.clock) - job.cpu
    except OSError:  # the thread has ended
        return 0.0


def _lower_priority(job: _Job) -> bool:
    """Give the thread running ``job`` the lowest CPU priority (Linux nice is per thread)."""
    tid = job.helper.tid if job.helper is not None else 0
    if not tid or not hasattr(os, "setpriority"):
        return False
    try:
        os.setpriority(os.PRIO_PROCESS, tid, LOW_PRIORITY)
    except OSError:
        return False
    return True


PAGE_BYTES = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
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
    check: fstore.Check | None = None
    lease: fstore.Lease | None = None
    _store: ox.Store | None = None
    _pid: int = 0
    remote: ClassVar[bool] = False

    @classmethod
    def open(cls, settings: Mapping[str, Any], path: Path) -> Engine:
        RUNNER.configure(
            memory_limit=int(settings["MAX_QUERY_MEMORY"]) * 1024 * 1024,
            expensive_after=float(settings["EXPENSIVE_AFTER"]),
        )
        # One build for the server's life: the directory the link names now, held by a
        # lease that every worker inherits, so a rebuild neither changes nor removes it.
        path = path.resolve()
        info = fstore.build_info(path)
        lease = fstore.Lease(path)
        engine = cls(
            path=path,
            in_memory=bool(settings["IN_MEMORY"]),
            timeout=float(settings["QUERY_TIMEOUT"]),
            max_rows=int(settings["MAX_ROWS"]),
            info=info,
            check=fstore.verify(path, budget=float(settings["STORE_CHECK_SECONDS"])),
            lease=lease,
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
            except RuntimeError as err:
                refused = unsupported(str(err))
                if refused is not None:
                    raise refused from None
                if shape.services:  # what an allowed endpoint sent could not be read
                    raise service_failed(shape.services, err) from None
                raise
            except OSError as err:
                if shape.services:
                    raise service_failed(shape.services, err) from None
                if sandbox.state == "on" and _unreachable(err):
                    raise QueryRefused(
                        "the query tried to open a network connection, which this endpoint "
                        "never does"
                    ) from None
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


def _unreachable(err: OSError) -> bool:
    # pyoxigraph's OSError carries the errno only in its text: "... (os error 101)"
    return err.errno == errno.ENETUNREACH or f"(os error {errno.ENETUNREACH})" in str(err)


def service_failed(endpoints: tuple[str, ...], err: Exception) -> ServiceFailed:
    """A failing SERVICE call as a 502 naming the endpoint(s) the query called."""
    named = ", ".join(f"<{e}>" for e in endpoints)
    what = str(err).splitlines()[0] if str(err) else type(err).__name__
    return ServiceFailed(f"SERVICE {named} failed: {what[:300]}")


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


def unsupported(message: str) -> QueryError | None:
    """pyoxigraph's evaluation error for a function it does not know, as a 400."""
    found = _UNSUPPORTED.search(message)
    if found is None:
        return None
    return QueryError(
        f"unknown function {found[1]}: only the SPARQL 1.1 functions and XSD casts are available"
    )
