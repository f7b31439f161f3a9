"""Cleaning markup out of text while remembering where every kept character came from."""

from __future__ import annotations

import re
from contextvars import ContextVar
from dataclasses import dataclass

# Spans removed entirely: footnote markers with their number, and any other HTML tag. A tag
# opens with its name ("<p", "</li", "<!--"): "Classes with < 5 pupils and > 3 staff" holds
# none, and its words stay.
_DROP_WHOLE = re.compile(
    r"<sup>.*?</sup>|<(?!https?://|mailto:|[^>\s]+@)(?:/?[A-Za-z][^>\n]*|!--[^>]*)>",
    re.IGNORECASE | re.DOTALL,
)
# An autolink ("<https://...>", "<name@example.org>"): its brackets go, the address stays.
_AUTOLINK = re.compile(r"<((?:https?://|mailto:)[^>\s]+|[^>\s@]+@[^>\s]+)>", re.IGNORECASE)
# Markdown link: keep the link text (group 1), drop the brackets and the target.
_LINK = re.compile(r"\[([^\]\n]*)\]\([^)\n]*\)")
# Emphasis markers: runs of * or _ that touch a word on one side only (not snake_case or 2*3),
# and not escaped ("\*" is an asterisk).
_EMPHASIS = re.compile(r"(?<![\w*_\\])[*_]{1,3}(?=[^\s*_])|(?<=[^\s*_\\])[*_]{1,3}(?![\w*_])")
# Markdown's escape: a backslash before punctuation shows the punctuation ("Board \| spring").
_ESCAPE = re.compile(r"\\(?=[\\`*_{}\[\]()#+\-.!|<>])")
# A list bullet, a heading hash or a quotation's "> " at the start of a line ("> 30 pupils",
# a number, is left alone).
_LINE_MARKER = re.compile(
    r"^[ \t]*(?:[-*+•][ \t]+|#{1,6}[ \t]+|>[ \t]+(?=[^\W\d]|[“‘\"'*_(\[]))", re.MULTILINE
)
_SPACE = re.compile(r"\s+")
# Whether the text being read is Markdown (or plain text read as Markdown), whose tags, links
# and emphasis are markup. A Word document's, a PDF's or a web page's text is read as written
# ("raised with <name of governor>", "Mr J Smith*"): there only the heading and item markers
# its loader wrote at the start of a line are markup. Set for one parse by
# `structure.parse_sections`.
INLINE_MARKUP: ContextVar[bool] = ContextVar("inline_markup", default=True)


@dataclass(frozen=True)
class MappedText:
    """Cleaned text plus, for each of its characters, the offset it came from in the original."""

    text: str
    offsets: tuple[int, ...]

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Map a [start, end) span of the cleaned text back to the original file."""
        return self.offsets[start], self.offsets[end - 1] + 1


# Shown only where a line breaks a word ("head&shy;teacher"): read, it would split the word.
SOFT_HYPHEN = "\u00ad"
# A line break ("x<br>y") separates words: its first character is read as a space.
_LINE_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)


def _removed_positions(raw: str) -> set[int]:
    removed: set[int] = set()
    for match in _LINE_MARKER.finditer(raw):  # the only markup outside Markdown
        removed.update(range(match.start(), match.end()))
    if not INLINE_MARKUP.get():
        return removed
    for match in _DROP_WHOLE.finditer(raw):
        removed.update(range(match.start(), match.end()))
    for match in _AUTOLINK.finditer(raw):
        removed.update((match.start(), match.end() - 1))
    for match in _LINK.finditer(raw):
        removed.add(match.start())
        removed.update(range(match.end(1), match.end()))
    removed.update(match.start() for match in _ESCAPE.finditer(raw))
    for match in _EMPHASIS.finditer(raw):
        if not removed.intersection(range(match.start(), match.end())):
            removed.update(range(match.start(), match.end()))
    return removed


def clean(original: str, start: int = 0, end: int | None = None) -> MappedText:
    """Strip markup from `original[start:end]` and collapse whitespace, keeping offsets.

    Example: `clean("a **b**<sup>1</sup>")` gives text "a b" with offsets (0, 1, 4).
    """
    end = len(original) if end is None else end
    raw = original[start:end]
    breaks = {m.start() for m in _LINE_BREAK.finditer(raw)} if INLINE_MARKUP.get() else set()
    removed = _removed_positions(raw) - breaks  # a line break's first character stays, as a space
    chars: list[str] = []
    offsets: list[int] = []
    for i, ch in enumerate(raw):
        if i in removed or ch == SOFT_HYPHEN:
            continue
        if i in breaks:
            ch = " "
        if ch.isspace():
            if not chars or chars[-1] == " ":
                continue
            ch = " "
        chars.append(ch)
        offsets.append(start + i)
    while chars and chars[-1] == " ":
        chars.pop()
        offsets.pop()
    return MappedText("".join(chars), tuple(offsets))


def join(parts: list[MappedText], separator: str = " ") -> MappedText:
    """Concatenate cleaned pieces; separator characters map to the next piece's first offset."""
    chars: list[str] = []
    offsets: list[int] = []
    for part in parts:
        if not part.text:
            continue
        if chars:
            chars.append(separator)
            offsets.extend([part.offsets[0]] * len(separator))
        chars.append(part.text)
        offsets.extend(part.offsets)
    return MappedText("".join(chars), tuple(offsets))


def normalise_words(text: str) -> list[str]:
    """Lower-case alphanumeric words, for comparing passages regardless of markup and spacing."""
    return re.findall(r"[a-z0-9]+", text.lower())


def squash_spaces(text: str) -> str:
    return _SPACE.sub(" ", text).strip()
