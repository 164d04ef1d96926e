"""Skip the integrity check at open when the catalog file is exactly as a clean close left it.

``PRAGMA quick_check`` reads the whole file: about 0.2 s for a catalog holding 100,000 store listings
(134 MB) and seconds at a million, at every start, which was the largest single part of opening the
app (figure 5 in docs/benchmarks.md). Damage comes from outside SQLite's own writes: a crash or power
cut in the middle of one, another program, a disk or copy gone wrong. So a clean close leaves a stamp
beside the file (size, modification time, inode), and the next open trusts the file without the check
only if the stamp is there, still matches, and no WAL or journal is waiting to be replayed. Opening removes the
stamp first, so a crash while open always leads to a check next time; so does any change to the file
made after the close. SQLite still refuses any damaged page it reads later ("database disk image is
malformed"), which the catalog reports like any other database error.

A file system stamps modification times from a coarse clock (a few milliseconds), so a change in the
same tick as the close would keep the same time: the close therefore waits, if needed, until the
clock has moved on past the file's time before writing the stamp. Small catalogs (under
:data:`MIN_CHECKED_BYTES`) are cheap to check and are always checked.
"""

from __future__ import annotations

import json
import logging
import os
import time
from pathlib import Path

log = logging.getLogger(__name__)

SUFFIX = ".clean"
MIN_CHECKED_BYTES = 16 * 2**20
"""Below this size the check takes a few milliseconds: always run it, never stamp."""
_CLOCK_TICK_NS = 20_000_000  # more than one tick of the coarsest clock file systems stamp times with


def stamp_path(database: Path) -> Path:
    return database.with_name(database.name + SUFFIX)


def take(database: Path) -> bool:
    """True when the file is as the last clean close left it; the stamp is removed either way."""
    stamp = stamp_path(database)
    try:
        recorded = json.loads(stamp.read_text())
    except (OSError, ValueError):
        return False
    finally:
        try:
            stamp.unlink(missing_ok=True)
        except OSError as exc:  # a read-only folder: then nothing else will be written either
            log.debug("Could not remove %s: %s", stamp, exc)
    try:
        now = _identity(database)
        pending = any(_non_empty(database.with_name(database.name + suffix)) for suffix in ("-wal", "-journal"))
    except OSError:
        return False
    return recorded == now and not pending


def leave(database: Path) -> None:
    """After a clean close (WAL folded into the file): stamp the file so the next open can skip the check."""
    try:
        if database.stat().st_size < MIN_CHECKED_BYTES:
            return
        wait = database.stat().st_mtime_ns + _CLOCK_TICK_NS - time.time_ns()
        if wait > 0:
            time.sleep(wait / 1e9)
        stamp = stamp_path(database)
        partial = stamp.with_name(stamp.name + ".partial")
        partial.write_text(json.dumps(_identity(database)))
        os.replace(partial, stamp)
    except OSError as exc:
        log.debug("No clean-close stamp for %s: %s", database, exc)


def _non_empty(path: Path) -> bool:
    """A WAL or rollback journal with content: SQLite has something to replay (or roll back) first."""
    return path.exists() and path.stat().st_size > 0


def _identity(database: Path) -> dict[str, int]:
    stat = database.stat()
    return {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns, "inode": stat.st_ino, "device": stat.st_dev}
