"""`govassist eval` and the gate, end to end on the real index."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from app.cli import cli
from app.gold import GoldItem, load_gold
from engine.answers import Answer
from engine.assistant import Assistant
from engine.followup import resolve
from evals.gate import check, check_files, load_config
from evals.runner import run
from index.types import Filters, Preference
from ingest.types import Chunk

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parent.parent
BASELINE_FILES = (
    "metrics.json",
    "devdocs-metrics.json",
    "devdocs-r3-metrics.json",
    "devdocs-r4-metrics.json",
    "devdocs-r6-metrics.json",
    "printed-metrics.json",
    "duties-metrics.json",
)

CUSTOM_GOLD = """\
- id: mine-1
  question: Where does Ofsted draw its authority from?
  category: legitimacy
  split: dev
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
    # Split reporting: mine-1 is dev; the others name no split, so they count as test.
    splits = metrics["sets"]["mine"]
    assert [splits[s]["items"] for s in ("all", "dev", "test")] == [3, 1, 2]
    assert splits["test"]["abstention_accuracy"] == 1.0 and splits["dev"]["hit@5"] == 1.0
    assert metrics["peer"]["sets"]["mine"]["dev"]["items"] == 1
    report = (out / "report.md").read_text()
    for heading in ("## Headline", "## By category", "## Failing items (0)"):
        assert heading in report
    assert "| items | 2 | 2 | 1 | 1 | 3 | 3 |" in report  # test, dev, all: ours and the peer's
    assert "LangChain tutorial RAG" in report
    assert (out / "metrics_by_category.png").stat().st_size > 10_000


CUSTOM_REWORDINGS = """\
- id: mine-1-casual
  variant_of: mine-1
  kind: casual
  question: where's ofsted's authority come from
  category: legitimacy
  split: dev
  must_include: [["Parliament"]]
  sources: [["Ofsted draws its authority from Parliament."]]
- id: mine-1-typo
  variant_of: mine-1
  kind: typo
  question: Where does Ofsted draw its authortiy from?
  category: legitimacy
  split: dev
  must_include: [["Parliament"]]
  sources: [["Ofsted draws its authority from Parliament."]]
"""


def _eval_mine(index_dir: Path, folder: Path, *options: str) -> tuple[Result, Path]:
    """`govassist eval` of CUSTOM_GOLD with CUSTOM_REWORDINGS over `index_dir`, into
    `folder`/out, with any further `options`."""
    gold, variants = folder / "mine.yaml", folder / "mine_rw.yaml"
    gold.write_text(CUSTOM_GOLD, encoding="utf-8")
    variants.write_text(CUSTOM_REWORDINGS, encoding="utf-8")
    out = folder / "out"
    result = CliRunner().invoke(
        cli,
        ["eval", "--gold", str(gold), "--variants", str(variants), "--out", str(out), *options],
        env={"GOVASSIST_DATA_DIR": str(index_dir), "GOVASSIST_CORPUS_DIR": "corpus"},
    )
    return result, out


def test_eval_cli_scores_rewordings_beside_their_originals(
    real_index_dir: Path, tmp_path: Path
) -> None:
    result, out = _eval_mine(real_index_dir, tmp_path)
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]
    assert [line["id"] for line in lines] == [
        "mine-1", "mine-2", "mine-3", "mine-1-casual", "mine-1-typo",
    ]  # fmt: skip
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["overall"]["items"] == 3  # the originals only
    rewordings = metrics["sets"]["mine_rw"]
    assert [rewordings[s]["items"] for s in ("all", "dev", "test")] == [2, 2, 0]
    # Both rewordings cite the passage the original cites.
    assert rewordings["consistency_by_item"] == {"mine-1": 1.0}
    assert rewordings["dev"]["consistency"] == 1.0 and rewordings["dev"]["citation_recall"] == 1.0
    assert metrics["peer"]["sets"]["mine_rw"]["dev"]["consistency"] is not None
    assert set(rewordings["by_kind"]) == {"casual", "typo"}
    report = (out / "report.md").read_text()
    for heading in ("## Originals and rewordings", "### test", "### dev", "### By kind"):
        assert heading in report
    assert "| consistency | n/a | 1.000 |" in report


def test_eval_cli_names_a_set_asked_of_another_library(
    real_index_dir: Path, tmp_path: Path
) -> None:
    """The same questions over another library (the corpus printed to PDF) are a set of their
    own in metrics.json and the gate: `--name` names it, and its rewordings after it."""
    result, out = _eval_mine(real_index_dir, tmp_path, "--name", "mine_printed", "--no-peer")
    assert result.exit_code == 0, result.output
    metrics = json.loads((out / "metrics.json").read_text())
    assert set(metrics["sets"]) == {"mine_printed", "mine_printed_rewordings"}
    assert metrics["sets"]["mine_printed"]["all"]["items"] == 3
    assert "mine_printed (test" in result.output


def test_eval_cli_runs_one_part_alone(real_index_dir: Path, tmp_path: Path) -> None:
    """`--split dev` answers only the dev items and their rewordings (the loop while tuning),
    says so in its summary, and the gate refuses its figures: they hold no test part."""
    result, out = _eval_mine(real_index_dir, tmp_path, "--split", "dev", "--no-peer")
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]
    assert [line["id"] for line in lines] == ["mine-1", "mine-1-casual", "mine-1-typo"]
    sets = json.loads((out / "metrics.json").read_text())["sets"]
    assert [sets["mine"][s]["items"] for s in ("all", "dev", "test")] == [1, 1, 0]
    assert "mine (dev, 1 items)" in result.output and "(test," not in result.output
    gate = CliRunner().invoke(cli, ["gate", str(out / "metrics.json")])
    assert gate.exit_code == 1

    dev_only = tmp_path / "dev_only.yaml"
    dev_only.write_text(CUSTOM_GOLD.split("- id: mine-2")[0], encoding="utf-8")
    empty = CliRunner().invoke(
        cli, ["eval", "--gold", str(dev_only), "--out", str(tmp_path / "o"), "--split", "test"],
        env={"GOVASSIST_DATA_DIR": str(real_index_dir)},
    )  # fmt: skip
    assert empty.exit_code == 2
    assert "has no items in its test part" in empty.stderr


def test_eval_cli_rejects_rewordings_of_another_gold_file(
    real_index_dir: Path, tmp_path: Path
) -> None:
    gold, variants = tmp_path / "mine.yaml", tmp_path / "rw.yaml"
    gold.write_text(CUSTOM_GOLD, encoding="utf-8")
    variants.write_text(CUSTOM_REWORDINGS.replace("variant_of: mine-1", "variant_of: q001"))
    result = CliRunner().invoke(
        cli, ["eval", "--gold", str(gold), "--variants", str(variants), "--out", str(tmp_path)],
        env={"GOVASSIST_DATA_DIR": str(real_index_dir)},
    )  # fmt: skip
    assert result.exit_code == 2
    assert "must name an item of the gold file" in result.stderr


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

    name = "degraded"
    waiting = "Answering ..."

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

    def stream(
        self, question: str, history: Sequence[str] = (), filters: Filters = Filters()
    ) -> Iterator[str | Answer]:
        yield self.answer(question, history, filters)


def _any_citation(assistant: Assistant):
    return assistant.answer("Who holds the power to inspect schools?").citations[0]


def _test_part(path: Path) -> list[GoldItem]:
    return [item for item in load_gold(path) if item.split == "test"]


def test_gate_on_the_test_part_fails_a_degraded_answerer_and_passes_the_real_one(
    real_assistant: Assistant,
) -> None:
    """The gate reads only the test split, so running only the test items gives the same
    verdict on the originals and their rewordings (the dev-docs sets and the printed corpus
    need their own index and the duty labels their own command: all are gated in `make eval`)."""
    originals = _test_part(ROOT / "evals" / "gold.yaml")
    rewordings = _test_part(ROOT / "evals" / "gold_rewordings.yaml")
    assert len(originals) == 68 and rewordings
    config = load_config(ROOT / "evals" / "gate.yaml")
    assert {
        "gold",
        "gold_rewordings",
        "gold_devdocs",
        "gold_devdocs_r3",
        "gold_devdocs_r4",
        "gold_devdocs_r6",
        "gold_printed",
        "gold_printed_rewordings",
        "duties",
    } <= set(config.sets)
    assert all(gate.split == "test" for gate in config.sets.values())
    measured = config.model_copy(
        update={
            "sets": {
                k: v
                for k, v in config.sets.items()
                if k
                not in (
                    "gold_devdocs",
                    "gold_devdocs_r3",
                    "gold_devdocs_r4",
                    "gold_devdocs_r6",
                    "duties",
                )
                and not k.startswith("gold_printed")
            }
        }
    )
    baselines = [json.loads((ROOT / "evals" / "baseline" / "metrics.json").read_text())]
    degraded = run(originals, CitesTheWrongPassage(real_assistant), "degraded", "gold.yaml")
    failures = {(f.set, f.metric) for f in check([degraded.metrics()], measured, baselines)}
    assert {("gold", "citation_recall"), ("gold", "key_fact_recall")} <= failures
    assert ("gold", "abstention_accuracy") in failures
    assert ("gold_rewordings", "items") in failures  # not measured: never a silent pass
    real = run(
        [*originals, *rewordings], real_assistant, "extractive", "gold.yaml",
        variants_path="gold_rewordings.yaml",
    )  # fmt: skip
    metrics = real.metrics()
    assert metrics["sets"]["gold"]["dev"] == {"items": 0}
    assert metrics["sets"]["gold_rewordings"]["test"]["items"] == len(rewordings)
    assert check([metrics], measured, baselines) == []


def test_gate_cli_exit_codes(tmp_path: Path) -> None:
    baselines = [ROOT / "evals" / "baseline" / name for name in BASELINE_FILES]
    good = [str(path) for path in baselines]
    worse = json.loads(baselines[0].read_text())
    worse["sets"]["gold"]["test"]["citation_recall"] -= 0.05
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(worse))
    runner = CliRunner()
    assert runner.invoke(cli, ["gate", *good]).exit_code == 0
    failed = runner.invoke(cli, ["gate", str(bad), *good[1:]])
    assert failed.exit_code == 1
    assert "gold (test): citation_recall" in failed.stderr
    missing = runner.invoke(cli, ["gate", good[0]])  # the dev-docs metrics not given
    assert missing.exit_code == 1 and "gold_devdocs (test): items" in missing.stderr
    assert check_files([bad, *baselines[1:]], ROOT / "evals" / "gate.yaml")


def _structural_ranking_by_rule(
    chunks: list[Chunk], preference: Preference, tie_break: list[str], filters: Filters
) -> list[str]:
    """The structural ranking as its rule states it (index/structural.py), one chunk at a time."""
    position = {chunk_id: i for i, chunk_id in enumerate(tie_break)}
    scored = []
    for order, chunk in enumerate(chunks):
        tags = chunk.tags
        actor = bool(tags.actor) and tags.actor in preference.actors
        cell = actor and tags.dimension in preference.dimensions
        recommendation = preference.recommendation and tags.recommendation
        if filters.allows(chunk) and (cell or recommendation):
            matches = 2 * cell + actor + bool(recommendation)
            scored.append((-matches, position.get(chunk.id, len(position)), order, chunk.id))
    return [chunk_id for *_, chunk_id in sorted(scored)][:30]


def test_structural_ranking_follows_its_rule(real_assistant: Assistant) -> None:
    """The array form of the structural ranking ranks exactly as its rule, read one chunk at a
    time, over every gold question, with and without a document filter."""
    index = real_assistant.index
    every_chunk = list(index.chunks.values())
    one_doc = Filters(doc_ids=(every_chunk[0].doc_id,))
    ranked = 0
    for item in load_gold(ROOT / "evals" / "gold.yaml"):
        question = resolve(item.question, item.history)
        preference = Preference(question.actors, question.dimensions, question.recommendation)
        tie_break = [i for i, _ in index.lexical.search(question.text, 30, Filters())]
        for filters in (Filters(), one_doc):
            fast = index.structure.rank(preference, tie_break, filters, 30)
            assert fast == _structural_ranking_by_rule(every_chunk, preference, tie_break, filters)
            ranked += bool(fast)
    assert ranked > 20  # the check ran on questions that name a cell or ask for recommendations
