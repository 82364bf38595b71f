"""The query editor for browsers: YASGUI at ``/sparql``, served from this server only.

A browser that asks for ``/sparql`` (no query, HTML preferred) gets the editor; every
other client keeps the endpoint's answer. YASGUI comes from the npm registry
(``npm ci`` in the checkout, see ``package.json``) and is served from ``node_modules``
here, never from a CDN. The saved queries are its ready examples, with their default
parameters bound; a small chart plugin of ours draws numeric results.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from flask import (
    Blueprint,
    Flask,
    Response,
    current_app,
    request,
    send_from_directory,
    url_for,
)
from flask import abort as flask_abort

from fdigraph import config, formats, queries
from fdigraph.errors import FdigraphError
from fdigraph.vocab import ONTOLOGY_IRI, PREFIXES
from fdigraph.web.cache import keep

bp = Blueprint("editor", __name__, template_folder="templates")
YASGUI = ("node_modules", "@zazuko", "yasgui", "build")
ASSETS = frozenset({"yasgui.min.js", "yasgui.min.css", "yasgui.min.js.map"})


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.before_request(_editor_for_browsers)


def yasgui_dir() -> Path:
    return config.project_root().joinpath(*YASGUI)


def prefers_html() -> bool:
    """An explicit text/html that beats every format the endpoint itself offers."""
    return formats.prefers_html(request.headers.get("Accept") or "")


def _editor_for_browsers() -> Response | None:
    if request.path != "/sparql" or request.method != "GET":
        return None
    if "html" not in (request.headers.get("Accept") or ""):  # cheap: most are clients
        return None
    if set(request.args) - {"lang"} or not prefers_html():
        return None
    return page()


def page() -> Response:
    """The editor, with the prefixes, the endpoint and the saved queries as examples."""
    from fdigraph.web.pages import base_iri, render

    prefixes = dict(PREFIXES)
    prefixes.update({k: f"{base_iri()}id/{k}/" for k in ("area", "concept", "obs", "period")})
    settings = {
        "endpoint": url_for("sparql.sparql", _external=True),
        "prefixes": prefixes,
        "examples": saved_queries(),
        "local": [
            [f"{base_iri()}id/", url_for("pages.home") + "id/"],
            [ONTOLOGY_IRI, url_for("pages.ontology")],
        ],
    }
    response = render(
        "page_editor.html",
        settings=json.dumps(settings, ensure_ascii=False).replace("</", "<\\/"),
        ready=(yasgui_dir() / "yasgui.min.js").is_file(),
    )
    response.headers["Vary"] = "Accept, Accept-Language, Cookie"
    return response


def share(query: str) -> str:
    """The URL fragment YASGUI reads to open a tab with ``query`` (``/sparql#...``)."""
    return urlencode({"query": query}, quote_via=quote)


@bp.route("/assets/yasgui/<name>")
def asset(name: str) -> Response:
    """YASGUI's built files, from the npm install in this checkout."""
    keep()
    if name not in ASSETS:
        flask_abort(404)
    return send_from_directory(yasgui_dir(), name, max_age=86400)


def saved_queries() -> list[dict[str, Any]]:
    """The saved queries, each with its text bound to default (or example) parameters."""
    cached: list[dict[str, Any]] | None = current_app.extensions.get("fdigraph.editor")
    if cached is not None:
        return cached
    state = current_app.extensions.get("fdigraph.queries")
    base = str(current_app.config["BASE_IRI"])
    try:
        catalogue = state.catalogue if state is not None else _load()
    except FdigraphError as err:
        current_app.logger.warning("saved queries unavailable: %s", err)
        catalogue = queries.Catalogue({})
    found = []
    for q in catalogue.values():
        found.append(
            {
                "name": q.name,
                "title": dict(q.title),
                "description": dict(q.description),
                "text": _bound(q, base),
            }
        )
    current_app.extensions["fdigraph.editor"] = found
    return found


def _load() -> queries.Catalogue:
    settings = {**config.DEFAULTS, **current_app.config}
    return queries.load(config.resolve_path(settings, "QUERIES_DIR"))


def _bound(query: queries.SavedQuery, base: str) -> str:
    """Defaults first; examples for required parameters; the raw text if neither binds."""
    for raw in ({}, {p.name: [p.example] for p in query.params if p.example}):
        try:
            return queries.bound_text(query, raw, base)[0]
        except FdigraphError:
            continue
    return query.text
