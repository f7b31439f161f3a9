"""Training rounds from the duties register, on the Training page beside the quiz: "must or
should?" and "whose duty is it?". The learner picks a word for the gap, checks, and sees the
sentence as the document writes it, with where it is written."""

from __future__ import annotations

import streamlit as st

from app.duty_quiz import ROUNDS, DutyQuestion, draw, is_right
from app.duty_register import citation
from app.ui.common import escape, live_register
from app.ui.room import record_for_room
from index.duty_registers import Register

ASKED = {"strength": "Which word does the document use?", "actor": "Whose duty is it?"}


def setup(register: Register) -> None:
    titles = register.titles
    with st.form("duty-round-setup"):
        kind = st.radio(
            "Round", list(ROUNDS), format_func=ROUNDS.__getitem__, horizontal=True,
            key="duty-round-kind",
        )  # fmt: skip
        docs = st.multiselect(
            "Documents", sorted(titles, key=lambda d: titles[d]), format_func=titles.__getitem__,
            placeholder="All documents", key="duty-round-docs",
        )  # fmt: skip
        length = st.number_input(
            "Sentences", min_value=1, max_value=30, value=5, key="duty-round-length"
        )
        seed = st.number_input(
            "Round number", min_value=1, value=1, key="duty-round-seed",
            help="The same round number and documents give the same sentences: two groups can "
            "play the same round.",
        )  # fmt: skip
        if st.form_submit_button("Start a duties round"):
            st.session_state.duty_round = {
                "questions": draw(register, kind, int(length), int(seed), docs),
                "position": 0,
                "right": 0,
                "choice": None,  # the learner's checked choice of the current sentence
                "round": st.session_state.get("duty_round", {}).get("round", 0) + 1,
            }


def answer_key(question: DutyQuestion) -> str:
    """The sentence as written, the blanked words in bold."""
    return "".join(
        f"**{escape(text)}**" if blanked else escape(text) for text, blanked in question.parts()
    )


def play(state: dict) -> None:
    questions: list[DutyQuestion] = state["questions"]
    position = state["position"]
    st.metric("Score", f"{state['right']} / {position + (state['choice'] is not None)}")
    if position >= len(questions):
        st.success(f"Round finished: {state['right']} of {len(questions)} right.")
        return
    question = questions[position]
    st.subheader(f"Sentence {position + 1} of {len(questions)}")
    st.markdown(f"### {escape(question.prompt)}")
    if state["choice"] is None:
        choice = st.radio(
            ASKED[question.kind], question.choices, index=None,
            key=f"duty-choice-{state['round']}-{position}",
        )  # fmt: skip
        if st.button("Check my choice", type="primary", disabled=choice is None):
            state["choice"] = choice
            right = is_right(question, choice)
            state["right"] += right
            record_for_room(f"{ROUNDS[question.kind]} {question.prompt}", float(right))
            st.rerun()
        return
    answer = escape(question.answer)  # an actor's name is document text
    if is_right(question, state["choice"]):
        st.success(f"Right: {answer}.")
    else:
        # "the document uses the word should", "the document gives it to providers"
        says = "uses the word" if question.kind == "strength" else "gives it to"
        chose = escape(state["choice"])
        st.error(f"Not this time: you chose {chose}; the document {says} {answer}.")
    st.markdown(answer_key(question))
    st.caption(escape(citation(question.duty)))
    if st.button("Next sentence"):
        state["position"] += 1
        state["choice"] = None
        st.rerun()


def duty_round() -> None:
    """The rounds' section of the Training page."""
    st.caption(
        "Sentences of the indexed documents that say who must, should or may do something, "
        "with a gap: pick the strength word, or whose duty it is."
    )
    register = live_register()
    if register is None:
        return
    setup(register)
    state = st.session_state.get("duty_round")
    if not state:
        return
    if not state["questions"]:
        st.warning("No sentences of these documents can be asked in this round.")
        return
    play(state)
