"""The duties register of real indexes (the real model, embedded Chroma): the default corpus and
the dev documents, through `govassist duties`; and the labelled sentences are the index's own."""

from __future__ import annotations

import csv
import io
import shutil
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import CORPUS, ROOT
from typer.testing import CliRunner

from app.cli import cli

pytestmark = pytest.mark.integration

DEVDOCS = ROOT / "evals" / "devdocs"
EYFS = "eyfs-statutory-framework-group-and-school-providers"


@pytest.fixture(scope="module")
def devdocs_index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A data directory holding an index of evals/devdocs built with the real model."""
    from app.resources import build_index
    from app.settings import Settings

    data_dir = tmp_path_factory.mktemp("duties-devdocs")
    report = build_index(Settings(data_dir=data_dir, corpus_dir=DEVDOCS, _env_file=None))
    assert report.problems == []
    yield data_dir
    shutil.rmtree(data_dir, ignore_errors=True)


def duties_csv(data_dir: Path, corpus: Path, *args: str) -> list[dict[str, str]]:
    env = {"GOVASSIST_DATA_DIR": str(data_dir), "GOVASSIST_CORPUS_DIR": str(corpus)}
    result = CliRunner().invoke(cli, ["duties", "--format", "csv", *args], env=env)
    assert result.exit_code == 0, result.output
    return list(csv.DictReader(io.StringIO(result.output)))


def test_the_corpus_register_names_who_should_do_what(real_index_dir: Path) -> None:
    rows = duties_csv(real_index_dir, CORPUS)
    got = {(r["actor"], r["strength"], r["duty"]) for r in rows}
    assert (
        "Regional Schools Commissioners (RSCs)",
        "should not",
        "RSCs should not undertake activity that may be perceived as ‘inspection.’",
    ) in got
    assert (
        "Department for Education (DfE)",
        "should",
        "The DfE should consider the creation of a single Intervention Actor.",
    ) in got
    assert 20 <= len(rows) <= 60  # 37 when measured; a report states few duties
    for row in rows:  # every row cites its document, section and exact characters
        assert row["document"] and row["section"] and int(row["end"]) > int(row["start"])


def test_the_eyfs_framework_gives_the_providers_many_must_duties(devdocs_index: Path) -> None:
    rows = duties_csv(devdocs_index, DEVDOCS, "--doc", EYFS)
    strengths = Counter(r["strength"] for r in rows)
    assert strengths["must"] >= 250  # 335 when measured
    providers = duties_csv(devdocs_index, DEVDOCS, "--doc", EYFS,
                           "--actor", "early years providers", "--strength", "must")  # fmt: skip
    assert len(providers) >= 200  # 259 when measured
    assert {r["actor"] for r in providers} == {"Providers"}
    assert all(r["page"] for r in providers)  # a PDF's duties cite their page
    assert "Providers must provide access to an outdoor play area." in {
        r["duty"] for r in providers
    }
    articles = duties_csv(devdocs_index, DEVDOCS, "--doc", "so-make-it-constitution",
                          "--actor", "directors", "--strength", "may")  # fmt: skip
    assert "The directors may appoint a director to chair their meetings." in {
        r["duty"] for r in articles
    }


def test_each_labelled_sentence_is_a_sentence_of_the_real_index(
    real_index_dir: Path, devdocs_index: Path
) -> None:
    """The label file's sentences are read from the chunks the index holds (parsed there with
    the model's tokenizer), so its figures are the register's."""
    from app.resources import index_status, open_database
    from app.settings import Settings
    from evals.duties_eval import load_labels

    sentences: set[tuple[str, str]] = set()
    for data_dir in (real_index_dir, devdocs_index):
        settings = Settings(data_dir=data_dir, _env_file=None)
        manifest = index_status(settings)
        assert manifest is not None
        for chunk in open_database(settings).collection(manifest.collection).all_chunks():
            sentences.update((chunk.doc_id, s.text) for s in chunk.sentences)
    labels = load_labels(ROOT / "evals" / "duties_labels.yaml")
    missing = [i.text for i in labels.items if (i.doc, i.text) not in sentences]
    assert missing == []
