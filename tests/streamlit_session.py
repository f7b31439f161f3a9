"""A chat session against a running Streamlit app, over its own WebSocket protocol: the same
messages the browser sends (run the page; set the chat box), so thirty sessions cost the
server what thirty visitors cost it, without thirty browsers rendering on the same cores."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import websockets
from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg


@dataclass
class Run:
    """What one script run sent back."""

    seconds: float
    markdown: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # exceptions and error boxes


class ChatSession:
    def __init__(self, url: str) -> None:
        self.url = url.replace("http://", "ws://").rstrip("/") + "/_stcore/stream"
        self._socket: websockets.ClientConnection | None = None
        self._page = ""
        self._chat_input = ""

    async def open(self) -> Run:
        self._socket = await websockets.connect(
            self.url, subprotocols=[websockets.Subprotocol("streamlit")], max_size=None
        )
        return await self._run(BackMsg())

    async def ask(self, question: str) -> Run:
        message = BackMsg()
        widget = message.rerun_script.widget_states.widgets.add()
        widget.id = self._chat_input
        widget.chat_input_value.data = question
        return await self._run(message)

    async def close(self) -> None:
        if self._socket is not None:
            await self._socket.close()

    async def _run(self, message: BackMsg) -> Run:
        assert self._socket is not None
        message.rerun_script.page_script_hash = self._page
        started = time.monotonic()
        await self._socket.send(message.SerializeToString())
        run = Run(0.0)
        while True:
            forward = ForwardMsg()
            forward.ParseFromString(await self._socket.recv())
            kind = forward.WhichOneof("type")
            if kind == "new_session":
                self._page = forward.new_session.page_script_hash
            elif kind == "delta" and forward.delta.WhichOneof("type") == "new_element":
                self._read(forward.delta.new_element, run)
            elif kind == "script_finished":
                run.seconds = time.monotonic() - started
                return run

    def _read(self, element: object, run: Run) -> None:
        kind = element.WhichOneof("type")  # type: ignore[attr-defined]
        if kind == "chat_input":
            self._chat_input = element.chat_input.id  # type: ignore[attr-defined]
        elif kind == "markdown":
            run.markdown.append(element.markdown.body)  # type: ignore[attr-defined]
        elif kind == "exception":
            run.problems.append(element.exception.message)  # type: ignore[attr-defined]
        elif kind == "alert" and element.alert.format == Alert.ERROR:  # type: ignore[attr-defined]
            run.problems.append(element.alert.body)  # type: ignore[attr-defined]
