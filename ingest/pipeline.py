"""The ingest stage's public entry: files in, chunks out, with a plain reason for every failure."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from ingest.chunking import ChunkingConfig, TokenCounter, chunk_sections, whitespace_token_count
from ingest.loaders import load
from ingest.sources import IngestError, source_info
from ingest.structure import parse_sections
from ingest.types import Chunk, SourceInfo


@dataclass(frozen=True)
class ParsedDocument:
    source: SourceInfo
    sha256: str
    chunks: tuple[Chunk, ...]


@dataclass
class FileProblem:
    path: Path
    reason: str


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def parse_document(
    path: Path,
    config: ChunkingConfig = ChunkingConfig(),
    count_tokens: TokenCounter = whitespace_token_count,
    max_bytes: int | None = None,
) -> ParsedDocument:
    """Read one file into chunks. Raises IngestError with a plain reason when it cannot."""
    size = path.stat().st_size
    if max_bytes is not None and size > max_bytes:
        raise IngestError(f"the file is larger than the {max_bytes / 1e6:g} MB limit")
    loaded = load(path)
    source = source_info(path, loaded.text, loaded.title, loaded.author, loaded.year)
    sections = parse_sections(loaded.text)
    chunks = chunk_sections(source, sections, loaded.text, config, count_tokens, loaded.page_at)
    if not chunks:
        raise IngestError("no text was found in it")
    return ParsedDocument(source, file_sha256(path), tuple(chunks))
