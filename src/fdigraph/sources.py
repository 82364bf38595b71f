"""Read the curated files in ``data/`` into fact records, checking everything checkable.

Every error names the file and line and says what is wrong: a malformed file, an
unknown area, unit, measure or period, a figure that disagrees with its value, a quote
not found verbatim where its fact comes from, a duplicate fact.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from fdigraph import facts as F
from fdigraph.errors import FactError, FigureError, Location
from fdigraph.figures import Figure, Period, parse_figure, parse_iso_period

CONTEXT = 32  # characters of prefix and suffix kept with each quote


class _Map(dict[str, Any]):
    """A mapping that remembers its own line and the line of each of its keys."""

    line = 0

    def __init__(self) -> None:
        super().__init__()
        self.lines: dict[str, int] = {}


class _Loader(yaml.SafeLoader):
    """A YAML loader that records the line of each mapping and refuses duplicate keys."""


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> _Map:
    out = _Map()
    out.line = node.start_mark.line + 1
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in out:
            raise FactError(
                f"key {key!r} appears twice",
                where=Location(node.start_mark.name, key_node.start_mark.line + 1),
            )
        out[key] = loader.construct_object(value_node, deep=True)
        out.lines[key] = key_node.start_mark.line + 1
    return out


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def read_yaml(path: Path) -> Any:
    """Parse a YAML file; syntax errors become FactErrors with their line and column."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise FactError(f"cannot read: {err}", where=Location(str(path))) from err
    try:
        loader = _Loader(text)
        loader.name = str(path)
        try:
            return loader.get_single_data()
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        where = Location(str(path), mark.line + 1, mark.column + 1) if mark else Location(str(path))
        raise FactError(f"not valid YAML: {err.problem or err.context}", where=where) from None


class _Reader:
    """Checks one file's mappings, raising errors located at their lines."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, message: str, node: Any = None, key: str | None = None) -> FactError:
        line = None
        if isinstance(node, _Map):
            line = node.lines.get(key, node.line) if key else node.line
        return FactError(message, where=Location(str(self.path), line))

    def mapping(
        self, node: Any, what: str, required: Iterable[str], optional: Iterable[str]
    ) -> _Map:
        if not isinstance(node, _Map):
            raise self.fail(f"{what} must be a mapping, not {type(node).__name__}", node)
        required, optional = tuple(required), tuple(optional)
        unknown = sorted(set(node) - set(required) - set(optional))
        if unknown:
            allowed = ", ".join((*required, *optional))
            raise self.fail(
                f"{what}: unknown key {unknown[0]!r} (allowed: {allowed})", node, unknown[0]
            )
        missing = [k for k in required if node.get(k) in (None, "")]
        if missing:
            raise self.fail(f"{what}: missing {missing[0]!r}", node)
        return node

    def items(self, doc: Mapping[str, Any], key: str) -> list[_Map]:
        value = doc.get(key) or []
        if not isinstance(value, list):
            raise self.fail(f"{key!r} must be a list", doc)
        return value

    def choice(
        self, node: _Map, key: str, allowed: Iterable[str], default: str | None = None
    ) -> Any:
        value = node.get(key, default)
        allowed = tuple(allowed)
        if value is not None and value not in allowed:
            raise self.fail(f"{key} {value!r} is not one of: {', '.join(allowed)}", node, key)
        return value

    def labels(self, node: _Map, key: str = "label") -> F.Labels:
        value = node.get(key)
        if not isinstance(value, dict) or not value.get("vi") or not value.get("en"):
            raise self.fail(f"{key} needs both 'vi' and 'en'", node, key)
        return F.Labels(vi=str(value["vi"]), en=str(value["en"]))

    def period(self, node: _Map, key: str = "period") -> Period | None:
        value = node.get(key)
        if value is None:
            return None
        try:
            return parse_iso_period(str(value))
        except FigureError as err:
            raise self.fail(f"{key}: {err.message}", node, key) from None

    def integer(self, node: _Map, key: str) -> int | None:
        value = node.get(key)
        if value is None:
            return None
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise self.fail(f"{key} must be a whole number of at least 1, not {value!r}", node, key)
        return value


def load_reference(data_dir: Path) -> F.Reference:
    """Read ``reference/places.yaml`` and ``reference/history.yaml``."""
    path = data_dir / "reference" / "places.yaml"
    r = _Reader(path)
    doc = r.mapping(
        read_yaml(path),
        "places file",
        ["sources"],
        ["countries", "provinces", "regions", "localities"],
    )
    sources: dict[str, F.SourceRef] = {}
    for key, node in doc["sources"].items():
        r.mapping(node, f"source {key}", ["title"], ["url"])
        sources[key] = F.SourceRef(id=key, title=node["title"], url=node.get("url"))
    places: dict[str, F.Place] = {}
    kinds = {
        "countries": "country",
        "provinces": "province",
        "regions": "region",
        "localities": "locality",
    }
    for group, default_kind in kinds.items():
        if group not in doc:
            continue
        block = r.mapping(doc[group], group, ["source", "areas"], ["country"])
        for node in r.items(block, "areas"):
            r.mapping(
                node,
                f"{group} entry",
                ["vi", "en"],
                ["code", "key", "type", "alt", "within", "country", "quote"],
            )
            key = str(node.get("code") or node.get("key") or "")
            if not key:
                raise r.fail(f"{group} entry needs a 'code' or a 'key'", node)
            if key in places:
                raise r.fail(f"area {key!r} is listed twice", node)
            kind = (
                r.choice(node, "type", ("province", "municipality"), default_kind)
                if group == "provinces"
                else default_kind
            )
            places[key] = F.Place(
                key=key,
                kind=kind,
                label=F.Labels(vi=str(node["vi"]), en=str(node["en"])),
                source=str(block["source"]),
                iso_code=node.get("code"),
                alt=tuple(node.get("alt") or ()),
                within=node.get("within") or node.get("country") or block.get("country"),
                quote=node.get("quote"),
            )
    for place in places.values():
        if place.within and place.within not in places:
            raise FactError(
                f"{place.key}: unknown containing area {place.within!r}", where=Location(str(path))
            )
    reference = F.Reference(places=places, sources=sources)
    history = data_dir / "reference" / "history.yaml"
    return _load_history(history, reference) if history.exists() else reference


def _load_history(path: Path, reference: F.Reference) -> F.Reference:
    r = _Reader(path)
    doc = r.mapping(read_yaml(path), "history file", ["sources", "resolution", "mergers"], [])
    sources = dict(reference.sources)
    for key, node in doc["sources"].items():
        r.mapping(node, f"source {key}", ["title"], ["url"])
        sources[key] = F.SourceRef(id=key, title=node["title"], url=node.get("url"))
    res = r.mapping(doc["resolution"], "resolution", ["id", "label", "adopted", "effective"], [])
    if not isinstance(res["adopted"], date) or not isinstance(res["effective"], date):
        raise r.fail("resolution dates must be YYYY-MM-DD", res)
    resolution = F.Resolution(res["id"], r.labels(res), res["adopted"], res["effective"])
    places = dict(reference.places)
    mergers = []
    for node in r.items(doc, "mergers"):
        r.mapping(node, "merger", ["successor", "type", "label", "predecessors", "sources"], [])
        for code in node["predecessors"]:
            if code not in places:
                raise r.fail(f"unknown predecessor area {code!r}", node)
        for key in node["sources"]:
            if key not in sources:
                raise r.fail(f"unknown source {key!r}", node)
        successor = F.Place(
            key=node["successor"],
            kind=r.choice(node, "type", ("province", "municipality")),
            label=r.labels(node),
            source=node["sources"][0],
            within="VN",
        )
        places[successor.key] = successor
        mergers.append(F.Merger(successor, tuple(node["predecessors"]), tuple(node["sources"])))
    return F.Reference(
        places=places, sources=sources, resolution=resolution, mergers=tuple(mergers)
    )


def load_facts(
    path: Path,
    data_dir: Path,
    reference: F.Reference,
    known: dict[str, F.Concept] | None = None,
) -> F.FactSet:
    """Read one fact file and check it against its article and the reference data.

    ``known`` holds the concepts of the files read before, and gains this file's: a
    concept keeps one IRI and one label across the build.
    """
    return _FactFile(path, data_dir, reference, {} if known is None else known).read()


def _folded(label: F.Labels) -> tuple[str, str]:
    return (
        unicodedata.normalize("NFC", label.vi).casefold(),
        unicodedata.normalize("NFC", label.en).casefold(),
    )


class _FactFile(_Reader):
    def __init__(
        self, path: Path, data_dir: Path, reference: F.Reference, known: dict[str, F.Concept]
    ) -> None:
        super().__init__(path)
        self.data_dir = data_dir
        self.reference = reference
        self.known = known
        self.ids: set[str] = set()

    def read(self) -> F.FactSet:
        doc = self.mapping(
            read_yaml(self.path),
            "fact file",
            ["source"],
            ["teasers", "concepts", "statements", "observations", "rankings", "projects", "events"],
        )
        self.article = self._article(doc["source"])
        self.teasers = {t.id: t for t in (self._teaser(n) for n in self.items(doc, "teasers"))}
        self.aliases: dict[str, str] = {}
        found: list[F.Concept] = []
        nodes = self.items(doc, "concepts")
        for n in nodes:
            reused = self._reuse(n, self._concept(n), found)
            if reused is not None:
                found.append(reused)
        concepts = tuple(
            replace(c, broader=self.aliases.get(c.broader, c.broader)) if c.broader else c
            for c in found
        )
        self.concepts = {c.id: c for c in concepts}
        by_id = {n.get("id"): n for n in nodes}
        for c in concepts:
            if c.broader and c.broader not in self.concepts:
                raise self.fail(
                    f"concept {c.id}: unknown broader concept {c.broader!r}",
                    by_id.get(c.id),
                    "broader",
                )
        projects = tuple(self._project(n) for n in self.items(doc, "projects"))
        self.projects = {p.id for p in projects}
        observations = tuple(self._observation(n) for n in self.items(doc, "observations"))
        rankings = tuple(self._ranking(n) for n in self.items(doc, "rankings"))
        self._no_duplicates(doc, observations, rankings)
        self.known.update(self.concepts)
        return F.FactSet(
            article=self.article,
            teasers=tuple(self.teasers.values()),
            concepts=concepts,
            statements=tuple(self._statement(n) for n in self.items(doc, "statements")),
            observations=observations,
            rankings=rankings,
            projects=projects,
            events=tuple(self._event(n) for n in self.items(doc, "events")),
        )

    # -- the article and its teasers ------------------------------------------------

    def _article(self, node: Any) -> F.Article:
        self.mapping(
            node,
            "source",
            ["id", "text", "title", "language", "body_end"],
            ["author", "about", "published"],
        )
        published = node.get("published")
        if published is not None and not isinstance(published, date):
            raise self.fail(
                f"published must be a date YYYY-MM-DD, not {published!r}", node, "published"
            )
        text_path = self.data_dir / "articles" / str(node["text"])
        try:
            text = text_path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as err:
            raise self.fail(f"source text {text_path}: {err}", node) from None
        if self.path.stem != node["id"]:
            raise self.fail(
                f"source id {node['id']!r} differs from the file name {self.path.stem!r}", node
            )
        if node["title"] not in text:
            raise self.fail(f"title not found in {text_path.name}", node)
        body_end = text.find(node["body_end"])
        if body_end < 0:
            raise self.fail(f"body_end {node['body_end']!r} not found in {text_path.name}", node)
        return F.Article(
            id=node["id"],
            text=text,
            file=text_path.name,
            title=node["title"],
            author=node.get("author"),
            language=node["language"],
            about=self._areas(node, node.get("about") or []),
            body_end=body_end + len(node["body_end"]),
            published=published,
        )

    def _teaser(self, node: Any) -> F.Teaser:
        self.mapping(node, "teaser", ["id", "section", "headline"], ["summary", "about"])
        self._new_id(node)
        text, headline, summary = self.article.text, node["headline"], node.get("summary")
        after = 0 if node["section"] == "related-link" else self.article.body_end
        start = text.find(headline, after)
        if start < 0:
            raise self.fail(f"teaser {node['id']}: headline not found in the text", node)
        end = start + len(headline)
        if summary is not None:
            at = text.find(summary, end)
            if at < 0:
                raise self.fail(f"teaser {node['id']}: summary not found after its headline", node)
            end = at + len(summary)
        return F.Teaser(
            id=node["id"],
            section=self.choice(node, "section", F.SECTIONS),
            headline=headline,
            summary=summary,
            about=self._areas(node, node.get("about") or []),
            start=start,
            end=end,
        )

    # -- references between facts ---------------------------------------------------

    def _new_id(self, node: _Map) -> str:
        key = node["id"]
        if not isinstance(key, str) or not key.replace("-", "").isalnum() or key != key.lower():
            raise self.fail(f"id {key!r} must be lowercase letters, digits and '-'", node)
        if key in self.ids:
            raise self.fail(f"id {key!r} is used twice", node)
        self.ids.add(key)
        return key

    def _area(self, node: _Map, code: Any, what: str = "area") -> str:
        if code not in self.reference.places:
            key = next(
                (k for k, v in node.items() if v == code or (isinstance(v, list) and code in v)),
                None,
            )
            raise self.fail(
                f"unknown {what} {code!r}: not in data/reference/places.yaml", node, key
            )
        return str(code)

    def _areas(self, node: _Map, codes: Iterable[Any]) -> tuple[str, ...]:
        return tuple(self._area(node, c) for c in codes)

    def _source(self, node: _Map) -> str:
        key = node.get("source")
        if key is None:
            return self.article.id
        if key not in self.teasers:
            raise self.fail(f"source {key!r} is not a teaser of this file", node, "source")
        return str(key)

    def _reuse(self, node: _Map, c: F.Concept, found: list[F.Concept]) -> F.Concept | None:
        """A concept as this build keeps it: a drafted concept never breaks the build.

        The same id as an earlier file's concept takes that concept's labels when they
        differ only in case (a different label is an error); a different id whose label
        differs only in case from a concept of the same scheme becomes that concept (its
        quotes join it when it is in this file). None: merged into ``found``.
        """
        same = self.known.get(c.id)
        if same is not None:
            if same.label == c.label:
                return c
            if _folded(same.label) == _folded(c.label):
                return replace(c, label=same.label)
            raise self.fail(
                f"concept {c.id}: label {c.label.vi!r} / {c.label.en!r} differs from the one "
                f"an earlier fact file gives it ({same.label.vi!r} / {same.label.en!r})",
                node,
                "label",
            )
        label = _folded(c.label)[0]
        for i, other in enumerate(found):
            if other.scheme == c.scheme and _folded(other.label)[0] == label:
                self.aliases[c.id] = other.id
                found[i] = replace(other, quotes=other.quotes + c.quotes)
                return None
        for other in self.known.values():
            if other.scheme == c.scheme and _folded(other.label)[0] == label:
                self.aliases[c.id] = other.id
                return replace(c, id=other.id, label=other.label)
        return c

    def _concept_ref(self, node: _Map, key: str, scheme: str) -> str:
        ref = self.aliases.get(node[key], node[key])
        # A concept of this file, or one an earlier fact file defines (its IRI is global).
        concept = self.concepts.get(ref) or self.known.get(ref)
        if concept is None or concept.scheme != scheme:
            raise self.fail(f"{key} {node[key]!r} is not a concept of scheme {scheme!r}", node, key)
        return concept.id

    # -- quotes ---------------------------------------------------------------------

    def _quotes(self, node: _Map, source: str, *, required: bool = True) -> tuple[F.Quote, ...]:
        raw = node.get("quotes") or []
        if not isinstance(raw, list) or (required and not raw):
            raise self.fail(f"{node.get('id')}: needs a list of one or more quotes", node)
        return tuple(self._quote(node, q, source) for q in raw)

    def _quote(self, node: _Map, raw: Any, default_source: str) -> F.Quote:
        occurrence, source = 1, default_source
        if isinstance(raw, dict):
            spec = self.mapping(raw, "quote", ["text"], ["occurrence", "source"])
            occurrence = spec.get("occurrence", 1)
            source = self._source(spec) if "source" in spec else default_source
            raw = spec["text"]
        if not isinstance(raw, str) or not raw.strip():
            raise self.fail(f"{node.get('id')}: a quote must be non-empty text", node)
        lo, hi = self._region(source)
        text, at = self.article.text, lo - 1
        for _ in range(occurrence):
            at = text.find(raw, at + 1, hi)
            if at < 0:
                where = "the main article" if source == self.article.id else f"teaser {source}"
                nth = f" (occurrence {occurrence})" if occurrence > 1 else ""
                raise self.fail(
                    f"{node.get('id')}: quote{nth} not found verbatim in {where}: {raw!r}",
                    node,
                    "quotes",
                )
        end = at + len(raw)
        return F.Quote(
            raw, source, at, end, text[max(0, at - CONTEXT) : at], text[end : end + CONTEXT]
        )

    def _region(self, source: str) -> tuple[int, int]:
        if source != self.article.id:
            teaser = self.teasers[source]
            return teaser.start, teaser.end
        return 0, self.article.body_end

    def _outside_teasers(self, node: _Map, quotes: Iterable[F.Quote]) -> None:
        for q in quotes:
            if q.source != self.article.id:
                continue
            for t in self.teasers.values():
                if q.start < t.end and t.start < q.end:
                    raise self.fail(
                        f"{node['id']}: quote lies in teaser {t.id}; give `source: {t.id}`", node
                    )

    # -- fact kinds -----------------------------------------------------------------

    def _concept(self, node: Any) -> F.Concept:
        self.mapping(
            node, "concept", ["id", "scheme", "label"], ["notation", "broader", "count", "quotes"]
        )
        key = self._new_id(node)
        scheme = self.choice(node, "scheme", F.SCHEMES)
        quotes = self._quotes(node, self.article.id, required=scheme != "indicators")
        self._outside_teasers(node, quotes)
        notation = node.get("notation")
        return F.Concept(
            id=key,
            scheme=scheme,
            label=self.labels(node),
            quotes=quotes,
            notation=None if notation is None else str(notation),
            broader=node.get("broader"),
            count=self.integer(node, "count"),
        )

    def _statement(self, node: Any) -> F.Statement:
        self.mapping(node, "statement", ["id", "area", "relation", "object", "quotes"], ["source"])
        key = self._new_id(node)
        relation = self.choice(node, "relation", F.RELATIONS)
        obj = self.aliases.get(node["object"], node["object"])
        if (
            obj not in self.concepts
            and obj not in self.projects
            and obj not in self.reference.places
        ):
            raise self.fail(f"statement object {obj!r} is no concept, project or area", node)
        source = self._source(node)
        quotes = self._quotes(node, source)
        self._outside_teasers(node, quotes)
        return F.Statement(key, self._area(node, node["area"]), relation, str(obj), source, quotes)

    def _observation(self, node: Any) -> F.Observation:
        self.mapping(
            node,
            "observation",
            ["id", "area", "measure", "figure", "unit", "quotes"],
            [
                "comparison",
                "period",
                "stock",
                "period_inferred",
                "base",
                "base_area",
                "share_of",
                "counterpart",
                "sector",
                "value",
                "value_max",
                "unit_written",
                "qualifier",
                "status",
                "source",
                "start",
                "end",
                "confidence",
            ],
        )
        key = self._new_id(node)
        measure = self.choice(node, "measure", F.MEASURES)
        comparison = self.choice(node, "comparison", F.COMPARISONS, "level")
        if measure in F.DEPRECATED and comparison != "level":
            raise self.fail(
                f"{key}: measure {measure!r} is deprecated; with a comparison use the measure "
                "compared (see data/README.md)",
                node,
                "measure",
            )
        unit = self.choice(node, "unit", F.UNITS)
        self._check_unit(node, key, measure, comparison, unit)
        qualifier = self.choice(node, "qualifier", F.QUALIFIERS, "exact")
        source = self._source(node)
        quotes = self._quotes(node, source)
        self._outside_teasers(node, quotes)
        figure = self._figure(node, key, unit, quotes)
        value = self._value(node, key, comparison, figure, quotes)
        value_max = self._value_max(node, key, qualifier, figure, value)
        period = self.period(node)
        stock = self._flag(node, "stock")
        if stock and period is not None and not period.is_day:
            raise self.fail(
                f"{key}: a stock is a position as of a day: period must be YYYY-MM-DD, "
                f"not {period.iso!r}",
                node,
                "period",
            )
        basis = self._period_basis(node, key, period, source)
        base = self.period(node, "base")
        if base is not None and comparison not in F.BASED:
            raise self.fail(
                f"{key}: base is for {', '.join(F.BASED)}, not {comparison}", node, "base"
            )
        if base is not None and period is not None and not base.begin < period.begin:
            raise self.fail(
                f"{key}: base {base.iso!r} must begin before the period {period.iso!r}",
                node,
                "base",
            )
        base_area = self._optional_area(node, "base_area")
        if base_area is not None and comparison not in F.BASED:
            raise self.fail(
                f"{key}: base_area is for {', '.join(F.BASED)}, not {comparison}",
                node,
                "base_area",
            )
        share_of = self._optional_area(node, "share_of")
        if share_of is not None and comparison != "share":
            raise self.fail(f"{key}: share_of is for comparison share only", node, "share_of")
        sector = None
        if node.get("sector") is not None:
            sector = self._concept_ref(node, "sector", "sectors")
        return F.Observation(
            id=key,
            area=self._area(node, node["area"]),
            measure=measure,
            period=period,
            figure=str(node["figure"]),
            value=value,
            unit=unit,
            source=source,
            quotes=quotes,
            qualifier=qualifier,
            status=self.choice(node, "status", F.STATUSES),
            period_inferred=basis is not None,
            counterpart=self._optional_area(node, "counterpart"),
            comparison=comparison,
            stock=stock,
            period_basis=basis,
            base=base,
            base_area=base_area,
            share_of=share_of,
            sector=sector,
            value_max=value_max,
        )

    def _check_unit(self, node: _Map, key: str, measure: str, comparison: str, unit: str) -> None:
        wanted = F.COMPARISON_UNITS[comparison]
        allowed = (wanted,) if wanted else F.MEASURE_UNITS.get(measure, F.UNITS)
        if unit not in allowed:
            what = f"a {comparison}" if wanted else f"{measure}"
            raise self.fail(f"{key}: {what} is in {' or '.join(allowed)}, not {unit}", node, "unit")

    def _figure(self, node: _Map, key: str, unit: str, quotes: Iterable[F.Quote]) -> Figure:
        written = str(node["figure"])
        full = written
        if "unit_written" in node:  # a table row: its scale and unit are the heading's
            heading = str(node["unit_written"])
            if not any(heading in q.text for q in quotes):
                raise self.fail(
                    f"{key}: unit_written {heading!r} occurs in none of its quotes "
                    "(quote the heading that writes it too)",
                    node,
                    "unit_written",
                )
            full = f"{written} {heading}"
        try:
            figure = parse_figure(full, unit)
        except FigureError as err:
            raise self.fail(f"{key}: figure {err.message}", node, "figure") from None
        if figure.amount.unit != unit:
            raise self.fail(
                f"{key}: figure {written!r} is in {figure.amount.unit}, not {unit}", node, "unit"
            )
        if not any(written in q.text for q in quotes):
            raise self.fail(
                f"{key}: figure {written!r} occurs in none of its quotes", node, "figure"
            )
        return figure

    def _value(
        self, node: _Map, key: str, comparison: str, figure: Figure, quotes: Iterable[F.Quote]
    ) -> Decimal:
        """The value, signed for changes and growth, checked against the figure as written."""
        magnitude = figure.amount.value
        sign = figure.sign or _sign_before(str(node["figure"]), quotes)
        if sign and comparison not in F.SIGNED:
            sign = 0  # "tăng lên 1,6 tỷ USD" is a level reached, not a change
        if "value" not in node:
            return -magnitude if sign < 0 else magnitude
        try:
            stated = Decimal(str(node["value"]))
        except InvalidOperation:
            raise self.fail(
                f"{key}: value {node['value']!r} is not a number", node, "value"
            ) from None
        if abs(stated) != magnitude or (stated < 0 and comparison not in F.SIGNED):
            raise self.fail(
                f"{key}: value {stated} disagrees with figure {node['figure']!r} = {magnitude}",
                node,
                "value",
            )
        if sign and (stated < 0) != (sign < 0):
            word = "a decrease (giảm)" if sign < 0 else "an increase (tăng)"
            raise self.fail(
                f"{key}: value {stated} has the wrong sign: the text writes {word}", node, "value"
            )
        return stated

    def _value_max(
        self, node: _Map, key: str, qualifier: str, figure: Figure, value: Decimal
    ) -> Decimal | None:
        if (qualifier == "between") != ("value_max" in node):
            raise self.fail(
                f"{key}: qualifier between and value_max go together (a range: low and high)",
                node,
                "value_max" if "value_max" in node else "qualifier",
            )
        if qualifier != "between":
            if figure.upper is not None:
                raise self.fail(
                    f"{key}: figure {node['figure']!r} is a range: give qualifier between",
                    node,
                    "qualifier",
                )
            return None
        try:
            upper = Decimal(str(node["value_max"]))
        except InvalidOperation:
            raise self.fail(
                f"{key}: value_max {node['value_max']!r} is not a number", node, "value_max"
            ) from None
        if upper <= value:
            raise self.fail(f"{key}: value_max must exceed value", node, "value_max")
        if figure.upper is not None and upper != figure.upper:
            raise self.fail(
                f"{key}: value_max {upper} disagrees with figure {node['figure']!r} = {figure.upper}",
                node,
                "value_max",
            )
        return upper

    def _flag(self, node: _Map, key: str) -> bool:
        value = node.get(key, False)
        if not isinstance(value, bool):
            raise self.fail(f"{key} must be true or false, not {value!r}", node, key)
        return value

    def _period_basis(self, node: _Map, key: str, period: Period | None, source: str) -> str | None:
        raw = node.get("period_inferred", False)
        if raw is False:
            return None
        basis = "context" if raw is True else raw
        if basis not in F.PERIOD_BASES:
            raise self.fail(
                f"period_inferred {raw!r} is not one of: true, {', '.join(F.PERIOD_BASES)}",
                node,
                "period_inferred",
            )
        if period is None:
            raise self.fail(f"{key}: period_inferred needs the period inferred", node, "period")
        if basis == "published":
            published = self.article.published
            if source != self.article.id or published is None:
                raise self.fail(
                    f"{key}: period_inferred published needs `published:` on the source "
                    "(teasers have no date of their own)",
                    node,
                    "period_inferred",
                )
            # "đến nay" ends on the day; "từ đầu năm đến nay" may be written to the month.
            in_month = (period.end.year, period.end.month) == (published.year, published.month)
            if period.end != published and not (in_month and not period.is_day):
                raise self.fail(
                    f"{key}: a period read from the publication date ends on it "
                    f"({published.isoformat()}), not on {period.end.isoformat()}",
                    node,
                    "period",
                )
        return str(basis)

    def _optional_area(self, node: _Map, key: str) -> str | None:
        code = node.get(key)
        return None if code is None else self._area(node, code, key.replace("_", " "))

    def _ranking(self, node: Any) -> F.Ranking:
        self.mapping(
            node,
            "ranking",
            ["id", "area", "indicator", "scope", "rank", "quotes"],
            ["period", "comparator", "out_of", "source", "start", "end", "confidence"],
        )
        key = self._new_id(node)
        source = self._source(node)
        quotes = self._quotes(node, source)
        self._outside_teasers(node, quotes)
        rank = self.integer(node, "rank")
        assert rank is not None
        return F.Ranking(
            id=key,
            area=self._area(node, node["area"]),
            indicator=self._concept_ref(node, "indicator", "indicators"),
            scope=self._area(node, node["scope"], "scope"),
            rank=rank,
            source=source,
            quotes=quotes,
            period=self.period(node),
            comparator=self.choice(node, "comparator", F.COMPARATORS, "equal"),
            out_of=self.integer(node, "out_of"),
        )

    def _project(self, node: Any) -> F.Project:
        self.mapping(node, "project", ["id", "label", "areas", "quotes"], ["funded_by", "source"])
        key = self._new_id(node)
        source = self._source(node)
        quotes = self._quotes(node, source)
        funded = node.get("funded_by")
        return F.Project(
            key,
            self.labels(node),
            self._areas(node, node["areas"]),
            source,
            quotes,
            None if funded is None else self._area(node, funded),
        )

    def _event(self, node: Any) -> F.Event:
        self.mapping(
            node, "event", ["id", "label", "date", "quotes"], ["organiser", "location", "source"]
        )
        key = self._new_id(node)
        if not isinstance(node["date"], date):
            raise self.fail(f"{key}: date must be YYYY-MM-DD, not {node['date']!r}", node)
        source = self._source(node)

        def optional(k: str) -> str | None:
            return None if node.get(k) is None else self._area(node, node[k], k)

        return F.Event(
            key,
            self.labels(node),
            node["date"],
            source,
            self._quotes(node, source),
            optional("organiser"),
            optional("location"),
        )

    def _no_duplicates(
        self, doc: _Map, observations: Iterable[F.Observation], rankings: Iterable[F.Ranking]
    ) -> None:
        seen: dict[tuple[Any, ...], str] = {}
        keys: list[tuple[tuple[Any, ...], str]] = [
            (
                (
                    o.area,
                    o.measure,
                    o.period,
                    o.counterpart,
                    o.comparison,
                    o.stock,
                    o.sector,
                    o.base,
                    o.base_area,
                    o.share_of,
                ),
                o.id,
            )
            for o in observations
        ]
        keys += [((r.area, r.indicator, r.scope, r.period, r.comparator), r.id) for r in rankings]
        for key, fact_id in keys:
            if key in seen:
                node = next(
                    (
                        n
                        for n in self.items(doc, "observations") + self.items(doc, "rankings")
                        if n.get("id") == fact_id
                    ),
                    doc,
                )
                raise self.fail(
                    f"{fact_id} states the same fact as {seen[key]}: a fact stated twice is one fact with two quotes",
                    node,
                )
            seen[key] = fact_id


_SIGN_WORDS = (("giảm", -1), ("tăng", 1))


def _sign_before(figure: str, quotes: Iterable[F.Quote]) -> int:
    """The sign a quote gives its figure: the last of 'tăng'/'giảm' just before it, if any.

    Only the few words before the figure count ("tăng 30%", "giảm tới 4,2%"); a word
    further back belongs to another clause.
    """
    for q in quotes:
        at = q.text.find(figure)
        if at < 0:
            continue
        before = q.text[max(0, at - 16) : at].lower()
        found = [(before.rfind(w), s) for w, s in _SIGN_WORDS if w in before]
        if found:
            return max(found)[1]
    return 0


def load_all(data_dir: Path) -> tuple[F.Reference, tuple[F.FactSet, ...]]:
    """Reference data plus every ``facts/*.yaml``, in file-name order."""
    reference = load_reference(data_dir)
    files = sorted((data_dir / "facts").glob("*.yaml"))
    if not files:
        raise FactError(f"no fact files in {data_dir / 'facts'}")
    known: dict[str, F.Concept] = {}
    return reference, tuple(load_facts(p, data_dir, reference, known) for p in files)


def locate_place_quotes(
    reference: F.Reference, fact_sets: Iterable[F.FactSet], data_dir: Path
) -> dict[str, tuple[str, F.Quote]]:
    """Find the quotes that reference data cites from an article page (localities)."""
    articles = {fs.article.id: fs.article for fs in fact_sets}
    where = Location(str(data_dir / "reference" / "places.yaml"))
    found: dict[str, tuple[str, F.Quote]] = {}
    for place in reference.places.values():
        if not place.quote or not place.source.startswith("article:"):
            continue
        article = articles.get(place.source.split(":", 1)[1])
        if article is None:
            raise FactError(f"{place.key}: source {place.source!r} has no fact file", where=where)
        at = article.text.find(place.quote)
        if at < 0:
            raise FactError(
                f"{place.key}: quote not found verbatim in {article.file}: {place.quote!r}",
                where=where,
            )
        end = at + len(place.quote)
        prefix, suffix = article.text[max(0, at - CONTEXT) : at], article.text[end : end + CONTEXT]
        found[place.key] = (article.id, F.Quote(place.quote, article.id, at, end, prefix, suffix))
    return found
