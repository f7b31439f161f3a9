"""Writers that start together, with the real model, a real Chroma and the real app: two
`govassist ingest` processes, then two admin sessions of the app pressing "Rebuild the index"
at once. The second writer waits for the first and builds on it, nothing either wrote is lost,
nothing is set aside as damaged, and a reader keeps answering through every version switch."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from subprocess import PIPE

import pytest
from conftest import CORPUS, CST
from streamlit.testing.v1 import AppTest

from app.resources import index_status, load_assistant
from app.settings import Settings
from app.ui.common import settings as cached_settings
from index.embedder import load_embedder
from index.manifest import Manifest
from index.store import ChromaDatabase

pytestmark = pytest.mark.integration
QUESTION = "Who holds the power to inspect schools?"
APP = str(Path(__file__).resolve().parent.parent / "app" / "streamlit_app.py")
WAITING = "being written by {writer} (process "


def _document(folder: Path, name: str) -> Path:
    """About 80 KB of new governance text (twice the CST report, the inspector renamed)."""
    folder.mkdir(parents=True, exist_ok=True)
    text = CST.read_text(encoding="utf-8").replace("Ofsted", f"The {name} Inspectorate")
    path = folder / f"{name.lower()}-handbook.md"
    path.write_text(f"# {name} handbook\n\n{text}\n\n{text.replace('school', 'academy')}")
    return path


def _doc_ids(data: Path) -> set[str]:
    manifest = Manifest.load(data / "manifest.json")
    assert manifest is not None
    return {entry.doc_id for entry in manifest.files.values()}


def _segment_folders(data: Path) -> int:
    return sum(1 for p in (data / "chroma").iterdir() if p.is_dir())


@dataclass
class Reads:
    """What a reader saw while the writers ran."""

    answered: int = 0
    versions: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@dataclass
class Reader:
    """Asks the same question until stopped, in a thread, through `ask`; any failure or an
    answer without the corpus's citation is counted as an error."""

    ask: Callable[[], str]
    reads: Reads = field(default_factory=Reads)
    stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                version = self.ask()
            except Exception as error:  # counted, not raised: the reader must never fail
                self.reads.errors.append(f"{type(error).__name__}: {str(error)[:300]}")
            else:
                self.reads.answered += 1
                if not self.reads.versions or self.reads.versions[-1] != version:
                    self.reads.versions.append(version)
            self.stop.wait(0.2)  # a question every fraction of a second, not a busy loop

    def __enter__(self) -> Reads:
        self.thread = threading.Thread(target=self.run)
        self.thread.start()
        return self.reads

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join(120)


@pytest.fixture
def data(real_index_dir: Path, tmp_path: Path) -> Iterator[Path]:
    target = tmp_path / "data"
    shutil.copytree(real_index_dir, target)
    yield target


def _live_asker(settings: Settings) -> Callable[[], str]:
    """Asks QUESTION of the live index version, as the app's shared assistant does (one
    assistant per version, picked by the manifest); returns the version that answered."""
    embedder = load_embedder(settings.embedding_model)
    loaded: dict[str, object] = {}

    def ask() -> str:
        manifest = index_status(settings)
        assert manifest is not None
        if manifest.collection not in loaded:
            loaded[manifest.collection] = load_assistant(settings, embedder)
        answer = loaded[manifest.collection].answer(QUESTION)  # type: ignore[attr-defined]
        # Answered and cited (the new documents may well be the better answer).
        assert not answer.abstained and answer.citations, answer.text
        return manifest.collection

    return ask


def test_two_ingest_processes_at_once(data: Path, tmp_path: Path) -> None:
    settings = Settings(data_dir=data, corpus_dir=CORPUS)
    ask = _live_asker(settings)
    folders_before = _segment_folders(data)
    first, second = _document(tmp_path / "a", "Northern"), _document(tmp_path / "b", "Southern")
    env = {**os.environ, "GOVASSIST_DATA_DIR": str(data), "HF_HUB_OFFLINE": "1"}
    started = time.monotonic()
    with Reader(ask) as reads:
        command = [sys.executable, "-m", "app.cli", "ingest", str(CORPUS)]
        processes = [
            subprocess.Popen([*command, str(path)], env=env, stdout=PIPE, stderr=PIPE, text=True)
            for path in (first, second)
        ]
        outputs = [process.communicate(timeout=600) for process in processes]
        took = time.monotonic() - started
        final = index_status(settings)
        assert final is not None
        deadline = time.monotonic() + 60
        while reads.versions[-1:] != [final.collection] and time.monotonic() < deadline:
            time.sleep(0.1)  # until the reader has answered from the final version

    for process, (stdout, stderr) in zip(processes, outputs, strict=True):
        assert process.returncode == 0, stderr
        assert "Traceback" not in stderr and "1 new or changed" in stdout, stdout + stderr
    waiting = WAITING.format(writer="govassist ingest")
    waited = [stderr for _, stderr in outputs if waiting in stderr]
    assert len(waited) == 1, [stderr for _, stderr in outputs]
    corpus = {"cst-2018-where-next-for-the-self-improving-school-system",
              "ssat-2018-the-school-led-system-refocusing-governance"}  # fmt: skip
    assert _doc_ids(data) == corpus | {"northern-handbook", "southern-handbook"}
    assert not list(data.parent.glob("data/chroma.damaged-*"))
    assert reads.errors == [] and reads.answered >= 10, reads
    assert reads.versions[-1] == final.collection
    assert len(reads.versions) >= 2  # it answered across at least one switch
    # The live version and the previous one are all that is left on disk.
    database = ChromaDatabase.embedded(data / "chroma")
    assert len(database.names()) == 2 and _segment_folders(data) == 2
    assert "s for the other writer to finish." in waited[0]
    waited_line = next(x for x in waited[0].splitlines() if x.startswith("Waited "))
    print(
        f"\ntwo ingests: {took:.1f} s, the second: {waited_line!r}; "
        f"reader: {reads.answered} answers, {len(reads.versions)} versions, "
        f"{len(reads.errors)} errors; "
        f"segment folders {folders_before} -> {_segment_folders(data)}"
    )


def _admin_session(token: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=600)
    at.run()
    at.switch_page("ui/admin_page.py").run()
    at.text_input[0].set_value(token).run()
    assert not at.exception, at.exception
    return at


def _rebuild(at: AppTest) -> None:
    next(b for b in at.button if b.label == "Rebuild the index").click().run()


def test_two_admin_sessions_rebuild_at_once(
    data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GOVASSIST_DATA_DIR", str(data))
    monkeypatch.setenv("GOVASSIST_ADMIN_TOKEN", "correct horse battery staple")
    cached_settings.clear()
    uploads = Settings(data_dir=data).uploads_dir
    first, second = (_admin_session("correct horse battery staple") for _ in range(2))

    # The reader asks through the engine, as the app's shared assistant does, not through a
    # third AppTest: AppTest sessions in threads of one process share Streamlit's globals, and
    # once in a while one session's widget key turned up in another's state (a KeyError that
    # no served app, one script run per session thread, can meet).
    ask = _live_asker(Settings(data_dir=data))
    try:
        with Reader(ask) as reads:
            _document(uploads, "Northern")
            first_run = threading.Thread(target=_rebuild, args=(first,))
            first_run.start()
            holder = data / "index.lock.holder.json"
            deadline = time.monotonic() + 120
            while not holder.exists():  # the first session has the index: now the second
                assert time.monotonic() < deadline and first_run.is_alive()
                time.sleep(0.05)
            _document(uploads, "Southern")
            _rebuild(second)
            first_run.join(600)
    finally:
        cached_settings.clear()

    for session in (first, second):
        assert not session.exception and not session.error, (session.exception, session.error)
    waits = [i.value for i in second.info if "being written by" in i.value]
    assert len(waits) == 1, [i.value for i in second.info]
    assert WAITING.format(writer="an admin rebuild in the app").replace(" ", "") in (
        waits[0].replace("\\", "").replace(" ", "")
    )
    assert {"northern-handbook", "southern-handbook"} <= _doc_ids(data)
    assert not list(data.parent.glob("data/chroma.damaged-*"))
    assert reads.errors == [] and reads.answered >= 3, reads
    print(
        f"\ntwo admin sessions; reader: {reads.answered} answers, {len(reads.versions)} "
        f"versions, {len(reads.errors)} errors; segment folders {_segment_folders(data)}"
    )
