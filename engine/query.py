"""A question read once: the `Query` every later stage works from.

Reading a question means: plain text (question_text.py), slips corrected and plain words
joined by the documents' names (vocabulary), a follow-up filled in from the conversation
(followup.py), abbreviations the documents never use spelt out and the ones they define
expanded, its words tokenised, and its answer type and years read. Retrieval, sentence scoring,
the evidence and composition all take the `Query`; none of them reads the question again.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from engine.answer_type import AnswerType, counted_words, expected_type, quantities, years
from engine.followup import ResolvedQuestion, refers_back, resolve
from index.lexical import tokenize
from index.question import asking_clause, asking_sentence
from index.types import Filters, Preference
from index.vocabulary import Vocabulary


@dataclass(frozen=True)
class Query:
    """What a question asks, in the documents' words, and how to look for it."""

    # The question as asked (plain text) and read in the light of the conversation: the
    # follow-up's subject filled in, the actors, dimensions and whether it asks for
    # recommendations.
    asked: str
    resolved: ResolvedQuestion
    # `resolved.text` with the abbreviations the documents never use spelt out ("LAs" ->
    # "local authorities"): what sentences are scored against, and its words.
    text: str
    tokens: tuple[str, ...]
    # `text` with the abbreviations the documents define given their long form ("RSCs (regional
    # schools commissioners)"): what is embedded and searched, and its words.
    search_text: str
    search_tokens: tuple[str, ...]
    # The sentence of `text` that asks; what comes before it is the asker's context.
    asking: str
    # A number, a date, a reason, a yes or no ... (None when the question does not say).
    answer_type: AnswerType | None
    # Years the asking sentence names ("in 2022"); years given as context before it are not.
    years: frozenset[str]
    # The numbers the question itself gives ("two" in "a room of two-year-olds"), which a
    # sentence cannot offer as the number asked for.
    given_numbers: frozenset[str] = frozenset()
    # What a "How many ...?" question counts, in each of the ways it names it (stemmed words a
    # sentence giving the number must all hold).
    counted: tuple[frozenset[str], ...] = ()
    filters: Filters = Filters()
    # The words that name the document asked about in "What does the EYFS framework say about
    # X?" (stemmed): they say where to look, not what a sentence must hold.
    source_words: frozenset[str] = frozenset()

    @property
    def read_with_conversation(self) -> str:
        """The question as the conversation completed it, or "" when it was read on its own
        (what the answer shows, so a new question wrongly taken as a follow-up can be seen)."""
        return self.resolved.text if self.resolved.from_history else ""

    @property
    def preference(self) -> Preference:
        """The structure the question points at, for the structural ranking."""
        resolved = self.resolved
        return Preference(resolved.actors, resolved.dimensions, resolved.recommendation)


# "What does the report recommend about ...", "what do the articles say on ...": the words
# between the opening and the verb name a document.
_ABOUT_A_SOURCE = re.compile(
    r"^\W*(?:and\s+)?(?:what|how)\s+(?:does|do|did|will|would)\s+(?:the|this|that|our|their)\s+"
    r"(?P<source>[\w’'&-]+(?:\s+[\w’'&-]+){0,5}?)\s+(?:say|says|state|states|recommend|"
    r"recommends|propose|proposes|suggest|suggests|tell us|require|requires|expect|expects)\b",
    re.I,
)


def source_words(question: str) -> frozenset[str]:
    """The stemmed words naming the document a question asks about, if it names one."""
    match = _ABOUT_A_SOURCE.search(asking_clause(question))
    return frozenset(tokenize(match.group("source"))) if match else frozenset()


def continues(question: str, vocabulary: Vocabulary) -> bool:
    """Whether `question` may lean on the conversation before it. One that brings a word no
    document uses ("Tell me a joke") starts something new, unless it points back ("and is it
    true for them?"): read alone, it is refused instead of answered as the last question was."""
    clause = asking_clause(question)
    brings_new = any(token not in vocabulary for token in tokenize(clause))
    return not brings_new or refers_back(clause)


def read_query(
    question: str,
    history: Sequence[str],
    vocabulary: Vocabulary,
    filters: Filters = Filters(),
) -> Query:
    """Read `question` (plain text; `history` the earlier user turns, oldest first) once."""

    def read(text: str) -> str:
        return vocabulary.spell_out_unknown(vocabulary.read(text))

    # Read the documents' way before a follow-up is resolved ("And councils?" and "and the
    # la?" name an actor).
    turns = [read(turn) for turn in history] if continues(read(question), vocabulary) else []
    resolved = resolve(read(question), turns)
    text = resolved.text
    asking = asking_sentence(text)
    search_text = vocabulary.expand(text)
    return Query(
        asked=question,
        resolved=resolved,
        text=text,
        tokens=tokenize(text),
        search_text=search_text,
        search_tokens=tokenize(search_text),
        asking=asking,
        answer_type=expected_type(text),
        years=frozenset(years(asking)),
        given_numbers=quantities(text),
        counted=counted_words(text),
        filters=filters,
        source_words=source_words(text),
    )
