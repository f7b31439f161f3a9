"""The duties register written by ingest beside each index version: the same register reading
the index gives, kept in step with changed and removed documents, switched with its version (a
failed or killed ingest leaves the old one serving), and read by the Duties page's loader, the
`duties` command and the chat; an index without one still works."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, FakeEmbedder
from typer.testing import CliRunner

import app.duty_register
import engine.assistant
from app.cli import cli
from app.duty_register import load_register
from app.resources import IndexWriteError, build_index, load_assistant, open_database
from app.settings import Settings
from index import duty_registers
from index.duty_registers import Register, build_register, register_path
from index.manifest import Manifest

HANDBOOK = """# Governance handbook

## The board

The governing board must publish its instrument of government.
The governing board should meet at least three times a year.

## Finance

The board must approve the budget. Boards may appoint a finance committee.
"""
NURSERY = """# Nursery guide

## Welfare

Providers must keep children safe. Providers should read the annex.
"""
AUDIT = "\nThe board must appoint an auditor every year.\n"


def _ingest(tmp_path: Path, files: dict[str, str], embedder: FakeEmbedder | None = None):
    docs = tmp_path / "docs"
    docs.mkdir(exist_ok=True)
    for name, text in files.items():
        (docs / name).write_text(text, encoding="utf-8")
    settings = Settings(data_dir=tmp_path / "data", corpus_dir=docs, _env_file=None)
    report = build_index(settings, embedder=embedder or FakeEmbedder())
    assert report.problems == []
    return settings, report


def _live(settings: Settings) -> str:
    manifest = Manifest.load(settings.manifest_path)
    assert manifest is not None
    return manifest.collection


def _stored(settings: Settings, collection: str | None = None) -> Register | None:
    name = collection or _live(settings)
    return duty_registers.load(register_path(settings.data_dir, name), name)


def _from_index(settings: Settings) -> Register:
    return build_register(open_database(settings).collection(_live(settings)).all_chunks())


def _texts(register: Register | None) -> list[str]:
    assert register is not None
    return [d.text for d in register.duties]


def test_ingest_writes_the_register_that_reading_the_index_gives(tmp_path: Path) -> None:
    settings, report = _ingest(tmp_path, {"handbook.md": HANDBOOK, "nursery.md": NURSERY})
    assert register_path(settings.data_dir, _live(settings)).is_file()
    stored = _stored(settings)
    assert stored is not None and stored == _from_index(settings)
    assert len(stored.duties) == 6 and set(stored.titles) == {"handbook", "nursery"}
    assert stored.aliases["Governing boards"] == ("boards", "governing boards", "the board",
                                                  "the governing board")  # fmt: skip
    assert report.seconds["duties"] > 0


def test_a_changed_document_updates_the_register_and_the_others_are_carried(
    tmp_path: Path,
) -> None:
    settings, _ = _ingest(tmp_path, {"handbook.md": HANDBOOK, "nursery.md": NURSERY})
    first = _live(settings)
    _ingest(tmp_path, {"handbook.md": HANDBOOK + AUDIT})
    second = _live(settings)
    assert second != first
    stored = _stored(settings)
    assert "The board must appoint an auditor every year." in _texts(stored)
    assert stored == _from_index(settings)  # the nursery guide's duties carried over unchanged
    assert "The board must appoint an auditor every year." not in _texts(_stored(settings, first))

    (tmp_path / "docs" / "nursery.md").unlink()
    build_index(settings, embedder=FakeEmbedder())
    stored = _stored(settings)
    assert stored == _from_index(settings)
    assert set(stored.titles) == {"handbook"} and "Providers" not in stored.actors
    # Each version's register goes with it: the live one and the one before are kept.
    folder = settings.data_dir / duty_registers.FOLDER
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [f"{second}.json", f"{_live(settings)}.json"]
    )


def test_an_index_without_a_register_gets_one_at_the_next_ingest(tmp_path: Path) -> None:
    settings, _ = _ingest(tmp_path, {"handbook.md": HANDBOOK, "nursery.md": NURSERY})
    register_path(settings.data_dir, _live(settings)).unlink()  # as an older version built it
    assert load_register(settings) == _from_index(settings)  # read from the index meanwhile
    report = build_index(settings, embedder=FakeEmbedder())  # nothing changed
    assert report.files_unchanged == 2 and _stored(settings) == _from_index(settings)

    register_path(settings.data_dir, _live(settings)).unlink()
    _ingest(tmp_path, {"handbook.md": HANDBOOK + AUDIT})  # a change: read from every passage
    assert _stored(settings) == _from_index(settings)


def test_a_register_of_other_rules_or_another_version_is_not_used(tmp_path: Path) -> None:
    settings, _ = _ingest(tmp_path, {"handbook.md": HANDBOOK})
    live = _live(settings)
    path = register_path(settings.data_dir, live)
    good = path.read_text(encoding="utf-8")
    path.write_text(good.replace(duty_registers.rules(), "0" * 16), encoding="utf-8")
    assert _stored(settings) is None
    path.write_text(good.replace(live, "govassist-other-1"), encoding="utf-8")
    assert _stored(settings) is None
    path.write_text(good[:100], encoding="utf-8")
    assert _stored(settings) is None
    build_index(settings, embedder=FakeEmbedder())  # nothing changed: the register is rewritten
    assert _stored(settings) == _from_index(settings)


def test_a_failed_ingest_leaves_the_old_register_serving_with_the_old_index(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings, _ = _ingest(tmp_path, {"handbook.md": HANDBOOK})
    before, old = _live(settings), _stored(settings)

    def full_disk(*args: object) -> None:
        raise OSError(28, "No space left on device")

    (tmp_path / "docs" / "nursery.md").write_text(NURSERY, encoding="utf-8")
    monkeypatch.setattr(duty_registers, "save", full_disk)
    with pytest.raises(IndexWriteError, match="No space left on device"):
        build_index(settings, embedder=FakeEmbedder())
    monkeypatch.undo()
    # The register is written, but the switch fails: the version it belongs to never goes live.
    monkeypatch.setattr(Manifest, "save", full_disk)
    with pytest.raises(IndexWriteError, match="No space left on device"):
        build_index(settings, embedder=FakeEmbedder())
    monkeypatch.undo()
    assert _live(settings) == before
    written = sorted(p.stem for p in (settings.data_dir / duty_registers.FOLDER).iterdir())
    unswitched = _stored(settings, written[-1])  # version names end with when they were made
    assert len(written) == 2 and unswitched is not None and "Providers" in unswitched.actors

    monkeypatch.setattr(app.duty_register, "build_register", _not_read)
    assert load_register(settings) == old
    assert "Providers" not in load_register(settings).actors


def _not_read(*args: object) -> Register:
    raise AssertionError("the register should be the stored one, not read from the index")


# Ingests with the fake embedder and is killed the moment the new version's register is on
# disk, before the manifest switches to that version.
KILLED_INGEST = """
import os, signal, sys
from pathlib import Path
sys.path.insert(0, {tests!r})
from conftest import FakeEmbedder
from app.resources import build_index
from app.settings import Settings
from index import duty_registers

save = duty_registers.save

def save_and_die(*args):
    save(*args)
    os.kill(os.getpid(), signal.SIGKILL)

duty_registers.save = save_and_die
build_index(Settings(data_dir=Path({data!r}), corpus_dir=Path({docs!r}), _env_file=None),
            embedder=FakeEmbedder())
"""


def test_a_killed_ingest_leaves_the_old_register_serving_with_the_old_index(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings, _ = _ingest(tmp_path, {"handbook.md": HANDBOOK})
    before, old = _live(settings), _stored(settings)
    (tmp_path / "docs" / "nursery.md").write_text(NURSERY, encoding="utf-8")
    script = KILLED_INGEST.format(
        tests=str(ROOT / "tests"), data=str(settings.data_dir), docs=str(settings.corpus_dir)
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=300)  # fmt: skip
    assert done.returncode == -signal.SIGKILL, done.stderr.decode()[-2000:]
    assert _live(settings) == before
    assert len(list((settings.data_dir / duty_registers.FOLDER).glob("*.json"))) == 2
    monkeypatch.setattr(app.duty_register, "build_register", _not_read)
    assert load_register(settings) == old
    monkeypatch.undo()
    # The next ingest completes, and the killed one's register goes with its half-built version.
    build_index(settings, embedder=FakeEmbedder())
    assert "Providers" in load_register(settings).actors
    folder = settings.data_dir / duty_registers.FOLDER
    assert sorted(p.stem for p in folder.iterdir()) == sorted([before, _live(settings)])


def test_the_duties_command_and_the_chat_read_the_stored_register(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    embedder = FakeEmbedder()
    settings, _ = _ingest(tmp_path, {"handbook.md": HANDBOOK, "nursery.md": NURSERY}, embedder)
    monkeypatch.setattr(app.duty_register, "build_register", _not_read)
    monkeypatch.setattr(engine.assistant, "build_register", _not_read)
    result = CliRunner().invoke(
        cli, ["duties", "--actor", "providers", "--format", "md"],
        env={"GOVASSIST_DATA_DIR": str(settings.data_dir)},
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Providers must keep children safe" in result.output
    assistant = load_assistant(settings, embedder)
    answer = assistant.answer("What must the governing board do about the budget?")
    assert answer.answerer == "duties"
    assert "The board must approve the budget." in answer.text
