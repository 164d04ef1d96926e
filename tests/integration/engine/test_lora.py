"""A GPT's LoRA adapter in the real llama.cpp: applied (the reply changes), the base model stays mapped, an
adapter change forgets cached conversations, and a file llama.cpp refuses is a clear error."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.core.entities import ChatChunk, ChatMessage, ChatResult, GenerationParams, Role
from app.core.errors import EngineError
from app.engine.client import EngineClient
from app.engine.protocol import ChatRequest, LoadSpec
from app.engine.templates import choose_template
from app.ggufcheck import check_gguf
from tests.support.tiny_gguf import write_tiny_llama
from tests.support.tiny_lora import write_tiny_lora

GREEDY = GenerationParams(temperature=0.0, max_tokens=24, context_length=512)


@pytest.fixture
def engine():
    client = EngineClient()
    yield client
    client.close()


@pytest.fixture
def adapter(tiny_model: Path, tmp_path: Path) -> Path:
    return write_tiny_lora(tiny_model, tmp_path / "adapter.gguf")


def reply(engine: EngineClient, model: Path, key: str = "") -> tuple[str, ChatResult]:
    messages = (ChatMessage(Role.SYSTEM, "You are terse."), ChatMessage(Role.USER, "hello there"))
    items = list(engine.chat(ChatRequest(messages, GREEDY, choose_template(check_gguf(model)), conversation=key)))
    assert isinstance(items[-1], ChatResult)
    return "".join(i.text for i in items if isinstance(i, ChatChunk)), items[-1]


def mapped(engine: EngineClient, path: Path) -> bool:
    """Whether the engine process maps ``path`` (mmap), rather than having read it into its own memory."""
    return str(path) in Path(f"/proc/{engine.pid}/maps").read_text()


@pytest.mark.skipif(not Path("/proc/self/maps").exists(), reason="reads /proc/<pid>/maps")
def test_an_adapter_changes_the_reply_and_the_base_model_stays_mapped(engine, tiny_model, adapter):
    engine.load(LoadSpec(str(tiny_model), adapter_path=str(adapter), n_ctx=512))
    assert mapped(engine, tiny_model), "llama-cpp-python's lora_path would have turned mmap off"
    adapted, _ = reply(engine, tiny_model)
    engine.close()

    engine.load(LoadSpec(str(tiny_model), n_ctx=512))
    base, _ = reply(engine, tiny_model)
    assert adapted != base, "the adapter is really applied"


def test_the_adapter_scale_comes_from_the_spec(engine, tiny_model, adapter):
    engine.load(LoadSpec(str(tiny_model), n_ctx=512))
    base, _ = reply(engine, tiny_model)
    engine.close()
    engine.load(LoadSpec(str(tiny_model), adapter_path=str(adapter), adapter_scale=0.0, n_ctx=512))
    assert reply(engine, tiny_model)[0] == base, "scale 0 adds nothing"


def test_changing_the_adapter_keeps_the_model_and_forgets_cached_conversations(engine, tiny_model, adapter):
    engine.load(LoadSpec(str(tiny_model), n_ctx=512))
    pid = engine.pid
    base, first = reply(engine, tiny_model, key="a")
    assert first.cached_tokens == 0

    engine.load(LoadSpec(str(tiny_model), adapter_path=str(adapter), n_ctx=512))
    adapted, again = reply(engine, tiny_model, key="a")
    assert again.cached_tokens == 0, "a KV cache computed without the adapter is not reused with it"
    assert adapted != base and engine.pid == pid

    engine.load(LoadSpec(str(tiny_model), n_ctx=512))
    back, third = reply(engine, tiny_model, key="a")
    assert third.cached_tokens == 0 and back == base


def test_an_adapter_for_another_model_is_a_clear_error_and_the_engine_goes_on(engine, tiny_model, tmp_path):
    other = write_tiny_llama(tmp_path / "other.gguf", dim=32, context_length=512)
    wrong = write_tiny_lora(other, tmp_path / "wrong.gguf")
    with pytest.raises(EngineError, match=r"could not use the LoRA adapter wrong\.gguf \(.*incorrect shape"):
        engine.load(LoadSpec(str(tiny_model), adapter_path=str(wrong), n_ctx=512))
    engine.load(LoadSpec(str(tiny_model), n_ctx=512))
    assert reply(engine, tiny_model)[1].completion_tokens > 0


def test_a_file_that_is_no_adapter_or_is_missing_is_a_clear_error(engine, tiny_model, tmp_path):
    engine.load(LoadSpec(str(tiny_model), n_ctx=512))
    with pytest.raises(EngineError, match=r"could not use the LoRA adapter tiny-chatml\.gguf \(.*'adapter'"):
        engine.load(LoadSpec(str(tiny_model), adapter_path=str(tiny_model), n_ctx=512))  # a model, not an adapter
    with pytest.raises(EngineError, match="adapter gone.gguf is missing"):
        engine.load(LoadSpec(str(tiny_model), adapter_path=str(tmp_path / "gone.gguf"), n_ctx=512))
    assert reply(engine, tiny_model)[1].completion_tokens > 0, "the base model is still loaded"
