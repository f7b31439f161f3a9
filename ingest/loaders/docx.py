"""Word documents via python-docx: headings from paragraph styles, tables row by row, text
boxes once, hyperlink text in place.

python-docx's `paragraph.text` skips text boxes, and Word stores each text box twice (a modern
`mc:Choice` and a legacy `mc:Fallback`): the text is read from the XML, Choice only.
"""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml import parse_xml
from lxml import etree

from ingest.loaders.base import (
    LoadedText,
    as_paragraph,
    author_name,
    blocks_to_text,
    repeated,
    small_number,
    span_count,
    table_lines,
)
from ingest.loaders.docx_numbering import Numbering, from_style_chain
from ingest.sources import IngestError

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
TEXT_BOX = f"{W}txbxContent"
_HEADING_STYLE = re.compile(r"^heading\s*(\d)$", re.I)
# A first line set this large (Word stores sizes in half-points: 32 is 16 pt) and this short,
# before any heading, is the document's title even in the Normal style ("Governing Board
# Report – [DATE]" in 26 pt bold), as a cover's largest line is a PDF's.
TITLE_MIN_HALF_POINTS = 32
TITLE_MAX_WORDS = 15
BOLD_HEADING_WORDS = 10  # a bold line of Normal text this short may be a heading set by hand
# A zip bomb is refused from the sizes in the zip's directory, before any part is inflated
# (Python's zipfile never inflates a member past its recorded size). python-docx holds the
# parsed XML at ~25 bytes per byte (100 MB of document.xml took 2.6 GB), and Word's own XML
# deflates ~5-20:1; a 357 KB file holding 100 MB of XML is ~280:1.
MAX_UNCOMPRESSED_MB = 200
MAX_RATIO = 100
RATIO_CHECKED_FROM = 1_000_000  # tiny parts can have any ratio without costing anything
OUTLINE_BODY_TEXT = 9  # Word's outline level 9 is body text


def _inside(element: Any, tags: tuple[str, ...], stop: Any) -> bool:
    parent = element.getparent()
    while parent is not None and parent is not stop:
        if parent.tag in tags or _placeholder(parent):
            return True
        parent = parent.getparent()
    return False


def _placeholder(element: Any) -> bool:
    """Whether `element` is a content control still showing its prompt ("Click or tap here to
    enter text."): the template's words to whoever fills it in, not the document's."""
    return element.tag == f"{W}sdt" and element.find(f"{W}sdtPr/{W}showingPlcHdr") is not None


def _switched_on(run: Any, name: str) -> bool:
    """Whether a run's on/off property (`w:b`, `w:vanish`) is on: present, and not switched
    off with w:val="0"."""
    found = run.find(f"{W}rPr/{W}{name}") if run is not None else None
    return found is not None and found.get(f"{W}val", "true").lower() not in ("0", "false", "off")


def _vanished(node: Any) -> bool:
    """Whether a run's text is hidden (Word's "Hidden" font effect, `w:vanish`)."""
    return _switched_on(node.getparent(), "vanish")


# What a run holds besides its text: a tab, a line break, Word's non-breaking hyphen ("co-opted"
# typed so that it never breaks), its optional hyphen (shown only where a line breaks).
_RUN_MARKS = {
    f"{W}tab": " ",
    f"{W}br": "\n",
    f"{W}cr": "\n",
    f"{W}noBreakHyphen": "-",
    f"{W}softHyphen": "",
}
# Word's "Insert Symbol" from the Symbol font stores the font's own code (F000 + its byte):
# the common ones, as Unicode.
_SYMBOL_FONT = {
    0xA3: "≤", 0xB3: "≥", 0xB9: "≠", 0xB1: "±", 0xB4: "×", 0xB8: "÷", 0xB7: "•",
    0xAE: "→", 0xAC: "←", 0xBB: "≈", 0xA5: "∞", 0xB0: "°",
}  # fmt: skip
# ... and the ticks, crosses and boxes of an attendance or checklist table, from Wingdings.
_WINGDINGS = {0xFC: "✓", 0xFB: "✗", 0xFE: "☑", 0xFD: "☒", 0xA8: "☐", 0x6F: "☐", 0x78: "☒"}
_SYMBOL_FONTS = {"symbol": _SYMBOL_FONT, "wingdings": _WINGDINGS}
# Text a tracked change moved away from here: it is read where it was moved to.
_MOVED_AWAY = f"{W}moveFrom"


def _symbol(node: Any) -> str:
    code = node.get(f"{W}char") or ""
    try:
        value = int(code, 16)
    except ValueError:
        return ""
    if value >= 0xF000:  # a symbol font's own code: only the fonts known here are read
        font = _SYMBOL_FONTS.get((node.get(f"{W}font") or "symbol").strip().lower(), {})
        return font.get(value - 0xF000, "")
    return chr(value) if value >= 0x20 else ""


def _paragraph_text(p: Any) -> str:
    """The paragraph's own words (hyperlinks included), not those of text boxes inside it; a
    line break (Shift+Enter) starts a new line."""
    parts = []
    for node in p.iter(f"{W}t", f"{W}sym", *_RUN_MARKS):
        if _inside(node, (TEXT_BOX, MC_FALLBACK, _MOVED_AWAY), p) or _vanished(node):
            continue
        if node.tag == f"{W}t":
            parts.append(node.text or "")
        elif node.tag == f"{W}sym":
            parts.append(_symbol(node))
        else:
            parts.append(_RUN_MARKS[node.tag])
    text = re.sub(r"[^\S\n]+", " ", "".join(parts))
    return re.sub(r"\s*\n\s*", "\n", text).strip()


def _shown_paragraphs(container: Any) -> list[Any]:
    """The paragraphs in a table cell or a note, however nested, that Word shows: not a
    control's prompt, not a text box's legacy copy, not text moved away."""
    return [
        p for p in container.iter(f"{W}p") if not _inside(p, (MC_FALLBACK, _MOVED_AWAY), container)
    ]


def _text_boxes(p: Any) -> list[str]:
    """Paragraphs of the text boxes anchored in this paragraph, each box read once."""
    found = []
    for box in p.iter(TEXT_BOX):
        if _inside(box, (MC_FALLBACK, _MOVED_AWAY), p) or _inside(box, (TEXT_BOX,), p):
            continue
        for inner in box.iter(f"{W}p"):
            text = _paragraph_text(inner)
            if text:
                found.append(text)
    return found


# What may wrap paragraphs, tables, a table's rows or a row's cells: a content control (a
# template's section or repeating section) or custom XML.
_WRAPPERS = (f"{W}sdt", f"{W}sdtContent", f"{W}customXml")
_BODY = (f"{W}p", f"{W}tbl")  # what the body is read as: paragraphs and tables


def _table_of_contents(element: Any) -> bool:
    gallery = element.find(f"{W}sdtPr/{W}docPartObj/{W}docPartGallery")
    return gallery is not None and "contents" in (gallery.get(f"{W}val") or "").lower()


def _unwrapped(container: Any, tags: tuple[str, ...]) -> list[Any]:
    """`container`'s children of the `tags`, in order, those inside content controls and custom
    XML included; a table of contents, itself a content control, is not the document's text."""
    found: list[Any] = []
    todo = list(reversed(list(container.iterchildren())))
    while todo:
        element = todo.pop()
        if element.tag in tags:
            found.append(element)
        elif element.tag in _WRAPPERS and not (
            _table_of_contents(element) or _placeholder(element)
        ):
            todo.extend(reversed(list(element.iterchildren())))
    return found


def _heading_levels(document: Any) -> dict[str, int]:
    """Each paragraph style's heading level: a "Heading N" style, one based on it ("Trust
    Heading" based on "Heading 2"), or one with an outline level of its own."""
    levels: dict[str, int] = {}
    for style in document.styles:
        if not style.style_id or getattr(style, "type", None) != WD_STYLE_TYPE.PARAGRAPH:
            continue
        if (level := from_style_chain(style, _own_heading_level)) is not None:
            levels[style.style_id] = level
    return levels


def _own_heading_level(style: Any) -> int | None:
    """A style's heading level from its name ("Heading 2") or its own outline level."""
    if match := _HEADING_STYLE.match(style.name or ""):
        return min(int(match.group(1)), 6)
    outline = style.element.find(f"{W}pPr/{W}outlineLvl")
    value = outline.get(f"{W}val") if outline is not None else None
    if (depth := small_number(value)) is not None and depth < OUTLINE_BODY_TEXT:
        return min(depth + 1, 6)
    return None


def _style_name(p: Any, styles: dict[str, str]) -> str:
    style = p.find(f"{W}pPr/{W}pStyle")
    style_id = style.get(f"{W}val") if style is not None else ""
    return styles.get(style_id, style_id or "")


def _span(cell: Any) -> int:
    """How many grid columns a table cell spans (a merged header cell spans several)."""
    span = cell.find(f"{W}tcPr/{W}gridSpan")
    return span_count(span.get(f"{W}val") if span is not None else None)


def check_zip(data: bytes) -> None:
    """Refuse a zip whose members would inflate to too much, or at a bomb's ratio."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError) as error:
        raise IngestError("not a readable Word document (.docx)") from error
    total = sum(m.file_size for m in members)
    if total > MAX_UNCOMPRESSED_MB * 1_000_000:
        raise IngestError(
            f"the Word document would expand to {total / 1e6:,.0f} MB, more than the "
            f"{MAX_UNCOMPRESSED_MB} MB allowed (a zip bomb?)"
        )
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size >= RATIO_CHECKED_FROM and ratio > MAX_RATIO:
            raise IngestError(
                f"the Word document's part {member.filename} expands {ratio:,.0f} times "
                f"(to {member.file_size / 1e6:,.0f} MB), more than the {MAX_RATIO} times "
                "allowed (a zip bomb?)"
            )


def _cover_title(body: Any, styles: dict[str, str]) -> str:
    """The first paragraph with words, when it is set as a title (large type, a few words) and
    no heading or table comes before it; otherwise nothing."""
    for element in _unwrapped(body, _BODY):
        if element.tag != f"{W}p":
            return ""
        text = _paragraph_text(element)
        if not text:
            continue
        if _HEADING_STYLE.match(_style_name(element, styles)):
            return ""  # the document's own heading says what it is
        # A run without a size of its own takes its style's, which is not known here: only a
        # paragraph whose every run is set large counts.
        sizes = [run.find(f"{W}rPr/{W}sz") for run in element.iter(f"{W}r") if _paragraph_text(run)]
        large = bool(sizes) and all(
            size is not None and _half_points(size.get(f"{W}val") or "") >= TITLE_MIN_HALF_POINTS
            for size in sizes
        )
        return text if large and len(text.split()) <= TITLE_MAX_WORDS else ""
    return ""


def _half_points(value: str) -> float:
    """A run's type size in half-points: Word writes "32"; the standard also allows "16pt"."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(pt)?\s*", value)
    if not match:
        return 0.0
    return float(match.group(1)) * (2 if match.group(2) else 1)


def _paragraph_block(
    element: Any, styles: dict[str, str], levels: dict[str, int], numbering: Numbering
) -> str:
    """A paragraph as a line: "## text" for a heading, "- text" for a list item, each after
    the number Word draws before it ("## 3.2 Quorum", "- (a) the chair")."""
    label = numbering.label(element)  # counted even for an empty paragraph, as Word does
    text = _paragraph_text(element)
    if not text:
        return ""
    text = f"{label} {text}" if label else text
    style = element.find(f"{W}pPr/{W}pStyle")
    style_id = style.get(f"{W}val") if style is not None else ""
    own = element.find(f"{W}pPr/{W}outlineLvl")
    own_level = own.get(f"{W}val") if own is not None else None
    name = _style_name(element, styles)
    if (depth := small_number(own_level)) is not None and depth < OUTLINE_BODY_TEXT:
        return "#" * min(depth + 1, 6) + " " + text
    if style_id in levels:
        return "#" * levels[style_id] + " " + text
    if name.lower() == "title":
        return "# " + text
    if name.lower().startswith("list") or element.find(f"{W}pPr/{W}numPr") is not None or label:
        return "- " + text
    return as_paragraph(text)


def _cell_text(cell: Any, numbering: Numbering) -> str:
    """A cell's paragraphs as one line, each after the number Word draws before it ("1." in
    a numbered column of actions); every paragraph is counted, as Word counts it."""
    parts = []
    for paragraph in _shown_paragraphs(cell):
        label = numbering.label(paragraph)
        if text := _paragraph_text(paragraph):
            parts.append(f"{label} {text}" if label else text)
    return " ".join(parts)


def _table_rows(table: Any, numbering: Numbering) -> list[list[str]]:
    """The table's own rows and cells (a table inside a cell is read as that cell's text); a
    cell merged with the one above (`w:vMerge` continuing) shows that cell's text, as Word
    shows one cell across the rows ("Finance" beside each of its members)."""
    rows: list[list[str]] = []
    above: dict[int, str] = {}  # grid column -> the text of the merged cell that starts there
    for row in _unwrapped(table, (f"{W}tr",)):
        line: list[str] = []
        for cell in _unwrapped(row, (f"{W}tc",)):
            merge = cell.find(f"{W}tcPr/{W}vMerge")
            continued = merge is not None and merge.get(f"{W}val", "continue") == "continue"
            text = _cell_text(cell, numbering)
            text = above.get(len(line), "") if continued and not text else text
            if merge is not None and not continued:
                above[len(line)] = repeated(text)  # "Finance" beside each member; a remit once
            line.extend([text] * _span(cell))
        rows.append(line)
    return rows


_NOTES = {"footnotes": f"{W}footnote", "endnotes": f"{W}endnote"}
# A note's own numbered marker, its separator lines: Word draws them, they say nothing.
_NOTE_FURNITURE = ("separator", "continuationSeparator", "continuationNotice")


def _notes(document: Any) -> list[str]:
    """The document's footnotes and endnotes, each paragraph as text (a regulation the text
    cites, a caveat): Word keeps them in parts of their own, read here after the body."""
    found: list[str] = []
    read: set[int] = set()  # a part two relationships point at is read once
    for relationship in document.part.rels.values():
        tag = _NOTES.get(relationship.reltype.rsplit("/", 1)[-1])
        if tag is None or relationship.is_external or id(relationship.target_part) in read:
            continue
        part = relationship.target_part
        read.add(id(part))
        try:  # python-docx parses some parts itself, and leaves the rest as bytes
            notes = part.element if hasattr(part, "element") else parse_xml(part.blob)
        except etree.XMLSyntaxError:
            continue  # damaged notes: the text itself is still read
        for note in notes.iter(tag):
            if note.get(f"{W}type") in _NOTE_FURNITURE:
                continue
            found.extend(text for p in _shown_paragraphs(note) if (text := _paragraph_text(p)))
    return found


def _bold_only(paragraph: Any) -> bool:
    """Whether every run with words in the paragraph is bold: how many authors set a heading."""
    runs = [run for run in paragraph.iter(f"{W}r") if _paragraph_text(run)]
    return bool(runs) and all(_switched_on(run, "b") for run in runs)


def _bold_heading(paragraph: Any, line: str) -> bool:
    """A short bold line of Normal text, no sentence: a heading set by hand ("Quorum")."""
    words = line.split()
    return (
        0 < len(words) <= BOLD_HEADING_WORDS
        and not line.startswith(("#", "- "))
        and not re.search(r"[.;:,?!]$", line)
        and _bold_only(paragraph)
    )


def _body_blocks(
    document: Any, styles: dict[str, str], levels: dict[str, int]
) -> list[tuple[int, str]]:
    """The body's paragraphs, text boxes and tables as lines. In a document that sets no
    heading with a heading style, a bold line of its own before plain text is a heading set by
    hand; a run of bold lines (a name and an address) stays text. (Where styled headings exist,
    bold lines are emphasis or sub-items within them.)"""
    numbering = Numbering.read(document)
    lines: list[tuple[str, bool]] = []  # (line, a bold line?)
    for element in _unwrapped(document.element.body, _BODY):
        if element.tag != f"{W}p":
            lines.extend(
                (as_paragraph(row), False) for row in table_lines(_table_rows(element, numbering))
            )
            continue
        if line := _paragraph_block(element, styles, levels, numbering):
            lines.append((line, _bold_heading(element, line)))
        lines.extend((as_paragraph(box), False) for box in _text_boxes(element))
    styled = any(line.startswith("#") for line, _ in lines)
    blocks: list[tuple[int, str]] = []
    for i, (line, bold) in enumerate(lines):
        following = lines[i + 1] if i + 1 < len(lines) else None
        alone = not (i and lines[i - 1][1]) and following is not None and not following[1]
        blocks.append((1, f"# {line}" if bold and alone and not styled else line))
    return blocks


def load_docx(data: bytes) -> LoadedText:
    check_zip(data)
    try:
        document = docx.Document(io.BytesIO(data))
    except etree.XMLSyntaxError as error:
        # lxml refuses XML nested deeper than 256 elements, as it refuses damaged XML.
        raise IngestError(f"the Word document's XML could not be read ({error.msg})") from error
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as error:
        raise IngestError("not a readable Word document (.docx)") from error
    styles = {s.style_id: s.name for s in document.styles if s.style_id}
    levels = _heading_levels(document)
    blocks = _body_blocks(document, styles, levels)
    if notes := _notes(document):
        blocks.append((1, "# Notes"))
        blocks.extend((1, as_paragraph(note)) for note in notes)
    if not blocks:
        raise IngestError("no text was found in it")
    text, _ = blocks_to_text(blocks)
    core = document.core_properties
    return LoadedText(
        text=text,
        title=(core.title or "").strip() or _cover_title(document.element.body, styles),
        author=author_name(core.author or ""),
        year=core.created.year if core.created else None,
        markup=False,
    )
