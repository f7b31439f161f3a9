"""Fast unit tests: questions made plain before anything reads them, and the background
warm-up of sentence vectors that a served app starts."""

from __future__ import annotations

from pathlib import Path

from conftest import FakeEmbedder, fake_assistant

from engine.question_text import MAX_QUESTION_CHARS, plain_question

DOC = """\
# The inspection space

## Ofsted

### Authority

Ofsted holds the power to inspect schools. It reports to Parliament.
"""


def test_plain_question() -> None:
    typed = "  Who\x00 inspects\x1b[31m\tschools?\u200b "
    assert plain_question(typed) == "Who inspects [31m schools?"
    assert plain_question("who inspects\x00schools") == "who inspects schools"  # not joined
    assert plain_question("\ud800 who inspects") == "? who inspects"
    assert plain_question("\u202eevil\ufeff") == "evil"
    assert plain_question("谁负责检查学校？") == "谁负责检查学校？"
    assert len(plain_question("word " * 5000)) == MAX_QUESTION_CHARS - 1  # cut, then stripped
    assert plain_question("\n\t ") == ""


def test_sentence_vectors_are_warmed_in_the_background(tmp_path: Path) -> None:
    embedder = FakeEmbedder()
    assistant = fake_assistant(tmp_path, DOC, embedder)
    chunks = list(assistant.index.chunks.values())
    embedder.embedded.clear()
    thread = assistant.sentence_embeddings.warm_in_background(chunks)
    assert thread is not None
    thread.join(timeout=30)
    warmed = len(embedder.embedded)
    assert warmed == sum(len(c.sentences) for c in chunks) > 0
    items = [(chunk, sentence) for chunk in chunks for sentence in chunk.sentences]
    assistant.sentence_embeddings.get(items)
    assert len(embedder.embedded) == warmed  # nothing embedded twice
