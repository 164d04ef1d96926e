"""Fixtures for knowledge tests: a real catalog, the test document set written to a temp folder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.catalog import Catalog, open_catalog
from app.core.knowledge import DocumentInput
from app.services.knowledge import _sha256, expand
from tests.support.knowledge_docs import Question, write_documents


@pytest.fixture
def catalog(tmp_path: Path) -> Iterator[Catalog]:
    opened = open_catalog(tmp_path / "data" / "catalog.sqlite3", backups=tmp_path / "data" / "backups")
    yield opened
    opened.close()


@pytest.fixture
def corpus(tmp_path: Path) -> tuple[list[DocumentInput], list[Question]]:
    questions = write_documents(tmp_path / "docs")
    return documents_in(tmp_path / "docs"), questions


def documents_in(folder: Path) -> list[DocumentInput]:
    return [DocumentInput(p.name, _sha256(p), str(p)) for p in expand([folder])]
