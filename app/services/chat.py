"""Sending a message to a GPT, so that nothing typed or generated is ever lost.

The user's message is committed before generation starts. The reply is a row from its first token:
checkpointed while it streams and finalised as ``complete``, ``cancelled`` or ``failed`` (with the
reason), whatever happens to the engine.
"""

from __future__ import annotations

import datetime
import getpass
import logging
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from app.catalog import Catalog
from app.core.entities import (
    GPT, ChatChunk, ChatMessage, ChatResult, Conversation, FinishReason, Message, MessageStatus, Role,
)
from app.core.errors import InvalidInput, KnownError
from app.core.knowledge import Source
from app.core.settings import Settings
from app.engine.client import EngineClient
from app.engine.protocol import ChatRequest, LoadSpec
from app.knowledge.chunking import estimate_tokens
from app.knowledge.context import with_sources
from app.services.engines import EnginePool
from app.services.models import ModelLibrary

if TYPE_CHECKING:
    from app.services.knowledge import KnowledgeService
    from app.core.remote import Placement
    from app.engine.remote import RemoteClient
    from app.services.remote_engines import RemoteEngines

log = logging.getLogger(__name__)

MAX_MESSAGE_CHARS = 200_000
KNOWLEDGE_SHARE = 0.5
"""Passages from the knowledge files take at most this share of the context."""


@dataclass(frozen=True)
class Prompt:
    """The messages a reply is generated from, and the knowledge passages they carry (numbered as cited)."""

    messages: tuple[ChatMessage, ...]
    pinned: int
    """How many leading messages (instructions, examples) are never dropped to fit the context."""
    sources: tuple[Source, ...] = ()
    notices: tuple[str, ...] = ()


def check_turns(turns: Sequence[ChatMessage]) -> None:
    """A conversation that can be answered ends with the person's message, not empty and not too long.

    Checked before a model is loaded for it (the local API asks before it takes a slot), and again by
    :meth:`ChatService.preview`.
    """
    if not turns or turns[-1].role is not Role.USER or not turns[-1].content.strip():
        raise InvalidInput("The message is empty.")
    if len(turns[-1].content) > MAX_MESSAGE_CHARS:
        raise InvalidInput(f"The message is longer than {MAX_MESSAGE_CHARS:,} characters.")


@dataclass
class ChatService:
    catalog: Catalog
    models: ModelLibrary
    engines: EnginePool
    settings: Callable[[], Settings]
    checkpoint_seconds: float = 1.0
    knowledge: KnowledgeService | None = None
    """Finds passages of a GPT's knowledge files for each question (None: replies use no knowledge)."""
    remote: RemoteEngines | None = None
    """Remote engines; a GPT placed on one is answered there (see :meth:`placement_of`)."""

    def send(self, gpt_key: str, text: str, *, conversation_id: int | None = None) -> ReplyStream:
        """Commit the person's message and return the reply stream (iterate it to generate)."""
        text = text.strip()
        if not text:
            raise InvalidInput("The message is empty.")
        if len(text) > MAX_MESSAGE_CHARS:
            raise InvalidInput(f"The message is longer than {MAX_MESSAGE_CHARS:,} characters.")
        gpt = self.catalog.get_gpt(gpt_key)
        if conversation_id is None:
            conversation = self.catalog.create_conversation(gpt.id, _title(text))
        else:
            conversation = self.catalog.get_conversation(conversation_id)
            if conversation.gpt_id != gpt.id:
                raise InvalidInput(f"Conversation {conversation_id} belongs to another GPT ({conversation.gpt_id}).")
        history = self.catalog.list_messages(conversation.id)
        user = self.catalog.add_message(conversation.id, Role.USER, text)
        return self._reply(gpt, conversation, history, user)

    def regenerate(self, conversation_id: int) -> ReplyStream:
        """Answer the last message of the person again, replacing the replies after it."""
        conversation = self.catalog.get_conversation(conversation_id)
        messages = self.catalog.list_messages(conversation_id)
        users = [m for m in messages if m.role is Role.USER]
        if not users:
            raise InvalidInput("This conversation has no message to answer again.")
        last = users[-1]
        self.catalog.delete_messages_after(conversation_id, last.id)
        history = [m for m in messages if m.id < last.id]
        return self._reply(self.catalog.get_gpt(conversation.gpt_id), conversation, history, last)

    def edit(self, message_id: int, conversation_id: int, text: str) -> ReplyStream:
        """Change one of the person's messages and answer it afresh (later turns are dropped)."""
        text = text.strip()
        if not text:
            raise InvalidInput("The message is empty.")
        messages = self.catalog.list_messages(conversation_id)
        target = next((m for m in messages if m.id == message_id), None)
        if target is None or target.role is not Role.USER:
            raise InvalidInput(f"Message {message_id} is not one of your messages in conversation {conversation_id}.")
        edited = self.catalog.update_message(message_id, content=text)
        self.catalog.delete_messages_after(conversation_id, message_id)
        history = [m for m in messages if m.id < message_id]
        conversation = self.catalog.get_conversation(conversation_id)
        return self._reply(self.catalog.get_gpt(conversation.gpt_id), conversation, history, edited)

    def preview(self, gpt: GPT, turns: Sequence[ChatMessage], *, session: str = "preview",
                grammar: str | None = None) -> PreviewStream:
        """Answer a draft GPT that is not saved (the wizard's test chat); nothing is stored anywhere.

        ``turns`` is the test conversation so far, ending with the person's message; the draft's
        instructions and examples go first, as in :meth:`send`. ``session`` names the engine's cache;
        ``grammar`` (GBNF) holds the reply to it (see :class:`~app.engine.protocol.ChatRequest`).
        """
        check_turns(turns)
        prompt = self.build_prompt(gpt, turns[:-1], turns[-1].content)
        # A grammar-held reply (drafting) needs this computer's engine; a test chat runs where the GPT runs.
        placement = self.placement_of(gpt) if grammar is None else None
        return PreviewStream(self, gpt, (prompt.messages, prompt.pinned), notices=list(prompt.notices),
                             sources=list(prompt.sources), placement=placement, session=session, grammar=grammar)

    def build_prompt(self, gpt: GPT, history: Sequence[ChatMessage], text: str) -> Prompt:
        """The messages for answering ``text`` after ``history``: instructions and examples, the history, and
        the person's message with the passages of the GPT's knowledge that answer it (with their sources).

        Every way of answering goes through here (send, regenerate, edit, preview, and so the local API),
        so each gets the same knowledge. Slow when files must be indexed or embedded first: call it off
        the GUI thread, as the reply's worker does.
        """
        messages, pinned = _prompt(gpt, history, text)
        if self.knowledge is None or not gpt.knowledge:
            return Prompt(messages, pinned)
        sources, notices = self.knowledge.context(gpt, text, self._knowledge_budget(gpt, messages, pinned))
        if sources:
            last = messages[-1]
            messages = (*messages[:-1], ChatMessage(last.role, with_sources(last.content, sources)))
        return Prompt(messages, pinned, tuple(sources), tuple(notices))

    def _knowledge_budget(self, gpt: GPT, messages: Sequence[ChatMessage], pinned: int) -> int:
        """Estimated tokens the passages may take: the context less the reply's room, the instructions and
        examples and the question (older turns give way to them, as they do to a long question)."""
        try:
            n_ctx = self.load_spec(gpt).n_ctx
        except KnownError:
            n_ctx = gpt.params.context_length
        reply = min(gpt.params.max_tokens, n_ctx // 2)
        fixed = sum(estimate_tokens(m.content) + 8 for m in (*messages[:pinned], messages[-1]))
        return max(0, min(int(n_ctx * KNOWLEDGE_SHARE), n_ctx - reply - fixed - 64))

    def _reply(self, gpt: GPT, conversation: Conversation, history: list[Message], user: Message) -> ReplyStream:
        kept = [ChatMessage(m.role, m.content) for m in history
                if m.status in (MessageStatus.COMPLETE, MessageStatus.CANCELLED)]
        prompt = self.build_prompt(gpt, kept, user.content)
        reply = self.catalog.add_message(conversation.id, Role.ASSISTANT, "", status=MessageStatus.STREAMING)
        if prompt.sources:
            self.catalog.set_message_sources(reply.id, prompt.sources)
        return ReplyStream(self, gpt, (prompt.messages, prompt.pinned), notices=list(prompt.notices),
                           sources=list(prompt.sources), placement=self.placement_of(gpt), conversation=conversation,
                           user_message=user, reply_message=reply)

    def placement_of(self, gpt: GPT) -> Placement | None:
        """The remote engine and model the person chose for this GPT; None: it runs on this computer."""
        return self.remote.placement(gpt.id) if self.remote is not None else None

    def load_spec(self, gpt: GPT) -> LoadSpec:
        model = self.catalog.get_model(gpt.model_sha256)
        info = model.info
        settings = self.settings()
        n_ctx = gpt.params.context_length
        if info is not None and info.context_length:
            n_ctx = min(n_ctx, info.context_length)
        adapter = self.catalog.get_model(gpt.adapter_sha256) if gpt.adapter_sha256 else None
        return LoadSpec(
            path=str(self.models.file_of(model)),
            adapter_path=str(self.models.file_of(adapter)) if adapter else None,
            adapter_scale=gpt.adapter_scale, gpu=settings.gpu_offload, n_ctx=n_ctx, threads=settings.threads,
            file_size=model.size, block_count=(info.block_count or 0) if info else 0,
        )


@dataclass
class _EngineReply:
    """What a stored reply and a preview share: the GPT's model loaded in an engine, its reply streamed, cancel."""

    service: ChatService
    gpt: GPT
    prompt: tuple[tuple[ChatMessage, ...], int]
    notices: list[str] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)
    """The knowledge passages the prompt carries, numbered as the reply may cite them."""
    result: ChatResult | None = None
    text: str = ""
    placement: Placement | None = None
    """Set: the reply comes from this remote engine's model instead of this computer's engine."""
    _engine: EngineClient | RemoteClient | None = None
    _cancelled: threading.Event = field(default_factory=threading.Event)

    def cancel(self) -> None:
        """Stop generating; safe from any thread."""
        self._cancelled.set()
        if self._engine is not None:
            self._engine.cancel()

    def _engine_items(self, session: str, grammar: str | None = None) -> Iterator[ChatChunk | ChatResult]:
        """The engine's chunks and final result for ``prompt``, kept under ``session`` (its KV cache key)."""
        if self.placement is not None:
            yield from self._remote_items(self.placement, grammar)
            return
        model = self.service.catalog.get_model(self.gpt.model_sha256)
        if model.info is None:
            raise KnownError(f"Model {model.display_name!r} has no recorded GGUF details; import it again.")
        from app.engine.templates import choose_template  # noqa: PLC0415 - jinja2: with the first reply

        template = choose_template(model.info, self.gpt.chat_template)
        engine, loaded = self.service.engines.acquire(self.service.load_spec(self.gpt))
        self._engine = engine
        self.notices.extend(loaded.notices)
        messages, pinned = self.prompt
        request = ChatRequest(messages=messages, params=self.gpt.params, template=template, pinned=pinned,
                              conversation=session, grammar=grammar)
        for item in engine.chat(request):
            if self._cancelled.is_set():
                engine.cancel()
            if isinstance(item, ChatResult):
                self.result = item
            yield item

    def _remote_items(self, placement: Placement, grammar: str | None) -> Iterator[ChatChunk | ChatResult]:
        """The same prompt, sent to the remote engine's model; its template and context are the server's."""
        assert self.service.remote is not None
        client = self.service.remote.client_for(placement)
        self._engine = client
        if self._cancelled.is_set():
            client.cancel()
        messages, _pinned = self.prompt
        for item in client.chat(messages, self.gpt.params, model=placement.model, grammar=grammar):
            if self._cancelled.is_set():
                client.cancel()
            if isinstance(item, ChatResult):
                self.result = item
            yield item


@dataclass(kw_only=True)
class ReplyStream(_EngineReply):
    """One reply being generated. Iterate for :class:`ChatChunk` items and a final :class:`ChatResult`.

    Cancelled, what was written so far is kept as a cancelled reply.
    """

    conversation: Conversation
    user_message: Message
    reply_message: Message

    def __iter__(self) -> Iterator[ChatChunk | ChatResult]:
        catalog = self.service.catalog
        parts: list[str] = []
        status, error = MessageStatus.FAILED, None
        last_saved = time.monotonic()
        try:
            for item in self._engine_items(str(self.conversation.id)):
                if isinstance(item, ChatResult):
                    if item.dropped_messages:
                        self.notices.append(f"{item.dropped_messages} older messages did not fit in the model's "
                                            "context and were left out of this reply.")
                else:
                    parts.append(item.text)
                    if time.monotonic() - last_saved >= self.service.checkpoint_seconds:
                        catalog.update_message(self.reply_message.id, content="".join(parts))
                        last_saved = time.monotonic()
                yield item
            cancelled = self.result is not None and self.result.finish_reason is FinishReason.CANCELLED
            status = MessageStatus.CANCELLED if cancelled else MessageStatus.COMPLETE
        except GeneratorExit:
            status = MessageStatus.CANCELLED
            raise
        except KnownError as exc:
            error = str(exc)
            raise
        except Exception as exc:
            log.exception("reply to conversation %s failed", self.conversation.id)
            error = f"Internal error: {type(exc).__name__}: {exc}"
            raise
        finally:
            self.text = "".join(parts)
            self.reply_message = catalog.update_message(self.reply_message.id, content=self.text, status=status,
                                                        error=error)


@dataclass(kw_only=True)
class PreviewStream(_EngineReply):
    """A reply from a draft GPT (:meth:`ChatService.preview`): iterated like :class:`ReplyStream`, stored nowhere."""

    session: str = "preview"
    grammar: str | None = None

    def __iter__(self) -> Iterator[ChatChunk | ChatResult]:
        parts: list[str] = []
        try:
            for item in self._engine_items(self.session, self.grammar):
                if isinstance(item, ChatChunk):
                    parts.append(item.text)
                yield item
        finally:
            self.text = "".join(parts)


def expand_variables(text: str, *, today: datetime.date | None = None, user: str | None = None) -> str:
    """Instructions with ``{date}`` as today's date (2026-05-01) and ``{user}`` as the person's login name.

    Replaced at send time, so a GPT knows the day it is asked on; other braces stay as they are,
    because instructions often show JSON.
    """
    if "{date}" in text:
        text = text.replace("{date}", (today or datetime.date.today()).isoformat())
    if "{user}" in text:
        text = text.replace("{user}", user if user is not None else _login_name())
    return text


def _login_name() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError, ImportError):  # no login name in this environment (a service, a container)
        return "user"


def sample_conversation(gpt: GPT) -> tuple[ChatMessage, ...]:
    """A short conversation with the GPT's instructions and examples, to show how a template lays it out."""
    system = expand_variables(gpt.instructions).strip() or "You are a helpful assistant."
    return (ChatMessage(Role.SYSTEM, system), *gpt.examples, ChatMessage(Role.USER, "Hello! What can you do?"),
            ChatMessage(Role.ASSISTANT, "I can answer questions and help you write."),
            ChatMessage(Role.USER, "Thanks. One more question, please."))


def _prompt(gpt: GPT, history: Sequence[ChatMessage], text: str) -> tuple[tuple[ChatMessage, ...], int]:
    """System instructions and examples (never dropped), then the non-empty history, then the new message."""
    messages: list[ChatMessage] = []
    if gpt.instructions.strip():
        messages.append(ChatMessage(Role.SYSTEM, expand_variables(gpt.instructions)))
    messages.extend(gpt.examples)
    pinned = len(messages)
    for message in history:
        if message.content.strip():
            _append_merged(messages, pinned, message)
    _append_merged(messages, pinned, ChatMessage(Role.USER, text))
    return tuple(messages), pinned


def _append_merged(messages: list[ChatMessage], pinned: int, message: ChatMessage) -> None:
    """Templates expect roles to alternate; a failed reply leaves two user turns in a row, so join them."""
    if len(messages) > pinned and messages[-1].role is message.role:
        messages[-1] = ChatMessage(message.role, f"{messages[-1].content}\n\n{message.content}")
    else:
        messages.append(message)


def _title(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= 60 else line[:59] + "…"
