"""Fixtures for the GGUF checker tests: tiny gguf-py-written models and raw struct-built ones."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.support.tiny_gguf import CHATML_TEMPLATE, write_tiny_llama
from tests.unit.ggufcheck.gguf_bytes import Built, base_model


@pytest.fixture(scope="session")
def tiny_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("tiny-gguf")


@pytest.fixture(scope="session")
def tiny_model(tiny_dir: Path) -> Path:
    """A tiny llama GGUF (gguf-py writer) without a chat template."""
    return write_tiny_llama(tiny_dir / "tiny.gguf")


@pytest.fixture(scope="session")
def tiny_chatml_model(tiny_dir: Path) -> Path:
    return write_tiny_llama(tiny_dir / "tiny-chatml.gguf", chat_template=CHATML_TEMPLATE)


@pytest.fixture(scope="session")
def tiny_vocab_only(tiny_dir: Path) -> Path:
    return write_tiny_llama(tiny_dir / "tiny-vocab.gguf", vocab_only=True)


@pytest.fixture(scope="session")
def raw_base() -> Built:
    """A small valid GGUF built byte by byte, with the offset of every field."""
    return base_model().build()


@pytest.fixture
def write_bytes(tmp_path: Path) -> Callable[[bytes], Path]:
    """Write bytes to a fresh file in this test's tmp dir and return its path."""
    counter = iter(range(1_000_000))

    def write(data: bytes) -> Path:
        path = tmp_path / f"case-{next(counter)}.gguf"
        path.write_bytes(data)
        return path

    return write
