"""Pytest fixtures for the fake Hugging Face Hub (register with ``from tests.support.fake_hub_fixtures import *``).

Besides starting and closing hubs, they keep the real client from leaking out of the test:
- ``huggingface_hub`` 2.4.0 fetches ``https://huggingface.co/api/agent-harnesses`` on its first request of
  a process (to build the User-Agent) unless telemetry is off: ``HF_HUB_DISABLE_TELEMETRY`` is turned on;
- a developer's own token (``HF_TOKEN`` or the token file) would be sent to the fake hub, which refuses
  unknown tokens: both are hidden, so "no token" really means no token;
- uploads go through the LFS batch API, not Xet: 2.4.0 picks Xet on the client side whenever ``hf_xet`` is
  installed (``is_xet_available()``), whatever the server says, and the fake hub does not speak Xet, so
  ``HF_HUB_DISABLE_XET`` is turned on (a test may turn it back on to see that failure);
- any connection to an address other than loopback fails at once (``loopback_only``).
"""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.support.fake_hub import FakeHub

__all__ = ["fake_hub", "fake_hub_factory", "hf_cache", "hf_client_isolated", "loopback_only"]

_LOOPBACK = ("127.0.0.1", "::1", "localhost")


@pytest.fixture
def loopback_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Refuse (``OSError``) every TCP connection that is not to loopback, for the test's duration."""
    real_connect, real_connect_ex = socket.socket.connect, socket.socket.connect_ex

    def check(address) -> None:
        if isinstance(address, tuple) and address and address[0] not in _LOOPBACK:
            raise OSError(f"test network guard: connection to {address!r} refused (tests use 127.0.0.1 only)")

    def connect(self, address):
        check(address)
        return real_connect(self, address)

    def connect_ex(self, address):
        check(address)
        return real_connect_ex(self, address)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)


@pytest.fixture
def hf_client_isolated(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """No telemetry fetch, no ambient token, no Xet uploads for the real ``huggingface_hub`` client."""
    from huggingface_hub import constants

    monkeypatch.setattr(constants, "HF_HUB_DISABLE_TELEMETRY", True)
    monkeypatch.setattr(constants, "HF_HUB_DISABLE_XET", True)
    monkeypatch.setattr(constants, "HF_TOKEN_PATH", str(tmp_path_factory.mktemp("hf-home") / "token"))
    for var in ("HF_TOKEN", "HUGGING_FACE_HUB_TOKEN", "HF_OIDC_RESOURCE", "HF_HUB_OFFLINE"):
        monkeypatch.delenv(var, raising=False)


@pytest.fixture
def fake_hub_factory(loopback_only: None, hf_client_isolated: None) -> Iterator[Callable[..., FakeHub]]:
    """Make hubs with options, e.g. ``fake_hub_factory(redirect_lfs=True)``; all closed after the test,
    which then fails if the fake itself crashed while serving (``hub.server_errors``)."""
    hubs: list[FakeHub] = []

    def make(**options) -> FakeHub:
        hub = FakeHub(**options)
        hubs.append(hub)
        return hub

    yield make
    for hub in hubs:
        hub.close()
    errors = [e for hub in hubs for e in hub.server_errors]
    assert not errors, "the fake hub crashed while serving:\n" + "\n".join(errors)


@pytest.fixture
def fake_hub(fake_hub_factory: Callable[..., FakeHub]) -> FakeHub:
    """A fresh, empty hub with the default tokens (``ALICE_TOKEN`` → alice, ``BOB_TOKEN`` → bob)."""
    return fake_hub_factory()


@pytest.fixture
def hf_cache(tmp_path: Path) -> Path:
    """An empty ``cache_dir`` for ``hf_hub_download``."""
    path = tmp_path / "hf-cache"
    path.mkdir()
    return path
