"""The question asked at start when the catalog is damaged: restore the newest backup, or quit.

The catalog holds the conversations, so a damaged file is never replaced or deleted without the
person's word: the box names the file and the backup, and restoring keeps the damaged file aside
(app.catalog.backups). Shown before the main window, so the language comes from the system.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtWidgets import QMessageBox, QWidget

from app.core.errors import CatalogDamaged, KnownError
from app.core.paths import AppPaths
from app.services.catalog_backup import Restored, newest_usable_backup, restore_catalog

log = logging.getLogger(__name__)


class RestoreCatalogBox(QMessageBox):
    """Restore / Quit, with what is wrong and which backup would be used."""

    def __init__(self, error: CatalogDamaged, backup: Path | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setIcon(QMessageBox.Icon.Warning)
        self.setWindowTitle(self.tr("The catalog is damaged"))
        self.setText(self.tr("GPT Shelf cannot open its catalog (your GPTs and conversations) because the file "
                             "is damaged."))
        if backup is None:
            self.setInformativeText(self.tr("No usable backup was found. The damaged file was left untouched; "
                                            "details are below."))
            self.restore_button = None
        else:
            self.setInformativeText(self.tr("Restore the newest backup, {0}? The damaged file is kept beside it, "
                                            "not deleted.").format(backup.name))
            self.restore_button = self.addButton(self.tr("Restore backup"), QMessageBox.ButtonRole.AcceptRole)
        self.quit_button = self.addButton(self.tr("Quit"), QMessageBox.ButtonRole.RejectRole)
        self.setDefaultButton(self.restore_button or self.quit_button)
        self.setDetailedText(str(error))


def offer_restore(error: CatalogDamaged, paths: AppPaths) -> Restored | None:
    """Ask; on Restore put the backup in place. None when the person quit or nothing could be restored."""
    backup = newest_usable_backup(paths)
    box = RestoreCatalogBox(error, backup)
    box.exec()
    if box.restore_button is None or box.clickedButton() is not box.restore_button:
        return None
    try:
        return restore_catalog(paths, backup)
    except KnownError as exc:
        log.error("restoring the catalog failed: %s", exc)
        QMessageBox.critical(None, box.windowTitle(), str(exc))
        return None
