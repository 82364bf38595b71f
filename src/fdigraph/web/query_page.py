"""A saved query's page for people: its form, the table of its answer, and what to try next.

Parameters whose values are things in the graph (areas, sectors, indicators, motto
parts) are offered as choices read from the graph, labelled in the page's language. A
value the query refuses keeps its place in the form with the message beside its field
(the page is then a 400). The table links IRIs to this server's pages, sorts by a
column (``?_sort=NAME&_desc=1``, as Datasette's tables do) and names its downloads. An
answer with no rows says which single changes of a parameter would give some.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from urllib.parse import urlencode

from flask import url_for
from rdflib import Literal, URIRef
from rdflib.query import Result
from rdflib.term import Identifier

from fdigraph import formats, labels, queries
from fdigraph.errors import QueryParamError
from fdigraph.labels import Link, Runner, Text

Raw = dict[str, list[str]]
LANG_NAMES = {"en": Text("Tiếng Anh", "English"), "vi": Text("Tiếng Việt", "Vietnamese")}
TYPES_VI = {
    "xsd:string": "một chuỗi ký tự",
    "xsd:integer": "một số nguyên như 10",
    "xsd:decimal": "một số thập phân như 1.5",
    "xsd:date": "một ngày dạng YYYY-MM-DD",
    "xsd:gYear": "một năm dạng YYYY",
    "iri": "một IRI",
    "lang": "một mã ngôn ngữ như en hoặc vi",
}
INPUT_TYPES = {"xsd:integer": "number", "xsd:decimal": "text", "xsd:date": "date"}
MAX_TRIES = 60  # queries run to find values that give rows, at most
TRY_SECONDS = 1.5
MAX_SUGGESTIONS = 8  # per parameter
MAX_LABELLED = 2000  # IRIs in a table looked up for their labels
_NAMED = re.compile(r"^(?:unknown )?parameter '([^']+)'")


@dataclass(frozen=True)
class Choice:
    value: str
    label: Text


@dataclass
class Field:
    """One parameter in the form: its current values, choices and any message."""

    param: queries.Param
    values: list[str]
    choices: list[Choice] = field(default_factory=list)
    error: Text | None = None

    @property
    def control(self) -> str:
        """``select``, ``checks`` (several choices), ``list`` (several typed) or ``text``."""
        if self.choices:
            return "checks" if self.param.multiple else "select"
        return "list" if self.param.multiple else "text"

    @property
    def input_type(self) -> str:
        return INPUT_TYPES.get(self.param.type, "text")

    @property
    def expects(self) -> Text:
        vi = TYPES_VI[self.param.type]
        if self.param.type == "iri" and self.param.namespace:
            vi = f"một khóa trong {self.param.namespace} hoặc một IRI bắt đầu bằng nó"
        return Text(vi, self.param.expects)


@dataclass(frozen=True)
class Cell:
    text: str
    link: str = ""
    title: str = ""
    lang: str = ""


@dataclass(frozen=True)
class Suggestion:
    param: str
    label: Text
    url: str


@dataclass
class View:
    """Everything the template shows."""

    query: queries.SavedQuery
    fields: list[Field]
    error: Text | None = None
    form: str = ""
    columns: list[str] = field(default_factory=list)
    rows: list[list[Cell]] = field(default_factory=list)
    answer: bool | None = None
    sort: str = ""
    desc: bool = False
    downloads: list[tuple[str, str]] = field(default_factory=list)
    editor: str = ""
    suggestions: list[Suggestion] = field(default_factory=list)
    ran: bool = False


def page_raw(query: queries.SavedQuery, args: Mapping[str, Sequence[str]], lang: str) -> Raw:
    """The query's parameters from a page's URL: no ``_`` options, the page's language.

    ``lang`` is the page's language switch as well as a parameter of most queries; a
    query without that parameter ignores it, one with it follows the page when unset.
    """
    names = {p.name for p in query.params}
    raw = {k: list(v) for k, v in args.items() if not k.startswith("_")}
    if "lang" not in names:
        raw.pop("lang", None)
    elif not [v for v in raw.get("lang", ()) if v]:
        raw["lang"] = [lang]
    return raw


def choices(run: Runner, param: queries.Param, base_iri: str) -> list[Choice]:
    """The values offered for ``param``: allowed ones, else things of its class."""
    if param.type == "lang":
        return [Choice(v, LANG_NAMES.get(v, Text.same(v))) for v in param.allowed]
    if param.type != "iri":
        return [Choice(v, Text.same(v)) for v in param.allowed]
    ns = param.namespace_iri(base_iri)
    if param.allowed:
        iris = [v if ":" in v else ns + v for v in param.allowed]
        names = labels.lookup(run, iris)
        links = [names[i] for i in iris]
    elif param.cls:
        links = labels.instances(run, param.cls)
    else:
        return []
    return [Choice(key(link.iri, ns), link.label) for link in links]


def key(iri: str, namespace: str) -> str:
    """An IRI as a form value: its key under the namespace when it has one."""
    return iri[len(namespace) :] if namespace and iri.startswith(namespace) else iri


def fields(query: queries.SavedQuery, raw: Raw, run: Runner, base_iri: str) -> list[Field]:
    """The form's fields with their current values (given, else defaults) and choices."""
    found = []
    for p in query.params:
        given = [v for v in raw.get(p.name, ()) if v != ""]
        values = given or list(p.default)
        ns = p.namespace_iri(base_iri) if p.type == "iri" else ""
        found.append(Field(p, [key(v, ns) for v in values], choices(run, p, base_iri)))
    return found


def field_errors(query: queries.SavedQuery, raw: Raw, base_iri: str) -> dict[str, Text]:
    """A message for each parameter whose given value its type or choices refuse."""
    errors: dict[str, Text] = {}
    for p in query.params:
        given = [v for v in raw.get(p.name, ()) if v != ""]
        if len(given) > 1 and not p.multiple:
            errors[p.name] = Text(
                f"Chỉ nhận một giá trị, có {len(given)}.", f"Takes one value, got {len(given)}."
            )
            continue
        for v in given:
            try:
                p.term(v, base_iri)
            except QueryParamError as err:
                f = Field(p, given)
                errors[p.name] = Text(f"Cần {f.expects.vi}; nhận được “{v}”.", err.message)
                break
    return errors


def error_field(err: QueryParamError) -> str:
    """The parameter a message from the query runner names, if any."""
    found = _NAMED.match(err.message)
    return found.group(1) if found else ""


def table(
    result: Result, run: Runner, lang: str
) -> tuple[list[str], list[list[Cell]], bool | None]:
    """Columns, rows of cells (IRIs labelled and linked here) and an ASK answer."""
    from fdigraph.web.pages import href

    if result.type == "ASK":
        return [], [], bool(result.askAnswer)
    columns, terms = queries.rows(result)
    iris = list(dict.fromkeys(str(t) for row in terms for t in row if isinstance(t, URIRef)))
    names = labels.lookup(run, iris[:MAX_LABELLED]) if iris else {}
    return columns, [[_cell(t, names, href, lang) for t in row] for row in terms], None


def _cell(
    term: Identifier | None, names: dict[str, Link], href: Callable[[str], str], lang: str
) -> Cell:
    if term is None:
        return Cell("")
    if isinstance(term, URIRef):
        iri = str(term)
        link = names.get(iri)
        return Cell(link.label.get(lang) if link else labels.short(iri), href(iri), iri)
    lang = term.language or "" if isinstance(term, Literal) else ""
    return Cell(str(term), lang=lang)


def sort_rows(columns: list[str], rows: list[list[Cell]], by: str, desc: bool) -> list[list[Cell]]:
    """Rows by the column ``by`` (numbers as numbers), empty cells last either way."""
    if by not in columns:
        return rows
    i = columns.index(by)
    full = [r for r in rows if r[i].text]
    empty = [r for r in rows if not r[i].text]
    return sorted(full, key=lambda r: _order(r[i].text), reverse=desc) + empty


def _order(text: str) -> tuple[int, Decimal, str]:
    try:
        return (0, Decimal(text), "")
    except InvalidOperation:
        return (1, Decimal(0), text.casefold())


def downloads(query: queries.SavedQuery, raw: Raw) -> list[tuple[str, str]]:
    """(format name, URL) for every format on offer, with the page's parameter values."""
    tail = urlencode([(k, v) for k, vs in raw.items() for v in vs if v], doseq=True)
    return [
        (
            f.label,
            url_for("queries.run_query", name=f"{query.name}.{f.suffix}")
            + (f"?{tail}" if tail else ""),
        )
        for f in formats.SAVED
    ]


def suggest(
    query: queries.SavedQuery,
    raw: Raw,
    form: list[Field],
    has_rows: Callable[[Raw], bool],
) -> list[Suggestion]:
    """Single changes of one parameter that give rows, tried in a bounded number of runs."""
    found: list[Suggestion] = []
    tries, until = 0, time.monotonic() + TRY_SECONDS
    for f in form:
        p = f.param
        if p.type == "lang":
            continue
        candidates: list[tuple[str, Text]] = [
            (c.value, c.label) for c in f.choices if c.value not in f.values
        ]
        if not f.choices and list(p.default) != f.values and p.default:
            candidates.append((p.default[0], Text.same(p.default[0])))
        if not p.required and f.values and not p.default:
            candidates.insert(0, ("", Text("(bỏ trống)", "(left empty)")))
        mine = 0
        for value, label in candidates:
            if tries >= MAX_TRIES or time.monotonic() > until or mine >= MAX_SUGGESTIONS:
                break
            changed = {**raw, p.name: [value]}
            tries += 1
            try:
                if not has_rows(changed):
                    continue
            except QueryParamError:
                continue
            mine += 1
            args = [(k, v) for k, vs in changed.items() for v in vs if v]
            url = url_for("queries.run_query", name=query.name) + "?" + urlencode(args)
            shown = label if value == "" or label.vi == value else _with_key(label, value)
            found.append(Suggestion(p.name, shown, url))
    return found


def _with_key(label: Text, value: str) -> Text:
    return Text(f"{label.vi} ({value})", f"{label.en} ({value})")
