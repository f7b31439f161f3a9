"""Per-item consistency: does asking the same question another way rest on the same evidence?

For one original gold item, its consistency is the share of its rewordings whose answer cites a
passage the original's answer also cites (passages compared by their whole text). A rewording
that abstains, or an original that cites nothing, shares nothing: that counts as inconsistent.
A set's consistency is the mean over its originals, so each original weighs the same however
many rewordings it has.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from evals.metrics import SPLITS


@dataclass(frozen=True)
class VariantOutcome:
    """Whether one rewording's answer shares a cited passage with its original's."""

    original_id: str
    kind: str
    split: str
    consistent: bool


def shares_a_passage(original: Iterable[str], variant: Iterable[str]) -> bool:
    """True when some passage cited for the variant is also cited for the original."""
    return not set(original).isdisjoint(variant)


def _mean(values: Sequence[float]) -> float | None:
    return round(sum(values) / len(values), 4) if values else None


def by_item(outcomes: Sequence[VariantOutcome]) -> dict[str, float]:
    """Each original's consistency: the share of its rewordings that share a passage."""
    grouped: dict[str, list[bool]] = {}
    for outcome in outcomes:
        grouped.setdefault(outcome.original_id, []).append(outcome.consistent)
    return {key: round(sum(flags) / len(flags), 4) for key, flags in grouped.items()}


def consistency(outcomes: Sequence[VariantOutcome]) -> float | None:
    """The mean of the per-item consistencies (None when there are no rewordings)."""
    return _mean(list(by_item(outcomes).values()))


def by_split(outcomes: Sequence[VariantOutcome]) -> dict[str, float | None]:
    """`consistency` over every original ("all") and over each split."""
    result = {"all": consistency(outcomes)}
    for split in SPLITS:
        result[split] = consistency([o for o in outcomes if o.split == split])
    return result


def by_kind(outcomes: Sequence[VariantOutcome]) -> dict[str, float | None]:
    """`consistency` over the rewordings of each kind, in alphabetical order."""
    kinds = sorted({o.kind for o in outcomes})
    return {kind: consistency([o for o in outcomes if o.kind == kind]) for kind in kinds}
