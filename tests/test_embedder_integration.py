"""The default int8 ONNX embedder against the fp32 sentence-transformers model it stands for:
the same token counts, nearly the same vectors, the same nearest passages; and no torch."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from conftest import CST

from index.embedder import DEFAULT_MODEL, ONNX_INT8_MODEL, PACKAGED_MODEL, load_embedder

pytestmark = pytest.mark.integration

TEXTS = [
    "Who holds the power to inspect schools?",
    "The board of trustees is accountable for the performance of every academy in the trust.",
    "Ofsted inspects schools and reports on the quality of education.",
    "",
    "word " * 400,  # beyond the 256 word pieces the model reads
]


def test_onnx_is_the_default_and_matches_sentence_transformers() -> None:
    assert DEFAULT_MODEL == ONNX_INT8_MODEL
    onnx, fp32 = load_embedder(ONNX_INT8_MODEL), load_embedder(PACKAGED_MODEL)
    assert onnx.max_tokens == fp32.max_tokens == 256
    for text in [*TEXTS, CST.read_text(encoding="utf-8")[:3000]]:
        assert onnx.count_tokens(text) == fp32.count_tokens(text)

    a, b = onnx.embed(TEXTS), fp32.embed(TEXTS)
    assert a.shape == b.shape == (len(TEXTS), 384)
    assert np.allclose(np.linalg.norm(a, axis=1), 1.0, atol=1e-4)
    assert (a * b).sum(axis=1).min() > 0.99

    # Order does not matter (batches are sorted by length inside).
    assert np.allclose(onnx.embed(TEXTS[::-1])[::-1], a, atol=1e-5)
    assert onnx.embed([]).shape == (0, 384)


@pytest.mark.parametrize(
    "question",
    [
        "Who holds schools to account through inspection?",
        "Where do local authorities draw their legitimacy from?",
        "What do regional schools commissioners decide?",
    ],
)
def test_the_same_passages_come_first(question: str) -> None:
    """int8 weights move similarities by well under 0.01: the same best passage and the same
    five nearest, though near-ties (within 0.003 here) may swap places among them."""
    paragraphs = [p for p in CST.read_text(encoding="utf-8").split("\n\n") if len(p) > 80][:60]
    scores = []
    for model in (ONNX_INT8_MODEL, PACKAGED_MODEL):
        embedder = load_embedder(model)
        scores.append(embedder.embed(paragraphs) @ embedder.embed([question])[0])
    top = [list(np.argsort(-s)[:5]) for s in scores]
    assert top[0][0] == top[1][0]
    assert set(top[0]) == set(top[1])
    assert np.abs(scores[0] - scores[1]).max() < 0.01


def test_answering_never_imports_torch() -> None:
    """The point of the ONNX embedder: a new process starts without torch's import."""
    code = (
        "import sys; from index.embedder import load_embedder; "
        "load_embedder().embed(['a question']); print('torch' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


EXIT_WHILE_WARMING = """
import time

from engine.extractive import SentenceEmbeddings
from index.embedder import load_embedder
from ingest.types import Chunk, Sentence

text = "The board of trustees holds the head teacher to account for the school's results. " * 30
sentences = tuple(Sentence(text, 0, len(text), 0, len(text)) for _ in range(1))
chunks = [
    Chunk(f"c{i}", "doc", "Title", ("Section",), text, 0, len(text), sentences)
    for i in range(4000)
]
thread = SentenceEmbeddings(load_embedder()).warm_in_background(chunks)
time.sleep(1.0)  # well into the warm-up, as a served app is
assert thread is not None and thread.is_alive()
print("leaving while warming")
"""


def test_leaving_while_sentence_vectors_warm_ends_cleanly() -> None:
    """The app warms sentence vectors on a daemon thread; an interpreter that ended with that
    thread inside onnxruntime aborted ("terminate called without an active exception")."""
    done = subprocess.run(
        [sys.executable, "-c", EXIT_WHILE_WARMING], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "leaving while warming" in done.stdout
    assert "terminate called" not in done.stderr
