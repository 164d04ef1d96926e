"""Rules across metadata values: tokenizer arrays, special token ids, alignment, architecture.

The tokenizer rules exist because llama.cpp casts these arrays' raw data to the type it expects
(``scores`` to float, ``token_type`` to int32) without always checking the element type or length,
which gave out-of-bounds reads from tiny files (ggml-org/llama.cpp#26690); and because a type
mismatch on ``general.alignment`` or a string array trips a GGML_ASSERT, which aborts the process.
"""

from __future__ import annotations

import logging

import re

from app.ggufcheck import limits
from app.ggufcheck.metadata import F32, I8, I32, INTEGER_TYPES, STRING, U8, U32_T, ArrayValue, Entry
from app.ggufcheck.reader import Reject, q

TOKENS = "tokenizer.ggml.tokens"
SCORES = "tokenizer.ggml.scores"
TOKEN_TYPE = "tokenizer.ggml.token_type"
MERGES = "tokenizer.ggml.merges"
CHARSMAP = "tokenizer.ggml.precompiled_charsmap"
ALIGNMENT = "general.alignment"
ARCHITECTURE = "general.architecture"

#: A token spelled like a byte token must be a well-formed one: "<0x-1>" made plamo2's vocabulary
#: loader write out of bounds (lmstudio-bug-tracker#2289).
_BYTE_TOKEN = re.compile(r"<0x[0-9A-Fa-f]{2}>")


log = logging.getLogger(__name__)


def check_token_text(i: int, text: str) -> None:
    """Hook for each token of ``tokenizer.ggml.tokens`` while the metadata is read."""
    if text.startswith("<0x") and text.endswith(">") and not _BYTE_TOKEN.fullmatch(text):
        raise Reject(f"token {i} {q(text)} looks like a byte token but is not one (expected <0xHH>)")


def architecture(meta: dict[str, Entry]) -> str:
    entry = meta.get(ARCHITECTURE)
    if entry is None:
        raise Reject("general.architecture is missing")
    if entry.vtype != STRING:
        raise Reject(f"general.architecture must be a string (found {entry.describe()})")
    if not entry.value.strip():
        raise Reject("general.architecture is empty")
    return entry.value


def alignment(meta: dict[str, Entry]) -> int:
    entry = meta.get(ALIGNMENT)
    if entry is None:
        return limits.DEFAULT_ALIGNMENT
    if entry.vtype != U32_T:
        raise Reject(f"general.alignment must be a u32 (found {entry.describe()})")
    value = entry.value
    if not 1 <= value <= limits.MAX_ALIGNMENT or value & (value - 1):
        raise Reject(f"general.alignment {value} is not a power of two between 1 and 1 MiB")
    return value


def _array(meta: dict[str, Entry], key: str, elem_type: int, elem_name: str) -> ArrayValue | None:
    entry = meta.get(key)
    if entry is None:
        return None
    if not isinstance(entry.value, ArrayValue) or entry.value.elem_type != elem_type:
        raise Reject(f"{key} must be an array of {elem_name} (found {entry.describe()})")
    return entry.value


def vocabulary(meta: dict[str, Entry]) -> ArrayValue | None:
    """Check the tokenizer arrays against each other; return the token list (None if absent)."""
    tokens = _array(meta, TOKENS, STRING, "strings")
    scores = _array(meta, SCORES, F32, "f32")
    types = _array(meta, TOKEN_TYPE, I32, "i32")
    _array(meta, MERGES, STRING, "strings")
    if tokens is None:
        for key, arr in ((SCORES, scores), (TOKEN_TYPE, types)):
            if arr is not None:
                raise Reject(f"{key} is present but {TOKENS} is missing")
        return None
    if tokens.count == 0:
        raise Reject(f"{TOKENS} is empty")
    for key, arr in ((SCORES, scores), (TOKEN_TYPE, types)):
        if arr is not None and arr.count != tokens.count:
            raise Reject(f"{key} has {arr.count} entries but the vocabulary has {tokens.count} tokens")
    return tokens


def token_ids(meta: dict[str, Entry], n_vocab: int | None) -> dict[str, int]:
    """Every ``tokenizer.ggml.*_token_id`` must be an integer; ids outside the vocabulary are dropped.

    llama.cpp itself only warns about an out-of-range special id and falls back to a default, and real
    files carry such sloppiness (a padding id equal to n_vocab), so refusing them would be a false
    rejection. Dropping them keeps every id this checker later reads a token text for in range.
    """
    ids: dict[str, int] = {}
    for key, entry in meta.items():
        if not (key.startswith("tokenizer.ggml.") and key.endswith("_token_id")):
            continue
        if entry.vtype not in INTEGER_TYPES:
            raise Reject(f"{key} must be an integer (found {entry.describe()})")
        value = entry.value
        if value < 0 or (n_vocab is not None and value >= n_vocab):
            log.warning("ignoring %s = %s: outside the vocabulary of %s tokens", key, value, n_vocab)
            continue
        ids[key] = value
    return ids


def charsmap(meta: dict[str, Entry], head: bytes | None) -> None:
    """A T5/UGM precompiled charsmap is bytes whose first u32 is a blob size that must fit inside it.

    ``head`` is the array's first 4 bytes (None when it has fewer)."""
    entry = meta.get(CHARSMAP)
    if entry is None:
        return
    arr = entry.value
    if not isinstance(arr, ArrayValue) or arr.elem_type not in (U8, I8):
        raise Reject(f"{CHARSMAP} must be an array of u8 (found {entry.describe()})")
    if arr.count == 0:
        return
    if head is None or len(head) < 4:
        raise Reject(f"{CHARSMAP} has {arr.count} bytes, too short for its 4-byte size field")
    blob = int.from_bytes(head[:4], "little")
    if blob + 4 >= arr.count:
        raise Reject(f"{CHARSMAP} declares a {blob}-byte blob but holds only {arr.count} bytes")
