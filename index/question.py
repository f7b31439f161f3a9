"""How a question is laid out: any context first, then the sentence that asks.

"A practitioner qualified in 2022 has joined us. How soon must they ...?" gives its context
in a sentence of its own; what the question asks is in its last sentence.
"""

from __future__ import annotations

import re

_SENTENCE_END = re.compile(r"[.!?]\s+(?=\S)")


def asking_start(question: str) -> int:
    """Where the sentence that asks (the last one) begins."""
    return max((m.end() for m in _SENTENCE_END.finditer(question)), default=0)


def asking_sentence(question: str) -> str:
    """The sentence of a question that asks: what comes before it is context."""
    return question[asking_start(question) :].strip()
