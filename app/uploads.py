"""Checking and storing uploaded documents: who may, which files, where they go."""

from __future__ import annotations

import hmac
import re
from pathlib import Path

from ingest.sources import SUPPORTED_SUFFIXES

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
MAX_NAME = 120


class UploadRejected(Exception):
    """The file cannot be accepted; the message says why in plain words."""


def token_matches(entered: str, configured: str) -> bool:
    """Constant-time comparison; no token configured means nobody may upload."""
    if not configured:
        return False
    return hmac.compare_digest(entered.encode("utf-8"), configured.encode("utf-8"))


def safe_name(name: str) -> str:
    """A file name with no folders, no leading dots and only plain characters."""
    base = Path(name.replace("\\", "/")).name
    cleaned = _UNSAFE.sub("-", base).strip(".-") or "document"
    stem, dot, suffix = cleaned.rpartition(".")
    if not dot:
        return cleaned[:MAX_NAME]
    stem = stem.strip(".-") or "document"
    return f"{stem[: MAX_NAME - len(suffix) - 1]}.{suffix.lower()}"


def store_upload(name: str, data: bytes, folder: Path, max_bytes: int) -> Path:
    """Check type and size, then write the file into `folder` (atomically)."""
    target_name = safe_name(name)
    suffix = Path(target_name).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        allowed = ", ".join(SUPPORTED_SUFFIXES)
        raise UploadRejected(f"{name}: only {allowed} files can be added")
    if len(data) > max_bytes:
        raise UploadRejected(f"{name}: larger than the {max_bytes // 1_000_000} MB limit")
    if not data.strip():
        raise UploadRejected(f"{name}: the file is empty")
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / target_name
    partial = folder / f".{target_name}.partial"
    partial.write_bytes(data)
    partial.replace(target)
    return target
