"""The catalog: opening it (check, back up, migrate) and the typed queries every other layer uses.

The queries live in two parts (:mod:`models_gpts`, :mod:`conversations`); this module joins them with
the settings and the open/close life cycle.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from pathlib import Path
from types import TracebackType
from typing import Any

from app.catalog import clean_close, rows
from app.catalog.api_keys import ApiKeysMixin
from app.catalog.database import (
    backup,
    check_header,
    check_read_only,
    configure,
    connect_unconfigured,
    enable_wal,
    has_user_tables,
)
from app.catalog.connections import Connections
from app.catalog.conversations import ConversationsAndMessages
from app.catalog.downloads import DownloadsMixin
from app.catalog.eval_runs import EvalRuns
from app.catalog.knowledge_index import KnowledgeIndex
from app.catalog.listings import Listings
from app.catalog.migrations import MIGRATIONS, migration_names
from app.catalog.schema import Database
from app.catalog.models_gpts import ModelsAndGPTs
from app.catalog.remote_engines import RemoteEnginesMixin
from app.core.errors import CatalogError, InvalidInput
from app.core.settings import Settings

log = logging.getLogger(__name__)


def open_catalog(database: Path, *, backups: Path) -> Catalog:
    """Open (or create) the catalog at ``database``, migrating it to the current schema.

    A damaged file, or one that is not a database, raises :class:`CatalogError` and is left exactly
    as it was. Before migrating a database that already holds data, a copy is written to
    ``backups``.
    """
    path = Path(database)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        check_header(path, backups)
        if not clean_close.take(path):
            check_read_only(path, backups)
        conn = connect_unconfigured(path)
    except (OSError, sqlite3.Error) as exc:
        raise CatalogError(f"The catalog {path} cannot be opened ({exc}).") from exc
    try:
        configure(conn)
        enable_wal(conn, path)
        db = Database(conn)
        _migrate(db, path, backups)
    except sqlite3.Error as exc:
        # Not damage (quick_check passed): a read-only folder, a full disk, a lock held too long...
        conn.close()
        raise CatalogError(f"The catalog {path} cannot be opened ({exc}).") from exc
    except BaseException:
        conn.close()
        raise
    return Catalog(path, db)


def _migrate(db: Database, path: Path, backups: Path) -> None:
    known = set(migration_names())
    unknown = [m.name for m in MIGRATIONS.applied(db) if m.name not in known]
    if unknown:
        raise CatalogError(
            f"The catalog {path} was written by a newer version of GPT Shelf (it has migration "
            f"{unknown[0]}); install the newer version to open it."
        )
    pending = MIGRATIONS.pending(db)
    if not pending:
        return
    copy: Path | None = None
    if has_user_tables(db.conn):
        copy = backup(db.conn, backups, f"before-{pending[0].name}")
    try:
        MIGRATIONS.apply(db)
    except sqlite3.Error as exc:
        kept = f" A backup from before the update is at {copy}." if copy else ""
        raise CatalogError(f"The catalog {path} could not be updated to the current schema ({exc}).{kept}") from exc
    log.info("Catalog %s migrated: %s", path, ", ".join(m.name for m in pending))


class Catalog(ModelsAndGPTs, ConversationsAndMessages, Listings, DownloadsMixin, KnowledgeIndex, ApiKeysMixin,
              RemoteEnginesMixin, EvalRuns):
    """Typed access to the local SQLite catalog; safe to share between threads.

    All writes go through one connection, one transaction per call; reads use a connection per
    thread. Make it with :func:`open_catalog` and :meth:`close` it when the threads using it are done.
    """

    def __init__(self, path: Path, writer: Database) -> None:
        self.path = path
        self._conns = Connections(path, writer)

    def close(self) -> None:
        self._conns.close()

    def __enter__(self) -> Catalog:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<Catalog {self.path}{' (closed)' if self._conns.closed else ''}>"

    # Settings ------------------------------------------------------------------------------------

    def backup(self, folder: Path, label: str = "manual") -> Path:
        """A consistent copy of the catalog (``VACUUM INTO``) in ``folder``; returns its path."""
        with self._conns.exclusive() as conn:
            return backup(conn, folder, label)

    def load_settings(self) -> Settings:
        """The stored settings; a value this version cannot accept is logged and left at its default."""
        stored: dict[str, Any] = {}
        for row in self._conns.read().execute("SELECT key, value FROM settings").fetchall():
            stored[row["key"]] = json.loads(row["value"])
        try:
            return Settings.from_mapping(stored)
        except InvalidInput:
            accepted: dict[str, Any] = {}
            for key, value in stored.items():
                try:
                    Settings.from_mapping({key: value})
                except InvalidInput as exc:
                    log.warning("Ignoring a stored setting: %s", exc)
                else:
                    accepted[key] = value
            return Settings.from_mapping(accepted)

    def save_settings(self, settings: Settings) -> Settings:
        """Store every setting (keys this version does not know are left alone)."""
        with self._conns.write() as conn:
            conn.executemany(
                "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                [(key, rows.dumps(value)) for key, value in settings.to_mapping().items()],
            )
            return self.load_settings()
