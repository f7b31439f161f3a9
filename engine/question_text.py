"""What a user typed, made safe to search with: whatever arrives from a chat box or a command
line (control characters, invisible formatting marks, half of a surrogate pair, a pasted
essay) becomes plain text of bounded length before anything else reads it."""

from __future__ import annotations

import unicodedata

# Longer questions are cut here: the model reads 256 word pieces of a question anyway, and an
# unbounded paste would make every later step (follow-up rules, BM25, sentence scoring) slower.
MAX_QUESTION_CHARS = 2000


def plain_question(text: str) -> str:
    """Control and formatting characters dropped, lone surrogates replaced, spaces collapsed."""
    text = text.encode("utf-8", "replace").decode("utf-8")  # a lone surrogate becomes "?"
    # A control character (a NUL) stands between words as a space would; a format character
    # (a zero-width space, a direction mark) is dropped.
    kept = (
        " " if character.isspace() or unicodedata.category(character) == "Cc" else character
        for character in text
        if character.isspace() or unicodedata.category(character) not in ("Cf", "Cs", "Co")
    )
    return " ".join("".join(kept).split())[:MAX_QUESTION_CHARS].strip()
