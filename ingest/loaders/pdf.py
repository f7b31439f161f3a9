"""PDF, with page numbers: the file checked with pdfminer (via pdfplumber, MIT), its text and
character boxes read with pdfium (pypdfium2, Apache-2.0/BSD).

pdfium reads the 55-page EYFS framework's text and every character's box in ~1.5 s, where
pdfplumber's layout analysis took 43 s. The boxes give what the layout needs
(`ingest.loaders.pdf_layout`): a line's size (headings are set larger than the body, footnotes
smaller), footnote markers (digits set smaller than their line, left out of the text) and
positions (running headers and footers recur at a page's top or bottom). The outline
(bookmarks), when there is one, gives the headings. PyMuPDF is as fast but AGPL.
"""

from __future__ import annotations

import ctypes
import dataclasses
import io
import re
import statistics
import unicodedata
from collections import Counter
from typing import Any

import pdfplumber
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from pdfminer.pdftypes import PDFObjRef, PDFStream, resolve1

from ingest.loaders.base import LoadedText, author_name
from ingest.loaders.pdf_layout import (
    BROKEN_WORD,
    Line,
    OutlineEntry,
    lay_out,
    median_size,
    rejoin_broken_words,
)
from ingest.sources import IngestError

SUPERSCRIPT_RATIO = 0.8  # digits set below this share of their line's size are a footnote marker
RAISED_RATIO = 0.86  # ... and digits below this share raised by RAISED_BY of it above the line
RAISED_BY = 0.15
MARKER_DIGITS = 3  # a footnote marker pdfium sets apart as a piece of line: "5", "12"
# A drawn list bullet: a shape at most this many points across, at most BULLET_GAP type sizes
# before its line's text; a page with more such shapes than MAX_BULLETS is a drawing.
MAX_BULLET = 8.0
BULLET_GAP = 2.0
MAX_BULLETS = 500
# A small digit right after a unit of a measure ("2.5m2", "3.5 m2") is its power, not a note.
_UNIT_BEFORE = re.compile(r"\d\s?(?:m|cm|mm|km|ft)$")
BOLD_WEIGHT = 600
# Structural limits, checked before any text is rendered. Each draw of a Form XObject renders
# its content again, so forms nested 9 deep, each drawn 10 times, render 10**9 times from a
# 3 KB file (9 GB and still going after 120 s). Real documents draw forms (logos, page
# furniture) a few times a page, nested two or three deep; the dev documents' three PDFs
# (72 pages) draw none.
MAX_FORM_DRAWS = 100_000
MAX_FORM_DEPTH = 12
# pdfminer keeps every parsed object in memory; the largest dev document (0.7 MB, 55 pages)
# has 3,025, so even a 50 MB PDF should hold well under a million.
MAX_OBJECTS = 2_000_000
_DRAW = re.compile(rb"/([^\s/\[\]()<>{}%]+)\s*Do\b")
_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
# Characters pdfium reports that are not text: a hyphen it marks at a line end, controls.
_ODD = {"\ufffe": "-", "\x02": "-", "\x00": "", "\ufeff": ""}
# pdfium runs a line that ends in a hyphen on into the next, the hyphen marked: "func\ufffetion".
# The mark is kept as a soft hyphen until the whole document is read (`rejoin_broken_words`).
_WORD_START = re.compile(r"(?<!\S)\S")
_LINE_END_HYPHEN = re.compile(r"([A-Za-z])[\ufffe\x02]([A-Za-z])")


def _reason(error: Exception, what: str) -> IngestError:
    """A plain reason for pdfminer's many exceptions (often wrapped in pdfplumber's)."""
    names = [type(error).__name__] + [
        type(a).__name__ for a in error.args if isinstance(a, Exception)
    ]
    if any("Password" in n or "Encrypt" in n for n in names):
        return IngestError("the PDF is encrypted (password protected)")
    return IngestError(f"{what} ({names[-1]})")


def _forms(resources: Any, inherited: dict[str, tuple[int, PDFStream]]) -> dict[str, Any]:
    """The Form XObjects a content stream can draw, by name: (object id, stream)."""
    resources = resolve1(resources)
    if not isinstance(resources, dict):
        return inherited  # a form without resources uses its parent's, as pdfminer does
    xobjects = resolve1(resources.get("XObject"))
    forms: dict[str, Any] = {}
    for name, ref in (xobjects if isinstance(xobjects, dict) else {}).items():
        stream = resolve1(ref)
        subtype = (
            getattr(resolve1(stream.get("Subtype")), "name", None)
            if isinstance(stream, PDFStream)
            else None
        )
        if subtype == "Form":
            forms[str(name)] = (ref.objid if isinstance(ref, PDFObjRef) else id(stream), stream)
    return forms


def _draws(content: bytes) -> Counter[str]:
    """How many times a content stream draws each XObject name ("/Fm0 Do")."""
    names = (_NAME_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), m.group(1))
             for m in _DRAW.finditer(content))  # fmt: skip
    return Counter(n.decode("latin-1") for n in names)


def check_structure(pdf: Any) -> int:
    """Refuse a PDF with absurdly many objects, or whose Form XObjects are nested absurdly
    deep, draw themselves, or would be rendered absurdly many times in all; return how many
    times its forms are rendered."""
    objects = sum(len(list(xref.get_objids())) for xref in pdf.doc.xrefs)
    if objects > MAX_OBJECTS:
        raise IngestError(f"the PDF has {objects:,} objects, more than the {MAX_OBJECTS:,} allowed")
    renders_of: dict[int, int] = {}  # form object id -> renders one draw of it causes

    def renders(content: bytes, forms: dict[str, Any], depth: int, drawing: frozenset[int]) -> int:
        total = 0
        for name, times in _draws(content).items():
            if name not in forms:
                continue  # an image, or a name the page does not define
            objid, stream = forms[name]
            if objid in drawing:
                raise IngestError("the PDF has a Form XObject that draws itself")
            if objid not in renders_of:
                if depth + 1 > MAX_FORM_DEPTH:
                    raise IngestError(
                        f"the PDF nests Form XObjects more than {MAX_FORM_DEPTH} deep"
                    )
                inner = _forms(stream.get("Resources"), forms)
                renders_of[objid] = renders(stream.get_data(), inner, depth + 1, drawing | {objid})
            total += times * (1 + renders_of[objid])
            if total > MAX_FORM_DRAWS:
                break
        return total

    total = 0
    for page in pdf.pages:
        contents = b"\n".join(
            resolve1(s).get_data()
            for s in page.page_obj.contents
            if isinstance(resolve1(s), PDFStream)
        )
        total += renders(contents, _forms(page.page_obj.resources, {}), 0, frozenset())
        if total > MAX_FORM_DRAWS:
            raise IngestError(
                f"the PDF draws its Form XObjects more than {MAX_FORM_DRAWS:,} times "
                f"(by page {page.page_number}), nested to render them over and over"
            )
    return total


def _page_lines(textpage: Any) -> list[Line]:
    """A page's lines, from pdfium's text (lines end in CRLF) and each character's box."""
    text = textpage.get_text_range()
    count = textpage.count_chars()
    raw = textpage.raw
    rect = pdfium_c.FS_RECTF()
    lines: list[Line] = []
    start = 0
    for body in text.split("\r\n"):
        end = start + len(body)
        if body.strip() and end <= count:
            lines.extend(_line(raw, rect, body, start))
        start = end + 2
    return _printed_lines(lines)


def _printed_lines(lines: list[Line]) -> list[Line]:
    """pdfium's lines put back together where it cut one printed line in two at a footnote
    marker ("... its supplemental agreements" / "5" / "for each academy ..."): the next piece
    starts where the last ended, on the same baseline. A piece that is only a number set
    smaller and raised between them is the marker, and is left out."""
    joined: list[Line] = []
    for line in lines:
        before = joined[-1] if joined else None
        if before is None or not _goes_on(before, line):
            joined.append(line)
        elif not _marker(before, line):
            joined[-1] = dataclasses.replace(
                before,
                text=f"{before.text} {line.text}",
                top=max(before.top, line.top),
                bottom=min(before.bottom, line.bottom),
                bold=before.bold and line.bold,
                right=line.right,
            )
    return joined


def _drawn_bullets(page: Any) -> list[tuple[float, float, float, float]]:
    """The boxes (left, bottom, right, top) of the small square-ish shapes drawn on a page: a
    browser prints a list's discs as shapes, not as "•" in the text."""
    found = []
    for shape in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH], max_depth=2):
        left, bottom, right, top = shape.get_bounds()
        width, height = right - left, top - bottom
        if 0 < width <= MAX_BULLET and 0 < height <= MAX_BULLET and 0.5 <= width / height <= 2:
            found.append((left, bottom, right, top))
            if len(found) > MAX_BULLETS:
                return []  # a drawing, not a list
    return found


def _with_drawn_bullets(
    lines: list[Line], bullets: list[tuple[float, float, float, float]]
) -> list[Line]:
    """Each line with a drawn bullet just before it, on its height, as an item ("• text"),
    starting where its bullet does."""
    if not bullets:
        return lines
    marked = []
    for line in lines:
        bullet = next(
            (
                box
                for box in bullets
                if box[2] <= line.left + 1
                and line.left - box[2] <= BULLET_GAP * line.size
                and line.bottom <= (box[1] + box[3]) / 2 <= line.top
            ),
            None,
        )
        marked.append(
            dataclasses.replace(line, text=f"• {line.text}", left=bullet[0]) if bullet else line
        )
    return marked


def _goes_on(before: Line, line: Line) -> bool:
    """Whether `line` carries on `before` across the page: it starts where `before` ends, on
    the same baseline (never on a turned page, whose lines run down it, each as tall as long)."""
    height = before.top - before.bottom
    return (
        height <= 2 * before.size
        and line.left >= before.right - 1
        and abs(line.bottom - before.bottom) < 0.5 * height
    )


def _marker(before: Line, line: Line) -> bool:
    height = before.top - before.bottom
    return (
        line.text.isdigit()
        and len(line.text) <= MARKER_DIGITS
        and line.size < before.size
        and line.bottom > before.bottom + RAISED_BY * height
    )


def _line(raw: Any, rect: Any, body: str, start: int) -> list[Line]:
    heights: list[float] = []
    tops: list[float] = []
    bottoms: list[float] = []
    lefts: list[float] = []
    rights: list[float] = []
    lows: list[float] = []  # each character's bottom
    for k in range(start, start + len(body)):
        pdfium_c.FPDFText_GetLooseCharBox(raw, k, ctypes.byref(rect))
        heights.append(rect.top - rect.bottom)
        lows.append(rect.bottom)
        if body[k - start].strip():
            tops.append(rect.top)
            bottoms.append(rect.bottom)
            lefts.append(rect.left)
            rights.append(rect.right)
    visible = [h for h, ch in zip(heights, body, strict=True) if ch.strip()]
    if not visible:
        return []
    size = median_size(visible)
    baseline = statistics.median(bottoms)
    small = [
        ch.isdigit()
        and (
            h < SUPERSCRIPT_RATIO * size
            # A browser prints a superscript at 83% of its line, raised: a number merely set
            # a little smaller ("14 March" at 10 pt in a 12 pt line) is on the line and stays.
            or (h < RAISED_RATIO * size and low > baseline + RAISED_BY * size)
        )
        and not _UNIT_BEFORE.search(body[:i])
        for i, (ch, h, low) in enumerate(zip(body, heights, lows, strict=True))
    ]
    kept = "".join(ch for ch, is_small in zip(body, small, strict=True) if not is_small)
    first = next(i for i, ch in enumerate(body) if ch.strip())
    kept = _LINE_END_HYPHEN.sub(rf"\1{BROKEN_WORD}\2", kept)
    text = unicodedata.normalize("NFKC", "".join(_ODD.get(ch, ch) for ch in kept))
    text = re.sub(r"\s+", " ", text).strip()
    text = re.sub(r"\s+([,.;:)])", r"\1", text) if any(small) else text
    if not text:
        return []
    return [
        Line(
            text=text,
            size=size,
            top=max(tops),
            bottom=min(bottoms),
            # Bold in every word: a line that only opens with a bold label ("A regulatory
            # role: making recommendations ...") is text, not a heading; nor is one that
            # opens and ends with a bold term, plain between them.
            bold=all(_bold(raw, start + m.start()) for m in _WORD_START.finditer(body)),
            marked=small[first],
            left=min(lefts),
            right=max(rights),
        )
    ]


def _bold(raw: Any, index: int) -> bool:
    if pdfium_c.FPDFText_GetFontWeight(raw, index) >= BOLD_WEIGHT:
        return True
    name = ctypes.create_string_buffer(128)
    flags = ctypes.c_int()
    pdfium_c.FPDFText_GetFontInfo(raw, index, name, 128, ctypes.byref(flags))
    return b"bold" in name.value.lower()


def _outline(document: Any) -> list[OutlineEntry]:
    entries = []
    for bookmark in document.get_toc():
        dest = bookmark.get_dest()
        index = dest.get_index() if dest is not None else None
        title = re.sub(r"\s+", " ", bookmark.get_title() or "").strip()
        if index is not None and title:
            entries.append(OutlineEntry(bookmark.level + 1, title, index + 1))
    return entries


def _metadata_title(title: str) -> str:
    """The properties' title, unless it is a file name or layout debris ("SCHEDULE 2    Reg")."""
    if re.search(r"\S\s{3,}\S", title) or re.search(r"\.(docx?|pdf|indd|pptx?)$", title, re.I):
        return ""
    title = re.sub(r"^Microsoft Word - ", "", title.strip())
    return title if len(title.split()) >= 2 else ""


def _read_pdfium(data: bytes) -> tuple[list[list[Line]], list[OutlineEntry], dict[str, str]]:
    document = pdfium.PdfDocument(data)
    try:
        pages = []
        for index in range(len(document)):
            page = document[index]
            textpage = page.get_textpage()
            try:
                pages.append(_with_drawn_bullets(_page_lines(textpage), _drawn_bullets(page)))
            finally:
                textpage.close()
                page.close()
        return pages, _outline(document), document.get_metadata_dict()
    finally:
        document.close()


def load_pdf(data: bytes) -> LoadedText:
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except MemoryError:
        raise  # the sandbox names the memory limit
    except Exception as error:  # pdfminer raises many types for a damaged file
        raise _reason(error, "not a readable PDF") from error
    try:
        check_structure(pdf)
    except (IngestError, MemoryError):
        raise
    except Exception as error:
        raise _reason(error, "the PDF is damaged or truncated") from error
    finally:
        pdf.close()
    try:
        pages, outline, info = _read_pdfium(data)
    except MemoryError:
        raise
    except Exception as error:
        raise _reason(error, "the PDF is damaged or truncated") from error
    if not any(pages):
        raise IngestError("no text was found in the PDF (a scanned PDF needs OCR first)")
    title = _metadata_title(str(info.get("Title") or ""))
    laid = lay_out(rejoin_broken_words(pages), outline, title)
    if not laid.text.strip():
        raise IngestError("no text was found in the PDF beyond page headers and footers")
    created = str(info.get("CreationDate", ""))
    year = created[2:6] if created.startswith("D:") else ""
    return LoadedText(
        text=laid.text,
        page_starts=laid.page_starts,
        title=title or laid.cover_title,
        author=author_name(str(info.get("Author") or "")),
        year=int(year) if year.isdigit() else None,
        markup=False,
    )
