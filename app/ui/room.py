"""A trainer's room: learners join with a session code and a name, and each answer they mark
on the Training page (a quiz question or a duties-round sentence) counts in the trainer's
"Room scores" tab."""

from __future__ import annotations

import streamlit as st

from app.room_scores import RoomScores, ScoresUnavailable, learner_name, session_code
from app.ui.common import escape, settings


def room_scores() -> RoomScores:
    return RoomScores(settings().data_dir / "training.sqlite3")


def join_room() -> None:
    """A session code and a name, so the trainer's "Room scores" tab counts this learner."""
    with st.expander("In a training session? Join your trainer's room", expanded=False):
        code_col, name_col = st.columns(2)
        code_col.text_input("Session code (from your trainer)", key="room-code")
        name_col.text_input("Your name, as the trainer will see it", key="room-name")
        typed = st.session_state.get("room-code", "")
        if typed and session_code(typed) is None:
            st.warning("A session code is 3 to 32 letters, digits or hyphens.")
        elif code := session_code(typed):
            # Said back, so a learner knows the room and name the trainer will see.
            name = learner_name(st.session_state.get("room-name", "")) or "a learner with no name"
            st.caption(
                escape(f"In room {code} as {name}: each answer you mark counts in its scores.")
            )


def record_for_room(question: str, credit: float) -> None:
    """Count a marked answer in the room this learner joined, if any."""
    code = session_code(st.session_state.get("room-code", ""))
    if code is None:
        return
    name = learner_name(st.session_state.get("room-name", "")) or "A learner with no name"
    try:
        room_scores().record(code, name, question, credit)
    except ScoresUnavailable as error:
        st.warning(escape(f"Your answer is not counted in the room: {error}."))
