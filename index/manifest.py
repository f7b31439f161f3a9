"""The manifest: what the live index version was built from, and each file's record in it.

Its fingerprint (the model and the chunking rules) names the version's Chroma collections, so a
changed setting builds a fresh collection instead of mixing vectors from two models; each file's
hash says whether it needs reading again.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ingest.chunking import ChunkingConfig
from ingest.pipeline import ParsedDocument


def fingerprint(model: str, chunking: ChunkingConfig) -> str:
    """A short hash of every setting that changes the vectors or the chunks."""
    key = json.dumps({"model": model, "chunking": asdict(chunking)}, sort_keys=True)
    return hashlib.sha256(key.encode()).hexdigest()[:12]


@dataclass
class FileEntry:
    sha256: str
    doc_id: str
    title: str
    chunks: int
    # What the library lists. Empty in manifests written before these were recorded: such an
    # entry is read again once (its passages are unchanged, so nothing is embedded again).
    author: str = ""
    year: int | None = None
    format: str = ""  # the file's suffix without the dot: "pdf", "md", ...
    pages: int | None = None  # the last page with indexed text, for paged formats (PDF)
    size: int = 0  # bytes
    added: str = ""  # when this version of the file was indexed (UTC, ISO 8601)


def file_entry(path: Path, document: ParsedDocument) -> FileEntry:
    """The manifest's record of one file just indexed."""
    source = document.source
    pages = [s.page for c in document.chunks for s in c.sentences if s.page is not None]
    pages += [c.page for c in document.chunks if c.page is not None]
    return FileEntry(
        sha256=document.sha256, doc_id=source.doc_id, title=source.title,
        chunks=len(document.chunks), author=source.author, year=source.year,
        format=path.suffix.lower().lstrip("."), pages=max(pages, default=None),
        size=path.stat().st_size, added=datetime.now(UTC).isoformat(timespec="seconds"),
    )  # fmt: skip


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
