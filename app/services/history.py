"""Conversations kept on this machine: listing, reading, searching and exporting them."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass

from app.catalog import Catalog
from app.core.entities import Conversation, Message, MessageStatus, SearchHit
from app.core.errors import InvalidInput
from app.core.knowledge import Source
from app.core.plain import plain

EXPORT_FORMATS = ("md", "json")


@dataclass
class History:
    catalog: Catalog

    def list(self, *, gpt_id: str | None = None, limit: int = 200) -> list[Conversation]:
        return self.catalog.list_conversations(gpt_id=gpt_id, limit=limit)

    def get(self, conversation_id: int) -> Conversation:
        return self.catalog.get_conversation(conversation_id)

    def show(self, conversation_id: int) -> tuple[Conversation, list[Message]]:
        return self.get(conversation_id), self.catalog.list_messages(conversation_id)

    def sources(self, message_ids: Iterable[int]) -> dict[int, list[Source]]:
        """The knowledge passages each of these replies was given (those that had any), to show as citations."""
        return self.catalog.message_sources(message_ids)

    def pin(self, conversation_id: int, *, pinned: bool = True) -> Conversation:
        return self.catalog.pin_conversation(conversation_id, pinned)

    def search(self, query: str, *, limit: int = 50) -> list[SearchHit]:
        return self.catalog.search_messages(query, limit=limit)

    def export(self, conversation_id: int, fmt: str) -> str:
        """The conversation as Markdown (for people) or JSON (for programs), with every message's status."""
        conversation, messages = self.show(conversation_id)
        if fmt == "md":
            return to_markdown(conversation, messages)
        if fmt == "json":
            return json.dumps({"conversation": plain(conversation), "messages": plain(messages)},
                              ensure_ascii=False, indent=2) + "\n"
        raise InvalidInput(f"Unknown export format {fmt!r}; use one of: {', '.join(EXPORT_FORMATS)}.")


def to_markdown(conversation: Conversation, messages: list[Message]) -> str:
    lines = [f"# {conversation.title}", "", f"*GPT:* `{conversation.gpt_id}` · *started:* {conversation.created_at}", ""]
    for message in messages:
        lines.append(f"## {message.role.value.capitalize()}")
        if message.status is not MessageStatus.COMPLETE:
            note = f" — {message.error}" if message.error else ""
            lines.append(f"*({message.status.value}{note})*")
        lines.extend(["", message.content, ""])
    return "\n".join(lines).rstrip() + "\n"
