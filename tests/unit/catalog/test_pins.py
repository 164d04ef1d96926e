"""Pinned chats: kept on top of the list until unpinned, without counting as activity."""

from __future__ import annotations

import pytest

from app.catalog import Catalog
from app.core.errors import NotFound


def test_pinned_chats_come_first_most_recently_pinned_on_top(catalog: Catalog, conversation_id: int) -> None:
    older = conversation_id
    middle = catalog.create_conversation("me/helper", "Middle").id
    newest = catalog.create_conversation("me/helper", "Newest").id
    assert [c.id for c in catalog.list_conversations()] == [newest, middle, older]
    assert not any(c.pinned for c in catalog.list_conversations())

    before = catalog.get_conversation(older)
    pinned = catalog.pin_conversation(older)
    assert pinned.pinned and pinned.updated_at == before.updated_at, "pinning is not activity"
    catalog.pin_conversation(middle)
    assert [c.id for c in catalog.list_conversations()] == [middle, older, newest]
    assert [c.pinned for c in catalog.list_conversations()] == [True, True, False]
    assert [c.id for c in catalog.list_conversations(gpt_id="me/helper", limit=1)] == [middle]

    unpinned = catalog.pin_conversation(middle, False)
    assert not unpinned.pinned
    assert [c.id for c in catalog.list_conversations()] == [older, newest, middle]


def test_pinning_a_missing_chat_names_it(catalog: Catalog) -> None:
    with pytest.raises(NotFound, match="conversation"):
        catalog.pin_conversation(4242)
