"""A random-weight GGUF with the shape of a common 1B-class chat model, for the memory figure.

The only real model here is Gemma 3 270M, whose 262,144-token vocabulary is unusual: llama.cpp's
tokenizer tables alone take ~43 MB of heap, 17% of that 253 MB file, before any KV cache. Fixed costs
like that weigh less on the models people mostly run, so the memory bench also measures a file of
TinyLlama 1.1B's shape (llama architecture, 22 blocks of width 2048, 32 query / 4 KV heads of 64,
feed-forward 5632, a 32,000-token vocabulary), Q4_0 throughout (~0.6 GB). Resident memory does not
depend on the weights' values, so they are random (one quantized block pattern, tiled: seconds to write).
The tokenizer is the tiny test models' byte-level BPE (tests.support.tiny_gguf) padded with plain
tokens to 32,000 entries, so llama.cpp builds vocabulary tables of the real size.
"""

from __future__ import annotations

from pathlib import Path

import gguf
import numpy as np

from tests.support.tiny_gguf import LlamaShape, add_llama_shape, add_tokenizer, vocabulary

N_VOCAB, DIM, LAYERS, HEADS, KV_HEADS, FF = 32_000, 2048, 22, 32, 4, 5632
QTYPE = gguf.GGMLQuantizationType.Q4_0
SHAPE = "TinyLlama 1.1B shape, Q4_0, random weights"


def _rows(rng: np.random.Generator, rows: int, cols: int, cache: dict[int, np.ndarray]) -> np.ndarray:
    """``rows`` × ``cols`` weights in Q4_0: one 64-row quantized pattern per width, tiled."""
    if cols not in cache:
        cache[cols] = gguf.quants.quantize((rng.standard_normal((64, cols)) * 0.02).astype(np.float32), QTYPE)
    pattern = cache[cols]
    return np.tile(pattern, (-(-rows // 64), 1))[:rows]


def write_shaped_llama(path: Path, *, seed: int = 0) -> Path:
    """Write the model to ``path`` (about 0.6 GB) and return ``path``; the same seed gives the same bytes."""
    path = Path(path)
    tokens, types = vocabulary()
    filler = N_VOCAB - len(tokens)
    tokens += [f"w{i:05d}" for i in range(filler)]
    types += [int(gguf.TokenType.NORMAL)] * filler
    head_dim = DIM // HEADS
    writer = gguf.GGUFWriter(path, arch="llama")
    writer.add_name("shaped-1b")
    writer.add_file_type(int(gguf.LlamaFileType.MOSTLY_Q4_0))
    add_llama_shape(writer, LlamaShape(4096, DIM, LAYERS, FF, HEADS, KV_HEADS, N_VOCAB))
    add_tokenizer(writer, tokens, types, add_bos=True)
    rng, cache = np.random.default_rng(seed), {}

    def add(name: str, rows: int, cols: int) -> None:
        writer.add_tensor(name, _rows(rng, rows, cols, cache), raw_dtype=QTYPE)

    def norm(name: str) -> None:
        writer.add_tensor(name, np.ones(DIM, dtype=np.float32))

    add("token_embd.weight", N_VOCAB, DIM)
    for i in range(LAYERS):
        norm(f"blk.{i}.attn_norm.weight")
        add(f"blk.{i}.attn_q.weight", HEADS * head_dim, DIM)
        add(f"blk.{i}.attn_k.weight", KV_HEADS * head_dim, DIM)
        add(f"blk.{i}.attn_v.weight", KV_HEADS * head_dim, DIM)
        add(f"blk.{i}.attn_output.weight", DIM, HEADS * head_dim)
        norm(f"blk.{i}.ffn_norm.weight")
        add(f"blk.{i}.ffn_gate.weight", FF, DIM)
        add(f"blk.{i}.ffn_up.weight", FF, DIM)
        add(f"blk.{i}.ffn_down.weight", DIM, FF)
    norm("output_norm.weight")
    add("output.weight", N_VOCAB, DIM)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return path
