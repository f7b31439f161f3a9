"""Finding the files to ingest in a folder: links to anywhere else are not followed."""

from __future__ import annotations

from pathlib import Path

from ingest.sources import discover


def test_links_out_of_the_folder_are_skipped_by_name(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("root:x:0:0:root:/root:/bin/bash\n", encoding="utf-8")
    folder = tmp_path / "docs"
    (folder / "sub").mkdir(parents=True)
    (folder / "guide.md").write_text("# Guide\n\nText.\n", encoding="utf-8")
    (folder / "passwd.txt").symlink_to(outside / "secret.txt")
    (folder / "gone.md").symlink_to(tmp_path / "nowhere.md")
    (folder / "elsewhere").symlink_to(outside, target_is_directory=True)
    (folder / "same.md").symlink_to(folder / "guide.md")  # inside the folder: read
    files, skipped = discover([folder])
    assert sorted(f.name for f in files) == ["guide.md", "same.md"]
    assert dict((p.name, reason) for p, reason in skipped) == {
        "passwd.txt": "a link to a file outside the folder",
        "gone.md": "a link to nothing",
        "elsewhere": "a link to a folder (not followed)",
    }
