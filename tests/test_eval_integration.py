"""`govassist eval` and the gate, end to end on the real index."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from pathlib import Path

import pytest
from typer.testing import CliRunner

from app.answers import Answer
from app.assistant import Assistant
from app.cli import cli
from app.followup import resolve
from evals.gate import check, check_files, load_config
from evals.gold import load_gold
from evals.runner import run
from index.search import structural_ranking
from index.types import Filters, Preference

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parent.parent

CUSTOM_GOLD = """\
- id: mine-1
  question: Where does Ofsted draw its authority from?
  category: legitimacy
  answerable: true
  must_include: [["Parliament"]]
  sources: [["Ofsted draws its authority from Parliament."]]
- id: mine-2
  question: And who are they accountable to?
  category: follow-up
  history: ["What powers do local authorities have?"]
  answerable: true
  must_include: [["electorate"]]
  sources: [["Local authorities are accountable ultimately to the local electorate."]]
- id: mine-3
  question: What is the best football team in England?
  category: unanswerable
  answerable: false
"""


def test_eval_cli_on_a_custom_gold_file(real_index_dir: Path, tmp_path: Path) -> None:
    gold = tmp_path / "mine.yaml"
    gold.write_text(CUSTOM_GOLD, encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli,
        ["eval", "--gold", str(gold), "--out", str(out)],
        env={"GOVASSIST_DATA_DIR": str(real_index_dir), "GOVASSIST_CORPUS_DIR": "corpus"},
    )
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]
    assert [line["id"] for line in lines] == ["mine-1", "mine-2", "mine-3"]
    assert list(lines[0]) == ["id", "question", "answer", "abstained", "citations", "latency_ms"]
    assert lines[2]["abstained"] is True and lines[2]["citations"] == []
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["overall"]["items"] == 3
    assert metrics["overall"]["key_fact_recall"] == 1.0
    assert metrics["overall"]["abstention_accuracy"] == 1.0
    assert metrics["peer"]["overall"]["hit@4"] is not None
    report = (out / "report.md").read_text()
    for heading in ("## Headline", "## By category", "## Failing items (0)"):
        assert heading in report
    assert "LangChain tutorial RAG" in report
    assert (out / "metrics_by_category.png").stat().st_size > 10_000


def test_eval_cli_rejects_a_broken_gold_file(real_index_dir: Path, tmp_path: Path) -> None:
    gold = tmp_path / "bad.yaml"
    gold.write_text("- id: x\n  answerable: true\n", encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["eval", "--gold", str(gold), "--out", str(tmp_path / "o")],
        env={"GOVASSIST_DATA_DIR": str(real_index_dir)},
    )  # fmt: skip
    assert result.exit_code == 2
    assert "question" in result.stderr and "Traceback" not in result.output


class CitesTheWrongPassage:
    """A deliberately degraded answerer: never abstains, cites the last passage retrieved."""

    def __init__(self, assistant: Assistant) -> None:
        self.assistant = assistant

    def answer(
        self, question: str, history: Sequence[str] = (), filters: Filters = Filters()
    ) -> Answer:
        good = self.assistant.answer(question, history, filters)
        wrong = good.retrieved[-1]
        citation = dataclasses.replace(
            good.citations[0] if good.citations else _any_citation(self.assistant),
            text=wrong.text,
        )
        return dataclasses.replace(
            good, abstained=False, text=wrong.sentences[0].text, citations=(citation,)
        )


def _any_citation(assistant: Assistant):
    return assistant.answer("Who holds the power to inspect schools?").citations[0]


def test_gate_fails_a_degraded_answerer_and_passes_the_real_one(real_assistant: Assistant) -> None:
    items = load_gold(ROOT / "evals" / "gold.yaml")
    config_path = ROOT / "evals" / "gate.yaml"
    config = load_config(config_path)
    baseline = json.loads((ROOT / "evals" / "baseline" / "metrics.json").read_text())
    degraded = run(items, CitesTheWrongPassage(real_assistant), "degraded", "gold")
    failures = {f.metric for f in check(degraded.metrics(), config, baseline)}
    assert {"citation_recall", "key_fact_recall", "abstention_accuracy"} <= failures
    real = run(items, real_assistant, "extractive", "gold")
    assert check(real.metrics(), config, baseline) == []


def test_gate_cli_exit_codes(tmp_path: Path) -> None:
    baseline = json.loads((ROOT / "evals" / "baseline" / "metrics.json").read_text())
    good, bad = tmp_path / "good.json", tmp_path / "bad.json"
    good.write_text(json.dumps(baseline))
    worse = json.loads(json.dumps(baseline))
    worse["overall"]["citation_recall"] -= 0.05
    bad.write_text(json.dumps(worse))
    runner = CliRunner()
    assert runner.invoke(cli, ["gate", str(good)]).exit_code == 0
    failed = runner.invoke(cli, ["gate", str(bad)])
    assert failed.exit_code == 1
    assert "citation_recall" in failed.stderr
    assert check_files(bad, ROOT / "evals" / "gate.yaml")


def test_structural_candidates_lose_nothing(real_assistant: Assistant) -> None:
    """The structural ranking reads only the named cells and the recommendations (for speed);
    over every gold question it ranks exactly as it would over every chunk of the index."""
    index = real_assistant.index
    every_chunk = list(index.chunks.values())
    ranked = 0
    for item in load_gold(ROOT / "evals" / "gold.yaml"):
        question = resolve(item.question, item.history)
        preference = Preference(question.actors, question.dimensions, question.recommendation)
        tie_break = [i for i, _ in index.lexical.search(question.text, 30, Filters())]
        fast = structural_ranking(
            index.structural_candidates(preference), preference, tie_break, Filters()
        )
        assert fast == structural_ranking(every_chunk, preference, tie_break, Filters())
        ranked += bool(fast)
    assert ranked > 20  # the check ran on questions that name a cell or ask for recommendations
