"""The `openai` answerer through the real LangChain client against a real HTTP server on
loopback speaking the chat-completions protocol: plain, streaming, a timeout, a 500, garbage;
and `govassist ask --json` / `govassist eval` configured to use it."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from conftest import CST
from openai_stub import openai_stub
from typer.testing import CliRunner

from app.answers import Answer
from app.assistant import Assistant
from app.cli import cli
from app.llm import openai_chat_model
from app.llm_answerer import LLMAnswerer

pytestmark = pytest.mark.integration
QUESTION = "Who holds the power to inspect schools?"


def _answerer(assistant: Assistant, url: str, model: str, timeout: float = 10) -> LLMAnswerer:
    return LLMAnswerer(assistant, openai_chat_model(url, model, "", timeout, max_retries=0))


def test_plain_and_streamed_answers_are_checked_and_cited(real_assistant: Assistant) -> None:
    with openai_stub() as (url, requests):
        items = list(_answerer(real_assistant, url, "echo").stream(QUESTION))
    pieces = [i for i in items if isinstance(i, str)]
    answer = items[-1]
    assert isinstance(answer, Answer) and len(pieces) > 3  # words arrived one by one
    assert requests[-1]["stream"] is True
    assert answer.answerer == "openai" and not answer.notice and answer.citations
    original = CST.read_text(encoding="utf-8")
    for citation in answer.citations:
        assert original[citation.start : citation.end] == citation.quote
    assert "[1]" in answer.text


@pytest.mark.parametrize(
    ("model", "reason"),
    [
        ("slow", "did not answer in time"),
        ("broken", "returned an error"),
        ("garbage", "failed"),
    ],
)
def test_a_failing_endpoint_gives_a_notice_and_the_extractive_answer(
    real_assistant: Assistant, model: str, reason: str
) -> None:
    with openai_stub() as (url, _):
        started = time.monotonic()
        answer = _answerer(real_assistant, url, model, timeout=1.0).answer(QUESTION)
        elapsed = time.monotonic() - started
    assert elapsed < 4.0, "a dead endpoint must not hang the answer"
    assert reason in answer.notice or (model == "garbage" and answer.notice)
    assert answer.answerer == "openai (fell back to extractive)"
    assert "Ofsted" in answer.text and answer.citations


def test_no_endpoint_at_all(real_assistant: Assistant) -> None:
    answer = _answerer(real_assistant, "http://127.0.0.1:9/v1", "echo", timeout=1.0).answer(
        QUESTION
    )
    assert "could not be reached" in answer.notice or "did not answer" in answer.notice
    assert answer.citations


def _env(data: Path, url: str) -> dict[str, str]:
    return {
        "GOVASSIST_DATA_DIR": str(data),
        "GOVASSIST_ANSWERER": "openai",
        "GOVASSIST_LLM_BASE_URL": url,
        "GOVASSIST_LLM_MODEL": "echo",
        "GOVASSIST_LLM_TIMEOUT_S": "10",
    }


def test_cli_ask_and_eval_with_the_openai_answerer(real_index_dir: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    with openai_stub() as (url, requests):
        result = runner.invoke(cli, ["ask", "--json", QUESTION], env=_env(real_index_dir, url))
        assert result.exit_code == 0, result.output
        data = json.loads(result.stdout)
        assert not data["abstained"] and data["citations"]
        assert requests, "the CLI must have called the model"
        gold = tmp_path / "gold.yaml"
        gold.write_text(
            "- id: o1\n  question: Where does Ofsted draw its authority from?\n"
            "  category: legitimacy\n  answerable: true\n  must_include: [[Parliament]]\n"
            "  sources: [[Ofsted draws its authority from Parliament.]]\n",
            encoding="utf-8",
        )
        out = tmp_path / "out"
        result = runner.invoke(
            cli, ["eval", "--gold", str(gold), "--out", str(out), "--no-peer"],
            env=_env(real_index_dir, url),
        )  # fmt: skip
    assert result.exit_code == 0, result.output
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["answerer"] == "openai (echo)"
    assert "Answerer: **openai (echo)**" in (out / "report.md").read_text()


def test_openai_answerer_needs_a_model_name(real_index_dir: Path) -> None:
    result = CliRunner().invoke(
        cli, ["ask", QUESTION],
        env={"GOVASSIST_DATA_DIR": str(real_index_dir), "GOVASSIST_ANSWERER": "openai",
             "GOVASSIST_LLM_MODEL": ""},
    )  # fmt: skip
    assert result.exit_code == 2 and "GOVASSIST_LLM_MODEL" in result.stderr
