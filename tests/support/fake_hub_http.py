"""The fake hub's HTTP plumbing: request parsing, routing, error replies, file bodies with Range, recording.

Standard library only (``http.server``). HTTP/1.1 with keep-alive, since httpx2 (the client under
huggingface_hub 2.4.0) pools connections. Route handlers are plain functions registered with ``@route``
(see fake_hub_routes.py / fake_hub_write.py); they run under the hub's lock and return a ``Reply``;
only the streaming of a file body happens outside the lock, so a throttled download never blocks the hub.

Errors carry the headers huggingface_hub maps to exceptions (``hf_raise_for_status``): ``X-Error-Code``
``RepoNotFound`` / ``RevisionNotFound`` / ``EntryNotFound``, and for a bad token a 401 with
``X-Error-Message: Invalid credentials in Authorization header`` (else a 401 reads as RepoNotFound).
"""

from __future__ import annotations

import json
import re
import socket
import threading
import traceback
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, unquote, urlsplit

from tests.support.fake_hub_faults import Fault, faulted_length, write_body

if TYPE_CHECKING:
    from collections.abc import Callable

    from tests.support.fake_hub import FakeHub

INVALID_TOKEN = "Invalid credentials in Authorization header"


@dataclass(frozen=True)
class RequestRecord:
    """One request the hub answered: for counting downloads, checking auth, asserting on traffic."""

    method: str
    path: str            # URL path, percent-decoded, without the query
    query: str
    range: str | None    # the Range header, if any
    status: int
    authorized: bool     # an Authorization header was sent
    fault: str | None    # the fault mode applied, if any
    server: str          # "hub" or "cdn"


class HubError(Exception):
    def __init__(self, status: int, message: str, code: str | None = None, headers: dict | None = None):
        super().__init__(message)
        self.status, self.message, self.code, self.headers = status, message, code, headers or {}


@dataclass
class FileBody:
    """A file (or a range of it) to stream, with the fault to apply."""

    data: bytes
    offset: int
    fault: Fault | None = None


@dataclass
class Reply:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    file: FileBody | None = None


def json_reply(obj: Any, status: int = 200, headers: dict | None = None) -> Reply:
    return Reply(status, {"Content-Type": "application/json", **(headers or {})}, json.dumps(obj).encode())


@dataclass
class Request:
    method: str
    path: str                    # raw (still percent-encoded) path
    query: dict[str, list[str]]
    headers: Any                 # email.message.Message
    body: bytes
    token: str | None
    user: str | None             # the token's user, if the token is known
    server: str

    def arg(self, name: str, default: str | None = None) -> str | None:
        values = self.query.get(name)
        return values[-1] if values else default

    def flag(self, name: str) -> bool:
        return (self.arg(name) or "").lower() in ("1", "true", "yes")

    def json(self) -> Any:
        try:
            return json.loads(self.body or b"null")
        except ValueError as e:
            raise HubError(400, f"invalid JSON body: {e}") from None

    def require_user(self) -> str:
        if self.user is None:
            raise HubError(401, INVALID_TOKEN if self.token else "You must be authenticated to do this")
        return self.user


ROUTES: list[tuple[str, re.Pattern, Callable]] = []


def route(methods: str, pattern: str):
    """Register a handler for ``methods`` (space-separated) on a full-match regex over the raw path."""
    def deco(fn):
        for method in methods.split():
            ROUTES.append((method, re.compile(pattern), fn))
        return fn
    return deco


def file_reply(req: Request, data: bytes, headers: dict[str, str], fault: Fault | None) -> Reply:
    """A 200, or a 206 for ``Range: bytes=a-b | a- | -n``; 416 if unsatisfiable. HEAD gets headers only."""
    total = len(data)
    headers = {"Accept-Ranges": "bytes", "Content-Type": "application/octet-stream", **headers}
    if fault is not None and fault.status is not None:
        return Reply(fault.status, {"Content-Length": "0"}, file=FileBody(b"", 0, fault))
    rng = req.headers.get("Range")
    start, end = 0, total - 1
    status = 200
    if rng and not (fault is not None and fault.ignore_range):
        m = re.fullmatch(r"\s*bytes=(\d*)-(\d*)\s*", rng)
        if m and (m.group(1) or m.group(2)):
            if m.group(1):
                start = int(m.group(1))
                end = min(int(m.group(2)), total - 1) if m.group(2) else total - 1
            else:
                start = max(0, total - int(m.group(2)))
            if start >= total or start > end:
                return Reply(416, {**headers, "Content-Range": f"bytes */{total}", "Content-Length": "0"})
            status = 206
            headers["Content-Range"] = f"bytes {start}-{end}/{total}"
    body = data[start:end + 1]
    headers["Content-Length"] = str(faulted_length(fault, len(body)) if req.method == "GET" else len(body))
    if req.method == "GET" and fault is not None and fault.wrong_length is not None:
        headers["Connection"] = "close"  # the bytes past a short Content-Length must not poison a pooled connection
    if req.method == "HEAD":
        return Reply(status, headers)
    return Reply(status, headers, file=FileBody(body, start, fault))


class HubServer(ThreadingHTTPServer):
    """One listening socket of the hub ("hub" for the API, "cdn" for redirected LFS downloads)."""

    daemon_threads = True
    block_on_close = False

    def __init__(self, hub: FakeHub, name: str):
        self.hub, self.name = hub, name
        self.live: set = set()
        self.live_lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), HubHandler)

    def handle_error(self, request, client_address) -> None:  # a client hanging up is normal in tests
        pass

    def drop_connections(self) -> None:
        with self.live_lock:
            conns = list(self.live)
        for sock in conns:
            try:
                sock.shutdown(2)
            except OSError:
                pass


class HubHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: HubServer

    def setup(self) -> None:
        super().setup()
        # Without this, headers and body leave as two segments and Nagle + delayed ACK add ~40 ms a request.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with self.server.live_lock:
            self.server.live.add(self.connection)

    def finish(self) -> None:
        with self.server.live_lock:
            self.server.live.discard(self.connection)
        try:
            super().finish()
        except OSError:
            pass

    def log_message(self, format: str, *args) -> None:  # keep test output clean
        pass

    do_GET = do_HEAD = do_POST = do_PUT = do_DELETE = lambda self: self._dispatch()  # noqa: E731

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _dispatch(self) -> None:
        hub = self.server.hub
        split = urlsplit(self.path)
        auth = self.headers.get("Authorization") or ""
        token = auth[7:].strip() if auth.lower().startswith("bearer ") else None
        req = Request(self.command, split.path, parse_qs(split.query, keep_blank_values=True), self.headers,
                      b"", token, hub.tokens.get(token) if token else None, self.server.name)
        try:
            req.body = self._read_body()
            reply = self._route(hub, req)
        except HubError as e:
            reply = _error_reply(e)
        except Exception:  # a bug in the fake: record it so the fixture fails the test loudly
            hub.server_errors.append(f"{self.command} {self.path}\n{traceback.format_exc()}")
            reply = json_reply({"error": "fake hub crashed"}, 500)
        fault = reply.file.fault if reply.file else None
        # Recorded before anything is sent, so a test that got the response always sees its record.
        hub._record(RequestRecord(self.command, unquote(split.path), split.query, self.headers.get("Range"),
                                  reply.status, bool(auth), fault.mode if fault else None, self.server.name))
        self._send(reply)

    def _route(self, hub: FakeHub, req: Request) -> Reply:
        if req.token and req.user is None and not req.path.startswith(("/lfs-cdn/", "/lfs-upload/")):
            raise HubError(401, INVALID_TOKEN)
        failed = hub._take_write_fault(req.method, req.path) if self.server.name == "hub" else None
        if failed is not None:
            raise HubError(failed, f"planned failure of {req.method} {req.path} (hub.fail_writes)")
        allowed = False
        for method, pattern, fn in ROUTES:
            m = pattern.fullmatch(req.path)
            if m is None:
                continue
            allowed = True
            if method == req.method:
                groups = {k: unquote(v) if v is not None else None for k, v in m.groupdict().items()}
                with hub.lock:
                    return fn(hub, req, groups)
        raise HubError(405 if allowed else 404, f"no route for {req.method} {req.path}")

    def _send(self, reply: Reply) -> None:
        headers = dict(reply.headers)
        if reply.file is None and not (self.command == "HEAD" and "Content-Length" in headers):
            headers["Content-Length"] = str(len(reply.body))
        headers.setdefault("X-Request-Id", "fake-hub")
        try:
            self.send_response(reply.status)
            for key, value in headers.items():
                self.send_header(key, value)
            self.end_headers()
            if self.command == "HEAD":
                return
            if reply.file is not None:
                write_body(self, reply.file.data, reply.file.offset, reply.file.fault, self.server.hub.stopping)
            else:
                self.wfile.write(reply.body)
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError, OSError):
            self.close_connection = True


def _error_reply(e: HubError) -> Reply:
    message = " ".join(e.message.split()).encode("latin-1", "replace").decode("latin-1")
    headers = {"X-Error-Message": message, **e.headers}
    if e.code:
        headers["X-Error-Code"] = e.code
    return json_reply({"error": e.message}, e.status, headers)
