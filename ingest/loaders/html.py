"""HTML via BeautifulSoup with lxml's parser (linear in a page's size).

A web page saved by a governor is mostly not the document: menus, a cookie banner, breadcrumbs,
"Print this page", a footer. Read are the page's main content (its `<main>` when it has one),
in reading order: h1-h6 become headings, list items stay items (a nested list's items too),
tables become lines, and text a page keeps in plain `<div>`s rather than paragraphs is read as
paragraphs. Navigation, scripts, styles, hidden and screen-reader-only text are dropped. The
title, author and year come from the page's own metadata when it gives them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from bs4 import BeautifulSoup, NavigableString, Tag
from bs4.element import Comment, Declaration, Doctype, ProcessingInstruction

from ingest.loaders.base import LoadedText, author_name, blocks_to_text, table_lines
from ingest.loaders.text import decode
from ingest.sources import IngestError

DROPPED = ("script", "style", "noscript", "nav", "header", "footer", "aside", "template", "svg",
           "iframe", "button", "select", "dialog")  # fmt: skip
# A form this short is a search box or "Is this page useful?"; a longer one wraps the whole page
# (as some site builders do), and is read.
FORM_WORDS = 40
# Landmarks around the content, whatever element carries them.
_DROPPED_ROLES = ("navigation", "banner", "contentinfo", "search", "dialog", "alert")
# Class names of what a screen reader or a first visit sees, not a reader of the page:
# "govuk-visually-hidden", "sr-only", "cookie-banner", "skip-link", "breadcrumbs".
_DROPPED_CLASS = re.compile(
    r"visually-hidden|sr-only|screen-reader|cookie|skip-?link|breadcrumb|print-link|feedback",
    re.I,
)
HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
BLOCKS = (*HEADINGS, "p", "li", "table", "pre", "blockquote", "dt", "dd", "figcaption")
LISTS = ("ul", "ol")
# Elements that hold a run of text within a block; anything else holding text directly is
# read as a paragraph of its own.
INLINE = frozenset(("a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "del", "dfn", "em",
                    "i", "ins", "kbd", "mark", "q", "s", "samp", "small", "span", "strong",
                    "sub", "sup", "time", "u", "var", "wbr", "br", "label", "font"))  # fmt: skip
_NOT_TEXT = (Comment, Declaration, Doctype, ProcessingInstruction)
# Meta names for the author and the date a page was published, most specific first.
_AUTHOR_META = ("author", "dc.creator", "citation_author", "article:author")
_DATE_META = ("citation_publication_date", "dc.date", "dcterms.created", "article:published_time",
              "govuk:first-published-at", "date")  # fmt: skip
_YEAR = re.compile(r"\b(19[5-9]\d|20\d\d)\b")


# A footnote reference: a superscript that links within the page ("<sup><a href="#fn1">1</a>"),
# or reads "[1]". A plain superscript is part of the text ("2.5m<sup>2</sup>", "1<sup>st</sup>").
_FOOTNOTE_MARK = re.compile(r"\[\d{1,3}\]|[*†‡§¶]")
_BREAK = object()  # where a block ends: its words and the next ones are apart


def _hidden(element: Tag) -> bool:
    """Whether a page shows `element` to nobody, or only to screen readers."""
    attrs = element.attrs or {}
    style = str(attrs.get("style", "")).replace(" ", "").lower()
    classes = " ".join(attrs.get("class", []) or [])
    return (
        "hidden" in attrs
        or str(attrs.get("aria-hidden", "")).lower() == "true"
        or str(attrs.get("role", "")).lower() in _DROPPED_ROLES
        or "display:none" in style
        or "visibility:hidden" in style
        or bool(_DROPPED_CLASS.search(classes))
    )


def _left_out(element: Tag) -> bool:
    """Whether an element is no part of what the page says: navigation, scripts, hidden text,
    a footnote reference, a short form (a search box, "Is this page useful?"; a longer form
    wraps the whole page, as some site builders do). Nothing is removed from the parsed page:
    removing an element looks it up among its siblings, which made a page of 20,000
    paragraphs take 20 s."""
    if element.name in DROPPED or _hidden(element):
        return True
    if element.name == "sup":
        linked = element.find("a", href=re.compile(r"^#")) is not None
        return linked or bool(_FOOTNOTE_MARK.fullmatch(element.get_text("").strip()))
    if element.name == "form":
        return len(element.get_text(" ").split()) < FORM_WORDS
    return False


def _text(element: Tag | NavigableString, lists: bool = True) -> str:
    """An element's words spaced as a browser shows them: a line break or a block's end (a
    cell, a paragraph) separates words, an inline element ("un<b>usual</b>") does not; what
    is left out (`_left_out`) is not read; without `lists`, nested lists are not either."""
    if isinstance(element, NavigableString):
        return re.sub(r"\s+", " ", str(element)).strip()
    parts: list[str] = []
    todo: list[object] = list(reversed(element.contents))
    while todo:
        node = todo.pop()
        if node is _BREAK:
            parts.append(" ")
        elif isinstance(node, NavigableString):
            if not isinstance(node, _NOT_TEXT):
                parts.append(str(node))
        elif isinstance(node, Tag) and not _left_out(node):
            if node.name == "br" or (not lists and node.name in LISTS):
                parts.append(" ")
                continue
            if node.name not in INLINE:
                parts.append(" ")
                todo.append(_BREAK)
            todo.extend(reversed(node.contents))
    return re.sub(r"\s+", " ", "".join(parts)).strip()


def _content_root(soup: BeautifulSoup) -> Tag | BeautifulSoup:
    """The page's main content: its `<main>` (or role="main") when that holds text, else the
    body."""
    main = soup.find("main") or soup.find(True, role="main")
    if isinstance(main, Tag) and _text(main):
        return main
    return soup.body or soup


def _list_item(item: Tag) -> Iterator[str]:
    """A list item as a line, and its nested lists' items after it as lines of their own."""
    if own := _text(item, lists=False):
        yield "- " + own
    for inner in item.find_all(LISTS):
        if inner.find_parent("li") is item and not _left_out(inner):
            for child in inner.find_all("li", recursive=False):
                yield from _list_item(child)


def _block(element: Tag) -> Iterator[str]:
    """The lines of one block element."""
    if element.name == "table":
        rows = [
            [_text(cell) for cell in row.find_all(["td", "th"])] for row in element.find_all("tr")
        ]
        yield from table_lines(rows)
    elif element.name == "li":
        yield from _list_item(element)
    elif text := _text(element):
        if element.name in HEADINGS:
            yield "#" * int(element.name[1:]) + " " + text
        else:
            yield text


def _lines(root: Tag | BeautifulSoup) -> Iterator[str]:
    """The blocks under `root` in reading order; a run of text held directly by a container
    (a `<div>` of text, text between two tables) is a paragraph of its own. Walked with a
    stack, not recursion: a page nested thousands of elements deep is read like any other."""
    run: list[str] = []
    stack = [iter(root.children)]
    while stack:
        child = next(stack[-1], None)
        if child is None:
            stack.pop()  # a container ends, and so does its text's paragraph
            if text := _joined(run):
                yield text
            run = []
            continue
        if isinstance(child, _NOT_TEXT) or not isinstance(child, NavigableString | Tag):
            continue
        if isinstance(child, NavigableString):
            run.append(str(child))
        elif _left_out(child):
            continue
        elif child.name in INLINE and child.find(BLOCKS) is None:
            run.append(" " if child.name == "br" else _inline_text(child))
        else:
            if text := _joined(run):
                yield text
            run = []
            if child.name in BLOCKS:
                yield from _block(child)
            else:
                stack.append(iter(child.children))


def _inline_text(element: Tag) -> str:
    """An inline element's words with the spaces at its edges kept ("<b>Bold</b> lead")."""
    text = _text(element)
    raw = element.get_text("")
    before = " " if raw[:1].isspace() else ""
    after = " " if raw[-1:].isspace() else ""
    return f"{before}{text}{after}"


def _joined(run: list[str]) -> str:
    return re.sub(r"\s+", " ", "".join(run)).strip()


def _metadata(soup: BeautifulSoup) -> dict[str, str]:
    """The page's `<meta>` values by lower-case name or property, each the first given (one
    pass over the page's metas, however long the page)."""
    found: dict[str, str] = {}
    for tag in soup.find_all("meta"):
        key = str(tag.get("name") or tag.get("property") or "").strip().lower()
        if key and (content := str(tag.get("content", "")).strip()):
            found.setdefault(key, content)
    return found


def _meta(metadata: dict[str, str], names: tuple[str, ...]) -> str:
    """The first of the named `<meta>` values the page gives."""
    return next((metadata[name] for name in names if name in metadata), "")


def _title(soup: BeautifulSoup, first_heading: str) -> str:
    """The page's title: the `<title>` without a site's name after it ("Model articles -
    GOV.UK" is "Model articles" when the page's first heading says so)."""
    title = _text(soup.title) if soup.title else ""
    if first_heading and (not title or title.startswith(first_heading)):
        return first_heading
    return title


def load_html(data: bytes) -> LoadedText:
    markup = decode(data)
    # lxml's parser (python-docx needs lxml anyway): the standard library's, through
    # BeautifulSoup, took quadratic time in a page's line breaks (6.9 s for 20,000 <br>).
    soup = BeautifulSoup(markup, "lxml")
    if soup.find() is None:
        raise IngestError("no HTML elements were found in it")
    blocks = [(1, line) for line in _lines(_content_root(soup))]
    if not blocks:
        raise IngestError("no text was found in it")
    text, _ = blocks_to_text(blocks)
    first_heading = next((b[1].lstrip("# ") for b in blocks if b[1].startswith("#")), "")
    metadata = _metadata(soup)
    author = author_name(_meta(metadata, _AUTHOR_META))
    year_match = _YEAR.search(_meta(metadata, _DATE_META))
    return LoadedText(
        text=text,
        title=_title(soup, first_heading),
        author=author if not author.startswith(("http:", "https:")) else "",
        year=int(year_match.group(1)) if year_match else None,
    )
