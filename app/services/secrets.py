"""Secrets (the hub token) in the OS keyring, never in our files or logs.

When the keyring has no usable backend, the token is kept for this session only and the person is
told so, rather than being written somewhere in plain text.

keyring is imported on the first read or write, not with this module: finding its backend loads
plugins through entry points (a tenth of a second or more), which the app's start does not need.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from types import ModuleType

from app.core.errors import KnownError

log = logging.getLogger(__name__)

SERVICE = "GPT Shelf"
HF_TOKEN = "hub-token"


@dataclass
class Secrets:
    service: str = SERVICE
    _session: dict[str, str] = field(default_factory=dict)
    persistent: bool = True

    def get(self, name: str) -> str | None:
        if name in self._session:
            return self._session[name]
        keyring = _keyring()
        try:
            return keyring.get_password(self.service, name)
        except keyring.errors.NoKeyringError:
            log.debug("no system keyring: no stored %s", name)
            return None
        except keyring.errors.KeyringError:
            log.warning("the keyring could not be read", exc_info=True)
            return None

    def set(self, name: str, value: str) -> bool:
        """Store a secret; False when it could only be kept for this session."""
        value = value.strip()
        if not value:
            raise KnownError("The token is empty.")
        keyring = _keyring()
        try:
            keyring.set_password(self.service, name, value)
            self._session.pop(name, None)
            return True
        except keyring.errors.KeyringError:
            log.warning("no usable keyring; keeping the secret for this session only")
            self._session[name] = value
            self.persistent = False
            return False

    def delete(self, name: str) -> None:
        self._session.pop(name, None)
        keyring = _keyring()
        try:
            keyring.delete_password(self.service, name)
        except (keyring.errors.PasswordDeleteError, keyring.errors.NoKeyringError):
            pass  # nothing stored, or no keyring to have stored it in
        except keyring.errors.KeyringError:
            log.warning("the keyring could not be changed", exc_info=True)


def _keyring() -> ModuleType:
    import keyring  # noqa: PLC0415 - see the module docstring
    import keyring.errors  # noqa: PLC0415

    return keyring


def redact(text: str) -> str:
    """Hide anything that looks like a hub token (``hf_…``) before it is logged or shown."""
    import re  # noqa: PLC0415

    return re.sub(r"hf_[A-Za-z0-9]{6,}", "hf_***", text)
