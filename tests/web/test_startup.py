"""Start-up as a person sees it: one line saying where, no error before it is ready.

Against the real `fdigraph serve` process, with nginx in front and without.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from tests.serving import free_port
from tests.web.conftest import needs_nginx

pytestmark = pytest.mark.e2e
FRONTS = ["none", pytest.param("nginx", marks=needs_nginx)]


def start(store: Path, port: int, front_: str, log: Path) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FDIGRAPH_")}
    with log.open("ab") as out:  # appended: nginx appends to the same file
        return subprocess.Popen(
            [sys.executable, "-m", "fdigraph", "serve", "--store", str(store),
             "--port", str(port), "--front", front_, "--workers", "2"],
            stdout=out, stderr=subprocess.STDOUT, env=env,
        )  # fmt: skip


def status(port: int) -> int | None:
    """The status of GET /health, or None when nothing accepts the connection yet."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", "/health")
        return conn.getresponse().status
    except (ConnectionRefusedError, ConnectionResetError):
        return None
    finally:
        conn.close()


@pytest.mark.parametrize("front_", FRONTS)
def test_start_says_where_it_serves_and_answers_nothing_but_200(
    store: Path, tmp_path: Path, front_: str
) -> None:
    port, log = free_port(), tmp_path / "serve.log"
    process = start(store, port, front_, log)
    seen: list[int | None] = []
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:  # from the first instant: never a 502
            seen.append(status(port))
            if seen[-1] == 200 and len([s for s in seen if s == 200]) >= 20:
                break
            time.sleep(0.005)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.request("GET", "/health")
        build = json.loads(conn.getresponse().read())["build"]
        conn.close()
    finally:
        process.terminate()
        process.wait(20)
    assert set(seen) <= {None, 200}, seen
    assert seen.count(200) >= 20
    text = log.read_text(encoding="utf-8", errors="replace")
    assert f"fdigraph serving {build} at http://127.0.0.1:{port}/" in text, text
    assert "fdigraph stopped" in text  # and, besides the access log, nothing else:
    noise = r"\[(crit|error|warn|INFO)\]|Booting|Listening|Traceback|WARNING|ERROR"
    assert not re.findall(noise, text), text[-2000:]
    assert process.returncode == 0
