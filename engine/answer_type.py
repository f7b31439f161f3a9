"""What kind of answer a question expects, so a sentence without one is not offered as one.

"How many RSCs are there?" needs a number: a sentence about RSCs that gives no number does not
answer it, however close its meaning, and the assistant should say the documents don't cover it.
"""

from __future__ import annotations

import re
from enum import Enum
from functools import lru_cache

from index.lexical import tokenize
from index.number_words import TENS, UNITS
from index.question import asking_sentence
from ingest.duties import read_sentence


class AnswerType(Enum):
    MONEY = "money"
    QUANTITY = "quantity"
    TIME = "time"
    FREQUENCY = "frequency"
    REASON = "reason"
    YES_NO = "yes-no"
    ACTOR = "who-acts"


# Only a missing number or date makes a question unanswerable: a reason is often given without
# a word that marks it as one.
REQUIRED = (AnswerType.MONEY, AnswerType.QUANTITY, AnswerType.TIME, AnswerType.FREQUENCY)


# "What temperature should the baby room be kept at?" asks for a figure of that measure.
_ASKS_TEMPERATURE = r"what\s+temperatures?"

_EXPECTS = (
    (
        # Before QUANTITY: "How much does a DBS check cost?" is answered by a sum of money, not
        # by any number ("every person aged 16 and over").
        AnswerType.MONEY,
        re.compile(
            r"^\W*(?:and\s+|so\s+)?(?:how\s+much\b(?:\s+\S+){0,8}?\s+(?:cost|costs|charge|"
            r"charges|pay|paid|earn|earns|spend|spent|fee|fees|price|budget|afford)\b|"
            # "What's the fine if we're late telling Ofsted?" asks for a sum, as a fee does.
            r"how\s+much\s+money\b|what(?:\s+is|\s+are|'s|’s)\s+the\s+(?:cost|fee|fees|price|salary|"
            r"pay|fine|fines)\b|what\s+(?:salary|wage|fee|price|sum|fine|fines)\b|"
            # "What does a DBS check cost?"
            r"what\s+(?:does|do|will|would)\b(?:\s+\S+){1,8}?\s+cost\b)",
            re.I,
        ),
    ),
    (
        AnswerType.QUANTITY,
        re.compile(
            r"^\W*(?:and\s+|so\s+)?(?:how\s+(?:many|much)|" + _ASKS_TEMPERATURE + r"|"
            r"what\s+(?:share|proportion|percentage|"
            r"number|fraction)\s+of|what(?:\s+is|\s+are|'s|’s|s)\s+the\s+(?:number|size|maximum|"
            r"minimum|max|min)|"
            # "What hourly rate ...?", "what attendance % ...?", "What's the adult to child ratio
            # for trips out?": a rate, a ratio or a percentage is a figure.
            r"what(?:\s+is|\s+are|'s|’s|s)?(?:\s+the)?(?:\s+(?!(?:is|are|was|were|do|does|did|"
            r"can|could|should|will|would|must|may)\b)[\w:-]+){0,3}?\s*(?:\s(?:rates?|ratios?|"
            r"percentages?)|%\s+\w+)|"
            # "Is there a maximum number of babies in one room?" is answered by the number.
            r"(?:is|are)\s+there\s+(?:a|an|any)\s+(?:maximum|minimum|upper\s+limit|limit\s+on))\b",
            re.I,
        ),
    ),
    (
        # "When was X introduced?" asks for a time; "When does the ESFA intervene?" asks for
        # the conditions, so only past, future and perfect tenses count.
        AnswerType.TIME,
        re.compile(
            r"^\W*(?:and\s+)?(?:when\s+(?:was|were|did|will|has|had|have)|since\s+when|"
            r"in\s+what\s+year|what\s+year|what\s+date|how\s+long|by\s+when|"
            r"what\s+(?:is|are)\s+the\s+deadlines?)\b",
            re.I,
        ),
    ),
    (
        # Before TIME: "how often" is not "how long".
        AnswerType.FREQUENCY,
        re.compile(r"^\W*(?:and\s+)?(?:how\s+(?:often|frequently)|how\s+many\s+times)\b", re.I),
    ),
    (
        AnswerType.REASON,
        re.compile(
            r"^\W*(?:and\s+|so\s+)?(?:why\b|how\s+come\b|what\s+(?:is|was|are)\s+the\s+"
            r"(?:reason|purpose|point|rationale)|for\s+what\s+reason)",
            re.I,
        ),
    ),
)
# "Can a member transfer ...?", "Will Ofsted judge us ...?": answered yes or no. Last, so that
# "Is there a limit on how many ..." still asks for a number.
_YES_NO_OPENING = re.compile(
    r"^\W*(?:and\s+|so\s+|but\s+)?(?:is|are|was|were|can|could|may|might|must|should|shall|"
    r"will|would|do|does|did|has|have|had|isn't|aren't|can't|doesn't|don't)\b",
    re.I,
)
# What settles a yes-or-no question: a negation, a duty, a permission or its absence.
_SETTLES = re.compile(
    r"\b(?:not|no|never|none|nor|cannot|can't|must|may|only|unless|except|required|requires|"
    r"entitled|allowed|permitted|prohibited|forbidden|voluntary|optional|compulsory|mandatory|"
    r"statutory|obliged|duty)\b|\bnon-\w",
    re.I,
)
# "Who decides ...?", "Which body appoints ...?", "who gets the final say ...": asks who acts,
# answered by a sentence whose subject does ("Headteachers must make the final decision ...").
# Not "Who needs a DBS check?" or "Who is the chair?": whom a rule applies to, or a name.
_WHO_ACTS = re.compile(
    r"^\W*(?:and\s+|so\s+)?(?:who|which\s+(?:body|person|organisation|people|role))\s+"
    r"(?:(?:actually|really|then|else|ultimately|normally|usually)\s+)?"
    r"(?:decides?|approves?|appoints?|chooses?|sets?|makes?|takes?|signs?|agrees?|runs?|leads?|"
    r"(?:has|have|holds?|gets?)\s+(?:the\s+)?(?:power|final\s+say|say|authority|right)|"
    r"(?:is|are)\s+(?:responsible|in\s+charge)|can|may|must|should|has\s+to|have\s+to)\b",
    re.I,
)
# Within the asking sentence, the first clause that opens like a question asks (its start, or
# after "...: " or "..., ").
_CLAUSE = re.compile(r"(?:^|[:;,]\s+)(?=\S)")

# Words that give a reason or a purpose.
_REASON = re.compile(
    r"\b(?:because|since|as a (?:result|response|consequence)|in order to|so that|so as to|"
    r"therefore|thus|the reason|reasons?|purpose|response to|leads? to|led to|due to|"
    r"essential|needed|necessary|to ensure|to support|to avoid|to prevent)\b",
    re.I,
)
# How often: "each term", "every two years", "annually", "twice a year", "at least once".
_FREQUENCY = re.compile(
    r"\b(?:(?:each|every|per|a|an)\s+(?:\w+\s+)?(?:day|week|fortnight|month|term|year|"
    r"academic year|meeting)s?|daily|weekly|fortnightly|monthly|termly|annually|yearly|"
    r"once|twice|\w+\s+times)\b",
    re.I,
)
_NUMBER_WORDS = "|".join(
    [*UNITS[1:], *TENS, "hundred", "thousand", "million", "billion", "half", "third", "thirds",
     "quarter", "quarters", "dozen", "majority", "three-fold", "twofold", "threefold"]
)  # fmt: skip
# A number that is not a year ("1992" says when, not how many), a currency, a number word.
_QUANTITY = re.compile(
    rf"(?<![\d.,])(?!(?:1[89]|20)\d\d(?!\d))\d[\d,.]*|£|\$|€|%|\b(?:{_NUMBER_WORDS})\b", re.I
)
# A reference to a numbered part of a document: "paragraph (7)", "paragraphs 3.13 to 3.16",
# "article 14", "section 27", "Annex B" has none, "S.I. 2012/10".
_REF_NUMBER = r"\(?\d[\d./]*(?:\([a-z0-9]{1,4}\))*\)?"
_REFERENCE = re.compile(
    rf"\b(?:paragraphs?|paras?\.?|articles?|sections?|regulations?|annex(?:es)?|schedules?|"
    rf"parts?|chapters?|pages?|pp?\.|clauses?|footnotes?|figures?|tables?|S\.I\.)\s+"
    rf"{_REF_NUMBER}(?:\s*(?:,|and|or|to|-|–)\s*{_REF_NUMBER})*",
    re.I,
)
# A sum of money, or the plain statement that there is none to pay.
_MONEY = re.compile(
    r"£|\$|€|\b(?:pounds?|pence|GBP|free of charge|at no (?:cost|charge)|no charge|"
    r"(?:is|are) free)\b",
    re.I,
)
# A year or a month; or a length of time in any unit the documents count in, in figures or in
# words ("within ten minutes", "half an hour", "48 hours", "at least 7 clear days", "a
# fortnight"): found from its unit back to its number, on the lower-cased text (an alternation
# of number words tried at every word, ignoring case, cost twice the rest of the checks).
_DATE = re.compile(
    r"\b(?:1[89]\d\d|20\d\d)s?\b|\b(?:january|february|march|april|may|june|july|august|"
    r"september|october|november|december)\b|\bfortnights?\b"
)
_TIME_UNIT = re.compile(r"\b(?:minute|hour|day|week|month|year|term)s?\b")
_COUNT_BEFORE = re.compile(
    rf"\b(?:\d+|an?|half\s+an?|{_NUMBER_WORDS}|forty-eight)[\s-]+"
    r"(?:(?:clear|working|calendar|school|full)\s+)?$"
)
UNIT_LOOKBACK = 30  # characters before a unit where its number stands


@lru_cache(maxsize=65_536)
def _gives_time(text: str) -> bool:
    lowered = text.lower()
    if _DATE.search(lowered):
        return True
    return any(
        _COUNT_BEFORE.search(lowered, max(0, unit.start() - UNIT_LOOKBACK), unit.start())
        for unit in _TIME_UNIT.finditer(lowered)
    )


_YEAR = re.compile(r"\b(?:1[89]\d\d|20\d\d)\b")
# "How many adults (staff) do ...": up to three words after "how many", and a bracketed plain term.
# "How many terms ...", "the maximum number of terms ...": what is counted follows.
_COUNTED = re.compile(r"\b(?:how\s+many|number\s+of)\s+((?:[\w'’-]+\s*){1,3})(\([^)]*\))?", re.I)
# The temperature asked for is a figure named as one (counted_words).
_MEASURED = re.compile(rf"\b{_ASKS_TEMPERATURE}\b", re.I)
_TEMPERATURE_NAMES = tuple(
    frozenset(tokenize(word)) for word in ("temperature", "degrees", "Celsius")
)
# Where the words of what is counted end: a verb, a preposition, a pronoun.
_NOT_COUNTED = frozenset(
    re.findall(
        r"\w+",
        "do does did can could must may might should shall will would are is was were be been "
        "have has had need needs there per in on at for of to with from by we our you your they "
        "their i it its he she more less most least times a an the that which who",
    )
)
# Words that do not narrow what is counted: "How many different areas ...?" counts areas.
_NOT_NARROWING = frozenset(
    re.findall(
        r"\w+",
        "different separate distinct individual various new main total other extra additional "
        "further possible actual particular specific certain whole",
    )
)


def expected_type(question: str) -> AnswerType | None:
    """The kind of answer the question asks for, read from the opening of its asking clause
    ("As a new trustee, how many ...?", "My director owns the firm. Can they vote?")."""
    asking = asking_sentence(question)
    clauses = [asking[m.end() :] for m in _CLAUSE.finditer(asking)]
    for clause in clauses:
        for answer_type, pattern in _EXPECTS:
            if pattern.search(clause):
                return answer_type
        if _YES_NO_OPENING.search(clause):
            return AnswerType.YES_NO
    if any(_WHO_ACTS.search(clause) for clause in clauses):
        return AnswerType.ACTOR
    return None


def satisfies(
    text: str,
    answer_type: AnswerType | None,
    given: frozenset[str] = frozenset(),
    counted: tuple[frozenset[str], ...] = (),
) -> bool:
    """Whether `text` contains the kind of answer asked for (always true when nothing is).
    A number the question itself gives (`given`, from `quantities`) answers nothing: "two" in
    "a room for under two-year-olds" does not say how many adults a room of two-year-olds
    needs. Nor does a number of something else: when the question says what it counts
    (`counted`, from `counted_words`), the sentence must name it ("one member of staff for every
    five children" counts staff; "Two-year-olds: 2.5m2 per child" does not; "For children aged
    three and over ... one member of staff for every 13 children" does not count key children)."""
    if answer_type is AnswerType.MONEY:
        return bool(_MONEY.search(text))
    if answer_type is AnswerType.QUANTITY:
        if not quantities(text) - given:
            return False
        words = set(tokenize(text))
        return not counted or any(name <= words for name in counted)
    if answer_type is AnswerType.TIME:
        return _gives_time(text)
    if answer_type is AnswerType.FREQUENCY:
        return bool(_FREQUENCY.search(text))
    if answer_type is AnswerType.REASON:
        return bool(_REASON.search(text))
    if answer_type is AnswerType.YES_NO:
        return bool(_SETTLES.search(text))
    if answer_type is AnswerType.ACTOR:
        return _subject_acts(text)
    return True


# A list's lead-in that ends by introducing who acts ("A poll may be demanded by—", "... may
# be appointed by:"): its items name them ("(a) the chairman of the meeting; (b) the directors").
_AGENTS_LISTED = re.compile(r"\bby\s*[—–:-]\s*$")


# Read once per sentence, not once per question that scores it (as the actor mentions are).
@lru_cache(maxsize=65_536)
def _subject_acts(text: str) -> bool:
    """Whether the sentence's subject acts: must, may, decides ... (a duty's reading), or the
    sentence introduces a list of who does."""
    if _AGENTS_LISTED.search(text.strip()):
        return True
    reading = read_sentence(text)
    return reading is not None and reading.agent


def quantities(text: str) -> frozenset[str]:
    """The numbers and number words in `text`, in lower case ("two" in "two-year-olds"); not
    the numbers of a cross-reference ("Subject to paragraph (7)", "paragraphs 3.13 to 3.16",
    "section 27"), which count nothing."""
    text = _REFERENCE.sub(" ", text)
    return frozenset(m.group(0).lower() for m in _QUANTITY.finditer(text))


def counted_words(question: str) -> tuple[frozenset[str], ...]:
    """The ways a "How many ...?" question names what it counts, each as the stemmed words a
    sentence giving the number must all hold: its own words ("How many key children ..." ->
    key, children) and the plain term the reading added after them ("How many adults (staff) ..."
    -> adult, or staff); none when it does not say ("How many of the rest ..."). A question
    asking for a measure names it ("What temperature ...?" -> temperature)."""
    asking = asking_sentence(question)
    match = _COUNTED.search(asking)
    if not match:
        # A temperature is also given as degrees ("kept at 18 degrees", "18 degrees Celsius").
        return _TEMPERATURE_NAMES if _MEASURED.search(asking) else ()
    words = []
    plain: frozenset[str] = frozenset()
    for word in match.group(1).split():
        if word.lower() in _NOT_COUNTED:
            break
        words.append(word)
    else:  # the plain term names the counted words only when it follows them
        plain = frozenset(tokenize(match.group(2) or ""))
    names = (frozenset(tokenize(_narrowing(words))), plain)
    return tuple(name for name in names if name)


def _narrowing(words: list[str]) -> str:
    return " ".join(word for word in words if word.lower() not in _NOT_NARROWING)


def years(text: str) -> set[str]:
    """Years named in the text ("2017"), to check a question's against the documents'."""
    return set(_YEAR.findall(text))
