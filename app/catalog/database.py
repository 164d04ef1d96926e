"""Opening the catalog file: connections, pragmas, the integrity check and backups.

The rules come from SQLite's own advice on how databases get corrupted and how to stay durable:

* WAL journal: readers never block the writer and the writer never blocks readers, so the GUI can
  list conversations while a reply is being stored.
* ``synchronous=NORMAL``: in WAL mode this is corruption-safe; a power cut may lose the last
  transaction, an application crash loses nothing.
* ``foreign_keys=ON``: it is off by default in SQLite and must be set on every connection.
* ``busy_timeout``: another process (the CLI beside the GUI) holding the write lock makes us wait a
  few seconds instead of failing at once with "database is locked".
* ``PRAGMA quick_check`` on open, so a damaged file is reported with a sentence rather than failing
  somewhere later. A damaged or foreign file is never deleted, rewritten or "repaired" here.
* Backups are made with ``VACUUM INTO``, which writes a consistent copy even in WAL mode (copying the
  file alone would miss what is still in the ``-wal`` file).
"""

from __future__ import annotations

import logging
import os
import sqlite3
from pathlib import Path

from app.catalog.backups import backup_name, list_backups
from app.catalog.listing_search import VOCAB_DDL
from app.core.errors import CatalogDamaged, CatalogError

log = logging.getLogger(__name__)

KNOWLEDGE_VOCAB_DDL = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS temp.knowledge_vocab USING fts5vocab(main, knowledge_fts, 'row')")

SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 10_000


def connect(path: Path, *, read_only: bool = False) -> sqlite3.Connection:
    """A connection with the per-connection pragmas set; transactions are always explicit.

    ``check_same_thread=False`` is safe here because the catalog guards every use: the writer is only
    used under the catalog's lock, and a reader only by the thread that made it (``close()`` aside).
    """
    conn = connect_unconfigured(path)
    try:
        configure(conn, read_only=read_only)
    except BaseException:
        conn.close()
        raise
    return conn


def connect_unconfigured(path: Path) -> sqlite3.Connection:
    """A connection that has not read the file yet (some pragmas load the schema; quick_check first)."""
    conn = sqlite3.connect(
        str(path),
        timeout=BUSY_TIMEOUT_MS / 1000,
        isolation_level=None,
        check_same_thread=False,
    )
    conn.row_factory = sqlite3.Row
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    return conn


def configure(conn: sqlite3.Connection, *, read_only: bool = False) -> None:
    """Set the per-connection pragmas (see the module docstring for why each)."""
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA synchronous = NORMAL")
    # A connection-local view of the listings' full-text vocabulary, which the store search uses to
    # expand a typed prefix into words (app.catalog.listing_search); made here since query_only
    # forbids creating it later.
    conn.execute(VOCAB_DDL)
    conn.execute(KNOWLEDGE_VOCAB_DDL)  # the same for knowledge chunks (app.catalog.knowledge_index)
    if read_only:
        conn.execute("PRAGMA query_only = ON")


def check_header(path: Path, backups: Path) -> None:
    """Refuse a non-empty file that is not an SQLite database before SQLite touches it."""
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except FileNotFoundError:
        return
    except OSError as exc:
        raise CatalogError(f"The catalog {path} cannot be read ({exc.strerror or exc}).") from exc
    if not header and newest_backup(backups) is not None:
        # An empty file where a catalog with backups stood was truncated: starting afresh over it would
        # lose every conversation without a word, so it is damage like any other.
        raise damaged(path, backups, "the file is empty")
    if header and header != SQLITE_HEADER:
        raise damaged(path, backups, "it is not an SQLite database")


def quick_check(conn: sqlite3.Connection, path: Path, backups: Path) -> None:
    """Run ``PRAGMA quick_check`` and raise :class:`CatalogError` unless it says "ok"."""
    try:
        rows = [row[0] for row in conn.execute("PRAGMA quick_check").fetchall()]
    except sqlite3.DatabaseError as exc:
        if getattr(exc, "sqlite_errorname", "") in ("SQLITE_BUSY", "SQLITE_LOCKED"):
            raise CatalogError(
                f"The catalog {path} is locked by another program; close other copies of GPT Shelf and try again."
            ) from exc
        raise damaged(path, backups, str(exc)) from exc
    if rows != ["ok"]:
        log.error("quick_check of %s failed: %s", path, rows[:20])
        raise damaged(path, backups, rows[0] if rows else "no answer from quick_check")


def check_read_only(path: Path, backups: Path) -> None:
    """``quick_check`` on a read-only connection, so a damaged file and its WAL are left exactly as they were.

    A read-write connection checkpoints the WAL into the main file when it closes, and deletes a WAL it
    cannot read: closing it after a failed check changed the damaged file and lost the WAL.
    """
    if not path.exists():
        return  # a new catalog: nothing to check yet
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
    except sqlite3.Error as exc:
        raise damaged(path, backups, str(exc)) from exc
    try:
        quick_check(conn, path, backups)
    finally:
        conn.close()


def enable_wal(conn: sqlite3.Connection, path: Path) -> None:
    mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
    if str(mode).lower() != "wal":
        # Some network file systems cannot do WAL; the catalog still works, only with less concurrency.
        log.warning("The catalog %s runs in %s journal mode, not WAL.", path, mode)


def backup(conn: sqlite3.Connection, backups: Path, label: str) -> Path:
    """Write a consistent copy of the database to ``<backups>/catalog-<UTC>-<label>.sqlite3``.

    The copy is written under a temporary name and renamed when complete, so a half-written file is
    never mistaken for a backup.
    """
    backups.mkdir(parents=True, exist_ok=True)
    target = backup_name(backups, label)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        conn.execute("VACUUM INTO ?", (str(partial),))
        os.replace(partial, target)
    except (sqlite3.Error, OSError) as exc:
        partial.unlink(missing_ok=True)
        raise CatalogError(f"Could not write a backup of the catalog to {backups} ({exc}).") from exc
    log.info("Backed up the catalog to %s", target)
    return target


def newest_backup(backups: Path) -> Path | None:
    """The most recent backup (names sort by their UTC timestamp), or None."""
    found = list_backups(backups)
    return found[0] if found else None


def damaged(path: Path, backups: Path, reason: str) -> CatalogDamaged:
    latest = newest_backup(backups)
    if latest is None:
        advice = f"No backup exists in {backups} yet."
    else:
        advice = (
            f"A backup exists in {backups} (newest: {latest.name}); to restore it, start GPT Shelf and choose "
            f"Restore, or run `gptshelf catalog restore` (the damaged file is kept aside, not deleted)."
        )
    message = f"The catalog {path} cannot be used because it is damaged ({reason}); the file was left untouched. {advice}"
    return CatalogDamaged(message, path=path, has_backup=latest is not None)


def has_user_tables(conn: sqlite3.Connection) -> bool:
    """True when the database holds anything besides SQLite's and sqlite-utils' bookkeeping."""
    row = conn.execute(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' "
        "AND name NOT LIKE 'sqlite_%' AND name != '_sqlite_migrations'"
    ).fetchone()
    return bool(row[0])
