"""The saved-query API: ``/queries``, ``/queries/NAME[.suffix]`` and ``/openapi.json``.

Parameters come from the URL query string (repeat a key for a list); the format comes
from a suffix, so that a plain link fixes it, or else from Accept. Browsers get HTML.
Errors are raised as domain errors and answered by the app's one error handler.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import quote, urlencode

from flask import Blueprint, Flask, Response, current_app, request, url_for
from flask.typing import ResponseReturnValue
from rdflib import Graph
from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

from fdigraph import config, formats, queries
from fdigraph.errors import QueryError, QueryParamError, UnknownQuery
from fdigraph.formats import Format
from fdigraph.labels import Text
from fdigraph.web import query_page
from fdigraph.web.cache import keep

bp = Blueprint("queries", __name__, template_folder="templates")
HTML = "text/html"
T = TypeVar("T")


@dataclass(frozen=True)
class State:
    """What the views need: the catalogue, the graph, and how to run with a deadline."""

    catalogue: queries.Catalogue
    base_iri: str
    graph: Callable[[], Graph]
    deadline: Callable[[Callable[[], Any]], Any]
    etag: Callable[[tuple[Any, ...]], str] | None = None


def init_app(app: Flask, graph: Callable[[], Graph] | None = None) -> None:
    """Load the catalogue and register the blueprint.

    The graph is the SPARQL endpoint's store (``app.extensions["fdigraph"]``, run under
    its time limit) unless ``graph`` is given, as tests do.
    """
    from fdigraph.store import as_dataset

    settings = {**config.DEFAULTS, **{k: v for k, v in app.config.items() if k in config.DEFAULTS}}
    catalogue = queries.load(config.resolve_path(settings, "QUERIES_DIR"))
    deadline: Callable[[Callable[[], Any]], Any] = _now
    etag = None
    if graph is None:
        from fdigraph.web.engine import RUNNER, Engine

        engine: Engine = app.extensions["fdigraph"]

        views: dict[int, Graph] = {}

        def graph() -> Graph:
            store = engine.store()
            return views.setdefault(id(store), as_dataset(store))

        def deadline(job: Callable[[], Any]) -> Any:
            return RUNNER.run(job, engine.timeout)

        etag = engine.etag
    app.extensions["fdigraph.queries"] = State(
        catalogue, str(settings["BASE_IRI"]), graph, deadline, etag
    )
    app.register_blueprint(bp)


def _now(job: Callable[[], T]) -> T:
    return job()


def _state() -> State:
    found: State = current_app.extensions["fdigraph.queries"]
    return found


def _wants_html() -> bool:
    accept = request.headers.get("Accept") or ""
    best = parse_accept_header(accept, MIMEAccept).best_match([HTML, "application/json"])
    return best == HTML


@bp.route("/queries")
@bp.route("/queries.json", endpoint="list_json")
def list_queries() -> Response | str:
    """The catalogue: HTML for browsers, JSON otherwise."""
    keep()
    state = _state()
    if request.endpoint == "queries.list_queries" and _wants_html():
        from fdigraph.web.pages import render

        return render("queries.html", queries=list(state.catalogue.values()))
    body = {"queries": [_describe(q) for q in state.catalogue.values()]}
    return _json(body)


@bp.route("/queries/<name>")
def run_query(name: str) -> ResponseReturnValue:
    """Run one saved query with the URL's parameters, in the format asked for."""
    keep()
    state = _state()
    name, _, suffix = name.partition(".")
    query = state.catalogue[name]
    fmt = _pick(query, suffix)
    if fmt is None:
        return _page(state, query)
    raw = {key: request.args.getlist(key) for key in request.args}
    result = state.deadline(lambda: queries.run(state.graph(), query, raw, base_iri=state.base_iri))
    response = Response(queries.serialize(result, fmt), content_type=fmt.content_type)
    response.headers.add("Vary", "Accept")
    if state.etag is not None:
        response.headers["ETag"] = state.etag(("queries", name, request.query_string, fmt.name))
        response.headers["Cache-Control"] = "public, no-cache"
        return response.make_conditional(request)
    return response


def _page(state: State, query: queries.SavedQuery) -> Response:
    """The query's page: the form, then the answer, or the form with its messages (400)."""
    from fdigraph.web import editor
    from fdigraph.web.pages import language, render, rows

    lang = language()
    raw = query_page.page_raw(query, request.args.to_dict(flat=False), lang)
    run = rows()
    base = state.base_iri
    form = state.deadline(lambda: query_page.fields(query, raw, run, base))
    view = query_page.View(query, form)
    errors = query_page.field_errors(query, raw, base)
    result = None
    if not errors:
        try:
            result = state.deadline(lambda: queries.run(state.graph(), query, raw, base_iri=base))
        except QueryParamError as err:
            named = query_page.error_field(err)
            if named in {p.name for p in query.params}:
                errors[named] = Text(f"Giá trị không dùng được: {err.message}", err.message)
            else:
                view.error = Text(f"Truy vấn không chạy được: {err.message}", err.message)
    for f in form:
        f.error = errors.get(f.param.name)
    if result is None:
        return render("queries_run.html", status=400, view=view, sort_url=_sort_url)
    view.ran = True
    view.columns, cells, view.answer = query_page.table(result, run, lang)
    view.sort, view.desc = request.args.get("_sort", ""), request.args.get("_desc") == "1"
    view.rows = query_page.sort_rows(view.columns, cells, view.sort, view.desc)
    view.downloads = query_page.downloads(query, raw)
    text = queries.bound_text(query, raw, base)[0]
    title = urlencode({"tabTitle": query.title.get(lang) or query.name}, quote_via=quote)
    view.editor = url_for("sparql.sparql") + "#" + editor.share(text) + "&" + title
    if view.answer is None and not view.rows:

        def has_rows(changed: query_page.Raw) -> bool:
            found = state.deadline(
                lambda: queries.run(state.graph(), query, changed, base_iri=base)
            )
            return len(found) > 0

        view.suggestions = query_page.suggest(query, raw, form, has_rows)
    return render("queries_run.html", view=view, sort_url=_sort_url)


def _sort_url(column: str, desc: bool) -> str:
    """This page sorted by ``column``, in the order asked."""
    args = [(k, v) for k, vs in request.args.lists() if k not in {"_sort", "_desc"} for v in vs]
    args.append(("_sort", column))
    if desc:
        args.append(("_desc", "1"))
    return f"{request.path}?{urlencode(args)}"


@bp.route("/openapi.json")
def openapi() -> Response:
    """OpenAPI 3.1 description of the saved-query API."""
    keep()
    state = _state()
    doc = queries.openapi(
        state.catalogue.values(), base_iri=state.base_iri, server=request.script_root or "/"
    )
    return _json(doc)


def _pick(query: queries.SavedQuery, suffix: str) -> Format | None:
    """The format from the suffix, else from Accept; None means HTML."""
    offer = queries.offer(query.form)
    if suffix:
        try:
            return formats.negotiate(None, offer, suffix.lower())
        except QueryError:
            raise UnknownQuery(f"no format .{suffix}; use {_suffixes()}") from None
    return formats.negotiate(request.headers.get("Accept"), offer)


def _suffixes() -> str:
    return ", ".join(f".{f.suffix}" for f in formats.SAVED)


def _links(query: queries.SavedQuery, query_string: str) -> dict[str, str]:
    tail = f"?{query_string}" if query_string else ""
    return {
        f.suffix: url_for("queries.run_query", name=f"{query.name}.{f.suffix}") + tail
        for f in formats.SAVED
    }


def _describe(query: queries.SavedQuery) -> dict[str, Any]:
    return {
        "name": query.name,
        "title": dict(query.title),
        "description": dict(query.description),
        "tags": list(query.tags),
        "form": query.form,
        "url": url_for("queries.run_query", name=query.name, _external=True),
        "formats": _links(query, ""),
        "params": [
            {
                "name": p.name,
                "type": p.type,
                "expects": p.expects,
                "required": p.required and not p.default,
                "multiple": p.multiple,
                "default": list(p.default) if p.multiple else (p.default[0] if p.default else None),
                "allowed": list(p.allowed),
                "example": p.example,
                "description": dict(p.description),
            }
            for p in query.params
        ],
    }


def _json(body: Any) -> Response:
    text = json.dumps(body, ensure_ascii=False, indent=2) + "\n"
    return Response(text, content_type="application/json; charset=utf-8")
