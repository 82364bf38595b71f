"""Write a draft as a fact file (``data/README.md``), ready for review and commit.

Quotes are written as the loader finds them: plain text when the first occurrence in
their part of the page is the one meant, else ``{text, occurrence}``; a quote from
another teaser than the fact's names its ``source``.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from fdigraph.errors import FigureError
from fdigraph.extract.draft import Draft, DraftObservation, DraftQuote, DraftRanking
from fdigraph.extract.places import UNKNOWN_NOTE, UNKNOWN_PROVINCE
from fdigraph.extract.rankings import INDICATOR_CUES
from fdigraph.extract.sectors import LABELS, first_named
from fdigraph.extract.text import fold
from fdigraph.figures import parse_figure, unit_phrases

INDICATOR_LABELS: dict[str, tuple[str, str]] = {
    "indicator-fdi-attraction": ("thu hút vốn FDI", "FDI attraction"),
    "indicator-par-index": (
        "chỉ số cải cách hành chính (PAR INDEX)",
        "Public Administration Reform Index",
    ),
    "indicator-dti": ("chỉ số chuyển đổi số (DTI)", "Digital Transformation Index"),
    "indicator-e-government": (
        "chính quyền điện tử, chính quyền số",
        "e-government and digital government",
    ),
    "indicator-digital-signature-adoption": ("áp dụng ký số", "digital signature adoption"),
    "indicator-budget-revenue": ("thu ngân sách", "state budget revenue"),
    "indicator-pci": (
        "chỉ số năng lực cạnh tranh cấp tỉnh (PCI)",
        "Provincial Competitiveness Index",
    ),
    "indicator-export": ("xuất khẩu", "exports"),
    "indicator-grdp-growth": ("tăng trưởng GRDP", "GRDP growth"),
    "indicator-investor-capital": ("vốn đầu tư của nhà đầu tư", "investor's capital"),
    "indicator-unknown": ("(chưa rõ)", "(unknown: review)"),
}
assert {i for _, i in INDICATOR_CUES} <= set(INDICATOR_LABELS)


class _Dumper(yaml.SafeDumper):
    pass


def _decimal(dumper: yaml.SafeDumper, value: Decimal) -> yaml.Node:
    text = format(value, "f")
    tag = "tag:yaml.org,2002:int" if "." not in text else "tag:yaml.org,2002:float"
    return dumper.represent_scalar(tag, text)


_Dumper.add_representer(Decimal, _decimal)


def known_concepts(data_dir: Path) -> dict[str, dict[str, Any]]:
    """The concepts the curated fact files of ``data_dir`` define, by id (unreadable files skipped)."""
    known: dict[str, dict[str, Any]] = {}
    for path in sorted((data_dir / "facts").glob("*.yaml")):
        try:
            doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            continue
        for node in doc.get("concepts") or [] if isinstance(doc, dict) else []:
            if isinstance(node, dict) and isinstance(node.get("label"), dict) and "id" in node:
                known.setdefault(str(node["id"]), node)
    return known


def _reuse(indicator: str, known: dict[str, dict[str, Any]]) -> tuple[str, dict[str, str]]:
    """The concept a drafted indicator is: an existing one with its exact labels when the id
    or the Vietnamese label (ignoring case) is already known, else the drafted one."""
    vi, en = INDICATOR_LABELS[indicator]
    if indicator in known:
        return indicator, dict(known[indicator]["label"])
    for key, node in known.items():
        label = str(node["label"].get("vi", ""))
        if node.get("scheme") == "indicators" and label.casefold() == vi.casefold():
            return key, dict(node["label"])
    return indicator, {"vi": vi, "en": en}


def to_yaml(draft: Draft, text: str, known: dict[str, dict[str, Any]] | None = None) -> str:
    """The draft as YAML text in the fact-file format, plus ``confidence``/``start``/``end``.

    Indicator concepts already defined by curated files (``known``) keep their id and
    labels, so that a draft never gives one concept a second label.
    """
    reused = {i: _reuse(i, known or {}) for i in {r.indicator for r in draft.rankings}}
    regions = {
        t.id: (
            text.find(t.headline, 0 if t.section == "related-link" else _body_end(draft, text)),
            t.end,
        )
        for t in draft.teasers
    }
    regions[""] = (0, _body_end(draft, text))
    concepts = sorted(
        {reused[r.indicator][0]: reused[r.indicator][1] for r in draft.rankings}.items()
    )
    doc: dict[str, Any] = {
        "source": _drop_none(
            {
                "id": draft.source.id,
                "text": draft.source.text,
                "title": draft.source.title,
                "author": draft.source.author,
                "language": draft.source.language,
                "body_end": draft.source.body_end,
                "about": list(draft.source.about),
                "published": draft.source.published,
            }
        ),
        "teasers": [
            _drop_none(
                {
                    "id": t.id,
                    "section": t.section,
                    "headline": t.headline,
                    "summary": t.summary,
                    "about": list(t.about),
                }
            )
            for t in draft.teasers
        ],
        "concepts": [{"id": i, "scheme": "indicators", "label": label} for i, label in concepts]
        + _sector_concepts(draft, text, known or {}),
        "observations": [
            _observation(o, text, regions) for o in draft.observations if _loadable(o)
        ],
        "rankings": [
            _ranking(replace(r, indicator=reused[r.indicator][0]), text, regions)
            for r in draft.rankings
        ],
    }
    body = yaml.dump(doc, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)
    notes = {o.id: o.review for o in draft.observations if o.review}
    notes.update({r.id: UNKNOWN_NOTE for r in draft.rankings if r.area == UNKNOWN_PROVINCE})
    body = _review_comments(body, notes)
    if UNKNOWN_PROVINCE in draft.source.about:
        body = f"# REVIEW: {UNKNOWN_NOTE}: area {UNKNOWN_PROVINCE} is a placeholder\n{body}"
    return body + _unloadable(draft, text, regions) + _held(draft, text, regions)


def _held(draft: Draft, text: str, regions: dict[str, tuple[int, int]]) -> str:
    """Figures read but not drafted: commented out, each under the reason it was held."""
    if not draft.held:
        return ""
    lines = ["# REVIEW: figures read but not drafted; restate one and add it, or drop it:"]
    for o in draft.held:
        dumped = yaml.dump(
            [_observation(o, text, regions)],
            Dumper=_Dumper,
            allow_unicode=True,
            sort_keys=False,
            width=100,
        )
        lines.append(f"# REVIEW: {' '.join((o.review or '').split())}")
        lines.extend(f"# {line}" for line in dumped.rstrip("\n").split("\n"))
    return "\n".join(lines) + "\n"


def _loadable(o: DraftObservation) -> bool:
    """True when the loader can read the figure, as written or with its heading's unit."""
    return _readable(o.figure, o.unit, o.value) or _unit_written(o) is not None


def _readable(figure: str, unit: str, value: Decimal) -> bool:
    try:
        read = parse_figure(figure, unit)
    except FigureError:
        return False
    return read.amount.unit == unit and read.amount.value == abs(value)


def _unit_written(o: DraftObservation) -> str | None:
    """The scale and unit a table row takes from its heading (another of its quotes)."""
    if _readable(o.figure, o.unit, o.value):
        return None
    for q in o.quotes[1:]:
        for phrase in unit_phrases(q.text):
            if phrase in q.text and _readable(f"{o.figure} {phrase}", o.unit, o.value):
                return phrase
    return None


def _unloadable(draft: Draft, text: str, regions: dict[str, tuple[int, int]]) -> str:
    """Facts whose figure has no unit of its own (a table row under "(tỷ USD)"): written
    as comments, for a reviewer to restate the figure with its unit and add."""
    facts = [_observation(o, text, regions) for o in draft.observations if not _loadable(o)]
    if not facts:
        return ""
    dumped = yaml.dump(facts, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)
    lines = [
        "# REVIEW: figures without a unit of their own (the unit is the table heading's);",
        "# the loader needs the unit in the figure: restate each, then add it to observations.",
        *(f"# {line}" for line in dumped.rstrip("\n").split("\n")),
    ]
    return "\n".join(lines) + "\n"


def _sector_concepts(
    draft: Draft, text: str, known: dict[str, dict[str, Any]]
) -> list[dict[str, Any]]:
    """The sector concepts the observations name: known labels kept, the page's words quoted."""
    out = []
    for key in sorted({o.sector for o in draft.observations if o.sector}):
        vi, en = LABELS[key]
        label = dict(known[key]["label"]) if key in known else {"vi": vi, "en": en}
        node: dict[str, Any] = {"id": key, "scheme": "sectors", "label": label}
        at = first_named(fold(text[: _body_end(draft, text)]), key)
        if at is not None:
            node["quotes"] = [text[at[0] : at[1]]]
        out.append(node)
    return out


def _review_comments(body: str, notes: dict[str, str]) -> str:
    """A "# REVIEW: ..." comment line above each fact a reviewer must look at.

    A comment, not a field: the loader never sees it, and deleting it is the review.
    """
    if not notes:
        return body
    out = []
    for line in body.split("\n"):
        if line.startswith("- id: ") and line[6:] in notes:
            out.append(f"# REVIEW: {' '.join(notes[line[6:]].split())}")
        out.append(line)
    return "\n".join(out)


def _body_end(draft: Draft, text: str) -> int:
    marker = draft.source.body_end
    at = text.find(marker) if marker else -1
    return len(text) if at < 0 or marker is None else at + len(marker)


def _drop_none(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if v is not None and v != [] and v is not False}


def _quotes(
    fact: DraftObservation | DraftRanking, text: str, regions: dict[str, tuple[int, int]]
) -> list[Any]:
    return [_quote(q, fact.source, text, regions) for q in fact.quotes]


def _quote(q: DraftQuote, owner: str | None, text: str, regions: dict[str, tuple[int, int]]) -> Any:
    lo, _ = regions.get(q.source or "", (0, len(text)))
    occurrence, at = 0, lo - 1
    while at < q.start:
        at = text.find(q.text, at + 1)
        if at < 0:
            break
        occurrence += 1
    row: dict[str, Any] = {"text": q.text}
    if occurrence > 1:
        row["occurrence"] = occurrence
    if q.source != owner and q.source is not None:
        row["source"] = q.source
    return q.text if len(row) == 1 else row


def _observation(
    o: DraftObservation, text: str, regions: dict[str, tuple[int, int]]
) -> dict[str, Any]:
    return _drop_none(
        {
            "id": o.id,
            "area": o.area,
            "measure": o.measure,
            "comparison": None if o.comparison == "level" else o.comparison,
            "period": o.period,
            "stock": o.stock or None,
            "period_inferred": o.period_inferred,
            "base": o.base,
            "base_area": o.base_area,
            "share_of": o.share_of,
            "counterpart": o.counterpart,
            "sector": o.sector,
            "figure": o.figure,
            "unit_written": _unit_written(o),
            "value": o.value,
            "value_max": o.value_max,
            "unit": o.unit,
            "qualifier": None if o.qualifier == "exact" else o.qualifier,
            "status": o.status,
            "source": o.source,
            "quotes": _quotes(o, text, regions),
            "confidence": o.confidence,
            "start": o.quotes[0].start,
            "end": o.quotes[0].end,
        }
    )


def _ranking(r: DraftRanking, text: str, regions: dict[str, tuple[int, int]]) -> dict[str, Any]:
    return _drop_none(
        {
            "id": r.id,
            "area": r.area,
            "indicator": r.indicator,
            "scope": r.scope,
            "period": r.period,
            "rank": r.rank,
            "comparator": None if r.comparator == "equal" else r.comparator,
            "out_of": r.out_of,
            "source": r.source,
            "quotes": _quotes(r, text, regions),
            "confidence": r.confidence,
            "start": r.quotes[0].start,
            "end": r.quotes[0].end,
        }
    )
