"""Loaders: one file in, `LoadedText` out, whatever the format.

Every loader turns its format into the same plain shape the section parser reads: `#` headings,
blank lines between paragraphs, "- " list items, tables as "Label: value" lines. For Markdown
and text that shape is the file itself (front matter and template tags blanked out, offsets
kept); for PDF, DOCX and HTML it is text extracted by a maintained library, and citations'
offsets point into it.
"""

from __future__ import annotations

from pathlib import Path

from ingest.loaders.base import LoadedText
from ingest.sources import IngestError


def load(path: Path) -> LoadedText:
    """Read one file with the loader for its type; IngestError says why when it cannot."""
    suffix = path.suffix.lower()
    data = path.read_bytes()
    if not data.strip():
        raise IngestError("the file is empty")
    if suffix == ".pdf":
        from ingest.loaders.pdf import load_pdf

        return load_pdf(data)
    if suffix == ".docx":
        from ingest.loaders.docx import load_docx

        return load_docx(data)
    if suffix in (".html", ".htm"):
        from ingest.loaders.html import load_html

        return load_html(data)
    if suffix in (".md", ".markdown", ".txt", ".text"):
        from ingest.loaders.text import load_text

        return load_text(data, markdown=suffix in (".md", ".markdown"))
    raise IngestError(f"unsupported file type '{suffix or 'none'}'")


__all__ = ["LoadedText", "load"]
