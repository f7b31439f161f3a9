"""Faults, with the real model, a real Chroma and real file systems: a damaged index is found
and rebuilt from the documents; a Chroma server restarted under a running assistant is
reconnected to, and while it is down the user is told so plainly; a read-only or full data
directory gives a clear error and leaves the index as it was.

(SIGKILL during an ingest is in test_atomic_integration.py.)
"""

from __future__ import annotations

import errno
import hashlib
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from conftest import CORPUS, ChromaServer

from app.resources import IndexMissingError, IndexWriteError, build_index, load_assistant
from app.settings import Settings
from index.manifest import Manifest
from index.store import ChromaDatabase, forget_open_store

pytestmark = pytest.mark.integration
QUESTION = "Who holds the power to inspect schools?"


def _answers(settings: Settings) -> list[str]:
    answer = load_assistant(settings).answer(QUESTION)
    assert not answer.abstained and "Ofsted" in answer.text
    return [c.quote for c in answer.citations]


def _copy_index(real_index_dir: Path, target: Path) -> Settings:
    shutil.copytree(real_index_dir, target)
    return Settings(data_dir=target, corpus_dir=CORPUS)


def _cli(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "GOVASSIST_DATA_DIR": str(settings.data_dir), "HF_HUB_OFFLINE": "1"}
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args], env=env, capture_output=True, text=True,
        timeout=300,
    )  # fmt: skip


def test_a_malformed_store_is_reported_then_rebuilt(real_index_dir: Path, tmp_path: Path) -> None:
    settings = _copy_index(real_index_dir, tmp_path / "data")
    expected = _answers(settings)
    forget_open_store(settings.chroma_path)
    sqlite = settings.chroma_path / "chroma.sqlite3"
    data = bytearray(sqlite.read_bytes())
    middle = len(data) // 2
    data[middle : middle + len(data) // 4] = os.urandom(len(data) // 4)
    sqlite.write_bytes(bytes(data))

    with pytest.raises(IndexMissingError, match="damaged"):
        load_assistant(settings)
    asked = _cli(settings, "ask", QUESTION)
    assert asked.returncode == 2 and "Traceback" not in asked.stderr
    assert "run `govassist ingest` to rebuild it" in asked.stderr

    ingested = _cli(settings, "ingest")
    assert ingested.returncode == 0, ingested.stderr
    assert "The index was damaged" in ingested.stderr
    assert "2 new or changed" in ingested.stdout
    forget_open_store(settings.chroma_path)
    assert _answers(settings) == expected
    aside = list(tmp_path.glob("data/chroma.damaged-*"))
    assert aside and (aside[0] / "chroma" / "chroma.sqlite3").exists()  # kept for a look


def test_lost_passages_are_found_and_the_index_rebuilt(
    real_index_dir: Path, tmp_path: Path
) -> None:
    settings = _copy_index(real_index_dir, tmp_path / "data")
    manifest = Manifest.load(settings.manifest_path)
    assert manifest is not None
    collection = ChromaDatabase.embedded(settings.chroma_path).collection(manifest.collection)
    lost = sorted(collection.ids())[:5]
    collection.delete(lost)

    with pytest.raises(IndexMissingError, match="passages where"):
        load_assistant(settings)
    report = build_index(settings)
    assert "passages where" in report.repaired
    assert report.total_chunks == sum(e.chunks for e in manifest.files.values())
    forget_open_store(settings.chroma_path)
    _answers(settings)


def test_a_chroma_server_restarted_mid_session(tmp_path: Path) -> None:
    server = ChromaServer(tmp_path / "server")
    server.start()
    try:
        settings = Settings(
            data_dir=tmp_path / "data", corpus_dir=CORPUS, chroma_host="127.0.0.1",
            chroma_port=server.port,
        )  # fmt: skip
        build_index(settings)
        assistant = load_assistant(settings)
        first = assistant.answer(QUESTION)

        server.stop()
        # A loaded assistant holds its passages and their vectors: it answers on, the same.
        meanwhile = assistant.answer(QUESTION)
        assert [c.quote for c in meanwhile.citations] == [c.quote for c in first.citations]
        asked = _cli_with_server(settings, "ask", QUESTION)
        assert asked.returncode == 1 and "Traceback" not in asked.stderr
        assert "not answering" in asked.stderr
        # An ingest while it is down must not mistake it for a damaged index and drop it.
        ingested = _cli_with_server(settings, "ingest")
        assert ingested.returncode == 1 and "not answering" in ingested.stderr

        server.start()  # same folder, same port
        again = assistant.answer(QUESTION)  # the same assistant object, no reload
        assert [c.quote for c in again.citations] == [c.quote for c in first.citations]
        assert not build_index(settings).repaired
    finally:
        server.stop()


def _cli_with_server(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "GOVASSIST_DATA_DIR": str(settings.data_dir),
        "GOVASSIST_CHROMA_HOST": settings.chroma_host,
        "GOVASSIST_CHROMA_PORT": str(settings.chroma_port),
        "HF_HUB_OFFLINE": "1",
    }
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args], env=env, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip


@contextmanager
def tmpfs(path: Path, size: str) -> Iterator[Path]:
    """A small real file system of its own, to fill up or make read-only (needs root)."""
    path.mkdir(parents=True)
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], capture_output=True)


def _digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _new_document(tmp_path: Path) -> Path:
    extra = tmp_path / "extra"
    extra.mkdir(parents=True)
    text = (CORPUS / "ssat-2018-the-school-led-system-refocusing-governance.md").read_text()
    (extra / "trust-handbook.md").write_text(text.replace("SSAT", "Oakfield Trust"))
    return extra


def test_a_read_only_data_directory(tmp_path: Path) -> None:
    with tmpfs(tmp_path / "mnt", "64m") as mount:
        settings = Settings(data_dir=mount / "data", corpus_dir=CORPUS)
        # Built by another process: a file this one held open for writing would stop the
        # remount below ("mount point is busy").
        assert _cli(settings, "ingest", str(CORPUS)).returncode == 0
        before = _digest(settings.data_dir)
        subprocess.run(["mount", "-o", "remount,ro", str(mount)], check=True)

        with pytest.raises(IndexWriteError, match="Read-only file system"):
            build_index(settings, [CORPUS, _new_document(tmp_path)])
        with pytest.raises(IndexMissingError, match="Read-only file system"):
            load_assistant(settings)
        asked = _cli(settings, "ask", QUESTION)
        assert asked.returncode == 2 and "Read-only file system" in asked.stderr
        assert "Traceback" not in asked.stderr

        subprocess.run(["mount", "-o", "remount,rw", str(mount)], check=True)
        assert _digest(settings.data_dir) == before
        _answers(settings)


def test_a_full_data_directory(tmp_path: Path) -> None:
    with tmpfs(tmp_path / "mnt", "24m") as mount:
        settings = Settings(data_dir=mount / "data", corpus_dir=CORPUS)
        build_index(settings)
        live = Manifest.load(settings.manifest_path)
        assert live is not None
        running = load_assistant(settings)  # an app that was already serving
        filler = mount / "filler"
        # Fill the disk to the last block. Unbuffered: a buffered file would keep the bytes a
        # partial write left over and fail again when it is closed.
        with filler.open("wb", buffering=0) as handle:
            try:
                while handle.write(b"\0" * 65536):
                    pass
            except OSError as error:
                assert error.errno == errno.ENOSPC
        forget_open_store(settings.chroma_path)

        with pytest.raises(IndexWriteError, match=r"the disk is full \(.*(full|No space left)"):
            build_index(settings, [CORPUS, _new_document(tmp_path)])
        after = Manifest.load(settings.manifest_path)
        assert after is not None and after.collection == live.collection
        assert not list(mount.glob("data/chroma.damaged-*"))
        # The intact index is called intact, not damaged; a running app keeps answering.
        assert not running.answer(QUESTION).abstained
        with pytest.raises(IndexMissingError, match=r"is intact, .* the disk is full") as caught:
            load_assistant(settings)
        assert "cannot be opened (" not in str(caught.value)
        asked = _cli(settings, "ask", QUESTION)
        assert asked.returncode == 2 and "Traceback" not in asked.stderr
        assert "is intact" in asked.stderr and "the disk is full" in asked.stderr, asked.stderr
        assert "rebuild it from the documents" not in asked.stderr
        assert not list(mount.glob("data/chroma.damaged-*"))
        filler.unlink()
        forget_open_store(settings.chroma_path)
        _answers(settings)  # the version that was live still answers
        report = build_index(settings, [CORPUS, _new_document(tmp_path / "again")])
        assert report.files_updated and not report.problems
