"""The governance frame of the documents: spaces, actors, dimensions and recommendations.

Tags come from the heading path (`The intervention space > Regional Schools Commissions (RSCs) >
Accountability`), so they are what the document's own structure says. The same lexicon reads
questions, so a question about "RSCs" and "accountable" finds the cell that answers it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ingest.types import GovernanceTags

SPACES = ("inspection", "intervention", "improvement")
DIMENSIONS = ("authority", "decision-making", "legitimacy", "accountability")


@dataclass(frozen=True)
class Actor:
    name: str
    pattern: re.Pattern[str]


def _actor(name: str, pattern: str) -> Actor:
    return Actor(name, re.compile(pattern, re.IGNORECASE))


# Order matters: the more specific name is tried first ("Teaching Schools Council" before
# "Teaching schools").
ACTORS: tuple[Actor, ...] = (
    _actor("Ofsted", r"\bofsted\b|\binspectorate\b|\bHMCI\b|chief inspector"),
    _actor(
        "Regional Schools Commissioners (RSCs)",
        r"\bRSCs?\b|regional schools?\s+commission\w*",
    ),
    _actor("ESFA", r"\bESFA\b|education and skills funding agency"),
    _actor("Local authorities", r"\blocal\s+authorit(?:y|ies)\b|\bLAs\b"),
    _actor("Teaching Schools Council", r"teaching schools?\s+council|\bTSC\b"),
    _actor("Chartered College of Teaching", r"chartered college"),
    _actor("Teaching schools", r"\bteaching schools?\b|teaching school alliances?"),
    _actor("Multi-academy trusts (MATs)", r"\bMATs?\b|multi-?academy trusts?"),
    _actor("School leaders", r"\bschool leaders?\b|\bhead ?teachers?\b|\bheads\b"),
    _actor(
        "Place-based boards",
        r"place-based|opportunity areas?|sub-regional improvement boards?|"
        r"education partnerships?|local boards?",
    ),
    _actor("Secretary of State for Education", r"secretary of state"),
    _actor("Department for Education (DfE)", r"\bDfE\b|department for education"),
    _actor("Parliament", r"\bparliament\b"),
    _actor("Governing boards", r"governing boards?|trust boards?|\bgovernors\b|\btrustees\b"),
)

_SPACE_HEADING = re.compile(r"\b(inspection|intervention|improvement)\s+space\b", re.IGNORECASE)
_DIMENSION_HEADING = {
    "authority": re.compile(r"^\s*authority\s*$", re.I),
    "decision-making": re.compile(r"^\s*decision[\s-]*making\s*$", re.I),
    "legitimacy": re.compile(r"^\s*legitimacy\s*$", re.I),
    "accountability": re.compile(r"^\s*accountability\s*$", re.I),
}
# Words in a question that point at one of the four dimensions.
_DIMENSION_CUES = {
    "authority": re.compile(
        r"\b(power|powers|authority|hold|holds|remit|role|regulat\w*|in charge|statutory)\b", re.I
    ),
    "decision-making": re.compile(
        r"\b(decides?|decisions?|deciding|decision-making|approv\w*)\b", re.I
    ),
    "legitimacy": re.compile(
        r"\b(legitima\w*|draws?|derives?|comes? from|gets? (?:its|their) authority|"
        r"where does .* authority|source of)\b",
        re.I,
    ),
    "accountability": re.compile(
        r"\b(accountab\w*|answer(?:s|able)? to|held to account|hold\w* .* to account|"
        r"responsible to|report to|on behalf of)\b",
        re.I,
    ),
}
# How a sentence states each dimension, whatever section it sits in.
_DIMENSION_STATEMENTS = {
    "authority": re.compile(r"\b(holds?|have|has)\b.*\b(power|authority)\b|\bpowers? to\b", re.I),
    "decision-making": re.compile(
        r"\b(make|makes|take|takes|reach)\b.*\bdecisions?\b|\bdecides?\b", re.I
    ),
    "legitimacy": re.compile(r"\bdraws?\b.*\b(authority|legitimacy)\b.*\bfrom\b", re.I),
    "accountability": re.compile(
        r"\baccountable\b|\bhold\w*\b.*\bto account\b|\bbuck stops\b", re.I
    ),
}
_RECOMMENDATION = re.compile(r"^\W*recommendation\b", re.I)
# Ways of asking what a document recommends: "recommend", "propose", "suggest", "call for".
_RECOMMENDATION_CUE = re.compile(
    r"\b(?:recommend\w*|propos\w*|suggest\w*|advocat\w*|calls? for|called for)", re.I
)


# "elected Head Teacher Boards (HTBs)": an actor's words that begin a longer capitalised name,
# which the document defines by its initials, name that body (a board, a form, an officer),
# not the actor.
_LONGER_NAME = re.compile(r"(?:\s+[A-Z][\w-]*)+\s*\(([A-Z][A-Za-z]{1,9})\)")


def _begins_longer_name(text: str, mention: re.Match[str]) -> bool:
    rest = _LONGER_NAME.match(text, mention.end())
    if rest is None:
        return False
    name = text[mention.start() : rest.start(1) - 1]
    initials = "".join(word[0] for word in re.findall(r"[A-Za-z][\w-]*", name) if word[0].isupper())
    defined = rest.group(1).removesuffix("s").upper()
    return len(initials) >= 2 and defined.endswith(initials.upper())


def actor_mentions(text: str) -> list[tuple[str, str]]:
    """(canonical name, words used) for each actor mentioned in `text`, in lexicon order."""
    return list(_actor_mentions(text))


# Answering looks for actors in every sentence of the retrieved passages, and the same
# passages return for many questions: the ~60 patterns run once per sentence, not per answer.
@lru_cache(maxsize=65_536)
def _actor_mentions(text: str) -> tuple[tuple[str, str], ...]:
    found: list[tuple[str, str]] = []
    remaining = text
    for actor in ACTORS:
        mentions = actor.pattern.finditer(remaining)
        if match := next((m for m in mentions if not _begins_longer_name(remaining, m)), None):
            found.append((actor.name, match.group(0)))
            # Blank out what matched so "Teaching Schools Council" is not also "Teaching schools".
            remaining = actor.pattern.sub(" ", remaining)
    return tuple(found)


def find_actors(text: str) -> list[str]:
    """Canonical names of the actors mentioned in `text`, most specific first, no repeats."""
    return [name for name, _ in actor_mentions(text)]


# "Unlike Ofsted, they exercise 'executive' power": the actor of an opening comparison is what
# the sentence's subject is set against, not its subject.
_OPENING_COMPARISON = re.compile(
    r"^\W*(?:unlike|like|as with|in contrast to|compared (?:with|to)|similar to|similarly to)"
    r"\s+[^,;.]{1,80},\s*",
    re.I,
)


def first_actor(text: str) -> str | None:
    """The actor named first in `text` (its subject, as a rule), or None when it names none.
    An opening comparison ("Unlike Ofsted, they ...") does not name the subject."""
    text = _OPENING_COMPARISON.sub("", text, count=1)
    mentions = [
        (position, name)
        for name, words in _actor_mentions(text)
        if (position := text.lower().find(words.lower())) >= 0
    ]
    return min(mentions)[1] if mentions else None


# The subject of a sentence opens it: an actor named this many words or more after the opening
# (past an opening comparison or an introductory phrase like "In relation to improvement,") is
# an object or an aside ("... when a school is judged inadequate by Ofsted").
SUBJECT_WORDS = 6
_INTRODUCTION = re.compile(r"^[^,;:]{1,60},\s*")


def without_opening_comparison(text: str) -> str:
    """`text` without an opening "Unlike X," or "Like X,"."""
    return _OPENING_COMPARISON.sub("", text, count=1)


def subject_actor(text: str) -> str | None:
    """The actor the sentence is about when its opening names one; None when it opens with
    something else or names no actor."""
    text = without_opening_comparison(text)
    for opening in (text, _INTRODUCTION.sub("", text, count=1)):
        first = first_actor(" ".join(opening.split()[:SUBJECT_WORDS]))
        if first:
            return first
    return None


def find_dimensions(question: str) -> list[str]:
    """The governance dimensions a question asks about, from its wording.

    "Where does X draw its authority from?" asks about legitimacy, not authority: the word
    "authority" counts for the authority dimension only beside another cue (power, hold...).
    """
    found = [name for name, cue in _DIMENSION_CUES.items() if cue.search(question)]
    if "legitimacy" in found and "authority" in found:
        without_authority = re.sub(r"\bauthority\b", " ", question, flags=re.I)
        if not _DIMENSION_CUES["authority"].search(without_authority):
            found.remove("authority")
    return found


def states_dimension(sentence: str, dimensions: tuple[str, ...] | list[str]) -> bool:
    """Whether the sentence itself says who holds power, decides, draws authority from where,
    or is accountable to whom, for one of `dimensions`."""
    return any(_DIMENSION_STATEMENTS[d].search(sentence) for d in dimensions)


def asks_for_recommendation(question: str) -> bool:
    return bool(_RECOMMENDATION_CUE.search(question))


def tag_section(path: tuple[str, ...], text: str) -> GovernanceTags:
    """Tags for a passage under heading `path`: the deepest heading that names each wins."""
    space = actor = dimension = ""
    for heading in path:
        if match := _SPACE_HEADING.search(heading):
            space = match.group(1).lower()
        if actors := find_actors(heading):
            actor = actors[0]
        for name, pattern in _DIMENSION_HEADING.items():
            if pattern.match(heading):
                dimension = name
    return GovernanceTags(
        space=space,
        actor=actor,
        dimension=dimension,
        recommendation=bool(_RECOMMENDATION.match(text)),
    )


# Text in a document that addresses a language model rather than a reader ("Ignore previous
# instructions and ..."). Such a sentence is never an answer, nor support for one.
_INSTRUCTION_TO_A_MODEL = re.compile(
    r"\b(ignore|disregard|forget|override)\b[^.]{0,40}\b(instructions?|prompts?|rules|guidelines)\b"
    r"|\byou are now\b|^\W*(system|assistant|developer)\s*:",
    re.I,
)


@lru_cache(maxsize=65_536)  # asked of every sentence read for every answer
def addresses_a_model(sentence: str) -> bool:
    """Whether a sentence reads as an instruction to an AI model (a prompt injection)."""
    return bool(_INSTRUCTION_TO_A_MODEL.search(sentence))
