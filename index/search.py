"""Hybrid search: dense (the chunks' vectors, stored in Chroma) and keyword (BM25) rankings, plus
the document structure a question points at (index/structural.py), fused by reciprocal rank
fusion."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import pairwise

import numpy as np

from index.embedder import Embedder
from index.lexical import LexicalIndex, tokenize
from index.store import Store
from index.structural import StructureTable
from index.top_k import best_first
from index.types import Filters, Hit, Preference, Terms
from index.vocabulary import Vocabulary
from ingest.cover import cover_passages
from ingest.types import Chunk

# RRF's usual constant: rank 1 scores 1/61, rank 10 scores 1/70, so no single list dominates.
RRF_K = 60
# Passages retrieved per question unless the settings say otherwise (GOVASSIST_TOP_K).
DEFAULT_TOP_K = 8
# How many candidates each ranking contributes before fusion.
CANDIDATES_PER_RANKING = 30
# Question vectors kept (384 floats each: 4,096 of them take 6 MB).
QUERY_CACHE_SIZE = 4096
# Structure is a hint, not evidence: it counts half as much as meaning or words.
RANKING_WEIGHTS = {"dense": 1.0, "lexical": 1.0, "structure": 0.5}


def reciprocal_rank_fusion(
    rankings: dict[str, list[str]], weights: dict[str, float] | None = None, k: int = RRF_K
) -> list[tuple[str, float, tuple[str, ...]]]:
    """Fuse ranked id lists: score(id) = sum of weight / (k + rank), rank counted from 1.

    Returns (id, score, names of the rankings that contained it), best first; ties keep the
    order in which ids were first seen.
    """
    scores: dict[str, float] = {}
    found_by: dict[str, list[str]] = {}
    for name, ids in rankings.items():
        weight = (weights or {}).get(name, 1.0)
        for rank, chunk_id in enumerate(ids, start=1):
            scores[chunk_id] = scores.get(chunk_id, 0.0) + weight / (k + rank)
            found_by.setdefault(chunk_id, []).append(name)
    order = sorted(scores, key=lambda i: -scores[i])
    return [(i, scores[i], tuple(found_by[i])) for i in order]


@dataclass
class HybridIndex:
    """Everything a question needs at query time, loaded once and shared (read-only)."""

    store: Store
    embedder: Embedder
    chunks: dict[str, Chunk]
    lexical: LexicalIndex
    # One L2-normalised row per chunk, in the order of `chunks`. The dense ranking is exact over
    # these, not Chroma's HNSW query: that graph is approximate, and an embedded Chroma rebuilds
    # it on opening from its log, inserting in parallel in no fixed order (a collection smaller
    # than its sync threshold is never saved as a graph), so the same question could miss a
    # near-tail passage in one process and not in the next; fused with the other rankings, that
    # changed answers and abstentions from one run to the next.
    vectors: np.ndarray
    _query_cache: dict[str, np.ndarray] = field(default_factory=dict, repr=False)
    _query_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    # The chunks' map tags, for the structural ranking (index/structural.py).
    structure: StructureTable = field(init=False, repr=False)
    # The documents' words and abbreviations, for questions worded unlike them.
    vocabulary: Vocabulary = field(init=False, repr=False)
    # The chunk ids in the order of the rows of `vectors`.
    _ids: list[str] = field(init=False, repr=False)
    # Each chunk's id -> the id of the chunk after (before) it in its document.
    _next: dict[str, str] = field(init=False, repr=False)
    _previous: dict[str, str] = field(init=False, repr=False)
    # How many documents the chunks come from.
    documents: int = field(init=False, repr=False)
    # The passages of each document's cover (ingest/cover.py), quoted only for questions about
    # a document itself.
    cover: frozenset[str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._ids = list(self.chunks)
        in_order = sorted(self.chunks.values(), key=lambda c: (c.doc_id, c.start))
        pairs = [(a.id, b.id) for a, b in pairwise(in_order) if a.doc_id == b.doc_id]
        self._next, self._previous = dict(pairs), {b: a for a, b in pairs}
        self.documents = len({chunk.doc_id for chunk in self.chunks.values()})
        self.vocabulary = Vocabulary.learn(c.embedding_text for c in self.chunks.values())
        self.structure = StructureTable(list(self.chunks.values()))
        self.cover = cover_passages(self.chunks.values())

    def next_passage(self, chunk: Chunk) -> Chunk | None:
        """The passage that follows `chunk` in its document, if any."""
        following = self._next.get(chunk.id)
        return self.chunks[following] if following is not None else None

    def previous_passage(self, chunk: Chunk) -> Chunk | None:
        """The passage just before `chunk` in its document, if any."""
        before = self._previous.get(chunk.id)
        return self.chunks[before] if before is not None else None

    @classmethod
    def load(cls, store: Store, embedder: Embedder) -> HybridIndex:
        chunks: list[Chunk] = []
        pages: list[np.ndarray] = []
        for page_chunks, page_vectors in store.export():
            chunks += page_chunks
            pages.append(np.asarray(page_vectors, dtype=np.float32))
        # Document order makes every later tie-break deterministic.
        order = sorted(range(len(chunks)), key=lambda i: (chunks[i].doc_id, chunks[i].start))
        chunks = [chunks[i] for i in order]
        vectors = np.concatenate(pages)[order] if pages else np.zeros((0, 0), dtype=np.float32)
        vectors /= np.clip(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12, None)
        return cls(store, embedder, {c.id: c for c in chunks}, LexicalIndex(chunks), vectors)

    def dense_search(self, vector: np.ndarray, k: int, filters: Filters) -> list[tuple[str, float]]:
        """The k chunks nearest `vector` within `filters` as (id, cosine similarity), best first;
        exact, equal similarities in document order."""
        norm = float(np.linalg.norm(vector))
        similarity = self.vectors @ (np.asarray(vector, dtype=np.float32) / max(norm, 1e-12))
        if filters.empty:
            best = best_first(similarity, k)
        else:
            chunks = self.chunks.values()
            allowed = np.fromiter((filters.allows(c) for c in chunks), bool, len(similarity))
            rows = np.flatnonzero(allowed)
            best = rows[best_first(similarity[rows], k)]
        return [(self._ids[row], float(similarity[row])) for row in best]

    def terms(self, tokens: Sequence[str]) -> Terms:
        """A question's words weighed by the indexed passages (see `LexicalIndex.terms`). A
        form of an abbreviation the documents define but never write ("LAs", where they define
        "Local Authority (LA)") is known by its long form, which they do write."""
        terms = self.lexical.terms(tokens)
        aliases = self.vocabulary.aliases
        known = {
            token
            for token in terms.unknown
            if (token,) in aliases and all(stem in self.lexical for stem in aliases[(token,)])
        }
        return Terms(terms.weights, terms.unknown - known) if known else terms

    def embed_query(self, query: str) -> np.ndarray:
        """The question's vector; a question asked before (a starter question, the same quiz
        item in a room of thirty) is not embedded again."""
        with self._query_lock:
            cached = self._query_cache.get(query)
        if cached is not None:
            return cached
        vector = self.embedder.embed([query])[0]
        with self._query_lock:
            if len(self._query_cache) >= QUERY_CACHE_SIZE:
                self._query_cache.pop(next(iter(self._query_cache)))  # the oldest entry
            self._query_cache[query] = vector
        return vector

    def search(
        self,
        query: str,
        k: int = DEFAULT_TOP_K,
        filters: Filters = Filters(),
        preference: Preference = Preference(),
        query_vector: np.ndarray | None = None,
        query_tokens: Sequence[str] | None = None,
    ) -> list[Hit]:
        """The k best chunks for `query` within `filters` (its vector and its `tokenize`d
        words may be given, read once by the caller)."""
        if not self.chunks:
            return []
        vector = self.embed_query(query) if query_vector is None else query_vector
        tokens = tokenize(query) if query_tokens is None else query_tokens
        dense = self.dense_search(vector, CANDIDATES_PER_RANKING, filters)
        lexical = self.lexical.search_tokens(tokens, CANDIDATES_PER_RANKING, filters)
        dense_ids = [i for i, _ in dense if i in self.chunks]
        lexical_ids = [i for i, _ in lexical if i in self.chunks]
        interleaved = list(
            dict.fromkeys(i for pair in zip(dense_ids, lexical_ids, strict=False) for i in pair)
        )
        interleaved += [i for i in dense_ids + lexical_ids if i not in interleaved]
        rankings = {"dense": dense_ids, "lexical": lexical_ids}
        structure = self.structure.rank(preference, interleaved, filters, CANDIDATES_PER_RANKING)
        if structure:
            rankings["structure"] = structure
        dense_similarity = dict(dense)
        lexical_score = dict(lexical)
        fused = reciprocal_rank_fusion(rankings, RANKING_WEIGHTS)
        return [
            Hit(
                chunk=self.chunks[chunk_id],
                score=score,
                rank=rank,
                dense_similarity=dense_similarity.get(chunk_id),
                lexical_score=lexical_score.get(chunk_id),
                sources=found_by,
            )
            for rank, (chunk_id, score, found_by) in enumerate(fused[:k], start=1)
        ]
