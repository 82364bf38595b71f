"""Serialise query results with Oxigraph's own writers, capped at a number of rows.

The cap is never silent: the caller learns that rows were cut, and where the format
has room for it the body says so too. Rows are counted in the bytes Oxigraph writes,
with a cheap count that can only overestimate; an exact scan that skips quoted
strings runs only when that count passes the cap, and serialisation stops as soon as
the cap is really passed, so a huge result never fills memory.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from itertools import islice

import pyoxigraph as ox

from fdigraph.formats import Format


@dataclass(frozen=True)
class _Rows:
    """How rows show in one results format."""

    mark: bytes  # appears once per row (or between rows), maybe also inside strings
    exact: re.Pattern[bytes] | None  # strings or marks; group 1 is a real mark
    before_first: int  # marks that precede the first row (a header line)
    joined: bool  # marks sit between rows (JSON) rather than one per row
    close: bytes  # written after the cut to end the document

    def over(self, marks: int, cap: int) -> bool:
        """Whether ``marks`` real marks prove more than ``cap`` rows."""
        return marks >= cap + (0 if self.joined else 1) + self.before_first

    def cut(self, positions: list[tuple[int, int]], cap: int) -> int:
        """Where to cut the body so that exactly ``cap`` rows are kept."""
        if self.joined:  # after the closing brace of the last kept row
            return positions[cap - 1][0] + 1
        if self.before_first:  # after the line ending of the last kept row
            return positions[cap + self.before_first - 1][1]
        return positions[cap][0]  # before the first dropped row


_ROWS: dict[str, _Rows] = {
    "json": _Rows(
        b"},{",
        re.compile(rb'"(?:[^"\\]|\\.)*(?:"|\Z)|(\},\{)', re.DOTALL),
        0,
        True,
        b']},"truncated":true}',
    ),
    "xml": _Rows(b"<result>", None, 0, False, b"<!-- truncated --></results></sparql>"),
    "tsv": _Rows(b"\n", None, 1, False, b""),
    "csv": _Rows(b"\r\n", re.compile(rb'"(?:[^"]|"")*(?:"|\Z)|(\r\n)', re.DOTALL), 1, False, b""),
}


class _Full(Exception):
    """Raised inside Oxigraph's writer to stop it once the cap is passed."""


class _CappedWriter:
    def __init__(self, rows: _Rows, cap: int) -> None:
        self.rows, self.cap = rows, cap
        self.chunks: list[bytes] = []
        self.approx = 0  # an upper bound of the real marks written so far
        self.tail = b""
        self.cut: int | None = None

    def write(self, chunk: bytes) -> int:
        data = bytes(chunk)
        self.approx += (self.tail + data).count(self.rows.mark)
        self.tail = data[-(len(self.rows.mark) - 1) :] if len(self.rows.mark) > 1 else b""
        self.chunks.append(data)
        if self.rows.over(self.approx, self.cap):
            self._check()
        return len(data)

    def flush(self) -> None:
        return None

    def _check(self) -> None:
        body = b"".join(self.chunks)
        self.chunks = [body]
        if self.rows.exact is None:
            positions = [(m.start(), m.end()) for m in re.finditer(re.escape(self.rows.mark), body)]
        else:
            positions = [m.span(1) for m in self.rows.exact.finditer(body) if m.group(1)]
        if self.rows.over(len(positions), self.cap):
            self.cut = self.rows.cut(positions, self.cap)
            raise _Full
        self.approx = len(positions)


@dataclass(frozen=True)
class Serialised:
    body: bytes
    truncated: bool = False


def solutions(results: ox.QuerySolutions, fmt: Format, cap: int) -> Serialised:
    """SELECT results in ``fmt``, at most ``cap`` rows."""
    rows = _ROWS[fmt.name]
    writer = _CappedWriter(rows, max(cap, 1))
    try:
        results.serialize(writer, format=fmt.oxigraph)  # type: ignore[arg-type]
    except _Full:
        assert writer.cut is not None
        return Serialised(b"".join(writer.chunks)[: writer.cut] + rows.close, True)
    return Serialised(b"".join(writer.chunks))


def boolean(result: ox.QueryBoolean, fmt: Format) -> Serialised:
    return Serialised(result.serialize(format=fmt.oxigraph))  # type: ignore[arg-type]


_COMMENT_FIRST = {"turtle", "ntriples", "nquads", "trig"}


def triples(
    results: Iterable[ox.Triple], fmt: Format, cap: int, prefixes: Mapping[str, str]
) -> Serialised:
    """CONSTRUCT or DESCRIBE results in ``fmt``, at most ``cap`` triples."""
    kept = list(islice(results, cap + 1))
    cut = len(kept) > cap
    body = ox.serialize(
        kept[:cap],
        format=fmt.oxigraph,  # type: ignore[arg-type]
        prefixes=dict(prefixes) if fmt.name in ("turtle", "trig", "rdfxml") else None,
    )
    assert body is not None
    if cut and fmt.name in _COMMENT_FIRST:
        body = f"# truncated: only the first {cap} triples\n".encode() + body
    return Serialised(body, cut)
