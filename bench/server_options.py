"""What two gunicorn options would change: connections per worker and the access log.

    .venv/bin/python bench/server_options.py            # 100k store, about 2 minutes

Serves the benchmark's 100k store with ``fdigraph.server`` exactly as ``fdigraph
serve`` configures it (``fdigraph.server.options``), except for the options named in each
setup: gunicorn's ``worker_connections`` (how many connections one gthread worker holds
before it stops accepting) and ``accesslog``. Each setup gets the same cells at 8
keep-alive clients, with the server's CPU use, which tells whether both workers shared
the load (about 1.6 cores) or one worker took every connection (about 1.05). Nothing in
``src/`` changes; this only measures.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

import run as bench

SERVE = """
import sys
from fdigraph import server
port, connections, log, store = sys.argv[1:5]
opts = server.options(host="127.0.0.1", port=int(port), workers=2, timeout=10.0)
if connections != "default":
    opts["worker_connections"] = int(connections)
if log == "off":
    opts["accesslog"] = None
server.Server({"STORE_PATH": store}, opts).run()
"""

SETUPS = (("default", "on"), ("4", "on"), ("default", "off"), ("4", "off"))
CELLS = (
    ("trivial", "cold"),
    ("trivial", "cold"),
    ("trivial", "cold"),
    ("lookup", "cold"),
    ("lookup", "warm"),
    ("lookup", "warm"),
)


def _serve_cmd(
    python: str, connections: str, log: str, store: str
) -> Callable[[Path, Path, int], list[str]]:
    def cmd(_data: Path, _work: Path, port: int) -> list[str]:
        return [python, "-c", SERVE, str(port), connections, log, store]

    return cmd


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    bench.ensure_bench_venv(argv)
    import generate

    size = 100_000
    data = bench.BENCH / "data" / f"fdi-{size}.nt"
    if not data.exists():
        generate.write(size, data)
    work = bench.BENCH / "work" / f"options-{size}"
    work.mkdir(parents=True, exist_ok=True)
    python = str(bench.ROOT / ".venv" / "bin" / "python")
    fdigraph = str(bench.ROOT / ".venv" / "bin" / "fdigraph")
    store = work / "fdigraph-store"
    queries = {q.name: q for q in bench.load_queries(bench.BENCH / "queries")}
    plan = bench.Plan(duration=2.0, warmup=0.3, max_requests=10**6, budget=10)
    for connections, log in SETUPS:
        server = bench.Server(
            "fdigraph",
            "/sparql",
            lambda d, w: [fdigraph, "load", str(d), "--store", str(store)],
            _serve_cmd(python, connections, log, str(store)),
        )
        try:
            if not (store / "FDIGRAPH_BUILD.json").exists():
                server.load(data, work)
            server.start(data, work)
            time.sleep(1.5)  # let the second worker boot
            parts = []
            for name, mode in CELLS:
                cell = bench.run_cell(server, queries[name], mode, 8, plan)
                parts.append(
                    f"{name} {mode} {cell.get('qps', 0):,.0f} q/s "
                    f"({cell.get('server_cpu_share', 0):.2f} cores)"
                )
            print(
                f"worker_connections={connections} accesslog={log}: " + "; ".join(parts),
                flush=True,
            )
        finally:
            server.stop()
            bench.stop_all()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
