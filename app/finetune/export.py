"""Write a trained LoRA as a llama.cpp GGUF adapter, the format the engine sets on a loaded base model.

What llama.cpp checks when it loads one (``src/llama-adapter.cpp``): ``general.type`` is ``adapter``,
``general.architecture`` is the base's, ``adapter.type`` is ``lora``; for each changed weight ``W`` (a GGUF
name such as ``blk.3.attn_q.weight``) there are ``W.lora_a`` with ``ne = (columns of W, rank)`` and ``W.lora_b``
with ``ne = (rank, rows of W)``: PEFT's A (rank × in) and B (out × rank) written as they are, not transposed.
It applies ``scale × adapter.lora.alpha / rank × B·A``, the same factor PEFT uses (alpha / rank).

One trap (measured: 26% logit error without it): llama.cpp's converter permutes the rows of a llama model's
q and k weights (rotary halves interleaved), and transformers' GGUF loader undoes that when it loads the
base for training. The LoRA's B rows are then in transformers' order and must be permuted back the same way.
Only the architectures whose loader un-permutes need it; :data:`PERMUTED_ARCHITECTURES` lists them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from app.core.errors import InvalidInput

PERMUTED_ARCHITECTURES = frozenset({"llama"})
"""GGUF architectures whose q/k rows transformers' GGUF loader reverse-permutes (its ``LlamaTensorProcessor``)."""


@dataclass(frozen=True)
class LoraPair:
    """One adapted weight: its name in the transformers model (``model.layers.0.self_attn.q_proj``), A and B."""

    module: str
    a: np.ndarray
    b: np.ndarray


@dataclass(frozen=True)
class BaseShape:
    """What the export needs to know of the base: architecture, blocks and attention heads."""

    architecture: str
    block_count: int
    head_count: int
    head_count_kv: int


def permute_rows(weights: np.ndarray, n_head: int, n_head_kv: int) -> np.ndarray:
    """llama.cpp's converter's q/k row permutation (``convert_hf_to_gguf.LlamaModel.permute``)."""
    if n_head_kv and n_head != n_head_kv:
        n_head = n_head_kv
    rows = weights.shape[0]
    return (weights.reshape(n_head, 2, rows // n_head // 2, *weights.shape[1:])
            .swapaxes(1, 2).reshape(weights.shape))


def gguf_name(base: BaseShape, module: str) -> str:
    """The base tensor's GGUF name for a transformers module name, from gguf's own tensor-name map."""
    import gguf  # noqa: PLC0415 - gguf's constants import numpy; only exporting needs them

    arch = {name: key for key, name in gguf.MODEL_ARCH_NAMES.items()}.get(base.architecture)
    if arch is None:
        raise InvalidInput(f"The gguf package does not know the architecture {base.architecture!r}.")
    mapped = gguf.get_tensor_name_map(arch, base.block_count).get_name(module.removeprefix("base_model.model."))
    if mapped is None:
        raise InvalidInput(f"The adapted layer {module} has no llama.cpp tensor name; leave it out of the "
                           "target modules.")
    return f"{mapped}.weight"


def write_adapter(path: Path, base: BaseShape, pairs: Sequence[LoraPair], alpha: float) -> Path:
    """Write ``pairs`` as a GGUF LoRA adapter for ``base`` at ``path`` (f32) and return ``path``."""
    import gguf  # noqa: PLC0415 - see gguf_name

    if not pairs:
        raise InvalidInput("The LoRA has no adapted layers to export.")
    path = Path(path)
    partial = path.with_name(path.name + ".partial")
    writer = gguf.GGUFWriter(str(partial), base.architecture)
    writer.add_type(gguf.GGUFType.ADAPTER)
    writer.add_string(gguf.Keys.Adapter.TYPE, "lora")
    writer.add_float32(gguf.Keys.Adapter.LORA_ALPHA, float(alpha))
    for pair in sorted(pairs, key=lambda p: _block_order(p.module)):
        name = gguf_name(base, pair.module)
        a = np.ascontiguousarray(pair.a, dtype=np.float32)
        b = np.asarray(pair.b, dtype=np.float32)
        if a.ndim != 2 or b.ndim != 2 or a.shape[0] != b.shape[1]:
            raise InvalidInput(f"The LoRA of {pair.module} has shapes {a.shape} and {b.shape}, not rank × in and "
                               "out × rank.")
        if base.architecture in PERMUTED_ARCHITECTURES and name.endswith(("attn_q.weight", "attn_k.weight")):
            heads_kv = base.head_count if name.endswith("attn_q.weight") else base.head_count_kv
            b = permute_rows(b, base.head_count, heads_kv)
        writer.add_tensor(f"{name}.lora_a", a)
        writer.add_tensor(f"{name}.lora_b", np.ascontiguousarray(b))
    try:
        writer.write_header_to_file()
        writer.write_kv_data_to_file()
        writer.write_tensors_to_file()
    finally:
        writer.close()
    partial.replace(path)
    return path


def _block_order(module: str) -> tuple[int, str]:
    """Layers in block order (``layers.10`` after ``layers.9``), as llama.cpp's converter writes them."""
    parts = module.split(".")
    number = next((int(p) for p in parts if p.isdigit()), -1)
    return number, module
