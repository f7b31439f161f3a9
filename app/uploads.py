"""Checking and storing uploaded documents: who may, which files, where they go."""

from __future__ import annotations

import hashlib
import hmac
import re
from pathlib import Path

from anyascii import anyascii

from ingest.errors import GovassistError
from ingest.sources import SUPPORTED_SUFFIXES

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
MAX_NAME = 120


class UploadRejected(GovassistError):
    """The file cannot be accepted; the message says why in plain words."""


def token_matches(entered: str, configured: str) -> bool:
    """Constant-time comparison; no token configured means nobody may upload. Spaces around
    either are not part of it (a token pasted with a trailing space, or set so in `.env`)."""
    entered, configured = entered.strip(), configured.strip()
    if not configured:
        return False
    return hmac.compare_digest(entered.encode("utf-8"), configured.encode("utf-8"))


def upload_limit_bytes(megabytes: float) -> int:
    """The per-file limit in bytes, in Streamlit's megabytes (1024 x 1024), so the app's check
    and Streamlit's `server.maxUploadSize` are one limit."""
    return int(megabytes * 1024 * 1024)


def safe_name(name: str) -> str:
    """A file name with no folders, no leading dots and only plain characters.

    Letters in other scripts are transliterated ("校务.pdf" -> "XiaoWu.pdf"); a stem with
    nothing left becomes "document-" and a hash of the original, so distinct names stay distinct.
    """
    base = Path(name.replace("\\", "/")).name
    stem, dot, suffix = base.rpartition(".")
    if not dot:
        stem, suffix = base, ""
    suffix = _UNSAFE.sub("", anyascii(suffix)).lower()
    cleaned = _UNSAFE.sub("-", anyascii(stem)).strip(".-")
    if not cleaned:
        digest = hashlib.sha256(stem.encode("utf-8")).hexdigest()[:10]
        cleaned = f"document-{digest}" if stem.strip(". ") else "document"
    if not suffix:
        return cleaned[:MAX_NAME]
    return f"{cleaned[: MAX_NAME - len(suffix) - 1]}.{suffix}"


def store_upload(name: str, data: bytes, folder: Path, max_bytes: int) -> Path:
    """Check type and size, then write the file into `folder` (atomically).

    A different file already stored under the same name is never replaced: this one is saved
    as "name-2.md" (or -3, ...); see `saved_message`. The same bytes again are not stored twice.
    """
    target_name = safe_name(name)
    suffix = Path(target_name).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        allowed = ", ".join(SUPPORTED_SUFFIXES)
        raise UploadRejected(f"{name}: only {allowed} files can be added")
    if len(data) > max_bytes:
        raise UploadRejected(f"{name}: larger than the {max_bytes / 1024 / 1024:g} MB limit")
    if not data.strip():
        raise UploadRejected(f"{name}: the file is empty")
    folder.mkdir(parents=True, exist_ok=True)
    stem = Path(target_name).stem
    target = folder / target_name
    number = 1
    while target.exists():
        if target.is_file() and target.read_bytes() == data:
            return target
        number += 1
        target = folder / f"{stem}-{number}{suffix}"
    partial = folder / f".{target.name}.partial"
    partial.write_bytes(data)
    partial.replace(target)
    return target


def saved_message(name: str, path: Path) -> str:
    """What to tell the person who uploaded `name`, now stored at `path`."""
    wanted = safe_name(name)
    if path.name == wanted:
        return f"Saved {name} as {path.name}." if wanted != name else f"Saved {name}."
    return (
        f"Saved {name} as {path.name}: a different file named {wanted} is already stored, "
        "and it was kept, so the library now holds both. If this is a new version of that "
        "document, remove this one and use Replace on the Library page: the document keeps "
        "its id, and answers stop quoting the old version."
    )
