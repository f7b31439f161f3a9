"""Reading a question in the light of the conversation, without a language model.

"And who are they accountable to?" after a question about RSCs becomes "And who are RSCs
accountable to?"; "What about the ESFA?" after "Where does Ofsted draw its legitimacy from?"
becomes "Where does the ESFA draw its legitimacy from?".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from engine.answers import Answer, Answerer
from index.lexical import tokenize
from index.question import asking_clause, asking_sentence, without_carried_context
from ingest.governance import (
    actor_mentions,
    asks_for_recommendation,
    find_dimensions,
    subject_actor,
)

_REFERS_BACK = re.compile(
    r"\b(they|them|their|theirs|it|its|this|that|these|those|he|she|his|her|the same|both)\b",
    re.IGNORECASE,
)
_SUBJECT_PRONOUN = re.compile(r"\b(they|them|it|he|she|him)\b", re.IGNORECASE)
_POSSESSIVE_PRONOUN = re.compile(r"\b(their|its|his|her)\b", re.IGNORECASE)
_ELLIPTIC_START = re.compile(r"^\s*(and|but|also|so|then|what about|how about|and what)\b", re.I)
_SWITCH_SUBJECT = re.compile(
    r"^\s*(?:and\s+)?(?:what|how)\s+about\b|^\s*and\s+(?!who|what|how)", re.I
)
_SHORT_QUESTION_WORDS = 5

# "and what about for three year olds?", "and for general meetings?": a follow-up that only
# names what to ask the same question about instead.
_NEW_FOCUS = re.compile(
    r"^\W*(?:and\s+(?:what|how)\s+about|(?:what|how)\s+about|and(?:\s+also)?)\s+"
    r"(?P<focus>[^?!.]+?)\W*$",
    re.IGNORECASE,
)
_PREPOSITIONS = r"for|of|about|in|on|at|with|under|over|by|from|during|after|before"
_STARTS_WITH_PREPOSITION = re.compile(rf"^(?:{_PREPOSITIONS})\b", re.IGNORECASE)
# The last phrase of the earlier question that a preposition opens: "for two year olds".
_TRAILING_PHRASE = re.compile(
    rf"\b(?P<preposition>{_PREPOSITIONS})\s+(?P<phrase>[^?!.,;()]+?)\W*$", re.IGNORECASE
)
_ASKS_ANEW = re.compile(r"\b(?:who|whom|what|when|where|why|which|how)\b", re.IGNORECASE)
_FOCUS_WORDS = 6
_NUMBER = re.compile(
    r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twos|threes)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class ResolvedQuestion:
    """The question to search with and the governance frame it points at."""

    text: str
    actors: tuple[str, ...]
    dimensions: tuple[str, ...]
    recommendation: bool
    from_history: bool = False


# A question whose subject it brings in itself: "Can a director vote on a contract with their
# own firm?", "If a governor misses three meetings, can they be removed?". Its "their" and
# "they" are that person, not someone said before. ("As a new trustee, who do they answer to?"
# and "Our school is in one - how much money do they have?" bring in the asker.)
_OWN_SUBJECT = re.compile(
    r"^\W*(?:can|could|may|might|must|should|shall|will|would|does|do|did|is|are|has|have|"
    r"if|when|once)\s+(?:a|an|my|our|one of our)\s+[a-z]",
    re.IGNORECASE,
)


# Someone the question itself brings in before its pronoun, as the subject of a clause or as
# what "we have" or "there is": "a dad turned up to collect his child smelling of alcohol, what
# should I do" is about that dad, not about the last question's topic. "As a new trustee, ..."
# says who asks, "Is there a limit on their term?" still points back, and "our board" may be the
# asker's own, so none of them counts.
_BRINGS_IN = re.compile(
    r"\b(?:a|an|one of (?:our|the|my)|my|someone|somebody|anyone)\s+[a-z]", re.IGNORECASE
)
_OPENS_A_CLAUSE = re.compile(
    r"(?:^|[,.;:!?\u2014\u2013-]|\b(?:if|when|once|because|and|but|so|have|has|had|got|"
    r"there is|there's|there are))\s*$",
    re.IGNORECASE,
)


def _brings_in_someone(text: str) -> bool:
    return any(_OPENS_A_CLAUSE.search(text[: m.start()]) for m in _BRINGS_IN.finditer(text))


def refers_back(text: str) -> bool:
    """Whether `text` has a word that points at something said before ("they", "this"), not
    at the subject it brings in itself."""
    pointer = _REFERS_BACK.search(text)
    if pointer is None or _OWN_SUBJECT.search(text):
        return False
    return not _brings_in_someone(text[: pointer.start()])


def _possessive(words: str) -> str:
    return f"{words}'" if words.endswith("s") else f"{words}'s"


def _substitute_pronoun(question: str, words: str) -> str | None:
    """Put the subject back where a pronoun stands: "are they accountable" -> "are RSCs ..."."""
    if _SUBJECT_PRONOUN.search(question):
        return _SUBJECT_PRONOUN.sub(words, question, count=1)
    if _POSSESSIVE_PRONOUN.search(question):
        return _POSSESSIVE_PRONOUN.sub(_possessive(words), question, count=1)
    return None


def _recent_frame(history: Sequence[str]) -> tuple[list[tuple[str, str]], str | None]:
    """The actors of the most recent earlier turn that named one, and the most recent turn
    that named a dimension, back to a question about something else: after "Where does Ofsted
    get its authority?" and "what's the ratio for 2 year olds", "and for under twos?" is about
    ratios, not about Ofsted."""
    subject: list[tuple[str, str]] = []
    frame_turn: str | None = None
    for turn in reversed(history):
        turn_mentions = actor_mentions(turn)
        turn_dimensions = find_dimensions(turn)
        if not turn_mentions and not turn_dimensions:
            break
        if not subject and turn_mentions:
            subject = turn_mentions
        if frame_turn is None and turn_dimensions:
            frame_turn = turn
        if subject and frame_turn is not None:
            break
    return subject, frame_turn


def resolve(question: str, history: Sequence[str] = ()) -> ResolvedQuestion:
    """Fill in what a follow-up leaves out from the most recent earlier turn that said it."""
    mentions = actor_mentions(question)
    actors = [name for name, _ in mentions]
    dimensions = find_dimensions(question)
    recommendation = asks_for_recommendation(question)
    if not history:
        return ResolvedQuestion(question, tuple(actors), tuple(dimensions), recommendation)
    if (asked := actor_mentions(asking_sentence(question))) and asked != mentions:
        # In a conversation, the actors a follow-up asks about are those of its asking
        # sentence; "Useful for our academy governors." before it says who is asking.
        mentions, actors = asked, [name for name, _ in asked]

    # "Thanks. I also govern a maintained school — what about local authorities?" is read
    # from its asking clause: what comes before it is the asker's situation.
    clause = asking_clause(question)
    elliptic = bool(_ELLIPTIC_START.search(clause)) or len(clause.split()) <= _SHORT_QUESTION_WORDS
    points_back = refers_back(question)
    subject, frame_turn = _recent_frame(history)

    text = question
    if not actors and subject and (points_back or elliptic):
        # "And who are they accountable to?": the subject is the earlier turn's actor.
        actors = [name for name, _ in subject]
        words = " and ".join(dict.fromkeys(w for _, w in subject))
        text = _substitute_pronoun(question, words) or f"{question} ({words})"
    elif actors and not dimensions and frame_turn is not None and _SWITCH_SUBJECT.search(clause):
        # "What about the ESFA?": ask the earlier question again about the new actor.
        dimensions = find_dimensions(frame_turn)
        earlier = actor_mentions(frame_turn)
        new_words = " and ".join(w for _, w in mentions)
        if earlier:
            text = frame_turn
            for _, words in earlier:
                text = text.replace(words, new_words, 1)
            text = re.sub(rf"({re.escape(new_words)})(?:\s+and\s+\1)+", r"\1", text)
        else:
            text = f"{frame_turn} ({new_words})"
    elif not actors and not points_back and (asked_again := _with_new_focus(clause, history)):
        # "and for general meetings?" after "how long do we keep records of board decisions":
        # the earlier question about general meetings; carried whole, its "board decisions"
        # outweighed the new words and the first answer came back.
        text = asked_again
    elif not actors and (points_back or elliptic):
        # No governance frame to carry over: lean on the last question's words instead.
        text = f"{question} ({history[-1]})"
    if not dimensions and elliptic and frame_turn is not None and text == question:
        dimensions = find_dimensions(frame_turn)
    return ResolvedQuestion(
        text, tuple(actors), tuple(dimensions), recommendation, from_history=text != question
    )


def _with_new_focus(clause: str, history: Sequence[str]) -> str | None:
    """The last question asked again about what `clause` names instead of its last phrase
    ("what's the ratio for two year olds" + "and what about for three year olds?" -> "what's
    the ratio for three year olds"), or None when the clause asks something of its own or the
    two do not line up: the new words must open with a preposition, or be of a kind with the
    phrase they replace (a word in common, or both an age or number)."""
    if not history or not (found := _NEW_FOCUS.match(clause)):
        return None
    focus = found["focus"].strip()
    if _ASKS_ANEW.search(focus) or len(focus.split()) > _FOCUS_WORDS:
        return None
    # The last turn as it was understood: itself a follow-up ("and what about for three year
    # olds?"), it is the question it stood for.
    earlier = without_carried_context(resolve(history[-1], history[:-1]).text).rstrip()
    if not (trailing := _TRAILING_PHRASE.search(earlier)):
        return None
    phrase = trailing["phrase"]
    if _STARTS_WITH_PREPOSITION.match(focus):
        return earlier[: trailing.start()] + focus
    of_a_kind = bool(set(tokenize(focus)) & set(tokenize(phrase))) or bool(
        _NUMBER.search(focus) and _NUMBER.search(phrase)
    )
    return earlier[: trailing.start("phrase")] + focus if of_a_kind else None


def how_read(question: str, resolved: str) -> str:
    """A line for the reader when a question was read in the light of the conversation, so a
    new question that was wrongly taken as a follow-up can be seen and asked again in full;
    "" when it was read on its own."""
    if not resolved:  # `Answer.resolved_question` is empty for a question read on its own
        return ""
    asked = without_carried_context(resolved)
    if asked != resolved and asked.strip() == question.strip():
        earlier = resolved[len(asked) :].strip()[1:-1]
        return f"Read together with your earlier question: “{earlier}”"
    return f"Read as: “{resolved}”"


_CITATION_MARK = re.compile(r"\s*\[\d+\]\s*")
_ASKS_WHO = re.compile(r"\W*(?:(?:and|so|but|then)\s+)?(?:who|whom)\b", re.I)


def said(answer: Answer) -> list[str]:
    """What an answer says, cited run by cited run, as the asker read it: with the actor its
    section names when a run opens with "They" ("Regional Schools Commissioners (RSCs): They
    make decisions about approving new academies"), which its quote alone does not say."""
    if not answer.citations:
        return []
    return [run for run in _CITATION_MARK.split(answer.text) if run.strip()]


def answered_turn(question: str, quotes: Sequence[str]) -> str:
    """An earlier turn as the conversation established it, for the history of the next one.

    "Who inspects our school?" names nobody: its answer does ("Only Ofsted has the statutory
    power to inspect schools."), so "and who are they accountable to?" asks about Ofsted. A
    question that names no actor, or asks who, carries, in brackets, the actor its answer's
    first cited run is about; any other question, or one answered without quotes, stays as
    asked.
    """
    # "Who decides if a school becomes an academy?" names academies, but asks who: the answer
    # ("Regional Schools Commissioners ...: They make decisions ...") is whom "they" means next.
    asks_who = _ASKS_WHO.match(asking_clause(question)) is not None
    if not quotes or (actor_mentions(question) and not asks_who):
        return question
    subject = subject_actor(quotes[0])
    if subject is None and asks_who:
        # "2014 saw the introduction of regional schools commissioners (RSCs) ...": the one a
        # "who" question's answer names first is the one it gives.
        subject = next((name for name, _ in actor_mentions(quotes[0])), None)
    if subject in {name for name, _ in actor_mentions(question)}:
        return question  # "Who are RSCs accountable to?" answered about RSCs: said already
    words = next((w for name, w in actor_mentions(quotes[0]) if name == subject), None)
    return f"{question} ({words})" if words else question


def conversation(assistant: Answerer, history: Sequence[str]) -> list[str]:
    """The earlier turns as the app passes them: each asked in order, in the light of the ones
    before it, and carrying the actor its answer was about when it named none (so "and where
    do they get their authority" after "Who makes decisions about school improvement?" asks
    about whom that answer named)."""
    turns: list[str] = []
    for earlier in history:
        answer = assistant.answer(earlier, history=turns)
        turns.append(answered_turn(earlier, said(answer)))
    return turns
