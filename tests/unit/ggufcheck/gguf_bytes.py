"""Raw GGUF bytes built with ``struct``, recording where every field starts.

The malformed-file tests need byte-exact control (a length field here, a type field there) that
gguf-py's writer does not give, and they should not share code with the checker they test. A
:class:`RawGGUF` is a valid file description; :meth:`RawGGUF.build` returns the bytes and a map of
field names ("kv3.len", "t1.ndims", "data"...) to offsets, which tests then patch.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from typing import Any

U8, I8, U16, I16, U32, I32, F32, BOOL, STRING, ARRAY, U64, I64, F64 = range(13)
_FMT = {U8: "<B", I8: "<b", U16: "<H", I16: "<h", U32: "<I", I32: "<i", F32: "<f", BOOL: "<B",
        U64: "<Q", I64: "<q", F64: "<d"}  # fmt: skip

# ggml types used here: (block size, bytes per block)
GGML_F32, GGML_F16, GGML_Q8_0, GGML_Q4_K = 0, 1, 8, 12
_GGML_SIZES = {GGML_F32: (1, 4), GGML_F16: (1, 2), GGML_Q8_0: (32, 34), GGML_Q4_K: (256, 144)}


def encode_string(s: str | bytes) -> bytes:
    raw = s.encode() if isinstance(s, str) else s
    return struct.pack("<Q", len(raw)) + raw


def encode_value(vtype: int, value: Any) -> bytes:
    """Encode a value; an ARRAY value is ``(elem_type, items)``."""
    if vtype == STRING:
        return encode_string(value)
    if vtype == ARRAY:
        elem_type, items = value
        head = struct.pack("<IQ", elem_type, len(items))
        if elem_type in _FMT:
            return head + struct.pack(f"<{len(items)}{_FMT[elem_type][1]}", *items)
        return head + b"".join(encode_value(elem_type, v) for v in items)
    return struct.pack(_FMT[vtype], value)


@dataclass
class RawTensor:
    name: str | bytes
    shape: list[int]
    ggml_type: int = GGML_F32
    offset: int | None = None  # None: next aligned offset

    def n_bytes(self) -> int:
        block, size = _GGML_SIZES[self.ggml_type]
        n = 1
        for d in self.shape:
            n *= d
        return n // block * size


@dataclass
class Built:
    data: bytes
    marks: dict[str, int]

    def patched(self, mark: str, fmt: str, value: Any, delta: int = 0) -> bytes:
        """The bytes with ``value`` packed as ``fmt`` at ``marks[mark] + delta``."""
        buf = bytearray(self.data)
        struct.pack_into(fmt, buf, self.marks[mark] + delta, value)
        return bytes(buf)


@dataclass
class RawGGUF:
    kvs: list[tuple[str | bytes, int, Any]] = field(default_factory=list)
    tensors: list[RawTensor] = field(default_factory=list)
    magic: bytes = b"GGUF"
    version: int = 3
    n_tensors: int | None = None
    n_kv: int | None = None
    alignment: int = 32

    def build(self) -> Built:
        marks: dict[str, int] = {"magic": 0, "version": 4, "n_tensors": 8, "n_kv": 16}
        out = bytearray()
        out += self.magic + struct.pack("<I", self.version)
        out += struct.pack("<Q", len(self.tensors) if self.n_tensors is None else self.n_tensors)
        out += struct.pack("<Q", len(self.kvs) if self.n_kv is None else self.n_kv)
        marks["kvs"] = len(out)
        for i, (key, vtype, value) in enumerate(self.kvs):
            marks[f"kv{i}"] = len(out)
            out += encode_string(key)
            marks[f"kv{i}.type"] = len(out)
            out += struct.pack("<I", vtype)
            marks[f"kv{i}.value"] = len(out)
            if vtype == ARRAY:
                marks[f"kv{i}.count"] = len(out) + 4
                marks[f"kv{i}.items"] = len(out) + 12
            out += encode_value(vtype, value)
        marks["tensors"] = len(out)
        offset = 0
        offsets = []
        for t in self.tensors:
            if t.offset is None:
                offsets.append(offset)
            else:
                offsets.append(t.offset)
            offset = _align(offsets[-1] + t.n_bytes(), self.alignment)
        for j, (t, off) in enumerate(zip(self.tensors, offsets)):
            marks[f"t{j}"] = len(out)
            out += encode_string(t.name)
            marks[f"t{j}.ndims"] = len(out)
            out += struct.pack("<I", len(t.shape))
            for k, ne in enumerate(t.shape):
                marks[f"t{j}.ne{k}"] = len(out)
                out += struct.pack("<Q", ne)
            marks[f"t{j}.type"] = len(out)
            out += struct.pack("<I", t.ggml_type)
            marks[f"t{j}.offset"] = len(out)
            out += struct.pack("<Q", off)
        marks["tensors_end"] = len(out)
        if self.tensors:
            out += b"\0" * (_align(len(out), self.alignment) - len(out))
            marks["data"] = len(out)
            end = max(off + t.n_bytes() for t, off in zip(self.tensors, offsets))
            for j, off in enumerate(offsets):
                marks[f"t{j}.data"] = marks["data"] + off
            end = min(end, 1 << 20)  # absurd declared sizes get 1 MiB of data (the file is bad anyway)
            out += bytes(range(256)) * (end // 256) + bytes(end % 256)  # no trailing padding
        marks["end"] = len(out)
        return Built(bytes(out), marks)


def _align(n: int, a: int) -> int:
    return (n + a - 1) // a * a


VOCAB = ["a", "b", "ab", "<0x0A>", "<s>", "</s>"]
TEMPLATE = "{% for m in messages %}{{ m['content'] }}{% endfor %}"


def base_kvs(vocab: list[str] = VOCAB) -> list[tuple[str | bytes, int, Any]]:
    """Metadata of a small valid llama file; index positions are relied on by KV_INDEX."""
    n = len(vocab)
    return [
        ("general.architecture", STRING, "llama"),
        ("general.name", STRING, "raw"),
        ("general.alignment", U32, 32),
        ("general.file_type", U32, 7),  # MOSTLY_Q8_0
        ("llama.context_length", U32, 128),
        ("llama.block_count", U32, 1),
        ("llama.embedding_length", U32, 32),
        ("llama.attention.head_count", U32, 4),
        ("tokenizer.ggml.model", STRING, "gpt2"),
        ("tokenizer.ggml.tokens", ARRAY, (STRING, vocab)),
        ("tokenizer.ggml.scores", ARRAY, (F32, [0.0] * n)),
        ("tokenizer.ggml.token_type", ARRAY, (I32, [1] * (n - 2) + [3, 3])),
        ("tokenizer.ggml.merges", ARRAY, (STRING, ["a b"])),
        ("tokenizer.ggml.bos_token_id", U32, n - 2),
        ("tokenizer.ggml.eos_token_id", U32, n - 1),
        ("tokenizer.chat_template", STRING, TEMPLATE),
    ]


KV_INDEX = {key: i for i, (key, _, _) in enumerate(base_kvs())}


def base_tensors() -> list[RawTensor]:
    return [
        RawTensor("token_embd.weight", [32, len(VOCAB)], GGML_F32),
        RawTensor("blk.0.attn_q.weight", [32, 32], GGML_Q8_0),
        RawTensor("output_norm.weight", [32], GGML_F32),
    ]


def base_model(**kw: Any) -> RawGGUF:
    return RawGGUF(kvs=base_kvs(), tensors=base_tensors(), **kw)
