"""The on-disk Oxigraph store: written new and swapped in, opened read-only.

This is the only module that names Oxigraph. A build writes a complete store into a
fresh directory ``store-<build>`` and then atomically repoints the ``store`` symlink at
it, so a failed or interrupted build never touches the store being served. Readers
open the store read-only; several processes may do so at once.

A server takes a *lease* on the directory it serves (a shared ``flock`` on its manifest,
held by the arbiter and its workers until the last of them ends); a build never removes
a leased directory. The manifest also keeps the SHA-256 of every data file, which a
server checks before it serves, so a damaged store refuses to start.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import time
import weakref
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
            manifest = {**asdict(info), "files": _digests(tmp)}
            (tmp / MANIFEST).write_text(
                json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8"
            )
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
    """Remove old builds beyond the newest KEEP_PREVIOUS ones (never ``keep``, never leased)."""
    builds = [
        p
        for p in store_path.parent.glob(f"{store_path.name}-*")
        if p.is_dir() and p != keep and (p / MANIFEST).is_file()
    ]
    builds.sort(key=lambda p: (p / MANIFEST).stat().st_mtime, reverse=True)
    for old in builds[KEEP_PREVIOUS:]:
        try:
            fd = os.open(old / MANIFEST, os.O_RDONLY)
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # held while removing
        except BlockingIOError:
            continue  # a running server holds it
        else:
            shutil.rmtree(old, ignore_errors=True)
        finally:
            os.close(fd)


class Lease:
    """A server's hold on a store directory: builds leave it alone while any process has it."""

    def __init__(self, store_dir: Path) -> None:
        self.path = store_dir
        try:
            self.fd = os.open(store_dir / MANIFEST, os.O_RDONLY)
        except OSError as err:
            raise StoreError(f"no store at {store_dir}: {err.strerror}") from None
        try:
            fcntl.flock(self.fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(self.fd)
            raise StoreError(
                f"{store_dir} is being removed by a build; serve the new one"
            ) from None
        if not (store_dir / MANIFEST).is_file():  # removed just before the lease was taken
            os.close(self.fd)
            raise StoreError(f"{store_dir} was removed by a build; serve the new one")
        weakref.finalize(self, os.close, self.fd)  # an app dropped in tests lets it go


# RocksDB's own log and lock, and what fdigraph adds beside the data, change or appear
# after the build; everything else in the directory is data.
_NOT_DATA = frozenset({"LOCK", "LOG", MANIFEST, "void.ttl"})


def _data_files(store_dir: Path) -> list[Path]:
    return sorted(
        p
        for p in store_dir.iterdir()
        if p.is_file() and p.name not in _NOT_DATA and not p.name.startswith("LOG.old")
    )


def _digest(path: Path) -> str:
    with path.open("rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def _digests(store_dir: Path) -> dict[str, list[int | str]]:
    return {p.name: [p.stat().st_size, _digest(p)] for p in _data_files(store_dir)}


@dataclass(frozen=True)
class Check:
    """What the start-up check of a store read, for ``/health``."""

    method: str
    files: int
    bytes: int
    seconds: float
    complete: bool


def verify(store_dir: Path, *, budget: float) -> Check:
    """Check a store before serving it; StoreError names the first damage found.

    With the checksums its build wrote, every data file is read and compared. A store
    made before checksums were kept is scanned instead (RocksDB checks each block it
    reads). Either stops after ``budget`` seconds and says it did not finish.
    """
    started = time.monotonic()
    manifest = json.loads((store_dir / MANIFEST).read_text(encoding="utf-8"))
    files: dict[str, list[int | str]] | None = manifest.get("files")
    if files is None:
        return _scan(store_dir, started, budget)
    done = size = 0
    for name, (length, digest) in sorted(files.items()):
        if time.monotonic() - started > budget:
            return Check("sha256", done, size, round(time.monotonic() - started, 3), False)
        path = store_dir / name
        if not path.is_file():
            raise StoreError(f"the store {store_dir} is damaged: {name} is missing; rebuild it")
        if path.stat().st_size != length or _digest(path) != digest:
            raise StoreError(
                f"the store {store_dir} is damaged: {name} does not match the checksum its "
                "build recorded; rebuild it (`fdigraph build`)"
            )
        done, size = done + 1, size + int(length)
    return Check("sha256", done, size, round(time.monotonic() - started, 3), True)


def _scan(store_dir: Path, started: float, budget: float) -> Check:
    try:
        disk = ox.Store.read_only(str(store_dir))
        quads = 0
        for quads, _ in enumerate(disk.quads_for_pattern(None, None, None, None), 1):
            if quads % 4096 == 0 and time.monotonic() - started > budget:
                return Check("scan", quads, 0, round(time.monotonic() - started, 3), False)
    except (OSError, RuntimeError) as err:
        raise StoreError(f"the store {store_dir} is damaged: {err}; rebuild it") from None
    return Check("scan", quads, 0, round(time.monotonic() - started, 3), True)


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
    try:
        memory.bulk_extend(disk.quads_for_pattern(None, None, None, None))
    except (OSError, RuntimeError) as err:  # RocksDB's "Corruption: block checksum mismatch"
        raise StoreError(f"the store {store_path} is damaged: {err}; rebuild it") from None
    del disk
    return memory


def as_dataset(store: ox.Store) -> Dataset:
    """An rdflib view (through oxrdflib) of a store, with the union as default graph."""
    from oxrdflib import OxigraphStore

    return Dataset(store=OxigraphStore(store=store), default_union=True)
