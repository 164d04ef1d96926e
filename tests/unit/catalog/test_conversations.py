"""Conversations and messages: stored at once, listed newest first, deleted with their messages."""

from __future__ import annotations

import pytest

from app.catalog import Catalog
from app.catalog.rows import utc_now
from app.core.entities import MessageStatus, Role
from app.core.errors import InvalidInput, NotFound


def test_create_and_get_a_conversation(catalog: Catalog, conversation_id: int) -> None:
    conversation = catalog.get_conversation(conversation_id)
    assert (conversation.gpt_id, conversation.title, conversation.message_count) == ("me/helper", "Test chat", 0)
    assert conversation.created_at == conversation.updated_at and conversation.created_at.endswith("Z")
    assert catalog.list_messages(conversation_id) == []
    with pytest.raises(NotFound):
        catalog.get_conversation(999)
    with pytest.raises(NotFound):
        catalog.list_messages(999)
    with pytest.raises(NotFound, match="GPT"):
        catalog.create_conversation("nobody/gpt", "No GPT")


def test_messages_round_trip_in_order(catalog: Catalog, conversation_id: int) -> None:
    question = catalog.add_message(conversation_id, Role.USER, "What is 2+2?")
    answer = catalog.add_message(
        conversation_id, Role.ASSISTANT, "", status=MessageStatus.STREAMING
    )
    assert answer.id > question.id and answer.status is MessageStatus.STREAMING
    done = catalog.update_message(answer.id, content="4", status=MessageStatus.COMPLETE)
    assert (done.content, done.status, done.error) == ("4", MessageStatus.COMPLETE, None)
    assert catalog.list_messages(conversation_id) == [question, done]
    assert catalog.get_conversation(conversation_id).message_count == 2


def test_update_message_keeps_or_clears_the_error(catalog: Catalog, conversation_id: int) -> None:
    reply = catalog.add_message(conversation_id, Role.ASSISTANT, "partial", status=MessageStatus.STREAMING)
    failed = catalog.update_message(reply.id, status=MessageStatus.FAILED, error="Model crashed.")
    assert (failed.status, failed.error, failed.content) == (MessageStatus.FAILED, "Model crashed.", "partial")
    assert catalog.update_message(reply.id, content="partial, more").error == "Model crashed."
    retried = catalog.update_message(reply.id, content="full answer", status=MessageStatus.COMPLETE)
    assert retried.error is None
    with pytest.raises(NotFound):
        catalog.update_message(12345, content="x")


def test_add_message_bumps_the_conversation_and_lists_newest_first(catalog: Catalog, conversation_id: int) -> None:
    second = catalog.create_conversation("me/helper", "Second")
    assert [c.id for c in catalog.list_conversations()] == [second.id, conversation_id]
    catalog.add_message(conversation_id, Role.USER, "bump")
    listed = catalog.list_conversations()
    assert [c.id for c in listed] == [conversation_id, second.id]
    assert [c.message_count for c in listed] == [1, 0]
    assert listed[0].updated_at >= listed[0].created_at
    assert [c.id for c in catalog.list_conversations(limit=1)] == [conversation_id]
    assert catalog.list_conversations(gpt_id="someone/else") == []
    assert len(catalog.list_conversations(gpt_id="me/helper")) == 2


def test_rename_and_delete_a_conversation(catalog: Catalog, conversation_id: int) -> None:
    catalog.add_message(conversation_id, Role.USER, "hello")
    renamed = catalog.rename_conversation(conversation_id, "  Renamed  ")
    assert renamed.title == "Renamed"
    deleted = catalog.delete_conversation(conversation_id)
    assert deleted.id == conversation_id and deleted.message_count == 1
    assert catalog.list_conversations() == []
    assert catalog._conns.read().execute("SELECT count(*) FROM messages").fetchone()[0] == 0
    with pytest.raises(NotFound):
        catalog.rename_conversation(conversation_id, "gone")
    with pytest.raises(NotFound):
        catalog.add_message(conversation_id, Role.USER, "to nowhere")


def test_delete_messages_after_for_regenerate(catalog: Catalog, conversation_id: int) -> None:
    ids = [catalog.add_message(conversation_id, Role.USER, f"turn {i}").id for i in range(5)]
    assert catalog.delete_messages_after(conversation_id, ids[1]) == 3
    assert [m.id for m in catalog.list_messages(conversation_id)] == ids[:2]
    assert catalog.delete_messages_after(conversation_id, ids[1]) == 0
    other = catalog.create_conversation("me/helper", "Other")
    with pytest.raises(NotFound):
        catalog.delete_messages_after(other.id, ids[0])


def test_message_ids_are_never_reused(catalog: Catalog, conversation_id: int) -> None:
    first = catalog.add_message(conversation_id, Role.USER, "one")
    last = catalog.add_message(conversation_id, Role.ASSISTANT, "two", status=MessageStatus.STREAMING)
    catalog.delete_messages_after(conversation_id, first.id)
    again = catalog.add_message(conversation_id, Role.ASSISTANT, "two again")
    assert again.id > last.id
    with pytest.raises(NotFound):
        catalog.update_message(last.id, content="a late token")


def test_bad_role_or_status_is_invalid_input(catalog: Catalog, conversation_id: int) -> None:
    with pytest.raises(InvalidInput):
        catalog.add_message(conversation_id, "narrator", "hi")  # type: ignore[arg-type]
    with pytest.raises(InvalidInput):
        catalog.add_message(conversation_id, Role.USER, "hi", status="done")  # type: ignore[arg-type]
    assert catalog.add_message(conversation_id, "user", "plain strings work").role is Role.USER  # type: ignore[arg-type]


def test_finish_interrupted_messages(catalog: Catalog, conversation_id: int) -> None:
    streaming = catalog.add_message(conversation_id, Role.ASSISTANT, "half a", status=MessageStatus.STREAMING)
    complete = catalog.add_message(conversation_id, Role.USER, "next")
    assert catalog.finish_interrupted_messages() == 1
    [first, second] = catalog.list_messages(conversation_id)
    assert (first.id, first.status, first.content) == (streaming.id, MessageStatus.FAILED, "half a")
    assert first.error and second == complete
    assert catalog.finish_interrupted_messages() == 0


def test_reviews(catalog: Catalog) -> None:
    assert catalog.add_review("owner/gpt", 5, "Great") < catalog.add_review("owner/gpt", 1)
    for bad in (0, 6, 3.5, True, "4"):
        with pytest.raises(InvalidInput):
            catalog.add_review("owner/gpt", bad)  # type: ignore[arg-type]


def test_a_failed_write_leaves_nothing_behind(catalog: Catalog, conversation_id: int) -> None:
    class Boom(Exception):
        pass

    with pytest.raises(Boom), catalog._conns.write() as conn:
        conn.execute("UPDATE conversations SET title = 'half done'")
        raise Boom
    assert catalog.get_conversation(conversation_id).title == "Test chat"


def test_timestamps_strictly_increase() -> None:
    stamps = [utc_now() for _ in range(2000)]
    assert stamps == sorted(set(stamps))
    assert all(len(s) == len("2025-01-01T00:00:00.000Z") and s.endswith("Z") for s in stamps)
