"""The tiny GGUF models from tests/support/tiny_gguf.py load and generate in the real llama.cpp.

Every other test that runs llama.cpp relies on these files, so this proves the helper itself.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.tiny_gguf import CHATML_TEMPLATE, hostile_template, write_tiny_llama

llama_cpp = pytest.importorskip("llama_cpp")


@pytest.fixture
def tiny_path(tmp_path: Path) -> Path:
    return write_tiny_llama(tmp_path / "tiny.gguf", chat_template=CHATML_TEMPLATE)


def test_loads_and_completes(tiny_path: Path) -> None:
    llm = llama_cpp.Llama(model_path=str(tiny_path), n_ctx=256, verbose=False)
    try:
        out = llm.create_completion("hello", max_tokens=8)
        assert out["usage"]["completion_tokens"] >= 1
        assert isinstance(out["choices"][0]["text"], str)
        assert llm.metadata["tokenizer.chat_template"] == CHATML_TEMPLATE
        assert llm.detokenize([llm.token_bos()], special=True) == b"<s>"
        assert llm.detokenize([llm.token_eos()], special=True) == b"</s>"
    finally:
        llm.close()


@pytest.mark.parametrize(
    "text",
    ["hello world", "The quick brown fox jumps over the lazy dog! 0123456789", "tell\tthe\nnewlines ~`{}[]"],
)
def test_tokenize_round_trips_ascii(tiny_path: Path, text: str) -> None:
    llm = llama_cpp.Llama(model_path=str(tiny_path), n_ctx=256, verbose=False)
    try:
        ids = llm.tokenize(text.encode(), add_bos=False)
        assert llm.detokenize(ids).decode() == text
        assert len(ids) < len(text.encode())  # the merges were used
    finally:
        llm.close()


def test_vocab_only_opens(tmp_path: Path) -> None:
    path = write_tiny_llama(tmp_path / "vocab.gguf", vocab_only=True)
    llm = llama_cpp.Llama(model_path=str(path), vocab_only=True, verbose=False)
    try:
        assert llm.detokenize(llm.tokenize(b"hello", add_bos=False)) == b"hello"
    finally:
        llm.close()


def test_same_seed_same_bytes(tmp_path: Path) -> None:
    a = write_tiny_llama(tmp_path / "a.gguf", seed=7)
    b = write_tiny_llama(tmp_path / "b.gguf", seed=7)
    c = write_tiny_llama(tmp_path / "c.gguf", seed=8)
    assert a.read_bytes() == b.read_bytes() != c.read_bytes()


def test_hostile_template_is_a_real_payload(tmp_path: Path) -> None:
    """Unsandboxed Jinja executes it (so it is a meaningful probe); llama-cpp-python's sandbox refuses it."""
    import jinja2
    from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

    canary = tmp_path / "canary"
    template = hostile_template(canary)
    jinja2.Environment().from_string(template).render(messages=[], add_generation_prompt=True)
    assert canary.exists()
    canary.unlink()
    with pytest.raises(SecurityError):
        ImmutableSandboxedEnvironment().from_string(template).render(messages=[], add_generation_prompt=True)
    path = write_tiny_llama(tmp_path / "hostile.gguf", chat_template=template)
    llm = llama_cpp.Llama(model_path=str(path), n_ctx=256, verbose=False)
    try:
        with pytest.raises(SecurityError):
            llm.create_chat_completion([{"role": "user", "content": "hi"}], max_tokens=2)
    finally:
        llm.close()
    assert not canary.exists()
