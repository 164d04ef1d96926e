"""A small HTTP file server on 127.0.0.1 that breaks downloads on purpose.

It serves one file with ``Range``/``206``/``If-Range``/``416`` done right, and can instead: ignore
ranges, ignore If-Range, reset the connection (TCP RST) or close it cleanly after N body bytes, flip a
bit, announce a wrong Content-Length, start a range at the wrong byte, answer a bare status, throttle,
and change the file (and its ETag) between requests. Every GET is counted with its Range.

Every response says ``Connection: close`` so a fault in one response can never leak into the next.
"""

from __future__ import annotations

import hashlib
import re
import socket
import struct
import threading
import time
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

_RANGE = re.compile(r"^bytes=(\d+)-(\d*)$")


@dataclass(frozen=True)
class Faults:
    ignore_range: bool = False
    """Answer 200 with the whole file to a Range request."""
    ignore_if_range: bool = False
    """Honour Range even when If-Range names an old ETag (sends 206 of the *new* file)."""
    reset_after: int | None = None
    """Send this many body bytes, then reset the connection (RST)."""
    short_body: int | None = None
    """Send this many body bytes, then close cleanly although Content-Length promised more."""
    flip_bit_at: int | None = None
    """Flip the lowest bit of the byte at this file offset."""
    wrong_length: int = 0
    """Add this to the Content-Length header (the body itself is the right one, cut to the header if shorter)."""
    wrong_range_start: int = 0
    """Serve a range from start + N (the Content-Range says so honestly)."""
    status: int | None = None
    """Answer this status with an empty body."""
    times: int | None = None
    """Apply to the first N GET requests only (None: to all)."""


@dataclass(frozen=True)
class Seen:
    range_start: int | None
    if_range: str | None
    status: int
    headers: dict[str, str] = field(default_factory=dict)


class FaultServer:
    def __init__(self, data: bytes, *, throttle: int | None = None, etag: str | None = "auto") -> None:
        self.lock = threading.Lock()
        self.throttle = throttle
        self.faults = Faults()
        self.requests: list[Seen] = []
        self._faulted = 0
        self._etag_mode = etag
        self.set_data(data)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self._server.owner = self  # type: ignore[attr-defined]
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)
        self._thread.start()
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/files/model.gguf"

    def set_data(self, data: bytes, *, etag: str | None = None) -> None:
        """Replace the file (a new upload): a new strong ETag unless told otherwise."""
        with self.lock:
            self.data = bytes(data)
            self.sha256 = hashlib.sha256(self.data).hexdigest()
            if self._etag_mode is None:
                self.etag = None
            elif etag is not None:
                self.etag = etag
            elif self._etag_mode == "weak":
                self.etag = f'W/"{self.sha256[:16]}"'
            else:
                self.etag = f'"{self.sha256[:16]}"'

    def set_faults(self, **changes: object) -> None:
        with self.lock:
            self.faults = replace(Faults(), **changes)
            self._faulted = 0

    def ranged(self) -> list[Seen]:
        """The requests that asked to resume (Range start > 0)."""
        return [s for s in self.requests if s.range_start]

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _take(self) -> tuple[bytes, str | None, Faults]:
        with self.lock:
            faults = self.faults
            if faults.times is not None:
                if self._faulted >= faults.times:
                    faults = Faults()
                else:
                    self._faulted += 1
            return self.data, self.etag, faults


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
        pass

    def finish(self) -> None:
        try:
            super().finish()
        except OSError:
            pass  # the connection was reset on purpose, or the client is gone

    def do_GET(self) -> None:  # noqa: N802 - the base class's name
        owner: FaultServer = self.server.owner  # type: ignore[attr-defined]
        data, etag, faults = owner._take()
        match = _RANGE.match(self.headers.get("Range", "").strip())
        start = int(match.group(1)) if match else None
        if_range = self.headers.get("If-Range")
        status, first, last = self._plan(data, etag, faults, start, if_range)
        with owner.lock:
            owner.requests.append(Seen(start, if_range, status, dict(self.headers.items())))
        self.close_connection = True
        if status in (416,) or faults.status is not None:
            self.send_response(status)
            if status == 416:
                self.send_header("Content-Range", f"bytes */{len(data)}")
            self.send_header("Content-Length", "0")
            self.send_header("Connection", "close")
            self.end_headers()
            return
        body = bytearray(data[first:last])
        flip = faults.flip_bit_at
        if flip is not None and first <= flip < last:
            body[flip - first] ^= 0x01
        declared = max(0, len(body) + faults.wrong_length)
        self.send_response(status)
        self.send_header("Content-Length", str(declared))
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("Connection", "close")
        if etag is not None:
            self.send_header("ETag", etag)
        if status == 206:
            self.send_header("Content-Range", f"bytes {first}-{last - 1}/{len(data)}")
        self.end_headers()
        self._send(bytes(body[:declared]), faults, owner.throttle)

    def _plan(self, data: bytes, etag: str | None, faults: Faults, start: int | None,
              if_range: str | None) -> tuple[int, int, int]:
        if faults.status is not None:
            return faults.status, 0, 0
        if start is None or faults.ignore_range:
            return 200, 0, len(data)
        if if_range is not None and if_range != etag and not faults.ignore_if_range:
            return 200, 0, len(data)  # RFC 9110 §13.1.5: the file changed, send all of it
        if start >= len(data):
            return 416, 0, 0
        first = min(len(data) - 1, start + faults.wrong_range_start)
        return 206, first, len(data)

    def _send(self, body: bytes, faults: Faults, throttle: int | None) -> None:
        stop = len(body)
        if faults.reset_after is not None:
            stop = min(stop, faults.reset_after)
        if faults.short_body is not None:
            stop = min(stop, faults.short_body)
        piece = 16384 if not throttle else max(1024, min(16384, throttle // 50))
        sent = 0
        try:
            while sent < stop:
                chunk = body[sent:min(stop, sent + piece)]
                self.wfile.write(chunk)
                sent += len(chunk)
                if throttle:
                    time.sleep(len(chunk) / throttle)
            if faults.reset_after is not None and faults.reset_after < len(body):
                self.wfile.flush()
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                self.connection.close()
        except OSError:
            pass  # the client went away (killed, cancelled)

