"""Gold question files: the contract's YAML form, validated at the edge."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, Field, TypeAdapter, ValidationError, field_validator

from ingest.errors import GovassistError


class GoldItem(BaseModel):
    """One question with what a correct answer must contain and rest on."""

    id: str = Field(description="Unique within the file.")
    question: str
    category: str = Field("uncategorised", description="power, role, comparison, ...")
    history: list[str] = Field(
        default_factory=list, description="Earlier user turns, oldest first."
    )
    answerable: bool = True
    must_include: list[list[str]] = Field(
        default_factory=list, description="Each inner list: one alternative must be in the answer."
    )
    sources: list[list[str]] = Field(
        default_factory=list, description="Each inner list: one quote must be in a cited passage."
    )
    reference: str | None = Field(None, description="A model answer, for people.")
    # A file without splits counts as all test, as the gold contract says.
    split: Literal["dev", "test"] = Field(
        "test", description="dev: may be looked at while tuning; test: frozen, reported, gated."
    )
    variant_of: str | None = Field(None, description="The id of the item this rewords.")
    kind: str | None = Field(None, description="How a rewording differs: casual, typo, ...")

    @field_validator("must_include", "sources", mode="before")
    @classmethod
    def _groups_of_strings(cls, value: object) -> object:
        # Accept the shorthand ["a", "b"] (each its own group) as well as [["a", "b"]].
        if isinstance(value, list):
            return [group if isinstance(group, list) else [group] for group in value]
        return value


class GoldError(GovassistError):
    """The gold file cannot be used; the message says where and why."""

    exit_code = 2


_ITEMS = TypeAdapter(list[GoldItem])


def load_gold(path: Path) -> list[GoldItem]:
    """Read and validate a gold file; ids must be unique."""
    try:
        raw = path.read_bytes()
        data = yaml.safe_load(raw.decode("utf-8"))
    except OSError as error:
        raise GoldError(f"cannot read {path}: {error.strerror}") from error
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        raise GoldError(
            f"{path}: line {line} is not UTF-8 text (byte {raw[error.start]:#04x} at offset "
            f"{error.start}); save the file as UTF-8"
        ) from error
    except yaml.YAMLError as error:
        raise GoldError(f"{path} is not valid YAML: {error}") from error
    except RecursionError as error:  # e.g. thousands of nested brackets
        raise GoldError(f"{path} is not valid YAML: nested too deeply") from error
    if not isinstance(data, list) or not data:
        raise GoldError(f"{path} must be a non-empty YAML list of questions")
    try:
        items = _ITEMS.validate_python(data)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise GoldError(f"{path}: item {where}: {first['msg']}") from error
    seen: set[str] = set()
    for item in items:
        if item.id in seen:
            raise GoldError(f"{path}: id {item.id!r} is used twice")
        seen.add(item.id)
    return items


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
