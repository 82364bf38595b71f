"""Draft the facts of a Vietnamese news article for review.

``extract(text, source_id=...)`` reads figures (amounts, rates, counts, growth),
periods, places and rankings from the main article and its related-news teasers, and
returns a :class:`Draft` in the shape of the curated fact files (``data/README.md``),
each fact with its quote, offsets and a confidence.
"""

from __future__ import annotations

import unicodedata

from fdigraph.extract.assemble import assemble
from fdigraph.extract.draft import Draft, DraftObservation, DraftQuote, DraftRanking, DraftTeaser
from fdigraph.extract.layout import read_layout

__all__ = ["Draft", "DraftObservation", "DraftQuote", "DraftRanking", "DraftTeaser", "extract"]


def extract(text: str, *, source_id: str, area: str | None = None) -> Draft:
    """Draft the numeric facts of ``text`` (NFC normalised first, as sources are stored).

    ``area``: the code of the province the article is about, for a provincial paper's
    article that speaks of "tỉnh" without naming it.
    """
    text = unicodedata.normalize("NFC", text)
    return assemble(text, source_id, read_layout(text), area)
