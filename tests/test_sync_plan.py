"""The plan of a sync: what changed, decided from the files found and the live manifest alone.

`plan_sync` is given what is on disk as data, so these tests build it in memory and forbid the
disk while it plans; `look`, the part that reads the disk, is checked on a real folder."""

from __future__ import annotations

import builtins
import pathlib
from collections.abc import Collection
from pathlib import Path

import pytest

from index.manifest import FileEntry
from index.sync_plan import Action, FilesFound, FoundFile, SyncPlan, look, plan_sync

DOCS = Path("/nowhere/docs")  # never on disk: the plan must not need it


def _found(*files: FoundFile, missing: tuple[str, ...] = ()) -> FilesFound:
    return FilesFound(
        files=files, skipped=(), excluded=(), scanned=(DOCS,), targets=(DOCS,),
        missing=frozenset(missing),
    )  # fmt: skip


def _file(name: str, sha: str) -> FoundFile:
    return FoundFile(DOCS / name, str(DOCS / name), sha256=sha)


def _entry(sha: str, chunks: int = 3, doc_id: str = "a") -> FileEntry:
    return FileEntry(sha256=sha, doc_id=doc_id, title=doc_id.upper(), chunks=chunks, format="md")


def _actions(plan: SyncPlan) -> dict[str, Action]:
    return {step.file.path.name: step.action for step in plan.steps}


def _plan(
    found: FilesFound, listed: dict[str, FileEntry], excluded: Collection[str] = ()
) -> SyncPlan:
    """`plan_sync` with the disk out of reach: every way it could touch it fails the test."""

    def touched(*args: object, **kwargs: object) -> None:
        raise AssertionError("the plan touched the disk")

    with pytest.MonkeyPatch.context() as patch:
        for name in ("stat", "exists", "is_file", "is_dir", "resolve", "read_bytes", "iterdir"):
            patch.setattr(pathlib.Path, name, touched)
        patch.setattr(builtins, "open", touched)
        return plan_sync(found, listed, excluded)


def test_nothing_changed_keeps_every_file() -> None:
    listed = {str(DOCS / "a.md"): _entry("sha-a", chunks=4)}
    plan = _plan(_found(_file("a.md", "sha-a")), listed)
    assert _actions(plan) == {"a.md": Action.KEEP}
    assert plan.steps[0].kept_chunks == 4
    assert plan.removed == ()
    assert plan.changes_nothing


def test_a_new_file_is_read() -> None:
    listed = {str(DOCS / "a.md"): _entry("sha-a")}
    plan = _plan(_found(_file("a.md", "sha-a"), _file("b.md", "sha-b")), listed)
    assert _actions(plan) == {"a.md": Action.KEEP, "b.md": Action.READ}
    assert [step.number for step in plan.steps] == [1, 2]
    assert not plan.changes_nothing


def test_a_changed_file_is_read_again() -> None:
    listed = {str(DOCS / "a.md"): _entry("sha-a")}
    plan = _plan(_found(_file("a.md", "sha-a2")), listed)
    assert _actions(plan) == {"a.md": Action.READ}
    assert not plan.changes_nothing


def test_an_entry_recorded_before_the_library_details_is_read_again() -> None:
    old = FileEntry(sha256="sha-a", doc_id="a", title="A", chunks=3)  # no format recorded
    plan = _plan(_found(_file("a.md", "sha-a")), {str(DOCS / "a.md"): old})
    assert _actions(plan) == {"a.md": Action.READ}


def test_a_file_gone_from_a_scanned_folder_is_removed() -> None:
    gone = str(DOCS / "b.md")
    listed = {str(DOCS / "a.md"): _entry("sha-a"), gone: _entry("sha-b", doc_id="b")}
    plan = _plan(_found(_file("a.md", "sha-a"), missing=(gone,)), listed)
    assert plan.removed == (gone,)
    assert _actions(plan) == {"a.md": Action.KEEP}
    assert not plan.changes_nothing


def test_a_file_gone_from_elsewhere_stays_listed() -> None:
    elsewhere = "/nowhere/other/c.md"  # not under a path this sync looked at
    listed = {str(DOCS / "a.md"): _entry("sha-a"), elsewhere: _entry("sha-c", doc_id="c")}
    plan = _plan(_found(_file("a.md", "sha-a"), missing=(elsewhere,)), listed)
    assert plan.removed == ()
    assert plan.changes_nothing


def test_a_file_not_found_but_still_on_disk_stays_listed() -> None:
    # Under a scanned folder but not among the files found (say, it became unsupported) and
    # not missing: it is not removed.
    kept = str(DOCS / "b.md")
    listed = {str(DOCS / "a.md"): _entry("sha-a"), kept: _entry("sha-b", doc_id="b")}
    plan = _plan(_found(_file("a.md", "sha-a")), listed)
    assert plan.removed == ()


def test_an_excluded_file_is_removed_wherever_it_is() -> None:
    elsewhere = "/nowhere/other/c.md"
    listed = {str(DOCS / "a.md"): _entry("sha-a"), elsewhere: _entry("sha-c", doc_id="c")}
    plan = _plan(_found(_file("a.md", "sha-a")), listed, {elsewhere})
    assert plan.removed == (elsewhere,)


def test_a_file_that_cannot_be_hashed_is_reported_and_changes_nothing() -> None:
    broken = FoundFile(DOCS / "a.md", str(DOCS / "a.md"), unreadable="could not be read (x)")
    plan = _plan(_found(broken), {str(DOCS / "a.md"): _entry("sha-a")})
    assert _actions(plan) == {"a.md": Action.UNREADABLE}
    assert plan.removed == ()  # its old passages stay
    assert plan.changes_nothing


def test_an_empty_manifest_reads_everything() -> None:
    plan = _plan(_found(_file("a.md", "sha-a"), _file("b.md", "sha-b")), {})
    assert plan.with_action(Action.READ) == list(plan.steps)


def test_look_hashes_the_files_sets_the_excluded_apart_and_finds_the_gone(
    tmp_path: Path,
) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.md").write_text("# A\n", encoding="utf-8")
    (docs / "b.md").write_text("# B\n", encoding="utf-8")
    (docs / "slides.pptx").write_bytes(b"PK")
    gone = str(docs / "gone.md")
    found = look([docs], excluded={str((docs / "b.md").resolve())}, listed=[gone])
    assert [f.path.name for f in found.files] == ["a.md"]
    assert found.files[0].sha256 and not found.files[0].unreadable
    assert found.excluded == (docs / "b.md",)
    assert [(p.path.name, p.reason) for p in found.skipped] == [
        ("slides.pptx", "unsupported file type '.pptx'")
    ]
    assert found.scanned == found.targets == (docs.resolve(),)
    assert found.missing == {gone}
