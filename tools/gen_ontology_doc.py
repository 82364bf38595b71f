"""Write ontology/README.md, the readable list of measures and codes, from ontology/fdi.ttl.

Run after changing the ontology: ``.venv/bin/python tools/gen_ontology_doc.py``. A test
fails when the document and the ontology disagree, so it cannot drift.
"""

from __future__ import annotations

import sys
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

NS = "https://fdigraph.example/def/fdi#"
QB = "http://purl.org/linked-data/cube#"
ROOT = Path(__file__).resolve().parents[1]

HEAD = """# The fdigraph model: measures and codes

Generated from `fdi.ttl` by `tools/gen_ontology_doc.py`; do not edit (a test compares).
Each figure of an article is one RDF Data Cube observation with one measure
(`qb:measureType`) and a value on every dimension of `fdi:dsdIndicators`. Where a
dimension does not apply the value is an SDMX-style code: `fdi:Total` (`_T`),
`fdi:NotApplicable` (`_Z`), `fdi:NotStated` (`_U`). The fact-file keys are the local
names below (see `data/README.md`); each term has a Vietnamese example phrase.
"""


def _text(graph: Graph, s: URIRef, p: URIRef, lang: str | None = None) -> str:
    values = sorted(
        str(o)
        for o in graph.objects(s, p)
        if isinstance(o, Literal) and (lang is None or o.language == lang)
    )
    return "; ".join(values)


def _examples(graph: Graph, s: URIRef) -> str:
    return "; ".join(f"“{e}”" for e in sorted(str(o) for o in graph.objects(s, SKOS.example)))


def _name(term: object) -> str:
    text = str(term)
    return text[len(NS) :] if text.startswith(NS) else text


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(_cell(c) for c in cells) + " |"


def render(ontology: Path) -> str:
    g = Graph().parse(ontology)
    out = [HEAD]
    measures = sorted(
        (m for m in g.subjects(RDF.type, URIRef(QB + "MeasureProperty")) if str(m).startswith(NS)),
        key=str,
    )
    topics = sorted({t for m in measures for t in g.objects(m, URIRef(NS + "topic"))}, key=str)
    current = [m for m in measures if (m, OWL.deprecated, Literal(True)) not in g]
    classify = ("capitalComponent", "investmentOrigin", "counts")
    for topic in [*topics, None]:
        group = [
            m
            for m in current
            if (topic is None and g.value(m, URIRef(NS + "topic")) is None)
            or (topic is not None and (m, URIRef(NS + "topic"), topic) in g)
        ]
        if not group:
            continue
        title = _text(g, topic, SKOS.prefLabel, "en") if topic is not None else "Rankings"
        vi = _text(g, topic, SKOS.prefLabel, "vi") if topic is not None else "Xếp hạng"
        out += [f"## Measures: {title} ({vi})", ""]
        out.append(_row(["key", "vi", "en", "example (vi)", "component / origin / counts"]))
        out.append(_row(["---"] * 5))
        for m in group:
            codes = [
                _name(g.value(m, URIRef(NS + c))) for c in classify if g.value(m, URIRef(NS + c))
            ]
            out.append(
                _row(
                    [
                        f"`{_name(m)}`",
                        _text(g, m, RDFS.label, "vi"),
                        _text(g, m, RDFS.label, "en"),
                        _examples(g, m),
                        ", ".join(codes),
                    ]
                )
            )
        out.append("")
    out += ["## Deprecated measures (still resolvable)", ""]
    out.append(_row(["key", "replaced by", "how (vi)", "how (en)", "example (vi)"]))
    out.append(_row(["---"] * 5))
    for m in measures:
        if (m, OWL.deprecated, Literal(True)) not in g:
            continue
        replaced = ", ".join(sorted(f"`{_name(r)}`" for r in g.objects(m, DCTERMS.isReplacedBy)))
        out.append(
            _row(
                [
                    f"`{_name(m)}`",
                    replaced or "—",
                    _text(g, m, RDFS.comment, "vi"),
                    _text(g, m, RDFS.comment, "en"),
                    _examples(g, m),
                ]
            )
        )
    out.append("")
    out += ["## Dimensions and attributes of `fdi:dsdIndicators`", ""]
    out.append(_row(["component", "kind", "vi", "en", "example (vi)"]))
    out.append(_row(["---"] * 5))
    specs = sorted(g.objects(URIRef(NS + "dsdIndicators"), URIRef(QB + "component")), key=str)
    rows = []
    for spec in specs:
        for kind in ("dimension", "attribute"):
            prop = g.value(spec, URIRef(QB + kind))
            if prop is None:
                continue
            order = g.value(spec, URIRef(QB + "order"))
            rows.append(
                (
                    (kind, int(order) if order is not None else 99, str(prop)),
                    [
                        f"`{_name(prop)}`",
                        kind,
                        _text(g, prop, RDFS.comment, "vi") or _text(g, prop, RDFS.label, "vi"),
                        _text(g, prop, RDFS.comment, "en") or _text(g, prop, RDFS.label, "en"),
                        _examples(g, prop),
                    ],
                )
            )
    out += [_row(cells) for _, cells in sorted(rows)]
    out.append("")
    schemes = sorted(
        (s for s in g.subjects(RDF.type, SKOS.ConceptScheme) if str(s).startswith(NS)), key=str
    )
    for scheme in schemes:
        codes = sorted(g.subjects(SKOS.inScheme, scheme), key=str)
        if not codes:
            continue
        out += [
            f"## Codes: {_text(g, scheme, RDFS.label, 'en')} ({_text(g, scheme, RDFS.label, 'vi')})",
            "",
            _text(g, scheme, RDFS.comment, "en"),
            "",
            _row(["code", "notation", "vi", "en", "example (vi)"]),
            _row(["---"] * 5),
        ]
        for code in codes:
            out.append(
                _row(
                    [
                        f"`{_name(code)}`",
                        _text(g, code, SKOS.notation),
                        _text(g, code, SKOS.prefLabel, "vi"),
                        _text(g, code, SKOS.prefLabel, "en"),
                        _examples(g, code),
                    ]
                )
            )
        out.append("")
    return "\n".join(out).rstrip() + "\n"


if __name__ == "__main__":
    target = ROOT / "ontology" / "README.md"
    target.write_text(render(ROOT / "ontology" / "fdi.ttl"), encoding="utf-8")
    sys.stdout.write(f"wrote {target}\n")
