"""The checks every request passes before any route runs: Host header, body size, API key.

- **Host** (against DNS rebinding: a web page whose domain now points at 127.0.0.1): only
  ``localhost``, ``127.0.0.1`` or ``[::1]`` with the server's port, or the address the person chose
  to bind, pass. Bound to every interface, any IP address (never a domain name) with the port passes
  too. Anything else is 403.
- **Body**: at most ``max_body`` bytes (413), read here so that no route ever sees more.
- **Key**: every ``/v1`` request needs ``Authorization: Bearer <key>`` of a key that exists (401).

There is no CORS: no ``Access-Control-Allow-*`` header is ever sent, so a browser page on another
origin cannot read an answer.
"""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Awaitable, Callable
from typing import Any

from app.server.config import LOOPBACK_NAMES, ServerConfig
from app.server.errors import ApiError
from app.services.api_keys import ApiKeys

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

PUBLIC_PATHS = ("/openapi.json", "/health")


class Guard:
    def __init__(self, app: ASGIApp, *, config: ServerConfig, keys: ApiKeys, port: Callable[[], int]) -> None:
        self.app, self.config, self.keys, self.port = app, config, keys, port

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = _headers(scope)
        if not self.host_allowed(headers.get("host", "")):
            await _refuse(send, ApiError(403, "This Host is not allowed: the API answers only requests addressed to "
                                              "this computer's address and port.", code="forbidden_host"))
            return
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.config.max_body:
            await _refuse(send, _too_large(self.config.max_body))
            return
        if scope["path"].startswith("/v1"):
            token = _bearer(headers.get("authorization", ""))
            key = self.keys.verify(token) if token else None
            if key is None:
                message = ("Incorrect API key provided." if token else
                           "No API key provided: send 'Authorization: Bearer <key>'; make a key in Settings or "
                           "with 'gptshelf api-keys create NAME'.")
                await _refuse(send, ApiError(401, message, code="invalid_api_key"),
                              extra=[(b"www-authenticate", b"Bearer")])
                return
            scope.setdefault("state", {})["api_key"] = key
        body = await _read_body(receive, self.config.max_body)
        if body is None:
            await _refuse(send, _too_large(self.config.max_body))
            return
        await self.app(scope, _replay(body, receive), send)

    def host_allowed(self, host: str) -> bool:
        name, port = _split_host(host.strip().lower())
        if name is None or port != self.port():
            return False
        bound = self.config.host.strip().lower().strip("[]")
        if name in LOOPBACK_NAMES or name == bound:
            return True
        if bound not in ("0.0.0.0", "::"):
            return False
        try:  # bound to every interface: the machine's addresses, but never a name a web page controls
            ipaddress.ip_address(name)
        except ValueError:
            return False
        return True


def _split_host(host: str) -> tuple[str | None, int | None]:
    """``name`` and port of a Host header (``[::1]:8421`` → ``::1``, 8421); the port is required."""
    if host.startswith("["):
        end = host.find("]")
        if end < 0 or host[end + 1:end + 2] != ":":
            return None, None
        name, port = host[1:end], host[end + 2:]
    else:
        name, _, port = host.rpartition(":")
    if not name or not port.isdigit() or len(port) > 5:
        return None, None
    return name, int(port)


def _headers(scope: Scope) -> dict[str, str]:
    found: dict[str, str] = {}
    for key, value in scope.get("headers", ()):
        name = key.decode("latin-1").lower()
        if name not in found:  # a repeated Host or Authorization is judged by its first value
            found[name] = value.decode("latin-1")
    return found


def _bearer(value: str) -> str:
    scheme, _, token = value.strip().partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def _too_large(limit: int) -> ApiError:
    return ApiError(413, f"The request body is larger than {limit // 1024} KiB.", code="request_too_large")


async def _read_body(receive: Receive, limit: int) -> bytes | None:
    """The whole body, or None once it passes ``limit`` (a body without Content-Length is counted too)."""
    parts: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        parts.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(parts)


def _replay(body: bytes, receive: Receive) -> Receive:
    """The app reads the body already read here, then the connection's later messages (a disconnect)."""
    sent = False

    async def replayed() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replayed


async def _refuse(send: Send, error: ApiError, extra: list[tuple[bytes, bytes]] | None = None) -> None:
    payload = json.dumps(error.body()).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode()),
               *(extra or [])]
    await send({"type": "http.response.start", "status": error.status, "headers": headers})
    await send({"type": "http.response.body", "body": payload})
