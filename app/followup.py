"""Reading a question in the light of the conversation, without a language model.

"And who are they accountable to?" after a question about RSCs is about RSCs; "What about the
ESFA?" after a question about legitimacy asks about the ESFA's legitimacy.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ingest.governance import asks_for_recommendation, find_actors, find_dimensions

_REFERS_BACK = re.compile(
    r"\b(they|them|their|theirs|it|its|this|that|these|those|he|she|his|her|the same|both)\b",
    re.IGNORECASE,
)
_ELLIPTIC_START = re.compile(r"^\s*(and|but|also|so|then|what about|how about|and what)\b", re.I)
_SHORT_QUESTION_WORDS = 5
# Words added to the search so a carried-over dimension finds its section.
DIMENSION_WORDS = {
    "authority": "authority power",
    "decision-making": "decision making decides",
    "legitimacy": "legitimacy draws authority from",
    "accountability": "accountability accountable to",
}


@dataclass(frozen=True)
class ResolvedQuestion:
    """The question to search with and the governance frame it points at."""

    text: str
    actors: tuple[str, ...]
    dimensions: tuple[str, ...]
    recommendation: bool
    from_history: bool = False


def _frame(question: str) -> tuple[list[str], list[str]]:
    return find_actors(question), find_dimensions(question)


def resolve(question: str, history: Sequence[str] = ()) -> ResolvedQuestion:
    """Fill in what a follow-up leaves out from the most recent earlier turn that said it."""
    actors, dimensions = _frame(question)
    recommendation = asks_for_recommendation(question)
    if not history:
        return ResolvedQuestion(question, tuple(actors), tuple(dimensions), recommendation)

    words = question.split()
    elliptic = bool(_ELLIPTIC_START.search(question)) or len(words) <= _SHORT_QUESTION_WORDS
    refers_back = bool(_REFERS_BACK.search(question))
    previous_actors: list[str] = []
    previous_dimensions: list[str] = []
    for turn in reversed(history):
        turn_actors, turn_dimensions = _frame(turn)
        previous_actors = previous_actors or turn_actors
        previous_dimensions = previous_dimensions or turn_dimensions
        if previous_actors and previous_dimensions:
            break

    additions: list[str] = []
    if not actors and (refers_back or elliptic) and previous_actors:
        actors = previous_actors
        additions.extend(previous_actors)
    if not dimensions and elliptic and previous_dimensions:
        dimensions = previous_dimensions
        additions.extend(DIMENSION_WORDS[d] for d in previous_dimensions)
    if not additions and (refers_back or elliptic):
        # No governance frame to carry over: lean on the last question's words instead.
        additions.append(history[-1])
    text = f"{question} ({'; '.join(additions)})" if additions else question
    return ResolvedQuestion(
        text, tuple(actors), tuple(dimensions), recommendation, from_history=bool(additions)
    )
