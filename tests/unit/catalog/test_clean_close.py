"""The integrity check at open is skipped only for a file exactly as a clean close left it."""

from __future__ import annotations

import random
import sqlite3

import pytest

from app.catalog import catalog as catalog_module
from app.catalog import clean_close, open_catalog
from app.core.errors import CatalogError
from tests.unit.catalog.test_listings import make


@pytest.fixture
def checks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every catalog counts as big enough to stamp; records each quick_check run."""
    monkeypatch.setattr(clean_close, "MIN_CHECKED_BYTES", 0)
    ran: list[str] = []
    real = catalog_module.check_read_only

    def spy(path, backups):  # noqa: ANN001, ANN202
        ran.append(path.name)
        return real(path, backups)

    monkeypatch.setattr(catalog_module, "check_read_only", spy)
    return ran


def _filled(paths) -> None:  # noqa: ANN001
    database, backups = paths
    with open_catalog(database, backups=backups) as catalog:
        catalog.apply_shards("hub", {"s": ("0" * 64, [make(i) for i in range(300)])}, keep=[])


def test_a_clean_close_lets_the_next_open_skip_the_check(paths, checks) -> None:
    database, backups = paths
    _filled(paths)
    assert checks == ["catalog.sqlite3"] and clean_close.stamp_path(database).exists()
    catalog = open_catalog(database, backups=backups)
    assert checks == ["catalog.sqlite3"], "the untouched file was checked again"
    assert not clean_close.stamp_path(database).exists(), "an open catalog must not look cleanly closed"
    assert catalog.count_listings() == 300
    catalog.close()
    assert clean_close.stamp_path(database).exists()


def test_a_catalog_left_open_is_checked_next_time(paths, checks) -> None:
    database, backups = paths
    _filled(paths)
    first = open_catalog(database, backups=backups)  # a crash would leave it like this: no stamp
    second = open_catalog(database, backups=backups)
    assert checks == ["catalog.sqlite3", "catalog.sqlite3"]
    second.close()
    first.close()


@pytest.mark.parametrize("damage", ["overwritten", "truncated"])
def test_a_change_after_the_close_is_checked_and_refused(paths, checks, damage: str) -> None:
    database, backups = paths
    _filled(paths)
    content = database.read_bytes()
    if damage == "truncated":
        content = content[: len(content) // 2]
    else:
        noise = random.Random(5).randbytes(4096 * 4)
        content = content[:8192] + noise + content[8192 + len(noise):]
    database.write_bytes(content)  # same size for "overwritten": only the time tells
    with pytest.raises(CatalogError, match="damaged"):
        open_catalog(database, backups=backups)
    assert len(checks) == 2


def test_a_pending_wal_is_checked(paths, checks) -> None:
    database, backups = paths
    _filled(paths)
    stamp = clean_close.stamp_path(database).read_text()
    conn = sqlite3.connect(database)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA wal_autocheckpoint = 0")
    conn.execute("INSERT INTO settings VALUES ('x', '1')")
    conn.commit()
    clean_close.stamp_path(database).write_text(stamp)  # as if the WAL was written behind the stamp's back
    open_catalog(database, backups=backups).close()
    conn.close()
    assert len(checks) == 2


def test_small_catalogs_are_always_checked(paths) -> None:
    database, backups = paths
    open_catalog(database, backups=backups).close()
    assert not clean_close.stamp_path(database).exists()
