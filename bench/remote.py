"""fdigraph serving through a remote `oxigraph serve`, next to its embedded store.

    .venv/bin/python bench/remote.py                 # 100k triples, cold, about 4 minutes
    .venv/bin/python bench/remote.py --sizes 10000,100000 --modes cold,warm

The same data (``bench/data/fdi-N.nt``), queries (``bench/queries/*.rq``), load client
(``bench/loadgen.py``) and cells (``run.py``'s warm-up, 1 and 8 keep-alive clients,
bounded counts and times) as ``bench/run.py``, for four setups:

* ``embedded``: ``fdigraph serve --store`` over ``fdigraph load`` of the file;
* ``remote``: ``fdigraph serve --endpoint`` in front of ``oxigraph serve-read-only``
  holding the file in the named graph ``<https://fdigraph.example/graph/data>``, as
  ``fdigraph publish`` leaves it: fdigraph names the graph in every request;
* ``remote-union``: the same store started with ``--union-default-graph`` and
  ``FDIGRAPH_ENDPOINT_GRAPHS=union``;
* ``oxigraph``: that store asked directly, the floor under both remote setups.

Everything runs on this machine, so in the remote setups fdigraph's workers and the
store share its cores; their CPU time counts as the server's (in the JSON results). Results go to
``bench/results/remote.json`` and ``bench/results/remote.md``.
"""

from __future__ import annotations

import argparse
import json
import shutil
import signal
import sys
import time
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import run  # noqa: E402  (bench/run.py: servers, cells, the bench venv)

GRAPH = "https://fdigraph.example/graph/data"
SETUPS = ("embedded", "remote", "remote-union", "oxigraph")


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", default="100000")
    p.add_argument("--modes", default="cold")
    p.add_argument("--setups", default=",".join(SETUPS))
    p.add_argument("--queries", default="")
    p.add_argument("--fdigraph-bin", type=Path, default=run.ROOT / ".venv" / "bin" / "fdigraph")
    p.add_argument("--work", type=Path, default=BENCH / "work" / "remote")
    return p.parse_args(argv)


def servers(args: argparse.Namespace, union: bool) -> tuple[run.Server, run.Server, run.Server]:
    """The store, fdigraph in front of it, and fdigraph over its own store."""
    oxigraph = str(run.BENCH_VENV / "bin" / "oxigraph")
    fdigraph = str(args.fdigraph_bin)
    flag = ["--union-default-graph"] if union else []

    def store_load(data: Path, work: Path) -> list[str]:
        loc = work / "remote-store"
        shutil.rmtree(loc, ignore_errors=True)
        load = f"{oxigraph} load --location {loc} --file {data} --graph {GRAPH}"
        return ["sh", "-c", f"{load} && {oxigraph} optimize -l {loc}"]

    store = run.Server(
        "oxigraph",
        "/query",
        store_load,
        lambda d, w, p: [oxigraph, "serve-read-only", "--location", str(w / "remote-store"),
                         "--bind", f"{run.HOST}:{p}", *flag],
    )  # fmt: skip
    env = {"FDIGRAPH_ENDPOINT_GRAPHS": "union"} if union else {}
    front = run.Server(
        "remote-union" if union else "remote",
        "/sparql",
        lambda d, w: None,
        lambda d, w, p: [fdigraph, "serve", "--host", run.HOST, "--port", str(p),
                         "--endpoint", f"http://{run.HOST}:{store.port}/query"],
        env=env,
    )  # fmt: skip
    embedded = run.Server(
        "embedded",
        "/sparql",
        lambda d, w: [fdigraph, "load", str(d), "--store", str(w / "fdigraph-store")],
        lambda d, w, p: [fdigraph, "serve", "--host", run.HOST, "--port", str(p),
                         "--store", str(w / "fdigraph-store")],
    )  # fmt: skip
    return store, front, embedded


def measure_size(args: argparse.Namespace, size: int, out: dict[str, Any]) -> None:
    import generate

    data = BENCH / "data" / f"fdi-{size}.nt"
    if not data.exists():
        generate.write(size, data)
    work = args.work / str(size)
    work.mkdir(parents=True, exist_ok=True)
    queries = run.load_queries(BENCH / "queries", {q for q in args.queries.split(",") if q} or None)
    plan = run.plan_for(size, quick=False)
    modes = tuple(m for m in args.modes.split(",") if m)
    wanted = [s for s in args.setups.split(",") if s]
    sres: dict[str, Any] = out.setdefault(str(size), {"plan": plan.__dict__, "setups": {}})
    for union in (False, True):
        store, front, embedded = servers(args, union)
        plain = [s for s in ("embedded", "remote") if s in wanted and not union]
        unioned = [s for s in ("remote-union", "oxigraph") if s in wanted and union]
        if not plain and not unioned:
            continue
        if "embedded" in plain:
            sres["setups"]["embedded"] = _measure(embedded, queries, data, work, plan, modes)
        if not [s for s in plain + unioned if s != "embedded"]:
            continue
        try:
            store.load(data, work)
            store.start(data, work)
            for name in [s for s in plain + unioned if s != "embedded"]:
                target = store if name == "oxigraph" else front
                also = store if name != "oxigraph" else None
                sres["setups"][name] = _measure(
                    target, queries, data, work, plan, modes, load=False, also=also
                )
        finally:
            store.stop()


def _measure(server: run.Server, queries: list[run.Query], data: Path, work: Path,
             plan: run.Plan, modes: tuple[str, ...], load: bool = True,
             also: run.Server | None = None) -> dict[str, Any]:  # fmt: skip
    """run.py's measure_server; ``also``: a store whose CPU counts as the server's."""
    print(f"{server.name}:", flush=True)
    own = run.tree_cpu
    if also is not None and also.proc is not None:
        store_pid = also.proc.pid
        run.tree_cpu = lambda pid: own(pid) + (own(store_pid) if pid != store_pid else 0.0)
    if not load:  # already running (the store itself) or nothing to load (the front)
        server.load_cmd = lambda d, w: None
    if server.proc is not None:  # the store, measured while it keeps serving the fronts
        start = server.start
        server.start = lambda d, w: 0.0  # type: ignore[method-assign]
        try:
            return run.measure_server(server, queries, data, work, plan, modes, _log)
        finally:
            server.start = start  # type: ignore[method-assign]
    try:
        return run.measure_server(server, queries, data, work, plan, modes, _log)
    finally:
        run.tree_cpu = own
        server.stop()


def _log(message: str) -> None:
    print(message, flush=True)


def report(results: dict[str, Any]) -> str:
    lines = [
        f"# fdigraph through a remote `oxigraph serve` ({results['started']})",
        "",
        f"Machine: {results['machine']}. Commit {results['commit']}. Made by `bench/remote.py`.",
        "",
        "Queries/s and p50 latency (ms); `remote/embedded` compares queries/s. Cold: every "
        "request differs, so no cache answers it. All processes share this machine: in the "
        "remote setups the store's work competes with fdigraph's.",
    ]
    for size, sres in results["sizes"].items():
        setups = [s for s in SETUPS if s in sres["setups"]]
        answers = {q: {sres["setups"][s]["queries"].get(q, {}).get("rows") for s in setups}
                   for q in sres["setups"][setups[0]]["queries"]}  # fmt: skip
        differ = sorted(q for q, found in answers.items() if len(found) != 1)
        lines += ["", f"{int(size):,} triples: " + (
            f"the setups disagree on the rows of {', '.join(differ)}." if differ
            else "every setup gave the same number of rows for every query.")]  # fmt: skip
        for cell in sorted({c for s in setups for q in sres["setups"][s]["queries"].values()
                            for c in q.get("cells", {})}):  # fmt: skip
            lines += ["", f"## {int(size):,} triples, {cell}", ""]
            head = " | ".join(f"{s} q/s (p50)" for s in setups)
            lines += [f"| query | {head} | remote/embedded |", "| --- " * (len(setups) + 2) + "|"]
            for query in sres["setups"][setups[0]]["queries"]:
                got = [sres["setups"][s]["queries"].get(query, {}).get("cells", {}).get(cell, {})
                       for s in setups]  # fmt: skip
                shown = [f"{c['qps']:,.0f} ({c['p50_ms']:.2f})" if "p50_ms" in c else
                         c.get("status", "-") for c in got]  # fmt: skip
                qps = {s: c.get("qps") for s, c in zip(setups, got, strict=True)}
                ratio = (f"{qps['remote'] / qps['embedded']:.2f}"
                         if qps.get("remote") and qps.get("embedded") else "-")  # fmt: skip
                lines.append(f"| {query} | " + " | ".join(shown) + f" | {ratio} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    run.ensure_bench_venv(argv)
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, run._on_signal)
    signal.signal(signal.SIGINT, run._on_signal)
    env = run.environment(argparse.Namespace(fdigraph_bin=args.fdigraph_bin, fdigraph_env=[],
                                             fdigraph_workers=None))  # fmt: skip
    results: dict[str, Any] = {
        "started": time.strftime("%Y-%m-%d %H:%M %Z", time.gmtime()),
        "machine": f"{env['cpu']}, {env['cores']} cores, {env['memory_gb']} GB",
        "commit": env["git_head"],
        "environment": env,
        "sizes": {},
    }
    try:
        for size in [int(s) for s in args.sizes.split(",") if s]:
            measure_size(args, size, results["sizes"])
    finally:
        run.stop_all()
        folder = BENCH / "results"
        (folder / "remote.json").write_text(json.dumps(results, indent=1) + "\n", "utf-8")
        (folder / "remote.md").write_text(report(results), "utf-8")
    print(f"results: {folder / 'remote.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
