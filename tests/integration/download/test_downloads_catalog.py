"""The catalog's side of downloads: the ``downloads`` migration on an existing database, and the typed queries."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlite_utils import Database

from app.catalog import Catalog, open_catalog
from app.catalog.migrations import MIGRATIONS
from app.core.entities import DownloadRecord, DownloadStatus
from app.core.errors import InvalidInput

MIGRATION = "m004_downloads"


def _before_downloads(database: Path) -> None:
    """A catalog as the release before downloads left it, with a few rows in it."""
    database.parent.mkdir(parents=True, exist_ok=True)
    db = Database(database)
    MIGRATIONS.apply(db, stop_before=MIGRATION)
    db.conn.executescript(
        f"""
        INSERT INTO settings VALUES ('theme', '"dark"');
        INSERT INTO model_files VALUES ('{"b" * 64}', 'Kept Model', '/kept', 10, 'installed', NULL, '', '2024-01-01T00:00:00.000Z');
        INSERT INTO conversations (gpt_id, title, created_at, updated_at)
            VALUES ('me/old', 'Kept chat', '2024-01-01T00:00:00.000Z', '2024-01-01T00:00:00.000Z');
        """
    )
    db.close()


def test_the_downloads_migration_keeps_existing_data_and_backs_up_first(tmp_path: Path) -> None:
    database, backups = tmp_path / "catalog.sqlite3", tmp_path / "backups"
    _before_downloads(database)
    with open_catalog(database, backups=backups) as catalog:
        assert catalog.load_settings().theme == "dark"
        assert catalog.get_model("kept model").path == "/kept"
        assert [c.title for c in catalog.list_conversations()] == ["Kept chat"]
        assert catalog.list_downloads() == []
        columns = {r["name"] for r in catalog._conns.db.conn.execute("PRAGMA table_info(downloads)")}
    assert columns == {"key", "url", "target", "partial", "expected_sha256", "expected_size", "bytes_done", "status",
                       "error", "etag", "updated_at"}
    [copy] = backups.iterdir()
    assert copy.name.endswith(f"-before-{MIGRATION}.sqlite3")
    old = sqlite3.connect(copy)
    assert "downloads" not in {r[0] for r in old.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    old.close()


def _record(key: str, status: DownloadStatus = DownloadStatus.RUNNING, **changes: object) -> DownloadRecord:
    values: dict[str, object] = {
        "key": key, "url": "https://hub.example/r/resolve/abc/m.gguf", "target": f"/store/{key}",
        "partial": f"/store/{key}.partial", "expected_sha256": "c" * 64, "expected_size": 100, "bytes_done": 0,
        "status": status,
    }
    values.update(changes)
    return DownloadRecord(**values)  # type: ignore[arg-type]


def test_save_get_list_delete(catalog: Catalog) -> None:
    saved = catalog.save_download(_record("a", etag='"e1"'))
    assert saved.updated_at and saved.etag == '"e1"' and saved.status is DownloadStatus.RUNNING
    assert catalog.get_download("a") == saved
    updated = catalog.save_download(_record("a", DownloadStatus.PAUSED, bytes_done=40, error=None))
    assert (updated.bytes_done, updated.status, updated.etag) == (40, DownloadStatus.PAUSED, None)
    assert updated.updated_at > saved.updated_at
    catalog.save_download(_record("b", DownloadStatus.DONE, expected_sha256=None, expected_size=None))
    assert [r.key for r in catalog.list_downloads()] == ["b", "a"]  # most recently updated first
    assert [r.key for r in catalog.list_downloads(DownloadStatus.PAUSED)] == ["a"]
    assert catalog.get_download("b").expected_size is None
    assert catalog.delete_download("a") is True and catalog.delete_download("a") is False
    assert catalog.get_download("a") is None and catalog.get_download("nope") is None


def test_bad_records_are_refused(catalog: Catalog) -> None:
    with pytest.raises(InvalidInput):
        catalog.save_download(_record("a", status="exploded"))
    with pytest.raises(InvalidInput):
        catalog.save_download(_record("a", bytes_done=-1))
    assert catalog.list_downloads() == []


def test_a_status_from_a_newer_version_reads_as_failed(catalog: Catalog) -> None:
    catalog.save_download(_record("a"))
    with catalog._conns.write() as conn:
        conn.execute("UPDATE downloads SET status = 'verifying' WHERE key = 'a'")
    assert catalog.get_download("a").status is DownloadStatus.FAILED
