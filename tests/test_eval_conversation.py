"""Follow-ups are evaluated as the app asks them: the earlier turns answered first."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from engine.answers import Answer, Citation
from engine.followup import conversation
from index.types import Filters


def _cited(quote: str) -> Citation:
    return Citation(1, "doc", "Title", "A > B", None, quote, quote, 0, len(quote), (0, len(quote)))


class RecordingAnswerer:
    """Answers "Who inspects schools?" with an Ofsted sentence; records what it was asked."""

    name = "recording"
    waiting = "Answering ..."

    def __init__(self) -> None:
        self.asked: list[tuple[str, tuple[str, ...]]] = []

    def answer(
        self, question: str, history: Sequence[str] = (), filters: Filters = Filters()
    ) -> Answer:
        self.asked.append((question, tuple(history)))
        quotes = ["Only Ofsted has the statutory power to inspect schools."]
        if "weather" in question:
            return Answer(question, "The documents don't cover this.", abstained=True)
        return Answer(question, quotes[0], abstained=False, citations=(_cited(quotes[0]),))

    def stream(
        self, question: str, history: Sequence[str] = (), filters: Filters = Filters()
    ) -> Iterator[str | Answer]:
        yield self.answer(question, history, filters)


def test_earlier_turns_are_answered_in_order_and_carry_their_answers_actor() -> None:
    answerer = RecordingAnswerer()
    turns = conversation(answerer, ["Who inspects schools?", "And the weather?"])
    assert turns == ["Who inspects schools? (Ofsted)", "And the weather?"]
    # Each earlier turn was asked in the light of the ones before it, as in the app.
    assert answerer.asked == [
        ("Who inspects schools?", ()),
        ("And the weather?", ("Who inspects schools? (Ofsted)",)),
    ]
    assert conversation(answerer, []) == []
