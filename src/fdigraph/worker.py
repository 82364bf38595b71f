"""gunicorn parts for ``fdigraph serve``: a worker that shares the load, a cheap access log.

gthread workers keep the keep-alive connections they accept, and all of them poll one
listening socket, so one worker often wins every connection of a burst while the other
idles: eight clients then get one core of two (measured in bench/RESULTS.md). Here each
worker publishes how many connections it holds on a small shared board, and accepts a
new one only while no live worker holds fewer. The access log writes one short line per
request with the time it took, without gunicorn's per-request table of every header.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
from typing import Any

from gunicorn.glogging import Logger
from gunicorn.workers.gthread import ThreadWorker

SLOTS_PER_WORKER = 4  # room for replacements of workers that died without clearing


class Board:
    """Connections held per worker process, in memory shared across the fork."""

    def __init__(self, workers: int) -> None:
        size = max(1, workers) * SLOTS_PER_WORKER
        self.lock = multiprocessing.get_context("fork").Lock()
        self.pids = multiprocessing.RawArray(ctypes.c_long, size)
        self.conns = multiprocessing.RawArray(ctypes.c_long, size)

    def claim(self, pid: int) -> int:
        """A free slot for ``pid`` (one whose process is gone counts as free)."""
        with self.lock:
            for slot, owner in enumerate(self.pids):
                if owner == 0 or not _alive(owner):
                    self.pids[slot], self.conns[slot] = pid, 0
                    return slot
        return -1  # more workers than slots: this one simply does not balance

    def release(self, slot: int) -> None:
        if slot >= 0:
            self.pids[slot], self.conns[slot] = 0, 0

    def publish(self, slot: int, conns: int) -> None:
        if slot >= 0:
            self.conns[slot] = conns

    def fewest(self, slot: int) -> int:
        """The fewest connections any other live worker holds (a large number if none)."""
        best = 1 << 30
        for other, owner in enumerate(self.pids):
            if other != slot and owner and self.conns[other] < best and _alive(owner):
                best = self.conns[other]
        return best


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


BOARD: Board | None = None


def on_starting(server: Any) -> None:
    """In the arbiter, before any fork: make the board the workers share."""
    global BOARD
    BOARD = Board(int(server.cfg.workers))


class BalancedWorker(ThreadWorker):  # type: ignore[misc]
    """A gthread worker that accepts only while it holds no more connections than any other."""

    slot = -1

    def init_process(self) -> None:
        if BOARD is not None:
            self.slot = BOARD.claim(os.getpid())
        super().init_process()

    def accept(self, listener: Any) -> None:
        super().accept(listener)
        if BOARD is not None:
            BOARD.publish(self.slot, self.nr_conns)

    def wait_for_and_dispatch_events(self, timeout: float) -> None:
        # The run loop compares nr_conns with worker_connections before each wait.
        if BOARD is not None and self.slot >= 0:
            BOARD.publish(self.slot, self.nr_conns)
            fair = self.nr_conns <= BOARD.fewest(self.slot)
            self.worker_connections = self.cfg.worker_connections if fair else self.nr_conns
        super().wait_for_and_dispatch_events(timeout)

    def handle_exit(self, sig: Any, frame: Any) -> None:
        if BOARD is not None:
            BOARD.release(self.slot)
        super().handle_exit(sig, frame)


class AccessLogger(Logger):  # type: ignore[misc]
    """``host "request line" status bytes 12.3ms``: one line per request, cheaply."""

    def access(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> None:
        if not self.access_log_enabled:
            return
        ms = request_time.seconds * 1000 + request_time.microseconds / 1000
        status = str(resp.status).split(None, 1)[0]
        sent = getattr(resp, "sent", None)
        self.access_log.info(
            '%s "%s %s %s" %s %s %.1fms',
            environ.get("REMOTE_ADDR", "-"),
            environ["REQUEST_METHOD"],
            environ.get("RAW_URI", environ.get("PATH_INFO", "")),
            environ.get("SERVER_PROTOCOL", "-"),
            status,
            "-" if sent is None else sent,
            ms,
        )
