"""200 clients at once, with a runaway query every few seconds: do the cheap ones suffer?

Starts `fdigraph serve` (as `make serve` does: nginx in front when installed) on the built
article graph and, in the same run, `oxigraph serve-read-only` on the same quads. Against
each, CLIENTS concurrent clients (asyncio, one kept-alive connection each) loop for
SECONDS over cheap work, pausing THINK seconds between requests as a person or a
polling tool does (``--think 0`` for clients that never pause): an `ASK` made new by a comment each time (so no cache answers
it), a saved query, resource pages and a search. Every EVERY seconds one more client sends a runaway
(a three-way cross product counted), which only a time limit ends. The cheap clients must
see no error and a p99 under 1 s (issue 12); runaways may be refused (503) or stopped.

    .venv/bin/python bench/overload.py                 # 200 clients, 30 s, runaway every 3 s
    .venv/bin/python bench/overload.py --think 0       # clients that never pause
    .venv/bin/python bench/overload.py --clients 50 --seconds 10

Writes bench/results/overload.json and .md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import subprocess
import tempfile
import time
import urllib.parse
from collections import Counter
from pathlib import Path

import httpx
from local_servers import BIN, ROOT, free_port, oxigraph_peer, started

RESULTS = ROOT / "bench" / "results"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


async def load(
    cheap: list[str], runaway: str, clients: int, seconds: float, every: float, think: float
) -> dict[str, object]:
    """Run the mix; per class: status counts and latencies (ms)."""
    stats: dict[str, tuple[Counter[str], list[float]]] = {
        "cheap": (Counter(), []),
        "runaway": (Counter(), []),
    }
    stop = time.monotonic() + seconds
    limits = httpx.Limits(max_connections=clients + 20, max_keepalive_connections=clients + 20)

    async with httpx.AsyncClient(timeout=30, limits=limits) as http:

        async def ask(kind: str, url: str) -> None:
            began = time.perf_counter()
            try:
                r = await http.get(url)
                outcome = str(r.status_code)
            except httpx.HTTPError as err:
                outcome = type(err).__name__
            codes, times = stats[kind]
            codes[outcome] += 1
            times.append((time.perf_counter() - began) * 1000)

        async def cheap_client(n: int) -> None:
            i = n
            # people do not all click in the same millisecond: spread the first requests
            # over one pause (deterministic, so runs compare)
            await asyncio.sleep(think * n / clients)
            while time.monotonic() < stop:  # bounded by the run's length
                url = cheap[i % len(cheap)].format(n=i)
                await ask("cheap", url)
                i += clients
                if think:
                    await asyncio.sleep(think)

        async def runaways() -> None:
            sent: list[asyncio.Task[None]] = []
            while time.monotonic() + every < stop:
                await asyncio.sleep(every)
                sent.append(asyncio.create_task(ask("runaway", runaway)))
            await asyncio.gather(*sent)

        await asyncio.gather(runaways(), *(cheap_client(n) for n in range(clients)))
    out: dict[str, object] = {}
    for kind, (codes, times) in stats.items():
        out[kind] = {
            "requests": sum(codes.values()),
            "outcomes": dict(codes),
            "p50_ms": round(quantile(times, 0.5), 1),
            "p99_ms": round(quantile(times, 0.99), 1),
            "max_ms": round(max(times), 1) if times else None,
        }
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--every", type=float, default=3, help="seconds between runaways")
    parser.add_argument(
        "--think", type=float, default=1.0, help="a cheap client's pause between requests (s)"
    )
    args = parser.parse_args()
    store = ROOT / "dist" / "store"
    if not store.exists():
        raise SystemExit("no dist/store: run `fdigraph build` first")
    env = {k: v for k, v in os.environ.items() if not k.startswith("FDIGRAPH_")}
    results: dict[str, object] = {}

    port = free_port()
    url = f"http://127.0.0.1:{port}"
    ask_query = urllib.parse.quote("ASK { ?s ?p ?o } # {n}")
    sparql = url + "/sparql?query=" + ask_query.replace("%7Bn%7D", "{n}")
    # half cold SPARQL, half what people open: saved queries and pages, the heaviest page
    # (the province of the article, ~30 ms) one in ten
    cheap = [sparql, url + "/queries/provinces.json?lang=en"] * 2 + [
        sparql,
        url + "/id/area/VN-54",
        url + "/id/area/VN-13",
        url + "/id/area/VN-57",
        url + "/id/obs/bac-giang-fdi-2024/vn-trained-labour-2023",
        url + "/search?q=nhat+ban",
    ]
    runaway = url + "/sparql?query=" + urllib.parse.quote(RUNAWAY)
    argv = [str(BIN / "fdigraph"), "serve", "--host", "127.0.0.1", "--port", str(port)]
    argv += ["--store", str(store)]
    with started(argv, url + "/health", env):
        results["fdigraph"] = asyncio.run(
            load(cheap, runaway, args.clients, args.seconds, args.every, args.think)
        )
    print("fdigraph:", json.dumps(results["fdigraph"]), flush=True)

    with (
        tempfile.TemporaryDirectory(prefix="fdigraph-bench-overload-") as tmp,
        oxigraph_peer(Path(tmp), env) as peer,
    ):
        # the peer has no pages or saved queries: its cheap work is the ASK alone
        peer_cheap = [peer + "/query?query=" + ask_query.replace("%7Bn%7D", "{n}")]
        peer_runaway = peer + "/query?query=" + urllib.parse.quote(RUNAWAY)
        results["oxigraph serve"] = asyncio.run(
            load(peer_cheap, peer_runaway, args.clients, args.seconds, args.every, args.think)
        )
    print("oxigraph:", json.dumps(results["oxigraph serve"]), flush=True)

    report = {
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
        "commit": subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip(),
        "clients": args.clients,
        "seconds": args.seconds,
        "runaway_every_s": args.every,
        "think_s": args.think,
        "results": results,
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "overload.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    lines = [
        f"# {args.clients} clients for {args.seconds:g} s, each pausing {args.think:g} s between"
        f" requests, a runaway every {args.every:g} s (commit {report['commit']})",
        "",
        "| server | class | requests | outcomes | p50 ms | p99 ms | max ms |",
        "| --- | --- | ---: | --- | ---: | ---: | ---: |",
    ]
    for server, res in results.items():
        assert isinstance(res, dict)
        for kind, cell in res.items():
            outcomes = ", ".join(f"{k}: {v}" for k, v in sorted(cell["outcomes"].items()))
            lines.append(
                f"| {server} | {kind} | {cell['requests']} | {outcomes} | {cell['p50_ms']} |"
                f" {cell['p99_ms']} | {cell['max_ms']} |"
            )
    (RESULTS / "overload.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
