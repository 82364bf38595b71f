"""The mini fact set mapped one kind at a time, for golden-graph tests and their regeneration."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from rdflib import Graph

from fdigraph import facts as F
from fdigraph.build import measure_labels
from fdigraph.mapping import Mapper, Triple
from fdigraph.sources import load_all
from fdigraph.vocab import PREFIXES, Minter

MINI = Path(__file__).resolve().parent / "data" / "mini"
GOLDEN = Path(__file__).resolve().parent / "golden"
ONTOLOGY = Path(__file__).resolve().parents[1] / "ontology" / "fdi.ttl"


def _graph(triples: Iterable[Triple]) -> Graph:
    g = Graph()
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns)
    for t in triples:
        g.add(t)
    return g


def cases() -> dict[str, Callable[[], Graph]]:
    """Kind name -> a function that maps the mini data's facts of that kind."""
    reference, (fs,) = load_all(MINI)
    m = Mapper(Minter("https://fdigraph.example/"))
    art = fs.article
    labels: dict[str, F.Labels] = {k: p.label for k, p in reference.places.items()}
    labels.update({c.id: c.label for c in fs.concepts})
    labels.update(measure_labels(Graph().parse(ONTOLOGY)))
    kinds = {k: p.kind for k, p in reference.places.items()}
    objects = {c.id: m.mint("concept", c.id) for c in fs.concepts}
    assert reference.resolution is not None
    resolution = reference.resolution
    return {
        "article": lambda: _graph(m.article(art)),
        "teaser": lambda: _graph(t for x in fs.teasers for t in m.teaser(art, x)),
        "concept": lambda: _graph(t for c in fs.concepts for t in m.concept(art, c)),
        "statement": lambda: _graph(t for s in fs.statements for t in m.statement(art, s, objects)),
        "observation": lambda: _graph(
            t for o in fs.observations for t in m.observation(art, o, labels)
        ),
        "ranking": lambda: _graph(t for r in fs.rankings for t in m.ranking(art, r, labels, kinds)),
        "place": lambda: _graph(m.place(reference.places["VN-54"])),
        "merger": lambda: _graph(t for mg in reference.mergers for t in m.merger(mg, resolution)),
    }
