"""Training mode: quiz questions drawn from a gold set, learners' answers scored on key facts."""

from __future__ import annotations

import random
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Protocol

import numpy as np

from app.gold import GoldItem, contains, group_matched, load_gold
from ingest.types import Chunk

# Shipped as package data of `evals`, so an installed wheel has its quiz too.
DEFAULT_GOLD = Path(str(files("evals").joinpath("gold.yaml")))


@dataclass(frozen=True)
class QuizItem:
    id: str
    question: str
    category: str
    spaces: tuple[str, ...]  # where its sources sit in the governance frame
    reference: str
    key_facts: tuple[tuple[str, ...], ...]
    history: tuple[str, ...] = ()


class Embedder(Protocol):
    """Texts in, one L2-normalised row per text out (the index's embedder)."""

    def embed(self, texts: list[str]) -> np.ndarray: ...


@dataclass(frozen=True)
class Marking:
    """How a learner's answer compares with the key facts: each found in its words, close in
    meaning (other words for it), or missed. Each key fact found or close earns its share."""

    found: tuple[str, ...]
    missed: tuple[str, ...]
    close: tuple[str, ...] = ()

    @property
    def score(self) -> float:
        """The share of the key facts given, in the gold's words or in other words (0 to 1)."""
        total = len(self.found) + len(self.close) + len(self.missed)
        return (len(self.found) + len(self.close)) / total if total else 0.0


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


# A key fact counts as given in other words ("close") when a phrase of the answer is this near
# it in meaning (cosine of the index's embeddings, all-MiniLM-L6-v2 int8). On the quiz's 133
# key facts: 5 of 12 rewordings reach it ("the Education Secretary" for "Secretary of State",
# 0.706; "the regional commissioners" for RSCs, 0.814), and 17 of 1,561 other questions'
# reference answers that lack the fact (1.1%; on reading, about 10 of those wrongly). At 0.65,
# 6 of 12 and 2.1%; at 0.75, 3 of 12 and 0.5%. The trainer can still mark an answer either way.
CLOSE_SIMILARITY = 0.70
# Numbers are never close: "2006" is not "2010" however similar their vectors (0.738).
_DIGIT = re.compile(r"\d")
_WORD = re.compile(r"[\w'’-]+")


def phrases(answer: str, words: int) -> list[str]:
    """Runs of `words` to `words` + 2 consecutive words of the answer, within each clause (a
    key fact sits inside one clause: "the Education Secretary, and Parliament")."""
    found: list[str] = []
    for clause in re.split(r"[.;:,()\n]|\band\b|\bor\b", answer):
        tokens = _WORD.findall(clause)
        for size in range(max(words, 1), max(words, 1) + 3):
            found += [" ".join(tokens[i : i + size]) for i in range(len(tokens) - size + 1)]
        if 0 < len(tokens) < max(words, 1):
            found.append(" ".join(tokens))
    return list(dict.fromkeys(found))


def nearness(answer: str, alternatives: Sequence[str], embedder: Embedder) -> float:
    """The highest cosine between any alternative of a key fact and a phrase of the answer."""
    size = min(len(_WORD.findall(a)) for a in alternatives)
    candidates = phrases(answer, size)
    if not candidates:
        return 0.0
    vectors = embedder.embed([*alternatives, *candidates])
    facts, spans = vectors[: len(alternatives)], vectors[len(alternatives) :]
    return float((facts @ spans.T).max())


# A learner's answer is a few sentences; marking a longer one embeds many of its phrases (a
# pasted book kept a core busy for hours), so only this much of it is marked.
MAX_ANSWER_CHARS = 2000


def _once_each(group: Sequence[str]) -> list[str]:
    """The alternatives of a key fact, one of those that differ only in case."""
    named: dict[str, str] = {}
    for alternative in group:
        named.setdefault(alternative.lower(), alternative)
    return list(named.values())


def mark(answer: str, item: QuizItem, embedder: Embedder | None = None) -> Marking:
    """Which key facts the learner's answer contains (any alternative of each counts), and,
    given an embedder, which of the others it gives in other words (the first
    MAX_ANSWER_CHARS characters are marked)."""
    answer = answer[:MAX_ANSWER_CHARS]
    found: list[str] = []
    close: list[str] = []
    missed: list[str] = []
    for group in item.key_facts:
        # "Legitimacy or legitimacy" says one thing twice: alternatives that differ only in
        # case are named once.
        name = " or ".join(_once_each(group))
        if group_matched(answer, group):
            found.append(name)
        elif (
            embedder is not None
            and not any(_DIGIT.search(alternative) for alternative in group)
            and nearness(answer, group, embedder) >= CLOSE_SIMILARITY
        ):
            close.append(name)
        else:
            missed.append(name)
    return Marking(tuple(found), tuple(missed), tuple(close))
