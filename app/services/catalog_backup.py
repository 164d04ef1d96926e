"""Backing up the catalog and restoring it after damage: what the window and the CLI offer.

These work on the data folder alone, without opening the catalog, because they are what a person
reaches for when it cannot be opened (:class:`~app.core.errors.CatalogDamaged`). Rules in
:mod:`app.catalog.backups`: restoring checks the backup first and keeps the damaged file aside.
"""

from __future__ import annotations

from pathlib import Path

from app.catalog.backups import Restored, backup_name, copy_database, list_backups, newest_usable, restore, rotate_backup
from app.core.errors import CatalogError
from app.core.paths import AppPaths

__all__ = ["Restored", "backup_now", "backups", "newest_usable_backup", "restore_catalog", "rotate"]


def backups(paths: AppPaths) -> list[Path]:
    """Every backup of the catalog, newest first."""
    return list_backups(paths.backups)


def newest_usable_backup(paths: AppPaths) -> Path | None:
    """The newest backup that passes SQLite's check, or None."""
    return newest_usable(paths.backups)


def restore_catalog(paths: AppPaths, backup: Path | None = None) -> Restored:
    """Put ``backup`` (default: the newest usable one) in place of the catalog; the old file is kept aside."""
    chosen = backup if backup is not None else newest_usable(paths.backups)
    if chosen is None:
        raise CatalogError(f"No usable backup of the catalog was found in {paths.backups}.")
    return restore(paths.database, Path(chosen))


def rotate(paths: AppPaths) -> Path | None:
    """The daily rotated backup, if one is due (run it after a start whose check passed, off the GUI thread)."""
    if not paths.database.exists():
        return None
    return rotate_backup(paths.database, paths.backups)


def backup_now(paths: AppPaths) -> Path:
    """A backup written now (label ``manual``, never rotated away); the catalog must be readable."""
    if not paths.database.exists():
        raise CatalogError(f"There is no catalog at {paths.database} to back up yet.")
    paths.backups.mkdir(parents=True, exist_ok=True)
    return copy_database(paths.database, backup_name(paths.backups, "manual"))
