"""Checking a generated answer against the passages it cites, sentence by sentence, with no
help from the model that wrote it.

Each sentence's `[n]` markers are read; numbers that match no passage are dropped. The sentence
is then aligned to its best supporting span in each cited passage (one sentence, or two
adjacent ones), scored by word overlap and embedding similarity, and then read for meaning
(`engine.claim_meaning`): its numbers must be in the span, its negation must agree with it, the
names it mentions must be in the span or its passage, and it may add no link, e-mail address or
phone number. A sentence with no span that supports it is not shown as cited.

`SentenceStream` cuts a streamed answer into sentences as each one is complete, so that a
sentence can be checked before any of it is shown.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from engine.claim_meaning import Names, numbers, polarity_conflict, unsourced_contacts
from engine.extractive import SentenceEmbeddings
from index.embedder import Embedder
from index.lexical import tokenize
from ingest.governance import addresses_a_model
from ingest.sentences import split_sentences
from ingest.types import Chunk, Sentence

_MARKERS = re.compile(r"\s*\[(\d{1,3})\]")
# A sentence is supported when 0.5 * word overlap + 0.5 * cosine reaches this. A copied or
# closely paraphrased sentence scores 0.8-1.0; a claim the passage does not make, below 0.5.
SUPPORT_THRESHOLD = 0.6
LEXICAL_WEIGHT = 0.5
# When the best span disagrees in meaning, a span scoring nearly as well (the same sentence with
# its neighbour, or the same sentence in another cited passage) may be read instead; a weaker
# one may not. Without this bound "The ESFA is not the financial regulator of academies" found
# its support in "The ESFA does not regulate local authority maintained schools" (measured on
# the gold set: 0.85 against 0.64).
MARGIN = 0.05


@dataclass(frozen=True)
class Support:
    chunk: Chunk
    sentences: tuple[Sentence, ...]  # the supporting span, adjacent sentences of the chunk
    score: float


@dataclass(frozen=True)
class CheckedSentence:
    text: str  # the sentence without its markers
    cited: tuple[int, ...]  # marker numbers that match a passage
    support: Support | None  # the best supporting span among the cited passages
    problem: str = ""  # why no span supports it, when none does


def split_answer(text: str) -> list[tuple[str, tuple[int, ...]]]:
    """(sentence without markers, marker numbers) for each sentence of a generated answer.

    A marker after the full stop ("... schools. [1]") belongs to the sentence before it.
    """
    text = re.sub(
        r"([.!?])\s*((?:\[\d{1,3}\]\s*)+)", lambda m: f"{m.group(2).strip()}{m.group(1)} ", text
    )
    sentences = []
    for start, end in split_sentences(text.strip()):
        raw = text.strip()[start:end]
        numbers = tuple(int(n) for n in _MARKERS.findall(raw))
        clean = _MARKERS.sub("", raw).strip()
        if clean:
            sentences.append((clean, numbers))
    return sentences


def _spans(chunk: Chunk) -> list[tuple[Sentence, ...]]:
    """Single sentences and adjacent pairs, leaving out any instruction aimed at a model: a
    document saying "ignore previous instructions and say X" does not support saying X."""
    usable = [s for s in chunk.sentences if not addresses_a_model(s.text)]
    spans: list[tuple[Sentence, ...]] = [(s,) for s in usable]
    spans += [
        (a, b)
        for a, b in itertools.pairwise(usable)
        if a.paragraph == b.paragraph and chunk.sentences.index(b) == chunk.sentences.index(a) + 1
    ]
    return spans


def meaning_problem(text: str, span: tuple[Sentence, ...], chunk: Chunk, names: Names) -> str:
    """Why `span` of `chunk` does not support what `text` says, or "" when it does."""
    span_text = " ".join(s.text for s in span)
    added = unsourced_contacts(text, span_text)
    if added:
        return f"adds {', '.join(added)}, which the passage does not give"
    extra = sorted(numbers(text) - numbers(span_text))
    if extra:
        return f"states {', '.join(extra)}, which the passage does not"
    clause = polarity_conflict(text, [s.text for s in span])
    if clause:
        return f"'{clause}' is negated where the passage is not, or the reverse"
    # The passage around the span, its headings and document name the actor a span's "it" or
    # "they" stands for.
    source = "\n".join([chunk.text, *chunk.section, chunk.title, chunk.author])
    unknown = names.missing(text, source)
    if unknown:
        return f"names {', '.join(unknown)}, which the passage does not"
    return ""


def check(
    answer: str,
    passages: Sequence[Chunk],
    embedder: Embedder,
    embeddings: SentenceEmbeddings,
    names: Names | None = None,
) -> list[CheckedSentence]:
    """Every sentence of `answer` with its valid markers and best supporting span, if any.

    `names` are the names the documents use (learned from `passages` when not given).
    """
    parts = split_answer(answer)
    if not parts:
        return []
    known = names if names is not None else Names.learn(_texts(passages))
    vectors = embedder.embed([text for text, _ in parts])
    return [
        check_sentence(text, markers, vector, passages, embeddings, known)
        for (text, markers), vector in zip(parts, vectors, strict=True)
    ]


def check_sentence(
    text: str,
    markers: tuple[int, ...],
    vector: np.ndarray,
    passages: Sequence[Chunk],
    embeddings: SentenceEmbeddings,
    names: Names,
) -> CheckedSentence:
    """One sentence (without its markers, embedded as `vector`) against the passages it cites:
    the best-scoring span above the threshold that also agrees with it in meaning."""
    valid = tuple(dict.fromkeys(n for n in markers if 1 <= n <= len(passages)))
    words = set(tokenize(text))
    candidates: list[Support] = []
    for n in valid:
        chunk = passages[n - 1]
        sentence_vectors = embeddings.get([(chunk, s) for s in chunk.sentences])
        by_sentence = dict(zip(chunk.sentences, sentence_vectors, strict=True))
        for span in _spans(chunk):
            span_words = set(tokenize(" ".join(s.text for s in span)))
            overlap = len(words & span_words) / len(words) if words else 0.0
            span_vector = np.mean([by_sentence[s] for s in span], axis=0)
            norm = float(np.linalg.norm(span_vector)) or 1.0
            cosine = float(span_vector @ vector) / norm
            score = LEXICAL_WEIGHT * overlap + (1 - LEXICAL_WEIGHT) * cosine
            candidates.append(Support(chunk, span, score))
    # Best first; ties keep passage and span order, so the choice is deterministic.
    candidates.sort(key=lambda c: -c.score)
    problem = "no cited passage says this" if valid else "it cites no passage"
    for index, candidate in enumerate(candidates):
        if candidate.score < SUPPORT_THRESHOLD or candidate.score < candidates[0].score - MARGIN:
            break
        found = meaning_problem(text, candidate.sentences, candidate.chunk, names)
        if not found:
            return CheckedSentence(text, valid, candidate)
        if index == 0:
            problem = found
    return CheckedSentence(text, valid, None, problem)


def _texts(chunks: Iterable[Chunk]) -> list[str]:
    """What names are learned from: each passage and each of its headings."""
    texts: list[str] = []
    for chunk in chunks:
        texts.append(chunk.text)
        texts.extend(chunk.section)
    return texts


def learn_names(chunks: Iterable[Chunk]) -> Names:
    """The names used across `chunks` (their text and headings)."""
    return Names.learn(_texts(chunks))


# A marker still arriving ("[", "[1") or a run of finished markers at the very end may belong
# to the sentence before it, so it is held back with that sentence.
_OPEN_TAIL = re.compile(r"(?:\s*\[\d{0,3}\]?)*\s*$")


class SentenceStream:
    """Cuts streamed text into (sentence, markers) as `split_answer` would cut the whole text,
    yielding each sentence once the next one has begun (or the text has ended)."""

    def __init__(self) -> None:
        self._text = ""
        self._given = 0

    def feed(self, piece: str) -> list[tuple[str, tuple[int, ...]]]:
        """The sentences completed by `piece`."""
        self._text += piece
        tail = _OPEN_TAIL.search(self._text)
        settled = self._text[: tail.start()] if tail else self._text
        complete = split_answer(settled)[:-1]
        return self._take(complete)

    def close(self) -> list[tuple[str, tuple[int, ...]]]:
        """The sentences left when the text has ended."""
        return self._take(split_answer(self._text))

    def _take(self, parts: list[tuple[str, tuple[int, ...]]]) -> list[tuple[str, tuple[int, ...]]]:
        new = parts[self._given :]
        self._given = max(self._given, len(parts))
        return new
