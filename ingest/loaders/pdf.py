"""PDF, with page numbers, via pdfplumber (MIT; pdfminer.six underneath).

Chosen over pypdf because it reports each character's font size and position: headings are the
lines set larger than the body text, and running headers and footers are the lines that recur
at the top or bottom of most pages. PyMuPDF is faster but AGPL.
"""

from __future__ import annotations

import io
import re
import statistics
import unicodedata
from collections import Counter
from typing import Any

import pdfplumber

from ingest.loaders.base import LoadedText, blocks_to_text
from ingest.sources import IngestError

HEADING_SIZE_RATIO = 1.15  # a line at least this much larger than body text is a heading
MAX_HEADING_WORDS = 14
RUNNING_SHARE = 0.5  # a top/bottom line on at least half the pages is a running header/footer
PARAGRAPH_GAP = 0.7  # a vertical gap over this many line heights starts a new paragraph
_PAGE_NUMBER = re.compile(r"^\W*(?:page\s+)?\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?\W*$", re.I)
# A footnote number glued to the end of a word ("governance.3 The") is set apart from it.
_GLUED_FOOTNOTE = re.compile(r"(?<=[a-z])(\d{1,2})(?=\s|$)|(?<=[a-z][.,;:)])(\d{1,2})(?=\s|$)")


def _normalise(text: str) -> str:
    """NFKC turns ligatures ("ﬁ") and compatibility forms into plain letters."""
    text = unicodedata.normalize("NFKC", text)
    return _GLUED_FOOTNOTE.sub(lambda m: " " + (m.group(1) or m.group(2)), text)


def _shape(text: str) -> str:
    """A line with its digits masked: "Page 3 of 9" and "Page 4 of 9" look alike."""
    return re.sub(r"\d+", "#", text.strip().lower())


def _lines(page: Any) -> list[dict[str, Any]]:
    lines = []
    for line in page.extract_text_lines(return_chars=True, strip=True):
        sizes = [c["size"] for c in line["chars"] if c["text"].strip()]
        if not sizes or not line["text"].strip():
            continue
        bold = sum("bold" in str(c.get("fontname", "")).lower() for c in line["chars"])
        lines.append(
            {
                "text": _normalise(line["text"]).strip(),
                "size": round(statistics.median(sizes), 1),
                "bold": bold >= 0.8 * len(line["chars"]),
                "top": line["top"],
                "bottom": line["bottom"],
            }
        )
    return lines


def _reason(error: Exception, what: str) -> IngestError:
    """A plain reason for pdfminer's many exceptions (often wrapped in pdfplumber's)."""
    names = [type(error).__name__] + [
        type(a).__name__ for a in error.args if isinstance(a, Exception)
    ]
    if any("Password" in n or "Encrypt" in n for n in names):
        return IngestError("the PDF is encrypted (password protected)")
    return IngestError(f"{what} ({names[-1]})")


def _flush(blocks: list[tuple[int, str]], page: int, paragraph: list[str]) -> None:
    """End the paragraph being collected: its lines joined, words split at line ends rejoined."""
    if paragraph:
        text = " ".join(paragraph)
        blocks.append((page, re.sub(r"(\w)- (\w)", r"\1\2", text)))
        paragraph.clear()


def load_pdf(data: bytes) -> LoadedText:
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except Exception as error:  # pdfminer raises many types for a damaged file
        raise _reason(error, "not a readable PDF") from error
    try:
        pages = [_lines(page) for page in pdf.pages]
        info = pdf.metadata or {}
    except Exception as error:
        raise _reason(error, "the PDF is damaged or truncated") from error
    finally:
        pdf.close()
    if not any(pages):
        raise IngestError("no text was found in the PDF (a scanned PDF needs OCR first)")

    # Running headers and footers: the same first or last line on most pages.
    edge_counts: Counter[str] = Counter()
    for lines in pages:
        for line in {id(x): x for x in (lines[:1] + lines[-1:])}.values():
            edge_counts[_shape(line["text"])] += 1
    threshold = max(2, RUNNING_SHARE * len(pages))
    running = {shape for shape, count in edge_counts.items() if count >= threshold}

    def noise(lines: list[dict[str, Any]], index: int) -> bool:
        """A page number, or a running header or footer (only at a page's top or bottom)."""
        text = lines[index]["text"]
        at_edge = index in (0, len(lines) - 1)
        return bool(_PAGE_NUMBER.match(text)) or (at_edge and _shape(text) in running)

    # Body text is the size most characters are set in, headers and footers aside.
    body_sizes: Counter[float] = Counter()
    for lines in pages:
        for index, line in enumerate(lines):
            if not noise(lines, index):
                body_sizes[line["size"]] += len(line["text"])
    if not body_sizes:
        raise IngestError("no text was found in the PDF beyond page headers and footers")
    body = body_sizes.most_common(1)[0][0]
    heading_sizes = sorted(
        {line["size"] for lines in pages for line in lines
         if line["size"] >= body * HEADING_SIZE_RATIO},
        reverse=True,
    )  # fmt: skip
    level_of = {size: min(i + 1, 6) for i, size in enumerate(heading_sizes)}

    blocks: list[tuple[int, str]] = []
    for number, lines in enumerate(pages, start=1):
        paragraph: list[str] = []
        previous: dict[str, Any] | None = None

        for index, line in enumerate(lines):
            if noise(lines, index):
                continue
            words = len(line["text"].split())
            if line["size"] in level_of and words <= MAX_HEADING_WORDS:
                _flush(blocks, number, paragraph)
                blocks.append((number, "#" * level_of[line["size"]] + " " + line["text"]))
                previous = None
                continue
            if previous is not None:
                height = max(previous["bottom"] - previous["top"], 1.0)
                if line["top"] - previous["bottom"] > PARAGRAPH_GAP * height:
                    _flush(blocks, number, paragraph)
            if line["text"].startswith(("•", "- ", "– ")):
                _flush(blocks, number, paragraph)
            paragraph.append(line["text"])
            previous = line
        _flush(blocks, number, paragraph)
    text, page_starts = blocks_to_text(blocks)
    created = str(info.get("CreationDate", ""))
    year = created[2:6] if created.startswith("D:") else ""
    return LoadedText(
        text=text,
        page_starts=page_starts,
        title=str(info.get("Title") or "").strip(),
        author=str(info.get("Author") or "").strip(),
        year=int(year) if year.isdigit() else None,
    )
