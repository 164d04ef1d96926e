"""The own migration runner keeps sqlite-utils' bookkeeping, so catalogs from either runner open alike."""

from __future__ import annotations

import sqlite3

import pytest
from sqlite_utils import Database as UtilsDatabase
from sqlite_utils.migrations import Migrations as UtilsMigrations

from app.catalog import migrations, open_catalog
from app.catalog.migrations import MIGRATIONS, migration_names
from app.catalog.schema import Database, Migrations


def _bookkeeping(path) -> list[str]:  # noqa: ANN001
    conn = sqlite3.connect(path)
    found = sorted(r[0] for r in conn.execute(
        "SELECT sql FROM sqlite_master WHERE tbl_name = '_sqlite_migrations' AND sql IS NOT NULL"))
    conn.close()
    return found


def test_a_catalog_begun_by_sqlite_utils_is_continued(paths) -> None:
    database, backups = paths
    database.parent.mkdir(parents=True)
    old = UtilsMigrations("gptshelf")
    old()(migrations.m001_initial)
    utils_db = UtilsDatabase(database)
    old.apply(utils_db)
    utils_db.close()
    made_by_utils = _bookkeeping(database)
    with open_catalog(database, backups=backups) as catalog:
        assert [m.name for m in MIGRATIONS.applied(catalog._conns.db)] == migration_names()
    assert _bookkeeping(database) == made_by_utils


def test_the_bookkeeping_table_is_the_one_sqlite_utils_makes(tmp_path) -> None:
    ours = Migrations("x")
    ours()(lambda db: db.execute("CREATE TABLE a (b)"))
    conn = sqlite3.connect(tmp_path / "ours.sqlite3", isolation_level=None)
    ours.apply(Database(conn))
    conn.close()
    theirs = UtilsMigrations("x")
    theirs(name="<lambda>")(lambda db: db.execute("CREATE TABLE a (b)"))
    utils_db = UtilsDatabase(tmp_path / "theirs.sqlite3")
    theirs.apply(utils_db)
    utils_db.close()
    assert _bookkeeping(tmp_path / "ours.sqlite3") == _bookkeeping(tmp_path / "theirs.sqlite3")


def test_a_failing_migration_leaves_nothing_and_stays_pending(tmp_path) -> None:
    runner = Migrations("x")

    @runner()
    def m1(db) -> None:  # noqa: ANN001
        db.execute("CREATE TABLE a (b)")

    @runner()
    def m2(db) -> None:  # noqa: ANN001
        db.execute("CREATE TABLE c (d)")
        db.execute("INSERT INTO nowhere VALUES (1)")

    db = Database(sqlite3.connect(tmp_path / "x.sqlite3", isolation_level=None))
    with pytest.raises(sqlite3.OperationalError):
        runner.apply(db)
    assert [m.name for m in runner.applied(db)] == ["m1"] and [m.name for m in runner.pending(db)] == ["m2"]
    assert db.execute("SELECT name FROM sqlite_master WHERE name = 'c'").fetchone() is None
    assert not db.conn.in_transaction
    with pytest.raises(ValueError, match="already applied"):
        runner.apply(db, stop_before="m1")
    with pytest.raises(ValueError, match="already registered"):
        runner(name="m1")(lambda db: None)
    db.close()
