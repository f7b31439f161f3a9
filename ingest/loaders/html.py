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
import warnings
from collections.abc import Iterator

from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning, NavigableString, Tag
from bs4.element import Comment, Declaration, Doctype, ProcessingInstruction

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
from ingest.loaders.text import decode
from ingest.sources import IngestError

DROPPED = ("script", "style", "noscript", "nav", "template", "svg", "iframe", "select",
           "dialog", "textarea")  # fmt: skip
# The page's own banner, footer and side panel; inside an article, a section or the main
# content they are that part's heading, its footnote or a box beside it, and are read.
PAGE_PARTS = ("header", "footer", "aside")
CONTENT_PARTS = ("main", "article", "section")
# A form this short is a search box or "Is this page useful?"; a longer one wraps the whole page
# (as some site builders do), and is read.
FORM_WORDS = 40
# Landmarks around the content, whatever element carries them.
_DROPPED_ROLES = ("navigation", "banner", "contentinfo", "search", "dialog", "alert")
# A class name ending so marks what a screen reader or a first visit sees, not a reader of the
# page ("govuk-visually-hidden", "sr-only", "govuk-cookie-banner", "gem-c-feedback"); a name
# that only contains the word ("cookie-consent-given", "parent-feedback-results") does not.
_DROPPED_CLASS = re.compile(
    r"(?:^|[-_])(?:visually-hidden|sr-only|screen-reader(?:-text)?|cookie(?:-banner|-notice|"
    r"-consent)?|skip-?link|breadcrumbs?|print-link|feedback)$",
    re.I,
)
HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
BLOCKS = (*HEADINGS, "p", "li", "table", "pre", "blockquote", "dt", "dd", "figcaption")
LISTS = ("ul", "ol")
# Elements that hold a run of text within a block; anything else holding text directly is
# read as a paragraph of its own.
INLINE = frozenset(("a", "abbr", "acronym", "b", "bdi", "bdo", "big", "br", "button", "cite",
                    "code", "data", "del", "dfn", "em", "font", "i", "img", "input", "ins", "kbd",
                    "label", "mark", "nobr", "picture", "q", "rp", "rt", "ruby", "s", "samp",
                    "small", "span", "strike", "strong", "sub", "sup", "time", "tt", "u", "var",
                    "wbr"))  # fmt: skip
_NOT_TEXT = (Comment, Declaration, Doctype, ProcessingInstruction)
# Meta names for the author and the date a page was published, most specific first.
_AUTHOR_META = ("author", "dc.creator", "citation_author", "article:author")
_DATE_META = ("citation_publication_date", "dc.date", "dcterms.created", "article:published_time",
              "govuk:first-published-at", "date")  # fmt: skip
_YEAR = re.compile(r"\b(19[5-9]\d|20\d\d)\b")


# A footnote reference: a superscript that links within the page ("<sup><a href="#fn1">1</a>"),
# or reads "[1]". A plain superscript is part of the text ("2.5m<sup>2</sup>", "1<sup>st</sup>").
_FOOTNOTE_MARK = re.compile(r"\[\d{1,3}\]|[*†‡§¶]")
_HEADING_LINE = re.compile(r"#{1,6} \S")
_BREAK = object()  # where a block ends: its words and the next ones are apart


# A word (not a unit: "m", "km") or a sentence's end just before a superscript number.
_AFTER_A_WORD = re.compile(r"[A-Za-z]{3,}[.,;:)]?$|[.,;:)]$")


def _note_number(sup: Tag, own: str) -> bool:
    """A superscript number after a word or a sentence ("published<sup>1</sup>", "term.<sup>2
    </sup>") is a note's number; after a unit or a number it is a power ("25m<sup>2</sup>")."""
    before = sup.previous_sibling
    return (
        own.isascii()
        and own.isdigit()
        and len(own) <= 3
        and isinstance(before, NavigableString)
        and bool(_AFTER_A_WORD.search(str(before)))
    )


def _hidden(element: Tag) -> bool:
    """Whether a page shows `element` to nobody, or only to screen readers ("until-found" text
    is shown when searched for: read)."""
    attrs = element.attrs or {}
    style = str(attrs.get("style", "")).replace(" ", "").lower()
    classes: list[str] = list(attrs.get("class", []) or [])
    return (
        ("hidden" in attrs and str(attrs.get("hidden")).lower() != "until-found")
        or str(attrs.get("aria-hidden", "")).lower() == "true"
        or str(attrs.get("role", "")).lower() in _DROPPED_ROLES
        or "display:none" in style
        or "visibility:hidden" in style
        or any(_DROPPED_CLASS.search(str(name)) for name in classes)
    )


def _left_out(element: Tag) -> bool:
    """Whether an element is no part of what the page says: navigation, scripts, hidden text,
    the page's banner and footer, a footnote reference, a short form (a search box, "Is this
    page useful?"; a longer form wraps the whole page, as some site builders do). Nothing is
    removed from the parsed page: removing an element looks it up among its siblings, which
    made a page of 20,000 paragraphs take 20 s."""
    if element.name in DROPPED or _hidden(element):
        return True
    if element.name in PAGE_PARTS:
        return element.find_parent(CONTENT_PARTS) is None
    if element.name == "sup":
        # Only its own children are looked at: a reference is a link or a mark, not nested.
        linked = element.find("a", href=re.compile(r"^#"), recursive=False) is not None
        own = "".join(str(t) for t in element.find_all(string=True, recursive=False)).strip()
        return linked or bool(_FOOTNOTE_MARK.fullmatch(own)) or _note_number(element, own)
    if element.name == "form":
        return len(element.get_text(" ").split()) < FORM_WORDS
    return False


def _text(element: Tag | NavigableString, lists: bool = True) -> str:
    """An element's words spaced as a browser shows them: a line break or a block's end (a
    cell, a paragraph) separates words, an inline element ("un<b>usual</b>") does not; what
    is left out (`_left_out`) is not read; without `lists`, nested lists are not either."""
    if isinstance(element, NavigableString):
        return _joined([str(element)])
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
    return _joined(parts)


def _content_root(soup: BeautifulSoup) -> Tag | BeautifulSoup:
    """The page's main content: its `<main>` (or role="main") when that is shown and holds
    text, else the body."""
    for main in (soup.find("main"), soup.find(True, role="main")):
        if isinstance(main, Tag) and not _left_out(main) and _text(main):
            return main
    return soup.body or soup


def _own(container: Tag, names: tuple[str, ...]) -> list[Tag]:
    """The `names` elements of `container` that are not inside another such container: a
    table's own rows (not a nested table's), a row's own cells, a list's own items."""
    found: list[Tag] = []
    todo = list(reversed(container.contents))
    while todo:
        node = todo.pop()
        if not isinstance(node, Tag) or _left_out(node):
            continue
        if node.name in names:
            found.append(node)
        elif node.name not in ("table", *LISTS):
            todo.extend(reversed(node.contents))
    return found


def _list_items(item: Tag) -> Iterator[str]:
    """A list item as a line, and its nested lists' items after it as lines of their own,
    however deep (a stack, not recursion)."""
    todo = [item]
    while todo:
        current = todo.pop()
        if own := _text(current, lists=False):
            yield "- " + own
        nested = [i for inner in _own(current, LISTS) for i in _own(inner, ("li",))]
        todo.extend(reversed(nested))


MAX_TABLE_CELLS = 20_000
MAX_COLUMNS = 64  # wider than any table a person reads on a page


def _table_grid(table: Tag) -> list[list[str]]:
    """A table's rows as a browser lays them out: a cell spanning columns (`colspan`) fills
    each, and one spanning rows (`rowspan`) fills its column in the rows below, so every value
    stands under its own column's header. A row short of cells still takes the spans from
    above beyond its end. Past MAX_TABLE_CELLS cells spans are read as one, and a row past
    MAX_COLUMNS cells is cut (a 259 KB page of spans 64 by 64 laid out 334 MB of text)."""
    grid: list[list[str]] = []
    below: dict[int, tuple[str, int]] = {}  # column -> (text, rows still to fill)
    laid = 0
    for row in _own(table, ("tr",)):
        cells = iter(_own(row, ("td", "th")))
        line: list[str] = []
        while True:
            if (column := len(line)) in below:
                text, left = below.pop(column)
                line.append(text)
                if left > 1:
                    below[column] = (text, left - 1)
                continue
            cell = next(cells, None)
            if cell is None:
                if any(column < later for later in below):
                    line.append("")  # a gap before a span from above: an empty cell
                    continue
                break
            if len(line) >= MAX_COLUMNS:
                break  # past any table a page can show: the rest of the row is left out
            spread = laid + len(line) < MAX_TABLE_CELLS
            text = _text(cell)
            down = span_count(str(cell.get("rowspan") or "")) if spread else 1
            again = repeated(text)  # "Term of office" in each cell; a long text once
            across = span_count(str(cell.get("colspan") or "")) if spread else 1
            for k in range(min(across, MAX_COLUMNS - len(line))):
                if down > 1:
                    below[len(line)] = (again, down - 1)
                line.append(again if k else text)
        laid += len(line)
        if laid >= MAX_TABLE_CELLS:
            below.clear()  # nor fill spans from above any further
        grid.append(line)
    return grid


def _aria_heading(element: Tag) -> int:
    """The level of an element marked as a heading for screen readers (`role="heading"`,
    `aria-level`, 2 when it says none), 0 for any other."""
    if str(element.get("role") or "").strip().lower() != "heading":
        return 0
    number = small_number(str(element.get("aria-level") or ""))
    return min(number, 6) if number else 2


def _block(element: Tag) -> Iterator[str]:
    """The lines of one block element."""
    if element.name == "table":
        if (caption := element.find("caption")) is not None and (title := _text(caption)):
            yield as_paragraph(title)  # what the table is of ("Governors and their terms")
        rows = _table_grid(element)
        yield from (as_paragraph(line) for line in table_lines(rows))
    elif element.name == "li":
        yield from _list_items(element)
    elif text := _text(element):
        if element.name in HEADINGS:
            yield "#" * int(element.name[1:]) + " " + text
        else:
            yield as_paragraph(text)


def _lines(root: Tag | BeautifulSoup) -> Iterator[str]:
    """The blocks under `root` in reading order; a run of text held directly by a container
    (a `<div>` of text, text between two tables) is a paragraph of its own, and an inline
    element's words join it ("Call us on <b>0123</b> today"). Walked with a stack, not
    recursion: a page nested thousands of elements deep is read like any other."""
    run: list[str] = []
    stack: list[tuple[Iterator[object], bool]] = [(iter(root.children), False)]
    while stack:
        children, inline = stack[-1]
        child = next(children, None)
        if child is None:
            stack.pop()
            if not inline and (text := _joined(run)):  # a container's text ends with it
                yield as_paragraph(text)
            run = run if inline else []
            continue
        if isinstance(child, NavigableString):
            if not isinstance(child, _NOT_TEXT):
                run.append(str(child))
        elif not isinstance(child, Tag) or _left_out(child):
            continue
        elif child.name == "br":
            run.append(" ")
        elif child.name in INLINE:
            stack.append((iter(child.children), True))
        else:
            if text := _joined(run):
                yield as_paragraph(text)
            run = []
            if child.name in BLOCKS:
                yield from _block(child)
            elif (level := _aria_heading(child)) and (text := _text(child)):
                yield "#" * level + " " + text  # a heading a page draws with a div
            else:
                stack.append((iter(child.children), False))


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
    with warnings.catch_warnings():
        # A file whose whole text looks like an address ("https://...") is read as the text it
        # is; BeautifulSoup's advice to fetch the page instead means nothing to a governor.
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        soup = BeautifulSoup(markup, "lxml")
    if soup.find() is None:
        raise IngestError("no HTML elements were found in it")
    blocks = [(1, line) for line in _lines(_content_root(soup))]
    if not blocks:
        raise IngestError("no text was found in it")
    text, _ = blocks_to_text(blocks)
    # "## #1 priority" is the heading "#1 priority": only the level's marks go.
    first_heading = next((b[1].split(" ", 1)[1] for b in blocks if _HEADING_LINE.match(b[1])), "")
    metadata = _metadata(soup)
    author = author_name(_meta(metadata, _AUTHOR_META))
    year_match = _YEAR.search(_meta(metadata, _DATE_META))
    return LoadedText(
        text=text,
        title=_title(soup, first_heading),
        author=author if not author.startswith(("http:", "https:")) else "",
        year=int(year_match.group(1)) if year_match else None,
        markup=False,
    )
