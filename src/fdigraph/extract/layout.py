"""The layout of a news page: title, main article, byline, and related-news teasers.

After the byline come boilerplate lines and section headers ("Tin mới nhất", "Tin cùng
chuyên mục"); each teaser there is its headline (often printed twice, the first time
cut short) and then a one-sentence summary. Inside the article, an unpunctuated line
that glues headlines together ("... vốn đầu tư Bắc Giang tăng cường ...") is a block of
related links.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from itertools import pairwise

from fdigraph.extract.places import find_places
from fdigraph.extract.quantities import find_quantities
from fdigraph.extract.text import Span, fold, slug

SECTIONS: dict[str, str] = {
    "tin moi nhat": "latest",
    "co the ban quan tam": "latest",
    "tin cung chuyen muc": "same-topic",
    "bai viet cung chu de": "same-topic",
    "tin lien quan": "related-link",
    "bai viet lien quan": "related-link",
    "doc them": "related-link",
}
_STOP = ("ban thay bai viet nay", "xem them", "mobile ver", "phien ban di dong")


@dataclass(frozen=True)
class TeaserBlock:
    """A related-news teaser: headline and optional summary, as spans of the page."""

    id: str
    section: str
    headline: Span
    summary: Span | None
    about: tuple[str, ...]

    @property
    def spans(self) -> tuple[Span, ...]:
        return (self.headline,) if self.summary is None else (self.headline, self.summary)


@dataclass(frozen=True)
class Layout:
    """Where the parts of a page are."""

    title: str
    author: str | None
    body: Span  # the main article, title to byline
    teasers: tuple[TeaserBlock, ...]
    topic: str | None  # the area the article is about


def _lines(text: str) -> list[Span]:
    out, cursor = [], 0
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped:
            begin = cursor + line.index(stripped)
            out.append(Span(begin, begin + len(stripped), stripped))
        cursor += len(line) + 1
    return out


def _is_header(line: Span) -> str | None:
    key = fold(line.text).rstrip(": ").split(":")[0]
    return SECTIONS.get(key)


def _is_stop(line: Span) -> bool:
    return fold(line.text).startswith(_STOP) or "★" in line.text


def read_layout(text: str) -> Layout:
    """Split a page into its main article and its teasers."""
    lines = _lines(text)
    title = lines[0].text if lines else ""
    cut = next((i for i, ln in enumerate(lines) if _is_header(ln) or _is_stop(ln)), None)
    if cut is None:
        cut = next(
            (i for i in range(1, len(lines) - 1) if _pair(lines[i], lines[i + 1])), len(lines)
        )
    author = None
    if 0 < cut < len(lines) and _is_byline(lines[cut - 1].text):
        author = lines[cut - 1].text
    body_end = lines[cut - 1].end if cut > 0 else len(text)
    body = Span(0, body_end, text[:body_end])
    teasers = _inline_links(text, lines[1:cut]) + _teasers(lines[cut:])
    return Layout(title, author, body, _unique(teasers), _topic(text, body))


def _is_byline(line: str) -> bool:
    words = line.split()
    return 1 < len(words) <= 5 and all(w[0].isupper() for w in words) and line[-1].isalpha()


def _pair(short: Span, full: Span) -> bool:
    return len(short.text) >= 10 and fold(full.text).startswith(fold(short.text))


def _teasers(lines: list[Span]) -> list[TeaserBlock]:
    out: list[TeaserBlock] = []
    section = "related-link"
    i = 0
    while i < len(lines):
        line = lines[i]
        if header := _is_header(line):
            section, i = header, i + 1
            continue
        if i + 1 < len(lines) and _pair(line, lines[i + 1]) and not _is_stop(line):
            headline, i = lines[i + 1], i + 2
            summary = None
            nxt = lines[i] if i < len(lines) else None
            if nxt and not _is_header(nxt) and not _is_stop(nxt):
                starts_block = i + 1 < len(lines) and _pair(nxt, lines[i + 1])
                if not starts_block:
                    summary, i = nxt, i + 1
            out.append(_block(section, headline, summary))
            continue
        i += 1
    return out


def _inline_links(text: str, lines: list[Span]) -> list[TeaserBlock]:
    """Unpunctuated body lines holding glued headlines, split at a place name."""
    out: list[TeaserBlock] = []
    for line in lines:
        if line.text[-1] in ".!?:;\"\u201d'\u2019)\u2026" or len(line.text.split()) < 12:
            continue
        cuts = [line.start]
        for place in find_places(text, line.start, line.end):
            before = text[line.start : place.start].rstrip()
            if (
                place.start > line.start
                and before
                and before[-1].islower()
                and place.kind == "province"
            ):
                cuts.append(place.start)
        cuts.append(line.end)
        pieces = [Span(a, b, text[a:b].strip()) for a, b in pairwise(cuts)]
        if len(pieces) < 2 and not find_quantities(text, line.start, line.end):
            continue
        for piece in pieces:
            end = piece.start + len(piece.text)
            out.append(_block("related-link", Span(piece.start, end, piece.text), None))
    return out


def _block(section: str, headline: Span, summary: Span | None) -> TeaserBlock:
    spans = [headline] + ([summary] if summary else [])
    about: list[str] = []
    for span in spans:
        for place in find_places(span.text):
            if (
                place.kind in {"province", "country"}
                and place.code != "VN"
                and place.code not in about
            ):
                about.append(place.code)
    words = slug(headline.text).split("-")
    return TeaserBlock("-".join(words[:6]), section, headline, summary, tuple(about))


def _unique(blocks: list[TeaserBlock]) -> tuple[TeaserBlock, ...]:
    seen: Counter[str] = Counter()
    out = []
    for block in blocks:
        seen[block.id] += 1
        if seen[block.id] > 1:
            block = TeaserBlock(
                f"{block.id}-{seen[block.id]}",
                block.section,
                block.headline,
                block.summary,
                block.about,
            )
        out.append(block)
    return tuple(out)


def _topic(text: str, body: Span) -> str | None:
    counts = Counter(
        p.code for p in find_places(text, body.start, body.end) if p.kind == "province"
    )
    title_places = [p.code for p in find_places(text, 0, text.find("\n")) if p.kind == "province"]
    for code in title_places:
        counts[code] += 3
    return counts.most_common(1)[0][0] if counts else None
