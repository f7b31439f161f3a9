"""Uploads to a real `govassist app` server on loopback, PUT the way a script would send them:
only a session that entered the admin token keeps files, each file is capped by Streamlit's
own limit (set to the app's) and each session's total is bounded."""

from __future__ import annotations

import contextlib
import http.client
import os
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from conftest import ROOT
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.web.server.starlette.starlette_app_utils import generate_xsrf_token_string
from websockets import Subprotocol
from websockets.sync.client import ClientConnection, connect

pytestmark = pytest.mark.integration

PORT = 18231
TOKEN = "correct horse battery staple"
MIB = 1024 * 1024


@contextmanager
def app_server(data_dir: Path) -> Iterator[str]:
    """`govassist app` with an admin token and a 1 MB upload limit, until the block ends."""
    env = {
        **os.environ, "GOVASSIST_DATA_DIR": str(data_dir), "GOVASSIST_ADMIN_TOKEN": TOKEN,
        "GOVASSIST_UPLOAD_MAX_MB": "1",
    }  # fmt: skip
    command = [sys.executable, "-m", "app.cli", "app", "--port", str(PORT)]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)  # fmt: skip
    url = f"http://127.0.0.1:{PORT}"
    try:
        deadline = time.monotonic() + 120
        while True:
            assert process.poll() is None, f"the app exited with {process.returncode}"
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2):
                    break
            except OSError:
                assert time.monotonic() < deadline, "the app did not become healthy"
                time.sleep(0.3)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


class Session:
    """One browser session over Streamlit's WebSocket protocol: its id, its pages, its widgets."""

    def __init__(self, socket: ClientConnection) -> None:
        self.socket = socket
        self.id = ""
        self.pages: dict[str, str] = {}
        self.page = ""
        self.text_inputs: list[str] = []
        self.texts: list[str] = []

    def run(self, page: str = "", text: str | None = None) -> None:
        message = BackMsg()
        message.rerun_script.page_script_hash = self.pages.get(page, self.page)
        if text is not None:
            widget = message.rerun_script.widget_states.widgets.add()
            widget.id, widget.string_value = self.text_inputs[0], text
        self.text_inputs, self.texts = [], []
        self.socket.send(message.SerializeToString())
        while True:
            forward = ForwardMsg()
            forward.ParseFromString(self.socket.recv(timeout=120))
            kind = forward.WhichOneof("type")
            if kind == "new_session":
                self.id = forward.new_session.initialize.session_id
                self.page = forward.new_session.page_script_hash
            elif kind == "navigation":
                self.pages = {p.page_name: p.page_script_hash for p in forward.navigation.app_pages}
                self.page = forward.navigation.page_script_hash or self.page
            elif kind == "delta" and forward.delta.WhichOneof("type") == "new_element":
                element = forward.delta.new_element
                if element.WhichOneof("type") == "text_input":
                    self.text_inputs.append(element.text_input.id)
                elif element.WhichOneof("type") == "alert":
                    self.texts.append(element.alert.body)
            elif kind == "script_finished":
                return


def open_socket(url: str) -> ClientConnection:
    ws_url = url.replace("http://", "ws://") + "/_stcore/stream"
    return connect(ws_url, subprotocols=[Subprotocol("streamlit")], max_size=None)


def put(url: str, session_id: str, size: int) -> int:
    """PUT one file of `size` bytes with a self-made XSRF cookie and header; the status."""
    xsrf = generate_xsrf_token_string()
    boundary = uuid.uuid4().hex
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.md"\r\n'
            f"Content-Type: text/markdown\r\n\r\n"
        ).encode()
        + b"x" * size
        + f"\r\n--{boundary}--\r\n".encode()
    )
    connection = http.client.HTTPConnection(urlsplit(url).netloc, timeout=60)
    try:
        connection.putrequest("PUT", f"/_stcore/upload_file/{session_id}/{uuid.uuid4()}")
        for name, value in {
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "Content-Length": str(len(body)), "X-Xsrftoken": xsrf,
            "Cookie": f"_streamlit_xsrf={xsrf}",
        }.items():  # fmt: skip
            connection.putheader(name, value)
        connection.endheaders()
        # Refused on its headers alone, the server stops reading: its answer is waiting.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            connection.send(body)
        return connection.getresponse().status
    finally:
        connection.close()


def test_uploads_are_kept_only_for_admin_sessions_and_bounded(tmp_path: Path) -> None:
    with (
        app_server(tmp_path / "data") as url,
        open_socket(url) as visitor_socket,
        open_socket(url) as admin_socket,
    ):
        visitor, admin = Session(visitor_socket), Session(admin_socket)
        visitor.run()
        assert visitor.id
        # A visitor who never entered the token: refused, whatever the size.
        assert put(url, visitor.id, 1000) == 403
        assert put(url, "not-a-session", 1000) == 400

        admin.run()
        admin.run(page="Admin")
        assert admin.text_inputs, "the admin page asks for the token"
        admin.run(text=TOKEN)
        # Over the per-file limit (GOVASSIST_UPLOAD_MAX_MB=1): refused by Streamlit's own
        # check on the declared length, before the body is read.
        assert put(url, admin.id, MIB + 1) == 413
        # Five files at the limit fit in one session; the sixth is refused.
        assert [put(url, admin.id, MIB - 400) for _ in range(5)] == [204] * 5
        assert put(url, admin.id, MIB - 400) == 413
        # The admin's sign-in admitted only the admin's own session.
        assert put(url, visitor.id, 1000) == 403
