"""A full training room: 30 chat sessions asking questions against the running app on loopback
for 2 minutes, while a trainer's real browser keeps asking too. No session may see an error;
the p95 answer time (question sent to the page finished), the answers served, and the app's
memory before and after are reported (printed and written to build/reliability/load.json), and
the memory must settle rather than grow with the questions.

The 30 sessions speak Streamlit's own WebSocket protocol (tests/streamlit_session.py): thirty
headless Chromium pages would spend this 2-core machine on rendering, not on the app. The one
browser proves the page itself stays usable under that load."""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import time
from pathlib import Path
from typing import TypedDict

import pytest
from conftest import CHROMIUM, CHROMIUM_ARGS, ROOT, running_app
from playwright.async_api import async_playwright
from streamlit_session import ChatSession

from app.gold import load_gold
from evals.metrics import percentile

pytestmark = pytest.mark.integration
SESSIONS = int(os.environ.get("GOVASSIST_LOAD_SESSIONS", "30"))
SECONDS = float(os.environ.get("GOVASSIST_LOAD_SECONDS", "120"))
TURNS_PER_CONVERSATION = 5  # then the visitor reloads the page: a new, empty conversation
REPORT = ROOT / "build" / "reliability" / "load.json"


class Room(TypedDict):
    """What the room saw: each answer's time, the errors, each visitor's answers, the trainer's."""

    times: list[float]
    errors: list[str]
    counts: list[int]
    trainer: int


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


async def _visitor(
    url: str, questions: list[str], number: int, deadline: float, times: list[float],
    errors: list[str],
) -> int:  # fmt: skip
    asked = 0
    await asyncio.sleep(number * 0.1)  # thirty people do not press Enter in the same millisecond
    while time.monotonic() < deadline:
        session = ChatSession(url)
        try:
            opened = await session.open()
            errors.extend(f"session {number} opening: {p}" for p in opened.problems)
            for _ in range(TURNS_PER_CONVERSATION):
                if time.monotonic() >= deadline:
                    break
                question = questions[(number * 7 + asked) % len(questions)]
                run = await session.ask(question)
                if run.problems:
                    errors.extend(f"session {number}: {p[:200]}" for p in run.problems)
                elif not any(question[:30] in text.replace("\\", "") for text in run.markdown):
                    errors.append(f"session {number}: the question is not on the page")
                times.append(run.seconds * 1000)
                asked += 1
        except Exception as error:  # a dropped connection is an error of the room
            errors.append(f"session {number}: {type(error).__name__}: {str(error)[:200]}")
            return asked
        finally:
            await session.close()
    return asked


async def _trainer(url: str, deadline: float, errors: list[str]) -> int:
    """A real browser asking throughout the load; each answer must appear with its source."""
    answered = 0
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = await browser.new_page()
        page.set_default_timeout(60_000)
        try:
            await page.goto(url)
            while time.monotonic() < deadline and answered < TURNS_PER_CONVERSATION:
                box = page.locator('[data-testid="stChatInput"] textarea')
                await box.fill("Who holds the power to inspect schools?")
                await box.press("Enter")
                cards = page.get_by_text("The inspection space > Ofsted > Authority")
                await cards.nth(answered).wait_for()
                answered += 1
        except Exception as error:
            errors.append(f"trainer's browser: {type(error).__name__}: {str(error)[:200]}")
        await browser.close()
    return answered


async def _room(url: str, questions: list[str]) -> Room:
    times: list[float] = []
    errors: list[str] = []
    deadline = time.monotonic() + SECONDS
    *counts, trainer = await asyncio.gather(
        *(_visitor(url, questions, n, deadline, times, errors) for n in range(SESSIONS)),
        _trainer(url, deadline, errors),
    )
    return Room(times=times, errors=errors, counts=counts, trainer=trainer)


def test_a_room_of_thirty_for_two_minutes(real_index_dir: Path) -> None:
    assert Path(CHROMIUM).exists(), "Debian's chromium is needed: apt-get install chromium"
    questions = [item.question for item in load_gold(ROOT / "evals" / "gold.yaml")]
    with running_app(real_index_dir) as (url, process):

        async def warm_up() -> None:  # the trainer opens the app first: model and index load
            session = ChatSession(url)
            await session.open()
            await session.ask(questions[0])
            await session.close()

        asyncio.run(warm_up())
        memory_before = _rss_mb(process.pid)
        started = time.monotonic()
        room = asyncio.run(_room(url, questions))
        elapsed = time.monotonic() - started
        memory_after = _rss_mb(process.pid)
        assert process.poll() is None, "the app died under load"

    times = room["times"]
    counts = room["counts"]
    report = {
        "sessions": SESSIONS,
        "seconds": round(elapsed, 1),
        "answers": len(times),
        "answers_per_session_min": min(counts),
        "trainer_browser_answers": room["trainer"],
        "errors": room["errors"],
        "answer_p50_ms": round(statistics.median(times), 1),
        "answer_p95_ms": round(percentile(times, 95), 1),
        "app_memory_before_mb": round(memory_before, 1),
        "app_memory_after_mb": round(memory_after, 1),
    }
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(json.dumps(report, indent=2) + "\n")
    print("\nload:", json.dumps(report))
    assert room["errors"] == []
    assert min(counts) >= 5, "every visitor got answers"
    assert room["trainer"] >= 1
    # Memory settles: conversations are small; the model and the index are loaded once.
    assert memory_after < memory_before * 1.5 + 200, report
