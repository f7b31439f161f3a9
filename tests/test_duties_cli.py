"""`govassist duties`: the register of the live index (built here with the fake embedder),
its filters, formats and errors, and `--evaluate` on a label file."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from conftest import FakeEmbedder, index_folder
from typer.testing import CliRunner

from app.cli import cli

POLICY = """# Governance handbook

## The board

Governing bodies and proprietors must publish their instrument of government.
The governing board should meet at least three times a year.
Boards may delegate functions to a committee.

## Headteachers

The headteacher must report to the board each term.
"""
EARLY_YEARS = """# Early years guide

## Welfare

Providers must keep children safe. Providers must not allow smoking.
Providers should read the annex. Records must be kept for three years.
"""


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "handbook.md").write_text(POLICY, encoding="utf-8")
    (docs / "early-years.md").write_text(EARLY_YEARS, encoding="utf-8")
    index_folder(docs, tmp_path / "data", FakeEmbedder())
    return tmp_path / "data"


def run(data_dir: Path, *args: str):
    env = {"GOVASSIST_DATA_DIR": str(data_dir), "HF_HUB_OFFLINE": "1"}
    return CliRunner().invoke(cli, ["duties", *args], env=env)


def rows(output: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(output)))


def test_csv_lists_every_duty_of_the_index_with_its_citation(data_dir: Path) -> None:
    result = run(data_dir, "--format", "csv")
    assert result.exit_code == 0, result.output
    got = rows(result.output)
    assert [(r["actor"], r["strength"], r["duty"]) for r in got] == [
        ("Providers", "must", "Providers must keep children safe."),
        ("Providers", "must not", "Providers must not allow smoking."),
        ("Providers", "should", "Providers should read the annex."),
        # Three named duties are too few to make providers the document's main party.
        ("(unnamed)", "must", "Records must be kept for three years."),
        ("Governing boards", "must",
         "Governing bodies and proprietors must publish their instrument of government."),
        ("Governing boards", "should",
         "The governing board should meet at least three times a year."),
        ("Governing boards", "may", "Boards may delegate functions to a committee."),
        ("School leaders", "must", "The headteacher must report to the board each term."),
    ]  # fmt: skip
    assert list(got[0])[:6] == ["actor", "strength", "duty", "document", "section", "page"]
    assert got[0]["document"] == "Early years guide"
    assert got[0]["section"] == "Early years guide > Welfare"
    for row in got:  # each duty cites the exact characters of its file
        text = (data_dir.parent / "docs" / f"{row['doc_id']}.md").read_text(encoding="utf-8")
        assert text[int(row["start"]) : int(row["end"])] == row["duty"]


def test_actor_filter_takes_any_alias_in_any_case(data_dir: Path) -> None:
    expected = [
        "Governing bodies and proprietors must publish their instrument of government.",
        "The governing board should meet at least three times a year.",
        "Boards may delegate functions to a committee.",
    ]
    for name in ("Governing boards", "the GOVERNING board", "boards"):
        result = run(data_dir, "--actor", name)
        assert result.exit_code == 0, result.output
        assert [r["duty"] for r in rows(result.output)] == expected
        assert {r["actor"] for r in rows(result.output)} == {"Governing boards"}


def test_strength_and_document_filters(data_dir: Path) -> None:
    result = run(data_dir, "--strength", "must", "--doc", "early-years")
    assert result.exit_code == 0, result.output
    assert [r["duty"] for r in rows(result.output)] == [
        "Providers must keep children safe.",
        "Records must be kept for three years.",
    ]
    result = run(data_dir, "--strength", "must-not")
    assert [r["duty"] for r in rows(result.output)] == ["Providers must not allow smoking."]


def test_unknown_actor_strength_document_or_format_exit_2_naming_the_valid_ones(
    data_dir: Path,
) -> None:
    result = run(data_dir, "--actor", "Ofsted")
    assert result.exit_code == 2
    assert "no duties for actor 'Ofsted'" in result.output
    assert "Providers" in result.output and "Governing boards" in result.output
    result = run(data_dir, "--strength", "ought")
    assert result.exit_code == 2 and "must, 'must not', should" in result.output
    result = run(data_dir, "--doc", "nope")
    assert result.exit_code == 2 and "Known: early-years, handbook" in result.output
    result = run(data_dir, "--format", "pdf")
    assert result.exit_code == 2 and "use csv, md or html" in result.output


def test_no_index_is_a_clear_error(tmp_path: Path) -> None:
    result = run(tmp_path / "empty")
    assert result.exit_code == 2
    assert "run `govassist ingest` first" in result.output


def test_markdown_and_html_go_to_a_file_with_a_checkbox_and_citation_per_duty(
    data_dir: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out" / "board.md"
    result = run(data_dir, "--actor", "boards", "--format", "md", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "Wrote 3 duties" in result.output
    text = out.read_text(encoding="utf-8")
    assert text.count("- [ ] **") == 3
    assert "## Governing boards (3)" in text
    assert "- [ ] **MAY**: Boards may delegate functions to a committee." in text
    assert "  — Governance handbook, Governance handbook > The board\n" in text
    page = tmp_path / "board.html"
    result = run(data_dir, "--actor", "boards", "--format", "html", "--out", str(page))
    assert result.exit_code == 0, result.output
    html = page.read_text(encoding="utf-8")
    assert html.count("<td class='tick'>☐</td>") == 3
    assert html.count("<span class='cite'>Governance handbook, ") == 3


LABELS = """folders: [docs]
items:
- {doc: handbook, text: "Boards may delegate functions to a committee.", is_duty: true,
   actor: the governing board, strength: may, split: dev}
- {doc: handbook, text: "The headteacher must report to the board each term.", is_duty: true,
   actor: headteachers, strength: should, split: dev}
- {doc: early-years, text: "Providers should read the annex.", is_duty: false, split: test}
- {doc: early-years, text: "Records must be kept for three years.", is_duty: true,
   actor: providers, strength: must, split: test}
"""


def test_evaluate_scores_a_label_file_by_split(data_dir: Path, tmp_path: Path) -> None:
    labels = tmp_path / "labels.yaml"
    labels.write_text(LABELS, encoding="utf-8")
    out = tmp_path / "duties-metrics.json"
    result = run(data_dir, "--evaluate", str(labels), "--out", str(out))
    assert result.exit_code == 0, result.output
    report = json.loads(out.read_text(encoding="utf-8"))
    # dev: both found, actors right, one strength wrong (labelled should, found must).
    assert report["splits"]["dev"] == {
        "sentences": 2, "duties": 2, "precision": 1.0, "recall": 1.0,
        "actor_accuracy": 1.0, "strength_accuracy": 0.5,
    }  # fmt: skip
    # test: one false positive (labelled not a duty); the passive's actor is unnamed here,
    # as no party holds 40% of ten named duties, so the actor counts as wrong.
    assert report["splits"]["test"] == {
        "sentences": 2, "duties": 1, "precision": 0.5, "recall": 1.0,
        "actor_accuracy": 0.0, "strength_accuracy": 1.0,
    }  # fmt: skip
    assert [m["text"] for m in report["dev_mistakes"]] == [
        "The headteacher must report to the board each term."
    ]
    assert "duties (dev, 2 sentences, 2 duties): precision 1.0, recall 1.0" in result.output


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("folders: [docs]\nitems:\n- {doc: handbook, text: Nope., is_duty: false}\n",
         "items.0: not a sentence of handbook: Nope."),
        ("folders: [docs]\nitems:\n- {doc: gone, text: Nope., is_duty: false}\n",
         "items.0: no document 'gone'"),
        ("folders: [docs]\nitems:\n- {doc: handbook, text: X., is_duty: true}\n",
         "items.0: a duty needs a strength"),
        ("folders: [docs]\nitems:\n- {doc: handbook, is_duty: true}\n",
         "items.0.text: Field required"),
        ("folders: [docs\n", "is not readable YAML"),
    ],
)  # fmt: skip
def test_a_bad_label_file_is_named_with_the_reason(
    data_dir: Path, tmp_path: Path, body: str, message: str
) -> None:
    labels = tmp_path / "labels.yaml"
    labels.write_text(body, encoding="utf-8")
    result = run(data_dir, "--evaluate", str(labels))
    assert result.exit_code == 2
    assert "labels.yaml" in result.output
    assert message in " ".join(result.output.split())
