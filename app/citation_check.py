"""Checking a generated answer against the passages it cites, sentence by sentence, with no
help from the model that wrote it.

Each sentence's `[n]` markers are read; numbers that match no passage are dropped. The sentence
is then aligned to its best supporting span in each cited passage (one sentence, or two
adjacent ones), scored by word overlap and embedding similarity. A sentence with no span that
supports it is not shown as cited.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from app.extractive import SentenceEmbeddings
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


def check(
    answer: str,
    passages: Sequence[Chunk],
    embedder: Embedder,
    embeddings: SentenceEmbeddings,
) -> list[CheckedSentence]:
    """Every sentence of `answer` with its valid markers and best supporting span, if any."""
    parts = split_answer(answer)
    if not parts:
        return []
    vectors = embedder.embed([text for text, _ in parts])
    checked: list[CheckedSentence] = []
    for (text, numbers), vector in zip(parts, vectors, strict=True):
        valid = tuple(dict.fromkeys(n for n in numbers if 1 <= n <= len(passages)))
        words = set(tokenize(text))
        best: Support | None = None
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
                if best is None or score > best.score:
                    best = Support(chunk, span, score)
        if best is not None and best.score < SUPPORT_THRESHOLD:
            best = None
        checked.append(CheckedSentence(text, valid, best))
    return checked
