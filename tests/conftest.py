"""Test-wide set-up: an offscreen Qt, a throw-away data folder for every test, no real keyring."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.support.fake_hub_fixtures import fake_hub, fake_hub_factory, hf_cache, hf_client_isolated, loopback_only  # noqa: F401

# Qt reads this when the first QApplication is made; tests never need a display.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(scope="session")
def session_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One cache folder for the run: the starter model is assembled there once, not in ~/.cache."""
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(autouse=True)
def gptshelf_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch,
                  session_cache: Path) -> Path:
    """Every test gets its own empty GPTSHELF_HOME so nothing touches the real data folder."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("GPTSHELF_HOME", str(home))
    monkeypatch.setenv("XDG_CACHE_HOME", str(session_cache))
    return home


@pytest.fixture(scope="session")
def tiny_models(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Tiny random llama GGUFs the real llama.cpp runs: with ChatML, with no template, vocab-only."""
    from tests.support.tiny_gguf import CHATML_TEMPLATE, write_tiny_llama

    folder = tmp_path_factory.mktemp("models")
    return {
        "chatml": write_tiny_llama(folder / "tiny-chatml.gguf", chat_template=CHATML_TEMPLATE,
                                   context_length=4096, name="tiny-chatml"),
        "plain": write_tiny_llama(folder / "tiny-plain.gguf", context_length=4096, name="tiny-plain", seed=1),
        "vocab": write_tiny_llama(folder / "tiny-vocab.gguf", vocab_only=True, name="tiny-vocab"),
    }


@pytest.fixture
def tiny_model(tiny_models: dict[str, Path]) -> Path:
    return tiny_models["chatml"]


@pytest.fixture(autouse=True)
def memory_keyring(monkeypatch: pytest.MonkeyPatch) -> dict[tuple[str, str], str]:
    """An in-memory keyring backend for every test: tests never touch the real OS keyring."""
    import keyring
    import keyring.backend
    import keyring.errors

    store: dict[tuple[str, str], str] = {}

    class Backend(keyring.backend.KeyringBackend):
        priority = 1  # type: ignore[assignment]

        def get_password(self, service: str, username: str) -> str | None:
            return store.get((service, username))

        def set_password(self, service: str, username: str, password: str) -> None:
            store[(service, username)] = password

        def delete_password(self, service: str, username: str) -> None:
            if store.pop((service, username), None) is None:
                raise keyring.errors.PasswordDeleteError(username)

    previous = keyring.get_keyring()
    keyring.set_keyring(Backend())
    yield store
    keyring.set_keyring(previous)
