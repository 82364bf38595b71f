"""How fast fdigraph answers a resource page and a search, cold, at the article's size.

Starts `fdigraph serve --front none --workers 1` on the built article graph (`dist/store`,
run `fdigraph build` first) and, in the same run, `oxigraph serve-read-only` on the same
quads. A linked-data browser such as LodView renders a page from a SPARQL DESCRIBE sent
to an endpoint, so the peer figure is Oxigraph answering that DESCRIBE; fdigraph's page
does the lookup, the labels, the quotes and the HTML.

"Cold" is each page's (and each search's) first request since the server started: every
resource and every search text is asked once, in a fresh process, with no front cache.
"Warm" asks the same again. Times are client wall times over a kept-alive connection on
127.0.0.1. The target (issue 14) is under 50 ms cold.

    .venv/bin/python bench/page_speed.py              # 40 resources, 20 searches
    .venv/bin/python bench/page_speed.py --pages 80

Writes bench/results/page-speed.json and .md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import tempfile
import time
import urllib.parse
from pathlib import Path

import httpx
import pyoxigraph as ox
from local_servers import BIN, ROOT, free_port, oxigraph_peer, started

RESULTS = ROOT / "bench" / "results"
SEARCHES = [
    "bac giang", "Bắc Giang", "lao dong qua dao tao", "1,6 ty USD", "VN-54", "nhat ban",
    "khu cong nghiep", "ban dan", "cai cach hanh chinh", "Quảng Ninh", "ha tang", "FDI",
    "chuyen doi so", "dien tu", "thu hut dau tu", "Han Quoc", "Bac Ninh", "ky so",
    "nang luong", "5 san sang",
]  # fmt: skip


def resources(store_path: Path, count: int) -> list[str]:
    """IRIs under the base with a page: areas, observations, concepts, quotes, in order."""
    store = ox.Store.read_only(str(store_path.resolve()))
    query = """SELECT DISTINCT ?s WHERE { GRAPH <https://fdigraph.example/graph/data> { ?s a ?t } }
               ORDER BY ?s"""
    found = [
        str(row[0].value)
        for row in store.query(query)  # type: ignore[union-attr]
        if isinstance(row[0], ox.NamedNode)
        and row[0].value.startswith("https://fdigraph.example/id/")
    ]
    step = max(1, len(found) // count)
    return found[::step][:count]


def timed(client: httpx.Client, url: str, **kw: object) -> tuple[float, int]:
    began = time.perf_counter()
    r = client.get(url, **kw)  # type: ignore[arg-type]
    return (time.perf_counter() - began) * 1000, r.status_code


def summary(ms: list[float]) -> dict[str, float]:
    ordered = sorted(ms)
    return {
        "n": len(ms),
        "p50_ms": round(statistics.median(ordered), 2),
        "p90_ms": round(ordered[int(0.9 * (len(ordered) - 1))], 2),
        "max_ms": round(ordered[-1], 2),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=40)
    args = parser.parse_args()
    store = ROOT / "dist" / "store"
    if not store.exists():
        raise SystemExit("no dist/store: run `fdigraph build` first")
    iris = resources(store, args.pages)
    out: dict[str, object] = {}
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("FDIGRAPH_")}
    serve = [str(BIN / "fdigraph"), "serve", "--host", "127.0.0.1", "--port", str(port)]
    serve += ["--front", "none", "--workers", "1", "--store", str(store)]
    with started(serve, url + "/health", env), httpx.Client(timeout=30) as client:
        html = {"Accept": "text/html"}
        paths = [urllib.parse.urlsplit(i).path for i in iris]
        cold = [timed(client, url + p, headers=html) for p in paths]
        warm = [timed(client, url + p, headers=html) for p in paths]
        s_cold = [timed(client, url + "/search", params={"q": q}, headers=html) for q in SEARCHES]
        s_warm = [timed(client, url + "/search", params={"q": q}, headers=html) for q in SEARCHES]
    bad = [s for _, s in cold + warm + s_cold + s_warm if s != 200]
    out["fdigraph"] = {
        "page_cold": summary([t for t, _ in cold]),
        "page_warm": summary([t for t, _ in warm]),
        "search_cold": summary([t for t, _ in s_cold]),
        "search_warm": summary([t for t, _ in s_warm]),
        "non_200": len(bad),
    }
    with (
        tempfile.TemporaryDirectory(prefix="fdigraph-bench-pages-") as tmp,
        oxigraph_peer(Path(tmp)) as peer,
        httpx.Client(timeout=30) as client,
    ):
        accept = {"Accept": "text/turtle"}

        def describe(iri: str) -> tuple[float, int]:
            query = f"DESCRIBE <{iri}>"
            return timed(client, peer + "/query", params={"query": query}, headers=accept)

        p_cold = [describe(i) for i in iris]
        p_warm = [describe(i) for i in iris]
    out["oxigraph DESCRIBE"] = {
        "page_cold": summary([t for t, _ in p_cold]),
        "page_warm": summary([t for t, _ in p_warm]),
        "non_200": len([s for _, s in p_cold + p_warm if s != 200]),
    }
    report = {
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
        "commit": subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip(),
        "resources": len(iris),
        "searches": len(SEARCHES),
        "results": out,
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "page-speed.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    lines = [
        f"# Page and search speed at the article's size (commit {report['commit']})",
        "",
        f"{len(iris)} resource pages and {len(SEARCHES)} searches, each asked once cold"
        " (first request since start) and once warm; client wall time in ms.",
        "",
        "| server | what | cold p50 | cold p90 | cold max | warm p50 | warm p90 |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for server, res in out.items():
        assert isinstance(res, dict)
        for what in ("page", "search"):
            if f"{what}_cold" not in res:
                continue
            c, w = res[f"{what}_cold"], res[f"{what}_warm"]
            lines.append(
                f"| {server} | {what} | {c['p50_ms']} | {c['p90_ms']} | {c['max_ms']} |"
                f" {w['p50_ms']} | {w['p90_ms']} |"
            )
    (RESULTS / "page-speed.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
