"""How much memory a model needs: weights + KV cache at a context length + working overhead.

Plain arithmetic shared by the catalog (to filter listings that fit) and the fit check, so both
agree. The KV cache is f16 K and V for every layer: 2 x layers x context x kv_heads x head_dim x 2 bytes.
"""

from __future__ import annotations

from app.core.entities import Fit, MemoryShape

MIB = 2**20
GIB = 2**30
KV_BYTES_PER_ELEMENT = 2  # llama.cpp's default KV cache type is f16
FITS_SHARE = 0.8  # beyond 80% of what is free, the system starts to page: "tight"


def kv_cache_bytes(shape: MemoryShape | None, context_length: int, weights_bytes: int) -> int:
    """The KV cache at ``context_length``; without the shape, a tenth of the weights per 4k of context."""
    if shape is None or not shape.head_count or not shape.block_count:
        return int(weights_bytes * 0.1 * context_length / 4096)
    head_dim = shape.embedding_length // shape.head_count
    kv_heads = shape.head_count_kv or shape.head_count
    return 2 * shape.block_count * context_length * kv_heads * head_dim * KV_BYTES_PER_ELEMENT


def overhead_bytes(weights_bytes: int) -> int:
    """Compute buffers, the runtime itself and scratch space: measured at a few hundred MiB."""
    return 256 * MIB + weights_bytes // 20


def needed_bytes(weights_bytes: int, shape: MemoryShape | None, context_length: int) -> int:
    return weights_bytes + kv_cache_bytes(shape, context_length, weights_bytes) + overhead_bytes(weights_bytes)


def verdict(needed: int, available: int) -> Fit:
    if needed <= available * FITS_SHARE:
        return Fit.FITS
    if needed <= available:
        return Fit.TIGHT
    return Fit.WONT_FIT


def human(size: int) -> str:
    return f"{size / GIB:.1f} GB" if size >= GIB else f"{size / MIB:.0f} MB"
