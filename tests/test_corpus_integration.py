"""The real corpus through the real model and a real embedded Chroma, checked as a user would."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import CORPUS, CST, SSAT
from typer.testing import CliRunner

from app.cli import cli
from index.embedder import load_embedder
from ingest.pipeline import parse_document

pytestmark = pytest.mark.integration
SHARED_CORPUS = CORPUS.parent.parent / "shared" / "corpus"


@pytest.mark.skipif(not SHARED_CORPUS.is_dir(), reason="no ../shared/corpus beside the project")
def test_corpus_files_are_byte_for_byte_copies() -> None:
    for name in ("sources.yaml", CST.name, SSAT.name):
        assert (CORPUS / name).read_bytes() == (SHARED_CORPUS / name).read_bytes()


def test_no_chunk_is_cut_by_the_embedder_and_every_quote_is_verbatim() -> None:
    embedder = load_embedder()
    for path in (CST, SSAT):
        document = parse_document(path, count_tokens=embedder.count_tokens)
        original = path.read_text(encoding="utf-8")
        for chunk in document.chunks:
            assert embedder.count_tokens(chunk.embedding_text) <= embedder.max_tokens
            for sentence in chunk.sentences:
                assert (
                    chunk.quote(sentence.start, sentence.end)
                    == original[sentence.start : sentence.end]
                )
                assert chunk.text[sentence.chunk_start : sentence.chunk_end] == sentence.text


def test_boilerplate_and_contents_are_not_indexed() -> None:
    ssat = parse_document(SSAT)
    texts = " ".join(c.text for c in ssat.chunks)
    assert "We are SSAT, the Schools, Students and Teachers network" not in texts
    assert "National challenges 9" not in texts
    assert "Introduction 1" not in texts
    cst = parse_document(CST)
    captions = ("Figure one: where", "Figure two: the triangle", "Figure four – an aggregate")
    assert not any(caption in c.text for c in cst.chunks for caption in captions)
    assert not any("<sup>" in c.text or "**" in c.text for c in cst.chunks)
    sections = {c.section_path for c in cst.chunks}
    assert (
        "The intervention space > Regional Schools Commissions (RSCs) > Accountability" in sections
    )
    recommendations = [c for c in cst.chunks if c.tags.recommendation]
    assert len(recommendations) == 5


def _ask(data_dir: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["ask", *args], env={"GOVASSIST_DATA_DIR": str(data_dir)})
    return result.exit_code, result.stdout


def test_ask_json_inspection_power(real_index_dir: Path) -> None:
    code, output = _ask(real_index_dir, "--json", "Who holds the power to inspect schools?")
    assert code == 0, output
    data = json.loads(output)
    assert data["abstained"] is False
    assert "Ofsted" in data["answer"]
    original = CST.read_text(encoding="utf-8")
    cited = [c for c in data["citations"] if "It holds the power to inspect schools." in c["text"]]
    assert cited, data["citations"]
    for citation in data["citations"]:
        assert original[citation["start"] : citation["end"]] == citation["quote"]


def test_ask_json_off_topic_abstains(real_index_dir: Path) -> None:
    code, output = _ask(real_index_dir, "--json", "What is the capital of France?")
    assert code == 0
    data = json.loads(output)
    assert data["abstained"] is True and data["citations"] == []


def test_ask_with_doc_filter_and_unknown_doc(real_index_dir: Path) -> None:
    code, output = _ask(
        real_index_dir, "--json", "--doc", "ssat-2018-the-school-led-system-refocusing-governance",
        "What challenges does the school-led system face?",
    )  # fmt: skip
    assert code == 0
    data = json.loads(output)
    assert data["citations"]
    assert {c["doc_id"] for c in data["citations"]} == {
        "ssat-2018-the-school-led-system-refocusing-governance"
    }
    code, _ = _ask(real_index_dir, "--doc", "nope", "Who inspects?")
    assert code == 2


def test_ask_without_index_is_a_clear_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["ask", "Who inspects?"], env={"GOVASSIST_DATA_DIR": str(tmp_path)}
    )
    assert result.exit_code == 2
    assert "govassist ingest" in result.stderr
    assert "Traceback" not in result.output


def test_ingest_twice_then_change_one_file(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    env = {"GOVASSIST_DATA_DIR": str(tmp_path / "data"), "GOVASSIST_CORPUS_DIR": str(corpus)}
    runner = CliRunner()
    first = runner.invoke(cli, ["ingest"], env=env)
    assert first.exit_code == 0, first.output
    assert "0 embedded" not in first.stdout
    second = runner.invoke(cli, ["ingest"], env=env)
    assert "2 unchanged" in second.stdout and "Chunks: 0 embedded" in second.stdout
    ssat = corpus / SSAT.name
    ssat.write_text(
        ssat.read_text(encoding="utf-8") + "\n\nGovernors meet termly in this example.\n",
        encoding="utf-8",
    )
    third = runner.invoke(cli, ["ingest"], env=env)
    assert "1 new or changed, 1 unchanged" in third.stdout
    assert "Chunks: 1 embedded" in third.stdout, third.stdout


def test_ingest_reports_bad_files_and_keeps_going(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(CST, folder / CST.name)
    (folder / "empty.md").write_text("", encoding="utf-8")
    (folder / "notes.docx").write_bytes(b"\x00\x01random")
    result = CliRunner().invoke(
        cli, ["ingest", str(folder)], env={"GOVASSIST_DATA_DIR": str(tmp_path / "data")}
    )
    assert result.exit_code == 3
    assert "empty.md: the file is empty" in result.stderr
    assert "notes.docx: not a readable Word document (.docx)" in result.stderr
    assert "Traceback" not in result.output
    assert "1 new or changed" in result.stdout


def test_the_covers_answer_only_questions_about_the_documents(real_assistant) -> None:
    from app.gold import group_matched, load_gold
    from engine.extractive import asks_about_publication

    chunks = real_assistant.index.chunks
    cover = real_assistant.index.cover
    cover_text = " ".join(chunks[i].text for i in cover)
    # Each report's title page: who wrote and published it, not what it says.
    assert "By the Confederation of School Trusts (CST)" in cover_text
    assert "Sue Williamson" in cover_text
    # The cover ends where the report begins: its foreword is body.
    assert not [i for i in cover if "FOREWORD" in chunks[i].section]
    # No gold question about governance rests on a cover alone.
    body = [c.text for i, c in chunks.items() if i not in cover]
    for item in load_gold(CORPUS.parent / "evals" / "gold.yaml"):
        if asks_about_publication(item.question):
            continue
        for group in item.sources:
            assert any(group_matched(text, group) for text in body), (item.id, group)
    # Asked who published it, the byline answers; asked what it says, it does not.
    published = real_assistant.answer("Who published the CST report?")
    assert any("By the Confederation of School Trusts" in c.quote for c in published.citations)
    spaces = real_assistant.answer("What does the CST report say about the improvement space?")
    assert not {c.chunk_id for c in spaces.citations} & cover
