"""A loopback OpenAI-compatible engine that misbehaves on request, for the remote engine's fault tests.

It serves ``GET /v1/models`` and a streamed ``POST /v1/chat/completions`` (server-sent events over
chunked HTTP/1.1, as llama-server and vLLM send them), and records every request it gets. Its ``fault``
picks what goes wrong: nothing, a 401, a 429 with ``Retry-After``, a stream cut after a few pieces (the
connection closed without the last chunk), or a stall after a few pieces until :meth:`FakeEngine.release`
(longer than the client's timeout). :func:`refused_url` gives an address where nothing listens.
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

PIECES = ("Hello", " from", " the", " fake", " engine", ".")


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    body: dict[str, Any] | None


@dataclass
class FakeEngine:
    url: str
    fault: str = ""
    """"" (a good reply), "401", "429", "cut", "stall"."""
    retry_after: str | None = "7"
    pieces: tuple[str, ...] = PIECES
    before_fault: int = 2
    """How many pieces are sent before a "cut" or a "stall"."""
    models: tuple[str, ...] = ("remote-model-a", "remote-model-b")
    requests: list[Seen] = field(default_factory=list)
    _released: threading.Event = field(default_factory=threading.Event)

    def release(self) -> None:
        """End every stall now (the test is done with it)."""
        self._released.set()

    def chats(self) -> list[Seen]:
        return [r for r in self.requests if r.path.endswith("/chat/completions")]


def _handler(engine: FakeEngine) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *_args: object) -> None:  # quiet
            return

        def _record(self, body: dict[str, Any] | None) -> None:
            engine.requests.append(Seen(self.command, self.path, dict(self.headers.items()), body))

        def _json(self, status: int, payload: object, headers: dict[str, str] | None = None) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(data)

        def _refused(self) -> bool:
            if engine.fault == "401":
                self._json(401, {"error": {"message": "Invalid API key", "type": "invalid_request_error"}})
                return True
            if engine.fault == "429":
                headers = {"Retry-After": engine.retry_after} if engine.retry_after else {}
                self._json(429, {"error": {"message": "Too many requests"}}, headers)
                return True
            return False

        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            self._record(None)
            if self._refused():
                return
            if self.path.rstrip("/") == "/v1/models":
                self._json(200, {"object": "list", "data": [{"id": m, "object": "model", "owned_by": "fake"}
                                                            for m in engine.models]})
            else:
                self._json(404, {"error": {"message": f"no route {self.path}"}})

        def do_POST(self) -> None:  # noqa: N802
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length) or b"{}")
            self._record(body)
            if self._refused():
                return
            if self.path.rstrip("/") != "/v1/chat/completions":
                self._json(404, {"error": {"message": f"no route {self.path}"}})
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for index, piece in enumerate(engine.pieces):
                if engine.fault in ("cut", "stall") and index == engine.before_fault:
                    if engine.fault == "stall":
                        engine._released.wait(30)
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)  # no closing chunk: a dropped stream
                    return
                self._event({"choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": None}]})
            self._event({"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}],
                         "usage": {"prompt_tokens": 11, "completion_tokens": len(engine.pieces)}})
            self._chunk(b"data: [DONE]\n\n")
            self._chunk(b"")

        def _event(self, payload: dict) -> None:
            self._chunk(f"data: {json.dumps(payload)}\n\n".encode())

        def _chunk(self, data: bytes) -> None:
            try:
                self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
                self.wfile.flush()
            except OSError:  # the client closed the request (a stop)
                self.close_connection = True

    return Handler


@contextmanager
def fake_engine(**options: Any) -> Iterator[FakeEngine]:
    """A :class:`FakeEngine` on 127.0.0.1 for the length of the ``with`` block."""
    with loopback_server("fake-engine") as server:
        engine = FakeEngine(url=f"http://127.0.0.1:{server.server_address[1]}", **options)
        server.RequestHandlerClass = _handler(engine)
        try:
            yield engine
        finally:
            engine.release()


@contextmanager
def loopback_server(name: str) -> Iterator[ThreadingHTTPServer]:
    """An HTTP server on a free 127.0.0.1 port, serving on a thread until the ``with`` block ends; set its
    ``RequestHandlerClass`` before the first request comes."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name=name, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def refused_url() -> str:
    """An address on 127.0.0.1 where nothing listens (a port just bound and freed)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"
