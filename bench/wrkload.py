"""Cells timed with wrk (https://github.com/wg/wrk, Debian's ``wrk`` package).

``run_wrk`` runs ``wrk -t1 -c N -d Ds --timeout Ts --latency -s bench/wrk/wrkload.lua``
against one target and parses the JSON line the script's ``done()`` prints. One wrk
thread for every concurrency, so the client uses at most one core whatever the server.

Warm cells send one request again and again; cold cells append a counter in a trailing
SPARQL comment (``# bench <token> <n>``, percent-encoded, as ``run.py``'s ``cold_suffix``)
so that no two requests are the same. wrk's CPU time comes from ``wait4`` on its process.

What differs from ``bench/loadgen.py``:

* wrk's duration is whole seconds (``-d``), so a cell lasts ``ceil(duration)`` s; it has
  no request cap, and the requests still in flight when the time is up are dropped, not
  awaited (so a query must be fast next to the cell for its rate to be right:
  ``run.py`` measures slow cells with loadgen).
* A request's latency runs from writing it to the end of the answer; when the server
  closed the connection, wrk reconnects before writing, outside the latency.
* wrk counts answers with a status of 400 or more (``errors.status``); 1xx and 3xx
  count as answered. Bodies are not read by the script (no ``response()`` callback,
  which would make wrk collect every header and body).
* wrk does not stop at the first request over ``timeout``: such requests are counted in
  ``errors.timeout`` (and left out of the latencies), and the cell goes on.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SCRIPT = Path(__file__).resolve().parent / "wrk" / "wrkload.lua"
MARK = "WRKLOAD "


class WrkError(RuntimeError):
    pass


@dataclass
class WrkResult:
    """What ``run.py`` reads from a loadgen ``LoadResult``, plus wrk's own numbers."""

    requests: int = 0  # answers received, any status
    ok: int = 0  # answers with a status below 400
    statuses: dict[str, int] = field(default_factory=dict)  # "<400" / ">=400"
    errors: dict[str, int] = field(default_factory=dict)
    timeouts: int = 0
    wall: float = 0.0  # wrk's run time, seconds
    client_cpu: float = 0.0  # wrk's user + system CPU, seconds
    bytes_received: int = 0
    connections: int = 0  # wrk's -c (it does not report reconnections)
    latency: dict[str, float] = field(default_factory=dict)  # p50_ms ... of every answer
    latency_source: str = ""  # "raw", or wrk's coordinated-omission-corrected numbers
    raw: dict[str, Any] = field(default_factory=dict)  # the script's JSON line
    argv: list[str] = field(default_factory=list)


def wrk_path() -> str | None:
    return shutil.which("wrk")


def wrk_version(wrk: str | None = None) -> str | None:
    """``wrk -v`` prints its version (and the usage, with exit status 1)."""
    wrk = wrk or wrk_path()
    if not wrk:
        return None
    try:
        done = subprocess.run([wrk, "-v"], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return None
    first = (done.stdout or done.stderr).strip().splitlines()
    return first[0].split(" Copyright")[0].strip() if first else None


def cold_parts(token: str) -> tuple[str, str]:
    """Percent-encoded text before and after the counter: ``quote("\\n# bench T n\\n")``."""
    before = urllib.parse.quote(f"\n# bench {token} ", safe="")
    after = urllib.parse.quote("\n", safe="")
    return before, after


def run_wrk(
    host: str,
    port: int,
    target: str,
    accept: str,
    *,
    concurrency: int,
    duration: float,
    timeout: float,
    cold_token: str | None = None,
    wrk: str | None = None,
) -> WrkResult:
    """Send ``GET target`` from ``concurrency`` keep-alive connections for ``duration`` s.

    ``target`` is the path with its query string; with ``cold_token`` each request gets
    ``quote("\\n# bench <token> <n>\\n")`` appended, ``n`` counting from 0 (wrk builds
    one request before the run to check it, so the cell itself starts at 1).
    """
    wrk = wrk or wrk_path()
    if not wrk:
        raise WrkError("wrk is not installed (Debian: apt-get install wrk)")
    seconds = max(1, math.ceil(duration - 1e-9))
    budget = max(1, math.ceil(timeout))
    argv = [
        wrk,
        "-t1",
        f"-c{concurrency}",
        f"-d{seconds}s",
        "--timeout",
        f"{budget}s",
        "--latency",
        "-s",
        str(SCRIPT),
        f"http://{host}:{port}/",
    ]
    env = {
        **os.environ,
        "WRKLOAD_TARGET": target,
        "WRKLOAD_HOST": f"{host}:{port}",
        "WRKLOAD_ACCEPT": accept,
        "WRKLOAD_CONNECTIONS": str(concurrency),
        "WRKLOAD_COLD_BEFORE": "",
        "WRKLOAD_COLD_AFTER": "",
    }
    if cold_token is not None:
        env["WRKLOAD_COLD_BEFORE"], env["WRKLOAD_COLD_AFTER"] = cold_parts(cold_token)
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(argv, stdout=out, stderr=err, env=env, start_new_session=True)

        def kill() -> None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)

        # wrk stops by itself after `seconds`; this only guards against a hung wrk
        watchdog = threading.Timer(seconds + budget + 30, kill)
        watchdog.start()
        t0 = time.perf_counter()
        reaped = False
        try:
            # wait4 gives this child's own CPU time (RUSAGE_CHILDREN would also count
            # any other child reaped meanwhile)
            _, status, usage = os.wait4(proc.pid, 0)
            reaped = True
            proc.returncode = os.waitstatus_to_exitcode(status)
        finally:
            watchdog.cancel()
            if not reaped:
                kill()
                proc.wait()
        elapsed = time.perf_counter() - t0
        out.seek(0)
        stdout = out.read().decode("utf-8", "replace")
        err.seek(0)
        stderr = err.read().decode("utf-8", "replace")
    line = next((ln for ln in reversed(stdout.splitlines()) if ln.startswith(MARK)), None)
    # wrk prints a Lua error to stderr and goes on with its default request: refuse that
    if proc.returncode != 0 or line is None or stderr.strip():
        raise WrkError(
            f"wrk failed (exit {proc.returncode}, {elapsed:.1f} s): "
            f"{stderr.strip()[-800:] or stdout.strip()[-800:]}"
        )
    raw: dict[str, Any] = json.loads(line[len(MARK) :])
    if cold_token is not None and not raw.get("cold"):
        raise WrkError("wrk did not run the cold request builder")
    errs = raw["errors"]
    lat = raw["latency_us"]
    requests = int(raw["requests"])
    bad = int(errs["status"])
    result = WrkResult(
        requests=requests,
        ok=requests - bad,
        statuses={k: v for k, v in (("<400", requests - bad), (">=400", bad)) if v},
        errors={
            name: int(errs[key])
            for name, key in (
                ("HTTP status >= 400", "status"),
                ("connect", "connect"),
                ("read", "read"),
                ("write", "write"),
            )
            if int(errs[key])
        },
        timeouts=int(errs["timeout"]),
        wall=int(raw["duration_us"]) / 1e6,
        client_cpu=usage.ru_utime + usage.ru_stime,
        bytes_received=int(raw["bytes"]),
        connections=concurrency,
        latency_source=str(raw["latency_source"]),
        raw=raw,
        argv=argv,
    )
    if int(lat["n"]):
        result.latency = {
            "p50_ms": lat["p50"] / 1e3,
            "p90_ms": lat["p90"] / 1e3,
            "p99_ms": lat["p99"] / 1e3,
            "p999_ms": lat["p999"] / 1e3,
            "mean_ms": lat["mean"] / 1e3,
            "max_ms": lat["max"] / 1e3,
        }
    return result
