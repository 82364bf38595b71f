"""The engine of ``fdigraph serve --endpoint URL``: everything served from a remote store.

It offers what :class:`fdigraph.web.engine.Engine` offers (``store()``, ``evaluate``,
``etag``, ``info``, ``timeout``, ``max_rows``), over a :class:`fdigraph.remote.RemoteStore`,
so the endpoint, saved queries, pages, search, VoID and health run unchanged.

The time limit is the HTTP client's: a client's query is streamed from the store and
re-serialised here (row cap and every format as before) within QUERY_TIMEOUT, else 504;
page and saved-query jobs keep their deadline, and the store's own limit is set to fire
a little before it, so a slow store is a 504 and never a poisoned worker.

The build id is a fingerprint of the remote data (triples per graph), asked again every
ENDPOINT_REFRESH seconds by a thread in each worker; when it changes, the caches are
emptied. ETags also carry a period of ten refreshes, so an edit that keeps every
graph's size is served from caches for at most that long.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
import time
from collections.abc import Mapping
from typing import Any, ClassVar

import pyoxigraph as ox

from fdigraph.errors import FdigraphError, QueryError
from fdigraph.formats import Format
from fdigraph.protocol import Operation, QueryShape
from fdigraph.remote import RemoteStore
from fdigraph.store import BuildInfo
from fdigraph.web import results
from fdigraph.web.engine import LRU, syntax_error, time_left
from fdigraph.web.results import Serialised

GRACE = 2.0  # a timed job's deadline is this much past the store's own time limit
MARGIN = 1.0  # seconds kept back from a job's deadline for the work after the answer
RETRY = 1.0  # while no fingerprint has worked yet, a request asks again at most this often
AGES = 10  # ETags roll over every AGES refreshes even when the fingerprint stays
log = logging.getLogger("fdigraph.remote")


class RemoteEngine:
    """A remote SPARQL endpoint served as fdigraph serves its own store."""

    remote: ClassVar[bool] = True
    in_memory = False

    def __init__(self, settings: Mapping[str, Any]) -> None:
        self.url = str(settings["ENDPOINT"])
        self.query_timeout = float(settings["QUERY_TIMEOUT"])
        self.timeout = self.query_timeout + GRACE
        self.max_rows = int(settings["MAX_ROWS"])
        self.base_iri = str(settings["BASE_IRI"])
        self.refresh_every = max(float(settings["ENDPOINT_REFRESH"]), 0.1)
        self._store = RemoteStore(
            self.url,
            timeout=self.query_timeout,
            graphs=str(settings["ENDPOINT_GRAPHS"]),
            budget=_budget,
        )
        self.caches: list[LRU] = []
        self._info = BuildInfo(build="unknown", triples=0, graphs=(), base_iri=self.base_iri)
        self._known = False
        self._tried = 0.0
        self._epoch = self._age()
        self._watcher = 0
        self._lock = threading.Lock()

    @classmethod
    def open(cls, settings: Mapping[str, Any]) -> RemoteEngine:
        engine = cls(settings)
        engine.refresh()  # a store that is down now is asked again when a request comes
        return engine

    @property
    def info(self) -> BuildInfo:
        self._watch()
        if not self._known and time.monotonic() - self._tried > RETRY:
            self.refresh()
        return self._info

    def store(self) -> RemoteStore:
        self._watch()
        return self._store

    def ping(self) -> None:
        """Raise RemoteStoreError when the store does not answer a trivial query."""
        self._store.query("ASK {}")
        if not self._known:
            self.refresh()

    def refresh(self) -> bool:
        """Ask the fingerprint; on a new one, a new build id and empty caches."""
        self._tried = time.monotonic()
        try:
            counts = self._store.fingerprint()
        except FdigraphError as err:
            log.warning("fingerprint of %s: %s", self.url, err)
            return False
        text = json.dumps(sorted(counts.items()))
        build = hashlib.blake2b(text.encode(), digest_size=8).hexdigest()
        epoch = self._age()
        with self._lock:
            changed = build != self._info.build or epoch != self._epoch
            if build != self._info.build:
                triples = counts[""] if "" in counts else sum(counts.values())
                graphs = tuple(sorted(g for g in counts if g))
                self._info = BuildInfo(build, triples, graphs, self.base_iri)
            self._known, self._epoch = True, epoch
        if changed:
            for cache in self.caches:
                cache.clear()
        return True

    def evaluate(self, op: Operation, shape: QueryShape, fmt: Format, base: str) -> Serialised:
        """Send the client's query, re-serialise the answer as it streams in."""
        options: dict[str, Any] = {"base_iri": base}
        if op.has_protocol_dataset:
            options["default_graph"] = [_iri(g, "default-graph-uri") for g in op.default_graphs]
            options["named_graphs"] = [_iri(g, "named-graph-uri") for g in op.named_graphs]
        elif not shape.from_clause:
            options["use_default_graph_as_union"] = True
        deadline = time.monotonic() + self.query_timeout
        try:
            with self.store().answer(op.query, deadline, **options) as answer:
                if isinstance(answer, ox.QuerySolutions):
                    return results.solutions(answer, fmt, self.max_rows)
                if isinstance(answer, ox.QueryBoolean):
                    return results.boolean(answer, fmt)
                return results.triples(answer, fmt, self.max_rows, shape.prefixes)
        except SyntaxError as err:  # the store refused the query (HTTP 400)
            raise syntax_error(str(err)) from None

    def etag(self, key: tuple[Any, ...]) -> str:
        digest = hashlib.blake2b(repr(key).encode(), digest_size=10).hexdigest()
        return f'W/"{self.info.build}.{self._age()}-{digest}"'

    def _age(self) -> int:
        return int(time.time() // (self.refresh_every * AGES))

    def _watch(self) -> None:
        """Start this process's fingerprint thread (threads do not survive a fork)."""
        if self._watcher == os.getpid():
            return
        with self._lock:
            if self._watcher == os.getpid():
                return
            self._watcher = os.getpid()
        threading.Thread(target=self._loop, name="fdigraph-fingerprint", daemon=True).start()

    def _loop(self) -> None:
        while True:
            time.sleep(self.refresh_every)
            self.refresh()


def _budget() -> float | None:
    left = time_left()
    return None if left is None else left - MARGIN


def _iri(value: str, param: str) -> ox.NamedNode:
    try:
        return ox.NamedNode(value)
    except ValueError:
        raise QueryError(f"{param} {value!r} is not an absolute IRI") from None
