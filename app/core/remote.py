"""Remote engines as plain data: an OpenAI-compatible server a GPT can run on instead of this computer.

A remote engine is a setting (name, address, TLS verification, timeout; its API key lives in the
keyring, never here). A GPT runs on this computer unless a :class:`Placement` names an engine and a
model for it, so nothing is ever sent to a server the person did not choose for that GPT.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from app.core.errors import InvalidInput

DEFAULT_TIMEOUT_SECONDS = 120.0
MAX_TIMEOUT_SECONDS = 3600.0


@dataclass(frozen=True)
class RemoteEngine:
    """An OpenAI-compatible server: llama-server, vLLM, Ollama, another GPT Shelf's API..."""

    id: int
    name: str
    base_url: str
    """Without the ``/v1`` suffix: requests go to ``{base_url}/v1/chat/completions`` and ``/v1/models``."""
    verify_tls: bool = True
    timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS
    """How long the engine may send nothing (connecting, before the first token, between tokens)."""
    created_at: str = ""
    updated_at: str = ""

    @property
    def secret_name(self) -> str:
        """The keyring entry of its API key: by id, so a renamed engine keeps its key."""
        return f"remote-engine-{self.id}"


@dataclass(frozen=True)
class RemoteModel:
    """One model a remote engine serves, as its ``GET /v1/models`` lists it."""

    id: str
    owned_by: str = ""


@dataclass(frozen=True)
class EngineCheck:
    """Is an engine reachable, and what does it serve? ``ok`` False carries the reason in ``sentence``."""

    engine: RemoteEngine
    ok: bool
    sentence: str
    models: tuple[RemoteModel, ...] = ()
    seconds: float = 0.0


@dataclass(frozen=True)
class Placement:
    """Where a GPT runs when it is not on this computer: a remote engine and one of its models."""

    gpt_id: str
    engine_id: int
    model: str
    engine_name: str = ""
    updated_at: str = ""


def normalise_base_url(text: str) -> str:
    """``http://host:8080``, ``http://host:8080/``, ``http://host:8080/v1`` -> ``http://host:8080``.

    Only http and https with a host are accepted; a query, a fragment or a user name in the address is
    refused (a key belongs in the keyring, not in a URL that is stored and logged).
    """
    raw = text.strip()
    parts = urlsplit(raw)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise InvalidInput(f"An engine's address must start with http:// or https:// and name a host, not {raw!r} "
                           "(for example http://127.0.0.1:8080).")
    if parts.username or parts.password:
        raise InvalidInput("Leave the user name and password out of the engine's address; give the API key "
                           "separately, so it is kept in the keyring.")
    if parts.query or parts.fragment:
        raise InvalidInput(f"An engine's address cannot carry a query or fragment: {raw!r}.")
    path = parts.path.rstrip("/")
    if path.endswith("/v1"):
        path = path[:-3]
    return urlunsplit((parts.scheme.lower(), parts.netloc, path, "", ""))


def checked_timeout(value: float | str) -> float:
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        raise InvalidInput(f"An engine's timeout must be a number of seconds, not {value!r}.") from None
    if not 1 <= seconds <= MAX_TIMEOUT_SECONDS:
        raise InvalidInput(f"An engine's timeout must be between 1 and {MAX_TIMEOUT_SECONDS:g} seconds, not {value!r}.")
    return seconds
