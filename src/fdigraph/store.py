"""The on-disk Oxigraph store: written new and swapped in, opened read-only.

This is the only module that names Oxigraph. A build writes a complete store into a
fresh directory ``store-<build>`` and then atomically repoints the ``store`` symlink at
it, so a failed or interrupted build never touches the store being served. Readers
open the store read-only; several processes may do so at once.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import Dataset

from fdigraph.errors import StoreError

MANIFEST = "FDIGRAPH_BUILD.json"
KEEP_PREVIOUS = 1


@dataclass(frozen=True)
class BuildInfo:
    """What a store holds: its build id (a content hash) and size."""

    build: str
    triples: int
    graphs: tuple[str, ...]
    base_iri: str = ""

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, sort_keys=True) + "\n"


def write_store(store_path: Path, build: str, fill: Callable[[ox.Store], BuildInfo]) -> Path:
    """Fill a new store with ``fill`` and swap it in at ``store_path``.

    ``fill`` loads the triples and returns the manifest to keep with them. ``store_path``
    becomes (or stays) a symlink to ``store-<build>`` beside it. The old store stays until
    the link has moved, and the one before it is kept for servers that still have it open.
    """
    parent = store_path.parent
    parent.mkdir(parents=True, exist_ok=True)
    if store_path.exists() and not store_path.is_symlink():
        raise StoreError(f"{store_path} exists and is not a store link made by fdigraph")
    final = parent / f"{store_path.name}-{build}"
    if not (final / MANIFEST).is_file():
        tmp = parent / f".{final.name}.tmp-{os.getpid()}"
        shutil.rmtree(tmp, ignore_errors=True)
        try:
            store = ox.Store(str(tmp))
            info = fill(store)
            store.flush()
            del store
            (tmp / MANIFEST).write_text(info.to_json(), encoding="utf-8")
            shutil.rmtree(final, ignore_errors=True)
            os.replace(tmp, final)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
    link_tmp = parent / f".{store_path.name}.link-{os.getpid()}"
    if link_tmp.is_symlink() or link_tmp.exists():
        link_tmp.unlink()
    os.symlink(final.name, link_tmp)
    os.replace(link_tmp, store_path)
    _prune(store_path, keep=final)
    return final


def _prune(store_path: Path, keep: Path) -> None:
    """Remove old builds beyond the newest KEEP_PREVIOUS ones (never ``keep``)."""
    builds = [
        p
        for p in store_path.parent.glob(f"{store_path.name}-*")
        if p.is_dir() and p != keep and (p / MANIFEST).is_file()
    ]
    builds.sort(key=lambda p: (p / MANIFEST).stat().st_mtime, reverse=True)
    for old in builds[KEEP_PREVIOUS:]:
        shutil.rmtree(old, ignore_errors=True)


def load_files(files: Iterable[Path], store_path: Path, *, graph: str | None = None) -> BuildInfo:
    """Load RDF files of any format Oxigraph reads into a new store at ``store_path``."""
    formats = []
    digest = hashlib.sha256()
    for file in files:
        fmt = ox.RdfFormat.from_extension(file.suffix.lstrip(".")) if file.suffix else None
        if fmt is None:
            raise StoreError(f"{file}: cannot tell the RDF format from the file name")
        formats.append((file, fmt))
        digest.update(file.read_bytes())
    to_graph = ox.NamedNode(graph) if graph else None

    def fill(store: ox.Store) -> BuildInfo:
        for file, fmt in formats:
            try:
                if fmt.supports_datasets or to_graph is None:
                    store.bulk_load(path=str(file), format=fmt)
                else:
                    store.bulk_load(path=str(file), format=fmt, to_graph=to_graph)
            except (OSError, SyntaxError, ValueError) as err:
                raise StoreError(f"{file}: {err}") from err
        names = (g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode))
        return BuildInfo(build=built, triples=len(store), graphs=tuple(sorted(names)))

    built = digest.hexdigest()[:16]
    write_store(store_path, built, fill)
    return build_info(store_path)


def build_info(store_path: Path) -> BuildInfo:
    """Read the manifest of the store at ``store_path``."""
    manifest = store_path / MANIFEST
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise StoreError(f"no store at {store_path}: run `fdigraph build` first") from None
    except (OSError, ValueError) as err:
        raise StoreError(f"{manifest}: unreadable manifest: {err}") from err
    return BuildInfo(
        build=data["build"],
        triples=int(data["triples"]),
        graphs=tuple(data.get("graphs", ())),
        base_iri=data.get("base_iri", ""),
    )


def open_read_only(store_path: Path, *, in_memory: bool = False) -> ox.Store:
    """Open a built store read-only, or copy it into memory (the copy is faster)."""
    build_info(store_path)
    try:
        disk = ox.Store.read_only(str(store_path.resolve()))
    except OSError as err:
        raise StoreError(f"cannot open store {store_path}: {err}") from err
    if not in_memory:
        return disk
    memory = ox.Store()
    memory.bulk_extend(disk.quads_for_pattern(None, None, None, None))
    del disk
    return memory


def as_dataset(store: ox.Store) -> Dataset:
    """An rdflib view (through oxrdflib) of a store, with the union as default graph."""
    from oxrdflib import OxigraphStore

    return Dataset(store=OxigraphStore(store=store), default_union=True)
