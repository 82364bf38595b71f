"""Pages for people and linked data for machines: ``/``, ``/id/...``, ``/def/fdi``, ``/search``.

Every IRI the build mints under the base IRI is served under this server's ``/id/``
(whatever host that is), so IRIs stay stable. Browsers get HTML in Vietnamese or
English (``?lang=``, remembered in a cookie); clients asking for Turtle, JSON-LD,
N-Triples or RDF/XML by Accept, a suffix (``.ttl``) or ``?format=`` get the resource's
description, made by the SPARQL endpoint's engine and serialisers.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlencode

from flask import Blueprint, Flask, Response, current_app, render_template, request, url_for
from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header
from werkzeug.wrappers import Response as BaseResponse

from fdigraph import chart, describe, formats, labels, overview, protocol, search
from fdigraph.errors import FdigraphError, UnknownQuery
from fdigraph.formats import Format
from fdigraph.headers import LANG_COOKIE
from fdigraph.vocab import ONTOLOGY_IRI, PREFIXES
from fdigraph.web import dumps, editor, search_index
from fdigraph.web.cache import keep
from fdigraph.web.engine import RUNNER, Engine

bp = Blueprint("pages", __name__, template_folder="templates")
HTML = "text/html"
T = TypeVar("T")


def init_app(app: Flask) -> None:
    """Register the pages, the editor at /sparql for browsers, and the template helpers."""
    app.register_blueprint(bp)
    editor.init_app(app)
    app.register_error_handler(404, _missing)
    app.register_error_handler(UnknownQuery, _missing)
    app.jinja_env.globals.update(href=href, bar_chart=chart.bar_chart, tr=tr, lang_url=lang_url)


def _engine() -> Engine:
    found: Engine = current_app.extensions["fdigraph"]
    return found


def base_iri() -> str:
    return _engine().info.base_iri or str(current_app.config["BASE_IRI"])


def _timed(job: Callable[[], T]) -> T:
    """Run ``job`` under the query time limit (it runs in another thread: no app context)."""
    eng = _engine()
    return RUNNER.run(job, eng.timeout)


def _search(app: Any, text: str) -> list[Any]:
    """Hits for ``text``. Making the index (once per process, from the store) runs under the
    time limit like any query; the lookups in an open index (FTS5 over quoted words, a few
    milliseconds) run here, so a search never waits for a slot behind queries that are
    waiting on a remote store."""
    index = search_index.ready(app)
    if index is None:
        index = _timed(lambda: search_index.index(app))
    return list(search.search(index, text))


def rows() -> labels.Runner:
    return labels.store_runner(_engine().store())


def href(iri: str) -> str:
    """Where a link to ``iri`` goes: this server for its own IRIs, else the IRI itself."""
    base = base_iri() + "id/"
    if iri.startswith(base):
        return url_for("pages.resource", path=iri[len(base) :])
    if iri == ONTOLOGY_IRI or iri.startswith(ONTOLOGY_IRI + "#"):
        return url_for("pages.ontology") + iri[len(ONTOLOGY_IRI) :]
    return iri


def language() -> str:
    """``?lang=``, else the cookie, else Accept-Language, else Vietnamese."""
    asked = request.args.get("lang") or request.cookies.get(LANG_COOKIE)
    if asked in labels.LANGS:
        return asked
    return request.accept_languages.best_match(labels.LANGS) or "vi"


def tr(vi: str, en: str) -> str:
    """The interface text in the page's language."""
    return en if language() == "en" else vi


def lang_url(lang: str) -> str:
    """This page in another language (the choice is then remembered)."""
    args = [(k, v) for k, vs in request.args.lists() if k != "lang" for v in vs]
    return f"{request.script_root}{request.path}?{urlencode([*args, ('lang', lang)])}"


def render(template: str, status: int = 200, **context: Any) -> Response:
    lang = language()
    body = render_template(template, lang=lang, **context)
    response = Response(body, status=status, content_type="text/html; charset=utf-8")
    if request.args.get("lang") in labels.LANGS:
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, samesite="Lax")
    response.headers["Vary"] = "Accept, Accept-Language, Cookie"
    response.headers["Content-Language"] = lang
    return response


def _negotiate(path: str) -> tuple[str, Format | None]:
    """Strip a format suffix; the format from it, ``?format=`` or Accept (None: HTML)."""
    stem, dot, suffix = path.rpartition(".")
    wanted = request.args.get("format")
    if dot and suffix in formats.PAGE.suffixes:
        path, wanted = stem, suffix
    return path, formats.negotiate(request.headers.get("Accept"), formats.PAGE, wanted)


def _rdf(query: str, fmt: Format, key: tuple[Any, ...]) -> BaseResponse:
    """The CONSTRUCT ``query`` through the endpoint's engine, in ``fmt``."""
    eng = _engine()
    shape = protocol.QueryShape("CONSTRUCT", False, dict(PREFIXES))
    answer = eng.evaluate(protocol.Operation(query), shape, fmt, request.base_url)
    response = Response(answer.body, content_type=fmt.content_type)
    response.headers["Vary"] = "Accept"
    response.headers["ETag"] = eng.etag((*key, fmt.name))
    return response.make_conditional(request)


@bp.route("/")
def home() -> BaseResponse:
    """What the graph holds, the saved queries and a search box."""
    keep()
    run = rows()
    info = _timed(lambda: overview.overview(run))
    eng = _engine()
    return render(
        "page_home.html",
        info=info,
        build=eng.info,
        queries=editor.saved_queries(),
        dumps=dumps.available(eng),
    )


@bp.route("/id/<path:path>")
def resource(path: str) -> BaseResponse:
    """A minted resource: HTML for browsers, its description in RDF for clients."""
    keep()
    path, fmt = _negotiate(path)
    iri = describe.resource_iri(base_iri(), path)
    if iri is None:
        return not_found(path)
    run = rows()
    if fmt is not None:
        if not _timed(lambda: describe.exists(run, iri)):
            return not_found(path)
        return _rdf(describe.description_query(iri), fmt, ("id", iri))
    found = _timed(lambda: describe.page(run, iri))
    if found is None:
        return not_found(path)
    editor_link = url_for("sparql.sparql") + "#" + editor.share(found.query)
    return render("page_resource.html", page=found, editor_link=editor_link)


@bp.route("/def/fdi", defaults={"suffix": ""})
@bp.route("/def/fdi.<suffix>")
def ontology(suffix: str) -> BaseResponse:
    """The ontology document: every term under an anchor, or the whole graph in RDF."""
    keep()
    if suffix and suffix not in formats.PAGE.suffixes:
        return not_found(f"def/fdi.{suffix}")
    _, fmt = _negotiate(f"fdi.{suffix}" if suffix else "fdi")
    run = rows()
    if fmt is not None:
        if not _timed(lambda: describe.exists(run, ONTOLOGY_IRI)):
            return not_found("def/fdi")
        return _rdf(describe.ontology_query(ONTOLOGY_IRI), fmt, ("def",))
    found = _timed(lambda: overview.ontology(run, ONTOLOGY_IRI))
    if found is None:
        return not_found("def/fdi")
    return render("page_ontology.html", onto=found)


@bp.route("/search")
def search_page() -> BaseResponse:
    """Search labels, quotes and text without caring about diacritics: HTML, or JSON."""
    keep()
    text = request.args.get("q", "")[:200]
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    hits = _search(app, text) if text else []
    accept = parse_accept_header(request.headers.get("Accept") or "", MIMEAccept)
    as_json = request.args.get("format") == "json" or (
        request.args.get("format") != "html"
        and accept.best_match([HTML, "application/json"]) == "application/json"
    )
    if not as_json:
        return render("page_search.html", q=text, hits=hits)
    body = {
        "query": text,
        "words": search.words(text),
        "hits": [
            {
                "iri": h.iri,
                "url": href(h.iri),
                "kind": h.kind,
                "label": {"vi": h.label_vi, "en": h.label_en},
                "score": h.score,
                "matched": h.matched,
                "passages": [
                    {
                        "field": p.field,
                        "iri": p.iri,
                        "url": href(p.iri),
                        "text": p.text,
                        "marks": [list(m) for m in p.marks],
                    }
                    for p in h.passages
                ],
            }
            for h in hits
        ],
    }
    text = json.dumps(body, ensure_ascii=False, indent=2) + "\n"
    response = Response(text, content_type="application/json; charset=utf-8")
    response.headers["Vary"] = "Accept"
    return response


def _browser() -> bool:
    """A client that prefers HTML to JSON, as browsers do (API clients keep JSON errors)."""
    accept = parse_accept_header(request.headers.get("Accept") or "", MIMEAccept)
    return "text/html" in accept.values() and accept.best_match([HTML, "application/json"]) == HTML


def _missing(err: Exception) -> Response:
    """Any 404 outside /id/: an HTML page for browsers, the JSON error shape otherwise."""
    from fdigraph.web.errors import error_response

    if _browser():
        return not_found(request.path.lstrip("/"))
    if isinstance(err, FdigraphError):
        return error_response(err.status, err.code, err.message)
    message = getattr(err, "description", None) or "not found"
    return error_response(404, "not_found", str(message))


def not_found(path: str) -> Response:
    """A 404 page that offers search (JSON for clients that do not want HTML)."""
    guess = " ".join(p for p in path.replace("-", " ").split("/")[-1:] if p)
    accept = parse_accept_header(request.headers.get("Accept") or "", MIMEAccept)
    if request.headers.get("Accept") and accept.best_match([HTML, "application/json"]) != HTML:
        from fdigraph.web.errors import error_response

        return error_response(404, "not_found", f"nothing is known about /{path}")
    shown = request.path.lstrip("/")
    about = shown.startswith(("id/", "def/"))
    return render("page_404.html", status=404, path=shown, about_graph=about, q=guess)
