"""The saved-query catalogue: ``queries/*.rq`` files, each with a ``#+`` metadata header.

The header is YAML behind ``#+`` (grlc's idea)::

    #+ title: {en: FDI by period, vi: Vốn FDI theo kỳ}
    #+ description: {en: ..., vi: ...}
    #+ tags: [fdi, periods]
    #+ params:
    #+   area: {type: iri, namespace: id/area/, class: fdi:Province, default: VN-54}

A header mistake is reported with the file and line, when the catalogue is loaded.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from fdigraph.errors import FdigraphError, Location, QueryError, UnknownQuery
from fdigraph.queries.params import TYPES, Param
from fdigraph.queries.text import VARNAME, query_form
from fdigraph.vocab import PREFIXES

LANGUAGES = ("en", "vi")
NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_HEADER_KEYS = {"title", "description", "tags", "params"}
_PARAM_KEYS = {
    "type", "description", "default", "allowed", "required", "multiple",
    "namespace", "class", "fold", "example",
}  # fmt: skip


class HeaderError(FdigraphError):
    """A saved query's ``#+`` header is malformed."""

    code = "query_header_error"


@dataclass(frozen=True)
class SavedQuery:
    """One saved query: its name, bilingual title and description, parameters and text."""

    name: str
    title: Mapping[str, str]
    description: Mapping[str, str]
    tags: tuple[str, ...]
    params: tuple[Param, ...]
    text: str
    form: str
    path: Path | None = None

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)

    def label(self, lang: str = "en") -> str:
        return self.title.get(lang) or self.title.get("en") or self.name


class Catalogue(Mapping[str, SavedQuery]):
    """Saved queries by name, in name order."""

    def __init__(self, queries: Mapping[str, SavedQuery]) -> None:
        self._queries = dict(sorted(queries.items()))

    def __getitem__(self, name: str) -> SavedQuery:
        try:
            return self._queries[name]
        except KeyError:
            raise UnknownQuery(f"no saved query named {name!r}") from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._queries)

    def __len__(self) -> int:
        return len(self._queries)


def load(folder: Path) -> Catalogue:
    """Every ``*.rq`` file in ``folder``, parsed and checked."""
    return Catalogue({p.stem: parse(p.read_text(encoding="utf-8"), p) for p in folder.glob("*.rq")})


def parse(source: str, path: Path | None = None, *, strict: bool = True) -> SavedQuery:
    """A saved query from the text of an ``.rq`` file; ``strict`` requires a full header."""
    name = path.stem if path else "query"
    where = Location(str(path) if path else name)
    header = [line for line in source.splitlines() if line.lstrip().startswith("#+")]
    body = "\n".join(ln for ln in source.splitlines() if not ln.lstrip().startswith("#+"))
    try:
        meta = yaml.safe_load("\n".join(ln.lstrip()[2:] for ln in header)) or {}
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = _header_line(source, mark.line) if mark else None
        raise HeaderError(f"header is not YAML: {err}", where=Location(where.file, line)) from None
    if not isinstance(meta, dict) or set(meta) - _HEADER_KEYS:
        raise HeaderError(f"header keys must be among {sorted(_HEADER_KEYS)}", where=where)
    if strict and not NAME.match(name):
        raise HeaderError(f"file name {name!r} must be lower-case words joined by '-'", where=where)
    try:
        form = query_form(body)
        title = _text(meta.get("title", {"en": name}), "title", strict)
        description = _text(meta.get("description", {"en": ""}), "description", strict)
        params = tuple(_param(n, s) for n, s in (meta.get("params") or {}).items())
    except QueryError as err:
        raise HeaderError(err.message, where=where) from None
    for param in params:
        if not re.search(rf"[?$]{param.name}\b", body):
            raise HeaderError(
                f"parameter {param.name!r} is not a variable of the query", where=where
            )
    tags = tuple(str(t) for t in meta.get("tags") or ())
    return SavedQuery(name, title, description, tags, params, body.strip() + "\n", form, path)


def _header_line(source: str, index: int) -> int:
    """1-based file line of the ``index``-th header line."""
    lines = [i for i, ln in enumerate(source.splitlines(), 1) if ln.lstrip().startswith("#+")]
    return lines[min(index, len(lines) - 1)] if lines else 1


def _text(value: Any, key: str, strict: bool) -> dict[str, str]:
    if isinstance(value, str):
        value = {"en": value}
    if not isinstance(value, dict):
        raise QueryError(f"{key} must map language tags to text")
    missing = [lang for lang in LANGUAGES if not value.get(lang)]
    if strict and missing:
        raise QueryError(f"{key} needs text in {', '.join(missing)}")
    return {str(k): " ".join(str(v).split()) for k, v in value.items()}


def _param(name: str, spec: Any) -> Param:
    if not isinstance(spec, dict) or not VARNAME.match(str(name)):
        raise QueryError(f"parameter {name!r} needs a mapping of settings and a variable name")
    if unknown := set(spec) - _PARAM_KEYS:
        raise QueryError(f"parameter {name!r}: unknown settings {sorted(unknown)}")
    kind = str(spec.get("type", ""))
    if kind not in TYPES:
        raise QueryError(f"parameter {name!r}: type must be one of {', '.join(TYPES)}")
    default = spec.get("default")
    defaults = tuple(str(v) for v in (default if isinstance(default, list) else [default]))
    cls = str(spec.get("class", ""))
    if ":" in cls and "://" not in cls:
        prefix, local = cls.split(":", 1)
        if prefix not in PREFIXES:
            raise QueryError(f"parameter {name!r}: unknown prefix in class {cls!r}")
        cls = PREFIXES[prefix] + local
    param = Param(
        name=str(name),
        type=kind,
        description=_text(spec.get("description", {"en": ""}), f"{name} description", False),
        default=defaults if default is not None else (),
        allowed=tuple(str(v) for v in spec.get("allowed") or ()),
        required=bool(spec.get("required", default is None)),
        multiple=bool(spec.get("multiple", False)),
        namespace=str(spec.get("namespace", "")),
        cls=cls,
        fold=bool(spec.get("fold", False)),
        example=str(spec.get("example", defaults[0] if default is not None else "")),
    )
    if kind == "iri" and not (param.namespace or param.allowed):
        raise QueryError(
            f"parameter {name!r}: an IRI parameter needs a namespace or allowed values"
        )
    if len(param.default) > 1 and not param.multiple:
        raise QueryError(f"parameter {name!r}: several defaults but not multiple")
    for value in (*param.default, *param.allowed, *([param.example] if param.example else [])):
        param.term(value, "https://example.org/")
    return param
