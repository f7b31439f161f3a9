"""Offline, deterministic metrics for one answer against one gold item, and their averages.

A "source group" is one inner list of a gold item's `sources`: it is matched by a passage that
contains any one of its quotes (see `app.gold`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass

from app.gold import group_matched

K = 5  # the cut-off of hit@k, recall@k and nDCG@k
PEER_K = 4  # the LangChain tutorial retrieves four passages: compared at its own depth


def first_match_ranks(passages: Sequence[str], groups: Sequence[Sequence[str]]) -> list[int | None]:
    """For each group, the 1-based rank of the first passage that matches it (None if none)."""
    ranks: list[int | None] = []
    for group in groups:
        rank = next((i for i, p in enumerate(passages, start=1) if group_matched(p, group)), None)
        ranks.append(rank)
    return ranks


def hit_at(ranks: Sequence[int | None], k: int) -> float:
    """1 if any group is matched within the top k passages."""
    return 1.0 if any(r is not None and r <= k for r in ranks) else 0.0


def recall_at(ranks: Sequence[int | None], k: int) -> float:
    """Share of groups matched within the top k passages."""
    return sum(1 for r in ranks if r is not None and r <= k) / len(ranks) if ranks else 0.0


def reciprocal_rank(ranks: Sequence[int | None]) -> float:
    """1 / rank of the first passage that matches any group (0 when none does)."""
    found = [r for r in ranks if r is not None]
    return 1.0 / min(found) if found else 0.0


def ndcg_at(ranks: Sequence[int | None], k: int) -> float:
    """Each group gains 1 / log2(rank + 1) where it is first matched; ideal: ranks 1, 2, ..."""
    dcg = sum(1.0 / math.log2(r + 1) for r in ranks if r is not None and r <= k)
    ideal = sum(1.0 / math.log2(i + 1) for i in range(1, min(len(ranks), k) + 1))
    return dcg / ideal if ideal else 0.0


def citation_recall(cited: Sequence[str], groups: Sequence[Sequence[str]]) -> float:
    """Share of source groups matched by some cited passage."""
    if not groups:
        return 0.0
    return sum(1 for g in groups if any(group_matched(p, g) for p in cited)) / len(groups)


def citation_precision(
    cited: Sequence[str], groups: Sequence[Sequence[str]], key_facts: Sequence[Sequence[str]]
) -> float:
    """Share of cited passages that contain a source quote or one of the answer's key facts."""
    if not cited:
        return 0.0
    useful = [p for p in cited if any(group_matched(p, g) for g in [*groups, *key_facts])]
    return len(useful) / len(cited)


def key_fact_recall(answer: str, key_facts: Sequence[Sequence[str]]) -> float:
    """Share of `must_include` groups with an alternative in the answer (1 when there are none)."""
    if not key_facts:
        return 1.0
    return sum(1 for g in key_facts if group_matched(answer, g)) / len(key_facts)


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0..100) by linear interpolation, as numpy's default."""
    if not values:
        return 0.0
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


@dataclass(frozen=True)
class ItemScore:
    """Every metric for one item; None where a metric does not apply to it."""

    id: str
    category: str
    answerable: bool
    abstained: bool
    latency_ms: float
    hit: float | None = None
    hit_peer_k: float | None = None
    recall: float | None = None
    mrr: float | None = None
    ndcg: float | None = None
    citation_recall: float | None = None
    citation_precision: float | None = None
    key_fact_recall: float | None = None
    split: str = "test"
    # For an answerable question refused: whether a section the refusal names as nearby holds
    # a source (the reader is pointed at the answer even when none is given).
    nearby_source: float | None = None

    @property
    def failed(self) -> bool:
        """Wrong on abstention, or an answer missing a key fact or a source."""
        if not self.answerable:
            return not self.abstained
        return (
            self.abstained
            or (self.key_fact_recall is not None and self.key_fact_recall < 1.0)
            or (self.citation_recall is not None and self.citation_recall < 1.0)
        )


def score_item(
    item_id: str,
    category: str,
    answerable: bool,
    abstained: bool,
    latency_ms: float,
    answer: str,
    cited: Sequence[str],
    retrieved: Sequence[str],
    sources: Sequence[Sequence[str]],
    key_facts: Sequence[Sequence[str]],
    split: str = "test",
    nearby: Sequence[str] = (),
) -> ItemScore:
    """Score one answer. Retrieval metrics need sources; answer metrics need an answerable item
    (an abstention on one scores 0 on them). `nearby` holds the passages of the sections a
    refusal names."""
    if not answerable:
        return ItemScore(item_id, category, False, abstained, latency_ms, split=split)
    ranks = first_match_ranks(retrieved, sources) if sources else []
    return ItemScore(
        id=item_id,
        category=category,
        answerable=True,
        abstained=abstained,
        latency_ms=latency_ms,
        hit=hit_at(ranks, K) if sources else None,
        hit_peer_k=hit_at(ranks, PEER_K) if sources else None,
        recall=recall_at(ranks, K) if sources else None,
        mrr=reciprocal_rank(ranks) if sources else None,
        ndcg=ndcg_at(ranks, K) if sources else None,
        citation_recall=(0.0 if abstained else citation_recall(cited, sources))
        if sources
        else None,
        citation_precision=None if abstained else citation_precision(cited, sources, key_facts),
        key_fact_recall=0.0 if abstained else key_fact_recall(answer, key_facts),
        split=split,
        nearby_source=(
            float(any(rank is not None for rank in first_match_ranks(nearby, sources)))
            if abstained and sources
            else None
        ),
    )


METRIC_FIELDS = (
    "hit",
    "hit_peer_k",
    "recall",
    "mrr",
    "ndcg",
    "citation_recall",
    "citation_precision",
    "key_fact_recall",
    "nearby_source",
)
# The names metrics.json uses, with the cut-off spelled out.
METRIC_NAMES = {
    "hit": f"hit@{K}",
    "hit_peer_k": f"hit@{PEER_K}",
    "recall": f"recall@{K}",
    "mrr": "mrr",
    "ndcg": f"ndcg@{K}",
    "citation_recall": "citation_recall",
    "citation_precision": "citation_precision",
    "key_fact_recall": "key_fact_recall",
    "nearby_source": "refusals_pointing_to_a_source",
}


def _mean(values: Sequence[float]) -> float | None:
    return round(sum(values) / len(values), 4) if values else None


def aggregate(scores: Sequence[ItemScore]) -> dict[str, float | int | None]:
    """Averages over the items each metric applies to, plus abstention and latency."""
    result: dict[str, float | int | None] = {"items": len(scores)}
    for name in METRIC_FIELDS:
        values = [v for s in scores if (v := getattr(s, name)) is not None]
        result[METRIC_NAMES[name]] = _mean(values)
    unanswerable = [s for s in scores if not s.answerable]
    answerable = [s for s in scores if s.answerable]
    result["abstention_accuracy"] = _mean([1.0 if s.abstained else 0.0 for s in unanswerable])
    result["false_abstention_rate"] = _mean([1.0 if s.abstained else 0.0 for s in answerable])
    latencies = [s.latency_ms for s in scores]
    result["latency_p50_ms"] = round(percentile(latencies, 50), 1)
    result["latency_p95_ms"] = round(percentile(latencies, 95), 1)
    result["failed_items"] = sum(1 for s in scores if s.failed)
    return result


def by_category(scores: Sequence[ItemScore]) -> dict[str, dict[str, float | int | None]]:
    """`aggregate` for each category, in alphabetical order."""
    categories = sorted({s.category for s in scores})
    return {c: aggregate([s for s in scores if s.category == c]) for c in categories}


SPLITS = ("dev", "test")


def by_split(scores: Sequence[ItemScore]) -> dict[str, dict[str, float | int | None]]:
    """`aggregate` over every item ("all") and over each split; an empty split has only
    `items: 0`, so a gate on it fails as missing rather than passing on nothing."""
    result = {"all": aggregate(scores)}
    for split in SPLITS:
        part = [s for s in scores if s.split == split]
        result[split] = aggregate(part) if part else {"items": 0}
    return result


def as_dict(score: ItemScore) -> dict[str, object]:
    return asdict(score)
