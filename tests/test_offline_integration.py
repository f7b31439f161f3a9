"""No network at run time: ingest, ask and the app's start-up work with every outbound
connection except loopback refused. Two ways: a socket guard in this process (which records
attempts made through Python's `socket` only), and the real CLI and app in a network namespace
that has only loopback (which shows that nothing needs the network, native code included, but
cannot see an attempt that fails quietly). Attempts by native code (onnxruntime's telemetry,
Chroma's Rust core) are recorded under strace in test_no_outbound_integration.py."""

from __future__ import annotations

import json
import os
import shlex
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import CORPUS, free_port
from streamlit.testing.v1 import AppTest

from app.resources import build_index, load_assistant
from app.settings import Settings

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parent.parent
QUESTION = "Who holds the power to inspect schools?"


def _is_loopback(family: int, address: Any) -> bool:
    if family == socket.AF_UNIX:
        return True
    host = str(address[0]) if isinstance(address, tuple) else str(address)
    return host in ("localhost", "::1") or host.startswith("127.")


@pytest.fixture
def outbound_attempts(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Refuse every connection and name lookup that is not loopback; list what was tried."""
    attempts: list[str] = []
    connect, connect_ex, getaddrinfo = (
        socket.socket.connect, socket.socket.connect_ex, socket.getaddrinfo
    )  # fmt: skip

    def guarded_connect(sock: socket.socket, address: Any) -> None:
        if not _is_loopback(sock.family, address):
            attempts.append(f"connect {address}")
            raise ConnectionRefusedError(f"no network in this test: {address}")
        connect(sock, address)

    def guarded_connect_ex(sock: socket.socket, address: Any) -> int:
        if not _is_loopback(sock.family, address):
            attempts.append(f"connect {address}")
            return 111  # ECONNREFUSED
        return connect_ex(sock, address)

    def guarded_getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host is not None and not _is_loopback(socket.AF_INET, (host,)):
            attempts.append(f"lookup {host}")
            raise socket.gaierror(socket.EAI_NONAME, f"no network in this test: {host}")
        return getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
    monkeypatch.setattr(socket.socket, "connect_ex", guarded_connect_ex)
    monkeypatch.setattr(socket, "getaddrinfo", guarded_getaddrinfo)
    yield attempts


def test_the_guard_refuses_the_internet(outbound_attempts: list[str]) -> None:
    """The guard itself works: a real outbound connection is refused and recorded."""
    with pytest.raises(OSError), socket.create_connection(("192.0.2.1", 80), timeout=2):
        pass
    assert outbound_attempts


def test_ingest_ask_and_the_app_with_loopback_only(
    outbound_attempts: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = Settings(data_dir=tmp_path / "data", corpus_dir=CORPUS)
    report = build_index(settings)
    assert report.total_chunks > 50 and not report.problems
    answer = load_assistant(settings).answer(QUESTION)
    assert not answer.abstained and "Ofsted" in answer.text

    monkeypatch.setenv("GOVASSIST_DATA_DIR", str(settings.data_dir))
    at = AppTest.from_file(str(ROOT / "app" / "streamlit_app.py"), default_timeout=120)
    at.run()
    at.chat_input[0].set_value(QUESTION).run()
    assert not at.exception, at.exception
    assert any("Ofsted" in m.value for m in at.markdown)
    assert outbound_attempts == []


def _network_namespace_available() -> bool:
    probe = subprocess.run(["unshare", "-rn", "true"], capture_output=True)
    return probe.returncode == 0


@pytest.mark.skipif(not _network_namespace_available(), reason="cannot create a network namespace")
def test_the_cli_and_the_app_in_a_namespace_with_only_loopback(tmp_path: Path) -> None:
    port = free_port()
    data = tmp_path / "data"
    cli = f"{shlex.quote(sys.executable)} -m app.cli"
    health = (
        f'{shlex.quote(sys.executable)} -c "import time, urllib.request\n'
        "for _ in range(240):\n"
        "    try:\n"
        f"        urllib.request.urlopen('http://127.0.0.1:{port}/_stcore/health', timeout=2)\n"
        "        print('app healthy'); break\n"
        "    except OSError: time.sleep(0.5)\n"
        "else: raise SystemExit('the app did not start')\""
    )
    script = "\n".join(
        [
            "set -e",
            "ip link set lo up",
            # Prove the namespace first: the internet is unreachable from here.
            f'{shlex.quote(sys.executable)} -c "import socket\n'
            "try:\n    socket.create_connection(('192.0.2.1', 80), timeout=2)\n"
            "except OSError: print('internet unreachable')\n"
            "else: raise SystemExit('the namespace has a network')\"",
            f"{cli} ingest {shlex.quote(str(CORPUS))}",
            f"{cli} ask --json {shlex.quote(QUESTION)} > {shlex.quote(str(tmp_path / 'a.json'))}",
            f"{cli} app --port {port} > /dev/null 2>&1 & APP=$!",
            health,
            "kill $APP; wait $APP || true",
        ]
    )
    env = {**os.environ, "GOVASSIST_DATA_DIR": str(data), "HF_HUB_OFFLINE": "1"}
    result = subprocess.run(
        ["unshare", "-rn", "bash", "-c", script], cwd=ROOT, env=env, capture_output=True,
        text=True, timeout=400,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "internet unreachable" in result.stdout
    assert "app healthy" in result.stdout
    answer = json.loads((tmp_path / "a.json").read_text())
    assert not answer["abstained"] and "Ofsted" in answer["answer"]
