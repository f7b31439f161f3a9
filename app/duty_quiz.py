"""Training rounds from the duties register: "must or should?" and "whose duty is it?".

Each question is a duty sentence of an indexed document with one part blanked: its strength
word, or the words naming its actor. The learner picks from a few choices, and the answer key is
the sentence as the document writes it, with where it is written. Only sentences whose blank
has one right answer are asked: a strength word the sentence holds once and that is its
strength (not "may not", which the register reads as "must not"), an actor the sentence names
itself as the duty's subject (not "they", nor a requirement on a thing given to the document's
main party). A round is drawn with a seed, so a trainer can give two groups the same one.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace

from app.duty_register import select
from index.duty_registers import Register
from ingest.duties import STRENGTHS, Duty, read_sentence

ROUNDS = {"strength": "Must or should?", "actor": "Whose duty is it?"}
BLANK = "_____"
# Any word that states a strength: a sentence with two ("should not ... that may be
# perceived") would have two blanks a learner could fill.
_STRENGTH_WORD = re.compile(
    r"\b(?:must|should|may|shall|ought|mustn['’]t|shouldn['’]t)\b(?:\s+not\b)?", re.IGNORECASE
)
# The speakers of a document ("we should", "you must") are not a party a learner can name.
_SPEAKERS = {"We", "You", "I"}
# "No person shall ...": blanking the subject would blank the "not" of the duty with it.
_NEGATED = re.compile(r"^\s*(?:no|nobody|none|neither)\b", re.IGNORECASE)
OTHER_ACTORS = 3  # choices beside the right actor
# An actor named in fewer duties is left out of this round, as answer and as choice: a name the
# register gives once is often a misreading ("Determining whether directors").
MIN_ACTOR_DUTIES = 2


@dataclass(frozen=True)
class DutyQuestion:
    """One duty sentence with some of its words blanked, the choices and the right one."""

    duty: Duty
    kind: str  # a key of ROUNDS
    blanks: tuple[tuple[int, int], ...]  # (start, end) of each blanked span of duty.text
    choices: tuple[str, ...]
    answer: str

    def parts(self) -> list[tuple[str, bool]]:
        """The sentence as (text, blanked) pieces, in order: the prompt shows the blanked ones
        as a gap, the answer key shows them marked."""
        pieces: list[tuple[str, bool]] = []
        offset = 0
        for start, end in self.blanks:
            pieces += [(self.duty.text[offset:start], False), (self.duty.text[start:end], True)]
            offset = end
        pieces.append((self.duty.text[offset:], False))
        return [(text, blanked) for text, blanked in pieces if text]

    @property
    def prompt(self) -> str:
        """The sentence with its blanks as a gap."""
        return "".join(BLANK if blanked else text for text, blanked in self.parts())


# "This _____ happen within 14 days", "It _____ be signed": a sentence whose subject points at
# the one before it cannot be judged on its own, so it is not asked.
_POINTS_BACK = re.compile(r"^\W*(?:this|that|these|those|it|they|such)\b", re.IGNORECASE)


def strength_blank(duty: Duty) -> tuple[int, int] | None:
    """Where the duty's strength word is, when the sentence states it once in those words and
    says what it is about."""
    if _POINTS_BACK.match(duty.text):
        return None
    found = list(_STRENGTH_WORD.finditer(duty.text))
    if len(found) != 1 or " ".join(found[0].group().lower().split()) != duty.strength:
        return None
    return found[0].span()


def actor_blanks(duty: Duty) -> tuple[tuple[int, int], ...]:
    """Where the sentence names its actor as the duty's subject (each time it uses those words),
    or none when it names it otherwise or not at all."""
    reading = read_sentence(duty.text)
    words = " ".join(duty.actor_text.split())
    if (
        reading is None
        or not reading.agent
        or not words
        or " ".join(reading.subject.split()).lower() != words.lower()
        or _NEGATED.match(words)
        or duty.actor in _SPEAKERS
    ):
        return ()
    pattern = r"(?<!\w)" + r"\s+".join(map(re.escape, words.split())) + r"(?!\w)"
    return tuple(m.span() for m in re.finditer(pattern, duty.text, re.IGNORECASE))


def draw(
    register: Register, kind: str, count: int, seed: int, doc_ids: Sequence[str] = ()
) -> list[DutyQuestion]:
    """Up to `count` questions of one kind (a key of ROUNDS) from the duties of `doc_ids` (all
    documents when none), no sentence twice. The same register, documents and seed give the
    same round."""
    rng = random.Random(seed)
    chosen = select(register, doc_ids)
    named = Counter(d.actor for d in register.duties)
    actors = {a for a, n in named.items() if a and a not in _SPEAKERS and n >= MIN_ACTOR_DUTIES}
    pool: dict[str, DutyQuestion] = {}  # one question per sentence, however often it is written
    for duty in chosen:
        if kind == "strength" and (span := strength_blank(duty)):
            pool.setdefault(duty.text, DutyQuestion(duty, kind, (span,), STRENGTHS, duty.strength))
        elif kind == "actor" and duty.actor in actors and (spans := actor_blanks(duty)):
            pool.setdefault(duty.text, DutyQuestion(duty, kind, spans, (), duty.actor))
    questions = rng.sample(list(pool.values()), min(count, len(pool)))
    if kind == "strength":
        return questions
    # The other choices: actors of the same documents, then of the others if they are too few.
    near = sorted({d.actor for d in chosen} & actors)
    far = sorted(actors - set(near))
    if len(actors) < 2:
        return []  # one actor: nothing to choose between
    for number, question in enumerate(questions):
        others = [a for a in near if a != question.answer]
        picked = rng.sample(others, min(OTHER_ACTORS, len(others)))
        picked += rng.sample(far, min(OTHER_ACTORS - len(picked), len(far)))
        questions[number] = replace(question, choices=tuple(sorted([question.answer, *picked])))
    return questions


def is_right(question: DutyQuestion, choice: str | None) -> bool:
    """Whether the learner's choice is the document's own word (or actor)."""
    return choice == question.answer
