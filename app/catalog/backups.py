"""Rotated backups of the catalog, and putting one back over a damaged file.

A catalog can be damaged by what SQLite cannot guard against: a disk or copy gone wrong, another
program writing into the file, a file system that lies about fsync. Then the person should get their
conversations back from the newest good copy, and nothing should vanish on the way:

* A *rotated* backup (label ``auto``) is written at a safe moment (after a start whose check passed,
  on a worker thread) at most once per :data:`AUTO_INTERVAL_S`, with SQLite's online backup API from a
  fresh read connection: in WAL mode one step copies a consistent snapshot while the writer goes on.
  The newest :data:`KEEP_AUTO` are kept; backups written for other reasons (before a migration, by
  hand) are never rotated away.
* Every copy is written under a ``.partial`` name, flushed to disk and renamed, so a half-written file
  is never taken for a backup.
* :func:`restore` checks the backup first, then *moves* the damaged file (and its ``-wal``/``-shm``)
  aside under a ``.damaged-<UTC>`` name, then copies the backup into place. It never deletes anything.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from app.catalog import clean_close
from app.core.errors import CatalogError

log = logging.getLogger(__name__)

AUTO_LABEL = "auto"
KEEP_AUTO = 5
AUTO_INTERVAL_S = 24 * 3600
_COMPANIONS = ("-wal", "-shm", "-journal")


@dataclass(frozen=True)
class Restored:
    """What :func:`restore` did: which backup is now the catalog, and where the damaged file was kept."""

    backup: Path
    kept_aside: tuple[Path, ...]


def backup_name(backups: Path, label: str) -> Path:
    """A new ``catalog-<UTC>-<label>.sqlite3`` in ``backups`` (a counter when the second is taken)."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    taken = [_order(p)[1] for p in backups.glob(f"catalog-{stamp}-*.sqlite3*")] if backups.exists() else []
    if not taken:
        return backups / f"catalog-{stamp}-{label}.sqlite3"
    # Past every counter of this second, even of a backup rotated away since, so names keep their order.
    return backups / f"catalog-{stamp}-{label}-{max(taken) + 1}.sqlite3"


def list_backups(backups: Path) -> list[Path]:
    """Every finished backup, newest first (by the UTC timestamp in the name, then its counter)."""
    try:
        return sorted((p for p in backups.glob("catalog-*.sqlite3") if p.is_file()), key=_order, reverse=True)
    except OSError:
        return []


def is_usable(path: Path) -> bool:
    """True when ``path`` opens as an SQLite database and ``quick_check`` says ok (read only)."""
    try:
        with path.open("rb") as handle:
            if handle.read(16) != b"SQLite format 3\x00":
                return False
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except (OSError, sqlite3.Error):
        return False
    try:
        return [row[0] for row in conn.execute("PRAGMA quick_check").fetchall()] == ["ok"]
    except sqlite3.Error:
        return False
    finally:
        conn.close()


def newest_usable(backups: Path) -> Path | None:
    return next((p for p in list_backups(backups) if is_usable(p)), None)


def copy_database(source: Path, target: Path) -> Path:
    """Copy the database ``source`` to ``target`` with the online backup API, atomically (partial + rename)."""
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        src = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
        try:
            dst = sqlite3.connect(str(partial))
            try:
                src.backup(dst)  # pages=-1: one step, one read transaction, a consistent snapshot
            finally:
                dst.close()
        finally:
            src.close()
        _fsync(partial)
        os.replace(partial, target)
        _fsync_folder(target.parent)
    except (sqlite3.Error, OSError) as exc:
        partial.unlink(missing_ok=True)
        raise CatalogError(f"Could not copy the catalog {source} to {target} ({exc}).") from exc
    return target


def rotate_backup(database: Path, backups: Path, *, keep: int = KEEP_AUTO, interval_s: float = AUTO_INTERVAL_S,
                  now: float | None = None) -> Path | None:
    """Write an ``auto`` backup if the newest one is older than ``interval_s``; drop the oldest beyond ``keep``.

    Returns the new backup, or None when none was due.
    """
    autos = [p for p in list_backups(backups) if _label(p) == AUTO_LABEL]
    now = time.time() if now is None else now
    if autos and now - autos[0].stat().st_mtime < interval_s:
        return None
    backups.mkdir(parents=True, exist_ok=True)
    made = copy_database(database, backup_name(backups, AUTO_LABEL))
    for old in [made, *autos][keep:]:
        try:
            old.unlink()
        except OSError as exc:
            log.warning("Could not remove the old backup %s: %s", old, exc)
    log.info("Backed up the catalog to %s", made)
    return made


def restore(database: Path, backup: Path) -> Restored:
    """Put ``backup`` in place of ``database``, keeping the damaged file (and its WAL) aside, deleting nothing."""
    if not is_usable(backup):
        raise CatalogError(f"The backup {backup} is itself damaged or not a catalog; choose another one.")
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    moved: list[tuple[Path, Path]] = []
    try:
        for suffix in ("", *_COMPANIONS):
            current = database.with_name(database.name + suffix)
            if current.exists():
                aside = database.with_name(f"{database.name}.damaged-{stamp}{suffix}")
                os.replace(current, aside)
                moved.append((current, aside))
        clean_close.stamp_path(database).unlink(missing_ok=True)
        copy_database(backup, database)
    except (OSError, CatalogError) as exc:
        for current, aside in moved:  # put the damaged file back: a missing catalog would be taken for a new one
            os.replace(aside, current)
        if isinstance(exc, CatalogError):
            raise
        raise CatalogError(f"Could not move the damaged catalog {database} aside ({exc}); nothing was restored.") from exc
    kept = [aside for _, aside in moved]
    log.warning("Restored the catalog %s from %s; the damaged file is kept as %s", database, backup,
                ", ".join(str(p) for p in kept) or "(none)")
    return Restored(backup, tuple(kept))


def _order(path: Path) -> tuple[str, int]:
    """``catalog-<UTC>-<label>[-N].sqlite3`` -> (UTC, N): a plain name sort put ``-auto.`` after ``-auto-2.``."""
    parts = path.name.removesuffix(".partial").removesuffix(".sqlite3").split("-")
    stamp = parts[1] if len(parts) > 1 else ""
    counter = int(parts[-1]) if len(parts) > 3 and parts[-1].isdigit() else 1
    return stamp, counter


def _label(path: Path) -> str:
    """``catalog-20260101T000000Z-auto-2.sqlite3`` -> ``auto``."""
    parts = path.name.removesuffix(".sqlite3").split("-")
    label = parts[2:]
    if len(label) > 1 and label[-1].isdigit():
        label = label[:-1]
    return "-".join(label)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # Windows cannot open a folder
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
