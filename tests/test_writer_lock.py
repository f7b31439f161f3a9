"""One writer at a time, with the fake embedder over a real embedded Chroma: a second writer
waits for the first and builds on what it wrote, or gives up naming who holds the index; a
busy index is never set aside as damaged; dropped versions leave no folders behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest
from conftest import FakeEmbedder
from typer.testing import CliRunner

from app.cli import cli
from app.resources import build_index
from app.settings import Settings
from index.build import sync
from index.lock import IndexBusyError, writer_lock
from index.manifest import Manifest
from index.store import ChromaDatabase
from index.types import Filters

DOC = "# {title}\n\n## Powers\n\n{title} holds the power to inspect {what}.\n"


def _folder(root: Path, name: str, text: str) -> Path:
    folder = root / name
    folder.mkdir(parents=True)
    (folder / f"{name}.md").write_text(text, encoding="utf-8")
    return folder


def _doc_ids(settings: Settings) -> set[str]:
    manifest = Manifest.load(settings.manifest_path)
    assert manifest is not None
    return {entry.doc_id for entry in manifest.files.values()}


class HeldEmbedder(FakeEmbedder):
    """Embeds only once `release` is set (at most 30 s), saying so on `embedding` first: the
    first writer is then surely in the middle of its work when the second one starts."""

    def __init__(self) -> None:
        super().__init__()
        self.embedding, self.release = threading.Event(), threading.Event()

    def embed(self, texts: list[str]) -> np.ndarray:
        self.embedding.set()
        assert self.release.wait(30), "the second writer never arrived"
        return super().embed(texts)


def test_a_second_writer_waits_then_builds_on_the_first(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", corpus_dir=tmp_path / "base")
    base = _folder(tmp_path, "base", DOC.format(title="Ofsted", what="schools"))
    first = _folder(tmp_path, "first", DOC.format(title="RSCs", what="academies"))
    second = _folder(tmp_path, "second", DOC.format(title="Trustees", what="budgets"))
    build_index(settings, [base], embedder=FakeEmbedder())
    held, waits, reports = HeldEmbedder(), [], {}

    def write_first() -> None:
        reports["first"] = build_index(settings, [base, first], embedder=held, writer="session A")

    def on_wait(holder: str) -> None:
        waits.append(holder)
        held.release.set()  # only now may the first writer go on

    writer = threading.Thread(target=write_first)
    writer.start()
    assert held.embedding.wait(30)
    started = time.monotonic()
    reports["second"] = build_index(
        settings, [base, second], embedder=FakeEmbedder(), writer="session B", on_wait=on_wait
    )
    waited = time.monotonic() - started
    writer.join(30)

    assert len(waits) == 1 and waits[0].startswith(f"session A (process {os.getpid()} on ")
    # The second built on the first's version: nothing the first wrote was lost.
    assert _doc_ids(settings) == {"base", "first", "second"}
    assert reports["second"].files_updated == [str(second / "second.md")]
    assert reports["second"].total_chunks == 3 and not reports["second"].repaired
    assert not list(tmp_path.glob("data/chroma.damaged-*"))
    assert waited < 20


def test_a_writer_that_holds_the_index_too_long_is_named(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", corpus_dir=tmp_path / "base", index_wait_s=0.5)
    base = _folder(tmp_path, "base", DOC.format(title="Ofsted", what="schools"))
    build_index(settings, [base], embedder=FakeEmbedder())
    before = settings.manifest_path.read_bytes()
    extra = _folder(tmp_path, "extra", DOC.format(title="RSCs", what="academies"))

    with writer_lock(settings.data_dir, "govassist ingest", wait_s=0):
        started = time.monotonic()
        with pytest.raises(IndexBusyError) as caught:
            build_index(settings, [base, extra], embedder=FakeEmbedder())
        waited = time.monotonic() - started

    message = str(caught.value)
    assert f"being written by govassist ingest (process {os.getpid()} on " in message
    assert "waited 0.5 s" in message and "Nothing was changed" in message
    assert 0.5 <= waited < 3
    assert settings.manifest_path.read_bytes() == before
    assert not list(tmp_path.glob("data/chroma.damaged-*"))
    # Once the holder is gone the same ingest goes through.
    assert build_index(settings, [base, extra], embedder=FakeEmbedder()).files_updated


def test_the_cli_names_the_writer_it_waited_for(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    base = _folder(tmp_path, "base", DOC.format(title="Ofsted", what="schools"))
    monkeypatch.setenv("GOVASSIST_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("GOVASSIST_INDEX_WAIT_S", "0.5")
    monkeypatch.setattr("app.resources.load_embedder", lambda name: FakeEmbedder())

    with writer_lock(tmp_path / "data", "an admin rebuild in the app", wait_s=0):
        result = CliRunner().invoke(cli, ["ingest", str(base)])

    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert "Waiting: the index is being written by an admin rebuild in the app" in result.output
    assert "waited 0.5 s for it to finish. Nothing was changed" in " ".join(result.output.split())
    assert not (tmp_path / "data" / "manifest.json").exists()


def test_a_lock_left_by_a_killed_writer_is_free(tmp_path: Path) -> None:
    data = tmp_path / "data"
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; from pathlib import Path; "
         "from index.lock import writer_lock; "
         "ctx = writer_lock(Path(sys.argv[1]), 'govassist ingest', 0); ctx.__enter__(); "
         "print('held', flush=True); time.sleep(600)", str(data)],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        busy = pytest.raises(IndexBusyError, match=f"process {holder.pid} on ")
        with busy, writer_lock(data, "test", wait_s=0.2):
            pass
    finally:
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait()
    with writer_lock(data, "test", wait_s=5) as waited:
        assert waited < 1


def _folders(chroma: Path) -> set[str]:
    return {p.name for p in chroma.iterdir() if p.is_dir()}


def test_dropped_versions_leave_no_segment_folders(tmp_path: Path, fake_embedder) -> None:
    docs, chroma = tmp_path / "docs", tmp_path / "chroma"
    docs.mkdir()
    database = ChromaDatabase.embedded(chroma)
    manifest = tmp_path / "manifest.json"
    counts, previous = [], None
    for number in range(5):
        (docs / f"d{number}.md").write_text(DOC.format(title=f"Body {number}", what="schools"))
        sync([docs], database, fake_embedder, manifest)
        counts.append(len(_folders(chroma)))
        live = Manifest.load(manifest)
        assert live is not None
        if previous is not None:
            # A reader still on the version before keeps its files and answers from them.
            vector = fake_embedder.embed(["Body inspect schools"])[0]
            assert database.collection(previous).search(vector, 1, Filters())
        previous = live.collection
    # The live version and the previous one: one vector folder each, none left over.
    assert counts == [1, 2, 2, 2, 2]
    assert len(database.names()) == 2
    # A folder in use is never removed; an unknown one (not a segment's) is left alone too.
    before = _folders(chroma)
    (chroma / "notes").mkdir()
    assert database.remove_unused_files() == 0
    assert _folders(chroma) == before | {"notes"}
