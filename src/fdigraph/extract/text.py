"""Text helpers that keep character offsets: diacritic folding, sentences, words.

Every helper returns spans of the original text, so a drafted quote can always be
located again with its ``start`` and ``end``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache


def fold_char(char: str) -> str:
    """One character, lowercased and without diacritics ('Đ' -> 'd', 'ắ' -> 'a')."""
    if char in "đĐ":
        return "d"
    base = unicodedata.normalize("NFD", char)[0]
    return base.lower() if len(base.lower()) == 1 else char


_TABLE: dict[int, str] = {}


@lru_cache(maxsize=32)
def fold(text: str) -> str:
    """Lowercase and strip Vietnamese diacritics, one character for one (offsets hold).

    Readers fold the same page many times over, so results are cached and characters are
    mapped through a table that grows with the characters seen.
    """
    for char in set(text):
        if ord(char) not in _TABLE:
            _TABLE[ord(char)] = fold_char(char)
    return text.translate(_TABLE)


def slug(text: str) -> str:
    """A key from a name: 'Vùng Trung du và miền núi phía Bắc' -> 'vung-trung-du-va-...'."""
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")


@dataclass(frozen=True)
class Span:
    """A stretch of the source text, by offsets into it."""

    start: int
    end: int
    text: str


# Not after the abbreviations of a name's prefix ("TP. Hồ Chí Minh", "TX. Từ Sơn", "TS.").
_SENTENCE_END = re.compile(
    r"(?<=[.!?…])(?<!\bTP\.)(?<!\bTp\.)(?<!\bTX\.)(?<!\bTT\.)(?<!\bTS\.)(?<!\bThS\.)"
    r"(?<!\bGS\.)(?<!\bQ\.)[\"\u201d\u2019']?\s+(?=[\"\u201c\u2018']?[A-ZĐÀ-Ỹ0-9])|\n+"
)


def sentences(text: str, start: int = 0, end: int | None = None) -> list[Span]:
    """Split ``text[start:end]`` into sentences; lines always end a sentence."""
    stop = len(text) if end is None else end
    out: list[Span] = []
    cursor = start
    for match in _SENTENCE_END.finditer(text, start, stop):
        if _LIST_NUMBER.fullmatch(text, cursor, match.start()) and "\n" not in match[0]:
            continue  # "1. Hà Nội: 4,1": a numbered line's number, not a sentence
        _add(out, text, cursor, match.start())
        cursor = match.end()
    _add(out, text, cursor, stop)
    return out


_LIST_NUMBER = re.compile(r"\s*\d{1,2}\.")


def _add(out: list[Span], text: str, begin: int, end: int) -> None:
    while begin < end and text[begin].isspace():
        begin += 1
    while end > begin and text[end - 1].isspace():
        end -= 1
    if end > begin:
        out.append(Span(begin, end, text[begin:end]))


def paragraphs(text: str, start: int = 0, end: int | None = None) -> list[Span]:
    """Blank-line separated blocks of ``text[start:end]``."""
    stop = len(text) if end is None else end
    out: list[Span] = []
    cursor = start
    for match in re.finditer(r"\n\s*\n", text[:stop]):
        if match.start() < start:
            continue
        _add(out, text, cursor, match.start())
        cursor = match.end()
    _add(out, text, cursor, stop)
    return out


def is_capitalised(word: str) -> bool:
    """True for 'Bắc', 'TP.', False for 'bắc'."""
    return bool(word) and word[0].isupper()


def word_before(text: str, index: int) -> str:
    """The word just before ``index`` with only spaces between, else ''."""
    match = re.search(r"(\w+)[ \t]+$", text[max(0, index - 40) : index])
    return match[1] if match else ""


def word_after(text: str, index: int) -> str:
    """The word just after ``index`` with only spaces between, else ''."""
    match = re.match(r"[ \t]+(\w+)", text[index : index + 40])
    return match[1] if match else ""
