"""Malformed GGUFs made by mutating real ones: a map of every header field, then one fault per copy.

:func:`field_map` walks a valid GGUF's header (header, metadata, tensor table) and records where each
field lies; :func:`mutations` turns that map into files that are each invalid by construction:
truncation at every field boundary, huge and past-the-end lengths and counts, bad value and element
types, nested arrays, bad UTF-8 in keys, duplicate keys and tensors, tensor shapes that overflow,
offsets past the end, misaligned and overlapping tensors, and a wrongly typed tokenizer array. Only
the header is rewritten: a copy keeps the original's size as a sparse file, so a 250 MB model makes
mutations as cheaply as a tiny one.
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial

STRING, ARRAY = 8, 9
SIZES = {0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8}
HUGE = (2**32 - 1, 2**63, 2**64 - 1)
KEEP_ELEMENTS = 2  # string elements of an array whose fields are mapped (the rest are skipped over)


@dataclass
class Field:
    kind: str
    offset: int
    size: int
    owner: str = ""
    value: int = 0


@dataclass
class Span:
    """A whole key/value or tensor-info record: where it starts and ends (for duplicating it)."""

    name: str
    start: int
    end: int
    vtype: int = -1
    elem_type: int = -1


@dataclass
class FieldMap:
    fields: list[Field] = field(default_factory=list)
    kvs: list[Span] = field(default_factory=list)
    tensors: list[Span] = field(default_factory=list)
    tensor_offsets: list[Field] = field(default_factory=list)
    header_end: int = 0
    alignment: int = 32

    def of(self, kind: str) -> list[Field]:
        return [f for f in self.fields if f.kind == kind]


class _Walker:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0
        self.map = FieldMap()

    def num(self, kind: str, fmt: str, owner: str = "") -> int:
        size = struct.calcsize(fmt)
        (value,) = struct.unpack_from(fmt, self.data, self.pos)
        self.map.fields.append(Field(kind, self.pos, size, owner, value))
        self.pos += size
        return value

    def string(self, kind: str, owner: str = "", record: bool = True) -> bytes:
        if record:
            length = self.num(f"{kind} length", "<Q", owner)
            self.map.fields.append(Field(kind, self.pos, length, owner))
        else:
            (length,) = struct.unpack_from("<Q", self.data, self.pos)
            self.pos += 8
        raw = self.data[self.pos:self.pos + length]
        self.pos += length
        return raw

    def value(self, vtype: int, key: str) -> Span:
        span = Span(key, 0, 0, vtype)
        if vtype == STRING:
            self.string("string value", key)
        elif vtype == ARRAY:
            elem = self.num("array element type", "<I", key)
            count = self.num("array count", "<Q", key)
            span.elem_type = elem
            if elem == STRING:
                for index in range(count):
                    self.string("array string", key, record=index < KEEP_ELEMENTS)
            else:
                self.pos += SIZES[elem] * count
        else:
            self.pos += SIZES[vtype]
        return span

    def walk(self) -> FieldMap:
        self.num("magic", "<I")
        self.num("version", "<I")
        n_tensors = self.num("tensor count", "<Q")
        n_kv = self.num("metadata count", "<Q")
        for _ in range(n_kv):
            start = self.pos
            key = self.string("key").decode()
            vtype = self.num("value type", "<I", key)
            span = self.value(vtype, key)
            span.start, span.end = start, self.pos
            self.map.kvs.append(span)
            if key == "general.alignment":
                self.map.alignment = struct.unpack_from("<I", self.data, self.pos - 4)[0]
        for _ in range(n_tensors):
            start = self.pos
            name = self.string("tensor name").decode()
            dims = self.num("tensor dimension count", "<I", name)
            for _ in range(dims):
                self.num("tensor shape", "<Q", name)
            self.num("tensor type", "<I", name)
            self.map.tensor_offsets.append(Field("tensor offset", self.pos, 8, name,
                                                 struct.unpack_from("<Q", self.data, self.pos)[0]))
            self.num("tensor offset", "<Q", name)
            self.map.tensors.append(Span(name, start, self.pos))
        self.map.header_end = self.pos
        return self.map


def field_map(data: bytes) -> FieldMap:
    """Where every header field of the valid GGUF ``data`` lies."""
    return _Walker(data).walk()


@dataclass(frozen=True)
class Mutation:
    name: str
    make: Callable[[], bytes]
    """Builds the mutated bytes that replace the original header region (only when asked: a vocabulary's
    header is megabytes, and hundreds of copies at once would not fit in memory)."""
    truncated: bool = False
    """The file ends with these bytes; otherwise the original's data section follows them."""


def _put(data: bytes, f: Field, value: int) -> bytes:
    fmt = {1: "<B", 4: "<I", 8: "<Q"}[f.size]
    return data[:f.offset] + struct.pack(fmt, value) + data[f.offset + f.size:]


def _cut(data: bytes, at: int) -> bytes:
    return data[:at]


def _bad_byte(data: bytes, at: int) -> bytes:
    return data[:at] + b"\xff" + data[at + 1:]


def _doubled(data: bytes, span: Span, count: Field, new_count: int) -> bytes:
    return _put(data[:span.end] + data[span.start:span.end] + data[span.end:], count, new_count)


def mutations(data: bytes, fmap: FieldMap, file_size: int) -> Iterator[Mutation]:
    """Every mutation of the header ``data[:header_end]`` of a valid GGUF of ``file_size`` bytes."""
    head = data[:fmap.header_end]
    n_kv_field, n_tensor_field = fmap.of("metadata count")[0], fmap.of("tensor count")[0]

    def whole(name: str, make: Callable[..., bytes], *args: object) -> Mutation:
        return Mutation(name, partial(make, head, *args))

    # Truncation at every field boundary, and one byte into it.
    for f in fmap.fields:
        for cut in {f.offset, f.offset + 1} if f.size > 1 else {f.offset}:
            yield Mutation(f"truncated at {cut} ({f.kind} {f.owner})".strip(), partial(_cut, head, cut), True)
    yield whole("bad magic", _put, fmap.of("magic")[0], 0x46554748)
    for version in (0, 1, 4, 2**24 * 3, 2**32 - 1):
        yield whole(f"version {version}", _put, fmap.of("version")[0], version)
    for f in (n_kv_field, n_tensor_field):
        for value in (*HUGE, 2**16 + 1):
            yield whole(f"{f.kind} {value}", _put, f, value)
    # Lengths and counts: huge, and one that reaches past the end of the file.
    for kind in ("key length", "string value length", "array count", "array string length", "tensor name length"):
        for f in fmap.of(kind):
            for value in (*HUGE, file_size + 1 - f.offset):
                yield whole(f"{kind} {value} ({f.owner})", _put, f, value)
    for f in fmap.of("value type"):
        for value in (13, 255, 2**32 - 1):
            yield whole(f"value type {value} ({f.owner})", _put, f, value)
    for f in fmap.of("array element type"):
        for value in (ARRAY, 13, 2**32 - 1):
            yield whole(f"array element type {value} ({f.owner})", _put, f, value)
    # Bad UTF-8 in a key and an empty key.
    for f in fmap.of("key")[:40]:
        yield whole(f"bad utf-8 in key {f.owner or f.offset}", _bad_byte, f.offset)
    # Wrongly typed tokenizer arrays (llama.cpp casts them without checking; ggml-org/llama.cpp#26690).
    for span in fmap.kvs:
        elem = next((f for f in fmap.of("array element type") if f.offset == span.start + 8 + len(span.name) + 4), None)
        if span.name == "tokenizer.ggml.scores" and elem is not None:
            yield whole("scores stored as i32", _put, elem, 5)
        if span.name == "tokenizer.ggml.token_type" and elem is not None:
            yield whole("token types stored as f32", _put, elem, 6)
    # Duplicate keys: the first record repeated, then a later one.
    for span in fmap.kvs[:1] + fmap.kvs[len(fmap.kvs) // 2:len(fmap.kvs) // 2 + 1]:
        yield whole(f"duplicate key {span.name}", _doubled, span, n_kv_field, len(fmap.kvs) + 1)
    yield from _tensor_mutations(head, fmap, file_size, whole)


def _tensor_mutations(head: bytes, fmap: FieldMap, file_size: int, whole) -> Iterator[Mutation]:  # noqa: ANN001
    for f in fmap.of("tensor dimension count")[:8]:
        for value in (0, 5, 2**32 - 1):
            yield whole(f"{value} dimensions ({f.owner})", _put, f, value)
    for f in fmap.of("tensor shape")[:16]:
        for value in (0, 2**62, 2**63, 2**64 - 1):
            yield whole(f"shape {value} ({f.owner})", _put, f, value)
    for f in fmap.of("tensor type")[:8]:
        for value in (4, 36, 1000, 2**32 - 1):
            yield whole(f"tensor type {value} ({f.owner})", _put, f, value)
    data_start = -(-fmap.header_end // fmap.alignment) * fmap.alignment
    for f in fmap.tensor_offsets[:8]:
        for value in (file_size - data_start, 2**63, 2**64 - fmap.alignment, f.value + 1):
            yield whole(f"tensor offset {value} ({f.owner})", _put, f, value)
    offsets = fmap.tensor_offsets
    for before, after in list(zip(offsets, offsets[1:]))[:8]:
        if after.value > before.value:  # the later tensor moved onto the earlier one's bytes
            yield whole(f"tensor {after.owner} overlaps {before.owner}", _put, after, before.value)
    for span in fmap.tensors[:1]:
        yield whole(f"duplicate tensor {span.name}", _doubled, span, fmap.of("tensor count")[0], len(fmap.tensors) + 1)
