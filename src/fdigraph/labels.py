"""What pages call things: bilingual labels of IRIs, looked up with SPARQL through a runner.

A *runner* takes SELECT query text and returns rows of rdflib terms, so the same code
works on the embedded store (:func:`store_runner`) or in front of a remote endpoint.
Every IRI put into query text goes through rdflib's ``.n3()`` in a VALUES block.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from rdflib import BNode, Literal, URIRef
from rdflib.term import Identifier

from fdigraph.vocab import PREFIXES

Row = Mapping[str, Identifier]
Runner = Callable[[str], Sequence[Row]]
LANGS = ("vi", "en")
PROLOGUE = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())
MAX_VALUES = 400  # IRIs per VALUES block
TITLED = frozenset({"Observation", "RankingObservation", "PolicyStatement"})  # facts: titles


@dataclass(frozen=True)
class Text:
    """A text in Vietnamese and English (either may repeat the other)."""

    vi: str
    en: str

    def get(self, lang: str) -> str:
        return self.en if lang == "en" else self.vi

    @classmethod
    def same(cls, text: str) -> Text:
        return cls(text, text)


@dataclass(frozen=True)
class Link:
    """An IRI with its label and the local name of its most telling class.

    ``named`` is False when the label is made up (no label in the graph or the table
    below); ``inverse`` reads the property from its object ("replaced by"); ``kind_label``
    names the class.
    """

    iri: str
    label: Text
    kind: str = ""
    named: bool = True
    inverse: Text | None = None
    kind_label: Text | None = None

    def inverse_label(self) -> Text:
        """How a page says "X is <this> of Y" from Y's side."""
        if self.inverse is not None:
            return self.inverse
        return Text(f"là {self.label.vi} của", f"is {self.label.en} of")


# Terms of the standard vocabularies the graph uses, which carry no label in it:
# (prefixed name, vi, en, inverse vi, inverse en); an empty inverse reads "là X của".
_TERMS = (
    ("rdf:type", "loại", "type", "là loại của", "type of"),
    ("rdfs:label", "nhãn", "label", "", ""),
    ("rdfs:comment", "chú thích", "comment", "", ""),
    ("rdfs:seeAlso", "xem thêm", "see also", "được dẫn từ", "referred to from"),
    ("rdfs:isDefinedBy", "định nghĩa tại", "defined by", "định nghĩa", "defines"),
    ("rdfs:subClassOf", "lớp con của", "subclass of", "lớp cha của", "superclass of"),
    (
        "rdfs:subPropertyOf",
        "thuộc tính con của",
        "subproperty of",
        "thuộc tính cha của",
        "superproperty of",
    ),
    ("rdfs:domain", "miền", "domain", "là miền của", "domain of"),
    ("rdfs:range", "miền giá trị", "range", "là miền giá trị của", "range of"),
    ("owl:inverseOf", "nghịch đảo của", "inverse of", "nghịch đảo của", "inverse of"),
    ("owl:versionInfo", "phiên bản", "version", "", ""),
    ("owl:Class", "lớp", "class", "", ""),
    ("owl:ObjectProperty", "thuộc tính quan hệ", "object property", "", ""),
    ("owl:DatatypeProperty", "thuộc tính dữ liệu", "datatype property", "", ""),
    ("owl:Ontology", "bản thể", "ontology", "", ""),
    ("skos:prefLabel", "tên chính", "preferred label", "", ""),
    ("skos:altLabel", "tên khác", "other label", "", ""),
    ("skos:notation", "ký hiệu", "notation", "", ""),
    (
        "skos:broader",
        "thuộc khái niệm rộng hơn",
        "broader concept",
        "khái niệm rộng hơn của",
        "broader concept of",
    ),
    (
        "skos:narrower",
        "khái niệm hẹp hơn",
        "narrower concept",
        "khái niệm hẹp hơn của",
        "narrower concept of",
    ),
    ("skos:inScheme", "thuộc bảng khái niệm", "in scheme", "chứa khái niệm", "contains concept"),
    ("skos:hasTopConcept", "khái niệm gốc", "top concept", "khái niệm gốc của", "top concept of"),
    ("skos:topConceptOf", "khái niệm gốc của", "top concept of", "khái niệm gốc", "top concept"),
    ("skos:Concept", "khái niệm", "concept", "", ""),
    ("skos:ConceptScheme", "bảng khái niệm", "concept scheme", "", ""),
    ("skos:definition", "định nghĩa", "definition", "", ""),
    ("skos:example", "ví dụ", "example", "", ""),
    ("owl:deprecated", "không còn dùng", "deprecated", "", ""),
    ("qb:codeList", "danh mục mã", "code list", "là danh mục mã của", "code list of"),
    ("qb:CodedProperty", "thuộc tính có mã", "coded property", "", ""),
    ("dcterms:title", "tiêu đề", "title", "", ""),
    ("dcterms:identifier", "mã định danh", "identifier", "", ""),
    ("dcterms:isPartOf", "là một phần của", "part of", "gồm", "has part"),
    ("dcterms:replaces", "thay thế", "replaces", "được thay thế bởi", "replaced by"),
    ("dcterms:isReplacedBy", "được thay thế bởi", "replaced by", "thay thế", "replaces"),
    ("dcterms:license", "giấy phép", "licence", "là giấy phép của", "licence of"),
    ("dcterms:BibliographicResource", "tài liệu", "bibliographic resource", "", ""),
    ("qb:Observation", "số liệu quan sát", "observation", "", ""),
    ("qb:DataSet", "bộ dữ liệu", "data set", "", ""),
    ("qb:DataStructureDefinition", "cấu trúc dữ liệu", "data structure definition", "", ""),
    ("qb:ComponentSpecification", "thành phần cấu trúc", "component specification", "", ""),
    ("qb:DimensionProperty", "chiều dữ liệu", "dimension property", "", ""),
    ("qb:MeasureProperty", "thước đo", "measure property", "", ""),
    ("qb:AttributeProperty", "thuộc tính chú giải", "attribute property", "", ""),
    ("qb:measureType", "thước đo", "measure", "là thước đo của", "measure of"),
    ("qb:dataSet", "bộ dữ liệu", "data set", "chứa số liệu", "contains observation"),
    ("qb:structure", "cấu trúc", "structure", "là cấu trúc của", "structure of"),
    ("qb:component", "thành phần", "component", "là thành phần của", "component of"),
    ("qb:dimension", "chiều", "dimension", "là chiều trong", "dimension in"),
    ("qb:measure", "thước đo", "measure", "là thước đo trong", "measure in"),
    ("qb:attribute", "thuộc tính", "attribute", "là thuộc tính trong", "attribute in"),
    ("qb:concept", "khái niệm", "concept", "là khái niệm của", "concept of"),
    ("qb:order", "thứ tự", "order", "", ""),
    ("qb:componentRequired", "bắt buộc", "required", "", ""),
    ("sdmx-attribute:unitMeasure", "đơn vị", "unit", "là đơn vị của", "unit of"),
    ("sdmx-attribute:obsStatus", "tình trạng", "status", "là tình trạng của", "status of"),
    ("qudt:symbol", "ký hiệu", "symbol", "", ""),
    ("time:Instant", "thời điểm", "instant", "", ""),
    ("time:ProperInterval", "khoảng thời gian", "interval", "", ""),
    ("time:hasBeginning", "bắt đầu", "begins", "là lúc bắt đầu của", "beginning of"),
    ("time:hasEnd", "kết thúc", "ends", "là lúc kết thúc của", "end of"),
    ("time:hasXSDDuration", "độ dài", "duration", "", ""),
    ("time:inXSDDate", "ngày", "date", "", ""),
    ("oa:Annotation", "chú thích", "annotation", "", ""),
    ("oa:SpecificResource", "phần của nguồn", "part of a source", "", ""),
    ("oa:TextQuoteSelector", "bộ chọn trích dẫn", "quote selector", "", ""),
    ("oa:TextPositionSelector", "bộ chọn vị trí", "position selector", "", ""),
    ("oa:hasBody", "nội dung", "body", "được chú thích bởi", "annotated by"),
    ("oa:hasTarget", "đích", "target", "là đích của", "target of"),
    ("oa:hasSource", "nguồn", "source", "chứa đoạn trích", "contains passage"),
    ("oa:hasSelector", "bộ chọn", "selector", "là bộ chọn của", "selector of"),
    ("oa:exact", "câu trích", "exact text", "", ""),
    ("oa:prefix", "chữ trước", "text before", "", ""),
    ("oa:suffix", "chữ sau", "text after", "", ""),
    ("oa:start", "ký tự đầu", "start", "", ""),
    ("oa:end", "ký tự cuối", "end", "", ""),
    ("prov:wasDerivedFrom", "lấy từ", "derived from", "là nguồn của", "source of"),
    ("prov:Entity", "thực thể", "entity", "", ""),
    ("schema:NewsArticle", "bài báo", "news article", "", ""),
    ("schema:Person", "người", "person", "", ""),
    ("schema:about", "nói về", "about", "được nói tới trong", "subject of"),
    ("schema:abstract", "tóm tắt", "abstract", "", ""),
    ("schema:author", "tác giả", "author", "là tác giả của", "author of"),
    ("schema:containedInPlace", "thuộc địa bàn", "contained in", "bao gồm", "contains"),
    ("schema:headline", "tiêu đề", "headline", "", ""),
    ("schema:inLanguage", "ngôn ngữ", "language", "", ""),
    ("schema:keywords", "từ khóa", "keywords", "", ""),
    ("schema:location", "địa điểm", "location", "là địa điểm của", "location of"),
    ("schema:mentions", "nhắc tới", "mentions", "được nhắc tới trong", "mentioned in"),
    ("schema:name", "tên", "name", "", ""),
    ("schema:organizer", "đơn vị tổ chức", "organiser", "tổ chức", "organiser of"),
    ("schema:startDate", "ngày bắt đầu", "start date", "", ""),
    ("schema:target", "điểm cuối", "target", "", ""),
    ("schema:text", "văn bản", "text", "", ""),
    ("schema:url", "địa chỉ", "URL", "", ""),
    ("sh:SPARQLExecutable", "truy vấn SPARQL", "SPARQL query", "", ""),
    ("sh:SPARQLSelectExecutable", "truy vấn SELECT", "SELECT query", "", ""),
    ("sh:SPARQLAskExecutable", "truy vấn ASK", "ASK query", "", ""),
    ("sh:SPARQLConstructExecutable", "truy vấn CONSTRUCT", "CONSTRUCT query", "", ""),
    ("sh:select", "truy vấn SELECT", "SELECT text", "", ""),
    ("sh:ask", "truy vấn ASK", "ASK text", "", ""),
    ("sh:construct", "truy vấn CONSTRUCT", "CONSTRUCT text", "", ""),
    ("sh:prefixes", "tiền tố", "prefixes", "", ""),
    ("sh:declare", "khai báo", "declares", "", ""),
    ("sh:prefix", "tiền tố", "prefix", "", ""),
    ("sh:namespace", "không gian tên", "namespace", "", ""),
)
# How the ontology's verb-like properties read from their object's side; the noun-like
# ones ("reference area") read well as "is X of".
INVERSES = {
    "aboutArea": ("được nói tới trong", "subject of"),
    "attractsSector": ("được thu hút chủ yếu bởi", "mainly attracted by"),
    "developsProject": ("được phát triển bởi", "developed by"),
    "fundedBy": ("cấp vốn cho", "funds"),
    "hasInvestmentMotto": ("là phương châm của", "investment motto of"),
    "hasInvestmentPillar": ("là trụ cột chính sách của", "investment pillar of"),
    "hasQuote": ("là trích dẫn của", "quote of"),
    "prioritisesSector": ("được ưu tiên bởi", "prioritised by"),
    "pursuesGoal": ("là mục tiêu của", "goal of"),
    "supportsSector": ("được ủng hộ bởi", "supported by"),
    "targetsPartnerMarket": ("là thị trường đối tác của", "partner market of"),
    "usesPolicyInstrument": ("là công cụ chính sách của", "policy instrument of"),
    "welcomesSector": ("được đón nhận bởi", "welcomed by"),
}
TERMS: dict[str, tuple[Text, Text | None]] = {}
for _name, _vi, _en, _inv_vi, _inv_en in _TERMS:
    _prefix, _, _local = _name.partition(":")
    if _local[:1].isupper():  # a class: its name is a title, as the ontology's are
        _vi, _en = _vi[:1].upper() + _vi[1:], _en[:1].upper() + _en[1:]
    TERMS[PREFIXES[_prefix] + _local] = (
        Text(_vi, _en),
        Text(_inv_vi, _inv_en) if _inv_vi else None,
    )


def values(name: str, iris: Iterable[str]) -> str:
    """``VALUES ?name { <a> <b> }`` with each IRI serialised by rdflib."""
    return f"VALUES ?{name} {{ {' '.join(URIRef(i).n3() for i in iris)} }}"


def short(iri: str) -> str:
    """A readable fallback name: a prefixed name, else the last part of the IRI."""
    for prefix, ns in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
        if iri.startswith(ns) and len(iri) > len(ns):
            return f"{prefix}:{iri[len(ns) :]}"
    tail = iri.rstrip("/#").rsplit("#", 1)[-1].rsplit("/", 1)[-1]
    return tail or iri


def local(iri: str) -> str:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


_LABELS = """SELECT ?x (SAMPLE(?vi) AS ?labelVi) (SAMPLE(?en) AS ?labelEn)
  (SAMPLE(?plain) AS ?labelPlain) (SAMPLE(?type) AS ?kind) (MIN(STR(?other)) AS ?otherKind)
WHERE {
  %s
  OPTIONAL { ?x rdfs:label|skos:prefLabel|schema:headline ?vi FILTER(LANG(?vi) = "vi") }
  OPTIONAL { ?x rdfs:label|skos:prefLabel ?en FILTER(LANG(?en) = "en") }
  OPTIONAL { ?x rdfs:label|schema:name|dcterms:title ?plain FILTER(LANG(?plain) = "") }
  OPTIONAL { ?x a ?type FILTER(STRSTARTS(STR(?type), STR(fdi:))) }
  OPTIONAL { ?x a ?other FILTER(!STRSTARTS(STR(?other), STR(fdi:))) }
}
GROUP BY ?x"""


def lookup(run: Runner, iris: Iterable[str], kinds: bool = True) -> dict[str, Link]:
    """Links for IRIs: labels from the graph, else from :data:`TERMS`, else made from the
    kind and the key (or a short name); kinds from fdi: classes, with their labels."""
    wanted = sorted(set(iris))
    rows: dict[str, tuple[str, str, str, str]] = {}
    for i in range(0, len(wanted), MAX_VALUES):
        for row in run(PROLOGUE + _LABELS % values("x", wanted[i : i + MAX_VALUES])):
            plain = _text(row.get("labelPlain"))
            vi = _text(row.get("labelVi")) or plain
            en = _text(row.get("labelEn")) or plain
            kind = str(row["kind"]) if row.get("kind") is not None else ""
            other = str(row["otherKind"]) if row.get("otherKind") is not None else ""
            rows[str(row["x"])] = (vi, en, kind, other)
    classes = sorted({k for _, _, k, _ in rows.values() if k})
    kind_names = lookup(run, classes, kinds=False) if kinds and classes else {}
    found: dict[str, Link] = {}
    for iri in wanted:
        vi, en, kind, other = rows.get(iri, ("", "", "", ""))
        known = TERMS.get(iri)
        kind_label = kind_names[kind].label if kind in kind_names else None
        if kind_label is None and other in TERMS:
            kind_label = TERMS[other][0]
        if vi or en:
            label, named = Text(vi or en, en or vi), True
            if local(kind) in TITLED:
                label = Text(
                    label.vi[:1].upper() + label.vi[1:], label.en[:1].upper() + label.en[1:]
                )
        elif known is not None:
            label, named = known[0], True
        elif kind_label is not None:
            key = local(iri)
            label, named = Text(f"{kind_label.vi} {key}", f"{kind_label.en} {key}"), False
        else:
            label, named = Text.same(short(iri)), False
        inverse = known[1] if known is not None else None
        if iri.startswith(PREFIXES["fdi"]) and local(iri) in INVERSES:
            inverse = Text(*INVERSES[local(iri)])
        found[iri] = Link(iri, label, local(kind) if kind else "", named, inverse, kind_label)
    return found


_INSTANCES = """SELECT ?x (COUNT(?s) AS ?n) WHERE {
  %s
  ?x a/rdfs:subClassOf* ?c .
  OPTIONAL { ?s ?p ?x }
} GROUP BY ?x ORDER BY DESC(?n) ?x LIMIT %d"""


def instances(run: Runner, cls: str, limit: int = 500) -> list[Link]:
    """Things of class ``cls`` or a subclass, with labels, the most linked to first."""
    rows = run(PROLOGUE + _INSTANCES % (values("c", [cls]), limit))
    iris = [str(r["x"]) for r in rows if isinstance(r["x"], URIRef)]
    names = lookup(run, iris)
    return [names[i] for i in iris]


def _text(term: Identifier | None) -> str:
    return str(term) if term is not None else ""


def store_runner(store: object) -> Runner:
    """A runner over a pyoxigraph store (union default graph), yielding rdflib terms."""
    import pyoxigraph as ox

    assert hasattr(store, "query")  # a pyoxigraph Store, or fdigraph.remote.RemoteStore

    def convert(term: object) -> Identifier:
        if isinstance(term, ox.NamedNode):
            return URIRef(term.value)
        if isinstance(term, ox.Literal):
            if term.language:
                return Literal(term.value, lang=term.language)
            return Literal(term.value, datatype=URIRef(term.datatype.value))
        assert isinstance(term, ox.BlankNode)
        return BNode(term.value)

    def run(query: str) -> list[dict[str, Identifier]]:
        result = store.query(query, use_default_graph_as_union=True)
        assert isinstance(result, ox.QuerySolutions)
        names = [v.value for v in result.variables]
        return [{n: convert(row[n]) for n in names if row[n] is not None} for row in result]

    return run
