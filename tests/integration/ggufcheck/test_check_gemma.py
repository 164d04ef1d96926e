"""A real model passes the checker: Gemma 3 270M Q4_K_M (no false rejection, sane ModelInfo)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from app.ggufcheck import check_gguf


@pytest.mark.starter
def test_gemma3_270m_passes(gemma3_270m: Path) -> None:
    started = time.perf_counter()
    info = check_gguf(gemma3_270m)
    seconds = time.perf_counter() - started
    print(f"check_gguf(gemma-3-270m Q4_K_M, {info.file_size / 1e6:.0f} MB): {seconds:.3f} s")
    assert info.architecture == "gemma3"
    assert info.chat_template is None
    assert "Q4_K" in info.quantization
    assert info.vocab_size == 262144
    assert info.tokenizer_model == "llama"
    assert info.block_count == 18
    assert info.parameter_count > 250_000_000
    assert info.vocab_only is False
    assert info.bos_token == "<bos>" and info.eos_token == "<eos>"
