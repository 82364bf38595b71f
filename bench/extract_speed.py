"""How long `fdigraph extract` takes on a 2,000-word article.

Builds an article of about 2,000 words from the test articles' bodies (repeated until
long enough, the title kept once), then drafts it REPEAT times in this process and
prints the best and median wall time per draft. The target is under one second.

    .venv/bin/python bench/extract_speed.py            # 2,000 words, 5 runs
    .venv/bin/python bench/extract_speed.py --words 4000 --repeat 3
"""

from __future__ import annotations

import argparse
import re
import statistics
import time
from pathlib import Path

from fdigraph.extract import extract

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [
    ROOT / "data" / "articles" / "bac-giang-fdi-2024.txt",
    *sorted((ROOT / "tests" / "data" / "extract").glob("*.txt")),
]


def article(words: int) -> str:
    """A page of at least ``words`` words: one title, then bodies until long enough."""
    # Each text without its title and without its related-news block and byline.
    bodies = [
        re.split(r"\n+(?:Tin |Bài viết |Có thể bạn|Bạn thấy)", p.read_text(encoding="utf-8"))[
            0
        ].split("\n", 1)[1]
        for p in SOURCES
    ]
    parts, count, i = ["Thu hút FDI: tổng hợp"], 0, 0
    while count < words:
        body = bodies[i % len(bodies)]
        parts.append(body)
        count += len(body.split())
        i += 1
    return "\n\n".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    text = article(args.words)
    extract(text, source_id="warm-up")  # compiles the patterns once
    times = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        draft = extract(text, source_id="bench")
        times.append(time.perf_counter() - start)
    print(
        f"{len(text.split())} words: best {min(times):.3f} s, median {statistics.median(times):.3f} s"
        f" ({len(draft.observations)} observations, {len(draft.rankings)} rankings)"
    )


if __name__ == "__main__":
    main()
