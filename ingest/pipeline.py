"""The ingest stage's public entry: files in, chunks out, with a plain reason for every failure."""

from __future__ import annotations

import hashlib
import threading
import time
from dataclasses import dataclass, field
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
    # Seconds spent reading the file into text ("parse") and cutting it into chunks ("chunk").
    seconds: dict[str, float] = field(default_factory=dict, compare=False)


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
    started = time.perf_counter()
    loaded = load(path)
    source = source_info(path, loaded.text, loaded.title, loaded.author, loaded.year)
    sections = parse_sections(loaded.text)
    parsed = time.perf_counter()
    chunks = chunk_sections(source, sections, loaded.text, config, count_tokens, loaded.page_at)
    if not chunks:
        raise IngestError("no text was found in it")
    seconds = {"parse": parsed - started, "chunk": time.perf_counter() - parsed}
    return ParsedDocument(source, file_sha256(path), tuple(chunks), seconds)


def parse_document_in_time(
    path: Path,
    config: ChunkingConfig,
    count_tokens: TokenCounter,
    max_bytes: int | None,
    time_limit_s: float,
) -> ParsedDocument:
    """parse_document, but a file that takes longer than `time_limit_s` (a hostile PDF can make
    a parser loop for hours) is given up with an IngestError, and so is any exception a loader's
    library raises, so one file can never stop or hang a whole ingest.

    The parse runs on a daemon thread: a thread cannot be killed, so a runaway parse keeps a
    core busy until it ends or the process exits, but the ingest moves on at once."""
    outcome: list[ParsedDocument | BaseException] = []

    def work() -> None:
        try:
            outcome.append(parse_document(path, config, count_tokens, max_bytes))
        except BaseException as error:  # handed to the caller below
            outcome.append(error)

    worker = threading.Thread(target=work, name=f"parse {path.name}", daemon=True)
    worker.start()
    worker.join(time_limit_s)
    if not outcome:
        raise IngestError(f"reading it took longer than {time_limit_s:g} s, so it was skipped")
    result = outcome[0]
    if isinstance(result, IngestError):
        raise result
    if isinstance(result, BaseException):
        raise IngestError(f"could not be read ({type(result).__name__})") from result
    return result
