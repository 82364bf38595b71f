"""Settings: one table of names, defaults and help, read from ``FDIGRAPH_*`` variables.

The same table feeds the web app factory, the CLI's ``--help`` and the README check in
``tests/test_docs.py``, so a setting cannot exist without being documented.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fdigraph.errors import ConfigError


def project_root() -> Path:
    """The folder holding ``ontology/``, ``data/`` and ``queries/``.

    ``FDIGRAPH_ROOT`` wins; otherwise the source checkout this package was installed
    from (an editable install), otherwise the current directory.
    """
    env = os.environ.get("FDIGRAPH_ROOT")
    if env:
        return Path(env).resolve()
    checkout = Path(__file__).resolve().parents[2]
    if (checkout / "ontology" / "fdi.ttl").is_file():
        return checkout
    return Path.cwd()


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str

    @property
    def env(self) -> str:
        return f"FDIGRAPH_{self.name}"


SETTINGS: tuple[Setting, ...] = (
    Setting("BASE_IRI", "https://fdigraph.example/", "Base of every IRI the build mints."),
    Setting("DATA_DIR", "data", "Curated fact files, article texts and reference data."),
    Setting("ONTOLOGY_DIR", "ontology", "fdi.ttl (the ontology) and shapes.ttl (SHACL)."),
    Setting("QUERIES_DIR", "queries", "Saved .rq query files."),
    Setting("DIST_DIR", "dist", "Where `fdigraph build` writes files and the store."),
    Setting("STORE_PATH", "", "On-disk Oxigraph store to serve; default DIST_DIR/store."),
    Setting("QUERY_TIMEOUT", 10.0, "Seconds a query may run before it is stopped (503)."),
    Setting(
        "MAX_QUERY_MEMORY",
        2048,
        "MiB of memory a worker's running queries may add to it before they are stopped (503).",
    ),
    Setting(
        "EXPENSIVE_AFTER",
        1.0,
        "Seconds after which a running query is expensive: low priority, one slot kept free.",
    ),
    Setting("MAX_ROWS", 10000, "Most result rows (or triples) one response carries."),
    Setting("MAX_QUERY_LENGTH", 65536, "Longest query text accepted, in characters."),
    Setting("MAX_NESTING", 64, "Deepest nesting of braces and brackets in a query."),
    Setting("MAX_TRIPLE_PATTERNS", 64, "Most triple patterns in a query."),
    Setting("MAX_EXPRESSION_LENGTH", 1000, "Most operators in one expression of a query."),
    Setting("MAX_COLLECTION_LENGTH", 64, "Most members of one RDF collection in a query."),
    Setting("MAX_REQUEST_BYTES", 1048576, "Largest request body accepted (413 above)."),
    Setting(
        "HEADER_TIMEOUT",
        10.0,
        "Seconds a client may take to send a request's headers (408 after).",
    ),
    Setting("SERVICE_ALLOWLIST", "", "Space-separated endpoints SERVICE may call; empty: none."),
    Setting(
        "STORE_CHECK_SECONDS",
        60.0,
        "Most seconds the start-up check of the store's checksums may take.",
    ),
    Setting("IN_MEMORY", True, "Copy the read-only store into memory at start (faster)."),
    Setting("CACHE_SIZE", 512, "Responses kept per worker, keyed by build and request."),
    Setting("WORKERS", 2, "Server worker processes."),
    Setting(
        "FRONT",
        "auto",
        "nginx in front, answering repeated GETs itself: auto (when installed), nginx or none.",
    ),
    Setting("CORS_ORIGINS", "*", "Value of Access-Control-Allow-Origin."),
    Setting("ENDPOINT", "", "SPARQL query URL of a remote store to serve instead of the store."),
    Setting(
        "ENDPOINT_GRAPHS",
        "",
        "Default graph in front of ENDPOINT: empty, every named graph; `union`; or graph IRIs.",
    ),
    Setting("ENDPOINT_REFRESH", 30.0, "Seconds between checks of the remote data's fingerprint."),
)

DEFAULTS: dict[str, Any] = {s.name: s.default for s in SETTINGS}


def _coerce(setting: Setting, raw: str) -> Any:
    default = setting.default
    try:
        if isinstance(default, bool):
            if raw.lower() in {"1", "true", "yes", "on"}:
                return True
            if raw.lower() in {"0", "false", "no", "off"}:
                return False
            raise ValueError(raw)
        if isinstance(default, int):
            return int(raw)
        if isinstance(default, float):
            return float(raw)
    except ValueError:
        kind = type(default).__name__
        raise ConfigError(f"{setting.env}={raw!r} is not a valid {kind}") from None
    return raw


def load(environ: Mapping[str, str] | None = None, **overrides: Any) -> dict[str, Any]:
    """Defaults, then ``FDIGRAPH_*`` environment variables, then ``overrides``."""
    env = os.environ if environ is None else environ
    values = dict(DEFAULTS)
    for setting in SETTINGS:
        if setting.env in env:
            values[setting.name] = _coerce(setting, env[setting.env])
    for key, value in overrides.items():
        if key not in DEFAULTS:
            raise ConfigError(f"unknown setting {key!r}")
        values[key] = value
    base = str(values["BASE_IRI"])
    if not base.endswith("/") or "://" not in base:
        raise ConfigError(f"BASE_IRI must be an absolute IRI ending in '/': {base!r}")
    return values


def resolve_path(values: Mapping[str, Any], name: str) -> Path:
    """A path setting, relative to the project root unless absolute."""
    if name == "STORE_PATH" and not values.get("STORE_PATH"):
        return resolve_path(values, "DIST_DIR") / "store"
    path = Path(str(values[name]))
    return path if path.is_absolute() else project_root() / path
