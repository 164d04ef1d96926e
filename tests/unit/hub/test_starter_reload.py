"""The starter catalog is parsed only when its file changed, not at every start."""

from __future__ import annotations

import shutil
from pathlib import Path

from app.catalog import open_catalog
from app.core.paths import resources_dir
from app.hub import sync
from app.services.store import Store


def _store(catalog, starter: Path) -> Store:  # noqa: ANN001
    return Store(catalog=catalog, client=None, settings=None, fit=None, installer=None, secrets=None,  # type: ignore[arg-type]
                 starter_catalog=starter)


def test_an_unchanged_starter_catalog_is_not_parsed_again(tmp_path, monkeypatch) -> None:
    starter = tmp_path / "starter.jsonl"
    shutil.copyfile(resources_dir() / "catalog" / "starter.jsonl", starter)
    assert sync.starter_sha256(starter) == sync.read_starter(starter)[0]
    with open_catalog(tmp_path / "c.sqlite3", backups=tmp_path / "b") as catalog:
        first = _store(catalog, starter).load_starter()
        assert first.added
        parsed: list[Path] = []
        real = sync.read_starter
        monkeypatch.setattr("app.services.starter_catalog.read_starter", lambda path: parsed.append(path) or real(path))
        assert not _store(catalog, starter).load_starter().any
        assert parsed == []
        starter.write_bytes(starter.read_bytes() + b"\n")  # a new version of the file: read again
        _store(catalog, starter).load_starter()
        assert parsed == [starter]
    assert sync.starter_sha256(tmp_path / "missing.jsonl") is None
