"""Numbers written as words, the way documents and questions write them ("two-year-olds",
"within fourteen days", "the under 2s"): one list for every place that reads them."""

from __future__ import annotations

# Each word's value is its position.
UNITS = (
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
    "nineteen",
)  # fmt: skip
TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}  # fmt: skip
VALUES: dict[str, int] = {word: value for value, word in enumerate(UNITS)} | TENS


def plural(value: int) -> str:
    """A small number as a plural noun: 2 -> "twos", 6 -> "sixes"."""
    word = UNITS[value]
    return f"{word}es" if word.endswith("x") else f"{word}s"
