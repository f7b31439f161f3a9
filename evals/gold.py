"""Gold question files: the contract's YAML form, validated at the edge."""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import BaseModel, Field, TypeAdapter, ValidationError, field_validator


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

    @field_validator("must_include", "sources", mode="before")
    @classmethod
    def _groups_of_strings(cls, value: object) -> object:
        # Accept the shorthand ["a", "b"] (each its own group) as well as [["a", "b"]].
        if isinstance(value, list):
            return [group if isinstance(group, list) else [group] for group in value]
        return value


class GoldError(Exception):
    """The gold file cannot be used; the message says where and why."""


_ITEMS = TypeAdapter(list[GoldItem])


def load_gold(path: Path) -> list[GoldItem]:
    """Read and validate a gold file; ids must be unique."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise GoldError(f"cannot read {path}: {error.strerror}") from error
    except yaml.YAMLError as error:
        raise GoldError(f"{path} is not valid YAML: {error}") from error
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
