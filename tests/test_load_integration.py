"""A full training room: 30 chat sessions in headless Chromium asking questions against the
running app on loopback for 2 minutes. No session may see an error; the p95 time from pressing
Enter to a finished answer, and the app's memory before and after, are reported (printed and
written to build/reliability/load.json) and the memory must settle, not keep growing."""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import time
from pathlib import Path

import pytest
from conftest import CHROMIUM, CHROMIUM_ARGS, ROOT, running_app
from playwright.async_api import Browser, async_playwright

from evals.gold import load_gold
from evals.metrics import percentile

pytestmark = pytest.mark.integration
SESSIONS = int(os.environ.get("GOVASSIST_LOAD_SESSIONS", "30"))
SECONDS = float(os.environ.get("GOVASSIST_LOAD_SECONDS", "120"))
TURNS_PER_CONVERSATION = 5  # then the visitor clears the conversation, as a trainee would
ANSWER_TIMEOUT_MS = 90_000
REPORT = ROOT / "build" / "reliability" / "load.json"

# Done when the last message is the assistant's, with its thumbs (drawn after the answer and
# its sources), or when the page shows an error.
PROBLEM = '[data-testid="stException"], [data-testid="stAlertContainer"][role="alert"]'
FINISHED = """(expected) => {
    const PROBLEM = 'SELECTOR';
    const messages = document.querySelectorAll('[data-testid="stChatMessage"]');
    if (messages.length < expected) return false;
    const last = messages[messages.length - 1];
    const done = last.querySelector('[data-testid="stFeedback"]');
    return Boolean(done) || Boolean(document.querySelector(PROBLEM));
}""".replace("SELECTOR", PROBLEM)


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


async def _visitor(
    browser: Browser, url: str, questions: list[str], number: int, deadline: float,
    times: list[float], errors: list[str],
) -> int:  # fmt: skip
    context = await browser.new_context()
    page = await context.new_page()
    asked = 0
    try:
        await page.goto(url)
        box = page.locator('[data-testid="stChatInput"] textarea')
        await box.wait_for(timeout=ANSWER_TIMEOUT_MS)
        while time.monotonic() < deadline:
            if asked and asked % TURNS_PER_CONVERSATION == 0:
                await page.get_by_role("button", name="Clear the conversation").click()
                await page.wait_for_function(
                    "() => !document.querySelector('[data-testid=\"stChatMessage\"]')",
                    timeout=ANSWER_TIMEOUT_MS,
                )
            turn = asked % TURNS_PER_CONVERSATION
            question = questions[(number * 7 + asked) % len(questions)]
            started = time.monotonic()
            await box.fill(question)
            await box.press("Enter")
            await page.wait_for_function(FINISHED, arg=2 * (turn + 1), timeout=ANSWER_TIMEOUT_MS)
            problem = page.locator(PROBLEM)
            if await problem.count():
                errors.append(f"session {number}: {(await problem.first.inner_text())[:200]}")
                break
            times.append((time.monotonic() - started) * 1000)
            asked += 1
    except Exception as error:  # a timeout or a broken page is an error of the room
        errors.append(f"session {number}: {type(error).__name__}: {str(error)[:200]}")
    finally:
        await context.close()
    return asked


async def _room(url: str, questions: list[str]) -> tuple[list[float], list[str], list[int]]:
    times: list[float] = []
    errors: list[str] = []
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        deadline = time.monotonic() + SECONDS
        counts = await asyncio.gather(
            *(
                _visitor(browser, url, questions, n, deadline, times, errors)
                for n in range(SESSIONS)
            )
        )
        await browser.close()
    return times, errors, list(counts)


def test_a_room_of_thirty_for_two_minutes(real_index_dir: Path) -> None:
    assert Path(CHROMIUM).exists(), "Debian's chromium is needed: apt-get install chromium"
    questions = [item.question for item in load_gold(ROOT / "evals" / "gold.yaml")]
    with running_app(real_index_dir) as (url, process):
        # Warm up: one visitor loads the model and the index, as the trainer does first.
        _, warm_errors, _ = asyncio.run(_warm_up(url, questions))
        assert not warm_errors, warm_errors
        memory_before = _rss_mb(process.pid)
        started = time.monotonic()
        times, errors, counts = asyncio.run(_room(url, questions))
        elapsed = time.monotonic() - started
        memory_after = _rss_mb(process.pid)
        assert process.poll() is None, "the app died under load"

    report = {
        "sessions": SESSIONS,
        "seconds": round(elapsed, 1),
        "answers": len(times),
        "answers_per_session_min": min(counts),
        "errors": errors,
        "answer_p50_ms": round(statistics.median(times), 1) if times else None,
        "answer_p95_ms": round(percentile(times, 95), 1) if times else None,
        "app_memory_before_mb": round(memory_before, 1),
        "app_memory_after_mb": round(memory_after, 1),
    }
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(json.dumps(report, indent=2) + "\n")
    print("\nload:", json.dumps(report))
    assert errors == []
    assert min(counts) >= 2, "every visitor got answers"
    # Memory settles: sessions' conversations are small; the model and index are loaded once.
    assert memory_after < memory_before * 1.5 + 200, report


async def _warm_up(url: str, questions: list[str]) -> tuple[list[float], list[str], list[int]]:
    times: list[float] = []
    errors: list[str] = []
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        count = await _visitor(browser, url, questions, 0, time.monotonic() + 5, times, errors)
        await browser.close()
    return times, errors, [count]
