"""Regenerate tests/golden/*.ttl from tests/data/mini after a deliberate mapping change.

Run ``.venv/bin/python tools/regen_golden.py`` and review the diff like code.

Golden files written from the code detect a change, not its correctness: a wrong mapping
regenerated is a wrong golden file. What the mapping must produce is asserted by hand in
tests/test_mapping.py (the tests after the golden comparison), from the article's words.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.mapping_cases import GOLDEN, cases

from fdigraph.build import _sorted_lines, _turtle

if __name__ == "__main__":
    GOLDEN.mkdir(exist_ok=True)
    for kind, make in cases().items():
        path = GOLDEN / f"{kind}.ttl"
        # Oxigraph writes literals in their own lexical form (rdflib turns "65" into 65.0).
        path.write_bytes(_turtle(_sorted_lines(make(), "nt")))
        sys.stdout.write(f"wrote {path}\n")
