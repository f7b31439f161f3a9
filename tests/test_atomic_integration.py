"""A rebuild killed at any moment leaves the previous index answering; bad files are named and
skipped while the rest is indexed. Real model, real Chroma, the real CLI in subprocesses."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import CORPUS, CST

from index.manifest import Manifest
from index.store import ChromaDatabase

pytestmark = pytest.mark.integration
QUESTION = "Who holds the power to inspect schools?"


def _govassist(data: Path, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "GOVASSIST_DATA_DIR": str(data), "HF_HUB_OFFLINE": "1"}
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args],
        env=env, capture_output=True, text=True, timeout=timeout,
    )  # fmt: skip


def _answers_from_the_corpus(data: Path) -> None:
    result = _govassist(data, "ask", "--json", QUESTION)
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert not answer["abstained"] and "Ofsted" in answer["answer"]
    original = CST.read_text(encoding="utf-8")
    assert all(original[c["start"] : c["end"]] == c["quote"] for c in answer["citations"])


@pytest.mark.parametrize(
    "kill_at",
    ["Reading copy-0.md", "Embedding"],  # while reading the first new file; while embedding
)
def test_sigkill_during_ingest_leaves_the_previous_index_answering(
    tmp_path: Path, kill_at: str
) -> None:
    corpus, data = tmp_path / "corpus", tmp_path / "data"
    shutil.copytree(CORPUS, corpus)
    assert _govassist(data, "ingest", str(corpus)).returncode == 0
    before = Manifest.load(data / "manifest.json")
    assert before is not None
    # Forty new documents: minutes of embedding, so the kill lands in the middle of it.
    text = CST.read_text(encoding="utf-8")
    for number in range(40):
        (corpus / f"copy-{number}.md").write_text(text.replace("Ofsted", f"Inspectorate {number}"))
    env = {**os.environ, "GOVASSIST_DATA_DIR": str(data), "HF_HUB_OFFLINE": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "ingest", str(corpus)], env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    # Killed when the ingest says it has reached the step (its progress lines, written to a
    # pipe), not after a guessed number of seconds.
    assert process.stderr is not None
    seen = []
    for line in process.stderr:
        seen.append(line)
        if line.startswith(kill_at):
            break
    assert process.poll() is None, f"the ingest finished before it could be killed: {seen}"
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    process.stderr.close()

    after = Manifest.load(data / "manifest.json")
    assert after is not None and after.collection == before.collection
    _answers_from_the_corpus(data)

    # The next ingest (with the extra files gone) finds nothing to do and clears the debris.
    for extra in corpus.glob("copy-*.md"):
        extra.unlink()
    result = _govassist(data, "ingest", str(corpus))
    assert result.returncode == 0, result.stderr
    assert "Chunks: 0 embedded" in result.stdout
    assert ChromaDatabase.embedded(data / "chroma").names() == [before.collection]
    _answers_from_the_corpus(data)


def test_bad_files_are_named_and_the_good_one_answers(tmp_path: Path) -> None:
    folder, data = tmp_path / "mixed", tmp_path / "data"
    folder.mkdir()
    shutil.copy(CST, folder / CST.name)
    (folder / "corrupt.pdf").write_bytes(b"%PDF-1.7\n" + os.urandom(2000))
    (folder / "random.docx").write_bytes(os.urandom(3000))
    (folder / "empty.md").write_bytes(b"")
    (folder / "latin.txt").write_bytes(b"\xff\xfe\x00\x00" + os.urandom(500))
    (folder / "slides.pptx").write_bytes(b"PK\x03\x04")
    result = _govassist(data, "ingest", str(folder))
    assert result.returncode == 3, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    for name, reason in [
        ("corrupt.pdf", "PDF"),
        ("random.docx", "not a readable Word document"),
        ("empty.md", "the file is empty"),
        ("latin.txt", "binary"),
        ("slides.pptx", "unsupported file type '.pptx'"),
    ]:
        skipped = (x for x in result.stderr.splitlines() if x.startswith("Skipped") and name in x)
        line = next(skipped, "")
        assert reason in line, (name, result.stderr)
    assert "1 new or changed, 0 unchanged, 5 skipped" in result.stdout
    _answers_from_the_corpus(data)
