"""A document's cover: the passages before its first prose, where a title page puts its
partners, authors, dates, addresses and slogans.

None of it says how anything is governed, yet it shares words with questions: "What are the
spaces in the CST report?" matched "By the Confederation of School Trusts (CST)" and "Chief
Executive | CST | October 2018" better than the report's own account of its spaces. What counts
as the cover is read from each document's own passages, in document order.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ingest.types import CLOSERS, Chunk, Sentence

# The cover lies in a document's first 15% (a short case study's details come first too).
COVER_SHARE = 0.15
# A sentence of prose: at least this many words, half of them lower case, ending as a
# sentence does. Two of them in one passage, and the document's body has begun.
PROSE_MIN_WORDS = 8
PROSE_SENTENCES = 2
_ENDS_SENTENCE = (".", "!", ":", ";")
# "Number of pupils: 130 to 200": a field of a form or a case study's details, which answers
# "how many pupils?" wherever it stands.
_FIELD = re.compile(r"[^:.]{1,40}:\s+\S")


def is_prose(sentence: Sentence) -> bool:
    text = sentence.text.strip()
    words = text.split()
    lower = sum(1 for word in words if word[:1].islower())
    return (
        len(words) >= PROSE_MIN_WORDS
        and lower >= PROSE_MIN_WORDS // 2
        and text.rstrip(CLOSERS).endswith(_ENDS_SENTENCE)
    )


def is_field(sentence: Sentence) -> bool:
    """Whether the sentence is a "Label: value" field."""
    return _FIELD.match(sentence.text.strip()) is not None


def cover_passages(chunks: Iterable[Chunk]) -> frozenset[str]:
    """The ids of the passages that come, in each document, before its first passage of prose
    and within its first COVER_SHARE."""
    by_document: dict[str, list[Chunk]] = {}
    for chunk in chunks:
        by_document.setdefault(chunk.doc_id, []).append(chunk)
    cover: set[str] = set()
    for document in by_document.values():
        document.sort(key=lambda chunk: chunk.start)
        length = max(chunk.end for chunk in document)
        for chunk in document:
            prose = sum(1 for sentence in chunk.sentences if is_prose(sentence))
            if prose >= PROSE_SENTENCES or chunk.start > COVER_SHARE * length:
                break
            cover.add(chunk.id)
    return frozenset(cover)
