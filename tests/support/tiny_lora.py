"""Tiny LoRA adapters in llama.cpp's GGUF adapter format, for the tiny llamas of :mod:`tests.support.tiny_gguf`.

An adapter is a GGUF of type ``adapter`` (``adapter.type = "lora"``, ``adapter.lora.alpha``) holding, for each
base weight ``W`` it changes, two tensors ``W.lora_a`` (rank × columns) and ``W.lora_b`` (rows × rank); llama.cpp
adds ``scale × alpha / rank × B·A`` to ``W``'s product at run time. The same layout, written the same way, matched
PEFT's logits (see the project's FACTS). Random here: tests check that the engine applies an adapter, not what it
teaches.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import gguf
import numpy as np

#: Weights the default adapter changes: attention query/value (the usual LoRA targets) and the FFN's way out,
#: whose change reaches the logits most directly.
DEFAULT_TARGETS = ("attn_q.weight", "attn_v.weight", "ffn_down.weight")


def write_tiny_lora(base: Path, path: Path, *, rank: int = 4, alpha: float = 8.0, strength: float = 1.0,
                    targets: Sequence[str] = DEFAULT_TARGETS, seed: int = 1) -> Path:
    """Write a random rank-``rank`` LoRA for the GGUF at ``base`` to ``path`` and return ``path``.

    ``strength`` scales the random entries: 1.0 changes a tiny llama's greedy reply; 0.01 barely moves it.
    """
    reader = gguf.GGUFReader(base)
    arch = str(bytes(reader.fields["general.architecture"].parts[-1]), "utf-8")
    shapes = {t.name: [int(x) for x in t.shape] for t in reader.tensors}
    writer = gguf.GGUFWriter(str(path), arch)
    writer.add_type(gguf.GGUFType.ADAPTER)
    writer.add_string(gguf.Keys.Adapter.TYPE, "lora")
    writer.add_float32(gguf.Keys.Adapter.LORA_ALPHA, alpha)
    rng = np.random.default_rng(seed)
    for name, shape in shapes.items():
        if len(shape) == 2 and name.endswith(tuple(targets)):
            columns, rows = shape  # GGUF order: ne[0] = columns
            writer.add_tensor(f"{name}.lora_a", (rng.standard_normal((rank, columns)) * strength).astype(np.float32))
            writer.add_tensor(f"{name}.lora_b", (rng.standard_normal((rows, rank)) * strength).astype(np.float32))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return Path(path)
