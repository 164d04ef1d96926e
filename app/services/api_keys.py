"""Keys for the local API: made with a name, listed, revoked, and checked on every request.

A key reads ``gsk_<id>_<secret>``. The catalog holds each key's id and name; the keyring holds a
SHA-256 digest of the whole key, never the key itself, so neither the database nor the keyring can
give a key away. A key is shown once, when it is made. Checking compares digests in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets as random_secrets
import threading
import time
from dataclasses import dataclass, field

from app.catalog import Catalog
from app.core.api_keys import ApiKey, NewApiKey
from app.core.errors import InvalidInput, KnownError, NotFound
from app.services.secrets import Secrets

log = logging.getLogger(__name__)

PREFIX = "gsk"
MAX_NAME = 64
TOUCH_SECONDS = 60.0
"""A key's "last used" is written at most this often, not on every request."""
_NO_DIGEST = hashlib.sha256(b"no such key").hexdigest()


def _secret_name(key_id: str) -> str:
    return f"api-key:{key_id}"


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass
class ApiKeys:
    catalog: Catalog
    secrets: Secrets
    _digests: dict[str, str] = field(default_factory=dict)
    _touched: dict[str, float] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def create(self, name: str, *, session_only: bool = True) -> NewApiKey:
        """Make a key named ``name``; the returned secret is the only copy there will ever be.

        Without a usable keyring the key can only work in this process: with ``session_only`` False (a
        command whose process ends at once) that is refused, and nothing is kept.
        """
        name = " ".join(name.split())
        if not name:
            raise InvalidInput("Give the API key a name, e.g. the program that will use it.")
        if len(name) > MAX_NAME:
            raise InvalidInput(f"An API key's name is at most {MAX_NAME} characters.")
        key_id = random_secrets.token_hex(4)
        secret = f"{PREFIX}_{key_id}_{random_secrets.token_urlsafe(32)}"
        key = self.catalog.add_api_key(key_id, name)
        digest = _digest(secret)
        persistent = self.secrets.set(_secret_name(key_id), digest)
        if not persistent:
            if not session_only:
                self.catalog.delete_api_key(key_id)
                self.secrets.delete(_secret_name(key_id))
                raise KnownError("There is no usable system keyring to keep the API key in, so it would stop working "
                                 "when this command ends. Set up a keyring (e.g. GNOME Keyring or KWallet), or make "
                                 "the key in the app's Settings while the API runs there.")
            log.warning("no usable keyring: API key %s works only until GPT Shelf closes", name)
        with self._lock:
            self._digests[key_id] = digest
        return NewApiKey(key, secret, persistent)

    def list(self) -> list[ApiKey]:
        return self.catalog.list_api_keys()

    def revoke(self, key: str) -> ApiKey:
        """Revoke a key by its id or name: it stops working at once, in every running server."""
        found = self.catalog.get_api_key(key)
        self.catalog.delete_api_key(found.id)
        self.secrets.delete(_secret_name(found.id))
        with self._lock:
            self._digests.pop(found.id, None)
        return found

    def verify(self, presented: str) -> ApiKey | None:
        """The key ``presented`` is, or None. The same work is done for an unknown id as for a known one."""
        parts = presented.split("_", 2)
        key_id = parts[1] if len(parts) == 3 and parts[0] == PREFIX else ""
        key: ApiKey | None = None
        if key_id:
            try:
                key = self.catalog.get_api_key(key_id)  # revoked elsewhere (the CLI beside a server): gone here too
            except NotFound:
                key = None
        expected = self._digest_of(key.id) if key is not None and key.id == key_id else None
        matched = hmac.compare_digest(_digest(presented), expected or _NO_DIGEST)
        if not matched or key is None or expected is None:
            return None
        self._touch(key.id)
        return key

    def _digest_of(self, key_id: str) -> str | None:
        with self._lock:
            digest = self._digests.get(key_id)
        if digest is None:
            digest = self.secrets.get(_secret_name(key_id))
            if digest is not None:
                with self._lock:
                    self._digests[key_id] = digest
        return digest

    def _touch(self, key_id: str) -> None:
        now = time.monotonic()
        with self._lock:
            if now - self._touched.get(key_id, -TOUCH_SECONDS) < TOUCH_SECONDS:
                return
            self._touched[key_id] = now
        self.catalog.touch_api_key(key_id)
