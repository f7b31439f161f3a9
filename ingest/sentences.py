"""Splitting cleaned text into sentences, with abbreviations and initials left whole."""

from __future__ import annotations

import re

# A sentence ends at . ! or ? (optionally followed by closing quotes or brackets), then
# whitespace, then something that can open a sentence.
_BOUNDARY = re.compile(r"[.!?][\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9£])")
_ABBREVIATIONS = {
    "e.g", "eg", "i.e", "ie", "etc", "cf", "vs", "v", "mr", "mrs", "ms", "dr", "prof", "rt",
    "hon", "st", "no", "nos", "co", "ltd", "inc", "p", "pp", "para", "fig", "vol", "ed", "eds",
    "al", "approx", "dept",
}  # fmt: skip
_LAST_WORD = re.compile(r"([A-Za-z.]+)\.$")


# Letters with dots between them: "S.I", "U.K", "a.m".
_DOTTED = re.compile(r"^(?:[A-Za-z]\.)+[A-Za-z]$")


def _is_abbreviation(text_before: str, next_char: str) -> bool:
    match = _LAST_WORD.search(text_before)
    if not match:
        return False
    word = match.group(1)
    # A single capital letter is an initial ("Cruddas, L. (2018)"), not a sentence end; nor
    # are dotted letters before a number ("S.I. 2012/10", a statutory instrument's number).
    return (
        word.lower() in _ABBREVIATIONS
        or (len(word) == 1 and word.isupper())
        or (next_char.isdigit() and _DOTTED.match(word) is not None)
    )


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Return the [start, end) spans of the sentences in `text`, whitespace excluded."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        end_of_punct = match.start() + 1
        following = text[match.end() : match.end() + 1]
        if text[match.start()] == "." and _is_abbreviation(text[start:end_of_punct], following):
            continue
        end = match.end()
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            spans.append((start, end))
        start = match.end()
    tail_end = len(text.rstrip())
    if tail_end > start:
        spans.append((start, tail_end))
    return spans
