"""Running a gold set through the assistant (and the peer) and writing the results."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from app.gold import GoldItem
from engine.answers import Answer, Answerer
from engine.followup import conversation
from evals import consistency
from evals.consistency import VariantOutcome, shares_a_passage
from evals.metrics import ItemScore, aggregate, by_category, by_split, score_item
from evals.peer import TutorialRag


@dataclass
class ItemResult:
    item: GoldItem
    answer: Answer
    score: ItemScore
    peer_passages: tuple[str, ...] = ()
    peer_score: ItemScore | None = None


PEER_NAME = (
    "LangChain tutorial RAG (RecursiveCharacterTextSplitter 1000/200, same embedder, "
    "Chroma similarity top-4)"
)


def set_name(path: str) -> str:
    """A set's name in metrics.json and the gate: its gold file's name without the suffix."""
    return Path(path).stem


@dataclass
class EvalRun:
    """Every answer of one run: the gold file's items and, when given, their rewordings."""

    answerer: str
    gold_path: str
    results: list[ItemResult] = field(default_factory=list)
    peer_index_seconds: float | None = None
    variants_path: str | None = None
    # The set's name when not its gold file's: the same questions over another library
    # ("gold_printed": the corpus printed to PDF) are a set of their own.
    name: str | None = None

    @property
    def has_peer(self) -> bool:
        return any(r.peer_score is not None for r in self.results)

    @property
    def originals(self) -> list[ItemResult]:
        """The items that reword no other item of the run (a rewording file read on its own
        is a gold set like any other)."""
        asked = {r.item.id for r in self.results}
        return [r for r in self.results if r.item.variant_of not in asked]

    @property
    def variants(self) -> list[ItemResult]:
        """The rewordings of items in the run."""
        asked = {r.item.id for r in self.results}
        return [r for r in self.results if r.item.variant_of in asked]

    @property
    def names(self) -> tuple[str, str]:
        """The names of the two sets: the gold file's and its rewordings'."""
        if self.name:
            return self.name, f"{self.name}_rewordings"
        originals = set_name(self.gold_path)
        variants = set_name(self.variants_path) if self.variants_path else f"{originals}_rewordings"
        return originals, variants

    @property
    def scores(self) -> list[ItemScore]:
        """Our scores on the originals."""
        return [r.score for r in self.originals]

    @property
    def peer_scores(self) -> list[ItemScore]:
        """The peer's scores on the originals."""
        return [r.peer_score for r in self.originals if r.peer_score is not None]

    def outcomes(self, peer: bool = False) -> list[VariantOutcome]:
        """For each rewording, whether its answer shares a cited passage with its original's."""
        cited = {r.item.id: _cited(r, peer) for r in self.results}
        return [
            VariantOutcome(
                original_id=r.item.variant_of or "",
                kind=_kind(r),
                split=r.item.split,
                consistent=shares_a_passage(cited[r.item.variant_of or ""], _cited(r, peer)),
            )
            for r in self.variants
        ]

    def _sets(self, peer: bool) -> dict[str, Any]:
        def scores(results: list[ItemResult]) -> list[ItemScore]:
            chosen = [r.peer_score if peer else r.score for r in results]
            return [s for s in chosen if s is not None]

        originals, variants = self.names
        sets: dict[str, Any] = {originals: by_split(scores(self.originals))}
        if self.variants:
            outcomes = self.outcomes(peer)
            part: dict[str, Any] = by_split(scores(self.variants))
            for split, value in consistency.by_split(outcomes).items():
                part[split]["consistency"] = value
            kinds = sorted({_kind(r) for r in self.variants})
            part["by_kind"] = {
                kind: aggregate(scores([r for r in self.variants if _kind(r) == kind]))
                for kind in kinds
            }
            for kind, value in consistency.by_kind(outcomes).items():
                part["by_kind"][kind]["consistency"] = value
            part["consistency_by_item"] = consistency.by_item(outcomes)
            sets[variants] = part
        return sets

    def metrics(self) -> dict[str, Any]:
        """metrics.json: `overall` and `by_category` over the gold file's own items (as
        before), and `sets`: each set (the originals, the rewordings) over all / dev / test."""
        data: dict[str, Any] = {
            "answerer": self.answerer,
            "gold": self.gold_path,
            "variants": self.variants_path,
            "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "overall": aggregate(self.scores),
            "by_category": by_category(self.scores),
            "sets": self._sets(peer=False),
        }
        if self.has_peer:
            data["peer"] = {
                "name": PEER_NAME,
                "index_seconds": round(self.peer_index_seconds or 0.0, 2),
                "overall": aggregate(self.peer_scores),
                "by_category": by_category(self.peer_scores),
                "sets": self._sets(peer=True),
            }
        return data


def _kind(result: ItemResult) -> str:
    return result.item.kind or "unknown"


def _cited(result: ItemResult, peer: bool) -> tuple[str, ...]:
    if peer:
        return result.peer_passages
    return tuple(c.text for c in result.answer.citations)


def run(
    items: Sequence[GoldItem],
    assistant: Answerer,
    answerer_name: str,
    gold_path: str,
    peer: TutorialRag | None = None,
    on_item: Callable[[int, int], None] | None = None,
    variants_path: str | None = None,
) -> EvalRun:
    """Answer every item, its `history` as earlier turns of the same conversation."""
    outcome = EvalRun(
        answerer_name,
        gold_path,
        peer_index_seconds=peer.index_seconds if peer else None,
        variants_path=variants_path,
    )
    for number, item in enumerate(items, start=1):
        answer = assistant.answer(item.question, history=conversation(assistant, item.history))
        score = score_item(
            item.id,
            item.category,
            item.answerable,
            answer.abstained,
            answer.latency_ms,
            answer.text,
            [c.text for c in answer.citations],
            [c.text for c in answer.retrieved],
            item.sources,
            item.must_include,
            item.split,
            nearby=[chunk.text for _, chunk in answer.nearby_passages()],
        )
        result = ItemResult(item, answer, score)
        if peer is not None:
            retrieved = peer.retrieve(item.question)
            peer_score = score_item(
                item.id, item.category, item.answerable, False, retrieved.latency_ms, "",
                retrieved.passages, retrieved.passages, item.sources, item.must_include,
                item.split,
            )  # fmt: skip
            # The tutorial RAG composes no answer without an LLM: key facts do not apply.
            result.peer_score = dataclasses.replace(peer_score, key_fact_recall=None)
            result.peer_passages = retrieved.passages
        outcome.results.append(result)
        if on_item:
            on_item(number, len(items))
    return outcome


def write_results(outcome: EvalRun, out: Path) -> None:
    """`results.jsonl` (the answer JSON plus `id`, one line per item) and `metrics.json`."""
    out.mkdir(parents=True, exist_ok=True)
    with (out / "results.jsonl").open("w", encoding="utf-8") as handle:
        for result in outcome.results:
            handle.write(json.dumps(result.answer.to_json(result.item.id), ensure_ascii=False))
            handle.write("\n")
    (out / "metrics.json").write_text(
        json.dumps(outcome.metrics(), indent=2, ensure_ascii=False), encoding="utf-8"
    )
