"""What the API does with a request: find the GPT, set its parameters, and run the reply in a model's slot.

Chat replies take the non-persisting path of :meth:`ChatService.preview`, so a GPT's instructions,
examples (and whatever else the chat service adds to its prompt) apply exactly as in the app, and nothing
is stored. Each reply runs on a thread of its own from start to end: an engine's stream must be read by
the thread that started it. Its items reach the event loop through an asyncio queue; cancelling a
generation (the client left) stops it at the next token and frees its slot.
"""

from __future__ import annotations

import asyncio
import datetime
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from app.core.entities import GPT, ChatMessage, ChatResult, GenerationParams, ModelStatus, Role
from app.core.errors import KnownError
from app.core.settings import Settings
from app.engine.protocol import Embeddings
from app.server.errors import ApiError
from app.server.schemas import ChatCompletionRequest, ModelEntry, ResponseFormat, Sampling
from app.server.slots import Abandoned, ModelSlots, QueueFull
from app.services.chat import ChatService, PreviewStream, check_turns
from app.services.gpts import GPTLibrary
from app.services.models import ModelLibrary

log = logging.getLogger(__name__)

MODEL_PREFIX = "model:"
RAW_TEMPLATE = "{% for message in messages %}{{ message['content'] }}{% endfor %}"
"""/v1/completions continues the prompt as it is: no chat template around it."""
SESSION = "api"
"""The engine's KV-cache key for API replies: requests that share a prefix (a GPT's instructions) reuse it."""
END = object()


@dataclass
class ApiBackend:
    chat: ChatService
    gpts: GPTLibrary
    models: ModelLibrary
    slots: ModelSlots
    settings: Callable[[], Settings]

    def list_models(self) -> list[ModelEntry]:
        """Installed GPTs (by their ids), then installed models (``model:`` and a sha256 prefix)."""
        entries = [ModelEntry(id=g.id, created=_epoch(g.created_at), owned_by=g.author or "local", name=g.name,
                              kind="gpt") for g in self.gpts.list()]
        entries += [ModelEntry(id=f"{MODEL_PREFIX}{m.sha256[:12]}", created=_epoch(m.added_at), owned_by="local",
                               name=m.display_name, kind="model")
                    for m in self.models.list() if m.status is ModelStatus.INSTALLED]
        return entries

    def resolve(self, model_id: str) -> GPT:
        """The GPT a request names: a GPT by id (or name), or a bare model as a GPT with default settings."""
        if model_id.startswith(MODEL_PREFIX):
            model = self.models.get(model_id[len(MODEL_PREFIX):])
            params = GenerationParams(context_length=self.settings().context_length)
            return GPT(id=model_id, name=model.display_name, model_sha256=model.sha256, params=params)
        return self.gpts.get(model_id)

    def chat_generation(self, request: ChatCompletionRequest) -> Generation:
        gpt = self.resolve(request.model)
        system = "\n\n".join(m.text() for m in request.messages if m.role in ("system", "developer") and m.text())
        if system:  # after the GPT's own instructions, never instead of them
            gpt = replace(gpt, instructions=f"{gpt.instructions}\n\n{system}".strip())
        turns = [ChatMessage(Role(m.role), m.text()) for m in request.messages if m.role in ("user", "assistant")]
        check_turns(turns)  # before a slot is taken and a model loaded for nothing
        gpt = replace(gpt, params=overridden(gpt.params, request, request.max_completion_tokens or request.max_tokens))
        grammar = grammar_for(request.response_format)
        return Generation(self, gpt.model_sha256,
                          lambda chat: chat.preview(gpt, turns, session=SESSION, grammar=grammar))

    def completion_generation(self, request: Sampling, prompt: str) -> Generation:
        gpt = self.resolve(request.model)
        raw = replace(gpt, instructions="", examples=(), chat_template=RAW_TEMPLATE,
                      params=overridden(gpt.params, request, request.max_tokens))
        turns = [ChatMessage(Role.USER, prompt)]
        check_turns(turns)
        return Generation(self, gpt.model_sha256, lambda chat: chat.preview(raw, turns, session=f"{SESSION}-raw"))

    def embed(self, model_id: str, texts: list[str], abandoned: threading.Event) -> Embeddings:
        """Embed ``texts`` with the model loaded for embeddings (in slots of its own); blocks."""
        gpt = self.resolve(model_id)
        spec = replace(self.chat.load_spec(gpt), embedding=True)
        try:
            with self.slots.slot(f"{gpt.model_sha256}#embed", abandoned) as slot:
                engine, _ = slot.pool.acquire(spec)
                return engine.embed(texts)
        except QueueFull as exc:
            raise busy() from exc


def busy() -> ApiError:
    return ApiError(429, "Too many requests are waiting for this model; try again shortly.",
                    type_="rate_limit_error", code="rate_limit_exceeded")


def overridden(base: GenerationParams, request: Sampling, max_tokens: int | None) -> GenerationParams:
    """The GPT's parameters with the request's values where it gave them (already range-checked)."""
    changes: dict[str, Any] = {name: getattr(request, name) for name in
                               ("temperature", "top_p", "top_k", "min_p", "repeat_penalty", "frequency_penalty",
                                "presence_penalty", "seed")
                               if getattr(request, name) is not None}
    if max_tokens is not None:
        changes["max_tokens"] = max_tokens
    stops = request.stops()
    if stops is not None:
        changes["stop"] = stops
    return replace(base, **changes)


def grammar_for(response_format: ResponseFormat | None) -> str | None:
    """A GBNF grammar for ``json_object`` / ``json_schema`` replies (None for free text)."""
    if response_format is None or response_format.type == "text":
        return None
    schema: dict[str, Any] = {"type": "object"}
    if response_format.type == "json_schema":
        if response_format.json_schema is None or response_format.json_schema.schema_ is None:
            raise ApiError(400, "response_format json_schema needs json_schema.schema.", param="response_format")
        schema = response_format.json_schema.schema_
    from app.engine.grammar import json_schema_grammar  # noqa: PLC0415 - only for structured replies

    try:
        return json_schema_grammar(schema)
    except KnownError as exc:
        raise ApiError(400, str(exc), param="response_format.json_schema.schema", code="invalid_value") from exc
    except Exception as exc:  # noqa: BLE001 - the converter fails on odd schemas in many ways; all are the caller's
        log.info("a JSON schema could not be converted", exc_info=True)
        raise ApiError(400, f"This JSON Schema cannot be turned into a grammar for the model ({type(exc).__name__}).",
                       param="response_format.json_schema.schema", code="invalid_value") from exc


@dataclass
class Generation:
    """One reply running on its own thread; its ChatChunk/ChatResult items arrive on :attr:`items`."""

    backend: ApiBackend
    key: str
    build: Callable[[ChatService], PreviewStream]
    """Makes the reply's stream with the chat service of the slot it got (its own model process); run on the
    reply's thread, since building the prompt may itself take time (retrieval)."""
    stream: PreviewStream | None = None
    items: asyncio.Queue[Any] = field(default_factory=asyncio.Queue)
    _abandoned: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None
    _done: bool = False
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self) -> Generation:
        loop = asyncio.get_running_loop()
        self._thread = threading.Thread(target=self._run, args=(loop,), name="api-reply", daemon=True)
        self._thread.start()
        return self

    def cancel(self) -> None:
        """Give up: leave the queue, or stop generating at the next token; safe from any thread, twice.

        Once the reply has ended this does nothing: its slot's model may be serving the next request.
        """
        self._abandoned.set()
        with self._lock:
            if not self._done and self.stream is not None:
                self.stream.cancel()

    @property
    def result(self) -> ChatResult | None:
        return self.stream.result if self.stream is not None else None

    def _run(self, loop: asyncio.AbstractEventLoop) -> None:
        def emit(item: Any) -> None:
            try:
                loop.call_soon_threadsafe(self.items.put_nowait, item)
            except RuntimeError:  # the server's loop is gone: nobody reads this reply any more
                self.cancel()

        slots = self.backend.slots
        recorded = False
        try:
            with slots.slot(self.key, self._abandoned) as slot:
                if self._abandoned.is_set():
                    return
                # The reply runs in this slot's own model process, not in the GUI's.
                stream = self.build(replace(self.backend.chat, engines=slot.pool))
                with self._lock:
                    self.stream = stream
                try:
                    if not self._abandoned.is_set():
                        for item in stream:
                            emit(item)
                finally:
                    with self._lock:
                        self._done = True  # before the slot is freed for the next request
                    self._record()  # before the slot is freed too: whoever sees it free sees how it ended
                    recorded = True
        except (Abandoned, GeneratorExit):
            pass
        except QueueFull:
            emit(busy())
        except BaseException as exc:  # noqa: BLE001 - handed to the request, which answers with it
            emit(exc)
        finally:
            if not recorded:
                self._record()
            emit(END)

    def _record(self) -> None:
        result = self.result
        self.backend.slots.record(self.key, result.finish_reason if result else None,
                                  result.completion_tokens if result else 0)


def _epoch(stamp: str) -> int:
    try:
        return int(datetime.datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp())
    except ValueError:
        return 0
