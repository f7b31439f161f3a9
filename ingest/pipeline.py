"""The ingest stage's public entry: files in, chunks out, with a plain reason for every failure."""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

from ingest.chunking import ChunkingConfig, TokenCounter, chunk_sections, whitespace_token_count
from ingest.loaders import LoadedText, load
from ingest.sandbox import ParseLimits, run_limited
from ingest.sources import IngestError, source_info
from ingest.structure import Section, parse_sections
from ingest.types import Chunk, SourceInfo


@dataclass(frozen=True)
class ParsedDocument:
    source: SourceInfo
    sha256: str
    chunks: tuple[Chunk, ...]
    # Seconds spent reading the file into text ("parse") and cutting it into chunks ("chunk").
    seconds: dict[str, float] = field(default_factory=dict, compare=False)


@dataclass
class FileProblem:
    path: Path
    reason: str


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _check_size(path: Path, max_bytes: int | None) -> None:
    size = path.stat().st_size
    if max_bytes is not None and size > max_bytes:
        raise IngestError(f"the file is larger than the {max_bytes / 1e6:g} MB limit")


def load_sections(path: Path) -> tuple[LoadedText, list[Section]]:
    """A file's text and its sections: the work a hostile file can make long (a format's
    parser; comparing many near-identical paragraphs for repeated blurbs), done together in
    the limited child by `parse_document_in_time`."""
    loaded = load(path)
    return loaded, parse_sections(loaded.text, loaded.markup)


def _document(
    path: Path,
    loaded: LoadedText,
    sections: list[Section],
    config: ChunkingConfig,
    count_tokens: TokenCounter,
    started: float,
) -> ParsedDocument:
    """The chunks of a loaded file's sections."""
    source = source_info(path, loaded.text, loaded.title, loaded.author, loaded.year)
    parsed = time.perf_counter()
    original = loaded.original or loaded.text
    chunks = chunk_sections(source, sections, original, config, count_tokens, loaded.page_at)
    if not chunks:
        raise IngestError("no text was found in it")
    seconds = {"parse": parsed - started, "chunk": time.perf_counter() - parsed}
    return ParsedDocument(source, file_sha256(path), tuple(chunks), seconds)


def parse_document(
    path: Path,
    config: ChunkingConfig = ChunkingConfig(),
    count_tokens: TokenCounter = whitespace_token_count,
    max_bytes: int | None = None,
) -> ParsedDocument:
    """Read one file into chunks, in this process and without limits (for files we trust).
    Raises IngestError with a plain reason when it cannot."""
    _check_size(path, max_bytes)
    started = time.perf_counter()
    return _document(path, *load_sections(path), config, count_tokens, started)


def parse_document_in_time(
    path: Path,
    config: ChunkingConfig,
    count_tokens: TokenCounter,
    max_bytes: int | None,
    time_limit_s: float,
    limits: ParseLimits | None = None,
) -> ParsedDocument:
    """parse_document for any file: the format's parser runs in a child process that is
    stopped at `time_limit_s` of wall-clock time or at `limits`' processor time and memory
    (a hostile file can make a parser take gigabytes and hours), and any exception a parser
    library raises becomes an IngestError, so one file can never stop, hang or exhaust a
    whole ingest, and nothing keeps running after the limit.

    The child turns the file into text and sections; chunks are made here, with the caller's
    token counter (the embedder's tokenizer, which does not pickle). `limits`
    defaults to the `GOVASSIST_PARSE_*` settings' defaults; its wall time is `time_limit_s`."""
    _check_size(path, max_bytes)
    started = time.perf_counter()
    limited = replace(limits or ParseLimits(), wall_s=time_limit_s)
    loaded, sections = run_limited(limited, load_sections, path)
    try:
        return _document(path, loaded, sections, config, count_tokens, started)
    except IngestError:
        raise
    except Exception as error:  # one file's text must never stop the whole ingest
        raise IngestError(f"could not be read ({type(error).__name__})") from error
