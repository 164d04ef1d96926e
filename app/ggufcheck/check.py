"""The checker's entry point: header, metadata, tensor table, data-section layout, in file order.

Runs in the GUI process before any llama.cpp code sees the file (docs/research §1.2: "no unvalidated
GGUF reaches llama.cpp"), so it must itself be safe on hostile input: bounded reads, no numpy, no
gguf-py reader, and every failure a :class:`BadGGUF` with a reason that names the field and place.
"""

from __future__ import annotations

import logging
import os
import stat
import time
from pathlib import Path
from typing import BinaryIO

from app.core.entities import ModelInfo
from app.core.errors import BadGGUF
from app.ggufcheck import info, limits, rules
from app.ggufcheck.metadata import I8, U8, ArrayValue, Entry, read_metadata, read_token_texts
from app.ggufcheck.reader import BoundedReader, Reject
from app.ggufcheck.tensors import align_up, check_layout, read_tensor_infos

log = logging.getLogger(__name__)

MAGIC = b"GGUF"
VERSIONS = (2, 3)


def check_gguf(path: Path) -> ModelInfo:
    """Check the GGUF file at ``path`` and describe it; raise ``BadGGUF(path, reason)`` if it is unsafe or malformed."""
    path = Path(path)
    started = time.perf_counter()
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            raise Reject("it is not a regular file")
        with open(path, "rb") as f:
            size = os.fstat(f.fileno()).st_size
            result = _check(f, size)
    except Reject as exc:
        log.info("rejected GGUF %s: %s", path, exc.reason)
        raise BadGGUF(path, exc.reason) from None
    except OSError as exc:
        raise BadGGUF(path, f"it cannot be read ({exc.strerror or exc})") from exc
    log.debug(
        "checked GGUF %s in %.3f s: %s, %d tensors",
        path, time.perf_counter() - started, result.architecture, result.tensor_count,
    )  # fmt: skip
    return result


def _check(f: BinaryIO, size: int) -> ModelInfo:
    if size == 0:
        raise Reject("the file is empty")
    r = BoundedReader(f, size)
    version, n_tensors, n_kv = _header(r)
    meta = read_metadata(r, n_kv, hooks={rules.TOKENS: rules.check_token_text})

    architecture = rules.architecture(meta)
    alignment = rules.alignment(meta)
    tokens = rules.vocabulary(meta)
    n_vocab = tokens.count if tokens is not None else None
    ids = rules.token_ids(meta, n_vocab)
    rules.charsmap(meta, _charsmap_head(r, meta))

    tensors = read_tensor_infos(r, n_tensors)
    check_layout(tensors, align_up(r.pos, alignment), size, alignment)
    if not tensors and tokens is None:
        raise Reject("the file has no tensors and no vocabulary")

    texts = read_token_texts(r, tokens, set(ids.values())) if tokens is not None else {}
    return info.model_info(
        meta, tensors,
        architecture=architecture, n_vocab=n_vocab, token_ids=ids, token_texts=texts,
        file_size=size, version=version,
    )  # fmt: skip


def _header(r: BoundedReader) -> tuple[int, int, int]:
    magic = r.take(4, "the magic number") if r.left >= 4 else None
    if magic is None:
        raise Reject(f"file ends inside the magic number (the file has {r.size} bytes)")
    if magic != MAGIC:
        raise Reject(f"bad magic {magic!r} (a GGUF file starts with b'GGUF')")
    version = r.u32("the header version")
    if version not in VERSIONS:
        if int.from_bytes(version.to_bytes(4, "little"), "big") in VERSIONS:
            raise Reject(f"big-endian GGUF (version {version} read little-endian) is not supported")
        raise Reject(f"unsupported GGUF version {version} (allowed 2 or 3)")
    n_tensors = r.u64("the header tensor count")
    if n_tensors > limits.MAX_TENSORS:
        raise Reject(f"tensor count {n_tensors} exceeds the cap of {limits.MAX_TENSORS}")
    n_kv = r.u64("the header metadata count")
    if n_kv > limits.MAX_KV:
        raise Reject(f"metadata count {n_kv} exceeds the cap of {limits.MAX_KV}")
    return version, n_tensors, n_kv


def _charsmap_head(r: BoundedReader, meta: dict[str, Entry]) -> bytes | None:
    """The first 4 bytes of a precompiled charsmap array, read back from the file when not kept."""
    entry = meta.get(rules.CHARSMAP)
    arr = entry.value if entry is not None else None
    if not isinstance(arr, ArrayValue) or arr.elem_type not in (U8, I8) or arr.count < 4:
        return None
    if arr.values is not None:
        return bytes(v & 0xFF for v in arr.values[:4])
    back = r.pos
    r.seek(arr.offset)
    try:
        return r.take(4, f"the value of key {rules.CHARSMAP!r}")
    finally:
        r.seek(back)
