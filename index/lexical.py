"""Keyword search with BM25 (bm25s), stemmed, English stop words removed."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache

import bm25s
import numpy as np
import Stemmer
from bm25s.stopwords import STOPWORDS_EN

from index.types import Filters, Terms
from ingest.types import Chunk

_STEMMER = Stemmer.Stemmer("english")
# Sentences and questions whose tokens are remembered (a few MB at most).
TOKENIZE_CACHE_SIZE = 65_536
# bm25s's 33 English stop words, plus the words every question is made of ("who", "does",
# "from"): they carry no topic, and left in they would make every question look half unknown.
STOPWORDS = sorted(
    set(STOPWORDS_EN)
    | set(
        [
            "who",
            "whom",
            "whose",
            "what",
            "which",
            "where",
            "when",
            "why",
            "how",
            "do",
            "does",
            "did",
            "doing",
            "done",
            "is",
            "am",
            "were",
            "been",
            "being",
            "has",
            "have",
            "had",
            "having",
            "can",
            "could",
            "should",
            "would",
            "may",
            "might",
            "must",
            "shall",
            "i",
            "me",
            "my",
            "we",
            "our",
            "you",
            "your",
            "he",
            "him",
            "his",
            "she",
            "her",
            "its",
            "them",
            "theirs",
            "from",
            "about",
            "than",
            "so",
            "also",
            "any",
            "all",
            "some",
            "each",
            "very",
            "just",
            "only",
            "other",
            "over",
            "under",
            "up",
            "down",
            "out",
            "off",
            "again",
            "more",
            "most",
            "own",
            "same",
            "too",
            "s",
            "t",
            "don",
            "tell",
            "explain",
            "describe",
            "say",
            "says",
            "said",
            "according",
            "document",
            "documents",
            "report",
            "think",
            "piece",
            "please",
            "anything",
            "something",
            # The asker's tone, not the topic ("Who actually runs ...?", "Is it really ...?").
            "actually",
            "really",
            "exactly",
            "basically",
            "even",
            "ever",
            "supposed",
            "anyway",
            "quite",
            "simply",
            "definitely",
            "certainly",
            "possibly",
            "probably",
            "maybe",
            "perhaps",
            "hi",
            "hello",
            "thanks",
            "thank",
            "wondering",
            "wonder",
            "curious",
            "know",
            "clarify",
            # What is left of a contraction once the tokenizer splits it at the apostrophe
            # ("we've", "hasn't", "they're"): left in, each counted as a word no document
            # holds, and the casual question looked half about something else. "Got" is the
            # spoken "have" ("we've got nine two-year-olds").
            "ve",
            "re",
            "ll",
            "isn",
            "aren",
            "wasn",
            "weren",
            "hasn",
            "haven",
            "hadn",
            "doesn",
            "didn",
            "couldn",
            "shouldn",
            "wouldn",
            "mustn",
            "needn",
            "got",
            # The same contractions typed without their apostrophe ("whats the ratio", "dont
            # we need"): one word each that no document holds, weighed as an absent topic.
            "whats",
            "hows",
            "whos",
            "wheres",
            "whens",
            "whys",
            "thats",
            "theres",
            "dont",
            "doesnt",
            "didnt",
            "isnt",
            "arent",
            "wasnt",
            "werent",
            "hasnt",
            "havent",
            "hadnt",
            "cant",
            "couldnt",
            "shouldnt",
            "wouldnt",
            "wont",
            "mustnt",
            "neednt",
            "im",
            "ive",
            "youre",
            "theyre",
            "weve",
            "theyve",
        ]
    )
)


# bm25s's own splitting (`bm25s.tokenize`: lower case, words of two or more word characters, stop
# words out, then stemmed), done here for one text at a time: bm25s builds three progress-bar
# objects and a vocabulary on every call, a sixth of a first-sight answer. The index itself is
# still tokenised by bm25s; tests/test_search.py checks the two agree.
_TOKEN_PATTERN = re.compile(r"(?u)\b\w\w+\b")
_STOPWORD_SET = frozenset(STOPWORDS)


@lru_cache(maxsize=TOKENIZE_CACHE_SIZE)
def tokenize(text: str) -> tuple[str, ...]:
    """Stemmed content words, the same way for passages and questions.

    Remembered: answering scores every sentence of the retrieved passages, and the same
    passages come back for many questions."""
    words = [word for word in _TOKEN_PATTERN.findall(text.lower()) if word not in _STOPWORD_SET]
    return tuple(_STEMMER.stemWords(words))


class LexicalIndex:
    """BM25 over the chunks' embedding text (headings included), with per-term IDF for scoring."""

    def __init__(self, chunks: Sequence[Chunk]) -> None:
        self.chunks = list(chunks)
        corpus = [chunk.embedding_text for chunk in self.chunks]
        token_lists = [tokenize(text) for text in corpus]
        self._document_frequency: Counter[str] = Counter()
        for tokens in token_lists:
            self._document_frequency.update(set(tokens))
        self._retriever: bm25s.BM25 | None = None
        if self.chunks:
            self._retriever = bm25s.BM25()
            self._retriever.index(
                bm25s.tokenize(corpus, stopwords=STOPWORDS, stemmer=_STEMMER, show_progress=False),
                show_progress=False,
            )

    def __contains__(self, token: str) -> bool:
        return token in self._document_frequency

    def idf(self, token: str) -> float:
        """Inverse document frequency, smoothed; an unseen term gets the highest weight."""
        n = max(len(self.chunks), 1)
        df = self._document_frequency.get(token, 0)
        return math.log(1 + (n - df + 0.5) / (df + 0.5))

    def search(self, query: str, k: int, filters: Filters) -> list[tuple[str, float]]:
        """The k best chunks for `query` as (id, BM25 score), best first; zero scores dropped."""
        return self.search_tokens(tokenize(query), k, filters)

    def terms(self, tokens: Sequence[str]) -> Terms:
        """A question's words (`tokenize`d) with their IDF, and the share no passage holds."""
        weights = {token: self.idf(token) for token in tokens}
        return Terms(weights, frozenset(token for token in weights if token not in self))

    def search_tokens(
        self, tokens: Sequence[str], k: int, filters: Filters
    ) -> list[tuple[str, float]]:
        """The k best chunks for a question's `tokenize`d words, as `search`."""
        if self._retriever is None:
            return []
        if not tokens:
            return []
        scores = np.asarray(self._retriever.get_scores(list(tokens)), dtype=np.float64)
        if not filters.empty:
            allowed = np.fromiter((filters.allows(c) for c in self.chunks), bool, len(self.chunks))
            scores = np.where(allowed, scores, 0.0)
        k = min(k, len(scores))
        best = np.argpartition(-scores, k - 1)[:k]
        ranked = sorted(best, key=lambda i: -scores[i])
        return [(self.chunks[i].id, float(scores[i])) for i in ranked if scores[i] > 0]
