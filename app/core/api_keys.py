"""A key that lets a program use the local API (docs/api.md), as the app lists it: never the secret itself."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ApiKey:
    """A named key. Its secret is shown once, when it is made; only a digest of it is kept (in the keyring)."""

    id: str
    name: str
    created_at: str
    last_used_at: str | None = None


@dataclass(frozen=True)
class NewApiKey:
    """A key just made, with its secret: the only time the secret exists outside the program that holds it."""

    key: ApiKey
    secret: str
    persistent: bool = True
    """False when there is no usable keyring: the key works only until this process ends."""
