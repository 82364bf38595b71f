"""How the engine reads a query's text: SPARQL's terminals, its escapes, its SERVICE calls.

pyoxigraph 0.5 parses with spargebra, a PEG grammar run over the raw text. Four facts
about it decide what a check before the engine must do (each is tested against
pyoxigraph in tests/web/test_ssrf.py):

* ``\\u`` and ``\\U`` escapes are read only inside IRIs and strings. SPARQL 1.1 (§19.2)
  would unescape the whole text first; spargebra has that as an optional feature that
  pyoxigraph 0.5 is built without. Both readings are checked, so that neither an engine
  built with it nor one built without can run a call the check did not see.
* A keyword is matched by its letters alone, with no word boundary: ``trueSERVICE`` is
  the literal ``true`` followed by the keyword, and ``service:x`` can be ``SERVICE :x``.
* A comment runs to the next CR or LF, and ``\\#`` inside a prefixed name is part of it.
* Every terminal is greedy and never gives back what it matched (a PEG's repetitions),
  which possessive quantifiers reproduce here.

So the lexer below has one pattern per terminal, matched possessively, and a catch-all
that takes a single character it cannot read: it never skips text. ``service_calls``
then accounts for every occurrence of the letters ``service`` in the text: one inside a
comment, string, IRI, variable, blank node, language tag or the local part of a
prefixed name cannot be the keyword; the bare word ``SERVICE`` is a call; anything else
might be one, and is refused rather than guessed at.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

_BASE = (
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd"
)
_CHARS_U = _BASE + "_"
_CHARS = _CHARS_U + r"\-0-9\u00b7\u0300-\u036f\u203f-\u2040"
_UCHAR = r"\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}"
_ECHAR = r"""\\[tbnrf"'\\]"""
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
_PREFIX = rf"[{_BASE}][{_CHARS}]*+(?:\.++[{_CHARS}]++)*+"
_LOCAL = rf"(?:[{_CHARS_U}:0-9]|{_PLX})(?:[{_CHARS}:]|{_PLX})*+(?:\.++(?:[{_CHARS}:]|{_PLX})++)?+"

TOKEN = re.compile(
    rf"""
    (?P<comment>\#[^\r\n]*+)
  | (?P<string>'''(?:(?:''|')?+(?:[^'\\]|{_ECHAR}|{_UCHAR}))*+'''
      |\"\"\"(?:(?:\"\"|\")?+(?:[^\"\\]|{_ECHAR}|{_UCHAR}))*+\"\"\"
      |'(?:[^'\\\r\n]|{_ECHAR}|{_UCHAR})*+'
      |\"(?:[^\"\\\r\n]|{_ECHAR}|{_UCHAR})*+\")
  | (?P<iri><(?:[^<>\"{{}}|^`\\\x00-\x20]|{_UCHAR})*+>)
  | (?P<var>[?$][{_CHARS_U}0-9][{_CHARS_U}0-9\u00b7\u0300-\u036f\u203f-\u2040]*+)
  | (?P<bnode>_:[{_CHARS_U}0-9][{_CHARS}]*+(?:\.++[{_CHARS}]++)*+)
  | (?P<langtag>@[a-zA-Z]++(?:-[a-zA-Z0-9]++)*+(?:--[a-zA-Z]++)?+)
  | (?P<pname>(?:{_PREFIX})?:(?:{_LOCAL})?)
  | (?P<number>[0-9]++(?:\.[0-9]*+)?+(?:[eE][+-]?+[0-9]++)?+|\.[0-9]++(?:[eE][+-]?+[0-9]++)?+)
  | (?P<word>[^\W\d]\w*+)
  | (?P<open>[{{(\[])
  | (?P<close>[}})\]])
  | (?P<op>&&|\|\||!=|<=|>=|\^\^|[=<>!+\-*/^|,;.?])
  | (?P<other>[^ \t\r\n])
    """,
    re.VERBOSE,
)
# The only characters no token takes: SPARQL's white space.

# The first keyword of a query, and the words that open an update (SPARQL 1.1 Update):
# both the endpoint (fdigraph.protocol) and the saved queries (fdigraph.queries.text) read
# a text's form with these.
QUERY_FORMS = frozenset({"SELECT", "CONSTRUCT", "DESCRIBE", "ASK"})
UPDATE_WORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}
)

_ESCAPE = re.compile(_UCHAR)
_LETTERS = re.compile("service", re.IGNORECASE)  # also matches look-alikes, such as ſ
_SAFE = frozenset({"comment", "string", "var", "bnode", "langtag", "iri"})


def tokens(text: str) -> list[re.Match[str]]:
    """The text's tokens, in order; between them only white space."""
    return list(TOKEN.finditer(text))


def where(text: str, pos: int) -> str:
    """``line L, column C`` of a position in ``text`` (both counted from 1)."""
    line = text.count("\n", 0, pos) + 1
    return f"line {line}, column {pos - (text.rfind(chr(10), 0, pos) + 1) + 1}"


def position(text: str, pos: int) -> tuple[int, int]:
    line = text.count("\n", 0, pos) + 1
    return line, pos - (text.rfind(chr(10), 0, pos) + 1) + 1


@dataclass(frozen=True)
class Reading:
    """One way an engine may read the client's text, and the way back to its positions."""

    text: str
    # (position here, position in the client's text, length there) of each replaced escape
    jumps: tuple[tuple[int, int, int], ...] = ()

    def origin(self, pos: int) -> int:
        """Where ``pos`` of this reading is in the client's text."""
        i = bisect.bisect_right(self.jumps, (pos, 1 << 62, 0)) - 1
        if i < 0:
            return pos
        here, there, length = self.jumps[i]
        return there if pos == here else there + length + (pos - here - 1)


def unescape(text: str) -> Reading:
    """SPARQL 1.1 §19.2: every ``\\uXXXX`` and ``\\UXXXXXXXX`` replaced, in one pass.

    A surrogate or a code point past U+10FFFF is left as written, as spargebra leaves it.
    """
    out: list[str] = []
    jumps: list[tuple[int, int, int]] = []
    last = size = 0
    for m in _ESCAPE.finditer(text):
        code = int(m.group()[2:], 16)
        if 0xD800 <= code <= 0xDFFF or code > 0x10FFFF:
            continue
        out.append(text[last : m.start()])
        size += m.start() - last
        jumps.append((size, m.start(), m.end() - m.start()))
        out.append(chr(code))
        size += 1
        last = m.end()
    out.append(text[last:])
    return Reading("".join(out), tuple(jumps))


def mentions_service(text: str) -> bool:
    """Whether the letters ``service`` are in the text, in any case, escaped or not.

    The cheap gate before the real check: without them no engine can run a SERVICE
    call. Escapes are undone again and again (``\\u005Cu0073`` and so on), more than any
    engine does, so that no way of writing the word is missed; past a few rounds the
    answer is yes, since each round costs a pass over the text and yes costs only the
    full check.
    """
    for _ in range(_ROUNDS):
        if _LETTERS.search(text):
            return True
        if "\\u" not in text and "\\U" not in text:
            return False
        again = unescape(text).text
        if again == text:
            return False
        text = again
    return True


_ROUNDS = 4


def readings(text: str) -> Iterator[Reading]:
    """The texts an engine may parse: the client's as written, and after §19.2."""
    yield Reading(text)
    if "\\u" in text or "\\U" in text:
        unescaped = unescape(text)
        if unescaped.text != text:
            yield unescaped


@dataclass(frozen=True)
class Call:
    """A SERVICE call: where its keyword is and the endpoint, if it names one plainly."""

    pos: int
    endpoint: str | None
    why: str = ""  # why the endpoint could not be told, when it is None


class Unreadable(Exception):
    """Text that mentions service but cannot be read with certainty: refuse it."""

    def __init__(self, pos: int, why: str) -> None:
        super().__init__(why)
        self.pos = pos
        self.why = why


def prefixes(toks: Sequence[re.Match[str]]) -> dict[str, list[str]]:
    """Every ``PREFIX p: <iri>`` declaration, each name with all the IRIs given it.

    PREFIX too is matched by its letters, so ``PREFIXex: <iri>`` declares ``ex:``; where
    such a token is there, no prefix can be trusted and all come back empty.
    """
    found: dict[str, list[str]] = {}
    for i, tok in enumerate(toks):
        word = tok.group().upper()
        if word.startswith("PREFIX") and word != "PREFIX" and tok.lastgroup in ("pname", "word"):
            return {}
        if tok.lastgroup == "word" and word == "PREFIX" and i + 2 < len(toks):
            name, iri = toks[i + 1], toks[i + 2]
            if name.lastgroup == "pname" and name.group().endswith(":") and iri.lastgroup == "iri":
                found.setdefault(name.group()[:-1], []).append(unescape(iri.group()[1:-1]).text)
    return found


def service_calls(text: str, toks: Sequence[re.Match[str]] | None = None) -> list[Call]:
    """Every SERVICE call in ``text`` as the engine reads it; raise :class:`Unreadable`
    where an occurrence of the letters ``service`` could be a call that cannot be told.
    """
    toks = tokens(text) if toks is None else toks
    starts = [t.start() for t in toks]
    calls: list[Call] = []
    for tok in toks:
        if tok.lastgroup == "other":
            raise Unreadable(tok.start(), f"{tok.group()!r} cannot be read here")
        if tok.lastgroup == "iri" and "'" in tok.group():
            # <a'b> may also be read as the operator < then a string: which one the
            # engine takes depends on where it is, and a lexer cannot know.
            raise Unreadable(tok.start(), "an IRI that contains ' (write it as %27)")
    declared: dict[str, list[str]] | None = None
    for found in _LETTERS.finditer(text):
        i = bisect.bisect_right(starts, found.start()) - 1
        tok = toks[i]
        kind = tok.lastgroup or ""
        if found.end() > tok.end():  # split between tokens: cannot be a keyword
            continue
        if kind in _SAFE:
            continue
        if kind == "pname" and found.start() > tok.start() + tok.group().index(":"):
            continue  # the local part of a prefixed name, which is read whole
        if kind == "word" and tok.group().upper() == "SERVICE":
            if declared is None:
                declared = prefixes(toks)
            calls.append(_call(toks, i, declared))
            continue
        shown = tok.group() if len(tok.group()) <= 40 else tok.group()[:40] + "…"
        raise Unreadable(
            found.start(), f"{shown!r} may be read as the keyword SERVICE followed by more"
        )
    return calls


def _next(toks: Sequence[re.Match[str]], i: int) -> int:
    """The index of the first token from ``i`` on that is not a comment."""
    while i < len(toks) and toks[i].lastgroup == "comment":
        i += 1
    return i


def _call(toks: Sequence[re.Match[str]], i: int, declared: Mapping[str, list[str]]) -> Call:
    pos = toks[i].start()
    j = _next(toks, i + 1)
    if j < len(toks) and toks[j].lastgroup == "word" and toks[j].group().upper() == "SILENT":
        j = _next(toks, j + 1)
    elif j < len(toks) and toks[j].group()[:6].upper() == "SILENT":
        # SILENT is matched by its letters too: SILENTex:a is SILENT then ex:a
        return Call(pos, None, f"the endpoint {toks[j].group()!r} may be read as SILENT and more")
    if j == len(toks):
        return Call(pos, None, "no endpoint")
    target = toks[j]
    if target.lastgroup == "iri":
        return Call(pos, unescape(target.group()[1:-1]).text)
    if target.lastgroup == "pname":
        prefix, _, local = target.group().partition(":")
        iris = declared.get(prefix, [])
        if len(set(iris)) != 1:
            return Call(pos, None, f"the prefix of {target.group()} is not declared once")
        return Call(pos, iris[0] + local.replace("\\", ""))
    if target.lastgroup == "var":
        return Call(pos, None, f"the endpoint is the variable {target.group()}")
    return Call(pos, None, f"the endpoint {target.group()!r} is not an IRI")
