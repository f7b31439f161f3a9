"""Running a gold set through the assistant (and the peer) and writing the results."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from app.answers import Answer
from evals.gold import GoldItem
from evals.metrics import ItemScore, aggregate, by_category, score_item
from evals.peer import TutorialRag
from index.types import Filters


class Answerer(Protocol):
    """What the evaluation needs: the same `answer` the app and the CLI call."""

    def answer(
        self, question: str, history: Sequence[str] = (), filters: Filters = Filters()
    ) -> Answer: ...


@dataclass
class ItemResult:
    item: GoldItem
    answer: Answer
    score: ItemScore
    peer_passages: tuple[str, ...] = ()
    peer_score: ItemScore | None = None


@dataclass
class EvalRun:
    answerer: str
    gold_path: str
    results: list[ItemResult] = field(default_factory=list)
    peer_index_seconds: float | None = None

    @property
    def scores(self) -> list[ItemScore]:
        return [r.score for r in self.results]

    @property
    def peer_scores(self) -> list[ItemScore]:
        return [r.peer_score for r in self.results if r.peer_score is not None]

    def metrics(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "answerer": self.answerer,
            "gold": self.gold_path,
            "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "overall": aggregate(self.scores),
            "by_category": by_category(self.scores),
        }
        if self.peer_scores:
            data["peer"] = {
                "name": "LangChain tutorial RAG (RecursiveCharacterTextSplitter 1000/200, "
                "same embedder, Chroma similarity top-4)",
                "index_seconds": round(self.peer_index_seconds or 0.0, 2),
                "overall": aggregate(self.peer_scores),
                "by_category": by_category(self.peer_scores),
            }
        return data


def run(
    items: Sequence[GoldItem],
    assistant: Answerer,
    answerer_name: str,
    gold_path: str,
    peer: TutorialRag | None = None,
    on_item: Callable[[int, int], None] | None = None,
) -> EvalRun:
    """Answer every item, its `history` as earlier turns of the same conversation."""
    outcome = EvalRun(
        answerer_name, gold_path, peer_index_seconds=peer.index_seconds if peer else None
    )
    for number, item in enumerate(items, start=1):
        answer = assistant.answer(item.question, history=item.history)
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
        )
        result = ItemResult(item, answer, score)
        if peer is not None:
            retrieved = peer.retrieve(item.question)
            peer_score = score_item(
                item.id, item.category, item.answerable, False, retrieved.latency_ms, "",
                retrieved.passages, retrieved.passages, item.sources, item.must_include,
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
