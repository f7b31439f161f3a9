"""A small HTTP server on loopback that speaks the OpenAI chat-completions protocol, with
scripted behaviour chosen by the requested model name:

- "echo": answers with the first sentence of passage 1 of the prompt, cited [1] (the rewrite
  prompt gets the last question back, unchanged);
- "slow": waits longer than any client timeout in the tests, then answers;
- "broken": HTTP 500;
- "garbage": 200 with a body that is not JSON;
- "scripted": whatever the `script` given to `openai_stub` returns for the request's messages
  (a fixed reply, or one chosen per question).

`stream: true` requests get server-sent events, one word per chunk.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SLOW_SECONDS = 5.0


def _reply_for(messages: list[dict]) -> str:
    prompt = messages[-1]["content"] if messages else ""
    if "Rewritten question:" in prompt:
        match = re.search(r"Last question: (.*)\n", prompt)
        return match.group(1) if match else ""
    passage = re.search(r'<passage id="1" source="[^"]*">\n(.*?)\n</passage>', prompt, re.S)
    if not passage:
        return "The documents don't cover this."
    first = re.split(r"(?<=[.!?])\s+", passage.group(1).strip())[0]
    return f"{first} [1]"


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, *args: object) -> None:  # keep test output clean
        pass

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", 0))
        request = json.loads(self.rfile.read(length) or b"{}")
        model = request.get("model", "echo")
        self.server.requests.append(request)  # type: ignore[attr-defined]
        if model == "broken":
            self.send_response(500)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b'{"error": {"message": "scripted failure"}}')
            return
        if model == "garbage":
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b"<html>this is not JSON</html>")
            return
        if model == "slow":
            time.sleep(SLOW_SECONDS)
        script = self.server.script  # type: ignore[attr-defined]
        if model == "scripted" and script is not None:
            text = script(request.get("messages", []))
        else:
            text = _reply_for(request.get("messages", []))
        if request.get("stream"):
            self._stream(text, model)
        else:
            body = {
                "id": "chatcmpl-stub",
                "object": "chat.completion",
                "created": int(time.time()),
                "model": model,
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": text},
                        "finish_reason": "stop",
                    }
                ],
                "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
            }
            data = json.dumps(body).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    def _stream(self, text: str, model: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        words = text.split(" ")
        for i, word in enumerate(words):
            delta = {"content": word + (" " if i < len(words) - 1 else "")}
            if i == 0:
                delta["role"] = "assistant"
            chunk = {
                "id": "chatcmpl-stub",
                "object": "chat.completion.chunk",
                "created": int(time.time()),
                "model": model,
                "choices": [{"index": 0, "delta": delta, "finish_reason": None}],
            }
            self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
            self.wfile.flush()
        done = {
            "id": "chatcmpl-stub",
            "object": "chat.completion.chunk",
            "created": int(time.time()),
            "model": model,
            "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}],
        }
        self.wfile.write(f"data: {json.dumps(done)}\n\ndata: [DONE]\n\n".encode())
        self.wfile.flush()


@contextmanager
def openai_stub(
    script: Callable[[list[dict]], str] | None = None, port: int = 0
) -> Iterator[tuple[str, list[dict]]]:
    """(base URL ending in /v1, the list of requests received) while the server runs.

    `script` writes the replies of the "scripted" model from the request's messages.
    """
    server = ThreadingHTTPServer(("127.0.0.1", port), _Handler)
    server.requests = []  # type: ignore[attr-defined]
    server.script = script  # type: ignore[attr-defined]
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1", server.requests  # type: ignore[attr-defined]
    finally:
        server.shutdown()
        server.server_close()
