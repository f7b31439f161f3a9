"""Finding the files to ingest and their bibliographic details."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import yaml

from ingest.errors import GovassistError
from ingest.types import SourceInfo

SUPPORTED_SUFFIXES = (".md", ".markdown", ".txt", ".text", ".pdf", ".docx", ".html", ".htm")
SOURCES_FILE = "sources.yaml"


class IngestError(GovassistError):
    """A problem with one input file, reported by name while the rest are ingested."""


def doc_id_for(path: Path) -> str:
    """A readable, stable id: the file name without its extension, in lower-case slug form."""
    return re.sub(r"[^a-z0-9]+", "-", path.stem.lower()).strip("-") or "document"


def discover(paths: Iterable[Path]) -> tuple[list[Path], list[tuple[Path, str]]]:
    """Expand folders into the files to ingest; return (files, skipped with reasons)."""
    files: list[Path] = []
    skipped: list[tuple[Path, str]] = []
    for path in paths:
        if path.is_dir():
            root = path.resolve()
            for child in sorted(path.rglob("*")):
                if child.is_symlink() and (reason := _link_problem(child, root)):
                    skipped.append((child, reason))
                    continue
                if not child.is_file() or child.name == SOURCES_FILE or child.name.startswith("."):
                    continue
                if child.suffix.lower() in SUPPORTED_SUFFIXES:
                    files.append(child)
                else:
                    skipped.append((child, f"unsupported file type '{child.suffix or 'none'}'"))
        elif path.is_file():
            if path.suffix.lower() in SUPPORTED_SUFFIXES:
                files.append(path)
            else:
                skipped.append((path, f"unsupported file type '{path.suffix or 'none'}'"))
        else:
            skipped.append((path, "no such file or folder"))
    return files, skipped


def _link_problem(link: Path, root: Path) -> str | None:
    """Why a link found in a folder is not read, or None for a link to a file in that folder:
    a link to anywhere else would put that file (a system's password list) in the library."""
    if not link.exists():
        return "a link to nothing"
    if link.is_dir():
        return "a link to a folder (not followed)"
    if not link.resolve().is_relative_to(root):
        return "a link to a file outside the folder"
    return None


def _sidecar_entries(folder: Path) -> dict[str, dict[str, object]]:
    sidecar = folder / SOURCES_FILE
    if not sidecar.is_file():
        return {}
    try:
        entries = yaml.safe_load(sidecar.read_text(encoding="utf-8")) or []
    except yaml.YAMLError as error:
        raise IngestError(f"{sidecar}: not valid YAML ({error})") from error
    return {str(e["file"]): e for e in entries if isinstance(e, dict) and "file" in e}


def _title_from_text(text: str) -> str:
    for line in text.splitlines():
        if match := re.match(r"^#{1,6}\s+(.+)$", line):
            return re.sub(r"[*_]", "", match.group(1)).strip()
    for line in text.splitlines():
        if line.strip():
            return re.sub(r"[*_#]", "", line).strip()[:120]
    return ""


def source_info(
    path: Path, text: str, title: str = "", author: str = "", year: int | None = None
) -> SourceInfo:
    """Bibliographic details: `sources.yaml` beside the file wins, then what the file says of
    itself (`title`, `author`, `year`: PDF or DOCX properties, front matter), then its first
    heading."""
    entry = _sidecar_entries(path.parent).get(path.name, {})
    listed_year = entry.get("year")
    return SourceInfo(
        doc_id=doc_id_for(path),
        path=str(path),
        title=str(entry.get("title") or title or _title_from_text(text) or path.stem),
        author=str(entry.get("author") or author or ""),
        publisher=str(entry.get("publisher") or ""),
        year=int(listed_year)
        if isinstance(listed_year, int | str) and str(listed_year).isdigit()
        else year,
        citation=str(entry.get("citation") or ""),
    )
