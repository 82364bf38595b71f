"""The search index this server reads, one per build, opened once per process.

For the embedded store it is ``search.sqlite`` beside the store link (written by
``fdigraph build``) when it was made for the build being served, else one saved in the
store's own folder before, else it is made from the store now and saved there (a store
made by ``fdigraph load``), or kept in memory when that folder is read-only. In front
of a remote endpoint there is no local build: each worker makes the index in memory
from the remote data at its first search, and again when the data's fingerprint (the
build id) changes.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from pathlib import Path
from typing import Any

from flask import Flask

from fdigraph import fulltext
from fdigraph.labels import store_runner

PATH = "fdigraph.search.path"
OPENED = "fdigraph.search"
_lock = threading.Lock()


def prepare(app: Flask) -> Path | None:
    """Find or make the index file of the served build (before gunicorn forks)."""
    eng: Any = app.extensions["fdigraph"]
    if eng.remote:
        return None
    build = eng.info.build
    found: Path | None = None
    saved = eng.path.resolve() / fulltext.FILE
    for candidate in (eng.path.parent / fulltext.FILE, saved):
        if fulltext.built_for(candidate) == build:
            found = candidate
            break
    else:
        try:
            found = fulltext.store_index(eng.store(), saved, build)
        except (OSError, sqlite3.Error):  # a read-only folder: each process makes its own
            found = None
    app.extensions[PATH] = (build, found)
    return found


def index(app: Flask) -> fulltext.Index:
    """This process's open index of the build being served (made if need be)."""
    eng: Any = app.extensions["fdigraph"]
    build: str = eng.info.build
    found = _opened(app, build)
    if found is not None:
        return found
    with _lock:
        found = _opened(app, build)
        if found is not None:
            return found
        known: tuple[str, Path | None] | None = app.extensions.get(PATH)
        if not eng.remote and (known is None or known[0] != build):
            prepare(app)
            known = app.extensions[PATH]
        path = None if eng.remote or known is None else known[1]
        if path is not None:
            made = fulltext.Index.open(path)
        else:
            made = fulltext.Index.in_memory(store_runner(eng.store()), build)
        app.extensions[OPENED] = (os.getpid(), made)
        return made


def ready(app: Flask) -> fulltext.Index | None:
    """This process's index of the served build if it has one open, else None."""
    eng: Any = app.extensions["fdigraph"]
    return _opened(app, eng.info.build)


def _opened(app: Flask, build: str) -> fulltext.Index | None:
    """The index this process opened, if it is of ``build`` (connections do not cross a fork)."""
    opened: tuple[int, fulltext.Index] | None = app.extensions.get(OPENED)
    if opened is not None and opened[0] == os.getpid() and opened[1].build == build:
        return opened[1]
    return None
