"""HTML via BeautifulSoup (the standard library's parser, no compiled dependency): h1-h6 become
headings, lists and tables are kept, navigation, scripts and styles are dropped."""

from __future__ import annotations

import re

from bs4 import BeautifulSoup, Tag

from ingest.loaders.base import LoadedText, blocks_to_text, table_lines
from ingest.loaders.text import decode
from ingest.sources import IngestError

DROPPED = ("script", "style", "noscript", "nav", "header", "footer", "aside", "form",
           "template", "svg", "iframe", "button")  # fmt: skip
BLOCKS = ("h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "table", "pre", "blockquote", "dt",
          "dd", "figcaption")  # fmt: skip


def _text(element: Tag) -> str:
    return re.sub(r"\s+", " ", element.get_text(" ", strip=True)).strip()


def load_html(data: bytes) -> LoadedText:
    markup = decode(data)
    soup = BeautifulSoup(markup, "html.parser")
    if soup.find() is None:
        raise IngestError("no HTML elements were found in it")
    title = _text(soup.title) if soup.title else ""
    for element in soup.find_all(DROPPED):
        element.decompose()
    root = soup.body or soup
    blocks: list[tuple[int, str]] = []
    for element in root.find_all(BLOCKS):
        # A block inside another (a <p> in an <li>) is read with its container.
        if element.find_parent(BLOCKS) is not None:
            continue
        if element.name == "table":
            rows = [
                [_text(cell) for cell in row.find_all(["td", "th"])]
                for row in element.find_all("tr")
            ]
            blocks.extend((1, line) for line in table_lines(rows))
            continue
        text = _text(element)
        if not text:
            continue
        if element.name and element.name[0] == "h" and element.name[1:].isdigit():
            blocks.append((1, "#" * int(element.name[1:]) + " " + text))
        elif element.name == "li":
            blocks.append((1, "- " + text))
        else:
            blocks.append((1, text))
    if not blocks:
        raise IngestError("no text was found in it")
    text, _ = blocks_to_text(blocks)
    first_heading = next((b[1].lstrip("# ") for b in blocks if b[1].startswith("#")), "")
    return LoadedText(text=text, title=title or first_heading)
