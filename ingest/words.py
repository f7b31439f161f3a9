"""Whether a string is an ordinary English word, from pyspellchecker's word list (shipped in
its wheel): a question's word the documents never use is still what the asker meant, and a
word a PDF broke over two lines ("func-" / "tion") is one word again."""

from __future__ import annotations

import re
import threading
from functools import lru_cache

from spellchecker import SpellChecker

# The list spells the American way. A British spelling is known by its American form
# ("metre" as "meter", "colour" as "color", "organise" as "organize"), so a question's
# "sq metre" is not read as a slip for the documents' "mere".
_RE_WORDS = "cent|met|lit|theat|fib|calib|sab|spect|somb|lust|meag|manoeuv|scept|goit|reconnoit"
_AMERICAN_FORMS = (
    # Only the -re words themselves: "powres" and "leadres" are slips, not British "powers".
    (re.compile(rf"({_RE_WORDS})re(s?)$"), r"\1er\2"),  # metre, centres
    (re.compile(rf"({_RE_WORDS})red$"), r"\1ered"),  # centred
    (re.compile(r"our"), "or"),  # colour, behaviours, favourite
    (re.compile(r"is(e|es|ed|ing|er|ers|ation|ations|ational)$"), r"iz\1"),  # organise
    (re.compile(r"ys(e|es|ed|ing)$"), r"yz\1"),  # analyse
    (re.compile(r"ae"), "e"),  # paediatric
    (re.compile(r"oe(?=[a-z])"), "e"),  # manoeuvre, foetus
    (re.compile(r"mme(s?)$"), r"m\1"),  # programme
    (re.compile(r"ogue(s?)$"), r"og\1"),  # catalogue
    (re.compile(r"ence(s?)$"), r"ense\1"),  # defence, offences
    (re.compile(r"ll(ed|ing|er|ers)$"), r"l\1"),  # travelled, counselling
    (re.compile(r"([dg])ement(s?)$"), r"\1ment\2"),  # acknowledgement
)


@lru_cache(maxsize=1)
def english() -> SpellChecker:
    """The English word list (about 0.14 s to load, once)."""
    return SpellChecker(language="en", distance=1)


def load_english_in_background() -> threading.Thread:
    """Load the English word list on a background thread, so that the first question with a
    word the documents never use (a slip, a brand name) does not wait for it."""
    thread = threading.Thread(target=english, name="load English words", daemon=True)
    thread.start()
    return thread


@lru_cache(maxsize=65_536)
def is_english_word(word: str) -> bool:
    """Whether `word` is an ordinary English word, spelt the American or the British way
    ("reset" is not a slip for "rests", nor "charge" for "change", nor "metre" for "mere")."""
    lower = word.lower()
    known = english().known
    if known([lower]):
        return True
    forms = {pattern.sub(american, lower) for pattern, american in _AMERICAN_FORMS}
    every = lower
    for pattern, american in _AMERICAN_FORMS:
        every = pattern.sub(american, every)
    forms = (forms | {every}) - {lower}
    return bool(forms and known(forms))
