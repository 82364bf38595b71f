"""Where does fdigraph's server spend a request? py-spy under load, summarised.

    .venv/bin/python bench/profile.py --size 100000 --query construct --mode cold

Starts ``fdigraph serve`` on the benchmark's store for that size (loading it first if
needed), sends the query from 8 keep-alive clients for ``--seconds`` while ``py-spy
record --subprocesses`` samples every worker, then prints the functions holding the
most samples, by self time and inclusive time, and writes the collapsed stacks (open
them in speedscope or flamegraph.pl) to ``bench/work/profile-<query>-<mode>.txt``.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from collections import Counter
from pathlib import Path

import run as bench


def summarise(collapsed: Path, top: int) -> str:
    self_time: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    total = 0
    for line in collapsed.read_text(encoding="utf-8", errors="replace").splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack:
            continue
        count = int(count_text)
        total += count
        frames = stack.split(";")
        self_time[_short(frames[-1])] += count
        for frame in {_short(f) for f in frames}:
            inclusive[frame] += count
    out = [f"{total} samples", "", "self time:"]
    out += [f"  {n / total:6.1%}  {f}" for f, n in self_time.most_common(top)]
    out += ["", "inclusive time:"]
    out += [f"  {n / total:6.1%}  {f}" for f, n in inclusive.most_common(top * 2)]
    return "\n".join(out)


def _short(frame: str) -> str:
    # "func (path/to/module.py:123)" -> "func (module.py)"
    name, _, where = frame.partition(" (")
    where = where.rstrip(")")
    path = where.rsplit(":", 1)[0]
    parts = Path(path).parts
    for anchor in ("site-packages", "src", "lib"):
        if anchor in parts:
            path = "/".join(parts[parts.index(anchor) + 1 :])
            break
    return f"{name} ({path})"


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    bench.ensure_bench_venv(argv)
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--size", type=int, default=100_000)
    p.add_argument("--query", default="construct")
    p.add_argument("--mode", choices=("cold", "warm"), default="cold")
    p.add_argument("--concurrency", type=int, default=8)
    p.add_argument("--seconds", type=float, default=8.0)
    p.add_argument("--top", type=int, default=25)
    p.add_argument(
        "--wall", action="store_true", help="sample waiting threads too (default: GIL holders)"
    )
    p.add_argument("--fdigraph-bin", default=str(bench.ROOT / ".venv" / "bin" / "fdigraph"))
    p.add_argument("--fdigraph-env", action="append", default=[])
    p.add_argument("--fdigraph-workers", type=int, default=0)
    args = p.parse_args(argv)

    import generate

    data = bench.BENCH / "data" / f"fdi-{args.size}.nt"
    if not data.exists():
        generate.write(args.size, data)
    work = bench.BENCH / "work" / f"profile-{args.size}"
    work.mkdir(parents=True, exist_ok=True)
    query = next(q for q in bench.load_queries(bench.BENCH / "queries") if q.name == args.query)
    server = bench.make_servers(args)["fdigraph"]
    out = bench.BENCH / "work" / f"profile-{args.query}-{args.mode}.txt"
    try:
        server.load(data, work)
        server.start(data, work)
        assert server.proc is not None
        plan = bench.Plan(duration=args.seconds, warmup=0.5, max_requests=10**7, budget=30)
        spy = subprocess.Popen(
            [
                str(bench.BENCH_VENV / "bin" / "py-spy"),
                "record",
                "--pid",
                str(server.proc.pid),
                "--subprocesses",
                "--rate",
                "250",
                "--duration",
                str(int(args.seconds)),
                "--format",
                "raw",
                "--output",
                str(out),
                "--nonblocking",
                *([] if args.wall else ["--gil"]),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        cell = bench.run_cell(server, query, args.mode, args.concurrency, plan)
        _, err = spy.communicate(timeout=60)
        print(
            f"{args.query} {args.mode} c={args.concurrency}: {cell.get('qps', 0):.0f} q/s, "
            f"p50 {cell.get('p50_ms', 0):.2f} ms, server CPU {cell.get('server_cpu_share', 0):.2f}"
        )
        if not out.exists():
            print(err.decode(errors="replace"), file=sys.stderr)
            return 1
        print(summarise(out, args.top))
    finally:
        server.stop()
        bench.stop_all()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
