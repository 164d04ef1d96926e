"""Opening the catalog: pragmas, refusing damaged files without touching them, backups."""

from __future__ import annotations

import os
import random
import sqlite3
from pathlib import Path

import pytest

from app.catalog import open_catalog
from app.catalog.database import backup
from app.core.entities import Role
from app.core.errors import CatalogError
from tests.unit.catalog.factories import gpt, model_file


def _filled_database(database: Path, backups: Path, messages: int = 400) -> None:
    with open_catalog(database, backups=backups) as catalog:
        catalog.save_gpt(gpt(model=catalog.add_model(model_file())))
        conversation = catalog.create_conversation("me/helper", "Long chat")
        for i in range(messages):
            catalog.add_message(conversation.id, Role.USER, f"message number {i} " * 20)


def test_a_new_catalog_uses_wal_foreign_keys_and_normal_sync(catalog) -> None:
    conn = catalog._conns.db.conn
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
    assert conn.execute("PRAGMA busy_timeout").fetchone()[0] > 0
    reader = catalog._conns.read()
    assert reader.execute("PRAGMA query_only").fetchone()[0] == 1
    assert reader.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_a_new_catalog_makes_no_backup(paths) -> None:
    database, backups = paths
    open_catalog(database, backups=backups).close()
    open_catalog(database, backups=backups).close()
    assert not backups.exists() or not any(backups.iterdir())


def test_random_bytes_are_refused_and_left_unchanged(paths) -> None:
    database, backups = paths
    database.parent.mkdir(parents=True)
    content = random.Random(7).randbytes(20_000)
    database.write_bytes(content)
    with pytest.raises(CatalogError) as raised:
        open_catalog(database, backups=backups)
    message = str(raised.value)
    assert str(database) in message and "not an SQLite database" in message
    assert f"No backup exists in {backups}" in message
    assert database.read_bytes() == content
    assert sorted(p.name for p in database.parent.iterdir()) == ["catalog.sqlite3"]


def test_random_bytes_after_a_valid_header_are_refused(paths) -> None:
    database, backups = paths
    database.parent.mkdir(parents=True)
    content = b"SQLite format 3\x00" + random.Random(8).randbytes(8_000)
    database.write_bytes(content)
    with pytest.raises(CatalogError):
        open_catalog(database, backups=backups)
    assert database.read_bytes() == content


@pytest.mark.parametrize("damage", ["truncated", "overwritten"])
def test_a_damaged_database_is_refused_and_left_unchanged(paths, damage: str) -> None:
    database, backups = paths
    _filled_database(database, backups)
    content = database.read_bytes()
    assert len(content) > 100_000
    if damage == "truncated":
        content = content[: len(content) // 2]
    else:
        noise = random.Random(3).randbytes(4096 * 4)
        content = content[:8192] + noise + content[8192 + len(noise) :]
    database.write_bytes(content)
    for leftover in database.parent.glob("catalog.sqlite3-*"):
        leftover.unlink()
    with pytest.raises(CatalogError) as raised:
        open_catalog(database, backups=backups)
    assert str(database) in str(raised.value) and "damaged" in str(raised.value)
    assert database.read_bytes() == content


def test_the_error_names_the_newest_backup_when_there_is_one(paths) -> None:
    database, backups = paths
    _filled_database(database, backups, messages=3)
    conn = sqlite3.connect(database)
    made = backup(conn, backups, "manual")
    conn.close()
    database.write_bytes(b"this is not a database at all" * 100)
    with pytest.raises(CatalogError) as raised:
        open_catalog(database, backups=backups)
    assert f"A backup exists in {backups}" in str(raised.value)
    assert made.name in str(raised.value)


def test_a_backup_is_a_complete_database(paths) -> None:
    database, backups = paths
    _filled_database(database, backups, messages=5)
    conn = sqlite3.connect(database)
    first = backup(conn, backups, "one")
    second = backup(conn, backups, "one")  # same second: a new name, not an overwrite
    conn.close()
    assert first != second and first.exists() and second.exists()
    assert not list(backups.glob("*.partial"))
    copy = sqlite3.connect(first)
    assert copy.execute("SELECT count(*) FROM messages").fetchone()[0] == 5
    assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    copy.close()


def test_a_catalog_from_a_newer_app_is_refused(paths) -> None:
    database, backups = paths
    open_catalog(database, backups=backups).close()
    conn = sqlite3.connect(database)
    conn.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) VALUES ('gptshelf', 'm999_future', '')"
    )
    conn.commit()
    conn.close()
    with pytest.raises(CatalogError, match="newer version"):
        open_catalog(database, backups=backups)


def test_closing_twice_is_harmless_and_use_after_close_is_a_bug(catalog) -> None:
    catalog.close()
    catalog.close()
    with pytest.raises(RuntimeError):
        catalog.list_gpts()


def test_close_folds_the_wal_into_the_database_file(paths) -> None:
    database, backups = paths
    _filled_database(database, backups, messages=50)
    wal = Path(f"{database}-wal")
    assert not wal.exists() or os.path.getsize(wal) == 0


def test_a_folder_in_place_of_the_file_is_a_known_error(paths) -> None:
    database, backups = paths
    database.mkdir(parents=True)
    with pytest.raises(CatalogError, match="cannot be"):
        open_catalog(database, backups=backups)
