"""How `fdigraph build` time grows with the number of fact files.

Copies the project's data folder into a scratch root and adds N-1 renamed copies of
each curated article (its text and its fact file, the ``source.id`` and file names
changed, nothing else), then times a full `fdigraph build` in a fresh process for each
N. Linear growth means the time per added file stays flat: the table gives the time,
the increment per file between successive sizes, and a least-squares line through all
points with its worst relative residual.

    .venv/bin/python bench/build_scaling.py                 # N = 1, 10, 25, 50
    .venv/bin/python bench/build_scaling.py --sizes 1,5 --repeat 1

Writes bench/results/build-scaling.json and .md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
FDIGRAPH = Path(sys.executable).with_name("fdigraph")
BUILD_TIMEOUT = 1800  # seconds; a stuck build is recorded, never waited on forever


def make_root(scratch: Path, copies: int) -> Path:
    """A project root holding the real ontology and queries and ``copies`` of each article."""
    root = scratch / f"root-{copies}"
    for part in ("ontology", "queries"):
        shutil.copytree(ROOT / part, root / part)
    shutil.copytree(ROOT / "data", root / "data")
    facts = root / "data" / "facts"
    articles = root / "data" / "articles"
    for fact_file in sorted(facts.glob("*.yaml")):
        key = fact_file.stem
        text = (articles / f"{key}.txt").read_text(encoding="utf-8")
        yaml_text = fact_file.read_text(encoding="utf-8")
        for n in range(2, copies + 1):
            new = f"{key}-copy{n:02d}"
            (articles / f"{new}.txt").write_text(text, encoding="utf-8")
            # The key stands for the id, and the text file name is the key plus .txt.
            renamed = re.sub(rf"\b{re.escape(key)}\b", new, yaml_text)
            (facts / f"{new}.yaml").write_text(renamed, encoding="utf-8")
    return root


def time_build(root: Path) -> dict[str, object]:
    env = {**os.environ, "FDIGRAPH_ROOT": str(root), "PYTHONHASHSEED": "0"}
    started = time.perf_counter()
    try:
        done = subprocess.run(
            [str(FDIGRAPH), "build"],
            cwd=root,
            env=env,
            capture_output=True,
            text=True,
            timeout=BUILD_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return {"seconds": None, "ok": False, "output": "timeout"}
    seconds = time.perf_counter() - started
    tail = (done.stdout + done.stderr).strip().splitlines()[-1:] or [""]
    triples = re.search(r"(\d+) triples in", done.stdout)
    return {
        "seconds": round(seconds, 3),
        "ok": done.returncode == 0,
        "triples": int(triples[1]) if triples else None,
        "output": tail[0],
    }


def fit(points: list[tuple[int, float]]) -> tuple[float, float, float]:
    """Least squares t = a + b*n; returns a, b and the worst |residual| / t."""
    n = len(points)
    mx = sum(x for x, _ in points) / n
    my = sum(y for _, y in points) / n
    sxx = sum((x - mx) ** 2 for x, _ in points) or 1.0
    b = sum((x - mx) * (y - my) for x, y in points) / sxx
    a = my - b * mx
    worst = max(abs(y - (a + b * x)) / y for x, y in points)
    return a, b, worst


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1,10,25,50", help="numbers of copies of each article")
    parser.add_argument(
        "--repeat", type=int, default=2, help="builds per size (the fastest counts)"
    )
    parser.add_argument("--name", default="build-scaling")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    rows: list[dict[str, object]] = []
    with tempfile.TemporaryDirectory(prefix="fdigraph-bench-build-") as tmp:
        for size in sizes:
            root = make_root(Path(tmp), size)
            runs = [time_build(root) for _ in range(args.repeat)]
            good = [r for r in runs if r["ok"]]
            best = min(good, key=lambda r: float(r["seconds"])) if good else runs[0]  # type: ignore[arg-type]
            files = len(list((root / "data" / "facts").glob("*.yaml")))
            rows.append({"copies": size, "fact_files": files, **best, "runs": runs})
            print(f"{files:3d} fact files: {best['seconds']} s ({best['output']})", flush=True)
            shutil.rmtree(root)
    points = [(int(r["fact_files"]), float(r["seconds"])) for r in rows if r["ok"]]  # type: ignore[arg-type]
    summary = {}
    if len(points) >= 2:
        a, b, worst = fit(points)
        summary = {
            "intercept_s": round(a, 3),
            "per_file_s": round(b, 3),
            "worst_residual": round(worst, 3),
        }
    report = {
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "system": platform.platform(),
        },
        "commit": subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip(),
        "rows": rows,
        "fit": summary,
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{args.name}.json").write_text(
        json.dumps(report, indent=2) + "\n", encoding="utf-8"
    )
    lines = [
        f"# fdigraph build time against the number of fact files (commit {report['commit']})",
        "",
        "| fact files | triples | build s | s per added file |",
        "| ---: | ---: | ---: | ---: |",
    ]
    prev: tuple[int, float] | None = None
    for files, seconds in points:
        step = f"{(seconds - prev[1]) / (files - prev[0]):.3f}" if prev else "-"
        triples = next(r["triples"] for r in rows if r["fact_files"] == files)
        lines.append(f"| {files} | {triples} | {seconds:.2f} | {step} |")
        prev = (files, seconds)
    if summary:
        lines += [
            "",
            f"Least-squares line: {summary['intercept_s']} s + {summary['per_file_s']} s per fact file; "
            f"the worst point is {summary['worst_residual'] * 100:.1f} % off it.",
        ]
    (RESULTS / f"{args.name}.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    return 0 if all(r["ok"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
