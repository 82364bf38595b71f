"""The full-text index: labels, quotes and source text in SQLite FTS5, beside the store.

``fdigraph build`` writes ``dist/search.sqlite`` from the new store and swaps it in with
the other files; a server opens it read-only (``immutable``: a new build replaces the
file, never changes it, so an open index keeps reading the build it was opened for).
The index is filled from SPARQL answers (:func:`collect`), so the same code indexes a
store made by ``fdigraph load`` or a remote endpoint.

FTS5's ``unicode61`` tokenizer with ``remove_diacritics 2`` folds case and every
Vietnamese diacritic except "đ", which Unicode does not decompose: the indexed text
has đ/Đ replaced by d/D first. That replacement keeps every character where it was,
so the positions FTS5 marks in the indexed text are positions in the original text.
Numbers with separators ("1,6", "1.543,7") are split at the separators into tokens;
a query matches them as a phrase of those tokens (:mod:`fdigraph.search`).
"""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
import threading
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from fdigraph.labels import MAX_VALUES, PROLOGUE, Runner, local, values

FILE = "search.sqlite"
VERSION = "1"
TOKENIZER = "unicode61 remove_diacritics 2"
WEIGHTS = (8.0, 8.0, 4.0, 1.0)  # bm25 weights of the columns vi, en, alt, body
OPEN, CLOSE = "\x02", "\x03"  # highlight markers; control characters never indexed
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")

_LABELS = (
    PROLOGUE
    + """SELECT ?s ?p ?o WHERE {
  VALUES ?p { rdfs:label skos:prefLabel skos:altLabel schema:headline schema:name dcterms:title }
  ?s ?p ?o
  FILTER(isIRI(?s) && isLiteral(?o))
  FILTER NOT EXISTS { ?s oa:hasTarget ?target }
  FILTER NOT EXISTS { ?s a sh:SPARQLExecutable }
}"""
)
_TYPES = PROLOGUE + "SELECT ?s ?type WHERE { ?s a ?type FILTER(isIRI(?s)) }"
# What an unlabelled fact (a policy statement) is about, to name it by.
_ROLES = (
    PROLOGUE
    + """SELECT ?s ?p ?o WHERE {
  %s
  VALUES ?p { fdi:aboutArea fdi:refArea fdi:relation fdi:statedObject }
  ?s ?p ?o
}"""
)
ROLE_ORDER = ("aboutArea", "refArea", "relation", "statedObject")
_CODES = (
    PROLOGUE
    + """SELECT ?s ?code WHERE {
  VALUES ?p { fdi:isoCode skos:notation dcterms:identifier }
  ?s ?p ?code FILTER(isIRI(?s) && isLiteral(?code))
}"""
)
_QUOTES = (
    PROLOGUE
    + """SELECT ?q ?fact ?exact WHERE {
  ?q oa:hasTarget/oa:hasSelector/oa:exact ?exact
  OPTIONAL { ?q oa:hasBody ?fact }
}"""
)
_TEXTS = (
    PROLOGUE
    + """SELECT ?s ?text WHERE {
  ?s schema:text|schema:abstract ?text FILTER(isIRI(?s))
}"""
)
_ALT = {"http://www.w3.org/2004/02/skos/core#altLabel", "https://schema.org/headline"}


@dataclass(frozen=True)
class Doc:
    """One indexed text: a resource's labels, one of its quotes, or a paragraph of its text."""

    iri: str
    field: str  # "label", "quote" or "text"
    vi: str = ""
    en: str = ""
    alt: str = ""
    body: str = ""
    quote: str = ""  # the quote's IRI, for a quote


@dataclass(frozen=True)
class Resource:
    iri: str
    types: str  # local names of its classes, space-separated
    vi: str
    en: str


@dataclass(frozen=True)
class Match:
    """A document matching a query, with its text and where the query matched it."""

    resource: Resource
    doc: Doc
    marked: dict[str, str]  # column -> indexed text with OPEN/CLOSE around the matches
    rank: float  # bm25: lower is better


def clean(text: str) -> str:
    """The text as stored and shown: NFC, without control characters."""
    return _CONTROL.sub(" ", unicodedata.normalize("NFC", text))


def indexed(text: str) -> str:
    """The text as FTS5 reads it: đ/Đ as d/D (the tokenizer folds the other diacritics)."""
    return text.replace("đ", "d").replace("Đ", "D")


def paragraphs(text: str) -> Iterator[str]:
    """The non-empty lines of a source text, each a paragraph."""
    for line in text.splitlines():
        if line.strip():
            yield line.strip()


def collect(run: Runner) -> tuple[list[Resource], list[Doc], list[tuple[str, str]]]:
    """Everything to index, read with SPARQL: resources, documents, (code, IRI) pairs."""
    labels: dict[str, dict[str, list[str]]] = {}
    for row in run(_LABELS):
        iri, text = str(row["s"]), clean(str(row["o"]))
        lang = getattr(row["o"], "language", None) or ""
        slot = "alt" if str(row["p"]) in _ALT else {"vi": "vi", "en": "en"}.get(lang, "plain")
        found = labels.setdefault(iri, {})
        if text not in found.setdefault(slot, []):
            found[slot].append(text)
    types: dict[str, set[str]] = {}
    for row in run(_TYPES):  # a set per resource: order does not matter
        types.setdefault(str(row["s"]), set()).add(local(str(row["type"])))
    resources: dict[str, Resource] = {}
    docs: list[Doc] = []
    for iri, found in sorted(labels.items()):
        plain = found.get("plain", [])
        vi = (found.get("vi") or plain or found.get("en") or [""])[0]
        en = (found.get("en") or plain or found.get("vi") or [""])[0]
        rest = [t for slot in ("vi", "en", "plain", "alt") for t in found.get(slot, [])]
        alt = " · ".join(t for t in dict.fromkeys(rest) if t not in (vi, en))
        resources[iri] = Resource(iri, " ".join(sorted(types.get(iri, ()))), vi, en)
        docs.append(Doc(iri, "label", vi=vi, en=en if en != vi else "", alt=alt))
    for row in sorted(run(_QUOTES), key=lambda r: (str(r["q"]), str(r["exact"]))):
        quote = str(row["q"])
        fact = str(row["fact"]) if row.get("fact") is not None else quote
        docs.append(Doc(fact, "quote", body=clean(str(row["exact"])), quote=quote))
    for row in sorted(run(_TEXTS), key=lambda r: (str(r["s"]), str(r["text"]))):
        for paragraph in paragraphs(clean(str(row["text"]))):
            docs.append(Doc(str(row["s"]), "text", body=paragraph))
    codes = [(clean(str(row["code"])).strip(), str(row["s"])) for row in run(_CODES)]
    for iri in list(resources):
        codes.append((_key(iri), iri))
    unnamed = sorted({d.iri for d in docs} - resources.keys())
    for iri, (vi, en) in _names(run, unnamed, resources).items():
        resources[iri] = Resource(iri, " ".join(sorted(types.get(iri, ()))), vi, en)
    return list(resources.values()), docs, sorted({c for c in codes if c[0]})


def _names(run: Runner, iris: list[str], named: dict[str, Resource]) -> dict[str, tuple[str, str]]:
    """Names for facts without a label, from the labels of what they are about."""
    roles: dict[str, dict[str, str]] = {}
    for i in range(0, len(iris), MAX_VALUES):
        for row in run(_ROLES % values("s", iris[i : i + MAX_VALUES])):
            roles.setdefault(str(row["s"]), {})[local(str(row["p"]))] = str(row["o"])
    out = {}
    for iri in iris:
        parts = [named[o] for r in ROLE_ORDER if (o := roles.get(iri, {}).get(r)) in named]
        vi = " – ".join(p.vi for p in parts) or local(iri) or iri
        en = " – ".join(p.en for p in parts) or local(iri) or iri
        out[iri] = (vi, en)
    return out


def _key(iri: str) -> str:
    """The last part of an IRI (``VN-54``, ``bg-fdi-2024-8m``), found exactly as a code."""
    return iri.rstrip("/").rsplit("#", 1)[-1].rsplit("/", 1)[-1]


_SCHEMA = f"""
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE resource(id INTEGER PRIMARY KEY, iri TEXT UNIQUE NOT NULL, types TEXT NOT NULL,
  vi TEXT NOT NULL, en TEXT NOT NULL);
CREATE TABLE doc(id INTEGER PRIMARY KEY, resource INTEGER NOT NULL REFERENCES resource(id),
  field TEXT NOT NULL, quote TEXT NOT NULL, vi TEXT NOT NULL, en TEXT NOT NULL,
  alt TEXT NOT NULL, body TEXT NOT NULL);
CREATE TABLE code(code TEXT NOT NULL COLLATE NOCASE, resource INTEGER NOT NULL);
CREATE INDEX code_by_code ON code(code COLLATE NOCASE);
CREATE VIRTUAL TABLE fts USING fts5(vi, en, alt, body, tokenize='{TOKENIZER}');
"""


def fill(conn: sqlite3.Connection, run: Runner, build: str) -> None:
    """Create the tables in an empty database and index what ``run`` answers."""
    resources, docs, codes = collect(run)
    conn.executescript(_SCHEMA)
    ids = {r.iri: n for n, r in enumerate(resources, 1)}
    conn.executemany(
        "INSERT INTO resource VALUES (?, ?, ?, ?, ?)",
        ((ids[r.iri], r.iri, r.types, r.vi, r.en) for r in resources),
    )
    rows = [
        (n, ids[d.iri], d.field, d.quote, d.vi, d.en, d.alt, d.body) for n, d in enumerate(docs, 1)
    ]
    conn.executemany("INSERT INTO doc VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
    conn.executemany(
        "INSERT INTO fts(rowid, vi, en, alt, body) VALUES (?, ?, ?, ?, ?)",
        ((r[0], *(indexed(t) for t in r[4:])) for r in rows),
    )
    conn.executemany("INSERT INTO code VALUES (?, ?)", ((c, ids[i]) for c, i in codes if i in ids))
    conn.execute("INSERT INTO fts(fts) VALUES ('optimize')")
    conn.executemany(
        "INSERT INTO meta VALUES (?, ?)",
        (("build", build), ("version", VERSION), ("tokenizer", TOKENIZER)),
    )
    conn.commit()


def write(path: Path, run: Runner, build: str) -> Path:
    """Write the index of what ``run`` answers to ``path`` (a new file, renamed into place)."""
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    tmp.unlink(missing_ok=True)
    try:
        conn = sqlite3.connect(tmp)
        try:
            fill(conn, run, build)
        finally:
            conn.close()
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def built_for(path: Path) -> str | None:
    """The build an index file was made for, or None when it is missing or unreadable."""
    if not path.is_file():
        return None
    try:
        with contextlib.closing(_read_only(path)) as conn:
            meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
    except sqlite3.Error:
        return None
    return meta.get("build") if meta.get("version") == VERSION else None


def _read_only(path: Path) -> sqlite3.Connection:
    uri = f"{path.resolve().as_uri()}?mode=ro&immutable=1"
    return sqlite3.connect(uri, uri=True, check_same_thread=False)


class Index:
    """An open index. One connection, shared by the threads of a process under a lock."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.lock = threading.Lock()
        with self.lock:
            meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
        self.build: str = str(meta["build"])

    @classmethod
    def open(cls, path: Path) -> Index:
        return cls(_read_only(path))

    @classmethod
    def in_memory(cls, run: Runner, build: str) -> Index:
        """An index made in this process (a remote store, or a folder that is read-only)."""
        conn = sqlite3.connect(":memory:", check_same_thread=False)
        fill(conn, run, build)
        return cls(conn)

    def match(self, expression: str, limit: int) -> list[Match]:
        """Documents matching an FTS5 query expression, best (bm25) first."""
        weights = ", ".join(str(w) for w in WEIGHTS)
        marks = ", ".join(f"highlight(fts, {i}, ?, ?)" for i in range(4))
        sql = (
            f"SELECT d.id, {marks}, bm25(fts, {weights}) AS score,"
            " r.iri, r.types, r.vi, r.en, d.field, d.quote, d.vi, d.en, d.alt, d.body"
            " FROM fts JOIN doc d ON d.id = fts.rowid JOIN resource r ON r.id = d.resource"
            " WHERE fts MATCH ? ORDER BY score LIMIT ?"
        )
        args = (*(OPEN, CLOSE) * 4, expression, limit)
        with self.lock:
            rows = self.conn.execute(sql, args).fetchall()
        return [
            Match(
                Resource(r[6], r[7], r[8], r[9]),
                Doc(r[6], r[10], vi=r[12], en=r[13], alt=r[14], body=r[15], quote=r[11]),
                dict(zip(("vi", "en", "alt", "body"), r[1:5], strict=True)),
                float(r[5]),
            )
            for r in rows
        ]

    def codes(self, code: str) -> list[Resource]:
        """Resources with exactly this code (case aside): ISO 3166-2, notation, key."""
        with self.lock:
            rows = self.conn.execute(
                "SELECT DISTINCT r.iri, r.types, r.vi, r.en FROM code c"
                " JOIN resource r ON r.id = c.resource WHERE c.code = ? ORDER BY r.iri",
                (code.strip(),),
            ).fetchall()
        return [Resource(*row) for row in rows]


def marks(highlighted: str) -> tuple[str, tuple[tuple[int, int], ...]]:
    """Indexed text with markers -> (text, spans of the matches in character offsets)."""
    text: list[str] = []
    spans: list[tuple[int, int]] = []
    start = pos = 0
    for char in highlighted:
        if char == OPEN:
            start = pos
        elif char == CLOSE:
            spans.append((start, pos))
        else:
            text.append(char)
            pos += 1
    joined = "".join(text)
    merged: list[tuple[int, int]] = []
    for span in spans:  # "lao động qua" is one mark, not three
        if merged and not joined[merged[-1][1] : span[0]].strip():
            merged[-1] = (merged[-1][0], span[1])
        else:
            merged.append(span)
    return joined, tuple(merged)


def store_index(store: object, path: Path, build: str) -> Path:
    """Write the index of a pyoxigraph store (or a remote one) to ``path``."""
    from fdigraph.labels import store_runner

    return write(path, store_runner(store), build)
