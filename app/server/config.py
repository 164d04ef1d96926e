"""How the local API server runs: address, limits, slots; checked once, from the settings or the command line."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from app.core.errors import InvalidInput
from app.core.settings import Settings

LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")
MAX_BODY_BYTES = 1024 * 1024
MAX_SLOTS = 16


@dataclass(frozen=True)
class ServerConfig:
    host: str = "127.0.0.1"
    port: int = 8421
    slots: int = 1
    """Replies generated at once per model; each slot is a model process of its own."""
    idle_seconds: float = 600.0
    """A model unused this long is unloaded (0: kept until the server stops)."""
    max_body: int = MAX_BODY_BYTES
    max_waiting: int = 64
    """Requests that may wait for one model's slots; more get 429."""
    max_models: int = 2
    """Models kept loaded at once; loading another unloads the least recently used idle one."""

    def __post_init__(self) -> None:
        if not self.host.strip():
            raise InvalidInput("The API's address is empty; use 127.0.0.1 to serve this computer only.")
        if not 0 <= self.port <= 65535:  # 0: any free port (tests, benchmarks)
            raise InvalidInput(f"The API's port must be between 1 and 65535, not {self.port}.")
        if not 1 <= self.slots <= MAX_SLOTS:
            raise InvalidInput(f"The API's parallel replies per model must be 1 to {MAX_SLOTS}, not {self.slots}.")
        if self.idle_seconds < 0:
            raise InvalidInput("The API's idle time before unloading a model cannot be negative.")

    @classmethod
    def from_settings(cls, settings: Settings, *, host: str | None = None, port: int | None = None) -> ServerConfig:
        return cls(host=host if host is not None else settings.api_host,
                   port=port if port is not None else settings.api_port,
                   slots=settings.api_slots, idle_seconds=float(settings.api_idle_seconds))

    @property
    def loopback_only(self) -> bool:
        return is_loopback(self.host)

    def url(self, port: int | None = None) -> str:
        """The base URL a program on this computer uses (``…/v1``)."""
        host = self.host
        if host in ("0.0.0.0", "::", ""):
            host = "127.0.0.1"
        if ":" in host:
            host = f"[{host}]"
        return f"http://{host}:{port if port is not None else self.port}/v1"


def is_loopback(host: str) -> bool:
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False
