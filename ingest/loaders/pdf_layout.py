"""A PDF's lines read into the plain shape the section parser reads, the way a person reads them.

Input: each page's lines (text, size, position) and the outline. Output: text with `#`
headings, blank lines between paragraphs and "- " list items, and each page's start offset.
Left out: cover and contents pages, running headers and footers, page numbers. A paragraph cut
by a page break is joined into one, and the page's footnotes come before it, never inside it.
"""

from __future__ import annotations

import dataclasses
import itertools
import re
import statistics
from collections import Counter
from dataclasses import dataclass

from ingest.loaders.base import as_paragraph
from ingest.text import SOFT_HYPHEN
from ingest.words import is_english_word

HEADING_SIZE_RATIO = 1.15  # a line at least this much larger than body text is a heading
FOOTNOTE_SIZE_RATIO = 0.93  # footnotes are set smaller than the body (EYFS: 13.7 against 16.4)
MAX_HEADING_WORDS = 14
RUNNING_SHARE = 0.5  # a top/bottom line on at least half the pages is a running header/footer
# A gap between lines this many line heights wider than the usual one starts a paragraph. The
# usual gap is the document's own: ~0 in the EYFS framework (paragraphs 0.2-1.0 apart), 0.2 in
# the 2025 updates note (paragraphs 1.2).
PARAGRAPH_GAP = 0.15
# Lines of one paragraph may overlap by this much of a line (tall font boxes, single spacing).
MIN_LINE_GAP = -0.5
# A gap this share of all (and seen twice) is common enough to be the line spacing.
COMMON_GAP_SHARE = 0.1
HEADING_LINE_GAP = 1.0  # lines of one heading ("PART 2" / "DIRECTORS") are at most this far apart
COVER_MAX_WORDS = 80  # a first page with fewer words than this is a cover (title, date, logo)
CONTENTS_SHARE = 0.5  # a page region at least half contents entries is a contents list
MIN_CONTENTS_ENTRIES = 3
OUTDENT = 1.0  # points a line must start left of an item's bullet to be out of the list
# A character's width (space included) as a share of its line's size: whether the next word
# would have fitted on a line that ends short of the page's right edge. Measured medians 0.32
# to 0.39 (the EYFS framework, the articles, the printed corpus, two test pages); a little
# more, so a word that would only just have fitted reads as not fitting, and the line runs on.
AVERAGE_CHARACTER = 0.4
RUNNING_LINES = 3  # a running header or footer is at most this many lines deep
PROSE_WORDS = 5  # a line this long on a page before the first bookmark is text, not a title
TITLE_SHARE = 0.5  # of a first page's largest line's words the properties' title must hold

_PAGE_NUMBER = re.compile(r"^\W*(?:page\s+)?\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?\W*$", re.I)
# "Staff: child ratios ........ 30" (dot leaders), or "24. Quorum for general meetings" (an
# index of numbered article titles: short, no sentence punctuation).
_LEADER_ENTRY = re.compile(r"(?:\.{4,}|…{2,}|\.\s\.\s\.)\s*\d{1,4}\s*$")
_INDEX_ENTRY = re.compile(r"^\d{1,3}\.\s+[A-Z][^.;!?—–,]{0,80}(?<![,:—–-])$")
_BULLET = re.compile(r"^(?:[•●▪■◦‣∙\uf0b7\uf0a7\uf076\uf0d8§]|o(?=\s+[a-z])|[-–](?=\s))\s*")
# A new numbered paragraph or clause: "3.61 Medicine", "13.—(1) If", "7. Providers", "(2) The",
# "(a) its".
_NUMBERED_START = re.compile(
    r"^(?:\d{1,2}\.\d{1,3}\s|\d{1,3}\.\s?[—–]|\d{1,3}\.\s*(?=[A-Z][a-z])|\(\w{1,3}\)\s)"
)
_LETTERED = re.compile(r"^\([a-z]{1,4}\)\s")
_HEADING_NUMBER = re.compile(r"^\d{1,2}(?:\.\d{1,2})*\.?\s+")
_CLAUSE_START = re.compile(r"^\d{1,3}\.(?:\s?[—–]|\s+[A-Z(“‘\"])")
# "Number of pupils: 7,215": a short label, a colon, a value; consecutive ones are separate.
_FIELD = re.compile(r"^[A-Z][\w ’'()/-]{1,40}:\s+\S")
_SENTENCE_END = re.compile(r"[.!?:;][\"'”’)\]]*$")
# A heading may ask a question ("What do we mean by system governance?"); it ends no sentence.
_HEADING_END = re.compile(r"[.!:;][\"'”’)\]]*$")
_LEADS_IN = (":", "—", "–")  # a paragraph ending so announces the list that follows it


@dataclass(frozen=True)
class Line:
    """One line of a page. `top`/`bottom` are PDF y coordinates (larger is higher)."""

    text: str
    size: float
    top: float
    bottom: float
    bold: bool = False
    marked: bool = False  # it begins with a footnote marker (digits set smaller than the line)
    left: float = 0.0  # x of its first character
    right: float = 0.0  # x where its last character ends


@dataclass(frozen=True)
class OutlineEntry:
    """A bookmark: its depth (1 = top level), title and the 1-based page it points to."""

    level: int
    title: str
    page: int


@dataclass(frozen=True)
class Laid:
    """The laid-out text, each page's start offset, and the title the first page shows."""

    text: str
    page_starts: tuple[int, ...]
    cover_title: str


@dataclass
class _Block:
    pieces: list[tuple[int, str]]  # (page, text); a paragraph cut by a page break has two
    kind: str = "text"  # text | item | heading | note

    @property
    def text(self) -> str:
        return _join_lines([text for _, text in self.pieces])


def _shape(text: str, exact: bool = False) -> str:
    """A line with its digits masked: "Page 3 of 9" and "Page 4 of 9" look alike (unless
    `exact`)."""
    return text.strip().lower() if exact else re.sub(r"\d+", "#", text.strip().lower())


def _key(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", text.lower())


def _running(pages: list[list[Line]], exact: bool = False) -> set[str]:
    """Shapes of lines that are the top-most or bottom-most line of at least half the pages
    (`exact`: the lines themselves, digits and all), and at the edges more often than anywhere
    else: a sentence the text repeats word for word ("The board approved the minutes.") is
    text, however often a page happens to begin with it."""
    counts: Counter[str] = Counter()
    elsewhere: Counter[str] = Counter()
    for lines in pages:
        if lines:
            top, bottom = max(lines, key=lambda x: x.top), min(lines, key=lambda x: x.top)
            counts.update({_shape(top.text, exact), _shape(bottom.text, exact)})
            elsewhere.update(
                _shape(x.text, exact) for x in lines if x is not top and x is not bottom
            )
    threshold = max(2, RUNNING_SHARE * len(pages))
    return {
        shape for shape, count in counts.items() if count >= threshold and elsewhere[shape] < count
    }


def _without_noise(pages: list[list[Line]]) -> list[list[Line]]:
    """Page numbers, and running headers and footers at a page's top or bottom, removed; a
    header of two or three lines ("Oakfield Academy Trust" over "Governors' Handbook 2024") one
    line at a time, as each comes to the edge. Below the edge only a line that recurs word for
    word goes ("Governors' Handbook 2024"): "Appendix 1", "Appendix 2" at the top of their
    pages, alike but for their numbers, are headings."""
    for depth in range(RUNNING_LINES):
        trimmed = _edges_trimmed(pages, exact=depth > 0)
        if trimmed == pages:
            break
        pages = trimmed
    return pages


def _edges_trimmed(pages: list[list[Line]], exact: bool) -> list[list[Line]]:
    running = _running(pages, exact)
    kept: list[list[Line]] = []
    for lines in pages:
        if not lines:
            kept.append([])
            continue
        highest, lowest = max(x.top for x in lines), min(x.top for x in lines)
        kept.append([
            x for x in lines
            if not (
                x.top in (highest, lowest)
                and ((_PAGE_NUMBER.match(x.text) and not exact) or _shape(x.text, exact) in running)
            )
        ])  # fmt: skip
    return kept


def body_size(pages: list[list[Line]]) -> float:
    """The size most characters are set in."""
    sizes: Counter[float] = Counter()
    for lines in pages:
        for line in lines:
            sizes[line.size] += len(line.text)
    return sizes.most_common(1)[0][0] if sizes else 0.0


def split_footnotes(lines: list[Line], body: float) -> tuple[list[Line], list[str], str]:
    """A page's lines below its last body-size line, set smaller and starting with a footnote
    marker, are its footnotes: (the other lines, the footnotes' texts, and the text of a note
    the page before cut off, which opens the zone unnumbered and in lower case: "suitable
    level 6 qualification is working directly with the children ...")."""
    body_lines = [x for x in lines if x.size >= body * FOOTNOTE_SIZE_RATIO]
    if not body_lines:
        return lines, [], ""
    floor = min(x.bottom for x in body_lines)
    zone = [x for x in lines if x.size < body * FOOTNOTE_SIZE_RATIO and x.top <= floor]
    zone.sort(key=lambda x: -x.top)
    carried = next((i for i, x in enumerate(zone) if x.marked), len(zone))
    if carried == len(zone) or (carried and not zone[0].text.lstrip()[:1].islower()):
        return lines, [], ""  # no numbered note: small print of another kind (a caption)
    notes: list[list[str]] = []
    for line in zone[carried:]:
        if line.marked or not notes:
            notes.append([])
        notes[-1].append(line.text)
    in_zone = {id(x) for x in zone}
    kept = [x for x in lines if id(x) not in in_zone]
    return kept, [_join_lines(n) for n in notes], _join_lines([x.text for x in zone[:carried]])


def _join_lines(texts: list[str]) -> str:
    """Lines of one paragraph joined; a line ending in a hyphen runs on without a space, and
    a word the typesetter broke over two lines is one word again ("func-" / "tion")."""
    out = ""
    for text in texts:
        text = text.strip()
        if not text:
            continue
        if out and out[-1] in _LINE_END_HYPHENS:
            out = joined_at_hyphen(out, text)
        else:
            out = f"{out} {text}" if out else text
    return out


# "-" and the hyphen a browser or typesetter inserts when it breaks a word (U+2010, and the
# soft hyphen when the PDF keeps it).
_LINE_END_HYPHENS = ("-", "\u2010", SOFT_HYPHEN)
_WORD_BEFORE = re.compile(r"([A-Za-z]+)\W$")
_WORD_AFTER = re.compile(r"[a-z]+")
WORD_TAIL = 64  # characters before a line-end hyphen searched for the word it breaks


def joined_at_hyphen(before: str, after: str) -> str:
    """`before` (ending in a hyphen) run on into the next line `after`: without the hyphen
    when the two halves make an English word ("func-" "tion" is "function"), with it when
    they do not ("co-" "opted", "decision-" "making"), a soft hyphen never shown."""
    # The word's start is near the end: searching the whole paragraph so far, line by line,
    # took quadratic time (80 pages of hyphenated lines: 42 s).
    start, end = _WORD_BEFORE.search(before[-WORD_TAIL:]), _WORD_AFTER.match(after)
    whole = bool(start and end and is_english_word(start.group(1) + end.group(0)))
    if whole or before[-1] == SOFT_HYPHEN:
        return before[:-1] + after
    return before[:-1] + "-" + after


# A word broken over two lines, as the PDF reader marks it: a soft hyphen ("func\u00adtion").
BROKEN_WORD = SOFT_HYPHEN
_BROKEN = re.compile(rf"([A-Za-z]+){BROKEN_WORD}([A-Za-z]+)")
_WRITTEN_WORD = re.compile(r"[A-Za-z]+(?:-[A-Za-z]+)*")


def rejoin_broken_words(pages: list[list[Line]]) -> list[list[Line]]:
    """Each word broken over two lines whole again, as the document itself writes it where no
    line breaks it ("Co-ordinators" stays hyphenated in a document that writes "Co-ordinator"),
    or as an English word ("func" "tion" is "function") when the document never writes it
    whole."""
    written = {
        word.lower()
        for lines in pages
        for line in lines
        for word in _WRITTEN_WORD.findall(line.text.replace(BROKEN_WORD, " "))
    }

    def settle(match: re.Match[str]) -> str:
        first, second = match.group(1), match.group(2)
        hyphenated, whole = f"{first}-{second}", first + second
        forms = {hyphenated.lower(), hyphenated.lower().removesuffix("s"), f"{hyphenated}s".lower()}
        if not forms & written and (whole.lower() in written or is_english_word(whole)):
            return whole
        return hyphenated

    return [
        [
            dataclasses.replace(line, text=_BROKEN.sub(settle, line.text))
            if BROKEN_WORD in line.text
            else line
            for line in lines
        ]
        for lines in pages
    ]


def _is_entry(text: str) -> bool:
    return bool(_LEADER_ENTRY.search(text) or _INDEX_ENTRY.match(text))


def drop_contents(lines: list[Line]) -> list[Line]:
    """A contents list (lines ending in page numbers, or an index of numbered titles) and the
    lines above it on its page ("Contents", "INDEX TO THE ARTICLES") are dropped, when entries
    are at least half of that stretch; the lines after its last entry are kept."""
    entries = [i for i, x in enumerate(lines) if _is_entry(x.text)]
    if len(entries) < MIN_CONTENTS_ENTRIES:
        return lines
    last = entries[-1]
    if len(entries) < CONTENTS_SHARE * (last + 1):
        return lines
    rest = lines[last + 1 :]
    if all(len(x.text.split()) <= MAX_HEADING_WORDS and not _SENTENCE_END.search(x.text)
           for x in rest):  # fmt: skip
        return []  # the list's last group title, its entries on the next page
    return rest


def _outline_headings(
    lines: list[Line], entries: list[OutlineEntry]
) -> tuple[list[tuple[int, int, int, str]], list[OutlineEntry]]:
    """Where each bookmark's title is on its page: (first line, last line, level, title); the
    entries whose title was not found among the lines."""
    found: list[tuple[int, int, int, str]] = []
    missing: list[OutlineEntry] = []
    cursor = 0
    for entry in entries:
        want = _key(entry.title)
        hit = None
        for i in range(cursor, len(lines)):
            got = _key(lines[i].text)
            if not got or not want.startswith(got):
                continue
            j = i
            while got != want and j + 1 < len(lines):
                longer = got + _key(lines[j + 1].text)
                if not want.startswith(longer):
                    break
                got, j = longer, j + 1
            if got == want:
                hit = (i, j)
                break
        if hit is None:
            missing.append(entry)
            continue
        found.append((hit[0], hit[1], entry.level, entry.title))
        cursor = hit[1] + 1
    return found, missing


def _is_cover(lines: list[Line], body: float) -> bool:
    """A first page of few words and no line of prose in body type: a title, a date, a logo."""
    return sum(len(x.text.split()) for x in lines) < COVER_MAX_WORDS and not any(
        x.size == body and len(x.text.split()) >= 5 for x in lines
    )


def _size_levels(pages: list[list[Line]], body: float) -> dict[float, int]:
    sizes = sorted(
        {x.size for lines in pages for x in lines if x.size >= body * HEADING_SIZE_RATIO},
        reverse=True,
    )
    return {size: min(i + 1, 5) for i, size in enumerate(sizes)}


def _is_caps(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 3 and all(c.isupper() for c in letters)


def _heading_level(lines: list[Line], i: int, levels: dict[float, int], body: float) -> int | None:
    """The level of line i as a heading found from its look, or None for body text: larger
    type by size; a bold or capitalised body-size line below those; a short title line just
    above a numbered clause ("Defined terms" over "1. In the articles") below that."""
    line = lines[i]
    words = len(line.text.split())
    # A numbered heading ("1. Aims", "2.3 Quorum") starts with a capital after its number.
    named = _HEADING_NUMBER.sub("", line.text)
    if words > MAX_HEADING_WORDS or _HEADING_END.search(line.text) or not named[:1].isupper():
        return None
    if line.size in levels:
        return levels[line.size]
    if line.size < body * FOOTNOTE_SIZE_RATIO or _is_entry(line.text):
        return None
    deeper = len(levels) + 1
    if _is_caps(line.text):
        return min(deeper, 6)
    if line.bold:
        return min(deeper + 1, 6)
    following = lines[i + 1].text if i + 1 < len(lines) else ""
    if words <= 10 and _CLAUSE_START.match(following) and not _NUMBERED_START.match(line.text):
        return min(deeper + 1, 6)
    return None


def _gap(above: Line, below: Line) -> float:
    """The space between two lines, in line heights (0 when they touch, negative if overlapping)."""
    return (above.bottom - below.top) / max(above.top - above.bottom, 1.0)


def usual_gap(pages: list[list[Line]]) -> float:
    """The line spacing: the narrowest gap between consecutive lines of the same size that is
    common (a page of one-line paragraphs has more paragraph gaps than line gaps). Lines set
    close may overlap a little (Arial at 11 pt, single spaced: -0.02 of a line)."""
    gaps: Counter[float] = Counter(
        round(_gap(a, b), 1)
        for lines in pages
        for a, b in itertools.pairwise(lines)
        if a.size == b.size and MIN_LINE_GAP <= _gap(a, b) < 3
    )
    common = max(2, COMMON_GAP_SHARE * sum(gaps.values()))
    frequent = [gap for gap, count in gaps.items() if count >= common]
    return min(frequent) if frequent else (gaps.most_common(1)[0][0] if gaps else 0.0)


def _paragraphs(
    number: int,
    lines: list[Line],
    headings: dict[int, tuple[int, int, str]],
    spacing: float,
    right_edge: float,
) -> list[_Block]:
    """A page's lines as blocks: headings (lines `headings` maps: first -> (last, level,
    title)), list items and paragraphs, split at bullets, numbered starts and wide gaps
    (`right_edge`: where the page's text ends on the right)."""
    blocks: list[_Block] = []
    current: list[str] = []
    kind = "text"
    previous: Line | None = None
    bullet_left: float | None = None  # where the bullet of the item being read stands

    def flush() -> None:
        nonlocal current, kind, bullet_left
        if current:
            blocks.append(_Block([(number, _join_lines(current))], kind))
        current, kind, bullet_left = [], "text", None

    i = 0
    while i < len(lines):
        line = lines[i]
        if i in headings:
            flush()
            last, level, title = headings[i]
            blocks.append(_Block([(number, "#" * level + " " + title)], "heading"))
            previous, i = None, last + 1
            continue
        text = line.text
        bullet = _BULLET.match(text)
        # A line that starts left of an item's bullet is the paragraph after the list, unless
        # the item plainly wraps there (some lists do).
        left_of_bullet = bullet_left is not None and line.left < bullet_left - OUTDENT
        if (
            bullet
            or (previous is not None and _breaks(previous, line, spacing, right_edge))
            or (left_of_bullet and not (previous and _wraps_on(previous, line, right_edge)))
        ):
            flush()
        if bullet:
            kind, bullet_left = "item", line.left
            text = text[bullet.end() :]
        elif _LETTERED.match(text):
            kind = "item"  # a lettered clause of a list: "(a) by ordinary resolution, or"
        current.append(text)
        previous = line
        i += 1
    flush()
    return blocks


def _breaks(previous: Line, line: Line, spacing: float, right_edge: float) -> bool:
    """Whether a new paragraph starts at `line`: a numbered start, a wide gap, a new size, a
    field after a field ("Number of pupils: 7,215")."""
    text = line.text
    # A wide gap ends a paragraph unless the line above plainly runs on (a comma or a hyphen
    # at its end, or a lower-case word on a line too full for the next word): documents
    # change line spacing within a page. A short line ending in a word ("Andrew Warren" over
    # "Chair of the Teaching Schools Council") was ended on purpose.
    runs_on = previous.text.endswith((",", "-")) or (
        previous.text[-1:].islower() and _full(previous, line, right_edge)
    )
    gap = (_gap(previous, line) > spacing + PARAGRAPH_GAP and not runs_on) or (
        previous.text.endswith(";") and text[:1] in "“\"‘'("
    )
    return bool(
        _NUMBERED_START.match(text)
        or gap
        or (_FIELD.match(text) and _FIELD.match(previous.text))
        or abs(previous.size - line.size) > 0.15 * line.size
    )


def _wraps_on(previous: Line, line: Line, right_edge: float) -> bool:
    """Whether `line` carries on the sentence of the line above rather than starting a new
    paragraph: the line above ends mid-sentence, and either this one goes on in lower case or
    its first word would not have fitted on the line above (a ragged line is full)."""
    if _SENTENCE_END.search(previous.text):
        return False
    if line.text[:1].islower():
        return True
    return _full(previous, line, right_edge)


def _full(previous: Line, line: Line, right_edge: float) -> bool:
    """Whether `line`'s first word would not have fitted at the end of the line above."""
    first_word = line.text.split(" ", 1)[0]
    return previous.right + (len(first_word) + 1) * AVERAGE_CHARACTER * line.size > right_edge


def _continues(before: _Block, after: _Block) -> bool:
    """A paragraph cut by a page break: no sentence end, and the next page goes straight on."""
    if before.kind not in ("text", "item") or after.kind != "text":
        return False
    left, right = before.text, after.pieces[0][1]
    if _SENTENCE_END.search(left) or _NUMBERED_START.match(right):
        return False
    return right[:1].islower() or left[-1:].islower() or left.endswith((",", "-", "–"))


def lay_out(pages: list[list[Line]], outline: list[OutlineEntry], title: str = "") -> Laid:
    """Read pages of lines (top to bottom) into the section parser's shape; see the module."""
    pages = _without_noise(pages)
    body = body_size(pages)
    outline = [e for e in outline if 1 <= e.page <= len(pages)]
    front = _front_matter(pages, outline, body)
    pages, cover_title = _cover_title(pages, 1 not in front, body, title)
    levels = _size_levels(pages, body)
    spacing = usual_gap(pages)
    laid = [
        (number, *_page_blocks(number, lines, outline, levels, body, spacing))
        for number, lines in enumerate(pages, start=1)
        if number not in front
    ]
    blocks: list[_Block] = []
    held: _Block | None = None
    for index, (number, page_blocks, note_blocks, carried) in enumerate(laid):
        if carried:
            # A note cut off at the page before ends here: it is read whole, among this
            # page's notes (so its first part is on this page's count).
            note_blocks.insert(0, held or _Block([], "note"))
            note_blocks[0].pieces.append((number, carried))
        following = laid[index + 1] if index + 1 < len(laid) else None
        held = note_blocks.pop() if following and following[3] and note_blocks else None
        _add_page(blocks, page_blocks, note_blocks)
    return _to_text(blocks, len(pages), cover_title)


_CONTENTS_TITLE = re.compile(r"(table of )?contents", re.IGNORECASE)


def _holds_prose(lines: list[Line]) -> bool:
    """Whether a page holds a line of prose once any contents list on it is left out (a page
    titled "Contents" holds none, however long its entries)."""
    if lines and _CONTENTS_TITLE.fullmatch(lines[0].text.strip()):
        return False
    return any(len(x.text.split()) >= PROSE_WORDS for x in drop_contents(lines))


def _front_matter(pages: list[list[Line]], outline: list[OutlineEntry], body: float) -> set[int]:
    """The pages before the text, not read: a cover, and before the first bookmark every page
    that holds no prose (contents). A foreword or summary nobody bookmarked is read."""
    front = {1} if len(pages) > 1 and _is_cover(pages[0], body) else set()
    bookmarked = min((e.page for e in outline), default=1)
    return front | {n for n in range(1, bookmarked) if not _holds_prose(pages[n - 1])}


def _cover_title(
    pages: list[list[Line]], first_read: bool, body: float, title: str = ""
) -> tuple[list[list[Line]], str]:
    """The title the first page shows (its first run of its largest lines), and the pages
    without it when the first page is read (`first_read`: the text starts there). When the
    file's properties give a `title` that line does not share, the line is a heading
    ("Foreword", "1 Introduction"), and stays in the text."""
    if not (pages and pages[0]):
        return pages, ""
    largest = max(x.size for x in pages[0])
    title_lines: list[str] = []
    for line in pages[0]:
        if line.size != largest:
            if title_lines:
                break
            continue
        title_lines.append(line.text)
    named = set(_WRITTEN_WORD.findall(title.lower()))
    shown = set(_WRITTEN_WORD.findall(" ".join(title_lines).lower()))
    if named and len(shown & named) < TITLE_SHARE * len(shown):
        return pages, ""  # the properties name the document: this line is a heading
    if first_read and largest > body * HEADING_SIZE_RATIO:
        # The title set largest at the top of a first page is the document's title.
        title_set = set(title_lines)
        first = [x for x in pages[0] if not (x.size == largest and x.text in title_set)]
        pages = [first, *pages[1:]]
    return pages, _join_lines(title_lines)


def _page_blocks(
    number: int,
    all_lines: list[Line],
    outline: list[OutlineEntry],
    levels: dict[float, int],
    body: float,
    spacing: float,
) -> tuple[list[_Block], list[_Block], str]:
    """One page's headings and paragraphs, and apart from them its footnotes and the end of a
    note the page before cut off."""
    lines, notes, carried = split_footnotes(all_lines, body)
    lines = drop_contents(lines)
    # Where the page's text ends on the right: a line ending well short of it ended on purpose.
    right_edge = max((line.right for line in lines), default=0.0)
    page_blocks: list[_Block] = []
    if outline:
        found, missing = _outline_headings(lines, [e for e in outline if e.page == number])
        headings = {first: (last, level, title) for first, last, level, title in found}
        page_blocks = [_Block([(number, "#" * e.level + " " + e.title)], "heading")
                       for e in missing]  # fmt: skip
    else:
        headings = _headings_by_look(lines, levels, body, right_edge)
    page_blocks += _paragraphs(number, lines, headings, spacing, right_edge)
    note_blocks = [_Block([(number, note)], "note") for note in notes if note]
    return page_blocks, note_blocks, carried


def _headings_by_look(
    lines: list[Line], levels: dict[float, int], body: float, right_edge: float
) -> dict[int, tuple[int, int, str]]:
    """A page's headings found by their size and weight (for a PDF without an outline):
    first line -> (last line, level, text)."""
    headings: dict[int, tuple[int, int, str]] = {}
    i = 0
    while i < len(lines):
        level = _heading_level(lines, i, levels, body)
        if level is None:
            i += 1
            continue
        # A heading wrapped over several lines of the same look is one heading; a line whose
        # first word would have fitted on the one above starts another ("Health" above
        # "Medicines": a section and its first subsection, set alike).
        last = i
        while (
            last + 1 < len(lines)
            and lines[last + 1].size == lines[i].size
            and lines[last + 1].bold == lines[i].bold
            and (
                (
                    _heading_level(lines, last + 1, levels, body) == level
                    and _words(lines[i : last + 2]) <= MAX_HEADING_WORDS
                    and _heading_wraps_on(lines[last], lines[last + 1], right_edge)
                )
                or _ends_heading(lines[i : last + 2])
            )
            and _gap(lines[last], lines[last + 1]) <= HEADING_LINE_GAP
        ):
            last += 1
        title = _join_lines([x.text for x in lines[i : last + 1]])
        if _runs_into_text(lines, last, right_edge) or title.endswith(","):
            i = last + 1  # the first lines of a paragraph set in bold, not a heading
            continue
        headings[i] = (last, level, title)
        i = last + 1
    return headings


# A heading's line that cannot be all of it: a label ("PART 1", "Annex A") or a line ending on a
# comma, a dash or a joining word ("... CONFEDERATION OF SCHOOL TRUSTS,", "Safety and").
_HEADING_LABEL = re.compile(
    r"^(?:part|section|chapter|annex|appendix|schedule|article|unit)\s+"
    r"(?:\d{1,3}[a-z]?|[ivxlc]{1,6}|[a-z])\W*$",
    re.I,
)
_HEADING_JOINS = re.compile(
    r"(?:[,:–—&-]|\b(?:and|or|of|the|for|in|with|by|to|on|at|from|a|an))\s*$", re.I
)


def _heading_wraps_on(previous: Line, line: Line, right_edge: float) -> bool:
    """Whether `line` goes on with the heading on the line above: that line is a label or
    ends on a joining word, or `line` carries on its words as wrapped text does (a centred
    heading's lines are never full, so only the words tell)."""
    text = previous.text.strip()
    if _HEADING_LABEL.match(text) or _HEADING_JOINS.search(text):
        return True
    return _wraps_on(previous, line, right_edge)


def _ends_heading(lines: list[Line]) -> bool:
    """Whether the last of `lines` ends a heading wrapped over them in lower case ("Local
    boards as drivers, enablers or" / "inhibitors?"): short in all, and no sentence end but a
    question mark."""
    last = lines[-1].text
    return (
        last[:1].islower()
        and _words(lines) <= MAX_HEADING_WORDS
        and _HEADING_END.search(last) is None
    )


def _words(lines: list[Line]) -> int:
    return sum(len(line.text.split()) for line in lines)


def _runs_into_text(lines: list[Line], last: int, right_edge: float) -> bool:
    """Whether the line after a heading's last one, set the same way and as close as its own
    lines, carries on its sentence (in lower case, or after a line too full for its first
    word): then the "heading" opens a paragraph set in bold ("RECOMMENDATION: The inspectorate
    should have a role in the aggregation of insights as it" above "acknowledges in its recent
    strategy. ..."). A bold heading above a bold sentence is still a heading."""
    if last + 1 >= len(lines):
        return False
    line, following = lines[last], lines[last + 1]
    return (
        following.size == line.size
        and following.bold == line.bold
        and _gap(line, following) <= HEADING_LINE_GAP
        and _wraps_on(line, following, right_edge)
    )


def _add_page(blocks: list[_Block], page_blocks: list[_Block], note_blocks: list[_Block]) -> None:
    """Add a page's blocks to those before it: a paragraph the page break cut is joined."""
    if blocks and page_blocks and _continues(blocks[-1], page_blocks[0]):
        blocks[-1].pieces.extend(page_blocks.pop(0).pieces)
    if note_blocks:
        # Footnotes go after the page's last whole paragraph: one cut by the page's end
        # runs on to the next page, and a note must not sit inside its sentence; nor between
        # a list's lead-in ("For children aged three and over in ...:") and its items.
        last = page_blocks[-1].text if page_blocks else ""
        cut = bool(page_blocks) and (
            not _SENTENCE_END.search(last) or last.rstrip().endswith(_LEADS_IN)
        )
        at = len(page_blocks) - 1 if cut and page_blocks[-1].kind != "heading" else len(page_blocks)
        page_blocks[at:at] = note_blocks
    blocks.extend(page_blocks)


def _to_text(blocks: list[_Block], page_count: int, cover_title: str) -> Laid:
    parts: list[str] = []
    page_starts: list[int] = []
    offset = 0
    for block in blocks:
        prefix = "- " if block.kind == "item" else ""
        for index, (page, text) in enumerate(block.pieces):
            lead = prefix if index == 0 else " "
            if index:  # the space joining a cut paragraph belongs to the page before
                parts.append(lead)
                offset += len(lead)
            while len(page_starts) < page:
                page_starts.append(offset)
            piece = (
                text if index else lead + (text if block.kind == "heading" else as_paragraph(text))
            )
            parts.append(piece)
            offset += len(piece)
        parts.append("\n\n")
        offset += 2
    while len(page_starts) < page_count:
        page_starts.append(offset)
    text = "".join(parts).rstrip("\n") + "\n"
    return Laid(text, tuple(page_starts), cover_title)


def median_size(sizes: list[float]) -> float:
    """A line's size: the median of its characters' heights, to the nearest tenth."""
    return round(statistics.median(sizes), 1)
