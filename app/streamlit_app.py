"""The chat UI: ask in plain words, read a short answer, open the exact passages it rests on.

Run with `govassist app` (or `streamlit run app/streamlit_app.py`). The model and index load once
per server process and are shared by every browser session.
"""

from __future__ import annotations

import re

import streamlit as st

from app.answers import Answer, Citation
from app.assistant import Assistant
from app.resources import IndexMissingError, index_status, load_assistant
from app.settings import Settings
from index.types import Filters

STARTER_QUESTIONS = (
    "Who holds the power to inspect schools?",
    "Who are regional schools commissioners accountable to?",
    "What does the report recommend for the intervention space?",
)
_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+\-.!|>~<$:])")


def escape(text: str) -> str:
    """Document and user text is shown as text: markdown characters are escaped, no HTML."""
    return _MARKDOWN_SPECIALS.sub(r"\\\1", text)


@st.cache_resource(show_spinner="Loading the model and the index…")
def shared_assistant() -> Assistant:
    return load_assistant(Settings())


def passage_with_highlight(citation: Citation) -> str:
    """The cited passage with its supporting quote highlighted."""
    start, end = citation.highlight
    text = citation.text
    return (
        escape(text[:start])
        + ":orange-background["
        + escape(text[start:end])
        + "]"
        + escape(text[end:])
    )


def show_answer(answer: Answer) -> None:
    st.markdown(escape(answer.text))
    for citation in answer.citations:
        with st.expander(f"[{citation.n}] {citation.title} — {citation.section}"):
            st.markdown(passage_with_highlight(citation))
            st.caption(
                f"Document: {citation.doc_id} · characters {citation.start}–{citation.end}"
                + (f" · page {citation.page}" if citation.page else "")
            )


def sidebar_filters(settings: Settings) -> Filters:
    manifest = index_status(settings)
    with st.sidebar:
        st.header("Limit the answers")
        documents = {e.doc_id: e.title for e in manifest.files.values()} if manifest else {}
        chosen = st.multiselect(
            "Documents", options=list(documents), format_func=lambda d: documents.get(d, d)
        )
        if st.button("Clear the conversation"):
            st.session_state.turns = []
        if manifest:
            st.caption(
                f"Index: {len(manifest.files)} documents, model {manifest.model}, "
                f"built {manifest.built_at}"
            )
    return Filters(doc_ids=tuple(chosen))


def main() -> None:
    st.set_page_config(page_title="govassist", page_icon="📘", layout="wide")
    st.title("School governance assistant")
    st.caption("Short answers on who holds which power in English schools, each with its source.")
    settings = Settings()
    filters = sidebar_filters(settings)
    try:
        assistant = shared_assistant()
    except IndexMissingError as error:
        st.error(f"No documents are indexed yet: {error}")
        return

    turns: list[tuple[str, Answer]] = st.session_state.setdefault("turns", [])
    for asked, answered in turns:
        with st.chat_message("user"):
            st.markdown(escape(asked))
        with st.chat_message("assistant"):
            show_answer(answered)

    question: str | None = st.chat_input(
        "Ask about powers, decisions, legitimacy or accountability"
    )
    if not turns and not question:
        st.write("Try one of these:")
        for starter in STARTER_QUESTIONS:
            if st.button(starter):
                question = starter
    if question:
        with st.chat_message("user"):
            st.markdown(escape(question))
        history = [q for q, _ in turns]
        with st.chat_message("assistant"), st.spinner("Looking through the documents…"):
            answer = assistant.answer(question, history=history, filters=filters)
            show_answer(answer)
        turns.append((question, answer))


main()
