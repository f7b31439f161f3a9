"""What every loader returns."""

from __future__ import annotations

import bisect
from dataclasses import dataclass


@dataclass(frozen=True)
class LoadedText:
    """A document as text for the section parser, with what the file says about itself."""

    text: str
    # Offset at which each page starts (page n starts at page_starts[n - 1]); empty if unpaged.
    page_starts: tuple[int, ...] = ()
    title: str = ""
    author: str = ""
    year: int | None = None

    def page_at(self, offset: int) -> int | None:
        """The 1-based page holding `offset`, or None for a document without pages."""
        if not self.page_starts:
            return None
        return max(1, bisect.bisect_right(self.page_starts, offset))


def blocks_to_text(blocks: list[tuple[int, str]]) -> tuple[str, tuple[int, ...]]:
    """Join (page, block) pairs with blank lines; return the text and each page's start offset.

    Example: [(1, "# A"), (1, "x"), (2, "y")] -> ("# A\\n\\nx\\n\\ny\\n", (0, 8)).
    """
    parts: list[str] = []
    page_starts: list[int] = []
    offset = 0
    current_page = 0
    for page, block in blocks:
        block = block.strip()
        if not block:
            continue
        while current_page < page:
            page_starts.append(offset)
            current_page += 1
        parts.append(block + "\n\n")
        offset += len(block) + 2
    return "".join(parts).rstrip("\n") + "\n", tuple(page_starts)
