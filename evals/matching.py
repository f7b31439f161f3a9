"""Matching answers and passages against gold text: case, punctuation, spacing and markdown
markers are ignored, as the gold format specifies."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

_NOT_WORD = re.compile(r"[\W_]+", re.UNICODE)


def normalise(text: str) -> str:
    """Lower-case letters and digits only: "Decision-making**" and "decision making" agree."""
    return _NOT_WORD.sub("", unicodedata.normalize("NFKC", text).casefold())


def contains(haystack: str, needle: str) -> bool:
    """True when `needle` appears in `haystack` once both are normalised."""
    wanted = normalise(needle)
    return bool(wanted) and wanted in normalise(haystack)


def group_matched(text: str, alternatives: Sequence[str]) -> bool:
    """True when any alternative of one gold group appears in `text`."""
    return any(contains(text, alternative) for alternative in alternatives)
