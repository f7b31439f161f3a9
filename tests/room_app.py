"""`govassist app` on a port of this suite's own range, for the browser tests of the app's
room and admin views (kept apart from other servers run on the same machine)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager

from conftest import APP_START_TIMEOUT_S, ROOT

PORTS = range(8720, 8740)


def _free_port() -> int:
    for port in PORTS:
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise AssertionError(f"no free port in {PORTS}")


@contextmanager
def serve_app(env: dict[str, str]) -> Iterator[str]:
    """The app with `env` added to this process's environment, until the block ends."""
    port = _free_port()
    command = [sys.executable, "-m", "app.cli", "app", "--port", str(port)]
    process = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **env},
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + APP_START_TIMEOUT_S
        while True:
            assert process.poll() is None, f"the app exited with {process.returncode}"
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2):
                    break
            except OSError:
                assert time.monotonic() < deadline, "the app did not become healthy in time"
                time.sleep(0.5)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
