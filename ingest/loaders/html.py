"""HTML via BeautifulSoup (the standard library's parser, no compiled dependency).

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


def _text(element: Tag | NavigableString) -> str:
    text = element.get_text("") if isinstance(element, Tag) else str(element)
    return re.sub(r"\s+", " ", text).strip()


# A footnote reference: a superscript that links within the page ("<sup><a href="#fn1">1</a>"),
# or reads "[1]". A plain superscript is part of the text ("2.5m<sup>2</sup>", "1<sup>st</sup>").
_FOOTNOTE_MARK = re.compile(r"\[\d{1,3}\]|[*†‡§¶]")


def _as_a_browser_spaces(soup: BeautifulSoup) -> None:
    """Space the page's text as a browser shows it: a line break or the end of a block (a
    cell, a paragraph) separates words, an inline element ("un<b>usual</b>") does not; a
    footnote reference is left out, as it is from quoted text in every format."""
    for sup in soup.find_all("sup"):
        link = sup.find("a", href=re.compile(r"^#"))
        if link is not None or _FOOTNOTE_MARK.fullmatch(sup.get_text("").strip()):
            sup.decompose()
    for line_break in soup.find_all("br"):
        line_break.replace_with(" ")
    for element in soup.find_all(True):
        if element.name not in INLINE and element.parent is not None:
            element.insert_after(" ")


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


def _content_root(soup: BeautifulSoup) -> Tag | BeautifulSoup:
    """The page's main content: its `<main>` (or role="main") when that holds text, else the
    body."""
    main = soup.find("main") or soup.find(True, role="main")
    if isinstance(main, Tag) and _text(main):
        return main
    return soup.body or soup


def _list_item(item: Tag) -> Iterator[str]:
    """A list item as a line, and its nested list's items after it as lines of their own."""
    nested = [child for child in item.find_all(LISTS) if child.find_parent("li") is item]
    for inner in nested:
        inner.extract()
    if own := _text(item):
        yield "- " + own
    for inner in nested:
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
        elif child.name in INLINE and child.find(BLOCKS) is None:
            run.append(child.get_text(""))
        else:
            if text := _joined(run):
                yield text
            run = []
            if child.name in BLOCKS:
                yield from _block(child)
            else:
                stack.append(iter(child.children))


def _joined(run: list[str]) -> str:
    return re.sub(r"\s+", " ", "".join(run)).strip()


def _meta(soup: BeautifulSoup, names: tuple[str, ...]) -> str:
    """The first of the named `<meta>` values the page gives (by name or property)."""
    for name in names:
        for attribute in ("name", "property"):
            tag = soup.find("meta", attrs={attribute: re.compile(f"^{re.escape(name)}$", re.I)})
            if isinstance(tag, Tag) and (content := str(tag.get("content", "")).strip()):
                return content
    return ""


def _title(soup: BeautifulSoup, first_heading: str) -> str:
    """The page's title: the `<title>` without a site's name after it ("Model articles -
    GOV.UK" is "Model articles" when the page's first heading says so)."""
    title = _text(soup.title) if soup.title else ""
    if first_heading and (not title or title.startswith(first_heading)):
        return first_heading
    return title


def load_html(data: bytes) -> LoadedText:
    markup = decode(data)
    soup = BeautifulSoup(markup, "html.parser")
    if soup.find() is None:
        raise IngestError("no HTML elements were found in it")
    author = author_name(_meta(soup, _AUTHOR_META))
    year_match = _YEAR.search(_meta(soup, _DATE_META))
    for element in soup.find_all(DROPPED):
        element.decompose()
    for form in soup.find_all("form"):
        if not form.decomposed and len(_text(form).split()) < FORM_WORDS:
            form.decompose()
    for element in [e for e in soup.find_all(True) if _hidden(e)]:
        if not element.decomposed:
            element.decompose()
    _as_a_browser_spaces(soup)
    blocks = [(1, line) for line in _lines(_content_root(soup))]
    if not blocks:
        raise IngestError("no text was found in it")
    text, _ = blocks_to_text(blocks)
    first_heading = next((b[1].lstrip("# ") for b in blocks if b[1].startswith("#")), "")
    return LoadedText(
        text=text,
        title=_title(soup, first_heading),
        author=author if not author.startswith(("http:", "https:")) else "",
        year=int(year_match.group(1)) if year_match else None,
    )
