"""A bounded, streaming binary reader for untrusted GGUF headers.

Why not gguf-py's ``GGUFReader``: it memory-maps the file and builds numpy views from declared
lengths, so a crafted header (e.g. ``n_dims = 0xFFFFFFFF``) makes it allocate without bound. Here
every declared length is checked against the bytes actually left in the file (and the read budget)
*before* anything is read or allocated, so memory use is proportional to bytes present, never to
what the file claims. Reads go through one small window buffer instead of ``mmap``: a file that
shrinks while being checked is then a clean rejection, not a SIGBUS.
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from typing import BinaryIO

from app.ggufcheck.limits import MiB, READ_BUDGET

U8 = struct.Struct("<B")
U32 = struct.Struct("<I")
U64 = struct.Struct("<Q")

_CHUNK = 1 * MiB


class Reject(Exception):
    """Internal: the file broke a rule. :func:`app.ggufcheck.check_gguf` turns it into ``BadGGUF``."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def q(text: str, limit: int = 80) -> str:
    """Quote a name from the file for an error message: escaped, and shortened when long."""
    if len(text) > limit:
        text = text[: limit - 3] + "..."
    return repr(text)


class BoundedReader:
    """Sequential little-endian reads over an open file of known size, within a byte budget.

    ``pos`` is the absolute offset of the next byte. Every method takes ``what`` (a short phrase such
    as ``"metadata key 3"``) used only when the file ends too early.
    """

    def __init__(self, f: BinaryIO, size: int, budget: int = READ_BUDGET) -> None:
        self._f = f
        self.size = size
        self.budget = budget
        self.pos = 0
        self._buf = b""
        self._buf_start = 0

    @property
    def left(self) -> int:
        """Bytes between the current position and the end of the file."""
        return self.size - self.pos

    def need(self, n: int, what: str) -> None:
        """Reject unless ``n`` more bytes exist in the file and within the budget."""
        if n > self.size - self.pos:
            raise Reject(f"file ends inside {what} (needs {n} bytes at byte {self.pos}, the file has {self.size})")
        if self.pos + n > self.budget:
            raise Reject(f"the header is larger than the {self.budget // MiB} MiB read budget (reached in {what})")

    def _window(self, n: int, what: str) -> int:
        """Make bytes [pos, pos+n) available in the buffer; return their offset in it."""
        off = self.pos - self._buf_start
        if off >= 0 and off + n <= len(self._buf):
            return off
        self.need(n, what)
        self._f.seek(self.pos)
        want = min(max(n, _CHUNK), self.size - self.pos, self.budget - self.pos)
        data = self._f.read(want)
        if len(data) < n:
            raise Reject(f"file ends inside {what} (it shrank while being checked, at byte {self.pos + len(data)})")
        self._buf = data
        self._buf_start = self.pos
        return 0

    def unpack(self, st: struct.Struct, what: str) -> tuple:
        off = self._window(st.size, what)
        values = st.unpack_from(self._buf, off)
        self.pos += st.size
        return values

    def u32(self, what: str) -> int:
        return self.unpack(U32, what)[0]

    def u64(self, what: str) -> int:
        return self.unpack(U64, what)[0]

    def take(self, n: int, what: str) -> bytes:
        """Read exactly ``n`` bytes (the caller has already capped ``n``)."""
        self.need(n, what)
        if n > _CHUNK:
            self._f.seek(self.pos)
            data = self._f.read(n)
            if len(data) < n:
                raise Reject(f"file ends inside {what} (it shrank while being checked)")
            self.pos += n
            return data
        off = self._window(n, what)
        self.pos += n
        return self._buf[off : off + n]

    def skip(self, n: int, what: str) -> None:
        self.need(n, what)
        self.pos += n

    def seek(self, pos: int) -> None:
        """Go back to an offset already validated (used to re-read token texts)."""
        self.pos = pos

    def strings(
        self,
        count: int,
        what: str,
        cap: int,
        on_string: Callable[[int, str], None] | None = None,
        stop_after: int | None = None,
    ) -> int:
        """Walk ``count`` length-prefixed UTF-8 strings; return their total byte length.

        Each string is capped at ``cap`` bytes and must be valid UTF-8; ``on_string(i, text)`` sees
        each one (nothing is kept here). ``stop_after`` ends the walk after that index. This loop runs
        once per token of a vocabulary (~260k for some models), hence the inlined fast path.
        """
        self.need(count * 8, what)  # every element has at least its 8-byte length
        total = 0
        unpack = U64.unpack_from
        for i in range(count):
            off = self.pos - self._buf_start
            if off < 0 or off + 8 > len(self._buf):
                off = self._window(8, what)
            (n,) = unpack(self._buf, off)
            self.pos += 8
            if n > cap:
                raise Reject(f"string length {n} at element {i} of {what} exceeds the {_cap_text(cap)} cap")
            off += 8
            if off + n > len(self._buf):
                raw = self.take(n, what)
            else:
                raw = self._buf[off : off + n]
                self.pos += n
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                raise Reject(f"element {i} of {what} is not valid utf-8") from None
            total += n
            if on_string is not None:
                on_string(i, text)
            if stop_after is not None and i >= stop_after:
                break
        return total


def _cap_text(cap: int) -> str:
    return f"{cap // MiB} MiB" if cap >= MiB and cap % MiB == 0 else f"{cap}-byte"
