"""`fdigraph serve` started for real on 127.0.0.1, for the end-to-end tests."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def children(pid: int) -> list[int]:
    """The processes ``pid`` started (Linux: /proc), oldest first."""
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return sorted(int(p) for p in text.split())


def command_line(pid: int) -> list[str]:
    """Its arguments (nginx rewrites its own into one string: split on spaces too)."""
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes().decode()
    except OSError:
        return []
    return raw.replace("\0", " ").split()


def workers(served: Served) -> list[int]:
    """gunicorn's worker processes under the server (not the nginx front)."""
    return [p for p in children(served.process.pid) if "nginx" not in " ".join(command_line(p))]


@dataclass
class Served:
    url: str
    process: subprocess.Popen[bytes]
    log: Path

    @property
    def endpoint(self) -> str:
        return self.url + "/sparql"


def wait_healthy(served: Served, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(served.url + "/health", timeout=1) as r:
                if json.load(r)["ok"]:
                    return
        except OSError:
            pass
        if served.process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError("server did not start:\n" + served.log.read_text())
        time.sleep(0.1)


@contextlib.contextmanager
def serving(
    store: Path | None, log: Path, *args: str, settings: dict[str, str] | None = None
) -> Iterator[Served]:
    """``fdigraph serve --store STORE ARGS...`` on a free port, stopped by SIGTERM after.

    ``settings`` are ``FDIGRAPH_*`` variables for the server (the caller's are dropped);
    without ``store`` the server serves FDIGRAPH_STORE_PATH.
    """
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("FDIGRAPH_")}
    env.update(settings or {})
    with log.open("ab") as out:  # appended: nginx appends to the same file
        process = subprocess.Popen(
            [sys.executable, "-m", "fdigraph", "serve",
             *(["--store", str(store)] if store is not None else []),
             "--port", str(port), *args],
            stdout=out, stderr=subprocess.STDOUT, env=env,
        )  # fmt: skip
    served = Served(f"http://127.0.0.1:{port}", process, log)
    try:
        wait_healthy(served)
        yield served
    finally:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
