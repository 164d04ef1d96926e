"""Fault injection for file downloads (``GET /resolve`` and ``GET /lfs-cdn``), so download tests can break
the transfer in the ways real networks and CDNs do, and check that the app resumes, retries or refuses.

A ``Fault`` applies to GETs of one file path (optionally of one repo); HEAD is never faulted. Each fault
is one-shot by default (``times=1``), or fires ``times`` times, or forever (``times=None``); ``fired`` counts
the responses it was applied to. Several faults on one path are used in the order they were added.

How huggingface_hub 2.4.0 reacts (checked by tests/integration/hub): after ``short_body`` (clean close) it
gets ``RemoteProtocolError`` and retries with ``Range`` from the last whole ``DOWNLOAD_CHUNK_SIZE`` (10 MiB)
chunk it kept, so a smaller file restarts from 0; after ``reset_after`` (TCP RST) it gets ``ReadError``,
which ``http_get`` does NOT retry, so ``hf_hub_download`` raises. ``flip_bit_at`` passes unnoticed: the
client checks sizes, never hashes.
"""

from __future__ import annotations

import socket
import struct
import threading
import time
from dataclasses import dataclass

MODES = ("ignore_range", "reset_after", "short_body", "flip_bit_at", "wrong_length", "throttle", "status")


@dataclass
class Fault:
    """One planned fault; exactly one mode is set.

    - ``ignore_range``: answer 200 with the whole body even when a ``Range`` was asked.
    - ``reset_after=N``: send N body bytes, then reset the connection (TCP RST).
    - ``short_body=N``: advertise the full ``Content-Length``, send N bytes, then close cleanly (FIN).
    - ``flip_bit_at=N``: flip the lowest bit of byte N of the *file* (if the response covers it).
    - ``wrong_length=N``: send ``Content-Length`` off by N (may be negative), the true body, then close.
    - ``throttle=B``: send the body at about B bytes per second (stops when the hub closes).
    - ``status=S``: answer status S with an empty body instead of the file (e.g. 503, 500).
    """

    path: str
    repo_id: str | None = None
    ignore_range: bool = False
    reset_after: int | None = None
    short_body: int | None = None
    flip_bit_at: int | None = None
    wrong_length: int | None = None
    throttle: int | None = None
    status: int | None = None
    times: int | None = 1
    fired: int = 0

    @property
    def mode(self) -> str:
        for name in MODES:
            value = getattr(self, name)
            if value is not None and value is not False:
                return name
        raise ValueError("a Fault needs one mode")

    @property
    def exhausted(self) -> bool:
        return self.times is not None and self.fired >= self.times


class FaultPlan:
    """The hub's planned faults, by file path. Thread-safe: the server takes faults while tests add them."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []

    def add(self, path: str, *, repo_id: str | None = None, times: int | None = 1, **mode) -> Fault:
        """Plan a fault on GETs of ``path``, e.g. ``hub.faults.add("m.gguf", short_body=100)``."""
        unknown = set(mode) - set(MODES)
        if unknown or len(mode) != 1:
            raise ValueError(f"give exactly one of {MODES}; got {sorted(mode)}")
        fault = Fault(path=path, repo_id=repo_id, times=times, **mode)
        fault.mode  # validates
        with self._lock:
            self._faults.append(fault)
        return fault

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def fired(self, path: str | None = None) -> int:
        """How many responses were faulted, for ``path`` or in all."""
        with self._lock:
            return sum(f.fired for f in self._faults if path is None or f.path == path)

    def all(self) -> list[Fault]:
        with self._lock:
            return list(self._faults)

    def take(self, repo_id: str | None, path: str) -> Fault | None:
        """The next live fault for this file, counted as fired (the server calls this once per GET)."""
        with self._lock:
            for fault in self._faults:
                if fault.path == path and fault.repo_id in (None, repo_id) and not fault.exhausted:
                    fault.fired += 1
                    return fault
        return None


def faulted_length(fault: Fault | None, body_len: int) -> int:
    """The ``Content-Length`` to advertise for a body of ``body_len`` bytes."""
    if fault is not None and fault.wrong_length is not None:
        return max(0, body_len + fault.wrong_length)
    return body_len


def write_body(handler, body: bytes, offset: int, fault: Fault | None, stopping: threading.Event) -> None:
    """Write a file body (``body`` starts at file ``offset``) to ``handler``, applying ``fault``.

    Faults that leave the connection unusable set ``handler.close_connection``. Client disconnects
    (broken pipe, reset) end the write quietly: a killed download is a normal event in tests.
    """
    out = handler.wfile
    try:
        if fault is None or fault.ignore_range or fault.status is not None:
            out.write(body)
        elif fault.flip_bit_at is not None:
            i = fault.flip_bit_at - offset
            if 0 <= i < len(body):
                body = body[:i] + bytes([body[i] ^ 0x01]) + body[i + 1:]
            out.write(body)
        elif fault.short_body is not None:
            out.write(body[:fault.short_body])
            handler.close_connection = True
        elif fault.reset_after is not None:
            out.write(body[:fault.reset_after])
            handler.close_connection = True
            _reset(handler.connection)
        elif fault.wrong_length is not None:
            out.write(body)
            handler.close_connection = True
        elif fault.throttle is not None:
            _throttled(out, body, fault.throttle, stopping)
            if stopping.is_set():
                handler.close_connection = True
    except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError):
        handler.close_connection = True


def _throttled(out, body: bytes, rate: int, stopping: threading.Event) -> None:
    step = max(1, rate // 20)  # about 20 writes a second
    for start in range(0, len(body), step):
        if stopping.is_set():
            return
        out.write(body[start:start + step])
        out.flush()
        stopping.wait(step / rate)


def _reset(sock: socket.socket) -> None:
    """Abort the connection with a TCP RST (SO_LINGER 0, then close) instead of a clean FIN."""
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        time.sleep(0.01)  # let the bytes already written leave before the reset
        sock.close()
    except OSError:
        pass
