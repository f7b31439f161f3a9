"""Ask: the chat. Short answers with [n] markers, each leading to its source card."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace

import streamlit as st

from app.export import file_name, to_html, to_markdown
from app.feedback import FeedbackUnavailable
from app.resources import IndexMissingError, index_status
from app.starters import starter_questions
from app.ui.common import (
    escape,
    feedback_store,
    index_problem,
    linked_markers,
    live_quiz_items,
    nearby_html,
    settings,
    shared_answerer,
    shared_assistant,
    source_card,
)
from app.ui.conversation_list import (
    conversation_key,
    current_turns,
    save,
    sidebar_conversations,
)
from engine.answers import Answer, Citation
from engine.followup import answered_turn, how_read, said
from engine.question_text import MAX_QUESTION_CHARS
from index.store import StoreUnavailableError
from index.types import Filters
from ingest.governance import SPACES
from ingest.types import Chunk


@st.cache_resource(max_entries=2)
def _starters_for(collection: str) -> list[str]:
    """The starter questions of one index version (see app/starters.py)."""
    assistant = shared_assistant()
    answerable = [item.question for item in live_quiz_items()]
    return starter_questions(assistant.index.chunks.values(), assistant.register, answerable)


def starters() -> list[str]:
    """The starter questions for the library as it is now."""
    manifest = index_status(settings())
    return _starters_for(manifest.collection if manifest else "")


def sidebar_filters() -> Filters:
    """Limits on the answers: documents, spaces of the governance frame, actors."""
    manifest = index_status(settings())
    assistant = shared_assistant()
    with st.sidebar:
        st.header("Limit the answers")
        documents = {e.doc_id: e.title for e in manifest.files.values()} if manifest else {}
        chosen_docs = st.multiselect(
            "Documents", list(documents), format_func=lambda d: documents.get(d, d)
        )
        chosen_spaces = st.multiselect("Spaces", list(SPACES), format_func=str.capitalize)
        actors = sorted({c.tags.actor for c in assistant.index.chunks.values() if c.tags.actor})
        chosen_actors = st.multiselect("Actors", actors)
    return Filters(tuple(chosen_docs), tuple(chosen_spaces), tuple(chosen_actors))


def sidebar_conversation(turns: list[tuple[str, Answer]]) -> None:
    """The browser's conversations, and exports of the open one, drawn after the chat so a new
    answer is already in the export."""
    manifest = index_status(settings())
    assistant = shared_assistant()
    sidebar_conversations(turns)
    with st.sidebar:
        st.header("This conversation")
        st.download_button(
            "Download as Markdown", to_markdown(turns), file_name(turns, "md"),
            mime="text/markdown", disabled=not turns,
        )  # fmt: skip
        st.download_button(
            "Download printable page (HTML)", to_html(turns), file_name(turns, "html"),
            mime="text/html", disabled=not turns,
        )  # fmt: skip
        if manifest:
            chunks = len(assistant.index.chunks)
            st.caption(
                f"Index: {len(manifest.files)} documents, {chunks} passages, model "
                f"{manifest.model}, built {manifest.built_at}."
            )


_SENTENCE_END = re.compile(r"(?<=[.?!\]])\s+")


def linked(answer: Answer, turn: int) -> str:
    """The answer as escaped Markdown, each [n] a link to source card n of this answer."""
    return linked_markers(escape(answer.text), {c.n for c in answer.citations}, turn)


def stream(answer: Answer, turn: int) -> Iterator[str]:
    """The answer sentence by sentence, so it appears as it is read out. (Word by word sent
    one message per word to the browser: in a full room that cost more than the answers.)"""
    for sentence in _SENTENCE_END.split(linked(answer, turn)):
        yield sentence + " "


# The chat keeps the page scrolled to its bottom while content arrives, which left a new
# answer above the screen with only its last source card in view. Once the page has stopped
# growing and moving (three checks 100 ms apart find the same height and position), the newest
# answer's top is brought to the top of the screen. The chat lets go of the bottom when it sees
# a reader's scroll while nothing grows; it checks scrolls at most every 100 ms but pulls back
# 34 ms after the page leaves the bottom, so the scroll is reported to it at once (a scroll
# event), after a wheel event that stops any slide to the bottom it has begun. Tried again (at
# most 10 times) if the page was pulled back; the answer is in place when three checks find it
# there (or the page cannot scroll further). Then `data-govassist-shown` on the page's body
# names the answer, for whoever waits on it. All within 15 s.
_SHOW_NEWEST = """<script>
(() => {
  const pane = document.querySelector('[data-testid="stAppScrollToBottomContainer"]');
  let seen = "", quiet = 0, held = 0, tries = 0, checks = 0;
  const timer = setInterval(() => {
    checks += 1;
    const messages = document.querySelectorAll('[data-testid="stChatMessage"]');
    const newest = messages[messages.length - 1];
    if (!pane || !newest || checks > 150) { clearInterval(timer); return; }
    const now = pane.scrollHeight + "/" + pane.scrollTop;
    quiet = now === seen ? quiet + 1 : 0;
    seen = now;
    if (quiet < 3) { return; }
    const top = newest.getBoundingClientRect().top - pane.getBoundingClientRect().top;
    const margin = parseFloat(getComputedStyle(newest).scrollMarginTop) || 0;
    const atEnd = pane.scrollTop + pane.clientHeight >= pane.scrollHeight - 1;
    if (Math.abs(top - margin) > 2 && !(atEnd && top >= margin - 2)) {
      held = 0;
      if (tries < 10) {
        tries += 1;
        pane.dispatchEvent(new WheelEvent("wheel", { bubbles: true }));
        newest.scrollIntoView({ block: "start" });
        pane.dispatchEvent(new Event("scroll"));
      }
      return;
    }
    held += 1;
    if (held >= 3) {
      clearInterval(timer);
      document.body.dataset.govassistShown = "%d";
    }
  }, 100);
})();
</script>"""


# The chat box has the keyboard when the page opens, unless something else already has it: it
# took 19 Tabs from the page's top to reach it. The box may be drawn after this script runs (a
# busy server, a slow machine): it is looked for again every 100 ms, for at most 10 s.
_FOCUS_THE_CHAT = """<script>
(() => {
  let tries = 0;
  const focus = () => {
    const box = document.querySelector('[data-testid="stChatInput"] textarea');
    const free = !document.activeElement || document.activeElement === document.body;
    if (box) { if (free) { box.focus({ preventScroll: true }); } return; }
    if (++tries < 100) { setTimeout(focus, 100); }
  };
  setTimeout(focus, 100);
})();
</script>"""


def feedback_controls(index: int, question: str, answer: Answer, history: list[str]) -> None:
    """Thumbs up or down, and an optional reason, stored with the question and citations."""
    recorded: dict[int, int] = st.session_state.setdefault("feedback_ids", {})
    rating = st.feedback("thumbs", key=f"feedback-{conversation_key()}-{index}")
    if rating is None:
        return
    if index not in recorded:
        # A rating that could not be saved stays chosen on the page, and this runs again on
        # the next rerun: it is saved as soon as the server can write.
        try:
            recorded[index] = feedback_store().record(answer, 1 if rating == 1 else -1, history)
        except FeedbackUnavailable as error:
            st.warning(
                escape(f"Your rating is not saved yet: {error}.")
                + " It stays chosen here and is saved on your next click once the server can"
                " write again."
            )
            return
        st.toast("Thanks: your feedback is saved.")
    if rating == 0:
        key = f"{conversation_key()}-{index}"
        with st.form(key=f"reason-form-{key}", border=False):
            reason = st.text_input("What was wrong? (optional)", key=f"reason-{key}")
            if st.form_submit_button("Send") and reason.strip():
                try:
                    feedback_store().set_reason(recorded[index], reason)
                    st.toast("Reason saved.")
                except FeedbackUnavailable as error:
                    st.warning(
                        escape(f"Your reason is not saved: {error}.")
                        + " It stays in the box: send it again later."
                    )


def as_shown(answer: Answer, nearby: list[tuple[str, Chunk]]) -> Answer:
    """A refusal whose nearby sections each open below it names them only there: listed in
    the sentence as well, they took a projector's screen twice."""
    listed = "; ".join(answer.nearby)
    if not (answer.abstained and listed and len(nearby) == len(answer.nearby)):
        return answer
    before, found, after = answer.text.partition(listed)
    if not found or after.strip(" .") or not before.strip():
        return answer
    return replace(answer, text=before.rstrip(" ,"))


def show_answer(index: int, question: str, answer: Answer, history: list[str], fresh: bool) -> None:
    assistant = shared_assistant()
    nearby = answer.nearby_passages() if answer.abstained else []
    shown = as_shown(answer, nearby)
    if answer.notice:
        st.info(answer.notice)
    if reading := how_read(question, answer.resolved_question):
        st.caption(escape(reading))  # the earlier question is the user's own text
    if fresh:
        st.write_stream(stream(shown, index))
    else:
        st.markdown(linked(shown, index))
    # One card per passage: two runs of one passage ([1] and [3]) are marked on the same card.
    by_passage: dict[str, list[Citation]] = {}
    for citation in answer.citations:
        by_passage.setdefault(citation.chunk_id or f"#{citation.n}", []).append(citation)
    for first, *also in by_passage.values():
        source_card(first, assistant, turn=index, also=also)
    for label, chunk in nearby:
        with st.expander(escape(f"Nearby: {label}")):  # a heading is document text
            st.html(nearby_html(chunk))
    feedback_controls(index, question, answer, history)


def conversation_so_far(turns: list[tuple[str, Answer]]) -> list[str]:
    """The earlier questions as the conversation established them: one that named nobody
    carries the actor its answer was about, so "and who are they accountable to?" can follow
    "Who inspects our school?"."""
    return [answered_turn(q, said(a)) for q, a in turns]


def produce(question: str, history: list[str], filters: Filters) -> Answer:
    """Answer with the configured answerer. A language model's answer appears sentence by
    sentence, each only once it has been checked against the passage it cites (a sentence the
    check removes is never on screen); the sources appear when the whole answer is checked."""
    answerer = shared_answerer()
    draft = st.empty()
    written = ""
    final: Answer | None = None
    with st.spinner(answerer.waiting):
        for item in answerer.stream(question, history, filters):
            if isinstance(item, Answer):
                final = item
            else:
                written += item  # a checked sentence and its [n]: never unchecked text
                draft.markdown(escape(written) + " ▌")
    draft.empty()
    assert final is not None
    return final


def page() -> None:
    # Not "school governance": the library may be a nursery's early-years framework or a
    # trust's own policies, and the page answers from whatever it holds.
    st.title("Ask the documents")
    st.caption(
        "Short answers from the documents in the library: who holds which power, who decides, "
        "who must do what and who is accountable to whom, each with the exact passage it "
        "rests on."
    )
    try:
        shared_assistant()
    except IndexMissingError as error:
        st.error(index_problem(error))
        return
    except StoreUnavailableError as error:
        st.error(escape(f"The index cannot be reached just now: {error}."))
        return
    turns = current_turns()
    filters = sidebar_filters()
    # Each earlier turn as established once, not once more for every turn drawn after it.
    established = conversation_so_far(turns)
    for index, (asked, answered) in enumerate(turns):
        with st.chat_message("user"):
            st.markdown(escape(asked))
        with st.chat_message("assistant"):
            show_answer(index, asked, answered, established[:index], fresh=False)

    # No longer than the engine reads (a pasted book would be kept, shown and saved whole).
    question = st.chat_input("Ask a question about the documents", max_chars=MAX_QUESTION_CHARS)
    question = question[:MAX_QUESTION_CHARS] if question else question
    if not turns and not question:
        st.markdown("**New here? Try one of these:**")
        for starter in starters():
            if st.button(escape(starter)):  # a heading of the library may be one
                question = starter
    if question:
        history = established
        with st.chat_message("user"):
            st.markdown(escape(question))
        with st.chat_message("assistant"):
            try:
                answer = produce(question, history, filters)
            except StoreUnavailableError as error:
                st.error(escape(f"The question could not be answered just now: {error}."))
                sidebar_conversation(turns)
                return
            turns.append((question, answer))
            show_answer(len(turns) - 1, question, answer, history, fresh=True)
            save(turns)
    sidebar_conversation(turns)
    if question:
        st.html(_SHOW_NEWEST % len(turns), unsafe_allow_javascript=True)
    st.html(_FOCUS_THE_CHAT, unsafe_allow_javascript=True)


page()
