"""Turn a checked header into :class:`app.core.entities.ModelInfo`.

Only called once every rule has passed, so it is lenient: a hyper-parameter of an unexpected type
becomes ``None`` rather than a rejection (llama.cpp reports such files itself, safely).
"""

from __future__ import annotations

from collections import Counter

from gguf.constants import GGMLQuantizationType, LlamaFileType

from app.core.entities import ModelInfo
from app.ggufcheck.metadata import INTEGER_TYPES, STRING, ArrayValue, Entry
from app.ggufcheck.tensors import TensorInfo


def _string(meta: dict[str, Entry], key: str) -> str | None:
    entry = meta.get(key)
    return entry.value if entry is not None and entry.vtype == STRING else None


def _int(meta: dict[str, Entry], key: str) -> int | None:
    """An integer value; for a per-layer array (e.g. head_count_kv on hybrid models) its largest element."""
    entry = meta.get(key)
    if entry is None:
        return None
    value = entry.value
    if isinstance(value, ArrayValue):
        if value.elem_type in INTEGER_TYPES and value.values:
            return max(value.values)
        return None
    return value if entry.vtype in INTEGER_TYPES else None


def quantization(meta: dict[str, Entry], tensors: list[TensorInfo]) -> str:
    """The file type's name ("Q4_K_M", "F16"), else the tensor type holding the most bytes."""
    file_type = _int(meta, "general.file_type")
    if file_type is not None:
        try:
            name = LlamaFileType(file_type).name
        except ValueError:
            name = None
        if name is not None and name != "GUESSED":
            return name.removeprefix("MOSTLY_").removeprefix("ALL_")
    if not tensors:
        return "unknown"
    by_bytes: Counter[int] = Counter()
    for t in tensors:
        by_bytes[t.ggml_type] += t.n_bytes
    return GGMLQuantizationType(by_bytes.most_common(1)[0][0]).name


def model_info(
    meta: dict[str, Entry],
    tensors: list[TensorInfo],
    *,
    architecture: str,
    n_vocab: int | None,
    token_ids: dict[str, int],
    token_texts: dict[int, str],
    file_size: int,
    version: int,
) -> ModelInfo:
    def text(key: str) -> str | None:
        token_id = token_ids.get(key)
        return token_texts.get(token_id) if token_id is not None else None

    eot: list[str] = []
    for key in ("tokenizer.ggml.eot_token_id", "tokenizer.ggml.eom_token_id"):
        t = text(key)
        if t is not None and t not in eot:
            eot.append(t)

    head_count = _int(meta, f"{architecture}.attention.head_count")
    head_count_kv = _int(meta, f"{architecture}.attention.head_count_kv")
    return ModelInfo(
        architecture=architecture,
        name=_string(meta, "general.name"),
        file_size=file_size,
        gguf_version=version,
        tensor_count=len(tensors),
        parameter_count=sum(t.n_elements for t in tensors),
        quantization=quantization(meta, tensors),
        context_length=_int(meta, f"{architecture}.context_length"),
        block_count=_int(meta, f"{architecture}.block_count"),
        embedding_length=_int(meta, f"{architecture}.embedding_length"),
        head_count=head_count,
        head_count_kv=head_count_kv if head_count_kv is not None else head_count,
        vocab_size=n_vocab if n_vocab is not None else _int(meta, f"{architecture}.vocab_size"),
        tokenizer_model=_string(meta, "tokenizer.ggml.model"),
        chat_template=_string(meta, "tokenizer.chat_template"),
        bos_token=text("tokenizer.ggml.bos_token_id"),
        eos_token=text("tokenizer.ggml.eos_token_id"),
        eot_tokens=tuple(eot),
        vocab_only=not tensors,
    )
