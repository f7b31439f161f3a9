"""The `openai` answerer through the real LangChain client against a real HTTP server on
loopback speaking the chat-completions protocol: plain, streaming, a timeout, a 500, garbage;
and `govassist ask --json` / `govassist eval` configured to use it."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path

import pytest
from conftest import CST, running_app
from openai_stub import openai_stub
from streamlit_session import ChatSession
from test_citation_meaning import CONTRADICTED, CORRECT
from typer.testing import CliRunner

from app.cli import cli
from engine.answers import Answer
from engine.assistant import Assistant
from engine.llm import openai_chat_model
from engine.llm_answerer import LLMAnswerer

pytestmark = pytest.mark.integration
QUESTION = "Who holds the power to inspect schools?"


def _answerer(assistant: Assistant, url: str, model: str, timeout: float = 10) -> LLMAnswerer:
    return LLMAnswerer(assistant, openai_chat_model(url, model, "", timeout, max_retries=0))


def test_plain_and_streamed_answers_are_checked_and_cited(real_assistant: Assistant) -> None:
    with openai_stub() as (url, requests):
        items = list(_answerer(real_assistant, url, "echo").stream(QUESTION))
    pieces = [i for i in items if isinstance(i, str)]
    answer = items[-1]
    assert isinstance(answer, Answer)
    # The words arrived one by one; the one sentence is shown whole, once it has been checked.
    assert requests[-1]["stream"] is True
    assert pieces == [answer.text]
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


def _rewrites_or(reply: str):
    """A script answering `reply` to the answer prompt (and echoing rewrite prompts)."""

    def script(messages: list[dict]) -> str:
        prompt = messages[-1]["content"] if messages else ""
        if "Rewritten question:" in prompt:
            return prompt.rsplit("Last question: ", 1)[-1].split("\n")[0]
        assert "It holds the power to inspect schools." in prompt.split('<passage id="2"')[0]
        return reply

    return script


def test_contradicted_sentences_never_reach_the_answer_nor_the_stream(
    real_assistant: Assistant,
) -> None:
    """The tester's sentences, each citing passage 1 (Ofsted's authority), streamed word by word
    by a real HTTP server: only the correct ones are ever yielded."""
    sentences = [CORRECT[0], *CONTRADICTED, CORRECT[1]]
    reply = " ".join(f"{s} [1]" for s in sentences)
    with openai_stub(_rewrites_or(reply)) as (url, requests):
        items = list(_answerer(real_assistant, url, "scripted").stream(QUESTION))
    assert requests[-1]["stream"] is True
    answer = items[-1]
    pieces = [i for i in items if isinstance(i, str)]
    assert isinstance(answer, Answer) and answer.answerer == "openai" and not answer.notice
    shown = "".join(pieces)
    assert shown == answer.text
    assert answer.text == f"{CORRECT[0]} [1] {CORRECT[1]} [2]"
    for leak in ["does not", "1872", "ofsted-verify", "mailto", "0300", "commissioners"]:
        assert all(leak not in piece for piece in pieces), leak
    assert set(answer.dropped) == set(CONTRADICTED)
    original = CST.read_text(encoding="utf-8")
    assert [original[c.start : c.end] for c in answer.citations] == [
        c.quote for c in answer.citations
    ]
    assert "It holds the power to inspect schools." in answer.citations[0].quote
    assert "Education (Schools) Act 1992" in answer.citations[1].quote


def test_cli_prints_only_checked_sentences(real_index_dir: Path) -> None:
    reply = " ".join(f"{s} [1]" for s in [*CONTRADICTED, CORRECT[0]])
    with openai_stub(_rewrites_or(reply)) as (url, _):
        env = {**_env(real_index_dir, url), "GOVASSIST_LLM_MODEL": "scripted"}
        result = CliRunner().invoke(cli, ["ask", "--json", QUESTION], env=env)
        plain = CliRunner().invoke(cli, ["ask", QUESTION], env=env)
    assert result.exit_code == 0 and plain.exit_code == 0, result.output + plain.output
    data = json.loads(result.stdout)
    assert data["answer"] == f"{CORRECT[0]} [1]"
    assert plain.stdout.startswith(f"{CORRECT[0]} [1]\n")
    for leak in ["does not", "1872", "ofsted-verify", "mailto", "0300", "commissioners"]:
        assert leak not in plain.stdout, leak


def test_the_ask_page_never_puts_a_removed_sentence_on_screen(
    real_index_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The real app over its WebSocket: every markdown the server sends while the answer
    streams (the draft as it grows, then the answer) holds only checked sentences."""
    reply = " ".join(f"{s} [1]" for s in [CORRECT[0], *CONTRADICTED])

    async def ask(url: str) -> list[str]:
        session = ChatSession(url)
        try:
            await session.open()
            return (await session.ask(QUESTION)).markdown
        finally:
            await session.close()

    with openai_stub(_rewrites_or(reply)) as (stub_url, requests):
        for name, value in {
            **_env(real_index_dir, stub_url),
            "GOVASSIST_LLM_MODEL": "scripted",
        }.items():
            monkeypatch.setenv(name, value)
        with running_app(real_index_dir) as (url, _):
            shown = asyncio.run(ask(url))
    assert any(r.get("stream") for r in requests), "the page must have streamed from the model"
    assert any("Ofsted holds the power to inspect schools" in body for body in shown)
    for body in shown:
        for leak in ["does not", "1872", "verify", "mailto", "0300", "commissioners"]:
            assert leak not in body, (leak, body)
