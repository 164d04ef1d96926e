"""Fixtures for catalog tests: a real SQLite file in a temp folder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.catalog import Catalog, open_catalog
from tests.unit.catalog.factories import gpt, model_file


@pytest.fixture
def paths(tmp_path: Path) -> tuple[Path, Path]:
    """(database file, backups folder)."""
    return tmp_path / "data" / "catalog.sqlite3", tmp_path / "data" / "backups"


@pytest.fixture
def catalog(paths: tuple[Path, Path]) -> Iterator[Catalog]:
    database, backups = paths
    opened = open_catalog(database, backups=backups)
    yield opened
    opened.close()


@pytest.fixture
def conversation_id(catalog: Catalog) -> int:
    """A conversation with a GPT (and its model) already stored."""
    model = catalog.add_model(model_file())
    catalog.save_gpt(gpt(model=model))
    return catalog.create_conversation("me/helper", "Test chat").id
