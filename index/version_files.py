"""Files kept beside each index version (its sentence vectors, its duties register): a folder
per kind, a file per version named after the version."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path


def remove_other_versions(folder: Path, suffix: str, keep: Iterable[str]) -> None:
    """Delete every file in `folder` but the versions in `keep` (`<name><suffix>`), leftovers
    of a crash included. Call it only as the one writer."""
    if not folder.is_dir():
        return
    wanted = {f"{name}{suffix}" for name in keep}
    for path in folder.iterdir():
        if path.name not in wanted:
            path.unlink(missing_ok=True)
