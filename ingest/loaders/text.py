"""Markdown and plain text in any common encoding. The file's own characters are the text, so
citations point straight into it; front matter and template tags are blanked out in place."""

from __future__ import annotations

import re

import yaml
from charset_normalizer import from_bytes

from ingest.loaders.base import LoadedText
from ingest.sources import IngestError

_FRONT_MATTER = re.compile(
    r"\A[\ufeff ]?---[ \t]*\r?\n(.*?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.S
)
# Jinja-style tags, and the GOV.UK content components' block tags ("{inset-text}").
_TEMPLATE_TAGS = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}|\{/?[a-z][a-z-]*\}", re.S)
_HTML_BLOCK = re.compile(r"<!--.*?-->|<(script|style)\b.*?</\1\s*>", re.S | re.I)


# A UTF-8 file with at most this many (or this share of) bytes that are not UTF-8 is read as
# UTF-8, each bad byte a replacement character: two stray bytes made a whole file read as Mac
# Central European ("meets termly ‚Äì always"), every quote garbled and offsets counted in bytes.
MAX_BAD_UTF8_BYTES = 16
MAX_BAD_UTF8_SHARE = 0.001


def decode(data: bytes) -> str:
    """UTF-8 first (a BOM kept as the file's first character, so offsets count as a plain
    UTF-8 reading of the file does), also with a few stray bytes; otherwise the encoding
    charset-normalizer finds most coherent (Windows-1252, Latin-1, UTF-16 with a BOM, ...)."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    replaced = data.decode("utf-8", errors="replace")
    valid = data.decode("utf-8", "ignore")
    bad = replaced.count("\ufffd") - valid.count("\ufffd")
    # Only a file that shows it is UTF-8 (it has characters UTF-8 writes in several bytes):
    # Windows-1252's "café" is never valid UTF-8, and is read by its own encoding below.
    written_in_utf8 = any(ord(character) > 0x7F for character in valid)
    few = bad <= max(MAX_BAD_UTF8_BYTES, MAX_BAD_UTF8_SHARE * len(data))
    if written_in_utf8 and few and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return replaced
    best = from_bytes(data).best()
    if best is None:
        raise IngestError("the file is binary, not text in a known encoding")
    text = str(best)
    if "\x00" in text:
        raise IngestError("the file is binary, not text in a known encoding")
    return text


def _blank(text: str, start: int, end: int) -> str:
    """Replace text[start:end] with spaces, keeping newlines, so every offset stays put."""
    return text[:start] + re.sub(r"[^\n]", " ", text[start:end]) + text[end:]


def load_text(data: bytes, markdown: bool) -> LoadedText:
    if b"\x00" in data and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise IngestError("the file is binary, not text")
    original = decode(data)
    text = original.replace("\ufeff", " ", 1) if original.startswith("\ufeff") else original
    metadata: dict[str, object] = {}
    if markdown:
        if match := _FRONT_MATTER.match(text):
            try:
                loaded = yaml.safe_load(match.group(1))
                metadata = loaded if isinstance(loaded, dict) else {}
            except yaml.YAMLError:
                metadata = {}
            text = _blank(text, match.start(), match.end())
        for pattern in (_TEMPLATE_TAGS, _HTML_BLOCK):
            for match in reversed(list(pattern.finditer(text))):
                text = _blank(text, match.start(), match.end())
    if not text.strip():
        raise IngestError("no text was found in it")
    year = str(metadata.get("year") or metadata.get("date") or "")[:4]
    return LoadedText(
        text=text,
        title=str(metadata.get("title") or ""),
        author=str(metadata.get("author") or ""),
        year=int(year) if year.isdigit() else None,
        original=original if original != text else "",
    )
