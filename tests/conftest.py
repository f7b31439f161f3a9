"""Shared fixtures: a deterministic fake embedder for unit tests, and one real index of the
corpus (real model, real embedded Chroma) built once per test run for the integration tests."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
CST = CORPUS / "cst-2018-where-next-for-the-self-improving-school-system.md"
SSAT = CORPUS / "ssat-2018-the-school-led-system-refocusing-governance.md"
# Browser tests save what they saw here; the README's images (docs/screenshots/) are replaced
# only by `make screenshots`, which points this variable at them.
SCREENSHOTS = Path(os.environ.get("GOVASSIST_SCREENSHOTS", ROOT / "build" / "screenshots"))

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")


class FakeEmbedder:
    """Bag of hashed words, L2-normalised: texts sharing words are similar, and the same text
    always gets the same vector. Counts calls so tests can assert what was (not) embedded."""

    name = "fake-embedder"
    dimension = 64

    def __init__(self) -> None:
        self.embedded: list[str] = []

    @property
    def max_tokens(self) -> int:
        return 256

    def count_tokens(self, text: str) -> int:
        return len(text.split()) + 2

    def embed(self, texts: list[str]) -> np.ndarray:
        self.embedded.extend(texts)
        vectors = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in re.findall(r"[a-z]+", text.lower()):
                bucket = int(hashlib.md5(word.encode()).hexdigest(), 16) % self.dimension
                vectors[row, bucket] += 1.0
            norm = np.linalg.norm(vectors[row])
            vectors[row] = vectors[row] / norm if norm else vectors[row]
        return vectors


@pytest.fixture
def fake_embedder() -> FakeEmbedder:
    return FakeEmbedder()


def live_store(database, manifest_path: Path):
    """The index version the manifest points at."""
    from index.manifest import Manifest

    manifest = Manifest.load(manifest_path)
    assert manifest is not None and manifest.collection
    return database.collection(manifest.collection)


def index_folder(folder: Path, data: Path, embedder: FakeEmbedder):
    """Ingest `folder` into an embedded Chroma under `data`; return the live store."""
    from index.build import sync
    from index.store import ChromaDatabase

    database = ChromaDatabase.embedded(data / "chroma")
    sync([folder], database, embedder, data / "manifest.json")
    return live_store(database, data / "manifest.json")


@pytest.fixture(scope="session")
def real_index_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A data directory holding an index of corpus/ built with the real model and Chroma."""
    from app.resources import build_index
    from app.settings import Settings

    data_dir = tmp_path_factory.mktemp("govassist-data")
    report = build_index(Settings(data_dir=data_dir, corpus_dir=CORPUS))
    assert report.problems == []
    assert report.total_chunks > 50
    yield data_dir
    shutil.rmtree(data_dir, ignore_errors=True)


@pytest.fixture(scope="session")
def real_assistant(real_index_dir: Path):
    from app.resources import load_assistant
    from app.settings import Settings

    return load_assistant(Settings(data_dir=real_index_dir, corpus_dir=CORPUS))


def fake_assistant(tmp_path: Path, doc: str, embedder: FakeEmbedder, **options):
    """An Assistant over `doc` indexed with the fake embedder. The fake's similarities run
    lower than the real model's, so callers pass a looser AbstentionPolicy in `options`."""
    from engine.assistant import Assistant
    from index.search import HybridIndex

    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "d.md").write_text(doc, encoding="utf-8")
    store = index_folder(tmp_path / "docs", tmp_path, embedder)
    return Assistant(HybridIndex.load(store, embedder), **options)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class ChromaServer:
    """A real `chroma run` on loopback, over a folder; can be stopped and started again on the
    same port (to restart it under a running assistant)."""

    def __init__(self, path: Path, port: int | None = None) -> None:
        self.path, self.port = path, port or free_port()
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout_s: float = 60) -> None:
        chroma = Path(sys.executable).parent / "chroma"
        command = [str(chroma), "run", "--path", str(self.path), "--host", "127.0.0.1"]
        self.process = subprocess.Popen(
            [*command, "--port", str(self.port)],
            env={**os.environ, "ANONYMIZED_TELEMETRY": "False"},
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + timeout_s
        url = f"http://127.0.0.1:{self.port}/api/v2/heartbeat"
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(url, timeout=2):
                    return
            except OSError:
                if self.process.poll() is not None:
                    raise AssertionError("chroma run exited") from None
                time.sleep(0.3)
        self.process.kill()
        raise AssertionError(f"chroma run did not answer within {timeout_s:g} s")

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip
APP_START_TIMEOUT_S = 120


@contextmanager
def running_app(
    data_dir: Path, extra_env: dict[str, str] | None = None
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """`govassist app` on a free loopback port over `data_dir` (with `extra_env` set too, such
    as an admin token), until the block ends."""
    port = free_port()
    env = {**os.environ, **(extra_env or {}), "GOVASSIST_DATA_DIR": str(data_dir)}
    command = [sys.executable, "-m", "app.cli", "app", "--port", str(port)]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + APP_START_TIMEOUT_S
        while True:
            if process.poll() is not None:
                raise AssertionError(f"the app exited with {process.returncode}")
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                if time.monotonic() > deadline:
                    raise AssertionError("the app did not become healthy in time") from None
                time.sleep(0.5)
        yield url, process
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's chromium through Playwright, one per test module."""
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "Debian's chromium is needed: apt-get install chromium"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()
