"""Training mode: quiz questions drawn from a gold set, learners' answers scored on key facts."""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from evals.gold import GoldItem, load_gold
from evals.matching import contains, group_matched
from ingest.types import Chunk

DEFAULT_GOLD = Path(__file__).resolve().parent.parent / "evals" / "gold.yaml"


@dataclass(frozen=True)
class QuizItem:
    id: str
    question: str
    category: str
    spaces: tuple[str, ...]  # where its sources sit in the governance frame
    reference: str
    key_facts: tuple[tuple[str, ...], ...]
    history: tuple[str, ...] = ()


@dataclass(frozen=True)
class Marking:
    """How a learner's answer compares with the key facts."""

    found: tuple[str, ...]
    missed: tuple[str, ...]

    @property
    def score(self) -> float:
        total = len(self.found) + len(self.missed)
        return len(self.found) / total if total else 0.0


def _spaces(item: GoldItem, chunks: Sequence[Chunk]) -> tuple[str, ...]:
    spaces = {
        chunk.tags.space
        for group in item.sources
        for chunk in chunks
        if chunk.tags.space and any(contains(chunk.text, quote) for quote in group)
    }
    return tuple(sorted(spaces))


def _in_index(item: GoldItem, chunks: Sequence[Chunk]) -> bool:
    """Whether every source the item rests on is in an indexed passage (a document removed
    from the library takes its questions out of the quiz)."""
    return all(
        any(contains(chunk.text, quote) for chunk in chunks for quote in group)
        for group in item.sources
    )


def quiz_items(chunks: Sequence[Chunk], gold: Path = DEFAULT_GOLD) -> list[QuizItem]:
    """Answerable gold items with a reference answer whose sources are indexed: the questions
    a trainer can ask."""
    return [
        QuizItem(
            id=item.id,
            question=item.question,
            category=item.category,
            spaces=_spaces(item, chunks),
            reference=item.reference or "",
            key_facts=tuple(tuple(group) for group in item.must_include),
            history=tuple(item.history),
        )
        for item in load_gold(gold)
        if item.answerable and item.reference and item.must_include and _in_index(item, chunks)
    ]


def choose(
    items: Iterable[QuizItem], categories: Sequence[str], spaces: Sequence[str], seed: int
) -> list[QuizItem]:
    """The items in the chosen categories and spaces (all when none chosen), shuffled."""
    pool = [
        item
        for item in items
        if (not categories or item.category in categories)
        and (not spaces or set(item.spaces) & set(spaces))
    ]
    random.Random(seed).shuffle(pool)
    return pool


def mark(answer: str, item: QuizItem) -> Marking:
    """Which key facts the learner's answer contains (any alternative of each counts)."""
    found: list[str] = []
    missed: list[str] = []
    for group in item.key_facts:
        (found if group_matched(answer, group) else missed).append(" or ".join(group))
    return Marking(tuple(found), tuple(missed))
