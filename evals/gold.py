"""Gold files with their rewordings. Reading a gold file (`load_gold`, `GoldItem`) lives in
`app/gold.py`, where the training quiz reads the same files."""

from __future__ import annotations

from pathlib import Path

from app.gold import GoldError, GoldItem


def with_variants(
    originals: list[GoldItem], variants: list[GoldItem], variants_path: Path
) -> list[GoldItem]:
    """The originals followed by their rewordings; each must reword one of them, ids unique."""
    known = {item.id for item in originals}
    for item in variants:
        if item.id in known:
            raise GoldError(f"{variants_path}: id {item.id!r} is also used by the gold file")
        if item.variant_of not in known:
            raise GoldError(
                f"{variants_path}: item {item.id!r} must name an item of the gold file in "
                f"variant_of (it names {item.variant_of!r})"
            )
    return [*originals, *variants]
