"""Send a built graph to an external triple store over the W3C protocols.

Two ways, both streamed from disk so a large graph is never held twice in memory:

* Graph Store HTTP Protocol: ``PUT <store>?graph=<g>`` replaces each named graph. Each
  PUT is atomic in the stores we know (Oxigraph, Fuseki); across graphs it is not, so the
  current content of each target graph is saved first and put back if a later graph fails.
* SPARQL 1.1 Update: every graph is loaded in batches into a staging graph, then one
  update request ``MOVE <staging> TO <g> ; ...`` swaps them all in at once. A failure
  while staging drops the staging graphs and leaves the targets untouched.
"""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from fdigraph.errors import FdigraphError

NTRIPLES = "application/n-triples"
CHUNK = 1 << 16
BATCH_BYTES = 4 << 20

Progress = Callable[[str], None]


class PublishError(FdigraphError):
    """Publishing failed; the message says what state the remote store is in."""

    code = "publish_failed"


@dataclass
class Report:
    method: str
    graphs: dict[str, int] = field(default_factory=dict)  # graph IRI -> triples sent


def split_graphs(nquads: Path, folder: Path, *, into: str | None = None) -> dict[str, Path]:
    """Split an N-Quads file into one N-Triples file per named graph (or all into ``into``)."""
    files: dict[str, Path] = {}
    handles = {}
    try:
        with nquads.open("rb") as source:
            for number, line in enumerate(source, start=1):
                line = line.strip()
                if not line or line.startswith(b"#"):
                    continue
                if not line.endswith(b"> ."):
                    raise PublishError(f"{nquads}:{number}: not an N-Quads line in a named graph")
                cut = line.rindex(b" <", 0, len(line) - 2)
                graph = into or line[cut + 2 : -3].decode()
                if graph not in handles:
                    files[graph] = folder / f"graph-{len(files)}.nt"
                    handles[graph] = files[graph].open("wb")
                handles[graph].write(line[:cut] + b" .\n")
    finally:
        for handle in handles.values():
            handle.close()
    return files


def _count(path: Path) -> int:
    with path.open("rb") as f:
        return sum(1 for line in f if line.strip())


def _stream(path: Path, progress: Progress | None, label: str) -> Iterator[bytes]:
    total, sent, shown = path.stat().st_size, 0, -10
    with path.open("rb") as f:
        while chunk := f.read(CHUNK):
            sent += len(chunk)
            percent = 100 * sent // max(total, 1)
            if progress and percent >= shown + 10:
                progress(f"{label}: {percent}% of {total} bytes")
                shown = percent
            yield chunk


def _check(response: httpx.Response, what: str) -> None:
    if response.status_code >= 400:
        body = response.text[:300].strip()
        raise PublishError(f"{what}: the store answered {response.status_code} {body}")


def publish_gsp(
    client: httpx.Client,
    store_url: str,
    files: dict[str, Path],
    *,
    progress: Progress | None = None,
) -> Report:
    """Replace each named graph with PUT, restoring earlier ones if a later one fails."""
    report = Report("graph-store-protocol")
    backups: dict[str, Path | None] = {}
    with tempfile.TemporaryDirectory(prefix="fdigraph-backup-") as scratch:
        try:
            for n, (graph, path) in enumerate(sorted(files.items())):
                backups[graph] = _backup(client, store_url, graph, Path(scratch) / f"{n}.nt")
                response = client.put(
                    store_url,
                    params={"graph": graph},
                    content=_stream(path, progress, graph),
                    headers={"Content-Type": NTRIPLES},
                )
                _check(response, f"PUT <{graph}>")
                report.graphs[graph] = _count(path)
        except (httpx.HTTPError, PublishError) as err:
            done = list(report.graphs)
            restored = _restore(client, store_url, {g: backups[g] for g in done})
            state = (
                "no graph was changed"
                if not done
                else f"{len(done)} graph(s) already replaced were {'restored' if restored else 'NOT restored: ' + ', '.join(done)}"
            )
            raise PublishError(f"publishing to {store_url} failed ({err}); {state}") from err
    return report


def _backup(client: httpx.Client, store_url: str, graph: str, path: Path) -> Path | None:
    """Save the current content of ``graph``; None when the store has no such graph."""
    with client.stream(
        "GET", store_url, params={"graph": graph}, headers={"Accept": NTRIPLES}
    ) as response:
        if response.status_code == 404:
            return None
        _check(response, f"GET <{graph}>")
        with path.open("wb") as f:
            for chunk in response.iter_bytes():
                f.write(chunk)
    return path


def _restore(client: httpx.Client, store_url: str, backups: dict[str, Path | None]) -> bool:
    try:
        for graph, path in backups.items():
            if path is None:
                _check(client.delete(store_url, params={"graph": graph}), f"DELETE <{graph}>")
            else:
                _check(
                    client.put(
                        store_url,
                        params={"graph": graph},
                        content=path.read_bytes(),
                        headers={"Content-Type": NTRIPLES},
                    ),
                    f"restore <{graph}>",
                )
    except (httpx.HTTPError, PublishError):
        return False
    return True


def _batches(path: Path, limit: int) -> Iterator[bytes]:
    batch: list[bytes] = []
    size = 0
    with path.open("rb") as f:
        for line in f:
            if not line.strip():
                continue
            batch.append(line)
            size += len(line)
            if size >= limit:
                yield b"".join(batch)
                batch, size = [], 0
    if batch:
        yield b"".join(batch)


def publish_update(
    client: httpx.Client,
    update_url: str,
    files: dict[str, Path],
    *,
    progress: Progress | None = None,
    batch_bytes: int = BATCH_BYTES,
) -> Report:
    """Stage every graph in batches, then swap all of them in with one update request."""
    report = Report("sparql-update")
    token = uuid.uuid4().hex[:12]
    staging = {g: f"urn:fdigraph:staging:{token}:{n}" for n, g in enumerate(sorted(files))}

    def update(text: bytes, what: str) -> None:
        response = client.post(
            update_url, content=text, headers={"Content-Type": "application/sparql-update"}
        )
        _check(response, what)

    try:
        for graph, path in sorted(files.items()):
            sent = 0
            for batch in _batches(path, batch_bytes):
                body = (
                    b"INSERT DATA { GRAPH <" + staging[graph].encode() + b"> {\n" + batch + b"} }"
                )
                update(body, f"staging <{graph}>")
                sent += batch.count(b"\n")
                if progress:
                    progress(f"{graph}: {sent} triples staged")
            report.graphs[graph] = sent
        swap = " ;\n".join(
            f"MOVE SILENT GRAPH <{staging[g]}> TO GRAPH <{g}>" for g in sorted(files)
        )
        update(swap.encode(), "swapping the staged graphs in")
    except (httpx.HTTPError, PublishError) as err:
        cleanup = " ;\n".join(f"DROP SILENT GRAPH <{s}>" for s in staging.values())
        try:
            update(cleanup.encode(), "dropping the staging graphs")
            state = "the target graphs are unchanged and the staging graphs were dropped"
        except (httpx.HTTPError, PublishError):
            state = f"the target graphs are unchanged; staging graphs urn:fdigraph:staging:{token}:* may remain"
        raise PublishError(f"publishing to {update_url} failed ({err}); {state}") from err
    return report


def publish(
    nquads: Path,
    *,
    store_url: str | None = None,
    update_url: str | None = None,
    graph: str | None = None,
    auth: tuple[str, str] | None = None,
    timeout: float = 60.0,
    progress: Progress | None = None,
) -> Report:
    """Publish the N-Quads of a build by the Graph Store protocol or SPARQL Update."""
    if not nquads.is_file():
        raise PublishError(f"{nquads} does not exist: run `fdigraph build` first")
    if not store_url and not update_url:
        raise PublishError(
            "give a Graph Store URL (--to) or an update endpoint (--update-endpoint)"
        )
    with tempfile.TemporaryDirectory(prefix="fdigraph-publish-") as scratch:
        files = split_graphs(nquads, Path(scratch), into=graph)
        with httpx.Client(auth=auth, timeout=timeout) as client:
            if update_url:
                return publish_update(client, update_url, files, progress=progress)
            assert store_url is not None
            return publish_gsp(client, store_url, files, progress=progress)
