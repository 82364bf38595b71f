"""The whole dataset as files: ``/download/NAME``, the dumps ``fdigraph build`` writes.

Only the names in :data:`DUMPS` are served, from the folder of the store link (``dist/``),
and only while that folder's ``build.json`` names the build this server holds: a rebuild
while serving replaces the files, and a dump of another build must never be sent under
this build's ETag. The build's output is byte-stable, so the build id and the name make
a strong ETag; conditional and range requests are answered by Werkzeug.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from flask import Blueprint, Response, current_app, request
from werkzeug.exceptions import NotFound
from werkzeug.wrappers import Response as BaseResponse
from werkzeug.wsgi import wrap_file

from fdigraph.web.cache import keep
from fdigraph.web.engine import Engine

bp = Blueprint("dumps", __name__)
GZIP = "application/gzip"
IANA = "http://www.iana.org/assignments/media-types/"


@dataclass(frozen=True)
class Kind:
    """One serialisation of the whole graph."""

    stem: str  # the file name in dist/
    media_type: str
    name: str  # what people call it
    quads: bool = False  # the named graphs kept (N-Quads)


KINDS = (
    Kind("fdigraph.ttl", "text/turtle", "Turtle"),
    Kind("fdigraph.nt", "application/n-triples", "N-Triples"),
    Kind("fdigraph.nq", "application/n-quads", "N-Quads", quads=True),
    Kind("fdigraph.jsonld", "application/ld+json", "JSON-LD"),
)
# Every name served, the gzipped twin first (the one to download).
DUMPS: dict[str, tuple[Kind, bool]] = {
    f"{k.stem}{'.gz' if zipped else ''}": (k, zipped) for k in KINDS for zipped in (True, False)
}


@dataclass(frozen=True)
class Dump:
    """A file of the served build, ready to be listed."""

    file: str  # e.g. fdigraph.ttl.gz
    kind: Kind
    gzipped: bool
    size: int

    @property
    def content_type(self) -> str:
        """What ``/download/FILE`` is sent as: the file itself, never re-encoded."""
        if self.gzipped:
            return GZIP
        charset = "; charset=utf-8" if self.kind.media_type != "application/ld+json" else ""
        return self.kind.media_type + charset

    def human_size(self, lang: str) -> str:
        """``65 KB``, ``1.5 MB`` (``1,5 MB`` in Vietnamese)."""
        value, unit = float(self.size), "B"
        for unit in ("B", "KB", "MB", "GB"):
            if value < 1000 or unit == "GB":
                break
            value /= 1000
        text = f"{value:.0f}" if unit in ("B", "KB") or value >= 10 else f"{value:.1f}"
        return f"{text.replace('.', ',') if lang == 'vi' else text} {unit}"


def folder(eng: Engine) -> Path | None:
    """Where the served build's dumps are (beside the store link), or None for a remote store."""
    if eng.remote:
        return None
    return Path(eng.path).parent


def _of_this_build(eng: Engine, where: Path) -> bool:
    try:
        found = json.loads((where / "build.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(found, dict) and found.get("build") == eng.info.build


def available(eng: Engine) -> list[Dump]:
    """The dumps of the build this server holds, in the order of :data:`DUMPS`."""
    where = folder(eng)
    if where is None or not _of_this_build(eng, where):
        return []
    out = []
    for file, (kind, zipped) in DUMPS.items():
        try:
            size = (where / file).stat().st_size
        except OSError:
            continue
        out.append(Dump(file, kind, zipped, size))
    return out


def _engine() -> Engine:
    found: Engine = current_app.extensions["fdigraph"]
    return found


@bp.route("/download/<name>")
def download(name: str) -> BaseResponse:
    """One dump, by its exact name; anything else is a 404."""
    if name not in DUMPS:  # the only names: no path is ever built from the request
        raise NotFound(f"no dump is called {name!r}; see /.well-known/void")
    eng = _engine()
    where = folder(eng)
    if where is None:
        raise NotFound("this server serves a remote store and has no dump of it")
    kind, zipped = DUMPS[name]
    try:
        opened: IO[bytes] = (where / name).open("rb")
    except OSError:
        raise NotFound(f"{name} was not written by this build") from None
    # Checked after opening: while build.json names this build, the file opened is its own
    # (a rebuild replaces build.json before the dumps).
    if not _of_this_build(eng, where):
        opened.close()
        raise NotFound(f"{name} of build {eng.info.build} is no longer on disk (rebuilt)")
    size = os.fstat(opened.fileno()).st_size
    dump = Dump(name, kind, zipped, size)
    response = Response(
        wrap_file(request.environ, opened),
        content_type=dump.content_type,
        direct_passthrough=True,
    )
    response.content_length = size
    response.set_etag(f"{eng.info.build}-{name}")
    response.headers["Cache-Control"] = "public, no-cache"
    keep()
    return response.make_conditional(request, accept_ranges=True, complete_length=size)
