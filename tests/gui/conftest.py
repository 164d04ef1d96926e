"""Fixtures the window tests share."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QThreadPool

from app.core.paths import AppPaths
from app.services.container import open_services
from app.ui.jobs import Jobs
from tests.support.store_data import INDEX_REPO


@pytest.fixture
def hub_services(gptshelf_home: Path, fake_hub):
    """Real services on a fresh data folder whose hub is the fake hub, with the store index repo set."""
    with open_services(AppPaths(gptshelf_home), install_starter=False) as opened:
        opened.catalog.save_settings(opened.settings().updated(hub_endpoint=fake_hub.url,
                                                               store_index_repo=INDEX_REPO))
        yield opened


@pytest.fixture
def services(gptshelf_home: Path):
    """Real services on a fresh data folder, without the starter GPT (modules may define their own)."""
    with open_services(AppPaths(gptshelf_home), install_starter=False) as opened:
        yield opened


@pytest.fixture
def jobs():
    """The window's background jobs on a pool of their own: teardown waits for this test's jobs only."""
    pool = Jobs(QThreadPool())
    yield pool
    pool.cancel_all()
    assert pool.wait(30_000)
