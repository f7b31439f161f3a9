"""`govassist app` and a plain `streamlit run` (which reads .streamlit/config.toml) turn off the
same Streamlit calls home: usage statistics, the start-up look-ups of this machine's addresses
(checkip.amazonaws.com) and the e-mail prompt. test_no_outbound_integration.py shows, under
strace, that `govassist app` then contacts nothing."""

from __future__ import annotations

import itertools
import os
import tomllib
from typing import Any

import pytest
from conftest import ROOT
from typer.testing import CliRunner

from app.cli import cli

PRIVACY = {
    "browser.gatherUsageStats": "false",
    "browser.serverAddress": "localhost",
    "server.headless": "true",
    "server.showEmailPrompt": "false",
}


def _flags(argv: list[str]) -> dict[str, str]:
    """`--section.key value` pairs of a command line."""
    return {
        name.removeprefix("--"): value
        for name, value in itertools.pairwise(argv)
        if name.startswith("--") and "." in name
    }


def _app_command(monkeypatch: pytest.MonkeyPatch, *options: str) -> list[str]:
    started: list[list[str]] = []

    def execve(path: str, argv: list[str], env: dict[str, Any]) -> None:
        started.append(list(argv))

    monkeypatch.setattr(os, "execve", execve)
    result = CliRunner().invoke(cli, ["app", "--port", "18499", *options])
    assert result.exit_code == 0, result.output
    (argv,) = started
    return argv


def test_govassist_app_turns_off_streamlits_calls_home(monkeypatch: pytest.MonkeyPatch) -> None:
    flags = _app_command(monkeypatch)
    assert {key: _flags(flags).get(key) for key in PRIVACY} == PRIVACY


def test_the_shipped_config_turns_off_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    shipped = {
        f"{section}.{key}": str(value).lower()
        for section, options in config.items()
        for key, value in options.items()
    }
    assert {key: shipped.get(key) for key in PRIVACY} == PRIVACY
    # Every option the file shares with the command line has the same value there.
    flags = _flags(_app_command(monkeypatch))
    assert {key: flags[key] for key in shipped if key in flags} == {
        key: value for key, value in shipped.items() if key in flags
    }


def test_the_app_listens_where_it_is_told(monkeypatch: pytest.MonkeyPatch) -> None:
    # Every interface by default (the room joins from its devices); one address when asked.
    assert "server.address" not in _flags(_app_command(monkeypatch))
    flags = _flags(_app_command(monkeypatch, "--address", "127.0.0.1"))
    assert flags["server.address"] == "127.0.0.1"
