"""Serving for real: gunicorn, with a time limit that stops runaway queries.

Workers are forked from an arbiter that has already built the app (``preload_app``),
so with IN_MEMORY the store is copied into memory once and shared copy-on-write;
without it each worker opens the on-disk store read-only after the fork. Each request
thread evaluates its query in a helper thread. A query that passes QUERY_TIMEOUT is
answered 503 and marks its worker poisoned: the ``post_request`` hook below makes the
worker stop accepting and finish what it has in flight, and ``worker_exit`` then ends
the process, which kills the runaway evaluation with it. The arbiter forks a fresh
worker meanwhile and the others keep serving. (pyoxigraph offers no way to cancel a
query in-process.) Right after the fork each worker also drops the network
(``fdigraph.sandbox``) when no SERVICE endpoint is allowed and the store is local.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import sys
from collections.abc import Mapping
from typing import Any

from gunicorn.app.base import BaseApplication

from fdigraph import sandbox
from fdigraph.errors import ConfigError
from fdigraph.front import Front
from fdigraph.web.engine import RUNNER, SLOTS
from fdigraph.web.errors import POISONED
from fdigraph.worker import HEADER_LINE_BYTES, HEADER_LINES, on_starting

# Two request threads per worker: a runaway query holds one while the other keeps
# serving, and keep-alive connections are kept (sync workers close every connection).
# Measured on 2 cores, trivial queries, 8 clients: sync 1.5-1.8k q/s, gthread with one
# thread 1.7k (and requests queued behind a runaway waited for it), two threads 2.4k.
THREADS = SLOTS


def post_request(worker: Any, req: Any, environ: dict[str, Any], resp: Any) -> None:
    """Retire a worker whose query ran past the limit, once its 503 has been sent.

    The worker stops accepting, finishes what it has in flight, and ``worker_exit``
    then ends the process without waiting for the runaway evaluation.
    """
    if (environ.get(POISONED) or RUNNER.stopping) and worker.alive:
        reason = RUNNER.reason or "the time limit"
        worker.log.warning("worker %s stops: a query ran past %s", os.getpid(), reason)
        worker.fdigraph_poisoned = True
        worker.alive = False


def post_fork(server: Any, worker: Any) -> None:
    """In the worker right after the fork, while it has one thread: drop the network."""
    if getattr(server.app, "isolate", False) and sandbox.isolate() != "on":
        worker.log.warning("worker %s keeps the network: %s", os.getpid(), sandbox.state)


def post_worker_init(worker: Any) -> None:
    """In a fresh worker: stopped queries now retire it, and its memory counts from here."""
    RUNNER.serving()


def worker_exit(server: Any, worker: Any) -> None:
    """Runs in the worker as it ends: leave at once, with exit status 0.

    A poisoned worker must not wait for its runaway evaluation. And no worker may run
    C++ static destructors: RocksDB's thread pool, started when the arbiter opened the
    store, was not copied by the fork, and joining it at exit aborts the process.
    """
    if getattr(worker, "fdigraph_poisoned", False):
        worker.log.info("worker %s exits after a stopped query", os.getpid())
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(0)


class Server(BaseApplication):  # type: ignore[misc]
    """gunicorn run from Python, over ``fdigraph.web.create_app(overrides)``."""

    def __init__(self, overrides: Mapping[str, Any], options: Mapping[str, Any]) -> None:
        self.overrides = dict(overrides)
        self.options = dict(options)
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        from fdigraph.web import create_app

        app = create_app(self.overrides)
        self.build = str(app.extensions["fdigraph"].info.build)
        keep = sandbox.wanted(app.config["SERVICE_ALLOWLIST"], app.extensions["fdigraph"].remote)
        # tried once here, so that a machine without namespaces says so once, at start
        sandbox.state = f"off: {keep}" if keep else sandbox.probe()
        self.isolate = sandbox.state == "on"
        if keep is None and not self.isolate:
            print(
                f"fdigraph: WARNING: workers keep the network ({sandbox.state}); "
                "SERVICE is still refused by the query check",
                file=sys.stderr,
                flush=True,
            )
        return app


def options(
    *,
    host: str,
    port: int,
    workers: int,
    timeout: float,
    worker_class: str = "fdigraph.worker.BalancedWorker",
    threads: int = THREADS,
) -> dict[str, Any]:
    """gunicorn settings for ``fdigraph serve``."""
    return {
        "bind": f"{host}:{port}",
        "workers": workers,
        "worker_class": worker_class,
        "threads": threads,
        "preload_app": True,
        # gunicorn's own watchdog only catches a worker stuck outside a query.
        "timeout": int(timeout) + 30,
        "graceful_timeout": int(timeout) + 5,
        "keepalive": 5,
        # SPARQL GET URLs are long (a 4 KB query is 12 KB once percent-encoded); the app
        # checks MAX_QUERY_LENGTH and answers in its own error shape, where gunicorn's
        # default 4094-byte request line would answer a bare 414.
        "limit_request_line": 0,
        # one header line and the number of them; past either, a 431 (fdigraph.worker)
        "limit_request_field_size": HEADER_LINE_BYTES,
        "limit_request_fields": HEADER_LINES,
        "accesslog": "-",
        "logger_class": "fdigraph.worker.AccessLogger",
        "on_starting": on_starting,
        "errorlog": "-",
        "post_request": post_request,
        "post_fork": post_fork,
        "post_worker_init": post_worker_init,
        "worker_exit": worker_exit,
        "proc_name": "fdigraph",
        "control_socket_disable": True,
        # gunicorn's own start-up lines (booting, listening on a socket nobody opens) are
        # not for the person who typed `fdigraph serve`: `when_ready` says what is.
        "loglevel": "warning",
        "when_ready": _announcer(f"http://{_url_host(host)}:{port}/"),
        "on_exit": _stopped,
    }


def _stopped(arbiter: Any) -> None:
    """The last line of a server that stopped on its own terms (SIGTERM, SIGINT)."""
    print("fdigraph stopped", file=sys.stderr, flush=True)


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def _announcer(url: str) -> Any:
    """A ``when_ready`` hook: the app is loaded and the socket listens; say where."""

    def when_ready(arbiter: Any) -> None:
        build = getattr(arbiter.app, "build", "?")
        print(f"fdigraph serving {build} at {url}", file=sys.stderr, flush=True)

    return when_ready


def serve(
    overrides: Mapping[str, Any],
    *,
    front: str | None = None,
    max_body: int = 0,
    cors: str = "*",
    header_timeout: float = 10.0,
    **kwargs: Any,
) -> None:
    """Run gunicorn in the foreground until SIGTERM or SIGINT (both graceful).

    With ``front`` (an nginx binary), nginx listens on host:port and gunicorn on a Unix
    socket behind it; nginx is stopped, gracefully, when gunicorn has stopped.
    """
    if front is None:
        Server(overrides, options(**kwargs)).run()
        return
    proxy = Front(
        front,
        kwargs["host"],
        kwargs["port"],
        float(kwargs["timeout"]),
        max_body,
        cors,
        header_timeout=header_timeout,
    )
    # gunicorn's socket listens before nginx does: a request that comes while the app is
    # still loading waits in its queue, where it used to find no socket (a 502)
    early = _listening(proxy)
    try:
        proxy.start()
    except BaseException:
        early.close()
        raise
    lost: list[bool] = []

    def nginx_ended() -> None:  # in the arbiter: stop gunicorn too, gracefully
        # (no exit status to report: gunicorn's SIGCHLD handler reaps nginx too)
        lost.append(True)
        print("fdigraph: nginx ended; stopping", file=sys.stderr, flush=True)
        os.kill(os.getpid(), signal.SIGTERM)

    proxy.watch(nginx_ended)
    try:
        settings = options(**kwargs)
        # gunicorn takes the descriptor over (and closes it when it stops listening)
        settings["bind"] = f"fd://{early.detach()}"
        announce = settings["when_ready"]

        def when_ready(arbiter: Any) -> None:
            announce(arbiter)
            _quit_front_first(proxy)

        settings["when_ready"] = when_ready
        settings["accesslog"] = None  # nginx logs every request, cache hits included
        # the app marks what nginx may keep (fdigraph.web.create_app)
        Server({**overrides, "FRONT_CACHE": True}, settings).run()
    finally:
        early.close()  # a no-op once gunicorn has the descriptor
        proxy.stop()
        if lost:
            raise ConfigError("the nginx front ended unexpectedly; its messages are above")


def _listening(proxy: Front) -> socket.socket:
    """The Unix socket gunicorn will serve on, bound and listening now."""
    proxy.run_dir.mkdir(parents=True, exist_ok=True)
    proxy.run_dir.chmod(0o755)  # nginx's worker (nobody, when run as root) connects to it
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.bind(str(proxy.socket))
    proxy.socket.chmod(0o777)
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def _quit_front_first(proxy: Front) -> None:
    """On SIGTERM or SIGINT, nginx stops taking connections before gunicorn drains.

    Called in the arbiter once its signal handlers are installed: each is wrapped so that
    nginx is told to quit gracefully first (new clients are refused by the system, those
    it holds are answered), then gunicorn's own graceful stop goes on as before.
    """
    for signum in (signal.SIGTERM, signal.SIGINT):
        previous = signal.getsignal(signum)
        if not callable(previous):
            continue

        def handler(sig: int, frame: Any, previous: Any = previous) -> None:
            proxy.quit()
            previous(sig, frame)

        signal.signal(signum, handler)
