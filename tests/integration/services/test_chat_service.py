"""Sending messages through the services with the real engine and the real catalog: nothing is lost."""

from __future__ import annotations

import os
import signal
from dataclasses import replace

import pytest

from app.core.entities import ChatChunk, ChatResult, FinishReason, GenerationParams, MessageStatus, Role
from app.core.errors import EngineCrashed, InvalidInput

LONG = GenerationParams(temperature=0.0, max_tokens=3500, context_length=4096)


def drain(stream):
    items = list(stream)
    return "".join(i.text for i in items if isinstance(i, ChatChunk)), items[-1]


def test_the_users_message_is_committed_before_generation_and_the_reply_completes(services, tiny_gpt):
    stream = services.chat.send(tiny_gpt.name, "hello there")
    stored = services.catalog.list_messages(stream.conversation.id)
    assert [(m.role, m.status, m.content) for m in stored] == [
        (Role.USER, MessageStatus.COMPLETE, "hello there"), (Role.ASSISTANT, MessageStatus.STREAMING, "")]
    text, result = drain(stream)
    assert isinstance(result, ChatResult) and text
    reply = services.catalog.list_messages(stream.conversation.id)[-1]
    assert (reply.status, reply.content) == (MessageStatus.COMPLETE, text)


def test_the_reply_is_checkpointed_while_it_streams(services, tiny_gpt):
    services.chat.checkpoint_seconds = 0.0
    gpt = services.gpts.update(tiny_gpt, params=LONG)
    stream = services.chat.send(gpt.id, "hello")
    seen = ""
    for item in stream:
        if isinstance(item, ChatChunk):
            seen += item.text
            if len(seen) > 20:
                stored = services.catalog.list_messages(stream.conversation.id)[-1]
                assert stored.status is MessageStatus.STREAMING and stored.content and seen.startswith(stored.content)
                stream.cancel()


def test_cancel_keeps_the_partial_reply_as_cancelled(services, tiny_gpt):
    gpt = services.gpts.update(tiny_gpt, params=LONG)
    stream = services.chat.send(gpt.id, "hello")
    text = ""
    for item in stream:
        if isinstance(item, ChatChunk):
            text += item.text
            stream.cancel()
    assert stream.result.finish_reason is FinishReason.CANCELLED
    reply = services.catalog.list_messages(stream.conversation.id)[-1]
    assert (reply.status, reply.content) == (MessageStatus.CANCELLED, text)
    assert text


def test_killing_the_engine_keeps_the_partial_reply_as_failed_and_the_next_message_works(services, tiny_gpt):
    gpt = services.gpts.update(tiny_gpt, params=LONG)
    stream = services.chat.send(gpt.id, "hello")
    text = ""
    with pytest.raises(EngineCrashed) as crash:
        for item in stream:
            if isinstance(item, ChatChunk):
                text += item.text
                os.kill(services.engines.engines()[0].pid, signal.SIGKILL)
    assert "killed" in str(crash.value)
    reply = services.catalog.list_messages(stream.conversation.id)[-1]
    assert reply.status is MessageStatus.FAILED and reply.content == text and "killed" in reply.error
    services.gpts.update(gpt, params=tiny_gpt.params)
    _, result = drain(services.chat.send(gpt.id, "are you back?", conversation_id=stream.conversation.id))
    assert result.completion_tokens > 0
    statuses = [m.status for m in services.catalog.list_messages(stream.conversation.id)]
    assert statuses == [MessageStatus.COMPLETE, MessageStatus.FAILED, MessageStatus.COMPLETE, MessageStatus.COMPLETE]


def test_a_conversation_continues_with_history(services, tiny_gpt):
    first = services.chat.send(tiny_gpt.id, "one")
    drain(first)
    second = services.chat.send(tiny_gpt.id, "two", conversation_id=first.conversation.id)
    drain(second)
    assert [m.content for m in services.catalog.list_messages(first.conversation.id)][::2] == ["one", "two"]
    assert second.prompt[0][0].content == "You are terse." and second.prompt[1] == 1


def test_regenerate_and_edit_replace_the_later_replies(services, tiny_gpt):
    stream = services.chat.send(tiny_gpt.id, "one")
    drain(stream)
    cid = stream.conversation.id
    drain(services.chat.regenerate(cid))
    assert [m.role for m in services.catalog.list_messages(cid)] == [Role.USER, Role.ASSISTANT]
    user = services.catalog.list_messages(cid)[0]
    drain(services.chat.edit(user.id, cid, "one, edited"))
    messages = services.catalog.list_messages(cid)
    assert [(m.role, m.content) for m in messages][0] == (Role.USER, "one, edited") and len(messages) == 2


def test_bad_input_is_refused_with_a_reason_and_nothing_is_stored(services, tiny_gpt):
    with pytest.raises(InvalidInput, match="empty"):
        services.chat.send(tiny_gpt.id, "   ")
    with pytest.raises(Exception, match="No GPT"):
        services.chat.send("no-such-gpt", "hi")
    assert services.history.list() == []


def test_history_search_and_export(services, tiny_gpt):
    stream = services.chat.send(tiny_gpt.id, "请解释大语言模型的原理")
    drain(stream)
    hits = services.history.search("语言模型")
    assert [h.message.content for h in hits] == ["请解释大语言模型的原理"]
    markdown = services.history.export(stream.conversation.id, "md")
    assert "## User" in markdown and "请解释大语言模型的原理" in markdown
    exported = services.history.export(stream.conversation.id, "json")
    assert '"status": "complete"' in exported
    with pytest.raises(InvalidInput):
        services.history.export(stream.conversation.id, "pdf")


def test_a_gpt_template_override_with_the_llama_drama_payload_writes_nothing(services, tiny_gpt, tmp_path):
    from tests.support.tiny_gguf import hostile_template

    canary = tmp_path / "canary"
    gpt = services.gpts.update(tiny_gpt, chat_template=hostile_template(canary))
    with pytest.raises(Exception, match="unsafe"):
        drain(services.chat.send(gpt.id, "hi"))
    assert not canary.exists()
    assert services.catalog.list_messages(services.history.list()[0].id)[-1].status is MessageStatus.FAILED
    gpt = services.gpts.update(gpt, chat_template="{% for i in range(10**9) %}{% endfor %}")
    with pytest.raises(Exception, match="range"):
        drain(services.chat.send(gpt.id, "hi"))


def test_importing_the_same_model_twice_stores_one_copy(services, tiny_model):
    first = services.models.import_gguf(tiny_model)
    second = services.models.import_gguf(tiny_model, name="again")
    assert first.sha256 == second.sha256
    assert len(list(services.paths.store.iterdir())) == 1
    assert replace(second, display_name=first.display_name).path == first.path


def test_recover_marks_half_written_replies_failed_and_clears_orphan_partials(services, tiny_gpt):
    conversation = services.catalog.create_conversation(tiny_gpt.id, "crashed")
    services.catalog.add_message(conversation.id, Role.USER, "hi")
    services.catalog.add_message(conversation.id, Role.ASSISTANT, "half", status=MessageStatus.STREAMING)
    orphan = services.paths.store / ("0" * 64 + ".partial")
    orphan.write_bytes(b"x")
    assert services.recover() == 1
    reply = services.catalog.list_messages(conversation.id)[-1]
    assert (reply.status, reply.content) == (MessageStatus.FAILED, "half") and reply.error
    assert services.housekeeping() == 1  # the GUI runs it on a worker thread after its first paint
    assert not orphan.exists()
