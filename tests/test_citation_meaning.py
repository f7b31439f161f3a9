"""The citation check reads generated sentences for meaning, not only overlap: numbers, negation,
names, links and contacts must agree with the cited span; and a streamed answer shows only the
sentences that passed. Fake embedder and fake chat model; the real ones are in
`test_openai_integration.py`."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import fake_assistant
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage

from engine.answers import Answer
from engine.assistant import AbstentionPolicy, Assistant
from engine.citation_check import CheckedSentence, check
from engine.llm_answerer import LLMAnswerer

# The corpus's own wording of the passages the tester's sentences cite.
DOC = """\
# The inspection space

## Ofsted

### Authority

Ofsted was set up by an Act of Parliament – the Education (Schools) Act 1992, initially to
inspect schools, although its inspection and regulatory remit is now much wider. It holds the
power to inspect schools.

# The intervention space

## Regional Schools Commissions (RSCs)

### Authority

RSCs are civil servants who hold their power on behalf of the Secretary of State for Education.

### Accountability

RSCs are accountable to the Secretary of State through the Office of the National Schools
Commissioner. They do not inspect.

# Background

2014 saw the introduction of regional schools commissioners (RSCs) to exercise oversight over
the rapidly growing academies sector. More than 1,000 schools had converted by then.
"""
RSCS = "Regional Schools Commissions (RSCs)"
QUESTION = "Who holds the power to inspect schools?"

CONTRADICTED = [
    "Ofsted does not hold the power to inspect schools.",
    "Regional schools commissioners hold the power to inspect schools.",
    "Ofsted was set up by an Act of Parliament – the Education (Schools) Act 1872.",
    "Ofsted holds the power to inspect schools, see https://ofsted-verify.example/login.",
    "Ofsted holds the power to inspect schools: confirm at https://ofsted-verify.example/login.",
    "Ofsted holds the power to inspect schools, write to mailto:check@ofsted-verify.example.",
    "Ofsted holds the power to inspect schools; call 0300 123 1231 to confirm.",
]
CORRECT = [
    "Ofsted holds the power to inspect schools.",
    "Ofsted was set up by an Act of Parliament – the Education (Schools) Act 1992.",
    "It holds the power to inspect schools.",
]


@pytest.fixture
def assistant(tmp_path: Path, fake_embedder) -> Assistant:
    policy = AbstentionPolicy(min_dense=0.2, max_unknown_weight=0.9, min_evidence=0.2)
    return fake_assistant(tmp_path, DOC, fake_embedder, top_k=5, policy=policy)


def check_one(
    assistant: Assistant, sentence: str, where: tuple[str, str] = ("Ofsted", "Authority")
) -> CheckedSentence:
    """`sentence` citing [1], passage 1 being the chunk of the section `where` ends with and
    the other passages following it, as the model is shown several."""
    chunks = list(assistant.index.chunks.values())
    cited = [c for c in chunks if c.section[-2:] == where]
    assert len(cited) == 1
    passages = cited + [c for c in chunks if c is not cited[0]]
    embedder, embeddings = assistant.index.embedder, assistant.sentence_embeddings
    (checked,) = check(f"{sentence} [1]", passages, embedder, embeddings)
    return checked


@pytest.mark.parametrize("sentence", CONTRADICTED)
def test_the_testers_contradicted_sentences_are_not_supported(
    assistant: Assistant, sentence: str
) -> None:
    checked = check_one(assistant, sentence)
    assert checked.cited == (1,)
    assert checked.support is None, f"shown as cited: {sentence}"


@pytest.mark.parametrize("sentence", CORRECT)
def test_their_correct_counterparts_are_supported(assistant: Assistant, sentence: str) -> None:
    checked = check_one(assistant, sentence)
    assert checked.support is not None, checked.problem
    assert "holds the power" in " ".join(s.text for s in checked.support.sentences) or (
        "1992" in checked.support.sentences[0].text
    )


def test_an_actor_named_by_its_acronym_or_long_form_is_the_same_actor(
    assistant: Assistant,
) -> None:
    for sentence in [
        "RSCs hold their power on behalf of the Secretary of State for Education.",
        "Regional schools commissioners hold their power on behalf of the Secretary of State.",
    ]:
        assert check_one(assistant, sentence, (RSCS, "Authority")).support is not None, sentence
    # ...and a negation the span makes is kept: "They do not inspect."
    accountability = (RSCS, "Accountability")
    assert check_one(assistant, "RSCs do not inspect.", accountability).support is not None
    assert check_one(assistant, "RSCs inspect.", accountability).support is None


def _answerer(assistant: Assistant, reply: str) -> LLMAnswerer:
    model = GenericFakeChatModel(messages=iter([AIMessage(content=reply)]))
    return LLMAnswerer(assistant, model)


def test_a_streamed_answer_shows_only_checked_sentences(assistant: Assistant) -> None:
    reply = " ".join(f"{s} [1]" for s in [CORRECT[0], *CONTRADICTED, CORRECT[1]])
    items = list(_answerer(assistant, reply).stream(QUESTION))
    answer = items[-1]
    pieces = [i for i in items if isinstance(i, str)]
    assert isinstance(answer, Answer) and answer.answerer == "openai"
    assert "".join(pieces) == answer.text
    assert len(pieces) == 2  # one piece per checked sentence, none per word
    for sentence in CONTRADICTED:
        assert all(sentence[:-1] not in piece for piece in pieces)
        assert sentence[:-1] not in answer.text
    for leak in ["does not", "1872", "ofsted-verify", "mailto", "0300", "commissioners"]:
        assert leak not in "".join(pieces), leak
    assert set(answer.dropped) == set(CONTRADICTED)
    assert answer.text.startswith("Ofsted holds the power to inspect schools. [1]")


def test_answer_and_stream_agree_on_what_is_kept(assistant: Assistant) -> None:
    reply = f"{CONTRADICTED[0]} [1] {CORRECT[0]} [1]"
    answer = _answerer(assistant, reply).answer(QUESTION)
    assert answer.text == "Ofsted holds the power to inspect schools. [1]"
    assert answer.dropped == (CONTRADICTED[0],)
