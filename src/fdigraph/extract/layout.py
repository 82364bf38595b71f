"""The layout of a news page: title, main article, byline, and related-news teasers.

After the byline come boilerplate lines and section headers ("Tin mới nhất", "Tin cùng
chuyên mục"); each teaser there is its headline (often printed twice, the first time
cut short) and then a one-sentence summary. Inside the article, an unpunctuated line
that glues headlines together ("... vốn đầu tư Bắc Giang tăng cường ...") is a block of
related links.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date
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
    "xem them": "related-link",
    "tin khac": "latest",
    "tin moi": "latest",
}
_STOP = ("ban thay bai viet nay", "mobile ver", "phien ban di dong")
# A page's date line: "Thứ Sáu, 20/09/2024 08:30 (GMT+7)", "20/9/2024 | 08:28", "Cập nhật: ...".
_DATE_LINE = re.compile(r"(?<!\d)(\d{1,2})[/-](\d{1,2})[/-](20\d\d)(?!\d)")
_CLOCK = re.compile(
    r"\b\d{1,2}(?::|h)\d{2}\b|\bgmt\b|\b(thu (hai|ba|tu|nam|sau|bay)|chu nhat)\b"
    r"|\b(cap nhat|dang luc|ngay dang|xuat ban)\b"
)
# Breadcrumbs ("Trang chủ > Kinh tế > Đầu tư") and photo captions ("Ảnh: ...").
_CRUMBS = re.compile(r"^(trang chu|home)\b|\s(>|»|›|/|\|)\s")
_CAPTION = re.compile(r"^\(?anh\s*(:|minh hoa|tu lieu)|\((?:anh|nguon)\s*:[^)]*\)\.?$|^nguon\s*:")


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
    published: date | None = None  # from the page's date line
    furniture: tuple[Span, ...] = ()  # date line, breadcrumbs: never read


def is_caption(line: str) -> bool:
    """A photo caption or a credit line ("Ảnh: ...", "... (Ảnh: TTXVN)")."""
    return bool(_CAPTION.search(fold(line.strip())))


def _date_line(line: Span) -> date | None:
    words = line.text.split()
    m = _DATE_LINE.search(line.text)
    if m is None or len(words) > 14:
        return None
    if len(words) > 3 and not _CLOCK.search(fold(line.text)):
        return None
    try:
        return date(int(m[3]), int(m[2]), int(m[1]))
    except ValueError:
        return None


def _furniture(line: Span) -> bool:
    folded = fold(line.text)
    return (
        bool(_CRUMBS.search(folded)) and len(line.text.split()) <= 10 and line.text[-1] not in ".!?"
    )


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
    published: date | None = None
    furniture: list[Span] = []
    while lines and len(furniture) < 4:
        day = _date_line(lines[0])
        if day is None and not _furniture(lines[0]):
            break
        published = published or day
        furniture.append(lines.pop(0))
    for line in lines[:4]:
        day = _date_line(line)
        if day is not None and published is None:
            published = day
            furniture.append(line)
    lines = [ln for ln in lines if ln not in furniture]
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
    body_start = lines[0].start if lines else 0
    body = Span(body_start, body_end, text[body_start:body_end])
    inline = [ln for ln in lines[1:cut] if not is_caption(ln.text)]
    teasers = _inline_links(text, inline) + _teasers(lines[cut:])
    topic = _topic(text, body)
    return Layout(title, author, body, _unique(teasers), topic, published, tuple(furniture))


def _is_byline(line: str) -> bool:
    words = line.split()
    return 1 < len(words) <= 5 and all(w[0].isupper() for w in words) and line[-1].isalpha()


def _pair(short: Span, full: Span) -> bool:
    return len(short.text) >= 10 and fold(full.text).startswith(fold(short.text))


def _teasers(lines: list[Span]) -> list[TeaserBlock]:
    out: list[TeaserBlock] = []
    section = "related-link"
    in_section = False
    i = 0
    while i < len(lines):
        line = lines[i]
        if header := _is_header(line):
            section, i, in_section = header, i + 1, True
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
        if in_section and _single_headline(line) and not _is_stop(line):
            # A headline printed once under a section header, then maybe its summary.
            summary = None
            nxt = lines[i + 1] if i + 1 < len(lines) else None
            i += 1
            if nxt and _summary_line(nxt) and not (i + 1 < len(lines) and _pair(nxt, lines[i + 1])):
                summary, i = nxt, i + 1
            out.append(_block(section, line, summary))
            continue
        i += 1
    return out


def _single_headline(line: Span) -> bool:
    """A headline: a few words, no sentence stop at its end, not a section header."""
    words = len(line.text.split())
    return 4 <= words <= 30 and line.text[-1] not in ".!?…:" and not _is_header(line)


def _summary_line(line: Span) -> bool:
    """A teaser's summary: a sentence (it ends with a stop), not a header or a stop line."""
    return line.text[-1] in ".!?…" and not _is_header(line) and not _is_stop(line)


def _inline_links(text: str, lines: list[Span]) -> list[TeaserBlock]:
    """Unpunctuated body lines holding glued headlines, split at a place name."""
    out: list[TeaserBlock] = []
    for line in lines:
        words = len(line.text.split())
        if line.text[-1] in ".!?:;\"\u201d'\u2019)\u2026" or not 12 <= words <= 45:
            continue
        if re.search(r"[.;!?]\s", line.text) or line.text.count(",") > 2:
            continue  # a body paragraph that lacks its final stop, not glued headlines
        if line.text.count("|") >= 2:
            continue  # a table's row ("Dự án FDI cấp mới | 8 | 215,4 triệu USD")
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


def _national(text: str, body: Span, counts: Counter[str]) -> bool:
    """A body that names no province more than the others, or the nation twice as often.

    ("Bắc Ninh dẫn đầu với ..., Hà Nội đứng thứ hai ...": provinces listed once each in a
    report of the Foreign Investment Agency on the whole country.)
    """
    top = counts.most_common(2)
    if not top:
        return False
    folded = fold(text[body.start : body.end])
    nation = len(_NATION.findall(folded))
    alone = len(top) == 1 or top[0][1] > max(top[1][1], 1)
    return not alone or nation >= 2 * top[0][1]


_NATION = re.compile(
    r"\b(ca nuoc|toan quoc|viet nam|cuc dau tu nuoc ngoai|tong cuc thong ke|cuc thong ke)\b"
)


# "the province" as the subject of figures, without its name: "toàn tỉnh", "trên địa bàn
# tỉnh", "tỉnh cấp mới", "Ban quản lý các KCN tỉnh", "của thành phố"; not "các tỉnh", "63
# tỉnh, thành phố", "tỉnh bạn" (others).
_OWN_PROVINCE = re.compile(
    r"(?<!cac )(?<!nhung )(?<!nhieu )(?<!mot )(?<!hai )(?<!ba )(?<!\d )(?<!tinh, )"
    r"\b(?:toan tinh|tinh|toan thanh pho|thanh pho)\b(?!,? thanh pho)(?! (?:ban|khac|thanh)\b)"
)


def speaks_of_own_province(text: str, body: Span) -> bool:
    """True when the body speaks of "the province" and names none ("Quý I, toàn tỉnh thu
    hút ...", "tỉnh cấp mới 8 dự án"): a provincial paper's article on its own province."""
    if any(p.kind == "province" for p in find_places(text, body.start, body.end)):
        return False
    folded = fold(text[body.start : body.end])
    for m in _OWN_PROVINCE.finditer(folded):
        after = text[body.start + m.end() : body.start + m.end() + 2].strip()
        if not after[:1].isupper():  # "tỉnh Bình Phước" names a place (if one not known)
            return True
    return False


def _topic(text: str, body: Span) -> str | None:
    counts = Counter(
        p.code for p in find_places(text, body.start, body.end) if p.kind == "province"
    )
    in_title = find_places(text, body.start, text.find("\n", body.start))
    title_places = [p.code for p in in_title if p.kind == "province"]
    if not title_places and any(p.code == "VN" for p in in_title):
        return None  # a national article: figures without a place are Vietnam's
    if not title_places and _national(text, body, counts):
        return None
    for code in title_places:
        counts[code] += 3
    return counts.most_common(1)[0][0] if counts else None
