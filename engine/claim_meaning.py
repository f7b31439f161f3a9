"""What a sentence claims beyond its words: numbers, negation, names, links and contacts.

A generated sentence can share nearly all its words with a passage and still contradict it:
"Ofsted does not hold the power to inspect schools", the Act of 1872 for the Act of 1992,
another actor holding Ofsted's power, or an added link to a look-alike site. Word overlap and
embedding similarity score these as supported, so each is compared here, with no model, against
the span the sentence cites. What counts as a name is learned from the documents themselves.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from index.lexical import tokenize
from index.number_words import VALUES

# ---- numbers ---------------------------------------------------------------------------------

# "1,000" and "1000" are one number; "45%", "21st", "1990s" carry 45, 21 and 1990.
_NUMBER = re.compile(r"(?<![\w.])\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?")
# Written-out numbers compared with digits. "one" is left out: it is far more often a pronoun
# ("one of the ...") than a count.
_NUMBER_WORDS = {word: str(value) for word, value in VALUES.items() if word != "one"}
_NUMBER_WORD = re.compile(r"\b(" + "|".join(_NUMBER_WORDS) + r")\b", re.I)


def numbers(text: str) -> frozenset[str]:
    """The numbers a text states, normalised ("1,000" -> "1000", "twelve" -> "12")."""
    text = _without_links(text)
    found = {_plain_number(m.group()) for m in _NUMBER.finditer(text)}
    found |= {_NUMBER_WORDS[m.group().lower()] for m in _NUMBER_WORD.finditer(text)}
    return frozenset(found)


def _plain_number(raw: str) -> str:
    digits = raw.replace(",", "")
    whole, _, fraction = digits.partition(".")
    whole = whole.lstrip("0") or "0"
    fraction = fraction.rstrip("0")
    return f"{whole}.{fraction}" if fraction else whole


# ---- links, e-mail addresses, phone numbers ----------------------------------------------------

_URL = re.compile(
    r"(?:\b(?:https?|ftp|file|mailto|javascript|data|tel|sms):|\bwww\.)[^\s<>\"'()\[\]]+", re.I
)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# A bare host name ("ofsted-verify.example/login"): labels, a dot, a top-level part of letters.
# "e.g." and "U.K." have one-letter parts and are not matched.
_HOST = re.compile(
    r"\b(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}\b(?:/[^\s<>\"'()\[\]]*)?", re.I
)
# Nine or more digits in groups ("0300 123 1231", "+44 (0)20 7946 0958").
_PHONE = re.compile(r"(?<![\w+])\+?\(?\d[\d ().-]{7,}\d(?!\w)")
_PHONE_MIN_DIGITS = 9
_TRAILING = ".,;:!?"


def contacts(text: str) -> tuple[str, ...]:
    """The links, e-mail addresses and phone numbers in a text, as written."""
    found: list[str] = []
    rest = text
    for pattern in (_URL, _EMAIL, _HOST, _PHONE):
        for match in pattern.finditer(rest):
            item = match.group().rstrip(_TRAILING)
            if pattern is _PHONE and sum(c.isdigit() for c in item) < _PHONE_MIN_DIGITS:
                continue
            found.append(item)
        # Blank what was found, so a URL's host or an address's domain is not found twice.
        rest = pattern.sub(lambda m: " " * len(m.group()), rest)
    return tuple(found)


def _without_links(text: str) -> str:
    """The text without links and addresses, whose digits are not numbers it states. (A phone
    number's digits stay: a plain "100000000" is a number, and a phone is checked anyway.)"""
    for pattern in (_URL, _EMAIL, _HOST):
        text = pattern.sub(" ", text)
    return text


def _contact_key(item: str) -> str:
    """A link, address or number as compared: no scheme, no "www.", no case; digits for phones."""
    if _PHONE.fullmatch(item):
        return re.sub(r"\D", "", item)
    key = re.sub(r"^(?:[a-z]+:(?://)?)", "", item.lower())
    return key.removeprefix("www.").rstrip("/")


def unsourced_contacts(sentence: str, span: str) -> tuple[str, ...]:
    """Links, addresses and numbers in `sentence` that `span` does not contain."""
    present = {_contact_key(item) for item in contacts(span)}
    return tuple(item for item in contacts(sentence) if _contact_key(item) not in present)


# ---- negation ----------------------------------------------------------------------------------

_NEGATION = re.compile(
    r"\b(?:no|not|never|none|neither|nor|nobody|nothing|nowhere|without|cannot)\b|n['’]t\b",
    re.I,
)
# Clauses are compared one by one: "There is no requirement to ..., but they do still have the
# duty to ..." affirms the duty, whatever its first clause denies.
_CLAUSE = re.compile(
    r"[,;:()–—]|\s-\s|\b(?:but|although|though|whereas|while|however|yet|unlike)\b", re.I
)


def negated(text: str) -> bool:
    """Whether a clause is negated ("not", "no", "never", "n't", "without", "neither/nor" ...)."""
    return negations(text) > 0


def negations(text: str) -> int:
    """How many negations a clause makes ("neither ... nor" is one). Counted, not just noticed:
    "has not no powers" does not say what "has no powers" says."""
    cues = [m.group().lower() for m in _NEGATION.finditer(text)]
    if "neither" in cues:
        cues = [c for c in cues if c != "nor"]
    return len(cues)


def _clauses(text: str) -> list[tuple[frozenset[str], int]]:
    """(content words, negations) of each clause. A clause with no content word of its own
    ("We must not" before "however") passes its negations on to the next one."""
    clauses = []
    carried = 0
    for part in _CLAUSE.split(text):
        words = frozenset(tokenize(part))
        if words:
            clauses.append((words, carried + negations(part)))
            carried = 0
        else:
            carried += negations(part)
    if carried and clauses:
        words, count = clauses[-1]
        clauses[-1] = (words, count + carried)
    return clauses


def polarity_conflict(sentence: str, span_sentences: Iterable[str]) -> str:
    """The first clause of `sentence` whose negations differ from those of the span clause it
    matches best (most shared words, then the larger share of that clause), or ""."""
    span_clauses = [c for s in span_sentences for c in _clauses(s)]
    for words, count in _clauses(sentence):
        best = max(
            span_clauses,
            key=lambda c: (len(words & c[0]), len(words & c[0]) / len(c[0])),
            default=None,
        )
        if best is None or not words & best[0]:
            if count:  # a denial with nothing to rest on
                return " ".join(sorted(words))
            continue
        if best[1] != count:
            return _clause_text(sentence, words)
    return ""


def _clause_text(sentence: str, words: frozenset[str]) -> str:
    """The clause of `sentence` with these content words, as written."""
    for part in _CLAUSE.split(sentence):
        if frozenset(tokenize(part)) == words:
            return part.strip()
    return sentence


# ---- names -------------------------------------------------------------------------------------

_WORD = re.compile(r"[A-Za-z]+(?:['’-][A-Za-z]+)*")
_CONNECTORS = frozenset({"of", "for", "the", "and", "on", "in"})
# Connectors allowed inside a learned name ("Secretary of State", "Department for Education").
_INNER_CONNECTORS = frozenset({"of", "for", "the"})
_ACRONYM_DEF = re.compile(r"\(([A-Z][A-Za-z]*[A-Z][a-z]?)\)")
_STARTS_SENTENCE = re.compile(r"(?:^|[.!?:;“‘\"'(\[\n]|\s[-–—])\s*$")
_MAX_LONG_FORM_WORDS = 8

Name = tuple[str, ...]


def _normal(word: str) -> str:
    """Lower case, no possessive, singular: "RSCs'" "RSC's" "RSCs" are one name."""
    word = word.lower().replace("’", "'")
    word = re.sub(r"'s?$", "", word)
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def _is_acronym(word: str) -> bool:
    return sum(c.isupper() for c in word) >= 2


@dataclass(frozen=True)
class _Word:
    text: str
    normal: str
    starts_sentence: bool
    start: int
    end: int

    @property
    def capitalised(self) -> bool:
        return self.text[0].isupper()


def _words(text: str) -> list[_Word]:
    return [
        _Word(
            m.group(),
            _normal(m.group()),
            bool(_STARTS_SENTENCE.search(text[max(0, m.start() - 3) : m.start()]))
            or m.start() == 0,
            m.start(),
            m.end(),
        )
        for m in _WORD.finditer(text)
    ]


def _adjacent(text: str, a: _Word, b: _Word) -> bool:
    """Two words with only spaces between them (no comma, bracket or full stop)."""
    return not text[a.end : b.start].strip()


@dataclass(frozen=True)
class Names:
    """The names a set of documents uses: multi-word names ("Secretary of State"), proper
    nouns never written in lower case ("Ofsted"), acronyms, and the long form of each acronym
    defined in brackets ("regional schools commissioners (RSCs)")."""

    phrases: frozenset[Name] = frozenset()
    singles: frozenset[str] = frozenset()
    aliases: dict[Name, frozenset[Name]] = field(default_factory=dict)

    @classmethod
    def learn(cls, texts: Iterable[str]) -> Names:
        """Learn the names used in `texts` from their capitals and bracketed acronyms."""
        phrases: set[Name] = set()
        capitalised: set[str] = set()
        lower: set[str] = set()
        groups: list[set[Name]] = []
        for text in texts:
            words = _words(text)
            for word in words:
                if word.text[0].islower():
                    lower.add(word.normal)
                elif not word.starts_sentence or _is_acronym(word.text):
                    capitalised.add(word.normal)
            phrases |= _capitalised_runs(text, words)
            for long_form, acronym in _acronym_definitions(text, words):
                phrases.add(long_form)
                groups.append({long_form, (acronym,)})
        aliases: dict[Name, set[Name]] = {}
        for group in groups:
            merged = set(group).union(*(aliases.get(name, set()) for name in group))
            for name in merged:
                aliases[name] = merged
        return cls(
            frozenset(phrases),
            frozenset(capitalised - lower),
            {name: frozenset(group) for name, group in aliases.items()},
        )

    def mentioned(self, sentence: str) -> tuple[Name, ...]:
        """The names `sentence` mentions: learned names in any case, acronyms, and capitalised
        words that do not merely open the sentence."""
        words = _words(sentence)
        found: list[Name] = []
        longest = max((len(p) for p in self.phrases), default=0)
        i = 0
        while i < len(words):
            for size in range(min(longest, len(words) - i), 1, -1):
                candidate = tuple(w.normal for w in words[i : i + size])
                if candidate in self.phrases and all(
                    _adjacent(sentence, a, b) for a, b in itertools.pairwise(words[i : i + size])
                ):
                    found.append(candidate)
                    i += size
                    break
            else:
                if self._is_name(words[i]):
                    found.append((words[i].normal,))
                i += 1
        return tuple(dict.fromkeys(found))

    def _is_name(self, word: _Word) -> bool:
        """A capitalised word that is an acronym, stands inside a sentence, or is known as a
        name (so a sentence's opening "The" is not a name, but its opening "Ofsted" is)."""
        if len(word.text) < 2 or word.normal in _CONNECTORS or not word.capitalised:
            return False
        return (
            _is_acronym(word.text)
            or not word.starts_sentence
            or word.normal in self.singles
            or (word.normal,) in self.aliases
        )

    def missing(self, sentence: str, source: str) -> tuple[str, ...]:
        """Names in `sentence` that `source` mentions under no form: the name, an alias, or an
        acronym spelled by the name's initials ("DfE" for "Department for Education", which
        the documents use without ever defining it) or the reverse."""
        words = _words(source)
        haystack = tuple(w.normal for w in words)
        acronyms = {w.normal for w in words if _is_acronym(w.text)}
        return tuple(
            " ".join(name)
            for name in self.mentioned(sentence)
            if not any(_contains(haystack, form) for form in self.aliases.get(name, {name}))
            and not _initials(name) & acronyms
            and not (len(name) == 1 and _spelled_out(words, name[0]))
        )


def _initials(name: Name) -> set[str]:
    """The acronyms a multi-word name may go by, with or without its connectors' letters."""
    if len(name) < 2:
        return set()
    parts = [p for word in name for p in word.split("-") if p]
    return {
        "".join(p[0] for p in parts),
        "".join(p[0] for p in parts if p not in _CONNECTORS),
    }


def _spelled_out(words: list[_Word], acronym: str) -> bool:
    """Whether some run of `words` has initials spelling `acronym` ("rsc": "regional schools
    commissioners")."""
    return any(
        _initials_match(words[max(0, end - _MAX_LONG_FORM_WORDS) : end], acronym)
        for end in range(2, len(words) + 1)
    )


def _contains(haystack: Name, needle: Name) -> bool:
    size = len(needle)
    return any(haystack[i : i + size] == needle for i in range(len(haystack) - size + 1))


def _capitalised_runs(text: str, words: list[_Word]) -> set[Name]:
    """Runs of two or more capitalised words inside a sentence, with "of", "for", "the"
    allowed between them; a run's opening word is left out when it opens the sentence."""
    runs: set[Name] = set()
    run: list[_Word] = []

    def close() -> None:
        while run and run[-1].normal in _INNER_CONNECTORS:
            run.pop()
        if run and run[0].starts_sentence and not _is_acronym(run[0].text):
            run.pop(0)
        while run and run[0].normal in _INNER_CONNECTORS:
            run.pop(0)
        if sum(w.capitalised for w in run) >= 2:
            runs.add(tuple(w.normal for w in run))
        run.clear()

    for word in words:
        joins = run and _adjacent(text, run[-1], word)
        if (word.capitalised and (joins or not run)) or (
            joins and word.normal in _INNER_CONNECTORS
        ):
            run.append(word)
        else:
            close()
            if word.capitalised:
                run.append(word)
    close()
    return runs


def _acronym_definitions(text: str, words: list[_Word]) -> list[tuple[Name, str]]:
    """(long form, acronym) for each "long form (ACRONYM)" whose initials spell the acronym."""
    found = []
    for match in _ACRONYM_DEF.finditer(text):
        acronym = match.group(1)
        letters = acronym[:-1] if acronym.endswith("s") and len(acronym) > 2 else acronym
        letters = letters.lower()
        before = [w for w in words if w.end <= match.start()][-_MAX_LONG_FORM_WORDS:]
        long_form = _initials_match(before, letters)
        if long_form:
            found.append((long_form, _normal(acronym)))
    return found


def _initials_match(words: list[_Word], letters: str) -> Name:
    """The shortest run of words ending the list whose initials spell `letters` (connectors
    may be skipped; hyphenated parts count on their own), or ()."""
    remaining = letters
    taken: list[_Word] = []
    for word in reversed(words):
        parts = [p for p in word.text.split("-") if p]
        initials = "".join(p[0].lower() for p in parts)
        if remaining.endswith(initials):
            remaining = remaining[: -len(initials)]
        elif word.normal in _CONNECTORS:
            pass
        else:
            return ()
        taken.insert(0, word)
        if not remaining:
            return tuple(w.normal for w in taken)
    return ()
