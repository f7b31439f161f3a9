"""Whether a string is an ordinary English word, from pyspellchecker's word list (shipped in
its wheel): a question's word the documents never use is still what the asker meant, and a
word a PDF broke over two lines ("func-" / "tion") is one word again."""

from __future__ import annotations

from functools import lru_cache

from spellchecker import SpellChecker


@lru_cache(maxsize=1)
def english() -> SpellChecker:
    """The English word list (about 0.4 s to load, once)."""
    return SpellChecker(language="en", distance=1)


def is_english_word(word: str) -> bool:
    """Whether `word` is an ordinary English word ("reset" is not a slip for "rests", nor
    "charge" for "change")."""
    return bool(english().known([word.lower()]))
