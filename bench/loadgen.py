"""A small HTTP/1.1 load client: asyncio streams (uvloop when installed), keep-alive.

Each of ``concurrency`` workers holds one connection and sends requests one after
another, reconnecting when the server closes. Requests are built by a callable from a
running index so every request can differ (cold) or be the same (warm). A run is
bounded by a wall-clock duration and a request count; every request by a timeout. The
client's own CPU time is measured so a result can be checked for being client-bound.

``python bench/loadgen.py --serve-fixed PORT`` runs a minimal fixed-answer HTTP server,
used to measure the client's ceiling.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import cast

try:  # uvloop makes the client about twice as cheap per request
    import uvloop
except ImportError:  # pragma: no cover - the bench venv installs it
    uvloop = None


@dataclass
class LoadResult:
    latencies: list[float] = field(default_factory=list)  # seconds, successful requests
    statuses: dict[int, int] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    timeouts: int = 0
    wall: float = 0.0
    client_cpu: float = 0.0
    bytes_received: int = 0
    connections: int = 0
    headers_sample: dict[str, str] = field(default_factory=dict)
    body_sample: bytes = b""

    @property
    def ok(self) -> int:
        return len(self.latencies)


class HTTPError(Exception):
    pass


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, dict[str, str], bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ", 2)
    if len(parts) < 2 or not parts[0].startswith("HTTP/"):
        raise HTTPError(f"bad status line {lines[0]!r}")
    status = int(parts[1])
    headers: dict[str, str] = {}
    for line in lines[1:]:
        if not line:
            continue
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    if "content-length" in headers:
        body = await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding", "").lower() == "chunked":
        chunks: list[bytes] = []
        while True:
            size_line = await reader.readuntil(b"\r\n")
            size = int(size_line.split(b";")[0].strip(), 16)
            if size == 0:
                while (await reader.readuntil(b"\r\n")) != b"\r\n":
                    pass  # trailers
                break
            chunks.append(await reader.readexactly(size + 2))
        body = b"".join(c[:-2] for c in chunks)
    elif status in (204, 304) or 100 <= status < 200:
        body = b""
    else:
        body = await reader.read()
        headers["connection"] = "close"
    if parts[0] == "HTTP/1.0" and headers.get("connection", "").lower() != "keep-alive":
        headers["connection"] = "close"
    return status, headers, body


def build_get(host: str, port: int, target: str, accept: str, extra: str = "") -> bytes:
    return (
        f"GET {target} HTTP/1.1\r\nHost: {host}:{port}\r\nAccept: {accept}\r\n"
        f"User-Agent: fdigraph-bench\r\n{extra}\r\n"
    ).encode("latin-1")


async def _worker(
    host: str,
    port: int,
    make: Callable[[int], bytes],
    counter: list[int],
    max_requests: int,
    deadline: float,
    timeout: float,
    result: LoadResult,
    stop: asyncio.Event,
) -> None:
    reader: asyncio.StreamReader | None = None
    writer: asyncio.StreamWriter | None = None
    try:
        while not stop.is_set() and time.perf_counter() < deadline:
            index = counter[0]
            if index >= max_requests:
                return
            counter[0] = index + 1
            request = make(index)
            # a request's latency includes opening its connection when it needs one (a
            # server that closes after every answer pays that on every request)
            start = time.perf_counter()
            try:
                async with asyncio.timeout(timeout):
                    if writer is None:
                        reader, writer = await asyncio.open_connection(host, port)
                        result.connections += 1
                    assert reader is not None
                    writer.write(request)
                    status, headers, body = await _read_response(reader)
            except TimeoutError:
                result.timeouts += 1
                stop.set()  # the server is stuck on this one: stop the run
                return
            except (OSError, asyncio.IncompleteReadError, HTTPError, ValueError) as err:
                name = type(err).__name__
                result.errors[name] = result.errors.get(name, 0) + 1
                if writer is not None:
                    with contextlib.suppress(Exception):
                        writer.close()
                reader = writer = None
                continue
            elapsed = time.perf_counter() - start
            result.statuses[status] = result.statuses.get(status, 0) + 1
            result.bytes_received += len(body)
            if status == 200:
                result.latencies.append(elapsed)
                if not result.headers_sample:
                    result.headers_sample = headers
                    result.body_sample = body[:2000]
            else:
                key = f"HTTP {status}: {body[:200].decode('utf-8', 'replace')}"
                result.errors[key] = result.errors.get(key, 0) + 1
            if headers.get("connection", "").lower() == "close":
                with contextlib.suppress(Exception):
                    writer.close()
                reader = writer = None
    finally:
        if writer is not None:
            with contextlib.suppress(Exception):
                writer.close()


async def _run(
    host: str,
    port: int,
    make: Callable[[int], bytes],
    concurrency: int,
    duration: float,
    max_requests: int,
    timeout: float,
) -> LoadResult:
    result = LoadResult()
    counter = [0]
    stop = asyncio.Event()
    cpu0 = time.process_time()
    t0 = time.perf_counter()
    deadline = t0 + duration
    await asyncio.gather(
        *(
            _worker(host, port, make, counter, max_requests, deadline, timeout, result, stop)
            for _ in range(concurrency)
        )
    )
    result.wall = time.perf_counter() - t0
    result.client_cpu = time.process_time() - cpu0
    return result


def run_load(
    host: str,
    port: int,
    make: Callable[[int], bytes],
    *,
    concurrency: int,
    duration: float,
    max_requests: int,
    timeout: float,
) -> LoadResult:
    """Send requests for ``duration`` seconds or ``max_requests`` requests, whichever first.

    Requests already sent when the time is up are awaited (each at most ``timeout``).
    A timeout stops the whole run: the result then has ``timeouts > 0``.
    """
    coro = _run(host, port, make, concurrency, duration, max_requests, timeout)
    if uvloop is not None:
        result: LoadResult = uvloop.run(coro)
        return result
    return asyncio.run(coro)


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def serve_fixed(port: int) -> None:
    """A minimal keep-alive HTTP server with a fixed answer (for the client's ceiling)."""
    response = (
        b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n"
        b'Content-Length: 30\r\n\r\n{"head": {}, "boolean": true}\n'
    )

    class Proto(asyncio.Protocol):
        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            self.transport = cast(asyncio.Transport, transport)
            self.buf = b""

        def data_received(self, data: bytes) -> None:
            self.buf += data
            while b"\r\n\r\n" in self.buf:
                _, self.buf = self.buf.split(b"\r\n\r\n", 1)
                self.transport.write(response)

    async def main() -> None:
        loop = asyncio.get_running_loop()
        server = await loop.create_server(Proto, "127.0.0.1", port)
        async with server:
            await server.serve_forever()

    if uvloop is not None:
        uvloop.run(main())
    else:
        asyncio.run(main())


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--serve-fixed":
        serve_fixed(int(sys.argv[2]))
    else:
        print(__doc__)
