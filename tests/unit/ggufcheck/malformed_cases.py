"""The malformed-GGUF corpus: each case is (id, bytes, phrases one of which the reason must contain).

Built from the raw base file (tests/unit/ggufcheck/gguf_bytes.py) either by patching a field at its
recorded offset or by describing a bad file directly. Phrases are lower case; an empty tuple means
"any reason" (the file is broken in a way that has several honest descriptions).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tests.unit.ggufcheck.gguf_bytes import (
    ARRAY, BOOL, F32, F64, GGML_F32, GGML_Q8_0, I32, KV_INDEX, STRING, U8, U32, U64, VOCAB, Built, RawGGUF,
    RawTensor, base_kvs, base_model, base_tensors,
)  # fmt: skip

Case = tuple[str, bytes, tuple[str, ...]]
HUGE = (2**32 - 1, 2**63, 2**64 - 1)
TRUNCATED = ("file ends", "past the end", "is empty")


def tolerated_token_ids():
    """Special ids outside the vocabulary: llama.cpp only warns, so the check drops them instead."""
    n = len(VOCAB)
    for key in ("tokenizer.ggml.bos_token_id", "tokenizer.ggml.eos_token_id"):
        for v in (n, n + 1, 2**32 - 1):
            yield f"{key}-{v}", _with_kv(key, U32, v)
        yield f"{key}-negative", _with_kv(key, I32, -1)
    yield "eot-out-of-range", _plus_kv("tokenizer.ggml.eot_token_id", U32, n)


def _with_kv(key: str, vtype: int, value: Any) -> bytes:
    raw = base_model()
    raw.kvs[KV_INDEX[key]] = (key, vtype, value)
    return raw.build().data


def _without(*keys: str) -> RawGGUF:
    raw = base_model()
    raw.kvs = [kv for kv in raw.kvs if kv[0] not in keys]
    return raw


def _plus_kv(key: str | bytes, vtype: int, value: Any) -> bytes:
    raw = base_model()
    raw.kvs.append((key, vtype, value))
    return raw.build().data


def _with_tensors(tensors: list[RawTensor], **kw: Any) -> bytes:
    return RawGGUF(kvs=base_kvs(), tensors=tensors, **kw).build().data


def truncations(base: Built) -> Iterator[Case]:
    """Cut the file at every field boundary, one byte after it, and half way to the next one."""
    points = sorted({m for m in base.marks.values() if m < len(base.data)})
    cuts: set[int] = set()
    for a, b in zip(points, points[1:] + [len(base.data)]):
        cuts.update({a, a + 1, (a + b) // 2, b - 1})
    for cut in sorted(c for c in cuts if 0 <= c < len(base.data)):
        yield f"truncated-at-{cut}", base.data[:cut], TRUNCATED


def header(base: Built) -> Iterator[Case]:
    for magic in (b"GGML", b"gguf", b"\0\0\0\0", b"FUGG", b"GGJT"):
        yield f"magic-{magic!r}", magic + base.data[4:], ("bad magic",)
    for version in (0, 1, 4, 0xFFFFFFFF):
        yield f"version-{version}", base.patched("version", "<I", version), ("version",)
    yield "version-big-endian", base.patched("version", ">I", 3), ("big-endian",)
    for n in (65537, *HUGE):
        yield f"n_tensors-{n}", base.patched("n_tensors", "<Q", n), ("tensor count",)
        yield f"n_kv-{n}", base.patched("n_kv", "<Q", n), ("metadata count",)
    yield "n_kv-plus-one", base.patched("n_kv", "<Q", len(base_kvs()) + 1), ()
    yield "n_tensors-plus-one", base.patched("n_tensors", "<Q", len(base_tensors()) + 1), ()
    yield "n_kv-65536-truncated", base.patched("n_kv", "<Q", 65536)[:4096], ()


def keys(base: Built) -> Iterator[Case]:
    for i in (0, 5, len(base_kvs()) - 1):
        for n in (257, 4096, *HUGE):
            yield f"key{i}-len-{n}", base.patched(f"kv{i}", "<Q", n), (f"metadata key {i}",)
        yield f"key{i}-len-0", base.patched(f"kv{i}", "<Q", 0), ("empty",)
        for bad in (b"\xff", b"\xc0", b"\xed"):
            buf = bytearray(base.data)
            buf[base.marks[f"kv{i}"] + 8] = bad[0]
            yield f"key{i}-utf8-{bad.hex()}", bytes(buf), ("utf-8",)
        for t in (13, 255, 2**32 - 1):
            yield f"kv{i}-type-{t}", base.patched(f"kv{i}.type", "<I", t), ("unknown value type",)
    yield "key-overlong-utf8", _plus_kv(b"\xc0\xafx", U32, 1), ("utf-8",)
    yield "key-257-bytes", _plus_kv("k" * 257, U32, 1), ("257 bytes",)
    yield "key-duplicate", _plus_kv("general.name", STRING, "again"), ("duplicate metadata key",)
    yield "key-duplicate-tokens", _plus_kv("tokenizer.ggml.tokens", ARRAY, (STRING, VOCAB)), ("duplicate",)


def strings(base: Built) -> Iterator[Case]:
    for key in ("general.architecture", "general.name", "tokenizer.ggml.model", "tokenizer.chat_template"):
        mark = f"kv{KV_INDEX[key]}.value"
        for n in (2**20 + 1, *HUGE):
            yield f"string-{key}-len-{n}", base.patched(mark, "<Q", n), ("1 mib cap", key)
        yield f"string-{key}-len-past-eof", base.patched(mark, "<Q", 2**20), ("file ends", key)
        buf = bytearray(base.data)
        buf[base.marks[mark] + 8] = 0xFF
        yield f"string-{key}-bad-utf8", bytes(buf), ("utf-8", key)
    yield "string-1mib-plus-one-present", _plus_kv("x.big", STRING, "x" * (2**20 + 1)), ("1 mib cap",)


def arrays(base: Built) -> Iterator[Case]:
    for key in ("tokenizer.ggml.tokens", "tokenizer.ggml.scores", "tokenizer.ggml.token_type", "tokenizer.ggml.merges"):
        i = KV_INDEX[key]
        for n in (4 * 2**20 + 1, *HUGE):
            yield f"array-{key}-count-{n}", base.patched(f"kv{i}.count", "<Q", n), ("4m-element cap", key)
        yield f"array-{key}-count-4m", base.patched(f"kv{i}.count", "<Q", 4 * 2**20), ("file ends", key)
        yield f"array-{key}-nested", base.patched(f"kv{i}.value", "<I", ARRAY), ("nested array", key)
        for t in (13, 255, 2**32 - 1):
            yield f"array-{key}-elem-type-{t}", base.patched(f"kv{i}.value", "<I", t), ("unknown element type",)
    tokens = f"kv{KV_INDEX['tokenizer.ggml.tokens']}.items"
    for n in (2**20 + 1, *HUGE):
        yield f"token0-len-{n}", base.patched(tokens, "<Q", n), ("1 mib cap", "tokenizer.ggml.tokens")
    buf = bytearray(base.data)
    buf[base.marks[tokens] + 8] = 0xFE
    yield "token0-bad-utf8", bytes(buf), ("utf-8", "tokenizer.ggml.tokens")
    yield "nested-array-u8", _plus_kv("x.nested", ARRAY, (ARRAY, [(U8, [1, 2])])), ("nested array", "x.nested")
    yield "nested-array-empty", _plus_kv("x.nested", ARRAY, (ARRAY, [])), ("nested array",)


def tokenizer() -> Iterator[Case]:
    n = len(VOCAB)
    bad_types = {
        "tokenizer.ggml.scores": [(I32, [0] * n), (F64, [0.0] * n), (U32, [0] * n), (STRING, ["0"] * n)],
        "tokenizer.ggml.token_type": [(F32, [1.0] * n), (U32, [1] * n), (U8, [1] * n), (STRING, ["1"] * n)],
        "tokenizer.ggml.tokens": [(I32, list(range(n))), (U8, [97] * n), (BOOL, [True] * n)],
        "tokenizer.ggml.merges": [(I32, [1]), (U64, [1, 2])],
    }
    for key, variants in bad_types.items():
        for elem_type, items in variants:
            yield f"{key}-as-array-{elem_type}", _with_kv(key, ARRAY, (elem_type, items)), (key, "must be an array")
        yield f"{key}-as-scalar", _with_kv(key, U32, 7), (key, "must be an array")
        yield f"{key}-as-string", _with_kv(key, STRING, "abc"), (key, "must be an array")
    for key, elem_type, item in (("tokenizer.ggml.scores", F32, 0.0), ("tokenizer.ggml.token_type", I32, 1)):
        for m in (0, 1, n - 1, n + 1, 2 * n):
            yield f"{key}-length-{m}", _with_kv(key, ARRAY, (elem_type, [item] * m)), (key, "entries")
        other = "tokenizer.ggml.token_type" if key == "tokenizer.ggml.scores" else "tokenizer.ggml.scores"
        yield f"{key}-without-tokens", _without("tokenizer.ggml.tokens", other).build().data, (key, "missing")
    yield "tokens-empty", _with_kv("tokenizer.ggml.tokens", ARRAY, (STRING, [])), ("empty",)
    for bad in ("<0x-1>", "<0xZZ>", "<0x100>", "<0x>", "<0x1>"):
        vocab = VOCAB[:-3] + [bad] + VOCAB[-2:]
        yield f"byte-token-{bad}", _with_kv("tokenizer.ggml.tokens", ARRAY, (STRING, vocab)), ("byte token",)
    for key in ("tokenizer.ggml.bos_token_id", "tokenizer.ggml.eos_token_id"):
        yield f"{key}-string", _with_kv(key, STRING, "1"), (key, "must be an integer")
        yield f"{key}-float", _with_kv(key, F32, 1.0), (key, "must be an integer")
    charsmap = "tokenizer.ggml.precompiled_charsmap"
    yield "charsmap-i32", _plus_kv(charsmap, ARRAY, (I32, [1, 2, 3, 4])), (charsmap,)
    yield "charsmap-f32-nan", _plus_kv(charsmap, ARRAY, (F32, [float("nan")] * 8)), (charsmap,)
    yield "charsmap-short", _plus_kv(charsmap, ARRAY, (U8, [1, 2])), (charsmap,)
    yield "charsmap-blob-too-big", _plus_kv(charsmap, ARRAY, (U8, [200, 0, 0, 0] + [0] * 10)), (charsmap,)
    big = [0x10, 0x27, 0, 0] + [0] * 5000  # 10000-byte blob in a 5004-byte array (read back from disk)
    yield "charsmap-long-blob-too-big", _plus_kv(charsmap, ARRAY, (U8, big)), (charsmap,)


def general() -> Iterator[Case]:
    for a in (0, 3, 6, 48, 2**20 + 1, 2**21, 2**31, 2**32 - 1):
        yield f"alignment-{a}", _with_kv("general.alignment", U32, a), ("general.alignment",)
    for vtype, v in ((U64, 32), (I32, 32), (STRING, "32"), (F32, 32.0)):
        yield f"alignment-type-{vtype}", _with_kv("general.alignment", vtype, v), ("general.alignment", "u32")
    yield "architecture-missing", _without("general.architecture").build().data, ("general.architecture",)
    yield "architecture-u32", _with_kv("general.architecture", U32, 1), ("general.architecture",)
    yield "architecture-empty", _with_kv("general.architecture", STRING, ""), ("general.architecture",)
    empty = _without("tokenizer.ggml.tokens", "tokenizer.ggml.scores", "tokenizer.ggml.token_type")
    empty.tensors = []
    yield "no-tensors-no-vocab", empty.build().data, ("no tensors and no vocabulary",)
    yield "empty-file", b"", ("empty",)
    for n in (1, 3):
        yield f"{n}-byte-file", b"GGUF"[:n], ("file ends",)


def tensors(base: Built) -> Iterator[Case]:
    for j in range(len(base_tensors())):
        name = base_tensors()[j].name
        for n in (0, 5, 2**32 - 1, 2**31):
            yield f"t{j}-ndims-{n}", base.patched(f"t{j}.ndims", "<I", n), ("n_dims", str(name))
        yield f"t{j}-ne0-zero", base.patched(f"t{j}.ne0", "<Q", 0), ("ne[0] = 0",)
        for n in (2**63, 2**64 - 1):
            yield f"t{j}-ne0-{n}", base.patched(f"t{j}.ne0", "<Q", n), ("overflows int64",)
        for t in (4, 5, 31, 36, 42, 255, 2**32 - 1):
            yield f"t{j}-type-{t}", base.patched(f"t{j}.type", "<I", t), ("ggml type",)
        for n in (0, 64, 1000, *HUGE):
            yield f"t{j}-name-len-{n}", base.patched(f"t{j}", "<Q", n), (f"tensor {j}", "name")
        buf = bytearray(base.data)
        buf[base.marks[f"t{j}"] + 8] = 0xFF
        yield f"t{j}-name-bad-utf8", bytes(buf), ("utf-8",)
        data_len = base.marks["end"] - base.marks["data"]
        for off in (data_len, data_len + 32, 2**40, 2**63, 2**64 - 32):
            yield f"t{j}-offset-{off}", base.patched(f"t{j}.offset", "<Q", off), ("past the end",)
        for delta in (1, 4, 16, 31):
            yield f"t{j}-offset-misaligned-{delta}", base.patched(f"t{j}.offset", "<Q", base.marks[f"t{j}.data"] - base.marks["data"] + delta), ("alignment", "past the end")  # noqa: E501
    yield "t1-offset-same-as-t0", base.patched("t1.offset", "<Q", 0), ("overlap",)
    yield "t2-offset-same-as-t1", base.patched("t2.offset", "<Q", base.marks["t1.data"] - base.marks["data"]), ("overlap",)  # noqa: E501
    yield "t0-offset-32-into-t1", base.patched("t1.offset", "<Q", 32), ("overlap",)
    q8 = GGML_Q8_0
    cases = {
        "ne-product-2^64": [RawTensor("x", [2**32, 2**32])],
        "ne-product-2^63": [RawTensor("x", [2**62, 2])],
        "ne-product-4d": [RawTensor("x", [2**16] * 4)],
        "ne-product-huge-q8": [RawTensor("x", [2**35, 2**30], q8)],
        "q8-ne0-not-block-multiple": [RawTensor("x", [33, 2], q8)],
        "q8-ne0-16": [RawTensor("x", [16], q8)],
        "duplicate-tensor-name": [RawTensor("x", [32]), RawTensor("x", [32])],
        "empty-tensor-name": [RawTensor("", [32])],
        "name-64-bytes": [RawTensor("n" * 64, [32])],
        "name-bad-utf8": [RawTensor(b"\xff\xfe", [32])],
        "overlap-explicit": [RawTensor("a", [64], GGML_F32, 0), RawTensor("b", [32], GGML_F32, 128)],
        "overlap-contained": [RawTensor("a", [64], GGML_F32, 0), RawTensor("b", [8], GGML_F32, 64)],
    }
    expect = {
        "ne-product": ("overflows int64", "past the end"),
        "q8": ("block size",),
        "duplicate": ("duplicate tensor name",),
        "empty": ("empty name",),
        "name-64": ("name length 64",),
        "name-bad": ("utf-8",),
        "overlap": ("overlap",),
    }
    for case_id, ts in cases.items():
        phrases = next(v for k, v in expect.items() if case_id.startswith(k))
        yield case_id, _with_tensors(ts), phrases


def all_cases() -> list[Case]:
    base = base_model().build()
    out: list[Case] = []
    for gen in (truncations(base), header(base), keys(base), strings(base), arrays(base), tokenizer(),
                general(), tensors(base)):  # fmt: skip
        out.extend(gen)
    ids = [c[0] for c in out]
    assert len(ids) == len(set(ids)), "case ids must be unique"
    return out
