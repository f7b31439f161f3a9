"""Keeping the index in step with the files: embed only what is new, drop what is gone.

The manifest records what shaped the index (model, chunking rules) and each file's hash. Its
fingerprint names the Chroma collection, so a changed setting builds a fresh collection instead
of mixing vectors from two models; an unchanged file is not even parsed again.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from index.embedder import Embedder
from index.store import Store
from ingest.chunking import ChunkingConfig
from ingest.pipeline import FileProblem, file_sha256, parse_document
from ingest.sources import IngestError, discover
from ingest.types import Chunk

EMBED_BATCH = 256  # chunks per progress step; the embedder batches further inside
ProgressCallback = Callable[[int, int, str], None]  # (done, total, what)


def fingerprint(model: str, chunking: ChunkingConfig) -> str:
    """A short hash of every setting that changes the vectors or the chunks."""
    key = json.dumps({"model": model, "chunking": asdict(chunking)}, sort_keys=True)
    return hashlib.sha256(key.encode()).hexdigest()[:12]


def collection_name(model: str, chunking: ChunkingConfig) -> str:
    return f"govassist-{fingerprint(model, chunking)}"


@dataclass
class FileEntry:
    sha256: str
    doc_id: str
    title: str
    chunks: int


@dataclass
class Manifest:
    fingerprint: str
    model: str
    chunking: dict[str, Any]
    collection: str
    files: dict[str, FileEntry] = field(default_factory=dict)
    built_at: str = ""

    @classmethod
    def load(cls, path: Path) -> Manifest | None:
        if not path.is_file():
            return None
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            files = {k: FileEntry(**v) for k, v in data.pop("files", {}).items()}
            return cls(files=files, **data)
        except (ValueError, TypeError, KeyError):
            return None  # a damaged manifest means: rebuild from the files

    def save(self, path: Path) -> None:
        """Write atomically: a crash leaves the old manifest or the new one, never half of one."""
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(asdict(self), indent=2, sort_keys=True), encoding="utf-8")
        os.replace(tmp, path)


@dataclass
class SyncReport:
    """What one ingest did, for the CLI to print and the tests to check."""

    files_seen: int = 0
    files_unchanged: int = 0
    files_updated: list[str] = field(default_factory=list)
    files_removed: list[str] = field(default_factory=list)
    chunks_embedded: int = 0
    chunks_kept: int = 0
    chunks_deleted: int = 0
    problems: list[FileProblem] = field(default_factory=list)
    total_chunks: int = 0


def _embed_in_steps(
    embedder: Embedder, chunks: list[Chunk], on_progress: ProgressCallback | None, label: str
) -> Any:
    import numpy as np

    parts = []
    for begin in range(0, len(chunks), EMBED_BATCH):
        batch = chunks[begin : begin + EMBED_BATCH]
        parts.append(embedder.embed([c.embedding_text for c in batch]))
        if on_progress:
            on_progress(begin + len(batch), len(chunks), label)
    return np.concatenate(parts) if parts else np.zeros((0, 0), dtype=np.float32)


def sync(
    paths: list[Path],
    store: Store,
    embedder: Embedder,
    manifest_path: Path,
    chunking: ChunkingConfig = ChunkingConfig(),
    on_progress: ProgressCallback | None = None,
    max_bytes: int | None = None,
) -> SyncReport:
    """Bring the store in line with the files under `paths`.

    Unchanged files are skipped; a changed file's new chunks are embedded, its unchanged chunks
    kept (their offsets refreshed) and its vanished chunks deleted; files that disappeared from a
    scanned folder are removed. A file that cannot be read is reported and its old chunks stay.
    """
    report = SyncReport()
    key = fingerprint(embedder.name, chunking)
    manifest = Manifest.load(manifest_path)
    if manifest is None or manifest.fingerprint != key:
        manifest = Manifest(
            fingerprint=key,
            model=embedder.name,
            chunking=asdict(chunking),
            collection=collection_name(embedder.name, chunking),
        )
    files, skipped = discover(paths)
    report.problems.extend(FileProblem(p, reason) for p, reason in skipped)
    report.files_seen = len(files)
    doc_owner = {entry.doc_id: name for name, entry in manifest.files.items()}

    for number, path in enumerate(files, start=1):
        name = str(path.resolve())
        try:
            sha = file_sha256(path)
        except OSError as error:
            report.problems.append(FileProblem(path, f"could not be read ({error.strerror})"))
            continue
        entry = manifest.files.get(name)
        if entry and entry.sha256 == sha and store.ids(entry.doc_id):
            report.files_unchanged += 1
            report.chunks_kept += entry.chunks
            continue
        try:
            document = parse_document(path, chunking, embedder.count_tokens, max_bytes)
        except IngestError as error:
            report.problems.append(FileProblem(path, str(error)))
            continue
        except Exception as error:  # a loader's library failing on a hostile file
            reason = f"could not be read ({type(error).__name__})"
            report.problems.append(FileProblem(path, reason))
            continue
        doc_id = document.source.doc_id
        if doc_owner.get(doc_id, name) != name:
            report.problems.append(
                FileProblem(path, f"another file ({doc_owner[doc_id]}) already has id '{doc_id}'")
            )
            continue
        existing = store.ids(doc_id)
        new = [c for c in document.chunks if c.id not in existing]
        kept = [c for c in document.chunks if c.id in existing]
        stale = existing - {c.id for c in document.chunks}
        vectors = _embed_in_steps(
            embedder, new, on_progress, f"{path.name} ({number}/{len(files)})"
        )
        if new:
            store.add(new, vectors)
        if kept:
            store.update(kept)
        store.delete(stale)
        report.files_updated.append(str(path))
        report.chunks_embedded += len(new)
        report.chunks_kept += len(kept)
        report.chunks_deleted += len(stale)
        manifest.files[name] = FileEntry(sha, doc_id, document.source.title, len(document.chunks))
        doc_owner[doc_id] = name

    scanned_folders = [p.resolve() for p in paths if p.is_dir()]
    present = {str(p.resolve()) for p in files}
    for name in list(manifest.files):
        missing = name not in present and not Path(name).exists()
        under_scan = any(Path(name).is_relative_to(folder) for folder in scanned_folders)
        if missing and (under_scan or Path(name) in [p.resolve() for p in paths]):
            entry = manifest.files.pop(name)
            ids = store.ids(entry.doc_id)
            store.delete(ids)
            report.files_removed.append(name)
            report.chunks_deleted += len(ids)

    manifest.built_at = datetime.now(UTC).isoformat(timespec="seconds")
    manifest.save(manifest_path)
    report.total_chunks = store.count()
    return report
