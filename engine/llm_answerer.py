"""The `openai` answerer: a language model writes the answer from the retrieved passages, and
every sentence it writes is checked against the passage it cites before it is shown.

Retrieval, abstention and the fallback are the extractive assistant's: the model only phrases.
When it cannot be reached, is too slow, or writes nothing that the passages support, the user
gets a plain notice and the extractive answer.
"""

from __future__ import annotations

import dataclasses
import functools
import time
from collections.abc import Iterator, Sequence

from langchain_core.language_models import BaseChatModel

from engine.answers import Answer, AnswerSentence, Citation
from engine.assistant import Assistant, Retrieval, cited_answer
from engine.citation_check import CheckedSentence, SentenceStream, check_sentence, learn_names
from engine.claim_meaning import Names
from engine.followup import resolve
from engine.llm import answer_messages, rewrite_messages
from engine.question_text import plain_question
from index.types import Filters
from ingest.types import Chunk
from prompts import prompt_template

PASSAGES_SHOWN = 5  # passages numbered for the model
MAX_REWRITE_CHARS = 400


class LLMAnswerer:
    """Same `answer` as `Assistant`, phrased by a chat model and checked sentence by sentence."""

    name = "openai"
    waiting = "Looking through the documents and asking the model…"

    def __init__(self, assistant: Assistant, model: BaseChatModel) -> None:
        self.assistant = assistant
        self.model = model
        self.index = assistant.index
        self._notice = prompt_template("fallback_notice.txt")

    def answer(
        self, question: str, history: Sequence[str] = (), filters: Filters = Filters()
    ) -> Answer:
        final: Answer | None = None
        for item in self.stream(question, history, filters):
            if isinstance(item, Answer):
                final = item
        assert final is not None
        return final

    def stream(
        self, question: str, history: Sequence[str] = (), filters: Filters = Filters()
    ) -> Iterator[str | Answer]:
        """Yield the answer's text as it is checked, then the `Answer` (always last).

        The model's text is cut into sentences as it arrives; each is checked against the
        passage it cites before any of it is yielded, so a sentence the check removes is never
        shown, not even for a moment. The yielded pieces joined are the answer's `text`.
        """
        started = time.perf_counter()
        question = plain_question(question)
        history = [plain_question(turn) for turn in history]
        if not question:
            yield self.assistant.answer(question)
            return
        standalone, failure = self._standalone(question, history)
        for item in self._stream_standalone(question, standalone, failure, filters, started):
            if isinstance(item, Answer) and standalone != question:
                # The model's rewrite is how the conversation was read: shown with the answer.
                item = dataclasses.replace(item, resolved_question=standalone)
            yield item

    def _stream_standalone(
        self, question: str, standalone: str, failure: str, filters: Filters, started: float
    ) -> Iterator[str | Answer]:
        found = self.assistant.retrieve(self.assistant.read(standalone, (), filters))
        if failure:
            yield self._fallback(question, found, started, failure)
            return
        if found.abstain:
            yield self.assistant.abstention(question, found, started)
            return
        passages = [hit.chunk for hit in found.hits[:PASSAGES_SHOWN]]
        messages = answer_messages(
            standalone, passages, compare=len(found.query.resolved.actors) >= 2
        )
        written: list[str] = []
        cutter = SentenceStream()
        composer = _Composer()
        checked: list[CheckedSentence] = []
        try:
            for piece in self.model.stream(messages):
                text = piece.content if isinstance(piece.content, str) else ""
                if not text:
                    continue
                written.append(text)
                for sentence in cutter.feed(text):
                    checked.append(self._check(sentence, passages))
                    yield from composer.add(checked[-1])
        except Exception as error:  # timeouts, refused connections, 5xx: all end the same way
            yield self._fallback(question, found, started, _describe(error))
            return
        for sentence in cutter.close():
            checked.append(self._check(sentence, passages))
            yield from composer.add(checked[-1])
        yield self._checked(question, "".join(written), checked, composer, found, started)

    @functools.cached_property
    def names(self) -> Names:
        """The names the indexed documents use, learned once (what `check` compares)."""
        return learn_names(self.index.chunks.values())

    def _check(
        self, sentence: tuple[str, tuple[int, ...]], passages: list[Chunk]
    ) -> CheckedSentence:
        text, markers = sentence
        (vector,) = self.index.embedder.embed([text])
        embeddings = self.assistant.sentence_embeddings
        return check_sentence(text, markers, vector, passages, embeddings, self.names)

    def _standalone(self, question: str, history: Sequence[str]) -> tuple[str, str]:
        """(the question made standalone by the model, or the question; a failure reason)."""
        if not history:
            return question, ""
        try:
            reply = self.model.invoke(rewrite_messages(question, history))
        except Exception as error:
            return question, _describe(error)
        text = reply.content if isinstance(reply.content, str) else ""
        text = " ".join(text.split())
        if not text or len(text) > MAX_REWRITE_CHARS:
            # An unusable rewrite: the extractive follow-up rules do the job instead.
            return resolve(question, history).text, ""
        return text, ""

    def _checked(
        self,
        question: str,
        text: str,
        checked: list[CheckedSentence],
        composer: _Composer,
        found: Retrieval,
        started: float,
    ) -> Answer:
        if "don't cover this" in text or "do not cover this" in text:
            return self.assistant.abstention(question, found, started)
        if not composer.sentences:
            reason = "its answer could not be matched to the documents"
            return self._fallback(question, found, started, reason)
        dropped = tuple(c.text for c in checked if c.support is None)
        return cited_answer(
            question, found.query.read_with_conversation, found.retrieved, started, composer.text,
            tuple(composer.sentences),
            tuple(composer.citations), answerer=self.name, dropped=dropped,
        )  # fmt: skip

    def _fallback(self, question: str, found: Retrieval, started: float, reason: str) -> Answer:
        notice = self._notice.format(reason=reason).strip()
        if found.abstain:
            answer = self.assistant.abstention(question, found, started)
        else:
            answer = self.assistant.compose_extractive(question, found, started)
        return dataclasses.replace(
            answer, notice=notice, answerer=f"{self.name} (fell back to extractive)"
        )


class _Composer:
    """The answer built sentence by sentence from checked sentences: each supported sentence
    followed by the number of the span that supports it (numbered in order of first use)."""

    def __init__(self) -> None:
        self.numbers: dict[tuple[str, int, int], int] = {}
        self.citations: list[Citation] = []
        self.sentences: list[AnswerSentence] = []
        self.text = ""

    def add(self, item: CheckedSentence) -> Iterator[str]:
        """Yield what `item` adds to the answer's text: nothing when no span supports it."""
        if item.support is None:
            return
        span = item.support.sentences
        key = (item.support.chunk.id, span[0].chunk_start, span[-1].chunk_end)
        if key not in self.numbers:
            self.numbers[key] = len(self.numbers) + 1
            self.citations.append(Citation.of(item.support.chunk, list(span), self.numbers[key]))
        n = self.numbers[key]
        self.sentences.append(AnswerSentence(item.text, n))
        piece = f"{' ' if self.text else ''}{item.text} [{n}]"
        self.text += piece
        yield piece


def _describe(error: BaseException) -> str:
    """A plain reason for what went wrong with the model's endpoint."""
    names = {cls.__name__ for cls in type(error).__mro__}
    status = getattr(error, "status_code", None)
    if names & {"APITimeoutError", "TimeoutException", "ReadTimeout", "TimeoutError"}:
        return "it did not answer in time"
    if names & {"APIConnectionError", "ConnectError", "ConnectionError"}:
        return "it could not be reached"
    if isinstance(status, int):
        return f"it returned an error (HTTP {status})"
    if error.__cause__ is not None and error.__cause__ is not error:
        return _describe(error.__cause__)
    return f"it failed ({type(error).__name__})"
