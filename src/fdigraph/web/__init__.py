"""The web application: ``create_app(test_config=None)``, as in Flask's flaskr.

Settings come from the defaults, then ``FDIGRAPH_*`` variables, then ``test_config``
(which may also hold plain Flask keys such as ``TESTING``). Importing this package
opens nothing; ``create_app`` opens the built store read-only.
"""

from __future__ import annotations

import gzip
from collections.abc import Mapping
from typing import Any

from flask import Flask, Response, request

from fdigraph import config, protocol
from fdigraph.headers import CACHE_HEADER, EXPOSED, KEEP_SECONDS  # nginx and gunicorn too
from fdigraph.web import dumps, errors, meta, search_index, sparql
from fdigraph.web.body import WholeBody
from fdigraph.web.cache import CACHEABLE, ResponseCache
from fdigraph.web.engine import LRU, Engine

GZIP_MIN = 1024  # smaller bodies are not worth compressing
CACHE_BYTES = 64 * 1024 * 1024
_COMPRESSIBLE = ("text/", "application/")


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Build the Flask app over the store at STORE_PATH (default ``dist/store``).

    With ENDPOINT set, over that remote SPARQL endpoint instead (:mod:`fdigraph.web.remote`).
    """
    app = Flask(__name__)
    extra = dict(test_config or {})
    flask_only = {k: extra.pop(k) for k in list(extra) if k not in config.DEFAULTS}
    settings = config.load(**extra)
    app.config.update(settings)
    app.config.update(flask_only)
    app.config["MAX_CONTENT_LENGTH"] = int(settings["MAX_REQUEST_BYTES"])
    size = int(settings["CACHE_SIZE"])
    results, responses = LRU(size, CACHE_BYTES), LRU(size, CACHE_BYTES)
    if settings["ENDPOINT"]:
        from fdigraph.web.remote import RemoteEngine

        remote = RemoteEngine.open(settings)
        remote.caches += [results, responses]  # emptied when the remote data changes
        app.extensions["fdigraph"] = remote
    else:
        store_path = config.resolve_path(settings, "STORE_PATH")
        app.extensions["fdigraph"] = Engine.open(settings, store_path)
    app.extensions["fdigraph.results"] = results

    errors.register(app)
    app.before_request(_utf8_url)
    app.register_blueprint(sparql.bp)
    app.register_blueprint(meta.bp)
    app.register_blueprint(dumps.bp)
    app.after_request(_finish)
    _optional_blueprints(app)
    if settings["IN_MEMORY"] and not settings["ENDPOINT"]:  # before gunicorn forks: shared
        meta.prepare_void(app)
    if not settings["ENDPOINT"]:  # the search index of the build, found or made once
        search_index.prepare(app)
    # Behind nginx (fdigraph.front), for a build that cannot change while served.
    app.config["FRONT_CACHE"] = bool(app.config.get("FRONT_CACHE")) and not settings["ENDPOINT"]
    # outermost: a chunked body is read whole, and any body over the limit refused,
    # before the response cache or a view looks at the request
    app.wsgi_app = WholeBody(  # type: ignore[method-assign]
        ResponseCache(app.wsgi_app, responses, frozenset({"/sparql"})),
        app.config["MAX_CONTENT_LENGTH"],
    )
    return app


def _optional_blueprints(app: Flask) -> None:
    """Blueprints written alongside the endpoint (saved queries, pages) when present."""
    import importlib

    for name in ("catalogue", "pages"):
        try:
            module = importlib.import_module(f"fdigraph.web.{name}")
        except ModuleNotFoundError as err:
            if err.name != f"fdigraph.web.{name}":
                raise
            continue
        module.init_app(app)


def _utf8_url() -> None:
    """Refuse a URL whose query string is not UTF-8 once percent-decoded (``q=%FF``).

    Werkzeug replaces such bytes silently, so a search or a saved query would run on a
    value the client never sent: every route reads it as /sparql's parser does.
    """
    if not request.query_string.isascii() or b"%" in request.query_string:
        protocol.url_params(request.query_string)


def _finish(response: Response) -> Response:
    """CORS on every response (errors and preflights too), Vary, and gzip."""
    from flask import current_app

    origins = str(current_app.config["CORS_ORIGINS"]).split()
    headers = response.headers
    given = headers.get("Vary")
    vary = [v.strip() for v in given.split(",") if v.strip()] if given else []
    if "*" in origins:
        headers["Access-Control-Allow-Origin"] = "*"
    else:
        vary.append("Origin")
        if request.origin in origins:
            headers["Access-Control-Allow-Origin"] = request.origin
    headers["Access-Control-Expose-Headers"] = EXPOSED
    headers["X-Content-Type-Options"] = "nosniff"  # a result is never sniffed into HTML
    if request.method == "OPTIONS":
        headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
        headers["Access-Control-Allow-Headers"] = (
            request.headers.get("Access-Control-Request-Headers")
            or "Accept, Content-Type, If-None-Match"
        )
        headers["Access-Control-Max-Age"] = "86400"
    if request.path == "/sparql" or request.path.startswith("/.well-known/"):
        vary.append("Accept")
    if _gzip(response):
        vary.append("Accept-Encoding")
    if vary:
        headers["Vary"] = ", ".join(dict.fromkeys(vary))
    if (
        current_app.config["FRONT_CACHE"]
        and response.status_code == 200
        and request.environ.get(CACHEABLE)
    ):
        headers[CACHE_HEADER] = str(KEEP_SECONDS)  # nginx keeps it
    return response


def _gzip(response: Response) -> bool:
    """Compress a large body when the client accepts gzip; whether the body may vary."""
    if response.direct_passthrough or response.status_code != 200:
        return False
    length = response.content_length
    if length is not None and length < GZIP_MIN:
        return False
    if "Content-Encoding" in response.headers or not (response.mimetype or "").startswith(
        _COMPRESSIBLE
    ):
        return False
    body = response.get_data()
    if len(body) < GZIP_MIN:
        return False
    if request.accept_encodings["gzip"] > 0:
        response.set_data(gzip.compress(body, compresslevel=5, mtime=0))
        response.headers["Content-Encoding"] = "gzip"
    return True
