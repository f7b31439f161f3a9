"""Questions about what someone must, should or may do, answered from the duties register.

"What must the governing board do about safeguarding?" is answered with the board's duties on
that topic, each the exact sentence of a document that states it, must before should before
may. A question that names no actor the register knows goes to ordinary answering.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from engine.extractive import (
    DENSE_WEIGHT,
    LEXICAL_WEIGHT,
    RELATIVE_CUTOFF,
    ScoredSentence,
)
from index.duty_registers import Register, find_actor
from index.lexical import tokenize
from index.types import Terms
from ingest.duties import STRENGTHS, Duty
from ingest.types import Chunk, Sentence

# "What must X do (about Y)?", "What does X have to do ...?", "What are the duties of X (on
# Y)?", "What responsibilities does X have (for Y)?"
_DUTY_QUESTION = re.compile(
    r"^\W*(?:and\s+|so\s+)?(?:what|which)\s+(?:"
    r"(?:must|should|shall|does|do|may|can)\s+(?P<a1>.+?)\s+"
    r"(?:have\s+to\s+|has\s+to\s+|need\s+to\s+|needs\s+to\s+|got\s+to\s+)?do\b(?P<t1>.*)"
    r"|(?:duties|responsibilities|obligations)\s+(?:does|do|has|have)\s+(?P<a2>.+?)\s+"
    r"(?:got|have|has|hold|carry)\b(?P<t2>.*)"
    r"|(?:are|is)\s+(?:the\s+)?(?:main\s+|key\s+|legal\s+|statutory\s+)?"
    r"(?:duties|responsibilities|obligations)\s+of\s+(?P<a3>[^?]+?)"
    r"(?:\s+(?:about|for|on|regarding|when|in|around|towards?)\b(?P<t3>.*))?)\W*$",
    re.IGNORECASE,
)
_LEADING = re.compile(r"^\s*(?:about|for|on|regarding|when|in|around|with|to|towards?)\s+", re.I)
_DETERMINER = re.compile(r"^(?:the|our|a|an|my|your|their|its)\s+", re.I)
# "What can Ofsted actually do ...?": the asker's tone, not part of the name.
_TONE = re.compile(r"\s+(?:actually|really|exactly|even|just|ever|legally|always)$", re.I)
MAX_DUTIES = 6
STRENGTH_ORDER = {strength: rank for rank, strength in enumerate(STRENGTHS)}
# On a topic, a duty must be at least this close to the question (cosine) or share its words,
# and the best must score as a sentence that answers would (AbstentionPolicy.min_evidence).
MIN_TOPIC_SIMILARITY = 0.35
MIN_TOPIC_SCORE = 0.40


@dataclass(frozen=True)
class DutyQuestion:
    actor_words: str
    topic: str

    @property
    def points_back(self) -> bool:
        """Whether the topic is something said before ("What must the board do about it?")."""
        return bool(_POINTING_BACK.search(self.topic))


_POINTING_BACK = re.compile(r"\b(?:it|this|that|these|those|them|they|there)\b", re.I)


def read_duty_question(question: str) -> DutyQuestion | None:
    """The actor and topic of a question about duties, or None for any other question."""
    match = _DUTY_QUESTION.search(" ".join(question.split()))
    if match is None:
        return None
    actor = next(g for g in (match["a1"], match["a2"], match["a3"]) if g is not None)
    topic = next((g for g in (match["t1"], match["t2"], match["t3"]) if g), "")
    topic = _LEADING.sub("", topic.strip(" ?.!")).strip()
    return DutyQuestion(_TONE.sub("", _DETERMINER.sub("", actor.strip())), topic)


def register_actor(register: Register, words: str) -> str | None:
    """The register's actor that `words` name, in any case, number or alias."""
    for candidate in (words, words.rstrip("s"), f"{words}s"):
        actor = find_actor(register, candidate)
        if actor:
            return actor
    return None


def duty_sentence(chunks: dict[str, Chunk], duty: Duty) -> tuple[Chunk, Sentence] | None:
    """The indexed chunk and sentence a duty was read from."""
    chunk = chunks.get(duty.chunk_id)
    if chunk is None:
        return None
    sentence = chunk.sentence_at(duty.chunk_start)
    return (chunk, sentence) if sentence is not None else None


def choose_duties(
    asked: DutyQuestion,
    duties: Sequence[tuple[Duty, Chunk, Sentence]],
    similarities: np.ndarray,
    terms: Terms,
) -> list[ScoredSentence]:
    """The duties that answer: on a topic, the closest to it (none when even the closest is
    far); with no topic, the strongest (must before should before may), in document order."""

    def rank(order: int) -> tuple[int, int]:  # must first, then the documents' order
        return STRENGTH_ORDER.get(duties[order][0].strength, len(STRENGTH_ORDER)), order

    weights = terms.weights  # the topic's words
    scored: list[tuple[float, int, ScoredSentence]] = []
    for order, ((_, chunk, sentence), similarity) in enumerate(
        zip(duties, similarities, strict=True)
    ):
        words = set(tokenize(" ".join((sentence.text, *chunk.section))))
        coverage = terms.coverage(words)
        if weights and similarity < MIN_TOPIC_SIMILARITY and coverage == 0:
            continue
        score = DENSE_WEIGHT * float(similarity) + LEXICAL_WEIGHT * coverage if weights else 0.0
        scored.append(
            (score, order, ScoredSentence(sentence, chunk, 1, float(similarity), coverage, score))
        )
    if not weights:  # no topic: the strongest duties, in the documents' order
        return [item for _, _, item in sorted(scored, key=lambda e: rank(e[1]))[:MAX_DUTIES]]
    # On a topic: the closest duties, as close as the best nearly is, closest first.
    scored.sort(key=lambda entry: -entry[0])
    if not scored or scored[0][0] < MIN_TOPIC_SCORE:
        return []
    cutoff = scored[0][0] * RELATIVE_CUTOFF
    return [item for score, _, item in scored[:MAX_DUTIES] if score >= cutoff]
