"""Turning sections into chunks that fit the embedder, each sentence with exact offsets."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from ingest.governance import tag_section
from ingest.sentences import split_sentences
from ingest.structure import Section
from ingest.text import MappedText, join
from ingest.types import Chunk, Sentence, SourceInfo

TokenCounter = Callable[[str], int]
Part = tuple[MappedText, bool]  # a paragraph (or a piece of one) and whether it is a list item
PageLookup = Callable[[int], int | None]  # file offset -> page number (None when unpaged)


@dataclass(frozen=True)
class ChunkingConfig:
    """What shapes the chunks; part of the index manifest, so a change forces a rebuild."""

    # all-MiniLM-L6-v2 reads at most 256 word pieces and silently drops the rest; 200 leaves
    # room for the heading context that is embedded with every chunk.
    max_tokens: int = 200
    version: int = 50  # bump when the parsing, chunking or stored chunk format changes


def whitespace_token_count(text: str) -> int:
    """A stand-in for a tokenizer: ~1.3 word pieces per English word, rounded up."""
    return -(-len(text.split()) * 13 // 10)


def _units(paragraph: MappedText, fits: Callable[[MappedText], bool]) -> list[MappedText]:
    """The paragraph itself if it fits, else runs of whole sentences (words as a last resort)."""
    if fits(paragraph):
        return [paragraph]
    pieces: list[MappedText] = []
    for start, end in split_sentences(paragraph.text):
        sentence = _slice(paragraph, start, end)
        if fits(sentence):
            pieces.append(sentence)
            continue
        words = sentence.text.split(" ")
        position = 0
        current: list[str] = []
        for word in words:
            if current and not fits(MappedText(" ".join([*current, word]), ())):
                text = " ".join(current)
                pieces.append(_slice(sentence, position, position + len(text)))
                position += len(text) + 1
                current = []
            current.append(word)
        if current:
            pieces.append(_slice(sentence, position, len(sentence.text)))
    merged: list[MappedText] = []
    for piece in pieces:
        candidate = join([merged[-1], piece]) if merged else piece
        if merged and fits(candidate):
            merged[-1] = candidate
        else:
            merged.append(piece)
    return merged


def _slice(text: MappedText, start: int, end: int) -> MappedText:
    return MappedText(text.text[start:end], text.offsets[start:end])


def _no_pages(offset: int) -> int | None:
    return None


def _sentences(
    parts: list[Part], separator: str, page_at: PageLookup = _no_pages
) -> tuple[Sentence, ...]:
    """Sentences of each part (a paragraph or list item never shares a sentence with the next),
    with chunk offsets counted in the parts joined by `separator`."""
    sentences = []
    position = 0
    for paragraph, (part, list_item) in enumerate(parts):
        for start, end in split_sentences(part.text):
            original_start, original_end = part.original_span(start, end)
            sentences.append(
                Sentence(
                    part.text[start:end],
                    original_start,
                    original_end,
                    position + start,
                    position + end,
                    paragraph,
                    list_item,
                    page_at(original_start),
                )
            )
        position += len(part.text) + len(separator)
    return tuple(sentences)


def chunk_id(doc_id: str, section: tuple[str, ...], text: str, occurrence: int) -> str:
    """A stable content hash: the same passage in the same place always gets the same id."""
    key = "\x1f".join([doc_id, *section, text, str(occurrence)])
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:20]


def chunk_sections(
    source: SourceInfo,
    sections: list[Section],
    original: str,
    config: ChunkingConfig = ChunkingConfig(),
    count_tokens: TokenCounter = whitespace_token_count,
    page_at: PageLookup = _no_pages,
) -> list[Chunk]:
    """Group each section's paragraphs into chunks of at most `config.max_tokens` tokens.

    A recommendation paragraph is always a chunk of its own, so it can be listed and cited alone.
    """
    chunks: list[Chunk] = []
    seen: dict[tuple[tuple[str, ...], str], int] = {}  # (section, text) -> chunks so far
    for section in sections:
        context = " > ".join(section.path[-3:]) or source.title  # as Chunk.embedding_text
        for parts in _section_parts(section, _fits(context, config, count_tokens)):
            if chunk := _chunk(source, section, parts, original, page_at, seen):
                chunks.append(chunk)
    return chunks


def _fits(
    context: str, config: ChunkingConfig, count_tokens: TokenCounter
) -> Callable[[MappedText], bool]:
    """Whether a candidate chunk, embedded under its heading `context`, is within budget."""

    def fits(candidate: MappedText) -> bool:
        text = f"{context}\n{candidate.text}"
        # English runs below ~1.6 word pieces a word: far under the budget, the tokenizer
        # need not be asked (it was a third of the parse time).
        if len(text.split()) * 1.6 + 2 < config.max_tokens * 0.8:
            return True
        return count_tokens(text) <= config.max_tokens

    return fits


def _section_parts(section: Section, fits: Callable[[MappedText], bool]) -> Iterator[list[Part]]:
    """The section's paragraphs (or pieces of them) grouped into chunks that fit, in order; a
    group may be empty (it makes no chunk)."""
    current: list[Part] = []
    for number, paragraph in enumerate(section.paragraphs):
        is_recommendation = tag_section(section.path, paragraph.text).recommendation
        if is_recommendation and current:
            yield current
            current = []
        for unit in _units(paragraph, fits):
            if current and not fits(join([*(p for p, _ in current), unit], "\n\n")):
                # A list's introduction ("The remit is three-fold:") moves on with its
                # items rather than ending a chunk on a colon.
                carried = [current.pop()] if current[-1][0].text.endswith(":") else []
                if current:
                    yield current
                current = carried
            current.append((unit, number in section.list_items))
        if is_recommendation:
            yield current
            current = []
    yield current


def _chunk(
    source: SourceInfo,
    section: Section,
    parts: list[Part],
    original: str,
    page_at: PageLookup,
    seen: dict[tuple[tuple[str, ...], str], int],
) -> Chunk | None:
    """The chunk of `parts` (None when they hold no text); `seen` counts the chunks of the
    same text in the same section, so each gets its own id."""
    parts = [part for part in parts if part[0].text]
    text = join([part for part, _ in parts], "\n\n")
    if not text.text:
        return None
    tags = tag_section(section.path, text.text)
    sentences = _sentences(parts, "\n\n", page_at)
    occurrence = seen.get((section.path, text.text), 0)
    seen[(section.path, text.text)] = occurrence + 1
    return Chunk(
        id=chunk_id(source.doc_id, section.path, text.text, occurrence),
        doc_id=source.doc_id,
        title=source.title,
        author=source.author,
        year=source.year,
        section=section.path,
        text=text.text,
        start=text.offsets[0],
        end=text.offsets[-1] + 1,
        sentences=sentences,
        page=sentences[0].page if sentences else None,
        tags=tags,
        raw=original[text.offsets[0] : text.offsets[-1] + 1],
    )
