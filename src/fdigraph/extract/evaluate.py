"""Compare a draft with curated facts: precision and recall of the numeric facts.

An observation matches on area, value (base units), unit and period; a ranking on
area, scope, rank, comparator and period (not on the indicator, whose keys a reviewer
may rename). Matching is one to one, so a fact drafted twice counts once.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from fdigraph.errors import FactError, FigureError
from fdigraph.extract.draft import Draft
from fdigraph.figures import parse_iso_period

Key = tuple[Any, ...]


@dataclass(frozen=True)
class Evaluation:
    """What matched, what the draft missed, and what it proposed beyond the curated facts."""

    matched: tuple[Key, ...]
    missed: tuple[Key, ...]
    spurious: tuple[Key, ...]

    @property
    def precision(self) -> float:
        found = len(self.matched) + len(self.spurious)
        return len(self.matched) / found if found else 1.0

    @property
    def recall(self) -> float:
        wanted = len(self.matched) + len(self.missed)
        return len(self.matched) / wanted if wanted else 1.0

    def report(self) -> str:
        """A readable summary: the two figures, then misses and spurious facts."""
        hits = len(self.matched)
        lines = [
            f"precision {self.precision:.3f} ({hits}/{hits + len(self.spurious)})",
            f"recall    {self.recall:.3f} ({hits}/{hits + len(self.missed)})",
        ]
        for title, keys in (("missed", self.missed), ("spurious", self.spurious)):
            lines.append(f"{title}: {len(keys)}")
            lines.extend(f"  {_show(k)}" for k in keys)
        return "\n".join(lines)


def _show(key: Key) -> str:
    if key[0] == "observation":
        _, area, value, unit, period = key
        return f"observation {area} {format(value, 'f')} {unit} {period or '-'}"
    _, area, scope, rank, comparator, period = key
    sign = "<=" if comparator == "at-most" else "="
    return f"ranking {area} rank {sign}{rank} in {scope} {period or '-'}"


def _period(value: Any) -> str | None:
    if value is None:
        return None
    try:
        return parse_iso_period(str(value)).iso
    except FigureError as err:
        raise FactError(f"bad period in curated facts: {err.message}") from None


def curated_keys(doc: dict[str, Any]) -> list[Key]:
    """The numeric facts of a fact file (as loaded by ``yaml.safe_load``)."""
    keys: list[Key] = []
    for o in doc.get("observations") or []:
        value = Decimal(str(o["value"])).normalize() if "value" in o else None
        keys.append(("observation", o["area"], value, o["unit"], _period(o.get("period"))))
    for r in doc.get("rankings") or []:
        keys.append(
            (
                "ranking",
                r["area"],
                r["scope"],
                int(r["rank"]),
                r.get("comparator", "equal"),
                _period(r.get("period")),
            )
        )
    return keys


def draft_keys(draft: Draft) -> list[Key]:
    """The numeric facts of a draft, keyed as ``curated_keys`` keys them."""
    keys: list[Key] = [
        ("observation", o.area, o.value.normalize(), o.unit, _period(o.period))
        for o in draft.observations
    ]
    keys += [
        ("ranking", r.area, r.scope, r.rank, r.comparator, _period(r.period))
        for r in draft.rankings
    ]
    return keys


def evaluate(draft: Draft, curated: dict[str, Any]) -> Evaluation:
    """Match the draft's numeric facts one to one with the curated ones."""
    wanted = Counter(curated_keys(curated))
    found = Counter(draft_keys(draft))
    matched = wanted & found
    return Evaluation(
        matched=tuple(matched.elements()),
        missed=tuple((wanted - matched).elements()),
        spurious=tuple((found - matched).elements()),
    )
