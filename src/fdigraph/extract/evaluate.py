"""Compare a draft with curated facts: lenient and strict precision and recall.

Strictly an observation matches when area, measure, comparison, value (base units),
unit, period, qualifier, status, counterpart and base all agree; leniently, when area,
value, unit and period do. A ranking matches on area, scope, rank, comparator and
period both ways (not on the indicator, whose keys a reviewer may rename). Matching is
one to one, so a fact drafted twice counts once. A pair that agrees leniently but not
strictly is reported with the fields it disagrees on.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from fdigraph.errors import FactError, FigureError
from fdigraph.extract.draft import Draft
from fdigraph.figures import parse_iso_period

OBSERVATION_STRICT = (
    "area",
    "measure",
    "comparison",
    "value",
    "unit",
    "period",
    "qualifier",
    "status",
    "counterpart",
    "base",
)
OBSERVATION_LENIENT = ("area", "value", "unit", "period")
RANKING_FIELDS = ("area", "scope", "rank", "comparator", "period")


@dataclass(frozen=True)
class Fact:
    """One numeric fact, its fields normalised so that equal facts compare equal."""

    kind: str  # observation | ranking
    fields: tuple[tuple[str, Any], ...]

    def get(self, name: str) -> Any:
        return dict(self.fields).get(name)

    def key(self, *, strict: bool) -> tuple[Any, ...]:
        names: tuple[str, ...] = RANKING_FIELDS
        if self.kind == "observation":
            names = OBSERVATION_STRICT if strict else OBSERVATION_LENIENT
        return (self.kind, *(self.get(n) for n in names))

    def differences(self, other: Fact) -> list[str]:
        """The strict fields on which two facts of the same kind disagree."""
        names = RANKING_FIELDS if self.kind == "ranking" else OBSERVATION_STRICT
        return [n for n in names if self.get(n) != other.get(n)]

    def show(self) -> str:
        if self.kind == "ranking":
            sign = "<=" if self.get("comparator") == "at-most" else "="
            return (
                f"ranking {self.get('area')} rank {sign}{self.get('rank')} in "
                f"{self.get('scope')} {self.get('period') or '-'}"
            )
        value = self.get("value")
        words = [
            "observation",
            str(self.get("area")),
            "-" if value is None else format(value, "f"),
            str(self.get("unit")),
            self.get("period") or "-",
        ]
        extra = {n: self.get(n) for n in ("measure", "comparison", "qualifier", "status")}
        extra |= {n: self.get(n) for n in ("counterpart", "base") if self.get(n)}
        defaults = {"comparison": "level", "qualifier": "exact"}
        words += [f"{n}={v}" for n, v in extra.items() if v and defaults.get(n) != v]
        return " ".join(words)


@dataclass(frozen=True)
class Score:
    """Matched facts out of those drafted (precision) and those curated (recall)."""

    hits: int
    found: int
    wanted: int

    @property
    def precision(self) -> float:
        return self.hits / self.found if self.found else 1.0

    @property
    def recall(self) -> float:
        return self.hits / self.wanted if self.wanted else 1.0

    def __add__(self, other: Score) -> Score:
        return Score(self.hits + other.hits, self.found + other.found, self.wanted + other.wanted)


@dataclass(frozen=True)
class Evaluation:
    """Strict pairs, lenient-only pairs (draft, curated), and what is left on each side."""

    strict_pairs: tuple[tuple[Fact, Fact], ...]
    lenient_pairs: tuple[tuple[Fact, Fact], ...]
    missed: tuple[Fact, ...]  # curated, not matched strictly
    spurious: tuple[Fact, ...]  # drafted, not matched strictly
    wanted: int
    found: int

    @property
    def strict(self) -> Score:
        return Score(len(self.strict_pairs), self.found, self.wanted)

    @property
    def lenient(self) -> Score:
        return Score(len(self.strict_pairs) + len(self.lenient_pairs), self.found, self.wanted)

    # The lenient figures, under the names the first version of this module used.
    @property
    def precision(self) -> float:
        return self.lenient.precision

    @property
    def recall(self) -> float:
        return self.lenient.recall

    @property
    def disagreements(self) -> Counter[str]:
        """Per field, how many lenient-only pairs disagree on it."""
        counts: Counter[str] = Counter()
        for drafted, curated in self.lenient_pairs:
            counts.update(drafted.differences(curated))
        return counts

    def report(self) -> str:
        """A readable summary: the figures, the disagreements, then misses and spurious facts."""
        lines = [
            score_line("lenient", self.lenient),
            score_line("strict ", self.strict),
            disagreement_line(self.disagreements),
        ]
        lines.append(f"agree leniently, not strictly: {len(self.lenient_pairs)}")
        for drafted, curated in self.lenient_pairs:
            diffs = ", ".join(
                f"{n} {_text(drafted.get(n))} (curated {_text(curated.get(n))})"
                for n in drafted.differences(curated)
            )
            lines.append(f"  {curated.show()}: drafted {diffs}")
        lenient_drafted = {id(d) for d, _ in self.lenient_pairs}
        lenient_curated = {id(c) for _, c in self.lenient_pairs}
        for title, facts, paired in (
            ("missed", self.missed, lenient_curated),
            ("spurious", self.spurious, lenient_drafted),
        ):
            alone = [f for f in facts if id(f) not in paired]
            lines.append(f"{title}: {len(alone)}")
            lines.extend(f"  {f.show()}" for f in alone)
        return "\n".join(lines)


def score_line(name: str, score: Score) -> str:
    return (
        f"{name} precision {score.precision:.3f} ({score.hits}/{score.found})"
        f"  recall {score.recall:.3f} ({score.hits}/{score.wanted})"
    )


def disagreement_line(counts: Counter[str]) -> str:
    if not counts:
        return "disagreements per field: none"
    shown = ", ".join(f"{n} {c}" for n, c in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
    return f"disagreements per field: {shown}"


def _text(value: Any) -> str:
    if value is None:
        return "-"
    return format(value, "f") if isinstance(value, Decimal) else str(value)


def _period(value: Any) -> str | None:
    if value is None:
        return None
    try:
        return parse_iso_period(str(value)).iso
    except FigureError as err:
        raise FactError(f"bad period in curated facts: {err.message}") from None


def _decimal(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value)).normalize()


def _observation(row: dict[str, Any]) -> Fact:
    fields = {
        "area": row["area"],
        "measure": row.get("measure"),
        "comparison": row.get("comparison") or "level",
        "value": _decimal(row.get("value")),
        "unit": row["unit"],
        "period": _period(row.get("period")),
        "qualifier": row.get("qualifier") or "exact",
        "status": row.get("status") or None,
        "counterpart": row.get("counterpart") or None,
        "base": _period(row.get("base")),
    }
    return Fact("observation", tuple(fields.items()))


def _ranking(row: dict[str, Any]) -> Fact:
    fields = {
        "area": row["area"],
        "scope": row["scope"],
        "rank": int(row["rank"]),
        "comparator": row.get("comparator") or "equal",
        "period": _period(row.get("period")),
    }
    return Fact("ranking", tuple(fields.items()))


def curated_facts(doc: dict[str, Any]) -> list[Fact]:
    """The numeric facts of a fact file (as loaded by ``yaml.safe_load``)."""
    return [_observation(o) for o in doc.get("observations") or []] + [
        _ranking(r) for r in doc.get("rankings") or []
    ]


def draft_facts(draft: Draft) -> list[Fact]:
    """The numeric facts of a draft, normalised as ``curated_facts`` normalises them."""
    rows: list[Fact] = []
    for o in draft.observations:
        row = {name: getattr(o, name, None) for name in OBSERVATION_STRICT}
        rows.append(_observation(row))
    for r in draft.rankings:
        rows.append(_ranking({name: getattr(r, name) for name in RANKING_FIELDS}))
    return rows


def evaluate(draft: Draft, curated: dict[str, Any]) -> Evaluation:
    """Match the draft's numeric facts one to one with the curated ones."""
    wanted = curated_facts(curated)
    found = draft_facts(draft)
    return match(found, wanted)


def match(found: list[Fact], wanted: list[Fact]) -> Evaluation:
    """Strict pairs first; then, among the rest, lenient pairs that differ least."""
    open_wanted: dict[tuple[Any, ...], list[Fact]] = defaultdict(list)
    for fact in wanted:
        open_wanted[fact.key(strict=True)].append(fact)
    strict: list[tuple[Fact, Fact]] = []
    rest_found: list[Fact] = []
    for fact in found:
        same = open_wanted.get(fact.key(strict=True))
        if same:
            strict.append((fact, same.pop(0)))
        else:
            rest_found.append(fact)
    paired = {id(c) for _, c in strict}
    rest_wanted = [f for f in wanted if id(f) not in paired]
    lenient = _lenient_pairs(rest_found, rest_wanted)
    return Evaluation(
        strict_pairs=tuple(strict),
        lenient_pairs=tuple(lenient),
        missed=tuple(rest_wanted),
        spurious=tuple(rest_found),
        wanted=len(wanted),
        found=len(found),
    )


def _lenient_pairs(found: list[Fact], wanted: list[Fact]) -> list[tuple[Fact, Fact]]:
    groups: dict[tuple[Any, ...], tuple[list[Fact], list[Fact]]] = defaultdict(lambda: ([], []))
    for fact in found:
        groups[fact.key(strict=False)][0].append(fact)
    for fact in wanted:
        groups[fact.key(strict=False)][1].append(fact)
    pairs: list[tuple[Fact, Fact]] = []
    for drafted, curated in groups.values():
        candidates = sorted(
            (
                (len(d.differences(c)), i, j)
                for i, d in enumerate(drafted)
                for j, c in enumerate(curated)
            ),
        )
        used_d: set[int] = set()
        used_c: set[int] = set()
        for _, i, j in candidates:
            if i not in used_d and j not in used_c:
                used_d.add(i)
                used_c.add(j)
                pairs.append((drafted[i], curated[j]))
    return pairs


def evaluate_directory(directory: Path) -> list[tuple[str, Evaluation]]:
    """Draft every ``X.txt`` of ``directory`` that has an ``X.yaml`` and score it against it.

    An article that never names its province (a local paper's "toàn tỉnh") is drafted with
    ``area`` set to the one area its labels say the source is about, as its curator would run
    ``fdigraph extract X.txt --area CODE``; every other article is drafted without ``area``.
    """
    results = []
    for article in sorted(directory.glob("*.txt")):
        labels = article.with_suffix(".yaml")
        if not labels.is_file():
            continue
        try:
            curated = yaml.safe_load(labels.read_text(encoding="utf-8")) or {}
            text = article.read_text(encoding="utf-8")
            draft = draft_as_curated(text, article.stem, curated)
            results.append((article.stem, evaluate(draft, curated)))
        except (yaml.YAMLError, KeyError, TypeError, ValueError) as err:
            raise FactError(f"{labels}: cannot read curated facts: {err}") from None
    return results


def draft_as_curated(text: str, source_id: str, curated: dict[str, Any]) -> Draft:
    """The draft of ``text``; redrafted with the labels' one ``source.about`` area when the
    text names no province (the draft has placeholder areas) and the labels give one area."""
    from fdigraph.extract import extract
    from fdigraph.extract.places import UNKNOWN_PROVINCE

    draft = extract(text, source_id=source_id)
    about = (curated.get("source") or {}).get("about") or []
    unnamed = any(o.area == UNKNOWN_PROVINCE for o in draft.observations) or any(
        r.area == UNKNOWN_PROVINCE for r in draft.rankings
    )
    if unnamed and len(about) == 1:
        return extract(text, source_id=source_id, area=str(about[0]))
    return draft


def table(results: list[tuple[str, Evaluation]]) -> str:
    """One row per article (lenient and strict figures), the pooled row, and pooled disagreements."""
    width = max([len(name) for name, _ in results] + [len("pooled")])
    head = f"{'article':<{width}}  wanted drafted  lenient P     R  strict P     R"
    lines = [head, "-" * len(head)]
    pooled_l, pooled_s = Score(0, 0, 0), Score(0, 0, 0)
    counts: Counter[str] = Counter()
    for name, result in results:
        lines.append(_row(name, width, result.lenient, result.strict))
        pooled_l, pooled_s = pooled_l + result.lenient, pooled_s + result.strict
        counts += result.disagreements
    lines.append("-" * len(head))
    lines.append(_row("pooled", width, pooled_l, pooled_s))
    lines += [score_line("pooled lenient", pooled_l), score_line("pooled strict ", pooled_s)]
    lines.append(disagreement_line(counts))
    return "\n".join(lines)


def _row(name: str, width: int, lenient: Score, strict: Score) -> str:
    return (
        f"{name:<{width}}  {lenient.wanted:>6} {lenient.found:>7}"
        f"  {lenient.precision:>9.3f} {lenient.recall:>5.3f}"
        f"  {strict.precision:>8.3f} {strict.recall:>5.3f}"
    )
