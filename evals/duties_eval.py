"""Scoring the duties extractor on hand-labelled sentences (evals/duties_labels.yaml).

Precision and recall of duty detection count sentences; actor and strength accuracy count the
labelled duties the extractor found. Mistakes are listed for the dev split only: the test
split is for reporting, not for tuning.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, Field, ValidationError

from ingest.duties import STRENGTHS, Duty, actor_key, duties
from ingest.errors import GovassistError
from ingest.types import Chunk

# The formats ingest reads (ingest/loaders): the label folders also hold sources.yaml.
DOCUMENT_SUFFIXES = (".pdf", ".docx", ".html", ".htm", ".md", ".markdown", ".txt", ".text")


class DutyLabel(BaseModel):
    """One sentence as a person read it."""

    doc: str = Field(description="The document id.")
    text: str = Field(description="The sentence exactly as in the document's chunks.")
    is_duty: bool
    actor: str = Field("", description="Who must/should/may act; '' when no one is named.")
    strength: Literal["must", "must not", "should", "should not", "may"] | None = None
    split: Literal["dev", "test"] = "test"
    note: str = ""


class LabelFile(BaseModel):
    """The labels and the folders holding their documents (relative to the file)."""

    folders: list[str] = Field(description="Where the labelled documents are.")
    items: list[DutyLabel]


class LabelError(GovassistError):
    """The label file cannot be used; the message says where and why."""

    exit_code = 2


def load_labels(path: Path) -> LabelFile:
    """Read and validate a label file: a duty has a strength, sentences are unique per doc."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        labels = LabelFile.model_validate(data)
    except OSError as error:
        raise LabelError(f"cannot read {path}: {error.strerror}") from error
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        raise LabelError(f"{path} is not readable YAML: {error}") from error
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise LabelError(f"{path}: {where}: {first['msg']}") from error
    seen: set[tuple[str, str]] = set()
    for n, item in enumerate(labels.items):
        if item.is_duty and item.strength not in STRENGTHS:
            raise LabelError(f"{path}: items.{n}: a duty needs a strength")
        if (item.doc, item.text) in seen:
            raise LabelError(f"{path}: items.{n}: the same sentence is labelled twice")
        seen.add((item.doc, item.text))
    return labels


def score(labels: Sequence[DutyLabel], found: Sequence[Duty]) -> dict[str, float | int | None]:
    """Precision, recall, actor and strength accuracy of `found` against `labels`."""
    predicted: dict[tuple[str, str], Duty] = {}
    for duty in found:
        predicted.setdefault((duty.doc_id, duty.text), duty)
    true_pos = false_pos = false_neg = actor_right = strength_right = 0
    for label in labels:
        match = predicted.get((label.doc, label.text))
        if match is None:
            false_neg += label.is_duty
            continue
        if not label.is_duty:
            false_pos += 1
            continue
        true_pos += 1
        actor_right += actor_key(label.actor) == actor_key(match.actor)
        strength_right += label.strength == match.strength

    def ratio(a: int, b: int) -> float | None:
        return round(a / b, 3) if b else None

    return {
        "sentences": len(labels),
        "duties": sum(label.is_duty for label in labels),
        "precision": ratio(true_pos, true_pos + false_pos),
        "recall": ratio(true_pos, true_pos + false_neg),
        "actor_accuracy": ratio(actor_right, true_pos),
        "strength_accuracy": ratio(strength_right, true_pos),
    }


def mistakes(labels: Sequence[DutyLabel], found: Sequence[Duty]) -> list[dict[str, str]]:
    """Where the extractor and the labels disagree, one line each."""
    predicted = {(d.doc_id, d.text): d for d in reversed(found)}
    out = []
    for label in labels:
        duty = predicted.get((label.doc, label.text))
        got = f"{duty.strength} / {duty.actor}" if duty else "not a duty"
        want = f"{label.strength} / {label.actor}" if label.is_duty else "not a duty"
        if duty is not None and label.is_duty:
            same = actor_key(label.actor) == actor_key(duty.actor)
            if same and label.strength == duty.strength:
                continue
        elif (duty is not None) == label.is_duty:
            continue
        out.append({"doc": label.doc, "text": label.text, "labelled": want, "extracted": got})
    return out


def document_chunks(folders: Sequence[Path]) -> dict[str, list[Chunk]]:
    """Each document of `folders` read into chunks, by document id (no model needed)."""
    from ingest.pipeline import parse_document
    from ingest.sources import IngestError

    by_doc: dict[str, list[Chunk]] = {}
    for folder in folders:
        for path in sorted(folder.iterdir()):
            if path.suffix.lower() not in DOCUMENT_SUFFIXES:
                continue
            try:
                document = parse_document(path)
            except IngestError as error:
                raise LabelError(f"{path}: {error}") from error
            by_doc[document.source.doc_id] = list(document.chunks)
    return by_doc


def evaluate_file(path: Path) -> dict[str, Any]:
    """Score the extractor on the label file at `path`, by split, with the dev mistakes."""
    labels = load_labels(path)
    chunks = document_chunks([(path.parent / f).resolve() for f in labels.folders])
    started = time.perf_counter()
    found = duties(c for doc in chunks.values() for c in doc)
    seconds = time.perf_counter() - started
    sentences = {(c.doc_id, s.text) for doc in chunks.values() for c in doc for s in c.sentences}
    for n, item in enumerate(labels.items):
        if item.doc not in chunks:
            raise LabelError(f"{path}: items.{n}: no document {item.doc!r} in {labels.folders}")
        if (item.doc, item.text) not in sentences:
            raise LabelError(f"{path}: items.{n}: not a sentence of {item.doc}: {item.text[:80]}")
    splits = {
        name: [i for i in labels.items if name == "all" or i.split == name]
        for name in ("dev", "test", "all")
    }
    scores = {name: score(items, found) for name, items in splits.items()}
    return {
        "labels": str(path),
        "extract_seconds": round(seconds, 3),
        "duties_found": len(found),
        "splits": scores,
        # The same figures where `govassist gate` reads a set's splits (as in metrics.json).
        "sets": {"duties": {name: {**s, "items": s["sentences"]} for name, s in scores.items()}},
        "dev_mistakes": mistakes(splits["dev"], found),
    }
