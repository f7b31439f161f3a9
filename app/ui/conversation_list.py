"""The Ask page's conversations: kept per browser, reopened after a reload, listed in the sidebar.

The browser is known by a random id in a cookie (`govassist_browser`, set by the page on a first
visit); the open conversation's id is in the page's address (`?c=...`), so a reload reopens it.
The conversations themselves are kept by app/conversations.py.
"""

from __future__ import annotations

import streamlit as st

from app.conversations import ConversationStore, ConversationUnavailable, new_id, valid_id
from app.ui.common import escape, settings
from engine.answers import Answer

BROWSER_COOKIE = "govassist_browser"
COOKIE_DAYS = 365
Turns = list[tuple[str, Answer]]


def conversation_store() -> ConversationStore:
    return ConversationStore(settings().data_dir / "conversations")


def browser_id() -> str:
    """This browser's id: its cookie's, or a new one whose cookie the page sets now."""
    known = st.session_state.get("browser_id")
    if known:
        return str(known)
    from_cookie = valid_id(st.context.cookies.get(BROWSER_COOKIE))
    browser = from_cookie or new_id()
    st.session_state["browser_id"] = browser
    if not from_cookie:
        # Only this page's own script writes it; SameSite=Strict keeps it off other sites'
        # requests. (The id names no one: it only groups this browser's conversations.)
        st.html(
            f"<script>document.cookie = '{BROWSER_COOKIE}={browser}; path=/; "
            f"max-age={COOKIE_DAYS * 86400}; SameSite=Strict';</script>",
            unsafe_allow_javascript=True,
        )
    return browser


def current_turns() -> Turns:
    """The open conversation's turns: the one the address names (after a reload), else new."""
    if "conversation_id" not in st.session_state:
        asked = valid_id(st.query_params.get("c"))
        loaded = conversation_store().load(browser_id(), asked) if asked else None
        if asked and loaded is not None:
            _open(asked, loaded)
        else:
            _open(new_id(), [])
    turns: Turns = st.session_state["turns"]
    return turns


def _open(conversation: str, turns: Turns) -> None:
    st.session_state["conversation_id"] = conversation
    st.session_state["turns"] = turns
    st.session_state["feedback_ids"] = {}  # feedback rows belong to one conversation's turns
    if turns:
        st.query_params["c"] = conversation
    else:
        st.query_params.pop("c", None)


def conversation_key() -> str:
    """The open conversation's id, to keep its widgets apart from another's."""
    return str(st.session_state.get("conversation_id", ""))


def save(turns: Turns) -> None:
    """Keep the open conversation (after each answer); say so if it cannot be kept."""
    conversation = conversation_key()
    try:
        conversation_store().save(browser_id(), conversation, turns)
    except ConversationUnavailable as error:
        st.warning(escape(f"This conversation is not saved: {error}. The answers stay here."))
        return
    st.query_params["c"] = conversation


def sidebar_conversations(turns: Turns) -> None:
    """ "New conversation" and this browser's earlier ones, newest first."""
    with st.sidebar:
        st.header("Conversations")
        if st.button("New conversation", disabled=not turns):
            _open(new_id(), [])
            st.rerun()
        current = conversation_key()
        earlier = [s for s in conversation_store().summaries(browser_id()) if s.id != current]
        if earlier:
            st.caption("Earlier in this browser:")
        for summary in earlier:
            # The title is the first question as typed: a button label renders Markdown.
            label = escape(f"{summary.title} ({summary.turns} · {summary.updated})")
            if st.button(label, key=f"open-{summary.id}", use_container_width=True):
                loaded = conversation_store().load(browser_id(), summary.id)
                if loaded is not None:
                    _open(summary.id, loaded)
                    st.rerun()
                st.warning("That conversation could not be opened.")
