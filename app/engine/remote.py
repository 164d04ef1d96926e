"""A reply from a remote OpenAI-compatible engine (llama-server, vLLM, Ollama, another GPT Shelf's API).

It yields what the local engine yields (:class:`ChatChunk` items, then one :class:`ChatResult`), so the
chat service stores, checkpoints and stops a remote reply exactly as a local one. The messages come
ready-made: instructions, examples and history are laid out by GPT Shelf, the chat template is the
server's.

Stop closes the request. :meth:`RemoteClient.cancel` shuts the socket down from the stopping thread,
which wakes a read that is blocked on a stalled server at once (closing a socket alone does not wake a
``recv`` on Linux). Every failure is turned into a :class:`RemoteEngineError` subclass that names the
engine and says what to do; the API key never appears in a message or a log.

httpx is imported with the first request, not with this module (the GUI's first paint does not need it).
"""

from __future__ import annotations

import json
import logging
import socket
import threading
import time
from collections.abc import Iterator, Sequence
from email.utils import parsedate_to_datetime
from typing import Any

from app.core.entities import ChatChunk, ChatMessage, ChatResult, FinishReason, GenerationParams
from app.core.errors import (
    RemoteAuthFailed, RemoteEngineError, RemoteRateLimited, RemoteStreamDropped, RemoteTimedOut, RemoteUnreachable,
)
from app.core.remote import DEFAULT_TIMEOUT_SECONDS, RemoteModel

log = logging.getLogger(__name__)

MAX_ERROR_CHARS = 300
USER_AGENT = "GPTShelf"


class RemoteClient:
    """One engine's address and credentials; one reply at a time may be cancelled with :meth:`cancel`."""

    def __init__(self, base_url: str, *, name: str = "", api_key: str | None = None, verify_tls: bool = True,
                 timeout: float = DEFAULT_TIMEOUT_SECONDS) -> None:
        self.base_url = base_url.rstrip("/")
        self.name = name or self.base_url
        self._api_key = api_key or None
        self._verify = verify_tls
        self._timeout = timeout
        self._cancelled = threading.Event()
        self._socket: socket.socket | None = None
        self._lock = threading.Lock()

    # --- requests ------------------------------------------------------------------------------------
    def models(self) -> list[RemoteModel]:
        """What the engine serves (``GET /v1/models``)."""
        with self._client() as client:
            response = self._send(client, "GET", "/v1/models")
            try:
                body = response.json()
                listed = body["data"] if isinstance(body, dict) else body
                return [RemoteModel(id=str(m["id"]), owned_by=str(m.get("owned_by") or "")) for m in listed]
            except (ValueError, KeyError, TypeError):
                raise RemoteEngineError(f"The engine {self.name!r} answered /v1/models with something that is not "
                                        "an OpenAI-style model list; is the address that of an OpenAI-compatible "
                                        "server?") from None

    def chat(self, messages: Sequence[ChatMessage], params: GenerationParams, *, model: str,
             grammar: str | None = None) -> Iterator[ChatChunk | ChatResult]:
        """Stream a reply: text chunks, then one :class:`ChatResult`. Breaking out early closes the request.

        A :meth:`cancel` that comes before the request starts is honoured too: nothing is sent.
        """
        if self._cancelled.is_set():
            self._cancelled.clear()
            yield ChatResult(finish_reason=FinishReason.CANCELLED, prompt_tokens=0, completion_tokens=0)
            return
        body = request_body(messages, params, model=model, grammar=grammar)
        started = time.monotonic()
        completion = 0
        finish: FinishReason | None = None
        usage: dict[str, Any] = {}
        with self._client() as client:
            response = self._send(client, "POST", "/v1/chat/completions", json_body=body, stream=True)
            try:
                self._hold_socket(response)
                done = False
                for data in self._events(response):
                    if data == "[DONE]":
                        done = True
                        break
                    event = _parse_event(data, self.name)
                    usage = event.get("usage") or usage
                    for choice in event.get("choices") or ():
                        text = (choice.get("delta") or {}).get("content") or ""
                        if text:
                            completion += 1
                            yield ChatChunk(text)
                        finish = _finish(choice.get("finish_reason")) or finish
                    if self._cancelled.is_set():
                        break
                if self._cancelled.is_set():
                    finish = FinishReason.CANCELLED
                elif not done and finish is None:
                    raise RemoteStreamDropped(f"The engine {self.name!r} ended the reply in the middle, without "
                                              "saying it was finished. The part received is kept; send the "
                                              "message again to retry.")
            finally:
                self._release_socket()
                response.close()
                self._cancelled.clear()
        yield ChatResult(finish_reason=finish or FinishReason.STOP,
                         prompt_tokens=int(usage.get("prompt_tokens") or 0),
                         completion_tokens=int(usage.get("completion_tokens") or completion),
                         seconds=time.monotonic() - started)

    def cancel(self) -> None:
        """Stop the reply in progress now: the request is closed (safe from any thread)."""
        self._cancelled.set()
        with self._lock:
            sock = self._socket
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass  # already closed by the reading thread

    # --- plumbing ------------------------------------------------------------------------------------
    def _client(self) -> Any:
        import httpx2  # noqa: PLC0415 - see the module docstring

        headers = {"User-Agent": USER_AGENT, "Accept": "application/json"}
        if self._api_key:
            headers["Authorization"] = f"Bearer {self._api_key}"
        # trust_env off: an engine on the local network must not be sent through a proxy meant for the web.
        return httpx2.Client(headers=headers, verify=self._verify, timeout=httpx2.Timeout(self._timeout),
                             trust_env=False, follow_redirects=False)

    def _send(self, client: Any, method: str, path: str, *, json_body: dict | None = None,
              stream: bool = False) -> Any:
        """The response, its status checked (2xx); any failure raised as a RemoteEngineError subclass."""
        import httpx2  # noqa: PLC0415

        url = f"{self.base_url}{path}"
        try:
            request = client.build_request(method, url, json=json_body)
            response = client.send(request, stream=stream)
        except httpx2.HTTPError as exc:
            raise self._translate(exc) from None
        if response.status_code >= 400:
            try:
                response.read()
            except httpx2.HTTPError:
                pass
            finally:
                response.close()
            raise self._status_error(response)
        return response

    def _events(self, response: Any) -> Iterator[str]:
        """The ``data:`` payloads of a server-sent event stream (comments and other fields skipped)."""
        import httpx2  # noqa: PLC0415

        pending: list[str] = []
        try:
            for line in response.iter_lines():
                if not line:
                    if pending:
                        yield "\n".join(pending)
                        pending = []
                    continue
                if line.startswith("data:"):
                    pending.append(line[5:].lstrip(" "))
            if pending:
                yield "\n".join(pending)
        except httpx2.HTTPError as exc:
            if self._cancelled.is_set():
                return
            raise self._translate(exc, mid_stream=True) from None
        except OSError:  # the socket shut down by cancel() under a read
            if not self._cancelled.is_set():
                raise

    def _hold_socket(self, response: Any) -> None:
        stream = response.extensions.get("network_stream")
        sock = stream.get_extra_info("socket") if stream is not None else None
        with self._lock:
            self._socket = sock
        if sock is None:
            log.debug("no socket to shut down on cancel for %s; stop waits for the next event", self.name)
        elif self._cancelled.is_set():
            self.cancel()

    def _release_socket(self) -> None:
        with self._lock:
            self._socket = None

    def _translate(self, exc: Exception, *, mid_stream: bool = False) -> RemoteEngineError:
        import httpx2  # noqa: PLC0415

        where = f"{self.name!r} at {self.base_url}"
        if isinstance(exc, httpx2.ConnectTimeout):
            return RemoteUnreachable(f"The engine {where} did not accept a connection within "
                                     f"{_seconds(self._timeout)}. Check that it is running and reachable from "
                                     "this computer.")
        if isinstance(exc, httpx2.TimeoutException):
            return RemoteTimedOut(f"The engine {where} sent nothing for {_seconds(self._timeout)}, so the request "
                                  "was stopped. The server may be overloaded or the model still loading; try again, "
                                  "or raise the engine's timeout in Settings.")
        if isinstance(exc, httpx2.ConnectError):
            reason = _reason(exc)
            if "CERTIFICATE" in reason.upper() or "SSL" in reason.upper():
                return RemoteUnreachable(f"The engine {where} failed TLS verification ({reason}). Install its "
                                         "certificate, or turn TLS verification off for this engine if you trust "
                                         "the network.")
            return RemoteUnreachable(f"Cannot reach the engine {where} ({reason}). Check that the server is running "
                                     "and the address is right.")
        if mid_stream or isinstance(exc, (httpx2.RemoteProtocolError, httpx2.ReadError)):
            return RemoteStreamDropped(f"The connection to the engine {where} broke in the middle of the reply "
                                       f"({_reason(exc)}). The part received is kept; send the message again to "
                                       "retry.")
        if isinstance(exc, httpx2.UnsupportedProtocol):
            return RemoteUnreachable(f"The engine's address {self.base_url} is not an http:// or https:// URL.")
        return RemoteUnreachable(f"The request to the engine {where} failed ({_reason(exc)}).")

    def _status_error(self, response: Any) -> RemoteEngineError:
        status = response.status_code
        said = _server_message(response)
        detail = f" The server said: {said}" if said else ""
        if status in (401, 403):
            return RemoteAuthFailed(f"The engine {self.name!r} refused the API key (HTTP {status}). Set the right "
                                    f"key for it in Settings → Engines or with `gptshelf engines edit "
                                    f"{_quoted(self.name)} --key`.{detail}")
        if status == 429:
            wait = retry_after_seconds(response.headers.get("Retry-After"))
            when = f"after {_seconds(wait)}" if wait is not None else "in a little while"
            return RemoteRateLimited(f"The engine {self.name!r} is limiting requests (HTTP 429); try again "
                                     f"{when}.{detail}", retry_after=wait)
        if status == 404:
            return RemoteEngineError(f"The engine {self.name!r} has no such model or endpoint (HTTP 404); check the "
                                     f"model chosen for this GPT against `gptshelf engines models "
                                     f"{_quoted(self.name)}`.{detail}")
        return RemoteEngineError(f"The engine {self.name!r} answered HTTP {status}.{detail}")


def request_body(messages: Sequence[ChatMessage], params: GenerationParams, *, model: str,
                 grammar: str | None = None) -> dict[str, Any]:
    """The chat-completions request: OpenAI's fields, plus llama.cpp's sampling names, which vLLM and
    Ollama accept or ignore, so a GPT's parameters apply wherever the server knows them."""
    body: dict[str, Any] = {
        "model": model,
        "messages": [{"role": m.role.value, "content": m.content} for m in messages],
        "stream": True,
        "temperature": params.temperature,
        "top_p": params.top_p,
        "max_tokens": params.max_tokens,
        "top_k": params.top_k,
        "min_p": params.min_p,
        "repeat_penalty": params.repeat_penalty,
    }
    if params.stop:
        body["stop"] = list(params.stop)
    if params.seed is not None:
        body["seed"] = params.seed
    if params.frequency_penalty:
        body["frequency_penalty"] = params.frequency_penalty
    if params.presence_penalty:
        body["presence_penalty"] = params.presence_penalty
    if grammar is not None:
        body["grammar"] = grammar  # llama-server's and llama-cpp-python's field; others ignore it
    return body


def retry_after_seconds(value: str | None) -> float | None:
    """A ``Retry-After`` header (seconds, or an HTTP date) as seconds from now; None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, round(when.timestamp() - time.time()))


def _parse_event(data: str, name: str) -> dict[str, Any]:
    try:
        event = json.loads(data)
    except ValueError:
        raise RemoteStreamDropped(f"The engine {name!r} sent a piece of the reply that is not JSON; the part "
                                  "received is kept.") from None
    if not isinstance(event, dict):
        raise RemoteStreamDropped(f"The engine {name!r} sent a piece of the reply that is not a JSON object.")
    if "error" in event:
        raise RemoteEngineError(f"The engine {name!r} stopped the reply with an error: {_error_text(event['error'])}")
    return event


def _finish(value: Any) -> FinishReason | None:
    if value in (None, ""):
        return None
    return FinishReason.LENGTH if value == "length" else FinishReason.STOP


def _server_message(response: Any) -> str:
    try:
        body = response.json()
    except ValueError:
        text = response.text.strip()
        return text[:MAX_ERROR_CHARS]
    if isinstance(body, dict):
        return _error_text(body.get("error", body.get("detail", body)))
    return str(body)[:MAX_ERROR_CHARS]


def _error_text(error: Any) -> str:
    if isinstance(error, dict):
        error = error.get("message") or error.get("detail") or json.dumps(error)
    return str(error)[:MAX_ERROR_CHARS]


def _reason(exc: Exception) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text[:MAX_ERROR_CHARS]


def _seconds(value: float) -> str:
    return "1 second" if value == 1 else f"{value:g} seconds"


def _quoted(name: str) -> str:
    return f'"{name}"' if " " in name else name
