"""What the indexed documents call things, learnt from their own text.

Two uses, both so that a question worded unlike the documents still finds them:
- **Abbreviations**: a document that writes "Regional Schools Commissioners (RSCs)" teaches that
  "RSCs" and the long form are one name, so a question using either matches a sentence using
  the other. Nothing is listed by hand: the next document brings its own.
- **Spelling**: a question word the documents never use ("comissioners", "Ofstead") is read as
  the closest word they do use, when one is close enough to be a slip of the keyboard.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from rapidfuzz.distance import OSA

from index import number_words
from index.lexical import tokenize
from index.plain_terms import PlainTerms
from ingest.words import english, is_english_word

# "Long Form Words (LFW)" or "(LFWs)": the abbreviation, 2-8 letters with at least two capitals
# ("DfE", "HMCI", "RSCs").
_ABBREVIATION = re.compile(r"\(\s*([A-Za-z]{2,8})\s*\)")
_WORD = re.compile(r"[A-Za-z][A-Za-z'’]*")
# A web or e-mail address: "www.ncsc.gov.uk" holds no word "ncsc" a reader would use.
_ADDRESS = re.compile(r"\S*(?:://|www\.|@)\S*")
# Words an abbreviation's letters may skip ("Department for Education (DfE)" keeps "for";
# "Education and Skills Funding Agency (ESFA)" skips "and").
_LINKING = {"of", "and", "for", "the", "in", "on", "to", "&"}
MAX_LONG_WORDS = 8
# "under 2s", "the 3's": a small number in the plural, as people type the ages of children.
_PLURAL_NUMBER = re.compile(r"\b(?P<number>[1-9]|1[0-2])['’]?s\b")
# An abbreviation typed in capitals in a question ("LAs", "MATs").
_ACRONYM = re.compile(r"\b[A-Z]{2,6}s?\b")
_TYPED_SMALL = re.compile(r"\b[a-z]{2,3}\b")
MIN_PHRASE_COUNT = 3
# Capitals this short are read as an abbreviation, never as a word typed in capitals.
SHORT_ACRONYM = 3
# A question word this short is left alone: "pay" and "day" are one letter apart.
MIN_CORRECTABLE = 5
# Edits allowed between a question word and a document word (or their stems): one up to 7
# letters ("inspcet"), two beyond ("comissionners"). Swapping two neighbouring letters
# counts as one edit ("inspcet", "baords": optimal string alignment distance).
LONG_WORD = 8


def _initials_match(letters: str, words: list[str]) -> bool:
    """Whether `letters` are the initials of `words`, linking words taken or skipped."""
    letters = letters.lower()
    with_links = "".join(w[0] for w in words).lower()
    without = "".join(w[0] for w in words if w.lower() not in _LINKING).lower()
    return letters in (with_links, without)


def learn_abbreviations(texts: Iterable[str]) -> dict[str, str]:
    """Abbreviations defined in `texts` ("... Commissioners (RSCs)") -> their long form."""
    found: dict[str, str] = {}
    for text in texts:
        for match in _ABBREVIATION.finditer(text):
            raw = match.group(1)
            if sum(c.isupper() for c in raw) < 2:
                continue
            letters = raw[:-1] if raw.endswith("s") and raw[:-1].isupper() else raw
            before = _WORD.findall(text[max(0, match.start() - 120) : match.start()])
            for size in range(len(letters), min(MAX_LONG_WORDS, len(before)) + 1):
                words = before[-size:]
                if words[0].lower() in _LINKING:
                    continue
                if _initials_match(letters, words):
                    found.setdefault(letters, " ".join(words))
                    break
    return found


@dataclass(frozen=True)
class Vocabulary:
    """The documents' words and stems, and the abbreviations they define."""

    word_frequency: Counter[str]  # lower-case words as written
    stems: frozenset[str]
    # each name's stems -> the other name's stems ("rsc" <-> "region school commission")
    aliases: dict[tuple[str, ...], tuple[str, ...]]
    abbreviations: dict[str, str]
    # Abbreviations whose letters the documents also write as an ordinary word in lower case
    # ("SEND" and "must send their assessment"): in a question only the capitals are the
    # abbreviation ("do we have to send out notice again?" says nothing about SEND).
    also_words: frozenset[str] = frozenset()
    _by_initial: dict[str, list[str]] = field(default_factory=dict, repr=False)
    # The texts themselves, to spell out an abbreviation they use but never define.
    _texts: tuple[str, ...] = field(default=(), repr=False)
    _spelt_out: dict[str, str | None] = field(default_factory=dict, repr=False)
    # Each name under its first stem: a sentence's stems find their aliases in one look-up each.
    _aliases_by_first: dict[str, list[tuple[tuple[str, ...], tuple[str, ...]]]] = field(
        default_factory=dict, repr=False
    )
    # The stems of each abbreviation in `also_words` ("send",) -> the abbreviation ("SEND").
    _word_like: dict[tuple[str, ...], str] = field(init=False, repr=False)
    # Plain words ("councils") and the documents' names for the same things.
    plain_terms: PlainTerms = field(default_factory=lambda: PlainTerms("", ()), repr=False)

    @classmethod
    def learn(cls, texts: Iterable[str]) -> Vocabulary:
        """Read the words, stems and abbreviations of `texts`."""
        texts = list(texts)
        words: Counter[str] = Counter()
        lower_case: set[str] = set()
        for text in texts:
            found = _WORD.findall(text)
            words.update(w.lower() for w in found)
            if _ADDRESS.search(text):
                found = _WORD.findall(_ADDRESS.sub(" ", text))
            lower_case.update(w for w in found if w.islower())
        stems = frozenset(stem for word in words for stem in tokenize(word))
        abbreviations = learn_abbreviations(texts)
        aliases: dict[tuple[str, ...], tuple[str, ...]] = {}
        for short, long in abbreviations.items():
            long_stems = tokenize(long)
            # "RSC" and "RSCs" stem apart ("rsc", "rscs"): both stand for the long form, and
            # the long form for both ("Who are LAs accountable to?" where a document defines
            # "Local Authority (LA)" and writes "local authorities").
            for form in (short, f"{short}s"):
                short_stems = tokenize(form)
                if short_stems and long_stems and short_stems != long_stems:
                    aliases[short_stems] = long_stems
                    known = aliases.get(long_stems, ())
                    aliases[long_stems] = tuple(dict.fromkeys((*known, *short_stems)))
        by_initial: dict[str, list[str]] = {}
        for word in words:
            if len(word) >= MIN_CORRECTABLE - 1:
                by_initial.setdefault(word[0], []).append(word)
        by_first: dict[str, list[tuple[tuple[str, ...], tuple[str, ...]]]] = {}
        for name, other in aliases.items():
            by_first.setdefault(name[0], []).append((name, other))
        also_words = frozenset(
            short
            for short in abbreviations
            if short.lower() in lower_case or f"{short.lower()}s" in lower_case
        )
        return cls(
            words,
            stems,
            aliases,
            abbreviations,
            also_words,
            _by_initial=by_initial,
            _aliases_by_first=by_first,
            _texts=tuple(texts),
            plain_terms=PlainTerms.learn(texts),
        )

    def __post_init__(self) -> None:
        word_like = {
            tokenize(form): short for short in self.also_words for form in (short, f"{short}s")
        }
        object.__setattr__(self, "_word_like", word_like)

    def __contains__(self, stem: str) -> bool:
        return stem in self.stems

    def closest(self, word: str) -> str | None:
        """The documents' word that `word`, which they never use, is most likely a slip for:
        one or two letters off as written ("ofstead" -> "ofsted") or as stemmed ("comissioners"
        -> "commission"), and not itself an English word."""
        word = word.lower()
        stems = tokenize(word)
        if len(word) < MIN_CORRECTABLE or len(stems) != 1 or stems[0] in self:
            return None
        if is_english_word(word):
            return None
        stem = stems[0]
        allowed = 1 if len(word) < LONG_WORD else 2
        best: tuple[int, bool, bool, int, str] | None = None
        for known in self._by_initial.get(word[0], ()):
            if abs(len(known) - len(word)) > allowed + 1:
                continue
            distance = OSA.distance(word, known, score_cutoff=allowed)
            as_stemmed = distance > allowed
            if as_stemmed:
                known_stems = tokenize(known)
                if not known_stems:
                    continue
                distance = OSA.distance(stem, known_stems[0], score_cutoff=allowed)
                if distance > allowed:
                    continue
            # Fewest edits first, close as written before close only as stemmed ("athorities"
            # is "authorities", not the more frequent "authority"), then the same letters in
            # another order (two keys swapped: "worht" is "worth", not the commoner "worst"),
            # then the word the documents use most.
            other_letters = sorted(word) != sorted(known)
            key = (distance, as_stemmed, other_letters, -self.word_frequency[known], known)
            if best is None or key < best:
                best = key
        return best[-1] if best else self._english_slip(word)

    def _english_slip(self, word: str) -> str | None:
        """The English word `word` most likely is, one letter off, when the documents use its
        stem in another form: "diffrence" is "difference", which they write only as
        "different". Only the likeliest English word: "arent" is "aren't", never "parent"."""
        likeliest = english().correction(word)
        stems = tokenize(likeliest) if likeliest else []
        return likeliest if len(stems) == 1 and stems[0] in self else None

    def correct(self, text: str) -> str:
        """`text` with each word the documents never use, but nearly do, spelt their way."""

        def fix(match: re.Match[str]) -> str:
            word = match.group(0)
            known = self.closest(word)
            if known is None:
                return word
            if word.isupper():
                return known.upper()
            return known[0].upper() + known[1:] if word[0].isupper() else known

        return _WORD.sub(fix, text)

    def read(self, question: str) -> str:
        """A question read the documents' way: slips of the keyboard corrected ("comissioners"),
        numbers in the plural written as the documents write them ("under 2s" -> "under
        twos"), and plain words joined by the documents' names ("councils (local
        authorities)")."""
        return self.plain_terms.add_document_terms(self._numbers_as_written(self.correct(question)))

    def _numbers_as_written(self, text: str) -> str:
        """`text` with "2s" or "3's" in words when the documents use the word: left as typed,
        "2s" counted as a word no document holds and the question about under twos was
        refused as if about something absent."""

        def in_words(match: re.Match[str]) -> str:
            plural = number_words.plural(int(match["number"]))
            return plural if all(stem in self for stem in tokenize(plural)) else match[0]

        return _PLURAL_NUMBER.sub(in_words, text)

    def spell_out_unknown(self, text: str) -> str:
        """`text` with each abbreviation the documents never use ("LAs") replaced by the phrase
        it stands for in them ("local authorities"), when they have one; a short one typed in
        lower case ("who do las answer to") is read as it would be in capitals."""

        def spell(match: re.Match[str]) -> str:
            return self._long_form(match.group(0)) or match.group(0)

        def spell_typed_small(match: re.Match[str]) -> str:
            word = match.group(0)
            plural = len(word) == SHORT_ACRONYM and word.endswith("s")
            return self._long_form(word[:-1].upper() + "s" if plural else word.upper()) or word

        return _TYPED_SMALL.sub(spell_typed_small, _ACRONYM.sub(spell, text))

    def _long_form(self, acronym: str) -> str | None:
        """The phrase an abbreviation in capitals stands for in the documents, when they never
        use or define it themselves."""
        letters = acronym.rstrip("s")
        stems = tokenize(acronym)
        if (
            not stems  # a stop word in capitals ("WHO", "AND")
            or stems[0] in self
            or letters in self.abbreviations
            # "SALARY" in a question typed in capitals; but two or three capitals are an
            # abbreviation even when they spell a word ("LA", "TA").
            or (len(letters) > SHORT_ACRONYM and is_english_word(acronym))
        ):
            return None
        return self.spell_out(acronym)

    def expand(self, text: str) -> str:
        """`text` followed by the long form of each abbreviation it uses ("RSCs" ->
        "(regional schools commissioners)"): the embedder knows the words of a long form far
        better than a string of capitals. (Adding the abbreviation to a question that spells
        the name out helped less than it cost: on the dev rewordings, citation recall 0.892
        against 0.895 without it, and one dev comparison lost a side.)"""
        stems = tokenize(text)
        extra = [
            long
            for short, long in self.abbreviations.items()
            if any(_contains(stems, tokenize(form)) for form in (short, f"{short}s"))
            and not _contains(stems, tokenize(long))
            and (short not in self.also_words or _in_capitals(short, text))
        ]
        return f"{text} ({'; '.join(extra)})" if extra else text

    def spell_out(self, acronym: str) -> str | None:
        """The long form of an abbreviation the documents use without defining it, or that
        only a question uses ("LAs"): their most frequent phrase with those initials, when it
        occurs at least MIN_PHRASE_COUNT times."""
        letters = acronym[:-1] if acronym.endswith("s") else acronym
        if letters in self._spelt_out:
            return self._spelt_out[letters]
        # "LA" -> "l\w+ (of |and |...)?a\w+": one word per letter, linking words allowed between.
        words = [rf"{re.escape(c)}[a-z’'-]+" for c in letters.lower()]
        pattern = re.compile(
            r"\b" + r"\s+(?:(?:of|and|for|the|in|on)\s+)?".join(words) + r"\b", re.IGNORECASE
        )
        counts: Counter[tuple[str, ...]] = Counter()
        spelling: dict[tuple[str, ...], str] = {}
        for text in self._texts:
            for match in pattern.finditer(text):
                phrase = " ".join(match.group(0).split())
                key = tokenize(phrase)
                if len(key) != len(letters):
                    continue  # a letter stood for a stop word: "TA" is not "that any"
                counts[key] += 1
                spelling.setdefault(key, phrase.lower())
        best = counts.most_common(1)
        found = spelling[best[0][0]] if best and best[0][1] >= MIN_PHRASE_COUNT else None
        self._spelt_out[letters] = found
        return found

    def with_aliases(self, tokens: set[str], text: str) -> set[str]:
        """`tokens` (the stems of `text`) plus the stems of the other name of each abbreviation
        or long form in it; an abbreviation that is also a word counts only in capitals."""
        extra: set[str] = set()
        for token in tokens:
            for name, other in self._aliases_by_first.get(token, ()):
                if all(t in tokens for t in name) and self._named(name, text):
                    extra.update(other)
        return tokens | extra if extra else tokens

    def _named(self, stems: tuple[str, ...], text: str) -> bool:
        """Whether `text` uses the name with these stems: for an abbreviation that is also a
        word ("SEND"), written in capitals."""
        short = self._word_like.get(stems)
        return short is None or _in_capitals(short, text)


def _in_capitals(abbreviation: str, text: str) -> bool:
    """Whether `text` writes the abbreviation (or its plural) as it is defined, in capitals."""
    return re.search(rf"\b{re.escape(abbreviation)}s?\b", text) is not None


def _contains(tokens: tuple[str, ...], part: tuple[str, ...]) -> bool:
    """Whether `part` occurs in `tokens` as a run of consecutive tokens."""
    if not part:
        return False
    size = len(part)
    return any(tokens[i : i + size] == part for i in range(len(tokens) - size + 1))
