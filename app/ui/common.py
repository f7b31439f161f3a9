"""What every page shares: the one loaded assistant, settings, safe text and source cards."""

from __future__ import annotations

import dataclasses
import html
import re
from collections.abc import Sequence
from typing import Literal

import streamlit as st
from PIL import Image, ImageDraw

from app.duty_register import load_register
from app.feedback import FeedbackStore
from app.quiz import QuizItem, quiz_items
from app.resources import (
    IndexMissingError,
    IndexUnusableError,
    index_status,
    load_assistant,
    make_answerer,
)
from app.settings import Settings
from engine.answers import Answerer, Citation
from engine.assistant import Assistant
from index.duty_registers import Register
from index.store import StoreUnavailableError
from ingest.types import Chunk
from ingest.words import load_english_in_background

CARD_CLASS = "govassist-card"
QUOTE_CLASS = "govassist-quote"
# A document or a passage's neighbours shown in a box that scrolls on its own, opened at the
# cited sentences: the dialog's title and close button, and the popover, stay on the screen.
SCROLL_CLASS = "govassist-scroll"
_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+\-.!|>~<$:])")


# A web address in text becomes a live link in Streamlit's Markdown even with its characters
# escaped: a zero-width space after "://" and after "www" keeps it text.
_AUTOLINK = re.compile(r"(\\:)(?=//)|(?<![\w.])(www)(?=\\\.)", re.I)


def escape(text: str) -> str:
    """Document and user text is shown as text: markdown characters are escaped, no HTML, and
    no web address made a link."""
    escaped = _MARKDOWN_SPECIALS.sub(r"\\\1", text)
    return _AUTOLINK.sub(lambda m: (m.group(1) or m.group(2)) + "\u200b", escaped)


def index_problem(error: IndexMissingError) -> str:
    """What to tell a user whose page cannot load the index: an intact index that cannot be
    opened just now (a full disk) is not "nothing indexed"."""
    if isinstance(error, IndexUnusableError):
        return escape(str(error))
    return escape(f"No documents are indexed yet: {error}")


@st.cache_resource
def settings() -> Settings:
    return Settings()


def live_register() -> Register | None:
    """The live index's duties register, or None once the page has said why there is none
    (nothing indexed yet, or a store that cannot be reached just now)."""
    try:
        return load_register(settings())
    except IndexMissingError as error:
        st.error(index_problem(error))
    except StoreUnavailableError as error:
        st.error(escape(str(error)))
    return None


def shared_assistant() -> Assistant:
    """The assistant over the live index version, loaded once per server process and shared by
    every session: a room of 40 people costs one model in memory, not 40. Answering is
    thread-safe. A rebuild makes a new version live; the next question picks it up."""
    manifest = index_status(settings())
    return _assistant_for(manifest.collection if manifest else "")


@st.cache_resource(show_spinner="Loading the model and the index…", max_entries=2)
def _assistant_for(collection: str) -> Assistant:
    assistant = load_assistant(settings())
    # A served app answers many questions: embed the passages' sentences now, in the
    # background, rather than on each question's first sight of them.
    assistant.sentence_embeddings.warm_in_background(list(assistant.index.chunks.values()))
    load_english_in_background()
    return assistant


def shared_answerer() -> Answerer:
    """The configured answerer (extractive, or a language model checked by it), shared."""
    manifest = index_status(settings())
    return _answerer_for(manifest.collection if manifest else "")


@st.cache_resource(max_entries=2)
def _answerer_for(collection: str) -> Answerer:
    return make_answerer(settings(), shared_assistant())


@st.cache_resource
def feedback_store() -> FeedbackStore:
    return FeedbackStore(settings().data_dir / "feedback.sqlite3")


def _paragraphs_html(text: str, start: int = 0, end: int = 0, *more: tuple[int, int]) -> str:
    """`text` as HTML paragraphs, escaped, with `text[start:end]` (and each span of `more`)
    marked.

    The mark is closed and opened again at each paragraph break, so a quote that runs over two
    paragraphs is highlighted in both (a mark cannot span paragraphs; in Markdown the directive
    broke there and showed its brackets as text)."""
    spans = sorted(span for span in ((start, end), *more) if span[0] < span[1])
    parts: list[str] = []
    offset = 0
    for paragraph in re.split(r"(\n\s*\n)", text):
        p_start, p_end = offset, offset + len(paragraph)
        offset = p_end
        if not paragraph.strip():
            continue
        body, at = "", 0
        for span_start, span_end in spans:
            lo, hi = max(span_start - p_start, at), min(span_end, p_end) - p_start
            if lo < hi and paragraph[lo:hi].strip():
                body += html.escape(paragraph[at:lo])
                body += f'<mark class="{QUOTE_CLASS}">{html.escape(paragraph[lo:hi])}</mark>'
                at = hi
        parts.append(f"<p>{body + html.escape(paragraph[at:])}</p>")
    return "".join(parts)


def passage_html(citation: Citation, also: Sequence[Citation] = ()) -> str:
    """The cited passage as escaped HTML paragraphs with its supporting quote marked, and the
    quotes of `also` (other citations of the same passage)."""
    start, end = citation.highlight
    return _paragraphs_html(citation.text, start, end, *(other.highlight for other in also))


def source_anchor(turn: int | str, n: int) -> str:
    """The id of source card `n` of answer `turn`, which the answer's [n] links to."""
    return f"answer-{turn}-source-{n}"


_MARKER = re.compile(r"\\\[(\d+)\\\]")  # [n] as `escape` leaves it


def linked_markers(markdown: str, cited: set[int], turn: int | str) -> str:
    """Escaped answer Markdown with each [n] of a cited passage made a link to its card."""

    def link(match: re.Match[str]) -> str:
        n = int(match.group(1))
        return f"[\\[{n}\\]](#{source_anchor(turn, n)})" if n in cited else match.group(0)

    return _MARKER.sub(link, markdown)


def card_html(
    citation: Citation, anchor: str, also: Sequence[Citation] = (), also_anchors: Sequence[str] = ()
) -> str:
    """A source card's body: title, author and year, heading path and page, the passage.

    Another citation of the same passage (`also`, two runs of it quoted as [1] and [3]) is
    shown on the same card, its quote marked too and its [n] linking here (`also_anchors`).
    Character offsets are not shown: they mean nothing to a reader (they stay in the answer
    JSON and in the exports)."""
    page = f" · page {citation.page}" if citation.page else ""
    numbers = " ".join(f"[{c.n}]" for c in (citation, *also))
    targets = "".join(f'<span id="{html.escape(a)}"></span>' for a in also_anchors)
    return (
        f'<div class="{CARD_CLASS}" id="{html.escape(anchor)}">{targets}'
        f'<p class="govassist-source">{numbers} {html.escape(citation.byline)}</p>'
        f'<p class="govassist-where">{html.escape(citation.section + page)}</p>'
        f"{passage_html(citation, also)}</div>"
    )


def nearby_html(chunk: Chunk) -> str:
    """A nearby passage as a card's body: its document and page, then its text (nothing is
    marked: nothing in it was quoted as an answer)."""
    page = f" · page {chunk.page}" if chunk.page else ""
    return (
        f'<div class="{CARD_CLASS}"><p class="govassist-source">{html.escape(chunk.title)}{page}'
        f"</p>{_paragraphs_html(chunk.text)}</div>"
    )


def neighbours(assistant: Assistant, chunk_id: str) -> tuple[Chunk | None, Chunk | None]:
    """The passages just before and after one, in the same document."""
    index = assistant.index
    me = index.chunks.get(chunk_id)
    if me is None:
        return None, None
    return index.previous_passage(me), index.next_passage(me)


def context_html(assistant: Assistant, citation: Citation) -> str:
    """The cited passage between its neighbours in the document, each under its heading path."""
    before, after = neighbours(assistant, citation.chunk_id)
    start, end = citation.highlight
    parts = []
    shown = ""
    for section, body in (
        (before.section_path if before else "", _paragraphs_html(before.text) if before else ""),
        (citation.section, _paragraphs_html(citation.text, start, end)),
        (after.section_path if after else "", _paragraphs_html(after.text) if after else ""),
    ):
        if not body:
            continue
        if section != shown:  # a heading path once above the passages under it
            parts.append(f'<p class="govassist-where">{html.escape(section)}</p>')
            shown = section
        parts.append(body)
    return f'<div class="{CARD_CLASS} {SCROLL_CLASS}">{"".join(parts)}</div>'


QUOTE_IN_DOCUMENT = "govassist-cited-here"

# Where an earlier answer's passage stands now: an admin may have removed its document since,
# or replaced it with a version that no longer has the passage.
PassageState = Literal["in place", "replaced", "removed"]


def where_now(assistant: Assistant, citation: Citation) -> Citation:
    """The citation pointed at the passage that holds its quoted sentences now: a replaced
    document whose new version still has them word for word ("2024" changed to "2025"
    elsewhere) has them in a passage of another id. The citation as it was when none does."""
    chunks = assistant.index.chunks
    if citation.chunk_id in chunks or not citation.chunk_id:
        return citation
    start, end = citation.highlight
    quoted = citation.text[start:end]
    for chunk in chunks.values():
        at = chunk.text.find(quoted) if chunk.doc_id == citation.doc_id and quoted else -1
        if at >= 0:
            return dataclasses.replace(
                citation, chunk_id=chunk.id, text=chunk.text, highlight=(at, at + len(quoted))
            )
    return citation


def live_quiz_items() -> list[QuizItem]:
    """The gold set's quiz items over the live index version (the Training page's quiz, the Ask
    page's starters): a document removed in the library takes its questions with it."""
    manifest = index_status(settings())
    return _quiz_items_for(manifest.collection if manifest else "")


@st.cache_resource(max_entries=2)
def _quiz_items_for(collection: str) -> list[QuizItem]:
    return quiz_items(list(shared_assistant().index.chunks.values()))


def passage_state(assistant: Assistant, citation: Citation) -> PassageState:
    """Whether the cited passage is still in the library, as the answer cited it."""
    chunks = assistant.index.chunks
    if citation.chunk_id in chunks:
        return "in place"
    if not any(c.doc_id == citation.doc_id for c in chunks.values()):
        return "removed"
    return "replaced" if citation.chunk_id else "in place"


def gone_notice(state: PassageState, citation: Citation) -> str:
    """Why the cited passage cannot be shown in its document now ("" when it can)."""
    if state == "removed":
        return (
            f"“{citation.title}” is no longer in the library: it was removed or replaced after "
            "this answer was given."
        )
    if state == "replaced":
        return (
            f"“{citation.title}” has been replaced since this answer was given, and the cited "
            "passage is not in the version now in the library."
        )
    return ""


def document_html(assistant: Assistant, citation: Citation) -> str:
    """The whole cited document, passage by passage in order, each heading path and page once
    above what falls under it, the cited sentences marked (and given an id to scroll to)."""
    passages = sorted(
        (c for c in assistant.index.chunks.values() if c.doc_id == citation.doc_id),
        key=lambda c: c.start,
    )
    parts: list[str] = []
    section, page = "", None
    for passage in passages:
        if passage.section_path != section:
            section = passage.section_path
            parts.append(f'<p class="govassist-where">{html.escape(section)}</p>')
        if passage.page is not None and passage.page != page:
            page = passage.page
            parts.append(f'<p class="govassist-where">Page {page}</p>')
        if passage.id == citation.chunk_id:
            start, end = citation.highlight
            parts.append(
                f'<div id="{QUOTE_IN_DOCUMENT}">{_paragraphs_html(passage.text, start, end)}</div>'
            )
        else:
            parts.append(_paragraphs_html(passage.text))
    return f'<div class="{CARD_CLASS} {SCROLL_CLASS}">{"".join(parts)}</div>'


@st.dialog("The whole document", width="large")
def _whole_document(assistant: Assistant, citation: Citation) -> None:
    st.markdown(f"**{escape(citation.byline)}**")
    state = passage_state(assistant, citation)
    notice = gone_notice(state, citation)
    if state == "removed":  # nothing of it to show: an empty page would say nothing
        st.warning(escape(f"{notice} The passage as it was cited is on the source card."))
        return
    if state == "replaced":
        st.warning(escape(f"{notice} The version now in the library is below, nothing marked."))
        st.html(document_html(assistant, citation))
        return
    page = f"page {citation.page}" if citation.page else ""
    where = " · ".join(part for part in (citation.section, page) if part)  # a cover has neither
    cited = f"Cited: {where}. " if where else ""
    st.caption(escape(f"{cited}The cited sentences are marked below."))
    st.html(document_html(assistant, citation))
    st.html(OPEN_AT_THE_QUOTE, unsafe_allow_javascript=True)


# Each scrolling box, once it is on screen (a popover opened, a dialog drawn), scrolled within
# itself to its first marked sentence, a third of the way down; the page itself does not move.
OPEN_AT_THE_QUOTE = f"""<script>(() => {{
  const open = (box) => {{
    const at = box.querySelector("mark.{QUOTE_CLASS}");
    if (at) box.scrollTop = Math.max(0, at.offsetTop - box.clientHeight / 3);
  }};
  const watch = () => document.querySelectorAll(".{SCROLL_CLASS}").forEach((box) => {{
    if (box.dataset.watched) return;
    box.dataset.watched = "1";
    new IntersectionObserver((seen) => seen.forEach((e) => e.isIntersecting && open(box)))
      .observe(box);
  }});
  setTimeout(watch, 100);
  setTimeout(watch, 600);
}})();</script>"""


def source_card(
    citation: Citation,
    assistant: Assistant | None = None,
    turn: int | str = 0,
    also: Sequence[Citation] = (),
) -> None:
    """Title, author, year, heading path, page, and the passage with the quote highlighted
    (and those of `also`, the other citations of the same passage); its id is the one the
    answer's [n] links to."""
    with st.container(border=True):
        anchors = [source_anchor(turn, other.n) for other in also]
        st.html(card_html(citation, source_anchor(turn, citation.n), also, anchors))
        if assistant is not None:
            citation = where_now(assistant, citation)  # its document may have been replaced
            nearby, whole = st.columns([1, 1])
            with nearby.popover("Show in document"):
                if notice := gone_notice(passage_state(assistant, citation), citation):
                    st.warning(escape(f"{notice} Below is the passage as it was cited."))
                st.html(context_html(assistant, citation))
                st.html(OPEN_AT_THE_QUOTE, unsafe_allow_javascript=True)
            key = f"whole-{turn}-{citation.n}"
            if whole.button("Open the whole document", key=key):
                _whole_document(assistant, citation)


# The highlight must survive a washed-out projector: dark text on a strong yellow is 12.2:1
# (WCAG AA asks 4.5:1), the yellow 1.43:1 against the white page (the orange tint it replaces
# was 1.07:1), and an underline at 6.3:1 still marks the quote where a projector loses the
# yellow altogether.
PAGE_STYLE = f"""<style>
.{CARD_CLASS} p {{ margin: 0 0 0.6rem 0; line-height: 1.6; }}
.{CARD_CLASS} .govassist-source {{ font-weight: 600; }}
.{CARD_CLASS} .govassist-where {{ opacity: 0.8; font-size: 0.875rem; }}
.{CARD_CLASS} mark.{QUOTE_CLASS} {{
  background: #ffd43b; color: #1a1a1a; padding: 0.05em 0.15em;
  border-bottom: 3px solid #7a5c00; box-decoration-break: clone;
  -webkit-box-decoration-break: clone;
}}
[data-testid="stChatMessage"], .{CARD_CLASS} {{ scroll-margin-top: 4.5rem; }}
.{SCROLL_CLASS} {{ max-height: 60vh; overflow-y: auto; position: relative; }}
/* Streamlit's captions are its text colour at 60%: 3.9:1 on white, under WCAG AA's 4.5:1 for
   small text (axe-core). At 80% of the same colour they are 7.2:1, in a dark theme too. */
[data-testid="stCaptionContainer"] {{ color: inherit; opacity: 0.8; }}
</style>"""
# For a projector at the back of a room: about one and a half times the type everywhere.
PRESENTATION_STYLE = """<style>
html { font-size: 24px; }
[data-testid="stMarkdownContainer"] p, [data-testid="stMarkdownContainer"] li,
.govassist-card p { font-size: 1.25rem; }
/* The sidebar is for the trainer, not the room: at its usual size its page names and the
   presentation switch fit on one line each ("Governance map" was cut on a 1024 x 768 screen). */
[data-testid="stSidebar"] { zoom: 0.7; }
[data-testid="stSidebar"][data-collapsed="false"] {  /* 430 px at 0.7: its usual 300 on screen */
  width: 430px !important; min-width: 430px !important;
}
</style>"""


@st.cache_resource
def page_icon() -> Image.Image:
    """The browser tab's icon, drawn here: a Material icon as page icon is fetched by every
    browser from fonts.gstatic.com, and nothing may leave a school's machine."""
    icon = Image.new("RGBA", (64, 64), (0, 0, 0, 0))
    draw = ImageDraw.Draw(icon)
    draw.rounded_rectangle((8, 6, 56, 58), radius=6, fill=(31, 78, 121, 255))  # a closed book
    draw.rectangle((16, 6, 20, 58), fill=(255, 255, 255, 255))
    for y in (20, 30, 40):
        draw.line((26, y, 48, y), fill=(255, 255, 255, 255), width=3)
    return icon


def page_style(presentation: bool) -> None:
    """The app's own styles (source cards, highlight), and large type for presentation."""
    st.html(PAGE_STYLE + (PRESENTATION_STYLE if presentation else ""))
