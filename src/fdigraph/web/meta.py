"""About the service: ``/health`` and the VoID description at ``/.well-known/void``
(a page for browsers, RDF for everyone else)."""

from __future__ import annotations

import contextlib
import json
import threading
from dataclasses import asdict

import pyoxigraph as ox
from flask import Blueprint, Flask, Response, current_app, request, url_for
from werkzeug.wrappers import Response as BaseResponse

from fdigraph import formats, sandbox, void
from fdigraph.errors import FdigraphError
from fdigraph.web import dumps
from fdigraph.web.cache import keep
from fdigraph.web.engine import Engine

bp = Blueprint("meta", __name__)
_lock = threading.Lock()


def _engine() -> Engine:
    found: Engine = current_app.extensions["fdigraph"]
    return found


@bp.route("/health")
def health() -> Response:
    """Whether the store is open, how many triples it holds and which build it is."""
    eng = _engine()
    status = 200
    body: dict[str, object] = {"ok": True, "status": 200}
    try:
        eng.ping()
    except FdigraphError as err:  # a remote store down (502) or slow (504)
        status = err.status
        body.update(ok=False, status=status, code=err.code, error=err.message)
    except Exception as err:  # report, never crash the health check
        status = 503
        body.update(ok=False, status=status, store=f"unavailable: {err}")
    body.setdefault("store", "remote" if eng.remote else "open")
    checked = getattr(eng, "check", None)  # what was verified before serving (a local store)
    if checked is not None:
        body["checked"] = asdict(checked)
    body.update(
        in_memory=eng.in_memory,
        build=eng.info.build,
        triples=eng.info.triples,
        graphs=list(eng.info.graphs),
        # "on": this worker cannot open a network connection (fdigraph.sandbox)
        network_sandbox=sandbox.state,
    )
    response = Response(json.dumps(body) + "\n", status=status, mimetype="application/json")
    response.headers["Cache-Control"] = "no-store"
    return response


def prepare_void(app: Flask) -> list[ox.Triple]:
    """The VoID triples of the served build, found or made once (per build when remote).

    In order: ``void.ttl`` beside the store link (written by ``fdigraph build``), then
    ``void.ttl`` inside the store's own folder (a copy this function saved before),
    else computed from the store and saved there if the folder is writable. With
    IN_MEMORY the app factory calls this before gunicorn forks, so workers share it.
    """
    eng: Engine = app.extensions["fdigraph"]
    cached: tuple[str, list[ox.Triple]] | None = app.extensions.get("fdigraph.void")
    if cached is not None and cached[0] == eng.info.build:
        return cached[1]
    if eng.remote:  # computed from the remote data, again when its fingerprint changes
        build = eng.info.build
        base = eng.info.base_iri or app.config["BASE_IRI"]
        found = void.void_triples(eng.store(), base_iri=base, build=build, endpoint=None)
        app.extensions["fdigraph.void"] = (build, found)
        return found
    with _lock:
        ours = ox.Literal(eng.info.build)
        endpoint = ox.NamedNode(void.VOID + "sparqlEndpoint")
        triples: list[ox.Triple] = []
        saved = eng.path.resolve() / "void.ttl"
        for candidate in (eng.path.parent / "void.ttl", saved):
            if candidate.is_file():
                quads = list(ox.parse(path=str(candidate), format=ox.RdfFormat.TURTLE))
                if any(q.object == ours for q in quads):  # it describes this build
                    triples = [q.triple for q in quads if q.predicate != endpoint]
                    break
        if not triples:
            base = eng.info.base_iri or app.config["BASE_IRI"]
            triples = void.void_triples(
                eng.store(), base_iri=base, build=eng.info.build, endpoint=None
            )
            body = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=void.PREFIXES)
            with contextlib.suppress(OSError):  # a read-only folder: compute at next start
                saved.write_bytes(body or b"")
        app.extensions["fdigraph.void"] = (eng.info.build, triples)
        return triples


def _void_triples() -> list[ox.Triple]:
    return prepare_void(current_app)


@bp.route("/.well-known/void")
def well_known_void() -> BaseResponse:
    """VoID of the dataset, with this server's SPARQL endpoint and dumps added.

    A browser (text/html preferred to every RDF format, or ``?format=html``) gets a page
    that shows it, with the service description and the downloads.
    """
    keep()
    eng = _engine()
    triples = list(_void_triples())
    dataset = void.dataset_iri(eng.info.base_iri or current_app.config["BASE_IRI"])
    endpoint = ox.NamedNode(request.host_url + "sparql")
    triples.insert(1, ox.Triple(dataset, ox.NamedNode(void.VOID + "sparqlEndpoint"), endpoint))
    files = dumps.available(eng)
    links, described = void.dump_triples(
        dataset, [(dump_url(d.file), d.kind.media_type, d.gzipped, d.size) for d in files]
    )
    triples[2:2] = links
    triples += described
    if _wants_html():
        from fdigraph.web import void_page

        return void_page.page(triples, files, endpoint.value)
    fmt = formats.endpoint(request.headers.get("Accept"), "graph", request.args.get("format"))
    body = ox.serialize(triples, format=fmt.oxigraph, prefixes=void.PREFIXES)  # type: ignore[arg-type]
    response = Response(body, content_type=fmt.content_type)
    response.headers["ETag"] = eng.etag(("void", fmt.name, request.host_url))
    return response.make_conditional(request)


def dump_url(file: str) -> str:
    """The absolute URL of a dump on this server."""
    return url_for("dumps.download", name=file, _external=True)


def _wants_html() -> bool:
    """``?format=html``, or an Accept that prefers text/html to every RDF format."""
    asked = request.args.get("format")
    if asked:
        return asked == "html"
    if "html" not in (request.headers.get("Accept") or ""):
        return False
    if "pages" not in current_app.blueprints:  # the pages are optional (web/__init__.py)
        return False
    from fdigraph.web.editor import prefers_html

    return prefers_html()
