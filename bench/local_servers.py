"""Servers the small benchmarks start on 127.0.0.1: a free port, a process group that is
always stopped, and `oxigraph serve-read-only` over the built quads as the peer.

Shared by bench/page_speed.py and bench/overload.py (bench/run.py has its own harness).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def started(argv: list[str], ready: str, env: dict[str, str] | None = None) -> Iterator[None]:
    """Run ``argv`` in a process group of its own until ``ready`` answers 200; stop it after."""
    proc = subprocess.Popen(
        argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    try:
        deadline = time.monotonic() + 60
        while True:  # bounded by the deadline
            try:
                if httpx.get(ready, timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit(f"{ready} did not answer in 60 s")
            time.sleep(0.1)
        yield
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(5)


@contextmanager
def oxigraph_peer(folder: Path, env: dict[str, str] | None = None) -> Iterator[str]:
    """`oxigraph serve-read-only` on dist/fdigraph.nq, loaded into ``folder``: its URL."""
    location = folder / "oxigraph"
    subprocess.run(
        [str(BIN / "oxigraph"), "load", "--location", str(location), "--file",
         str(ROOT / "dist" / "fdigraph.nq")],
        check=True, capture_output=True,
    )  # fmt: skip
    port = free_port()
    argv = [str(BIN / "oxigraph"), "serve-read-only", "--location", str(location)]
    argv += ["--bind", f"127.0.0.1:{port}"]
    peer = f"http://127.0.0.1:{port}"
    with started(argv, peer + "/query?query=ASK%7B%7D", env):
        yield peer
