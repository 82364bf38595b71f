"""The build: facts + ontology -> graph -> SHACL validation -> files and store.

Nothing is written unless the graph conforms. Files go to a scratch folder first and
the store is written beside the one being served, then both are swapped in, so a
failed or interrupted build leaves the last good graph in place. The same inputs give
byte-identical files: IRIs come from the data, output is sorted, and no time stamps
enter the graph.
"""

from __future__ import annotations

import gzip
import hashlib
import importlib
import json
import os
import shutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.namespace import RDFS

from fdigraph import config, datacube, fulltext, mapping, sources, store
from fdigraph import facts as F
from fdigraph.errors import ValidationError
from fdigraph.validate import ValidationReport, check, load_shapes
from fdigraph.vocab import PREFIXES, Minter, fdi_term

OUTPUTS = ("fdigraph.ttl", "fdigraph.nt", "fdigraph.jsonld", "fdigraph.nq")


@dataclass(frozen=True)
class Assembled:
    """A mapped graph and what it was made from, before anything is written."""

    data: Graph
    ontology: Graph
    shapes: Graph
    examples: Graph
    fact_sets: tuple[F.FactSet, ...]
    mint: Minter


@dataclass(frozen=True)
class BuildResult:
    info: store.BuildInfo
    dist: Path
    store_path: Path
    report: ValidationReport


def assemble(values: Mapping[str, Any]) -> Assembled:
    """Read and check the fact files and map them to a graph."""
    data_dir = config.resolve_path(values, "DATA_DIR")
    reference, fact_sets = sources.load_all(data_dir)
    place_quotes = sources.locate_place_quotes(reference, fact_sets, data_dir)
    ontology, shapes = load_shapes(config.resolve_path(values, "ONTOLOGY_DIR"))
    mint = Minter(str(values["BASE_IRI"]))
    graph = mapping.to_graph(reference, fact_sets, mint, measure_labels(ontology), place_quotes)
    return Assembled(graph, ontology, shapes, examples(values), fact_sets, mint)


def examples(values: Mapping[str, Any]) -> Graph:
    """The saved queries as SHACL SPARQL executables, with blank nodes labelled canonically."""
    from fdigraph.queries.catalogue import load
    from fdigraph.queries.publish import as_graph

    base = str(values["BASE_IRI"])
    published = as_graph(load(config.resolve_path(values, "QUERIES_DIR")).values(), base)
    # Canonical labels make the blank nodes stable; skolem IRIs then make them linkable
    # and let the graph be sent in batches without splitting a blank node.
    skolem = to_canonical_graph(published).skolemize(authority=base, basepath=".well-known/genid/")
    out = Graph(identifier=published.identifier)
    for triple in skolem:
        out.add(triple)
    return out


def measure_labels(ontology: Graph) -> dict[str, F.Labels]:
    """The vi/en labels of each measure, read from the ontology."""
    labels: dict[str, F.Labels] = {}
    for name in F.MEASURES:
        found = {
            lit.language: str(lit)
            for lit in ontology.objects(fdi_term(name), RDFS.label)
            if isinstance(lit, Literal)
        }
        labels[name] = F.Labels(vi=found.get("vi", name), en=found.get("en", name))
    return labels


def validate(values: Mapping[str, Any]) -> tuple[Assembled, ValidationReport]:
    """Assemble the graph and validate it against the shapes and the Data Cube integrity
    constraints, writing nothing."""
    assembled = assemble(values)
    report = check(assembled.data, assembled.shapes, assembled.ontology)
    problems = datacube.check(assembled.data, assembled.ontology)
    if not problems:
        return assembled, report
    facts_dir = config.resolve_path(values, "DATA_DIR") / "facts"
    lines = [datacube.locate(p, facts_dir) for p in problems]
    text = "Data Cube integrity constraints (W3C section 11) violated:\n" + "\n".join(lines)
    return assembled, ValidationReport(False, report.results, f"{report.text.rstrip()}\n{text}\n")


def _sorted_lines(graph: Graph, fmt: str) -> bytes:
    text = graph.serialize(format=fmt, encoding="utf-8")
    lines = sorted({line for line in text.splitlines() if line.strip()})
    return b"\n".join(lines) + b"\n"


def examples_graph(assembled: Assembled) -> URIRef:
    """Where the saved queries live in the store: ``<base>.well-known/sparql-examples``."""
    return URIRef(assembled.mint.base + ".well-known/sparql-examples")


def _in_graph(ntriples: bytes, graph: URIRef) -> list[bytes]:
    """N-Triples lines as N-Quads lines in the named graph ``graph``."""
    suffix = f" <{graph}> .".encode()
    return [line[: -len(b" .")] + suffix for line in ntriples.splitlines() if line.endswith(b" .")]


def _stable_jsonld(graph: Graph) -> bytes:
    """JSON-LD with nodes sorted by @id and every value list sorted, so bytes are stable."""
    doc = json.loads(graph.serialize(format="json-ld", context=PREFIXES, auto_compact=True))
    nodes = doc.get("@graph", [doc])

    def key(value: Any) -> str:
        return json.dumps(value, sort_keys=True, ensure_ascii=False)

    for node in nodes:
        for prop, value in node.items():
            if isinstance(value, list):
                node[prop] = sorted(value, key=key)
    doc["@graph"] = sorted(nodes, key=lambda n: str(n.get("@id", "")))
    return (json.dumps(doc, sort_keys=True, ensure_ascii=False, indent=1) + "\n").encode()


def _turtle(ntriples: bytes) -> bytes:
    """Turtle from sorted N-Triples, written by Oxigraph so literals keep their lexical form."""
    triples = ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES)
    out = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES)
    assert out is not None
    # Oxigraph writes the prefix lines in its own order; write them sorted instead.
    body = [line for line in out.splitlines() if not line.startswith(b"@prefix ")]
    head = [f"@prefix {p}: <{ns}> .".encode() for p, ns in sorted(PREFIXES.items())]
    return b"\n".join([*head, b"", *body]) + b"\n"


def _bind(graph: Graph) -> Graph:
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns, replace=True)
    return graph


def render(assembled: Assembled) -> dict[str, bytes]:
    """The output files, as bytes, in a byte-stable form."""
    whole = _bind(Graph())
    for triple in sorted(assembled.data):
        whole.add(triple)
    for triple in sorted(assembled.ontology):
        whole.add(triple)
    for triple in sorted(assembled.examples):
        whole.add(triple)
    ntriples = _sorted_lines(whole, "nt")
    nquads = sorted(
        _in_graph(_sorted_lines(assembled.data, "nt"), assembled.mint.graph("data"))
        + _in_graph(_sorted_lines(assembled.ontology, "nt"), assembled.mint.graph("ontology"))
        + _in_graph(_sorted_lines(assembled.examples, "nt"), examples_graph(assembled))
    )
    return {
        "fdigraph.ttl": _turtle(ntriples),
        "fdigraph.nt": ntriples,
        "fdigraph.jsonld": _stable_jsonld(whole),
        "fdigraph.nq": b"\n".join(nquads) + b"\n",
    }


def build(
    values: Mapping[str, Any], *, log: Callable[[str], None] = lambda _msg: None
) -> BuildResult:
    """Run the whole build; raises before writing anything if the graph does not conform."""
    assembled, report = validate(values)
    if not report.conforms:
        raise ValidationError(
            "the graph does not conform to ontology/shapes.ttl and the Data Cube "
            "constraints:\n" + report.text
        )
    log(f"validated {len(assembled.data)} triples against the SHACL shapes")
    files = render(assembled)
    build_id = hashlib.sha256(files["fdigraph.nq"]).hexdigest()[:16]
    dist = config.resolve_path(values, "DIST_DIR")
    store_path = config.resolve_path(values, "STORE_PATH")
    dist.mkdir(parents=True, exist_ok=True)
    scratch = dist / f".build-{os.getpid()}"
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir()
    try:
        for name, content in files.items():
            (scratch / name).write_bytes(content)
            # The dumps the server offers; mtime=0 keeps them byte-identical too.
            (scratch / f"{name}.gz").write_bytes(gzip.compress(content, 9, mtime=0))
        info = store.BuildInfo(
            build=build_id,
            triples=len(assembled.data) + len(assembled.ontology) + len(assembled.examples),
            graphs=(
                str(assembled.mint.graph("data")),
                str(assembled.mint.graph("ontology")),
                str(examples_graph(assembled)),
            ),
            base_iri=str(values["BASE_IRI"]),
        )
        nquads = scratch / "fdigraph.nq"

        def fill(opened: ox.Store) -> store.BuildInfo:
            opened.bulk_load(path=str(nquads), format=ox.RdfFormat.N_QUADS)
            return info

        store.write_store(store_path, info.build, fill)
        extra = _describe(store_path, info, values)
        if extra is not None:
            (scratch / "void.ttl").write_bytes(extra)
        _index(store_path, info, scratch / fulltext.FILE)
        (scratch / "build.json").write_text(info.to_json(), encoding="utf-8")
        for item in sorted(scratch.iterdir()):
            os.replace(item, dist / item.name)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    log(f"wrote {', '.join(sorted(files))} and the store {store_path} (build {build_id})")
    return BuildResult(info, dist, store_path, report)


def _index(store_path: Path, info: store.BuildInfo, target: Path) -> None:
    """The full-text index of the new store (``dist/search.sqlite``), swapped in with it."""
    opened = store.open_read_only(store_path)
    try:
        fulltext.store_index(opened, target, info.build)
    finally:
        del opened


def _describe(store_path: Path, info: store.BuildInfo, values: Mapping[str, Any]) -> bytes | None:
    """The VoID description of the new store, when the endpoint's VoID module exists."""
    try:
        void = importlib.import_module("fdigraph.void")
    except ModuleNotFoundError:
        return None
    opened = store.open_read_only(store_path)
    try:
        described: bytes = void.describe(
            opened, base_iri=str(values["BASE_IRI"]), build=info.build, endpoint=None
        )
    finally:
        del opened
    return described
