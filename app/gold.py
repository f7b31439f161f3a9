"""Gold question files: the contract's YAML form, validated at the edge, and how their text is
matched against answers and passages.

The training quiz asks its questions from a gold file and marks learners' answers against its
key facts; `evals/` scores the assistant on the same files with the same matching. Both read
them here, so a key fact counts the same in the quiz and in the evaluation.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
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


# Matching answers and passages against gold text: case, punctuation, spacing and markdown
# markers are ignored, as the gold format specifies.
_NOT_WORD = re.compile(r"[\W_]+", re.UNICODE)


def normalise(text: str) -> str:
    """Lower-case letters and digits only: "Decision-making**" and "decision making" agree."""
    return _NOT_WORD.sub("", unicodedata.normalize("NFKC", text).casefold())


def contains(haystack: str, needle: str) -> bool:
    """True when `needle` appears in `haystack` once both are normalised."""
    wanted = normalise(needle)
    return bool(wanted) and wanted in normalise(haystack)


def group_matched(text: str, alternatives: Sequence[str]) -> bool:
    """True when any alternative of one gold group appears in `text`."""
    return any(contains(text, alternative) for alternative in alternatives)
