"""The real llama.cpp in a real child process: streaming, cancel, crash and restart, embeddings."""

from __future__ import annotations

import logging
import os
import re
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest

from app.core.entities import ChatChunk, ChatMessage, ChatResult, FinishReason, GenerationParams, Role
from app.core.errors import EngineCrashed, EngineError
from app.core.settings import GpuOffload
from app.engine.client import EngineClient, describe_exit
from app.engine.protocol import ChatRequest, LoadSpec
from app.engine.templates import choose_template
from app.ggufcheck import check_gguf

GREEDY = GenerationParams(temperature=0.0, max_tokens=40, context_length=4096)


@pytest.fixture
def engine():
    client = EngineClient()
    yield client
    client.close()


def request(model: Path, text: str = "hello", params: GenerationParams = GREEDY) -> ChatRequest:
    messages = (ChatMessage(Role.SYSTEM, "You are terse."), ChatMessage(Role.USER, text))
    return ChatRequest(messages, params, choose_template(check_gguf(model)), pinned=1)


def collect(stream):
    items = list(stream)
    assert isinstance(items[-1], ChatResult)
    assert all(isinstance(i, ChatChunk) for i in items[:-1])
    return "".join(i.text for i in items[:-1]), items[-1]


def test_info_reports_the_llama_cpp_build_and_devices(engine):
    info = engine.info()
    assert info.llama_cpp_version
    assert any(d.kind == "cpu" for d in info.devices)
    assert isinstance(info.gpu_offload, bool)


def test_a_reply_streams_in_chunks_and_ends_with_a_result(engine, tiny_model):
    loaded = engine.load(LoadSpec(str(tiny_model), n_ctx=1024))
    assert loaded.n_ctx == 1024 and not loaded.on_gpu
    text, result = collect(engine.chat(request(tiny_model)))
    assert result.completion_tokens > 0 and text
    assert result.prompt_tokens > 5
    again, second = collect(engine.chat(request(tiny_model)))
    assert again == text, "greedy decoding of the same prompt gives the same reply"


@pytest.mark.skipif(not Path("/proc/self/maps").exists(), reason="reads /proc/<pid>/maps (Linux)")
def test_a_plain_chat_loads_llama_cpp_bindings_without_its_high_level_layer(engine, tiny_model):
    """numpy and llama-cpp-python's ``Llama`` layer cost the child ~25 MB and a chat turn uses neither."""
    assert engine.info().llama_cpp_version[0].isdigit(), "the version comes from the distribution's metadata"
    engine.load(LoadSpec(str(tiny_model), n_ctx=512))
    collect(engine.chat(request(tiny_model)))
    maps = Path(f"/proc/{engine.pid}/maps").read_text()
    assert "libllama" in maps, "llama.cpp is loaded"
    assert "numpy" not in maps, "numpy's native modules were loaded into the engine"


def _threads_logged(caplog: pytest.LogCaptureFixture) -> list[int]:
    found = []
    for record in caplog.records:
        match = re.search(r"llama.cpp runs (\d+) thread", record.getMessage())
        if match:
            found.append(int(match.group(1)))
    return found


def _chat_until(engine, model: Path, caplog, done, limit: float = 60.0) -> None:  # noqa: ANN001
    """Short replies, one after another, until ``done(threads logged)`` (the engine looks twice a second)."""
    deadline = time.monotonic() + limit
    while not done(_threads_logged(caplog)) and time.monotonic() < deadline:
        collect(engine.chat(request(model, params=replace(GREEDY, max_tokens=16))))


def test_the_thread_count_follows_the_cores_other_processes_leave(engine, tiny_model, caplog):
    """Two llama.cpp threads on two cores, one of them also running another process, crawl (each barrier waits
    for the shared core's next time slice): the engine drops to the free cores and comes back when they are."""
    caplog.set_level(logging.INFO, logger="app.engine.worker")
    cores = os.cpu_count() or 2
    most = cores if cores <= 4 else cores // 2
    if most < 2:
        pytest.skip("one core: there is no thread to give up")
    engine.load(LoadSpec(str(tiny_model), n_ctx=512))
    burners = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(cores - 1)]
    try:
        _chat_until(engine, tiny_model, caplog, lambda seen: 1 in seen)
    finally:
        for burner in burners:
            burner.kill()
            burner.wait()
    assert 1 in _threads_logged(caplog), "the engine kept its threads while the other cores were busy"
    _chat_until(engine, tiny_model, caplog, lambda seen: seen[-1] == most)
    assert _threads_logged(caplog)[-1] == most, "the threads did not come back once the cores were free"


def test_gpu_off_and_auto_both_load_on_a_cpu_build(engine, tiny_model):
    for gpu in (GpuOffload.parse("off"), GpuOffload.parse("auto")):
        assert engine.load(LoadSpec(str(tiny_model), n_ctx=512, gpu=gpu)).n_gpu_layers == 0


def test_cancel_mid_reply_stops_it_and_keeps_the_text_so_far(engine, tiny_model):
    engine.load(LoadSpec(str(tiny_model), n_ctx=4096))
    long = GenerationParams(temperature=0.0, max_tokens=3500, context_length=4096)
    chunks, result = [], None
    for item in engine.chat(request(tiny_model, params=long)):
        if isinstance(item, ChatResult):
            result = item
        else:
            chunks.append(item.text)
            engine.cancel()
    assert result is not None and result.finish_reason is FinishReason.CANCELLED
    assert 0 < result.completion_tokens < 3500
    text, after = collect(engine.chat(request(tiny_model)))
    assert after.finish_reason is not FinishReason.CANCELLED, "the next request is not cancelled by the old flag"


def test_kill_9_mid_reply_raises_engine_crashed_and_the_next_request_works(engine, tiny_model):
    engine.load(LoadSpec(str(tiny_model), n_ctx=4096))
    long = GenerationParams(temperature=0.0, max_tokens=3500, context_length=4096)
    received = []
    with pytest.raises(EngineCrashed, match="killed"):
        for item in engine.chat(request(tiny_model, params=long)):
            received.append(item)
            if len(received) == 1:
                os.kill(engine.pid, signal.SIGKILL)
    assert received, "some text arrived before the kill"
    assert engine.pid is None and engine.loaded is None
    engine.load(LoadSpec(str(tiny_model), n_ctx=1024))
    _, result = collect(engine.chat(request(tiny_model)))
    assert result.completion_tokens > 0


def test_breaking_out_of_the_stream_leaves_the_engine_usable(engine, tiny_model):
    engine.load(LoadSpec(str(tiny_model), n_ctx=4096))
    long = GenerationParams(temperature=0.0, max_tokens=3500, context_length=4096)
    for _ in engine.chat(request(tiny_model, params=long)):
        break
    _, result = collect(engine.chat(request(tiny_model)))
    assert result.finish_reason is not FinishReason.CANCELLED


def test_a_conversation_longer_than_the_context_drops_the_oldest_turns(engine, tiny_model):
    engine.load(LoadSpec(str(tiny_model), n_ctx=256))
    turns = [ChatMessage(Role.SYSTEM, "System rules.")]
    for index in range(30):
        turns += [ChatMessage(Role.USER, f"question {index} " * 3), ChatMessage(Role.ASSISTANT, f"answer {index}")]
    turns.append(ChatMessage(Role.USER, "last question"))
    params = GenerationParams(temperature=0.0, max_tokens=16, context_length=256)
    req = ChatRequest(tuple(turns), params, choose_template(check_gguf(tiny_model)), pinned=1)
    _, result = collect(engine.chat(req))
    assert result.dropped_messages > 0
    assert result.dropped_messages % 2 == 0, "a question is dropped together with its answer"
    assert result.prompt_tokens + 16 <= 256


def test_a_message_too_long_for_the_context_is_a_clear_error(engine, tiny_model):
    engine.load(LoadSpec(str(tiny_model), n_ctx=128))
    with pytest.raises(EngineError, match="does not fit"):
        collect(engine.chat(request(tiny_model, text="word " * 400)))
    _, result = collect(engine.chat(request(tiny_model)))
    assert result.completion_tokens >= 0


def test_embeddings_need_an_embedding_load(engine, tiny_model):
    engine.load(LoadSpec(str(tiny_model), n_ctx=256))
    with pytest.raises(EngineError, match="embeddings"):
        engine.embed(["hello"])
    engine.load(LoadSpec(str(tiny_model), n_ctx=256, embedding=True))
    embedded = engine.embed(["hello", "你好"])
    vectors = embedded.vectors
    assert len(vectors) == 2 and len(vectors[0]) == 64
    assert embedded.tokens >= 4, "each text's tokens and its BOS are counted"
    assert abs(sum(v * v for v in vectors[0]) - 1.0) < 1e-3


def test_a_file_llama_cpp_refuses_is_an_engine_error(engine, tmp_path):
    bogus = tmp_path / "bogus.gguf"
    bogus.write_bytes(b"GGUF" + b"\0" * 64)
    with pytest.raises(EngineError, match="could not load"):
        engine.load(LoadSpec(str(bogus), n_ctx=256))
    assert engine.info().llama_cpp_version, "the child survives a refused load"


def test_hostile_gguf_template_writes_no_canary_in_the_engine(engine, tmp_path):
    from tests.support.tiny_gguf import hostile_template, write_tiny_llama

    canary = tmp_path / "canary"
    model = write_tiny_llama(tmp_path / "hostile.gguf", chat_template=hostile_template(canary), context_length=512)
    engine.load(LoadSpec(str(model), n_ctx=256))
    with pytest.raises(EngineError, match="unsafe"):
        collect(engine.chat(request(model)))
    assert not canary.exists()


@pytest.mark.parametrize(("code", "words"), [(-9, "killed"), (-11, "segmentation"), (-6, "aborted"), (3, "code 3")])
def test_exit_codes_are_described_in_words(code, words):
    assert words in describe_exit(code)


def test_a_seed_makes_a_sampled_reply_repeatable(engine, tiny_model):
    engine.load(LoadSpec(str(tiny_model), n_ctx=1024))
    sampled = GenerationParams(temperature=1.0, top_k=0, top_p=1.0, min_p=0.0, max_tokens=40, seed=5)
    first, _ = collect(engine.chat(request(tiny_model, params=sampled)))
    again, _ = collect(engine.chat(request(tiny_model, params=sampled)))
    other, _ = collect(engine.chat(request(tiny_model, params=replace(sampled, seed=6))))
    assert first == again and first != other
