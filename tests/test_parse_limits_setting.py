"""The parse limits a user sets reach the process that reads each file."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import FakeEmbedder

import index.build
from app.resources import build_index
from app.settings import Settings
from ingest.sandbox import ParseLimits


def test_settings_limits_reach_every_file_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.md").write_text("# A\n\nOfsted holds the power to inspect schools.\n")
    seen: list[ParseLimits | None] = []
    real = index.build.parse_document_in_time

    def spy(*args: object) -> object:
        seen.append(args[5] if len(args) > 5 else None)  # type: ignore[arg-type]
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(index.build, "parse_document_in_time", spy)
    settings = Settings(
        data_dir=tmp_path / "data",
        corpus_dir=corpus,
        parse_memory_limit_mb=700,
        parse_cpu_limit_s=7,
        file_time_limit_s=9,
    )
    report = build_index(settings, [corpus], embedder=FakeEmbedder())
    assert report.total_chunks >= 1
    assert seen == [ParseLimits(wall_s=9, cpu_s=7, memory_mb=700)]
