"""The adapter writer's layout and names, and the refusals that come before any training."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import gguf
import numpy as np
import pytest

from app.core.entities import ModelInfo
from app.core.errors import FinetuneUnavailable, InvalidInput
from app.finetune.base import (
    INSTALL_HINT, SUPPORTED_ARCHITECTURES, check_base, missing_packages, require_extra, training_bytes,
)
from app.finetune.export import BaseShape, LoraPair, gguf_name, permute_rows, write_adapter

LLAMA = BaseShape("llama", block_count=2, head_count=4, head_count_kv=2)
INFO = ModelInfo(architecture="gemma3", name="Small", file_size=1, gguf_version=3, tensor_count=1,
                 parameter_count=268_000_000, quantization="Q4_K_M", context_length=4096, block_count=18,
                 embedding_length=640, head_count=4, head_count_kv=1, vocab_size=262144, tokenizer_model="llama",
                 chat_template=None)


def unpermute(weights: np.ndarray, n_head: int) -> np.ndarray:
    """transformers' GGUF loader's reverse permutation (``LlamaTensorProcessor``), written out independently."""
    dim = weights.shape[0] // n_head // 2
    return weights.reshape(n_head, dim, 2, *weights.shape[1:]).swapaxes(2, 1).reshape(weights.shape)


@pytest.mark.parametrize(("rows", "n_head", "n_head_kv"), [(16, 4, 4), (8, 4, 2), (64, 8, 8)])
def test_the_permutation_undoes_what_the_loader_did(rows: int, n_head: int, n_head_kv: int):
    b = np.arange(rows * 3, dtype=np.float32).reshape(rows, 3)
    heads = n_head_kv if n_head != n_head_kv else n_head
    assert np.array_equal(permute_rows(unpermute(b, heads), n_head, n_head_kv), b)
    assert not np.array_equal(permute_rows(b, n_head, n_head_kv), b)


def test_names_come_from_ggufs_tensor_map():
    assert gguf_name(LLAMA, "model.layers.1.self_attn.q_proj") == "blk.1.attn_q.weight"
    assert gguf_name(LLAMA, "base_model.model.model.layers.0.mlp.down_proj") == "blk.0.ffn_down.weight"
    assert gguf_name(replace(LLAMA, architecture="gemma3"), "model.layers.1.self_attn.o_proj") == "blk.1.attn_output.weight"
    with pytest.raises(InvalidInput, match="has no llama.cpp tensor name"):
        gguf_name(LLAMA, "model.layers.0.self_attn.rotary_emb")


def test_the_adapter_file_has_llamacpps_keys_layout_and_permuted_q_rows(tmp_path: Path):
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((2, 64)).astype(np.float32), rng.standard_normal((64, 2)).astype(np.float32)
    v_b = rng.standard_normal((32, 2)).astype(np.float32)
    path = write_adapter(tmp_path / "a.gguf", LLAMA, [LoraPair("model.layers.0.self_attn.q_proj", a, b),
                                                      LoraPair("model.layers.0.self_attn.v_proj", a, v_b)], alpha=4)
    reader = gguf.GGUFReader(path)
    fields = {name: field.contents() for name, field in reader.fields.items() if not name.startswith("GGUF.")}
    assert fields["general.type"] == "adapter" and fields["adapter.type"] == "lora"
    assert fields["adapter.lora.alpha"] == 4.0 and fields["general.architecture"] == "llama"
    tensors = {t.name: t for t in reader.tensors}
    assert [int(x) for x in tensors["blk.0.attn_q.weight.lora_a"].shape] == [64, 2]  # ne: (in, rank)
    assert [int(x) for x in tensors["blk.0.attn_q.weight.lora_b"].shape] == [2, 64]  # ne: (rank, out)
    assert np.array_equal(np.asarray(tensors["blk.0.attn_q.weight.lora_a"].data), a)
    assert np.array_equal(np.asarray(tensors["blk.0.attn_q.weight.lora_b"].data), permute_rows(b, 4, 4))
    assert np.array_equal(np.asarray(tensors["blk.0.attn_v.weight.lora_b"].data), v_b)  # v is never permuted
    assert not (tmp_path / "a.gguf.partial").exists()


def test_a_rank_mismatch_is_refused(tmp_path: Path):
    with pytest.raises(InvalidInput, match="rank × in"):
        write_adapter(tmp_path / "a.gguf", LLAMA, [LoraPair("model.layers.0.self_attn.q_proj",
                                                            np.zeros((2, 64)), np.zeros((64, 3)))], alpha=1)


def test_an_unsupported_architecture_is_refused_with_the_supported_list():
    with pytest.raises(FinetuneUnavailable) as caught:
        check_base(replace(INFO, architecture="mamba"), 10**12)
    assert "'mamba'" in str(caught.value)
    assert all(arch in str(caught.value) for arch in SUPPORTED_ARCHITECTURES)


def test_a_base_too_large_for_memory_is_refused_with_the_numbers():
    needed = training_bytes(INFO.parameter_count)
    assert needed == 268_000_000 * 12
    with pytest.raises(FinetuneUnavailable, match=r"268M parameters\) needs about 3\.0 GB .* and 2\.0 GB are available"):
        check_base(INFO, 2 * 2**30)
    fits = check_base(INFO, 8 * 2**30)
    assert (fits.architecture, fits.needed_bytes) == ("gemma3", needed)


def test_a_missing_extra_names_the_packages_and_the_install_command():
    absent = {"peft"}

    def find(name: str) -> object | None:
        return None if name in absent else object()

    assert missing_packages(find) == ["peft"]
    with pytest.raises(FinetuneUnavailable, match="needs peft") as caught:
        require_extra(find)
    assert INSTALL_HINT in str(caught.value)
    absent.clear()
    require_extra(find)
