"""The metadata key/value section: read every pair, enforcing the per-field caps as it goes.

Values are kept only where they are small: scalars, strings (each <= 1 MiB), and numeric arrays of a
few thousand elements. Long arrays (vocabularies, scores, merges) are walked and validated, then only
their element type, length and file offset are kept, so a 4M-element array costs no memory here;
:func:`read_token_texts` re-reads the few token texts the model info needs.
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from app.ggufcheck import limits
from app.ggufcheck.reader import U32, U64, BoundedReader, Reject, q

# GGUF value types (gguf.h: enum gguf_type).
U8, I8, U16, I16, U32_T, I32, F32, BOOL, STRING, ARRAY, U64_T, I64, F64 = range(13)

TYPE_NAMES = {
    U8: "u8", I8: "i8", U16: "u16", I16: "i16", U32_T: "u32", I32: "i32", F32: "f32",
    BOOL: "bool", STRING: "string", ARRAY: "array", U64_T: "u64", I64: "i64", F64: "f64",
}  # fmt: skip
SCALARS = {
    U8: struct.Struct("<B"), I8: struct.Struct("<b"), U16: struct.Struct("<H"), I16: struct.Struct("<h"),
    U32_T: U32, I32: struct.Struct("<i"), F32: struct.Struct("<f"), BOOL: struct.Struct("<B"),
    U64_T: U64, I64: struct.Struct("<q"), F64: struct.Struct("<d"),
}  # fmt: skip
INTEGER_TYPES = frozenset({U8, I8, U16, I16, U32_T, I32, U64_T, I64})


@dataclass(frozen=True)
class ArrayValue:
    """An array value: its element type, length, where its first element starts, and (when short
    and numeric) its values."""

    elem_type: int
    count: int
    offset: int
    values: tuple[Any, ...] | None = None

    def describe(self) -> str:
        return f"array of {TYPE_NAMES[self.elem_type]}"


@dataclass(frozen=True)
class Entry:
    """One metadata pair. ``value`` is an int/float/bool/str, or an :class:`ArrayValue`."""

    index: int
    key: str
    vtype: int
    value: Any

    def describe(self) -> str:
        """The value's type in words, for error messages ("u32", "array of i32")."""
        if isinstance(self.value, ArrayValue):
            return self.value.describe()
        return TYPE_NAMES[self.vtype]


#: Called for each string of a string array, by key: lets rules look at token texts in one pass.
StringHook = Callable[[int, str], None]


def read_metadata(r: BoundedReader, n_kv: int, hooks: dict[str, StringHook] | None = None) -> dict[str, Entry]:
    """Read ``n_kv`` pairs at the reader's position; keys must be unique."""
    hooks = hooks or {}
    entries: dict[str, Entry] = {}
    for i in range(n_kv):
        where = f"metadata key {i}"
        n = r.u64(where)
        if n == 0:
            raise Reject(f"metadata key {i} is empty")
        if n > limits.MAX_KEY_BYTES:
            raise Reject(f"metadata key {i} is {n} bytes long (the cap is {limits.MAX_KEY_BYTES})")
        raw = r.take(n, where)
        try:
            key = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise Reject(f"metadata key {i} is not valid utf-8 ({raw[:40]!r})") from None
        if key in entries:
            raise Reject(f"duplicate metadata key {q(key)} (pairs {entries[key].index} and {i})")
        vtype = r.u32(f"the type of metadata key {q(key)}")
        value = _read_value(r, key, vtype, hooks.get(key))
        entries[key] = Entry(i, key, vtype, value)
    return entries


def _read_value(r: BoundedReader, key: str, vtype: int, hook: StringHook | None) -> Any:
    what = f"the value of key {q(key)}"
    if vtype in SCALARS:
        value = r.unpack(SCALARS[vtype], what)[0]
        return bool(value) if vtype == BOOL else value
    if vtype == STRING:
        n = r.u64(what)
        if n > limits.MAX_STRING_BYTES:
            raise Reject(f"string length {n} at key {q(key)} exceeds the 1 MiB cap")
        raw = r.take(n, what)
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise Reject(f"string at key {q(key)} is not valid utf-8 (bad byte at {exc.start})") from None
    if vtype == ARRAY:
        return _read_array(r, key, what, hook)
    raise Reject(f"metadata key {q(key)} has unknown value type {vtype} (allowed 0..12)")


def _read_array(r: BoundedReader, key: str, what: str, hook: StringHook | None) -> ArrayValue:
    elem_type = r.u32(what)
    if elem_type == ARRAY:
        raise Reject(f"nested array at key {q(key)} (arrays of arrays are not allowed)")
    if elem_type not in SCALARS and elem_type != STRING:
        raise Reject(f"array at key {q(key)} has unknown element type {elem_type} (allowed 0..8, 10..12)")
    count = r.u64(what)
    if count > limits.MAX_ARRAY_ELEMENTS:
        raise Reject(f"array length {count} at key {q(key)} exceeds the 4M-element cap")
    offset = r.pos
    if elem_type == STRING:
        total = r.strings(count, f"the array at key {q(key)}", limits.MAX_STRING_BYTES, hook)
        if total > limits.MAX_ARRAY_BYTES:
            raise Reject(f"array at key {q(key)} holds {total} bytes of strings (the cap is 256 MiB)")
        return ArrayValue(elem_type, count, offset)
    st = SCALARS[elem_type]
    nbytes = count * st.size
    if nbytes > limits.MAX_ARRAY_BYTES:
        raise Reject(f"array at key {q(key)} is {nbytes} bytes (the cap is 256 MiB)")
    if count <= limits.KEEP_NUMERIC_ARRAY:
        raw = r.take(nbytes, what)
        values = tuple(v[0] for v in st.iter_unpack(raw)) if count else ()
        if elem_type == BOOL:
            values = tuple(bool(v) for v in values)
        return ArrayValue(elem_type, count, offset, values)
    r.skip(nbytes, what)
    return ArrayValue(elem_type, count, offset)


def read_token_texts(r: BoundedReader, tokens: ArrayValue, ids: set[int]) -> dict[int, str]:
    """Re-read the texts of the tokens ``ids`` from an already validated string array."""
    wanted = {i for i in ids if 0 <= i < tokens.count}
    if not wanted:
        return {}
    found: dict[int, str] = {}

    def keep(i: int, text: str) -> None:
        if i in wanted:
            found[i] = text

    back = r.pos
    r.seek(tokens.offset)
    try:
        r.strings(tokens.count, "the token list", limits.MAX_STRING_BYTES, keep, stop_after=max(wanted))
    finally:
        r.seek(back)
    return found
