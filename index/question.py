"""How a question is laid out: any context first, then the sentence that asks.

"A practitioner qualified in 2022 has joined us. How soon must they ...?" gives its context
in a sentence of its own; what the question asks is in its last sentence.
"""

from __future__ import annotations

import re
from itertools import pairwise

_SENTENCE_END = re.compile(r"[.!?]\s+(?=\S)")
# A dash between spaces sets the asking clause apart from what leads up to it: "I also govern
# a maintained school — what about local authorities?".
_CLAUSE_BREAK = re.compile(r"\s[—–-]\s+(?=\S)")


# A follow-up resolved against the conversation carries the earlier turn in brackets at its
# end ("What if we're down to fewer than that? (How many directors ...?)"): context, not what
# is asked.
_CARRIED_CONTEXT = re.compile(r"\s+\((?:[^()]|\([^()]*\))*\)\s*$")


def without_carried_context(question: str) -> str:
    """The question without the earlier turn a follow-up carries at its end."""
    return _CARRIED_CONTEXT.sub("", question) if question.rstrip().endswith(")") else question


def asking_span(question: str) -> tuple[int, int]:
    """Where the sentence that asks begins and ends: the last one before any carried context,
    or, when that one asks nothing and an earlier one ends in a question mark, that earlier one
    ("Is there a maximum? Someone told me 12" asks in its first sentence)."""
    body = without_carried_context(question).rstrip()
    starts = [0, *(m.end() for m in _SENTENCE_END.finditer(body))]
    if not body.endswith("?"):
        for start, end in reversed(list(pairwise(starts))):
            if body[:end].rstrip().endswith("?"):
                return start, len(body[:end].rstrip())
    return starts[-1], len(body)


def asking_start(question: str) -> int:
    """Where the sentence that asks begins."""
    return asking_span(question)[0]


def asking_sentence(question: str) -> str:
    """The sentence of a question that asks: what comes before it is context, and so is the
    earlier turn a follow-up carries."""
    start, end = asking_span(question)
    return question[start:end].strip()


def asking_clause(question: str) -> str:
    """The clause that asks: the asking sentence, after any lead-in set off by a dash."""
    sentence = asking_sentence(question)
    starts = [m.end() for m in _CLAUSE_BREAK.finditer(sentence)]
    if starts and len(sentence[starts[-1] :].split()) >= 2:
        return sentence[starts[-1] :].strip()
    return sentence
