"""Rotated backups (SQLite's backup API) and restoring one over a damaged catalog, which is kept aside."""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path

import pytest

from app.catalog import open_catalog
from app.catalog.backups import KEEP_AUTO, is_usable, list_backups, restore, rotate_backup
from app.catalog.database import backup
from app.core.entities import Role
from app.core.errors import CatalogDamaged, CatalogError
from tests.unit.catalog.factories import gpt, model_file


def _with_messages(database: Path, backups: Path, count: int) -> None:
    with open_catalog(database, backups=backups) as catalog:
        saved = catalog.save_gpt(gpt(model=catalog.add_model(model_file())))
        conversation = catalog.create_conversation(saved.id, "chat")
        for i in range(count):
            catalog.add_message(conversation.id, Role.USER, f"message {i}")


def _messages(database: Path) -> int:
    conn = sqlite3.connect(database)
    try:
        return conn.execute("SELECT count(*) FROM messages").fetchone()[0]
    finally:
        conn.close()


def test_a_rotated_backup_is_written_once_per_interval_and_only_the_newest_are_kept(paths) -> None:
    database, backups = paths
    _with_messages(database, backups, 3)
    manual = backup(sqlite3.connect(database), backups, "manual")
    first = rotate_backup(database, backups)
    assert first is not None and is_usable(first) and _messages(first) == 3
    assert rotate_backup(database, backups) is None  # not due yet
    made = [first]
    for step in range(KEEP_AUTO + 2):
        os.utime(made[-1], (time.time() - 2 * 86400, time.time() - 2 * 86400))
        made.append(rotate_backup(database, backups))
        assert made[-1] is not None and made[-1] != made[-2], step
    autos = [p for p in list_backups(backups) if "-auto" in p.name]
    assert len(autos) == KEEP_AUTO and set(autos) == set(made[-KEEP_AUTO:])
    assert manual.exists(), "a backup made for another reason is never rotated away"
    assert not list(backups.glob("*.partial"))


def test_a_backup_taken_while_another_connection_writes_is_consistent(paths) -> None:
    database, backups = paths
    _with_messages(database, backups, 1)
    with open_catalog(database, backups=backups) as catalog:
        conversation = catalog.list_conversations()[0]
        for i in range(200):
            catalog.add_message(conversation.id, Role.USER, f"more {i}")  # left in the WAL, not checkpointed
        made = rotate_backup(database, backups)
    assert made is not None and is_usable(made) and _messages(made) == 201


def test_restore_keeps_the_damaged_file_and_its_wal_aside_and_deletes_nothing(paths) -> None:
    """Regression: the check at open closed a read-write connection, which deleted the WAL it could not read."""
    database, backups = paths
    _with_messages(database, backups, 5)
    good = rotate_backup(database, backups)
    damaged = b"SQLite format 3\x00" + b"\x00" * 5000
    database.write_bytes(damaged)
    Path(f"{database}-wal").write_bytes(b"wal bytes")
    with pytest.raises(CatalogDamaged) as raised:
        open_catalog(database, backups=backups)
    assert raised.value.has_backup and good.name in str(raised.value)
    done = restore(database, good)
    assert done.backup == good and good.exists()
    kept = {p.name.split(".damaged-")[1][16:]: p.read_bytes() for p in done.kept_aside}
    assert (kept[""], kept["-wal"]) == (damaged, b"wal bytes"), "the check or the restore changed the damaged files"
    assert not Path(f"{database}-wal").exists()
    with open_catalog(database, backups=backups) as catalog:
        assert len(catalog.list_messages(catalog.list_conversations()[0].id)) == 5


def test_a_damaged_backup_is_never_restored_and_the_catalog_is_left_as_it_was(paths) -> None:
    database, backups = paths
    _with_messages(database, backups, 1)
    bad = backups / "catalog-20260101T000000Z-auto.sqlite3"
    bad.parent.mkdir(parents=True, exist_ok=True)
    bad.write_bytes(b"SQLite format 3\x00" + b"\xff" * 4000)
    before = database.read_bytes()
    with pytest.raises(CatalogError, match="itself damaged"):
        restore(database, bad)
    assert database.read_bytes() == before


def test_an_emptied_catalog_with_backups_is_damage_not_a_fresh_start(paths) -> None:
    """Regression: a catalog truncated to 0 bytes was silently opened as a new, empty one."""
    database, backups = paths
    _with_messages(database, backups, 2)
    rotate_backup(database, backups)
    database.write_bytes(b"")
    with pytest.raises(CatalogDamaged, match="the file is empty"):
        open_catalog(database, backups=backups)
    assert database.read_bytes() == b""


def test_an_empty_file_without_backups_is_still_a_new_catalog(paths) -> None:
    database, backups = paths
    database.parent.mkdir(parents=True)
    database.write_bytes(b"")
    open_catalog(database, backups=backups).close()
    assert _messages(database) == 0


def test_a_failed_copy_puts_the_damaged_file_back_where_it_was(paths, monkeypatch: pytest.MonkeyPatch) -> None:
    """Otherwise the next start would find no catalog and begin an empty one beside the kept file."""
    from app.catalog import backups as backups_module

    database, backups = paths
    _with_messages(database, backups, 1)
    good = rotate_backup(database, backups)
    database.write_bytes(b"SQLite format 3\x00" + b"\x01" * 3000)

    def full_disk(source: Path, target: Path) -> Path:
        raise CatalogError(f"Could not copy the catalog {source} to {target} (No space left on device).")

    monkeypatch.setattr(backups_module, "copy_database", full_disk)
    with pytest.raises(CatalogError, match="No space left"):
        restore(database, good)
    assert database.read_bytes() == b"SQLite format 3\x00" + b"\x01" * 3000
    assert not list(database.parent.glob("*.damaged-*"))
