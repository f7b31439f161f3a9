"""Plain words in a question, joined by the words the documents use for the same thing.

Governors ask about "councils", "heads" and "DBS checks"; guidance says "local authorities",
"headteachers" and "criminal records checks". The groups of equivalent phrases are general
English usage in school governance (`plain_terms.yaml`); which phrase of a group a question
gains is learnt from the indexed documents: the one they use most, and never one they don't.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from index.lexical import tokenize
from index.question import asking_start

TERMS_FILE = Path(__file__).with_name("plain_terms.yaml")


@lru_cache(maxsize=1)
def term_groups(path: Path = TERMS_FILE) -> tuple[tuple[str, ...], ...]:
    """The groups of equivalent phrases, as listed."""
    groups = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    return tuple(tuple(str(phrase) for phrase in group) for group in groups)


# Enough text to tell which phrase of a group the documents prefer; a larger library is
# sampled evenly (counting in 1 MB takes about 20 ms a group, done once, on first use).
SAMPLE_CHARS = 1_000_000


def _phrase(phrase: str) -> str:
    return r"\s+".join(re.escape(word) for word in phrase.split())


def _pattern(phrases: Sequence[str]) -> re.Pattern[str]:
    """Any of `phrases` as whole words, the longest tried first."""
    alternatives = "|".join(_phrase(p) for p in sorted(phrases, key=lambda p: -len(p)))
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])", re.IGNORECASE)


# A capitalised phrase right after a capitalised word is part of a name ("Teaching Schools
# Council", "Student Loans Company"), not the plain word; a word that only starts a sentence or
# a title ("The Council", "Our Governors") names nothing.
_WORD_BEFORE = re.compile(r"([A-Za-z][\w’'-]*)\s+$")
_NOT_NAMES = frozenset(
    [
        "the",
        "a",
        "an",
        "our",
        "your",
        "their",
        "its",
        "his",
        "her",
        "my",
        "each",
        "every",
        "all",
        "any",
        "some",
        "no",
        "this",
        "that",
        "these",
        "those",
        "which",
        "what",
        "who",
        "whom",
        "whose",
        "how",
        "when",
        "where",
        "why",
        "is",
        "are",
        "was",
        "were",
        "do",
        "does",
        "did",
        "can",
        "could",
        "should",
        "must",
        "may",
        "will",
        "would",
        "if",
        "and",
        "or",
        "but",
        "for",
        "of",
        "in",
        "on",
        "to",
        "by",
        "with",
        "as",
        "at",
        "from",
        "about",
    ]
)


# "As trustees of a growing trust, ...", "I'm a new governor and ...": who is asking.
_ASKER = re.compile(
    r"\b(?:as|i am|i'm|we are|we're)\s+(?:(?:a|an|the|new|newly|\w+ed)\s+){0,2}$", re.I
)


@dataclass(frozen=True)
class PlainTerms:
    """The groups of equivalent phrases, and (learnt on first use) which phrase of each group
    the indexed documents use most."""

    text: str  # the documents' text, or an even sample of it
    groups: tuple[tuple[str, ...], ...]
    _patterns: tuple[re.Pattern[str], ...] = field(init=False, repr=False)
    _documents_say: dict[int, str | None] = field(default_factory=dict, repr=False)
    _name_words: dict[int, frozenset[str]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_patterns", tuple(_pattern(g) for g in self.groups))

    @classmethod
    def learn(
        cls, texts: Iterable[str], groups: Sequence[Sequence[str]] | None = None
    ) -> PlainTerms:
        """Keep the documents' text (sampled evenly beyond SAMPLE_CHARS) to count phrases in."""
        texts = list(texts)
        total = sum(len(text) for text in texts)
        step = max(1, -(-total // SAMPLE_CHARS))
        groups = term_groups() if groups is None else groups
        return cls("\n".join(texts[::step]), tuple(tuple(g) for g in groups))

    def documents_say(self, group: int) -> str | None:
        """The phrase of `group` the documents use most, or None when they use none of it."""
        if group not in self._documents_say:
            self._read_group(group)
        return self._documents_say[group]

    def _read_group(self, group: int) -> None:
        """One pass over the documents for `group`'s phrases: the one they use most (outside
        names), and the words before a phrase that make a name they write only in capitals."""
        counts: Counter[str] = Counter()
        capitals: dict[str, bool] = {}
        for match in self._patterns[group].finditer(self.text):
            if not _part_of_name(self.text, match):
                counts[" ".join(match.group(0).lower().split())] += 1
            word = _word_before(self.text, match)
            if word is not None:
                named = word[:1].isupper() and all(w[:1].isupper() for w in match.group(0).split())
                capitals[word.lower()] = capitals.get(word.lower(), True) and named
        best = counts.most_common(1)
        self._documents_say[group] = best[0][0] if best else None
        self._name_words[group] = frozenset(
            word for word, always in capitals.items() if always and word not in _NOT_NAMES
        )

    def add_document_terms(self, question: str) -> str:
        """`question` with, after each plain phrase of a group, the group's phrase the documents
        use ("councils" -> "councils (local authorities)"), when the question lacks it."""
        insertions: list[tuple[int, str]] = []
        # Only the sentence that asks: "Useful for our governors. And local authorities?" says
        # who is asking first, and that is not what the question is about.
        asks_from = asking_start(question)
        for group, pattern in enumerate(self._patterns):
            match = next(
                (
                    m
                    for m in pattern.finditer(question, asks_from)
                    if not _part_of_name(question, m)
                    and not self._names_in_documents(question, group, m)
                    and not _describes_asker(question, m)
                ),
                None,
            )
            if match is None:
                continue
            said = self.documents_say(group)
            # Nothing to add when the question already says it their way, in any inflection
            # ("local authority" for "local authorities").
            if said is None or tokenize(said) == tokenize(match.group(0)):
                continue
            if _pattern([said]).search(question):
                continue
            insertions.append((match.end(), said))
        for end, words in sorted(insertions, reverse=True):
            question = f"{question[:end]} ({words}){question[end:]}"
        return question

    def _names_in_documents(self, question: str, group: int, match: re.Match[str]) -> bool:
        """Whether the phrase at `match`, with the word before it, is a name the documents
        write only in capitals: "council" in "the teaching schools council", typed in lower
        case, is the Teaching Schools Council, not a local authority."""
        word = _word_before(question, match)
        return word is not None and word.lower() in self._name_starts(group)

    def _name_starts(self, group: int) -> frozenset[str]:
        """The words (lower case) that, before a phrase of `group`, make a name the documents
        write only in capitals ("schools" for "Teaching Schools Council")."""
        if group not in self._name_words:
            self._read_group(group)
        return self._name_words[group]


def _part_of_name(text: str, match: re.Match[str]) -> bool:
    """Whether the phrase at `match` is a word of a longer capitalised name."""
    if not match.group(0)[:1].isupper():
        return False
    word = _word_before(text, match)
    return bool(word and word[0].isupper() and word.lower() not in _NOT_NAMES)


def _word_before(text: str, match: re.Match[str]) -> str | None:
    """The word just before the phrase at `match`, if only spaces part them."""
    before = _WORD_BEFORE.search(text[max(0, match.start() - 60) : match.start()])
    return before.group(1) if before else None


def _describes_asker(text: str, match: re.Match[str]) -> bool:
    """Whether the phrase at `match` says who is asking ("As a new governor, ...")."""
    return bool(_ASKER.search(text[max(0, match.start() - 40) : match.start()]))
