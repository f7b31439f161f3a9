"""The duties register of each index version, built at ingest and stored beside it.

The register is read from the passages (no model, no vectors), but reading every sentence of a
large library takes a while (about 1 ms a passage), so `govassist ingest` does it once: the
Duties page, `govassist duties` and the chat's duties answers then only load a file. An ingest
reads the duties of the documents it reads and carries the others' over from the live version's
register (a document's duties depend on its own passages alone), so its cost follows the change,
not the library.

One file per index version, `<data dir>/duty-registers/<collection>.json`. It is written (to a
temporary name, then renamed) before the manifest switches to its version, so a version the
manifest names has its register complete or none at all. A file written by other extraction
rules (the code that reads duties is hashed into it) is not used; nor is a damaged one. An index
without a usable file, built before these files existed, has its register read from the
passages on first use, and the next ingest writes it.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import os
import sys
from collections.abc import Collection, Iterable
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path

import ingest.duties
import ingest.governance
from index.version_files import remove_other_versions
from ingest.duties import Duty, actor_key, duties
from ingest.types import Chunk

FOLDER = "duty-registers"
FORMAT = 1  # the file's layout; a file of another layout is not read


def actors_by_count(found: Iterable[Duty]) -> list[str]:
    """The named actors of `found`, the one with the most duties first (then by name)."""
    counts: dict[str, int] = {}
    for duty in found:
        if duty.actor:
            counts[duty.actor] = counts.get(duty.actor, 0) + 1
    return sorted(counts, key=lambda a: (-counts[a], a))


@dataclass(frozen=True)
class Register:
    """Every duty of an index version, with the words each actor goes by."""

    duties: tuple[Duty, ...]
    aliases: dict[str, tuple[str, ...]] = field(default_factory=dict)  # actor -> words used
    titles: dict[str, str] = field(default_factory=dict)  # doc_id -> title
    passages: dict[str, str] = field(default_factory=dict)  # chunk id -> text, for context

    def context(self, duty: Duty) -> tuple[str, str, str]:
        """The passage around a duty: (text before, the sentence, text after)."""
        text = self.passages.get(duty.chunk_id, "")
        if not text or text[duty.chunk_start : duty.chunk_end] != duty.text:
            return "", duty.text, ""
        return text[: duty.chunk_start], duty.text, text[duty.chunk_end :]

    @property
    def actors(self) -> list[str]:
        """The actors, most duties first (then by name)."""
        return actors_by_count(self.duties)

    def without(self, doc_ids: Collection[str]) -> Register:
        """The register less the documents `doc_ids` (their duties, titles and passages)."""
        kept = tuple(d for d in self.duties if d.doc_id not in doc_ids)
        cited = {d.chunk_id for d in kept}
        titles = {doc: title for doc, title in self.titles.items() if doc not in doc_ids}
        passages = {k: text for k, text in self.passages.items() if k in cited}
        return _register(kept, titles, passages)


def _register(found: Iterable[Duty], titles: dict[str, str], passages: dict[str, str]) -> Register:
    """A register of `found`, with each actor's aliases: its name and the words used for it."""
    found = tuple(found)
    aliases: dict[str, set[str]] = {}
    for duty in found:
        if duty.actor:
            words = " ".join(duty.actor_text.split()).strip(" ,.;:").lower()
            aliases.setdefault(duty.actor, set()).update({duty.actor.lower(), words} - {""})
    return Register(
        found, {actor: tuple(sorted(words)) for actor, words in aliases.items()}, titles, passages
    )


def build_register(chunks: Iterable[Chunk]) -> Register:
    """The register of `chunks`: their duties, each actor's aliases and the documents' titles."""
    chunk_list = list(chunks)
    found = duties(chunk_list)
    cited = {duty.chunk_id for duty in found}
    return _register(
        found,
        {chunk.doc_id: chunk.title for chunk in chunk_list},
        {chunk.id: chunk.text for chunk in chunk_list if chunk.id in cited},
    )


def combine(parts: Iterable[Register]) -> Register:
    """One register from registers of different documents, in the order `build_register` gives
    (documents by id, each in its own order)."""
    parts = list(parts)
    found = sorted((d for part in parts for d in part.duties), key=lambda d: d.doc_id)
    titles = {doc: title for part in parts for doc, title in part.titles.items()}
    passages = {k: text for part in parts for k, text in part.passages.items()}
    return _register(found, titles, passages)


@cache
def rules() -> str:
    """A short hash of the code that reads duties: a register it would now read differently is
    not used."""
    digest = hashlib.sha256()
    for module in (ingest.duties, ingest.governance, sys.modules[__name__]):
        digest.update(Path(inspect.getfile(module)).read_bytes())
    return digest.hexdigest()[:16]


def register_path(data_dir: Path, collection: str) -> Path:
    """Where the duties register of the index version `collection` is kept."""
    return data_dir / FOLDER / f"{collection}.json"


def save(register: Register, path: Path, collection: str) -> None:
    """Write atomically: a crash leaves no file or the whole file, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {
        "format": FORMAT,
        "rules": rules(),
        "collection": collection,
        "duties": [asdict(duty) for duty in register.duties],
        "titles": register.titles,
        "passages": register.passages,
    }
    tmp = path.with_name(f".{path.name}.tmp")
    with tmp.open("w", encoding="utf-8") as handle:
        json.dump(data, handle, ensure_ascii=False, separators=(",", ":"))
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def load(path: Path, collection: str) -> Register | None:
    """The register stored for `collection`, or None when there is no usable file (none, a
    damaged one, or one of other rules or another version)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if (data["format"], data["rules"], data["collection"]) != (FORMAT, rules(), collection):
            return None
        found = [Duty(**{**d, "section": tuple(d["section"])}) for d in data["duties"]]
        return _register(found, dict(data["titles"]), dict(data["passages"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def remove_unused(data_dir: Path, keep: Iterable[str]) -> None:
    """Delete the registers (and leftovers of a crash) of versions other than `keep`."""
    remove_other_versions(data_dir / FOLDER, ".json", keep)


def find_actor(register: Register, name: str) -> str | None:
    """The register's actor that `name` means (any case, any alias), or None."""
    wanted = {" ".join(name.lower().split()), actor_key(name)}
    for actor in register.actors:
        if wanted & {actor.lower(), actor_key(actor), *register.aliases.get(actor, ())}:
            return actor
    return None
