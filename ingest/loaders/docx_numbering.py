"""Word's automatic numbering: the "1.", "2.3" and "(a)" that Word draws before a paragraph
but keeps out of its text, worked out from the document's numbering definitions.

A policy's "3.2 Quorum" heading and its "(a) the chair of the meeting;" clauses are numbered
this way; read without them, the heading path loses its numbers and a lettered clause its
letter (which is how an answer finds the sentence that leads into a list of clauses).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from ingest.loaders.base import small_number

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_PLACEHOLDER = re.compile(r"%(\d)")
_ROMAN = (
    (1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
    (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"),
)  # fmt: skip
MAX_LEVEL = 9  # Word's levels are 0-8
# Styles based on styles this deep are not followed on.
MAX_STYLE_DEPTH = 50
T = TypeVar("T")
# Word starts a list at most at 32,767; past a few thousand, letters and roman numerals would
# be long strings built one step at a time (a start of 10^10 took minutes): such a number is
# drawn in digits.
MAX_DRAWN = 5000


def _roman(number: int) -> str:
    out = ""
    for value, letters in _ROMAN:
        while number >= value:
            out, number = out + letters, number - value
    return out


def _letters(number: int) -> str:
    """1 -> "a", 26 -> "z", 27 -> "aa": Word repeats the letter past z."""
    return chr(ord("a") + (number - 1) % 26) * ((number - 1) // 26 + 1)


# The formats that draw a number; a bullet (or none) draws no label.
_FORMATS: dict[str, Callable[[int], str]] = {
    "decimal": str,
    "decimalZero": lambda n: f"{n:02d}",
    "lowerLetter": _letters,
    "upperLetter": lambda n: _letters(n).upper(),
    "lowerRoman": _roman,
    "upperRoman": lambda n: _roman(n).upper(),
}


@dataclass(frozen=True)
class _Level:
    format: str
    text: str  # "%1.%2." : each %k the number of level k (1-based)
    start: int


def _number(element: Any) -> tuple[str, int] | None:
    """(numbering id, level) of a `w:numPr` holder (a paragraph's or a style's `w:pPr`)."""
    found = element.find(f"{W}numPr") if element is not None else None
    if found is None:
        return None
    num_id, level = found.find(f"{W}numId"), found.find(f"{W}ilvl")
    value = num_id.get(f"{W}val") if num_id is not None else None
    depth = small_number(level.get(f"{W}val") if level is not None else "0")
    if not value or depth is None:
        return None
    return value, min(depth, MAX_LEVEL - 1)


def _levels(abstract: Any) -> dict[int, _Level]:
    levels = {}
    for level in abstract.findall(f"{W}lvl"):
        depth = small_number(level.get(f"{W}ilvl"))
        fmt, text, start = (level.find(f"{W}{name}") for name in ("numFmt", "lvlText", "start"))
        first = small_number(start.get(f"{W}val") if start is not None else "1")
        if depth is not None and fmt is not None and text is not None:
            levels[depth] = _Level(
                fmt.get(f"{W}val") or "", text.get(f"{W}val") or "", 1 if first is None else first
            )
    return levels


def _restarts(num: Any) -> dict[int, int]:
    """A list's levels that start again, and where (`w:lvlOverride/w:startOverride`)."""
    found = {}
    for override in num.findall(f"{W}lvlOverride"):
        depth = small_number(override.get(f"{W}ilvl"))
        start = override.find(f"{W}startOverride")
        first = small_number(start.get(f"{W}val")) if start is not None else None
        if depth is not None and first is not None:
            found[depth] = first
    return found


def _linked_lists(abstracts: list[Any]) -> dict[str, str]:
    """Lists that only point at a list style (`w:numStyleLink`) -> the list that defines the
    style's levels (`w:styleLink`): how Word stores a multilevel list kept as a style, the
    "1", "1.1", "1.1.1" of many policies. Both are one list, counted together."""
    defines = {}
    for abstract in abstracts:
        link = abstract.find(f"{W}styleLink")
        if link is not None and link.get(f"{W}val"):
            defines[link.get(f"{W}val")] = abstract.get(f"{W}abstractNumId") or ""
    found = {}
    for abstract in abstracts:
        link = abstract.find(f"{W}numStyleLink")
        target = defines.get(link.get(f"{W}val")) if link is not None else None
        if target is not None:
            found[abstract.get(f"{W}abstractNumId") or ""] = target
    return found


def from_style_chain(style: Any, read: Callable[[Any], T | None]) -> T | None:
    """What `read` finds in a style or, failing that, in the style it is based on, and so on
    up ("Policy Clause" based on a numbered "Policy Heading"; "Trust Heading" based on
    "Heading 2"); at most MAX_STYLE_DEPTH styles, as Word lets a chain run in a loop."""
    current, seen = style, 0
    while current is not None and seen < MAX_STYLE_DEPTH:
        if (found := read(current)) is not None:
            return found
        # A numbering style ("PolicyList") is based on nothing: python-docx gives it no base.
        current, seen = getattr(current, "base_style", None), seen + 1
    return None


def _style_numbers(styles: Any) -> dict[str, tuple[str, int]]:
    """Each style's list and level: its own, else the one of the style it is based on."""
    found = {}
    for style in styles:
        number = from_style_chain(style, lambda s: _number(s.element.find(f"{W}pPr")))
        if style.style_id and number is not None:
            found[style.style_id] = number
    return found


@dataclass
class Numbering:
    """The document's numbered lists; `label` is asked of each paragraph in document order."""

    levels: dict[str, dict[int, _Level]] = field(default_factory=dict)  # by abstract id
    abstract_of: dict[str, str] = field(default_factory=dict)  # numbering id -> abstract id
    style_numbers: dict[str, tuple[str, int]] = field(default_factory=dict)  # style id -> number
    # A list that starts again ("1." for the second committee's items): numbering id -> the
    # level's new start; such a list is counted on its own.
    restarts: dict[str, dict[int, int]] = field(default_factory=dict)
    counters: dict[str, dict[int, int]] = field(default_factory=dict)

    @classmethod
    def read(cls, document: Any) -> Numbering:
        try:
            part = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return cls()
        abstracts = part.findall(f"{W}abstractNum")
        levels = {a.get(f"{W}abstractNumId") or "": _levels(a) for a in abstracts}
        linked = _linked_lists(abstracts)
        abstract_of, restarts = {}, {}
        for num in part.findall(f"{W}num"):
            abstract, num_id = num.find(f"{W}abstractNumId"), num.get(f"{W}numId")
            if abstract is not None and num_id:
                abstract_id = abstract.get(f"{W}val") or ""
                abstract_of[num_id] = linked.get(abstract_id, abstract_id)
                restarts[num_id] = _restarts(num)
        styles = _style_numbers(document.styles)
        return cls(levels, abstract_of, styles, {k: v for k, v in restarts.items() if v})

    def _number_of(self, paragraph: Any) -> tuple[str, int] | None:
        """The paragraph's own list and level, else its style's (at the paragraph's own level
        when it gives one: "(a)" under a numbered style's "1."). A list id of "0" switches the
        style's numbering off."""
        properties = paragraph.find(f"{W}pPr")
        own = _number(properties)
        style = properties.find(f"{W}pStyle") if properties is not None else None
        styled = self.style_numbers.get(style.get(f"{W}val") if style is not None else "")
        if own is not None or styled is None:
            return own
        level = properties.find(f"{W}numPr/{W}ilvl") if properties is not None else None
        depth = small_number(level.get(f"{W}val")) if level is not None else None
        return styled if depth is None else (styled[0], min(depth, MAX_LEVEL - 1))

    def label(self, paragraph: Any) -> str:
        """The number Word draws before this paragraph ("3.2", "(a)"), "" for none or a bullet;
        counted, so paragraphs must be asked in order. A paragraph a tracked change deleted or
        moved away is not in the document as Word shows it, and is not counted."""
        if paragraph.find(f"{W}pPr/{W}rPr/{W}del") is not None or (
            paragraph.find(f"{W}pPr/{W}rPr/{W}moveFrom") is not None
        ):
            return ""
        number = self._number_of(paragraph)
        abstract = self.abstract_of.get(number[0], "") if number else ""
        levels = self.levels.get(abstract, {})
        if number is None or number[1] not in levels:
            return ""
        num_id, depth = number
        restart = self.restarts.get(num_id, {})
        counters = self.counters.setdefault(f"{abstract}/{num_id}" if restart else abstract, {})
        first = restart.get(depth, levels[depth].start)
        counters[depth] = counters.get(depth, first - 1) + 1
        for deeper in [k for k in counters if k > depth]:
            del counters[deeper]  # "2.1" after "1.3.4" starts its own "2.1.1" again
        if levels[depth].format not in _FORMATS:
            return ""

        def shown(match: re.Match[str]) -> str:
            k = int(match.group(1)) - 1
            level = levels.get(k, _Level("decimal", "", 1))
            number = counters.get(k, level.start)
            draw = _FORMATS.get(level.format, str) if 0 < number <= MAX_DRAWN else str
            return draw(number)

        return _PLACEHOLDER.sub(shown, levels[depth].text).strip()
