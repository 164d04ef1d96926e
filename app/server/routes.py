"""The ``/v1`` endpoints: models, chat completions (SSE or whole), completions, embeddings.

Streams are Server-Sent Events as OpenAI sends them (``data: {chunk}`` lines, then ``data: [DONE]``).
A reply's first item is awaited before the answer starts, so a model that fails to load answers with an
HTTP error rather than a broken stream. While a request waits (in the queue, in prompt evaluation), the
connection is watched: a client that leaves cancels its reply and frees its slot.
"""

from __future__ import annotations

import asyncio
import base64
import json
import secrets
import struct
import threading
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import anyio
from fastapi import APIRouter, Request, Security
from fastapi.security import HTTPBearer
from starlette.responses import StreamingResponse

from app.core.entities import ChatChunk, ChatResult, FinishReason
from app.core.errors import KnownError
from app.server.backend import END, ApiBackend, Generation
from app.server.errors import ApiError, error_body, from_known
from app.server.schemas import (
    ChatChoice, ChatCompletion, ChatCompletionRequest, Completion, CompletionChoice, CompletionRequest, Embedding,
    EmbeddingList, EmbeddingRequest, ErrorBody, ModelEntry, ModelList, ReplyMessage, Sampling, Usage,
)

POLL_SECONDS = 0.25
"""How often a waiting request checks that its client is still there."""

bearer = HTTPBearer(auto_error=False, description="An API key from Settings or `gptshelf api-keys create`.")
"""Only documents the scheme in /openapi.json; the key itself is checked by the Guard before any route."""

ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody, "description": text} for status, text in (
        (400, "The request cannot be served (a bad schema, a prompt too long for the model)"),
        (401, "Missing or wrong API key"), (403, "The Host header is not this server's"),
        (404, "No such GPT or model"), (413, "The body is larger than 1 MiB"),
        (422, "A value is missing, of the wrong type or out of range"), (429, "Too many requests wait for this model"),
    )
}
STREAM = {"content": {"text/event-stream": {"schema": {"type": "string"}}},
          "description": "With stream=true: Server-Sent Events of chunks, then [DONE]."}


class ClientGone(Exception):
    """The client closed the connection before its answer started."""


class _ReplyStream(StreamingResponse):
    """An SSE answer that cancels its reply however it ends: finished, failed, or the client gone."""

    def __init__(self, content: AsyncIterator[str], generation: Generation) -> None:
        super().__init__(content, media_type="text/event-stream",
                         headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
        self.generation = generation

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            self.generation.cancel()


def build_router(backend: ApiBackend) -> APIRouter:
    router = APIRouter(prefix="/v1", dependencies=[Security(bearer)], responses=ERRORS)

    @router.get("/models", response_model=ModelList, summary="Installed GPTs and models")
    def list_models() -> ModelList:
        return ModelList(data=backend.list_models())

    @router.get("/models/{model_id:path}", response_model=ModelEntry, summary="One GPT or model")
    def get_model(model_id: str) -> ModelEntry:
        for entry in backend.list_models():
            if entry.id == model_id:
                return entry
        raise ApiError(404, f"No GPT or model {model_id!r} is installed.", code="model_not_found", param="model")

    @router.post("/chat/completions", response_model=ChatCompletion, responses={200: STREAM},
                 summary="Chat with a GPT: its instructions, examples and parameters apply")
    async def chat_completions(body: ChatCompletionRequest, request: Request) -> Any:
        generation = backend.chat_generation(body).start()
        ident, created = f"chatcmpl-{secrets.token_hex(12)}", int(time.time())
        first = await _first(generation, request)
        if body.stream:
            events = _events(generation, first, _Shape(ident, created, body.model, chat=True),
                             _include_usage(body), prefix=None)
            return _ReplyStream(events, generation)
        text, result = await _collect(generation, first, request)
        return ChatCompletion(id=ident, created=created, model=body.model, usage=_usage(result), choices=[
            ChatChoice(index=0, message=ReplyMessage(content=text), finish_reason=_finish(result))])

    @router.post("/completions", response_model=Completion, responses={200: STREAM},
                 summary="Continue a prompt with a GPT's model and parameters (no chat template)")
    async def completions(body: CompletionRequest, request: Request) -> Any:
        generation = backend.completion_generation(body, body.text()).start()
        ident, created = f"cmpl-{secrets.token_hex(12)}", int(time.time())
        first = await _first(generation, request)
        prefix = body.text() if body.echo else ""
        if body.stream:
            events = _events(generation, first, _Shape(ident, created, body.model, chat=False),
                             _include_usage(body), prefix=prefix)
            return _ReplyStream(events, generation)
        text, result = await _collect(generation, first, request)
        return Completion(id=ident, created=created, model=body.model, usage=_usage(result), choices=[
            CompletionChoice(index=0, text=prefix + text, finish_reason=_finish(result))])

    @router.post("/embeddings", response_model=EmbeddingList, summary="Embed texts with a GPT's or a model's model")
    async def embeddings(body: EmbeddingRequest) -> EmbeddingList:
        abandoned = threading.Event()
        try:
            embedded = await anyio.to_thread.run_sync(backend.embed, body.model, body.texts(), abandoned)
        finally:
            abandoned.set()
        vectors = embedded.vectors
        if body.dimensions is not None and vectors and body.dimensions != len(vectors[0]):
            raise ApiError(400, f"This model's embeddings have {len(vectors[0])} dimensions, not {body.dimensions}.",
                           param="dimensions", code="invalid_value")
        encode = _base64 if body.encoding_format == "base64" else list
        return EmbeddingList(model=body.model, usage=Usage(prompt_tokens=embedded.tokens, total_tokens=embedded.tokens),
                             data=[Embedding(index=i, embedding=encode(v)) for i, v in enumerate(vectors)])

    return router


async def _next(generation: Generation, request: Request) -> Any:
    """The reply's next item; raises ClientGone (and cancels the reply) when the client leaves meanwhile."""
    getter = asyncio.ensure_future(generation.items.get())
    try:
        while True:
            done, _ = await asyncio.wait({getter}, timeout=POLL_SECONDS)
            if done:
                return getter.result()
            if await request.is_disconnected():
                generation.cancel()
                raise ClientGone
    finally:
        if not getter.done():
            getter.cancel()


async def _first(generation: Generation, request: Request) -> Any:
    """The first item, or the reply's failure raised as the HTTP error it deserves."""
    try:
        item = await _next(generation, request)
    except BaseException:
        generation.cancel()
        raise
    if isinstance(item, BaseException):
        raise item
    return item


async def _collect(generation: Generation, item: Any, request: Request) -> tuple[str, ChatResult | None]:
    parts: list[str] = []
    try:
        while item is not END:
            if isinstance(item, BaseException):
                raise item
            if isinstance(item, ChatChunk):
                parts.append(item.text)
            item = await _next(generation, request)
    finally:
        generation.cancel()
    return "".join(parts), generation.result


@dataclass(frozen=True)
class _Shape:
    """How one endpoint's stream chunks look: chat deltas or completion text."""

    ident: str
    created: int
    model: str
    chat: bool

    def chunk(self, text: str | None, finish: str | None = None) -> str:
        if self.chat:  # None: the opening chunk, which names the role
            delta = {"role": "assistant", "content": ""} if text is None else {"content": text} if text else {}
            choice: dict[str, Any] = {"index": 0, "delta": delta, "finish_reason": finish}
        else:
            choice = {"index": 0, "text": text or "", "finish_reason": finish, "logprobs": None}
        return _event({**self._head(), "choices": [choice]})

    def usage(self, result: ChatResult) -> str:
        return _event({**self._head(), "choices": [], "usage": _usage(result).model_dump()})

    def _head(self) -> dict[str, Any]:
        kind = "chat.completion.chunk" if self.chat else "text_completion"
        return {"id": self.ident, "object": kind, "created": self.created, "model": self.model}


async def _events(generation: Generation, item: Any, shape: _Shape, include_usage: bool,
                  prefix: str | None) -> AsyncIterator[str]:
    """The reply as SSE events, then [DONE]; a failure mid-stream becomes an error event (OpenAI's way)."""
    yield shape.chunk(prefix)
    while item is not END:
        if isinstance(item, BaseException):
            error = item if isinstance(item, ApiError) else from_known(item) if isinstance(item, KnownError) else \
                ApiError(500, f"Internal error: {type(item).__name__}.", type_="server_error", code="internal_error")
            yield _event(error_body(error.message, type_=error.type, code=error.code, param=error.param))
            return
        if isinstance(item, ChatChunk) and item.text:
            yield shape.chunk(item.text)
        elif isinstance(item, ChatResult):
            yield shape.chunk("", _finish(item))
            if include_usage:
                yield shape.usage(item)
        item = await generation.items.get()
    yield "data: [DONE]\n\n"


def _include_usage(body: Sampling) -> bool:
    return bool(body.stream_options and body.stream_options.include_usage)


def _base64(vector: list[float]) -> str:
    return base64.b64encode(struct.pack(f"<{len(vector)}f", *vector)).decode("ascii")


def _event(payload: dict[str, Any]) -> str:
    return f"data: {json.dumps(payload, ensure_ascii=False)}\n\n"


def _finish(result: ChatResult | None) -> str:
    if result is None or result.finish_reason is FinishReason.CANCELLED:
        return "stop"
    return result.finish_reason.value


def _usage(result: ChatResult | None) -> Usage:
    prompt, completion = (result.prompt_tokens, result.completion_tokens) if result else (0, 0)
    return Usage(prompt_tokens=prompt, completion_tokens=completion, total_tokens=prompt + completion)
