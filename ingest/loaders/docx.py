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
from docx.opc.exceptions import PackageNotFoundError

from ingest.loaders.base import LoadedText, blocks_to_text
from ingest.sources import IngestError

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
TEXT_BOX = f"{W}txbxContent"
_HEADING_STYLE = re.compile(r"^heading\s*(\d)$", re.I)


def _inside(element: Any, tags: tuple[str, ...], stop: Any) -> bool:
    parent = element.getparent()
    while parent is not None and parent is not stop:
        if parent.tag in tags:
            return True
        parent = parent.getparent()
    return False


def _paragraph_text(p: Any) -> str:
    """The paragraph's own words (hyperlinks included), not those of text boxes inside it."""
    parts = []
    for node in p.iter(f"{W}t", f"{W}tab", f"{W}br"):
        if _inside(node, (TEXT_BOX, MC_FALLBACK), p):
            continue
        parts.append(node.text or "" if node.tag == f"{W}t" else " ")
    return re.sub(r"\s+", " ", "".join(parts)).strip()


def _text_boxes(p: Any) -> list[str]:
    """Paragraphs of the text boxes anchored in this paragraph, each box read once."""
    found = []
    for box in p.iter(TEXT_BOX):
        if _inside(box, (MC_FALLBACK,), p) or _inside(box, (TEXT_BOX,), p):
            continue
        for inner in box.iter(f"{W}p"):
            text = _paragraph_text(inner)
            if text:
                found.append(text)
    return found


def _style_name(p: Any, styles: dict[str, str]) -> str:
    style = p.find(f"{W}pPr/{W}pStyle")
    style_id = style.get(f"{W}val") if style is not None else ""
    return styles.get(style_id, style_id or "")


def load_docx(data: bytes) -> LoadedText:
    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as error:
        raise IngestError("not a readable Word document (.docx)") from error
    styles = {s.style_id: s.name for s in document.styles if s.style_id}
    blocks: list[tuple[int, str]] = []
    for element in document.element.body.iterchildren():
        if element.tag == f"{W}p":
            text = _paragraph_text(element)
            name = _style_name(element, styles)
            if text:
                if match := _HEADING_STYLE.match(name):
                    blocks.append((1, "#" * min(int(match.group(1)), 6) + " " + text))
                elif name.lower() == "title":
                    blocks.append((1, "# " + text))
                elif name.lower().startswith("list"):
                    blocks.append((1, "- " + text))
                else:
                    blocks.append((1, text))
            blocks.extend((1, box) for box in _text_boxes(element))
        elif element.tag == f"{W}tbl":
            for row in element.iter(f"{W}tr"):
                cells = [
                    " ".join(_paragraph_text(p) for p in cell.iter(f"{W}p")).strip()
                    for cell in row.iter(f"{W}tc")
                ]
                if any(cells):
                    blocks.append((1, " | ".join(cells)))
    if not blocks:
        raise IngestError("no text was found in it")
    text, _ = blocks_to_text(blocks)
    core = document.core_properties
    return LoadedText(
        text=text,
        title=(core.title or "").strip(),
        author=(core.author or "").strip(),
        year=core.created.year if core.created else None,
    )
