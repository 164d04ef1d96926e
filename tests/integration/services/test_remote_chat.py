"""A GPT placed on a remote engine, through the real chat service and catalog, against a loopback engine
that misbehaves on request: the reply streams and stops as locally, and every fault gives its sentence
and keeps the partial reply as failed."""

from __future__ import annotations

import threading

import pytest

from app.core.entities import ChatChunk, ChatResult, FinishReason, MessageStatus, Role
from app.core.errors import (
    RemoteAuthFailed, RemoteRateLimited, RemoteStreamDropped, RemoteTimedOut, RemoteUnreachable,
)
from tests.support.fake_engine import PIECES, fake_engine, refused_url


def drain(stream):
    items = list(stream)
    return "".join(i.text for i in items if isinstance(i, ChatChunk)), items[-1]


def reply_of(services, stream):
    return services.catalog.list_messages(stream.conversation.id)[-1]


@pytest.fixture
def engine():
    with fake_engine() as running:
        yield running


@pytest.fixture
def remote_gpt(services, tiny_gpt, engine):
    lab = services.remote_engines.add("Lab", engine.url, api_key="sk-lab-123", timeout_seconds=2)
    services.remote_engines.run_on(tiny_gpt.id, lab.name, "remote-model-a")
    return tiny_gpt


def test_a_placed_gpt_streams_from_the_engine_with_its_prompt_params_and_key(services, remote_gpt, engine):
    gpt = services.gpts.update(remote_gpt, examples=[])
    stream = services.chat.send(gpt.id, "What is up?")
    text, result = drain(stream)
    assert text == "".join(PIECES)
    assert (result.finish_reason, result.prompt_tokens, result.completion_tokens) == (FinishReason.STOP, 11, 6)
    reply = reply_of(services, stream)
    assert (reply.status, reply.content) == (MessageStatus.COMPLETE, text)
    [seen] = engine.chats()
    assert seen.headers["Authorization"] == "Bearer sk-lab-123"
    body = seen.body
    assert body["model"] == "remote-model-a" and body["stream"] is True
    assert body["messages"] == [{"role": "system", "content": "You are terse."},
                                {"role": "user", "content": "What is up?"}]
    params = gpt.params
    assert (body["temperature"], body["top_p"], body["max_tokens"], body["top_k"], body["min_p"],
            body["repeat_penalty"]) == (params.temperature, params.top_p, params.max_tokens, params.top_k,
                                        params.min_p, params.repeat_penalty)


def test_the_history_and_stop_strings_go_as_gpt_shelf_built_them(services, remote_gpt, engine):
    from dataclasses import replace

    gpt = services.gpts.update(remote_gpt, params=replace(remote_gpt.params, stop=("###",), seed=7))
    first = services.chat.send(gpt.id, "one")
    drain(first)
    drain(services.chat.send(gpt.id, "two", conversation_id=first.conversation.id))
    body = engine.chats()[-1].body
    assert [(m["role"], m["content"]) for m in body["messages"]] == [
        ("system", "You are terse."), ("user", "one"), ("assistant", "".join(PIECES)), ("user", "two")]
    assert (body["stop"], body["seed"]) == (["###"], 7)


def test_nothing_is_sent_to_an_engine_for_a_gpt_not_placed_on_it(services, tiny_gpt, engine):
    services.remote_engines.add("Lab", engine.url)
    text, result = drain(services.chat.send(tiny_gpt.id, "hello"))
    assert isinstance(result, ChatResult) and engine.requests == []
    assert services.remote_engines.where(tiny_gpt.id) == "This computer"


def test_running_here_again_stops_sending_and_removing_the_engine_moves_its_gpts_back(services, remote_gpt, engine):
    assert services.remote_engines.where(remote_gpt.id) == "Lab · remote-model-a"
    previous = services.remote_engines.run_here(remote_gpt.name)
    assert previous.model == "remote-model-a"
    drain(services.chat.send(remote_gpt.id, "hello"))
    assert engine.chats() == []
    services.remote_engines.run_on(remote_gpt.id, "lab", "remote-model-b")
    removed, moved = services.remote_engines.remove("Lab")
    assert moved == [remote_gpt.id] and services.secrets.get(removed.secret_name) is None
    assert services.chat.placement_of(remote_gpt) is None


def test_stop_mid_stream_closes_the_request_and_keeps_the_partial_reply_as_cancelled(services, remote_gpt, engine):
    engine.fault = "stall"  # two pieces, then nothing until released: stop must not wait for the server
    stream = services.chat.send(remote_gpt.id, "hello")
    seen = []
    for item in stream:
        if isinstance(item, ChatChunk):
            seen.append(item.text)
            if len(seen) == 2:
                threading.Timer(0.2, stream.cancel).start()
    assert stream.result.finish_reason is FinishReason.CANCELLED
    reply = reply_of(services, stream)
    assert (reply.status, reply.content) == (MessageStatus.CANCELLED, "Hello from")


@pytest.mark.parametrize(("fault", "error", "words", "kept"), [
    ("401", RemoteAuthFailed, r"refused the API key \(HTTP 401\)", ""),
    ("429", RemoteRateLimited, "try again after 7 seconds", ""),
    ("cut", RemoteStreamDropped, "broke in the middle of the reply", "Hello from"),
    ("stall", RemoteTimedOut, "sent nothing for 2 seconds", "Hello from"),
])
def test_each_fault_gives_its_sentence_keeps_the_partial_reply_as_failed_and_retry_works(
        services, remote_gpt, engine, fault, error, words, kept):
    engine.fault = fault
    stream = services.chat.send(remote_gpt.id, "hello")
    got = []
    with pytest.raises(error, match=words) as raised:
        for item in stream:
            if isinstance(item, ChatChunk):
                got.append(item.text)
    assert "Lab" in str(raised.value) and "sk-lab-123" not in str(raised.value)
    reply = reply_of(services, stream)
    assert (reply.status, reply.content, reply.error) == (MessageStatus.FAILED, kept, str(raised.value))
    assert "".join(got) == kept

    engine.fault = ""
    retry = services.chat.regenerate(stream.conversation.id)
    text, result = drain(retry)
    messages = services.catalog.list_messages(stream.conversation.id)
    assert [(m.role, m.status) for m in messages] == [(Role.USER, MessageStatus.COMPLETE),
                                                      (Role.ASSISTANT, MessageStatus.COMPLETE)]
    assert messages[-1].content == text == "".join(PIECES)


def test_a_429_carries_the_wait_the_engine_asked_for(services, remote_gpt, engine):
    engine.fault, engine.retry_after = "429", "12"
    with pytest.raises(RemoteRateLimited) as raised:
        drain(services.chat.send(remote_gpt.id, "hello"))
    assert raised.value.retry_after == 12.0


def test_an_engine_that_is_not_running_is_named_and_the_message_is_kept(services, tiny_gpt):
    down = services.remote_engines.add("Down", refused_url(), timeout_seconds=2)
    services.remote_engines.run_on(tiny_gpt.id, down.id, "m")
    stream = services.chat.send(tiny_gpt.id, "are you there?")
    with pytest.raises(RemoteUnreachable, match="Cannot reach the engine 'Down'.*Connection refused"):
        drain(stream)
    user, reply = services.catalog.list_messages(stream.conversation.id)
    assert (user.content, user.status) == ("are you there?", MessageStatus.COMPLETE)
    assert reply.status is MessageStatus.FAILED and "Cannot reach" in reply.error


def test_models_and_check_list_what_the_engine_serves_and_say_why_not(services, engine):
    lab = services.remote_engines.add("Lab", engine.url, api_key="k")
    assert [m.id for m in services.remote_engines.models("Lab")] == ["remote-model-a", "remote-model-b"]
    check = services.remote_engines.check(lab.id)
    assert check.ok and "serves 2 models: remote-model-a, remote-model-b." in check.sentence
    engine.fault = "401"
    check = services.remote_engines.check("lab")
    assert not check.ok and "refused the API key" in check.sentence
    services.remote_engines.add("Down", refused_url())
    assert "Cannot reach the engine 'Down'" in services.remote_engines.check("Down").sentence


def test_the_key_is_kept_in_the_keyring_and_can_be_replaced_or_forgotten(services, engine, memory_keyring):
    lab = services.remote_engines.add("Lab", engine.url, api_key="first")
    assert memory_keyring[("GPT Shelf", lab.secret_name)] == "first"
    services.remote_engines.edit("Lab", api_key="second", name="Lab 2")
    services.remote_engines.models("Lab 2")
    assert engine.requests[-1].headers["Authorization"] == "Bearer second"
    services.remote_engines.edit("Lab 2", forget_key=True)
    services.remote_engines.models("Lab 2")
    assert "Authorization" not in engine.requests[-1].headers and not services.remote_engines.has_key(lab)


def test_a_test_chat_of_a_placed_gpt_runs_there_but_a_grammar_held_draft_stays_here(services, remote_gpt, engine):
    from app.core.entities import ChatMessage

    text, _ = drain(services.chat.preview(remote_gpt, [ChatMessage(Role.USER, "hi")]))
    assert text == "".join(PIECES) and len(engine.chats()) == 1
    stream = services.chat.preview(remote_gpt, [ChatMessage(Role.USER, "hi")], grammar='root ::= "ok"')
    assert stream.placement is None


def test_knowledge_is_applied_on_a_remote_engine(services, remote_gpt, engine, tmp_path):
    """Retrieval runs here; the engine gets the messages with the passages exactly as the local engine would
    (the same :meth:`ChatService.build_prompt`), and the reply keeps its sources."""
    from app.knowledge.context import INTRO, with_sources
    from tests.support.knowledge_docs import write_markdown_manuals

    question = write_markdown_manuals(tmp_path / "docs")[1]
    gpt, report = services.knowledge.add(remote_gpt.id, [tmp_path / "docs"])
    assert len(report.indexed) == 3 and not report.failed
    stream = services.chat.send(gpt.id, question.text)
    text, result = drain(stream)
    assert result.finish_reason is FinishReason.STOP and text == "".join(PIECES)
    assert stream.sources and stream.sources[0].file == f"knowledge/{question.file}"
    sent = engine.chats()[-1].body["messages"]
    here = services.chat.build_prompt(gpt, [], question.text)
    assert sent == [{"role": m.role.value, "content": m.content} for m in here.messages]
    assert sent[0] == {"role": "system", "content": "You are terse."}
    assert sent[-1]["content"] == with_sources(question.text, stream.sources)
    assert sent[-1]["content"].startswith(INTRO) and question.needle in sent[-1]["content"]
    user, reply = services.catalog.list_messages(stream.conversation.id)
    assert user.content == question.text  # stored as typed, without the passages
    assert services.catalog.message_sources([reply.id])[reply.id] == stream.sources
