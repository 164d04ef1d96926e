"""Valid files pass the checker, and the ModelInfo it returns matches what was written."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import gguf
import pytest

from app.core.errors import BadGGUF
from app.ggufcheck import check_gguf
from tests.support.tiny_gguf import CHATML_TEMPLATE, vocabulary
from tests.unit.ggufcheck.gguf_bytes import (
    ARRAY, GGML_F16, GGML_Q4_K, KV_INDEX, STRING, TEMPLATE, U32, VOCAB, Built, RawTensor, base_kvs, base_model,
    base_tensors,
)  # fmt: skip


def test_tiny_model(tiny_model: Path) -> None:
    info = check_gguf(tiny_model)
    tokens, _ = vocabulary()
    assert info.architecture == "llama"
    assert info.name == "tiny-llama"
    assert info.file_size == tiny_model.stat().st_size
    assert info.gguf_version == 3
    assert info.tensor_count == 2 + 9 * 2 + 1  # embd, output_norm, output + 9 per layer
    assert info.quantization == "F32"
    assert (info.context_length, info.block_count, info.embedding_length) == (512, 2, 64)
    assert (info.head_count, info.head_count_kv) == (4, 2)
    assert info.vocab_size == len(tokens)
    assert info.tokenizer_model == "gpt2"
    assert info.chat_template is None
    assert (info.bos_token, info.eos_token, info.eot_tokens) == ("<s>", "</s>", ("<|im_end|>",))
    assert info.vocab_only is False


def test_parameter_count_matches_gguf_py(tiny_model: Path) -> None:
    """Cross-check against gguf-py's reader on a file we trust."""
    reader = gguf.GGUFReader(tiny_model)
    info = check_gguf(tiny_model)
    assert info.tensor_count == len(reader.tensors)
    assert info.parameter_count == sum(int(t.n_elements) for t in reader.tensors)


def test_tiny_model_with_template(tiny_chatml_model: Path) -> None:
    info = check_gguf(tiny_chatml_model)
    assert info.chat_template == CHATML_TEMPLATE
    assert info.eot_tokens == ("<|im_end|>",)


def test_vocab_only(tiny_vocab_only: Path) -> None:
    info = check_gguf(tiny_vocab_only)
    assert info.vocab_only is True
    assert (info.tensor_count, info.parameter_count) == (0, 0)
    assert info.vocab_size == len(vocabulary()[0])
    assert info.bos_token == "<s>"


def test_no_extra_specials_means_no_eot(tmp_path: Path) -> None:
    from tests.support.tiny_gguf import write_tiny_llama

    info = check_gguf(write_tiny_llama(tmp_path / "m.gguf", extra_specials=(), n_layers=1, dim=16))
    assert info.eot_tokens == ()
    assert info.block_count == 1


def test_raw_base(raw_base: Built, write_bytes: Callable[[bytes], Path]) -> None:
    info = check_gguf(write_bytes(raw_base.data))
    assert info.quantization == "Q8_0"  # general.file_type 7 = MOSTLY_Q8_0
    assert info.parameter_count == 32 * len(VOCAB) + 32 * 32 + 32
    assert info.chat_template == TEMPLATE
    assert info.head_count_kv == info.head_count == 4  # defaults to head_count
    assert (info.bos_token, info.eos_token) == ("<s>", "</s>")


def test_path_as_str(raw_base: Built, write_bytes: Callable[[bytes], Path]) -> None:
    assert check_gguf(str(write_bytes(raw_base.data))).architecture == "llama"  # type: ignore[arg-type]


def test_quantization_falls_back_to_largest_tensor_type(write_bytes: Callable[[bytes], Path]) -> None:
    kvs = [kv for kv in base_kvs() if kv[0] != "general.file_type"]
    tensors = base_tensors() + [RawTensor("blk.0.ffn_up.weight", [256, 8], GGML_Q4_K)]
    info = check_gguf(write_bytes(base_model().__class__(kvs=kvs, tensors=tensors).build().data))
    assert info.quantization == "Q4_K"


def test_unknown_file_type_falls_back(write_bytes: Callable[[bytes], Path]) -> None:
    kvs = base_kvs()
    kvs[KV_INDEX["general.file_type"]] = ("general.file_type", U32, 999)
    raw = base_model()
    raw.kvs = kvs
    assert check_gguf(write_bytes(raw.build().data)).quantization == "Q8_0"


@pytest.mark.parametrize("alignment", [1, 2, 8, 64, 4096])
def test_other_alignments(alignment: int, write_bytes: Callable[[bytes], Path]) -> None:
    raw = base_model(alignment=alignment)
    raw.kvs[KV_INDEX["general.alignment"]] = ("general.alignment", U32, alignment)
    assert check_gguf(write_bytes(raw.build().data)).tensor_count == 3


def test_default_alignment_when_absent(write_bytes: Callable[[bytes], Path]) -> None:
    raw = base_model()
    raw.kvs = [kv for kv in raw.kvs if kv[0] != "general.alignment"]
    assert check_gguf(write_bytes(raw.build().data)).tensor_count == 3


def test_version_2(write_bytes: Callable[[bytes], Path]) -> None:
    assert check_gguf(write_bytes(base_model(version=2).build().data)).gguf_version == 2


def test_trailing_bytes_after_data_are_fine(raw_base: Built, write_bytes: Callable[[bytes], Path]) -> None:
    assert check_gguf(write_bytes(raw_base.data + b"\0" * 100)).tensor_count == 3


def test_per_layer_head_counts(write_bytes: Callable[[bytes], Path]) -> None:
    raw = base_model()
    raw.kvs.append(("llama.attention.head_count_kv", ARRAY, (U32, [1, 2, 0])))
    raw.tensors.append(RawTensor("blk.0.attn_k.weight", [32, 8], GGML_F16))
    info = check_gguf(write_bytes(raw.build().data))
    assert info.head_count_kv == 2


def test_odd_hyperparameter_type_is_none(write_bytes: Callable[[bytes], Path]) -> None:
    raw = base_model()
    raw.kvs[KV_INDEX["llama.context_length"]] = ("llama.context_length", STRING, "lots")
    assert check_gguf(write_bytes(raw.build().data)).context_length is None


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(BadGGUF, match="cannot be read"):
        check_gguf(tmp_path / "nope.gguf")


def test_directory(tmp_path: Path) -> None:
    with pytest.raises(BadGGUF, match="not a regular file"):
        check_gguf(tmp_path)
