"""llama-cpp-python's own OpenAI-compatible server (``python -m llama_cpp.server``) on 127.0.0.1 with a tiny
GGUF is the real remote engine: a GPT placed on it chats with streaming and stops mid-stream."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from app.core.entities import ChatChunk, FinishReason, MessageStatus
from app.core.errors import KnownError
from app.engine.remote import RemoteClient

MODEL = "tiny-remote"
START_SECONDS = 120


@pytest.fixture(scope="module")
def llama_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The server with a tiny ChatML model of its own, up and answering /v1/models."""
    from tests.support.tiny_gguf import CHATML_TEMPLATE, write_tiny_llama

    folder = tmp_path_factory.mktemp("llama-server")
    model = write_tiny_llama(folder / "tiny.gguf", chat_template=CHATML_TEMPLATE, context_length=4096,
                             name=MODEL, seed=3)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    log = (folder / "server.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "llama_cpp.server", "--model", str(model), "--model_alias", MODEL,
         "--host", "127.0.0.1", "--port", str(port), "--n_ctx", "2048", "--n_threads", "1", "--verbose", "False"],
        stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + START_SECONDS
        while True:
            try:
                RemoteClient(url, timeout=5).models()
                break
            except KnownError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"llama_cpp.server did not start: {(folder / 'server.log').read_text()[-2000:]}")
                time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)
        log.close()


@pytest.fixture
def served_gpt(services, tiny_gpt, llama_server):
    engine = services.remote_engines.add("llama-cpp-python", llama_server, timeout_seconds=60)
    services.remote_engines.run_on(tiny_gpt.id, engine.id, MODEL)
    return tiny_gpt


def stop_after(stream, pieces: int) -> list[str]:
    """The reply's pieces, with Stop pressed once ``pieces`` of them have come (what arrives after is kept)."""
    seen = []
    for item in stream:
        if isinstance(item, ChatChunk):
            seen.append(item.text)
            if len(seen) == pieces:
                stream.cancel()
    return seen


def test_the_server_lists_its_model_and_checks_reachable(services, llama_server):
    services.remote_engines.add("local server", llama_server)
    check = services.remote_engines.check("local server")
    assert check.ok and [m.id for m in check.models] == [MODEL]


def test_a_gpt_chats_through_the_server_with_streaming(services, served_gpt):
    gpt = services.gpts.update(served_gpt, params=replace(served_gpt.params, max_tokens=16, seed=1))
    stream = services.chat.send(gpt.id, "hello")
    chunks = [item.text for item in stream if isinstance(item, ChatChunk)]
    assert len(chunks) > 1  # streamed piece by piece, not in one answer
    assert stream.result.finish_reason in (FinishReason.LENGTH, FinishReason.STOP)
    reply = services.catalog.list_messages(stream.conversation.id)[-1]
    assert (reply.status, reply.content) == (MessageStatus.COMPLETE, "".join(chunks))
    follow = services.chat.send(gpt.id, "and again", conversation_id=stream.conversation.id)
    follow_text = "".join(i.text for i in follow if isinstance(i, ChatChunk))
    stored = services.catalog.list_messages(stream.conversation.id)
    assert [(m.status, m.content) for m in stored[-2:]] == [(MessageStatus.COMPLETE, "and again"),
                                                           (MessageStatus.COMPLETE, follow_text)]


def test_stop_mid_stream_keeps_the_partial_reply_as_cancelled(services, served_gpt):
    gpt = services.gpts.update(served_gpt, params=replace(served_gpt.params, max_tokens=1500, seed=2))
    stream = services.chat.send(gpt.id, "write a long story")
    seen = stop_after(stream, 3)
    assert stream.result.finish_reason is FinishReason.CANCELLED
    assert 3 <= len(seen) < 1500
    reply = services.catalog.list_messages(stream.conversation.id)[-1]
    assert (reply.status, reply.content) == (MessageStatus.CANCELLED, "".join(seen))
    # The server is free again at once: answering the same message again completes.
    services.gpts.update(gpt, params=replace(gpt.params, max_tokens=8))
    again = services.chat.regenerate(stream.conversation.id)
    text = "".join(i.text for i in again if isinstance(i, ChatChunk))
    assert again.result.finish_reason in (FinishReason.LENGTH, FinishReason.STOP)
    assert services.catalog.list_messages(stream.conversation.id)[-1].content == text


def test_knowledge_is_applied_through_the_server(services, tiny_gpt, llama_server, tmp_path: Path):
    """The passages found here reach the real server in the request's last message: a recording proxy in front
    of it keeps what it was sent, and the reply streamed back is the server's answer to that prompt."""
    from app.knowledge.context import with_sources
    from tests.support.knowledge_docs import write_markdown_manuals
    from tests.support.recording_proxy import recording_proxy

    question = write_markdown_manuals(tmp_path / "docs")[2]
    gpt, _report = services.knowledge.add(tiny_gpt.id, [tmp_path / "docs"])
    gpt = services.gpts.update(gpt, params=replace(gpt.params, max_tokens=8, seed=1))
    with recording_proxy(llama_server) as proxy:
        engine = services.remote_engines.add("recorded server", proxy.url, timeout_seconds=60)
        services.remote_engines.run_on(gpt.id, engine.id, MODEL)
        stream = services.chat.send(gpt.id, question.text)
        chunks = [item.text for item in stream if isinstance(item, ChatChunk)]
    assert stream.result.finish_reason in (FinishReason.LENGTH, FinishReason.STOP) and chunks
    assert stream.sources and stream.sources[0].file == f"knowledge/{question.file}"
    [sent] = proxy.chats()
    assert sent.body["model"] == MODEL
    last = sent.body["messages"][-1]
    assert last == {"role": "user", "content": with_sources(question.text, stream.sources)}
    assert question.needle in last["content"]
    reply = services.catalog.list_messages(stream.conversation.id)[-1]
    assert (reply.status, reply.content) == (MessageStatus.COMPLETE, "".join(chunks))
    assert services.catalog.message_sources([reply.id])[reply.id] == stream.sources


@pytest.fixture
def second_shelf(tmp_path: Path, tiny_model: Path):
    """Another GPT Shelf (a data folder of its own) with a tiny GPT, serving its API on a free loopback port."""
    from app.core.entities import GenerationParams
    from app.core.paths import AppPaths
    from app.server.config import ServerConfig
    from app.server.runner import ApiServer
    from app.services.container import open_services

    with open_services(AppPaths(tmp_path / "second"), install_starter=False) as second:
        model = second.models.import_gguf(tiny_model)
        gpt = second.gpts.create("Far away", model.sha256, instructions="You answer from far away.",
                                 params=GenerationParams(temperature=0.0, max_tokens=24, context_length=4096))
        server = ApiServer(second, ServerConfig(port=0, idle_seconds=0))
        url = server.start()
        try:
            yield SecondShelf(url, second.api_keys.create("first shelf").secret, gpt.id, model.sha256, server)
        finally:
            server.stop()


@dataclass(frozen=True)
class SecondShelf:
    url: str
    key: str
    gpt_id: str
    model_sha256: str
    server: object


def test_a_second_gpt_shelf_serving_its_api_is_used_as_a_remote_engine(services, tiny_gpt, second_shelf):
    from app.core.errors import RemoteAuthFailed
    from app.server.backend import MODEL_PREFIX

    services.remote_engines.add("no key", second_shelf.url)
    with pytest.raises(RemoteAuthFailed, match="refused the API key"):
        services.remote_engines.models("no key")
    services.remote_engines.add("second shelf", second_shelf.url, api_key=second_shelf.key, timeout_seconds=60)
    listed = [m.id for m in services.remote_engines.models("second shelf")]
    assert listed == [second_shelf.gpt_id, f"{MODEL_PREFIX}{second_shelf.model_sha256[:12]}"]
    services.remote_engines.run_on(tiny_gpt.id, "second shelf", second_shelf.gpt_id)
    assert services.remote_engines.where(tiny_gpt.id) == f"second shelf · {second_shelf.gpt_id}"

    # As many stop strings as a GPT may have (8; OpenAI allows 4): the second shelf must accept them.
    stops = tuple(f"<<end {n}>>" for n in range(8))
    gpt = services.gpts.update(tiny_gpt, params=replace(tiny_gpt.params, max_tokens=16, stop=stops))
    stream = services.chat.send(gpt.id, "hello")
    chunks = [item.text for item in stream if isinstance(item, ChatChunk)]
    assert len(chunks) > 1 and stream.result.finish_reason in (FinishReason.LENGTH, FinishReason.STOP)
    reply = services.catalog.list_messages(stream.conversation.id)[-1]
    assert (reply.status, reply.content) == (MessageStatus.COMPLETE, "".join(chunks))
    slots = second_shelf.server.slots
    assert [(f.key, f.finish_reason) for f in slots.recent] == [(second_shelf.model_sha256, stream.result.finish_reason)]

    gpt = services.gpts.update(gpt, params=replace(gpt.params, max_tokens=1500))
    stopped = services.chat.send(gpt.id, "write a long story", conversation_id=stream.conversation.id)
    seen = stop_after(stopped, 3)
    assert stopped.result.finish_reason is FinishReason.CANCELLED and 3 <= len(seen) < 1500
    reply = services.catalog.list_messages(stream.conversation.id)[-1]
    assert (reply.status, reply.content) == (MessageStatus.CANCELLED, "".join(seen))
    # The second shelf noticed the closed request and stopped generating early, freeing its slot.
    assert _wait_until(lambda: len(slots.recent) == 2), "the second shelf did not end the stopped reply"
    assert slots.recent[-1].finish_reason is FinishReason.CANCELLED and slots.recent[-1].completion_tokens < 1500


def _wait_until(condition, seconds: float = 60) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True
