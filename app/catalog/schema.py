"""The catalog's migration runner and write-connection holder, without sqlite-utils at run time.

sqlite-utils was used only for its ``Migrations`` class and a wrapper around the connection, yet
importing it pulls in numpy, click, pluggy and dateutil: about a tenth of a second of every start
(figure 5 in docs/benchmarks.md). This module does the same job on the same bookkeeping table, so a
catalog migrated by earlier versions (with sqlite-utils) and one migrated here are alike:

* ``_sqlite_migrations (id INTEGER PRIMARY KEY, migration_set TEXT, name TEXT, applied_at TEXT)``
  with a unique index on ``(migration_set, name)``, exactly as sqlite-utils creates it;
* each migration runs in its own transaction (a savepoint) together with its record, so a failed one
  leaves nothing behind and stays pending.

Migration functions receive an object with ``execute(sql, params=())`` and ``conn``; the tests also
hand in a sqlite-utils ``Database``, which has both.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

TABLE = "_sqlite_migrations"
_CREATE = (  # character for character what sqlite-utils 4 writes, so the two kinds of file stay identical
    f'CREATE TABLE "{TABLE}" (\n   "id" INTEGER PRIMARY KEY,\n   "migration_set" TEXT,\n   "name" TEXT,\n'
    '   "applied_at" TEXT\n)',
    f'CREATE UNIQUE INDEX "idx_{TABLE}_migration_set_name"\n    ON "{TABLE}" ("migration_set", "name")',
)


class Database:
    """The write connection as migrations see it (the name and the two members sqlite-utils' had)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def execute(self, sql: str, parameters: Iterable[Any] | dict[str, Any] = ()) -> sqlite3.Cursor:
        return self.conn.execute(sql, parameters)

    def close(self) -> None:
        self.conn.close()


class _HasConnection(Protocol):
    conn: sqlite3.Connection

    def execute(self, sql: str, parameters: Any = ...) -> Any: ...


@dataclass(frozen=True)
class Migration:
    name: str
    fn: Callable[[Any], None]


@dataclass(frozen=True)
class AppliedMigration:
    name: str
    applied_at: str


class Migrations:
    """An ordered, named set of migrations; ``@migrations()`` registers a function under its name."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._migrations: list[Migration] = []

    def __call__(self, *, name: str | None = None) -> Callable[[Callable[[Any], None]], Callable[[Any], None]]:
        def register(fn: Callable[[Any], None]) -> Callable[[Any], None]:
            migration_name = name or fn.__name__
            if any(m.name == migration_name for m in self._migrations):
                raise ValueError(f"Migration {migration_name!r} is already registered in {self.name!r}")
            self._migrations.append(Migration(migration_name, fn))
            return fn

        return register

    def applied(self, db: _HasConnection) -> list[AppliedMigration]:
        if not _table_exists(db.conn):
            return []
        found = db.conn.execute(f"SELECT name, applied_at FROM \"{TABLE}\" WHERE migration_set = ? ORDER BY rowid",
                                (self.name,))
        return [AppliedMigration(r[0], r[1]) for r in found]

    def pending(self, db: _HasConnection) -> list[Migration]:
        done = {m.name for m in self.applied(db)}
        return [m for m in self._migrations if m.name not in done]

    def apply(self, db: _HasConnection, *, stop_before: str | Iterable[str] | None = None) -> None:
        """Apply the pending migrations in order, each in its own transaction with its record."""
        stop = {stop_before} if isinstance(stop_before, str) else set(stop_before or ())
        done = stop & {m.name for m in self.applied(db)}
        if done:
            raise ValueError(f"Cannot stop before {', '.join(sorted(done))}: already applied")
        conn = db.conn
        if not _table_exists(conn):
            with _savepoint(conn, "gptshelf_migrations_table"):
                for statement in _CREATE:
                    conn.execute(statement)
        for migration in self.pending(db):
            if migration.name in stop:
                return
            with _savepoint(conn, "gptshelf_migration"):
                migration.fn(db)
                conn.execute(f"INSERT INTO \"{TABLE}\" (migration_set, name, applied_at) VALUES (?, ?, ?)",
                             (self.name, migration.name, str(datetime.now(UTC))))


def _table_exists(conn: sqlite3.Connection) -> bool:
    return conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (TABLE,)).fetchone() is not None


class _savepoint:  # noqa: N801 - used as a statement, like ``with transaction``
    """A transaction when none is open, a nested one otherwise; rolled back if the body raises."""

    def __init__(self, conn: sqlite3.Connection, name: str) -> None:
        self._conn = conn
        self._name = name

    def __enter__(self) -> None:
        self._conn.execute(f"SAVEPOINT {self._name}")

    def __exit__(self, exc_type: type[BaseException] | None, *_: object) -> None:
        if exc_type is not None:
            if self._conn.in_transaction:  # an error may already have ended the transaction
                self._conn.execute(f"ROLLBACK TO {self._name}")
                self._conn.execute(f"RELEASE {self._name}")
            return
        self._conn.execute(f"RELEASE {self._name}")
