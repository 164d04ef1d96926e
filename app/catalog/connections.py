"""One writer, many readers: how the catalog shares its SQLite file between threads.

SQLite allows one writer at a time. Rather than letting threads race for the write lock (and meet
"database is locked"), the catalog holds a single write connection behind a re-entrant lock; every
mutation takes the lock and runs as one ``BEGIN IMMEDIATE`` transaction. Reads use a connection per
thread: in WAL mode they see the last committed state and never wait for the writer, so the GUI can
list and search while a reply is being stored.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

from app.catalog import clean_close
from app.catalog.database import connect
from app.catalog.schema import Database

log = logging.getLogger(__name__)


class Connections:
    """The write connection, its lock, and the per-thread read connections."""

    def __init__(self, path: Path, writer: Database) -> None:
        self.path = path
        self.db = writer
        self._lock = threading.RLock()
        self._local = threading.local()
        self._readers: list[tuple[threading.Thread, sqlite3.Connection]] = []
        self._readers_lock = threading.Lock()
        self._closed = False

    @contextlib.contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """A transaction on the write connection; nested calls become savepoints of the outer one."""
        with self._lock:
            self._ensure_open()
            conn = self.db.conn
            depth = getattr(self._local, "write_depth", 0)
            self._local.write_depth = depth + 1
            try:
                if depth:
                    with _savepoint(conn, f"nested_{depth}"):
                        yield conn
                else:
                    with _transaction(conn):
                        yield conn
            finally:
                self._local.write_depth = depth

    @contextlib.contextmanager
    def exclusive(self) -> Iterator[sqlite3.Connection]:
        """The write connection with the writer's lock held but no transaction open (VACUUM needs that)."""
        with self._lock:
            self._ensure_open()
            yield self.db.conn

    def read(self) -> sqlite3.Connection:
        """This thread's read connection; inside a write, the writer, so the caller sees its own changes."""
        self._ensure_open()
        if getattr(self._local, "write_depth", 0):
            return self.db.conn
        conn: sqlite3.Connection | None = getattr(self._local, "reader", None)
        if conn is None:
            conn = connect(self.path, read_only=True)
            with self._readers_lock:
                self._close_readers_of_finished_threads()
                self._readers.append((threading.current_thread(), conn))
            self._local.reader = conn
        return conn

    def close(self) -> None:
        """Close the writer and every reader. Call it once the threads using the catalog are done."""
        with self._lock, self._readers_lock:
            if self._closed:
                return
            self._closed = True
            for _, conn in self._readers:
                conn.close()
            self._readers.clear()
            folded = False
            try:
                # Fold the WAL back into the main file so a closed catalog is one self-contained file.
                busy = self.db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
                folded = not busy
            except sqlite3.Error as exc:  # another process still reading: harmless, it checkpoints later
                log.debug("Checkpoint on close skipped: %s", exc)
            self.db.close()
            if folded:
                clean_close.leave(self.path)

    @property
    def closed(self) -> bool:
        return self._closed

    def _ensure_open(self) -> None:
        if self._closed:
            raise RuntimeError(f"The catalog {self.path} has been closed.")

    def _close_readers_of_finished_threads(self) -> None:
        alive = []
        for thread, conn in self._readers:
            if thread.is_alive():
                alive.append((thread, conn))
            else:
                conn.close()
        self._readers = alive


@contextlib.contextmanager
def _transaction(conn: sqlite3.Connection) -> Iterator[None]:
    # IMMEDIATE takes the write lock up front, so a second process makes us wait (busy_timeout)
    # at BEGIN rather than fail half-way through with SQLITE_BUSY.
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    try:
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


@contextlib.contextmanager
def _savepoint(conn: sqlite3.Connection, name: str) -> Iterator[None]:
    conn.execute(f"SAVEPOINT {name}")
    try:
        yield
    except BaseException:
        if conn.in_transaction:
            conn.execute(f"ROLLBACK TO {name}")
            conn.execute(f"RELEASE {name}")
        raise
    conn.execute(f"RELEASE {name}")
