"""``gptshelf chat``: one message, or a loop that streams replies; Ctrl-C stops the reply, not the program."""

from __future__ import annotations

import signal
import sys

from app.cli.output import Output
from app.core.entities import ChatChunk, ChatResult, FinishReason
from app.core.errors import KnownError
from app.services.chat import ReplyStream
from app.services.container import Services


def run_chat(services: Services, out: Output, gpt_key: str, *, message: str | None,
             conversation_id: int | None) -> int:
    gpt = services.gpts.get(gpt_key)
    if message is not None:
        stream = services.chat.send(gpt.id, message, conversation_id=conversation_id)
        _stream(out, stream)
        return 0
    where = services.remote_engines.where(gpt.id)
    out.write(f"Chatting with {gpt.name} (runs on: {where}). Ctrl-C stops a reply; Ctrl-D or /exit quits.")
    for starter in gpt.starters:
        out.write(f"  try: {starter}")
    while True:
        try:
            text = input("> ")
        except (EOFError, KeyboardInterrupt):
            out.write()
            return 0
        if text.strip() in ("/exit", "/quit"):
            return 0
        if not text.strip():
            continue
        try:
            stream = services.chat.send(gpt.id, text, conversation_id=conversation_id)
            conversation_id = stream.conversation.id
            _stream(out, stream)
        except KnownError as exc:
            sys.stderr.write(f"gptshelf: {exc}\n")


def _stream(out: Output, stream: ReplyStream) -> None:
    """Print the reply as it comes; a Ctrl-C while it streams cancels it and keeps the partial text."""
    previous = signal.signal(signal.SIGINT, lambda *_: stream.cancel())
    result: ChatResult | None = None
    try:
        for item in stream:
            if isinstance(item, ChatChunk):
                out.write(item.text, end="")
            else:
                result = item
    finally:
        signal.signal(signal.SIGINT, previous)
    out.write()
    for notice in stream.notices:
        sys.stderr.write(f"note: {notice}\n")
    if result is not None and result.finish_reason is FinishReason.CANCELLED:
        sys.stderr.write("(reply stopped)\n")
    elif result is not None and result.finish_reason is FinishReason.LENGTH:
        sys.stderr.write("(reply cut at the token limit)\n")
