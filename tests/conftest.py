"""Test-wide set-up: an offscreen Qt, a throw-away data folder for every test, no real keyring."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Qt reads this when the first QApplication is made; tests never need a display.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(autouse=True)
def gptshelf_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own empty GPTSHELF_HOME so nothing touches the real data folder."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("GPTSHELF_HOME", str(home))
    return home
