"""A chat that the chat-writes suite kills: sends messages and streams replies, acknowledging each commit.

Usage: ``python -m tests.reliability.chat_child HOME GPT SEED``. Each line on stdout is one JSON
acknowledgement, written only after the catalog committed what it names:
``{"user": id, "text": ...}`` once the person's message is stored, ``{"reply": id, "text": ...}`` after
each streamed chunk (the reply is checkpointed before a chunk is handed out, with checkpoints at every
chunk here), and ``{"final": id, "text": ...}`` once the reply is stored as complete.
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

from app.core.entities import ChatChunk
from app.core.paths import AppPaths
from app.services.container import open_services


def message_text(seed: int, index: int) -> str:
    """The ``index``-th message of run ``seed``: the parent rebuilds it to spot a torn row."""
    words = random.Random(seed * 100_003 + index).randint(1, 60)
    return f"run {seed} message {index}: " + " ".join(f"w{n}" for n in range(words)) + " 终"


def main() -> int:
    home, gpt, seed = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])

    def ack(kind: str, message_id: int, text: str) -> None:
        sys.stdout.write(json.dumps({kind: message_id, "text": text}, ensure_ascii=False) + "\n")
        sys.stdout.flush()

    with open_services(AppPaths(home), install_starter=False) as services:
        services.recover()
        services.chat.checkpoint_seconds = 0.0
        conversation = None
        for index in range(10_000):
            text = message_text(seed, index)
            stream = services.chat.send(gpt, text, conversation_id=conversation)
            conversation = stream.conversation.id if index % 5 else None  # a new conversation now and then
            ack("user", stream.user_message.id, text)
            so_far = ""
            for item in stream:
                if isinstance(item, ChatChunk):
                    so_far += item.text
                    ack("reply", stream.reply_message.id, so_far)
            ack("final", stream.reply_message.id, stream.text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
