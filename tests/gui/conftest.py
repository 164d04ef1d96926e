"""Fixtures the window tests share."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.core.paths import AppPaths
from app.services.container import open_services
from tests.support.store_data import INDEX_REPO


@pytest.fixture
def hub_services(gptshelf_home: Path, fake_hub):
    """Real services on a fresh data folder whose hub is the fake hub, with the store index repo set."""
    with open_services(AppPaths(gptshelf_home), install_starter=False) as opened:
        opened.catalog.save_settings(opened.settings().updated(hub_endpoint=fake_hub.url,
                                                               store_index_repo=INDEX_REPO))
        yield opened
