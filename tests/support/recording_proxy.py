"""A loopback pass-through in front of a real OpenAI-compatible server that records what is sent to it.

A real server (llama-cpp-python's, another GPT Shelf's) does not tell its clients the prompt it was
given; this proxy does: every request is recorded (as :class:`~tests.support.fake_engine.Seen`) and
forwarded unchanged, and the server's answer is relayed back piece by piece as it arrives, so a stream
still streams and a client that stops still closes the connection to the server.
"""

from __future__ import annotations

import http.client
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from urllib.parse import urlsplit

from tests.support.fake_engine import Seen, loopback_server

HOP_HEADERS = frozenset({"connection", "keep-alive", "transfer-encoding", "content-length", "host"})


@dataclass
class RecordingProxy:
    url: str
    upstream: str
    requests: list[Seen] = field(default_factory=list)

    def chats(self) -> list[Seen]:
        return [r for r in self.requests if r.path.endswith("/chat/completions")]


def _handler(proxy: RecordingProxy) -> type[BaseHTTPRequestHandler]:
    target = urlsplit(proxy.upstream)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *_args: object) -> None:  # quiet
            return

        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            self._forward(None)

        def do_POST(self) -> None:  # noqa: N802
            self._forward(self.rfile.read(int(self.headers.get("Content-Length") or 0)))

        def _forward(self, data: bytes | None) -> None:
            proxy.requests.append(Seen(self.command, self.path, dict(self.headers.items()),
                                       json.loads(data) if data else None))
            headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_HEADERS}
            upstream = http.client.HTTPConnection(target.hostname, target.port, timeout=120)
            try:
                upstream.request(self.command, self.path, body=data, headers=headers)
                answer = upstream.getresponse()
                self.send_response(answer.status)
                for key, value in answer.getheaders():
                    if key.lower() not in HOP_HEADERS:
                        self.send_header(key, value)
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                while piece := answer.read1(65536):
                    self._chunk(piece)
                self._chunk(b"")
            except OSError:  # the client went away (a stop): closing the upstream stops the server too
                self.close_connection = True
            finally:
                upstream.close()

        def _chunk(self, data: bytes) -> None:
            self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
            self.wfile.flush()

    return Handler


@contextmanager
def recording_proxy(upstream: str) -> Iterator[RecordingProxy]:
    """A :class:`RecordingProxy` to ``upstream`` (``http://host:port``) on 127.0.0.1 for the ``with`` block."""
    with loopback_server("recording-proxy") as server:
        proxy = RecordingProxy(url=f"http://127.0.0.1:{server.server_address[1]}", upstream=upstream.rstrip("/"))
        server.RequestHandlerClass = _handler(proxy)
        yield proxy
