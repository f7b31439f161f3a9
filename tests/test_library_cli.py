"""`govassist library` on a real small index (the real model and Chroma): the listing, its JSON,
removing and replacing a document, and unknown ids."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from app.cli import cli

pytestmark = pytest.mark.integration

INSPECTION = """# Inspection handbook

## The inspection space

### Ofsted

#### Authority

Ofsted holds the power to inspect schools. It was set up by an act of parliament in 1992.
"""
FUNDING = """# Funding guide

## The intervention space

### ESFA

#### Accountability

The ESFA is accountable to the secretary of state for the funding of academies.
"""
# A title that would colour the terminal, open a hyperlink and reorder text if printed raw.
HOSTILE = "# [bold red]Evil[/bold red] \x1b]8;;http://x.example\x07guide\u202e\n\nHarmless text.\n"


def make_library(root: Path) -> dict[str, str]:
    """Three small files (two in a corpus, one uploaded) indexed under `root` with the real
    model; returns the environment that points `govassist` at them."""
    from app.resources import build_index
    from app.settings import Settings

    corpus = root / "corpus"
    corpus.mkdir(parents=True)
    (corpus / "inspection.md").write_text(INSPECTION, encoding="utf-8")
    (corpus / "hostile.md").write_text(HOSTILE, encoding="utf-8")
    uploads = root / "data" / "uploads"
    uploads.mkdir(parents=True)
    (uploads / "funding.md").write_text(FUNDING, encoding="utf-8")
    settings = Settings(data_dir=root / "data", corpus_dir=corpus, _env_file=None)
    report = build_index(settings, [corpus, uploads])
    assert report.problems == []
    return {"GOVASSIST_DATA_DIR": str(root / "data"), "GOVASSIST_CORPUS_DIR": str(corpus)}


@pytest.fixture(scope="module")
def small_index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The small library, indexed once; each test changes a copy."""
    root = tmp_path_factory.mktemp("library-cli")
    make_library(root)
    yield root
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def env(small_index: Path, tmp_path: Path) -> dict[str, str]:
    # Each test changes the library: it gets its own copy (manifest entries name absolute paths).
    root = tmp_path / "root"
    shutil.copytree(small_index, root)
    manifest = root / "data" / "manifest.json"
    manifest.write_text(
        manifest.read_text(encoding="utf-8").replace(str(small_index), str(root)),
        encoding="utf-8",
    )
    return {"GOVASSIST_DATA_DIR": str(root / "data"), "GOVASSIST_CORPUS_DIR": str(root / "corpus")}


def _run(env: dict[str, str], *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), env=env)
    return result.exit_code, result.stdout, result.stderr


def _listed(env: dict[str, str]) -> dict[str, dict[str, object]]:
    code, out, _ = _run(env, "library", "--json")
    assert code == 0, out
    return {d["doc_id"]: d for d in json.loads(out)["documents"]}


def test_the_listing_shows_every_document_escaped(
    env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import app.cli

    monkeypatch.setattr(app.cli.stdout, "_width", 250)  # a wide terminal: no cell wraps
    documents = _listed(env)
    assert sorted(documents) == ["funding", "hostile", "inspection"]
    inspection = documents["inspection"]
    assert (inspection["title"], inspection["format"], inspection["origin"]) == (
        "Inspection handbook", "Markdown", "corpus"
    )  # fmt: skip
    assert inspection["passages"] == 1 and inspection["size"] == len(INSPECTION.encode())
    assert documents["funding"]["origin"] == "upload"

    code, out, _ = _run(env, "library")
    assert code == 0
    assert "Inspection handbook" in out and "Funding guide" in out
    assert "[bold red]Evil[/bold red]" in out  # shown as typed, not as markup
    assert "\x1b" not in out and "\u202e" not in out and "\x07" not in out


def test_an_ordinary_terminal_lists_one_block_per_document(
    env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import app.cli

    monkeypatch.setattr(app.cli.stdout, "_width", 80)  # ten columns would fold every cell
    code, out, _ = _run(env, "library")
    assert code == 0
    lines = out.splitlines()
    assert "inspection" in lines and "  title:    Inspection handbook" in lines
    assert "[bold red]Evil[/bold red]" in out  # shown as typed, not as markup
    assert "\x1b" not in out and "\u202e" not in out and "\x07" not in out


def test_removing_a_document_takes_it_out_of_answers(env: dict[str, str]) -> None:
    question = "Who is the ESFA accountable to for the funding of academies?"
    code, out, _ = _run(env, "ask", "--json", question)
    assert code == 0 and {c["doc_id"] for c in json.loads(out)["citations"]} == {"funding"}

    code, out, err = _run(env, "library", "remove", "funding")
    assert code == 0, err
    assert out.startswith("Removed funding: 1 passages deleted")
    assert sorted(_listed(env)) == ["hostile", "inspection"]
    assert not (Path(env["GOVASSIST_DATA_DIR"]) / "uploads" / "funding.md").exists()
    code, out, _ = _run(env, "ask", "--json", question)
    assert code == 0 and "funding" not in {c["doc_id"] for c in json.loads(out)["citations"]}


def test_at_a_terminal_removing_asks_first(
    env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import app.cli

    monkeypatch.setattr(app.cli, "_interactive", lambda: True)
    result = CliRunner().invoke(cli, ["library", "remove", "funding"], env=env, input="n\n")
    assert result.exit_code == 1
    assert "Remove Funding guide (funding, 1 passages)" in result.stdout
    assert "uploaded file is deleted" in result.stdout and "Nothing removed." in result.stdout
    assert "funding" in _listed(env)
    assert (Path(env["GOVASSIST_DATA_DIR"]) / "uploads" / "funding.md").exists()

    result = CliRunner().invoke(cli, ["library", "remove", "inspection"], env=env, input="y\n")
    assert result.exit_code == 0 and "file is kept" in result.stdout
    assert "inspection" not in _listed(env)
    # --yes, or a script's pipe, is not asked.
    result = CliRunner().invoke(cli, ["library", "remove", "--yes", "funding"], env=env)
    assert result.exit_code == 0 and "Remove " not in result.stdout
    assert "funding" not in _listed(env)


def test_a_corpus_document_is_excluded_and_included_again(env: dict[str, str]) -> None:
    corpus_file = Path(env["GOVASSIST_CORPUS_DIR"]) / "inspection.md"
    assert _run(env, "library", "remove", "inspection")[0] == 0
    assert corpus_file.read_text(encoding="utf-8") == INSPECTION
    code, out, _ = _run(env, "library")
    assert "Excluded: inspection" in out and "govassist library include inspection" in out
    code, out, _ = _run(env, "ingest")
    assert code == 0 and "1 excluded in the library" in out
    assert "inspection" not in _listed(env)
    assert _run(env, "library", "include", "inspection")[0] == 0
    assert "inspection" in _listed(env)


def test_replacing_keeps_the_id(env: dict[str, str], tmp_path: Path) -> None:
    new = tmp_path / "handbook-2024.md"
    new.write_text(INSPECTION.replace("1992", "1992, and inspects every four years"), "utf-8")
    code, out, err = _run(env, "library", "replace", "inspection", str(new))
    assert code == 0, err
    assert "Replaced inspection" in out
    document = _listed(env)["inspection"]
    assert document["origin"] == "upload" and document["size"] == new.stat().st_size
    code, out, _ = _run(env, "ask", "--json", "How often does Ofsted inspect schools?")
    assert "every four years" in " ".join(c["text"] for c in json.loads(out)["citations"])


def test_an_unknown_id_is_a_plain_error_naming_the_valid_ones(
    env: dict[str, str], tmp_path: Path
) -> None:
    before = _listed(env)
    new = tmp_path / "new.md"
    new.write_text("# New\n\nText.\n", encoding="utf-8")
    for args in (["remove", "nope"], ["replace", "nope", str(new)], ["include", "nope"]):
        code, out, err = _run(env, "library", *args)
        assert code == 2 and out == ""
        assert "Traceback" not in err
    code, _, err = _run(env, "library", "remove", "nope")
    assert "no document has the id 'nope'. Valid ids: funding, hostile, inspection" in err
    assert _listed(env) == before


def test_help_says_what_removing_does() -> None:
    result = CliRunner().invoke(cli, ["library", "--help"])
    assert result.exit_code == 0
    text = " ".join(result.stdout.split())
    assert "deleted from the uploads folder" in text and "never deleted" in text
    assert all(command in text for command in ("remove", "replace", "include"))
