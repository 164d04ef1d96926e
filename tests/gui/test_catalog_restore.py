"""The question at start when the catalog is damaged: Restore backup puts the newest copy back, Quit changes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from app.core.errors import CatalogDamaged
from app.core.paths import AppPaths
from app.services.catalog_backup import backup_now
from app.services.container import open_services
from app.ui.application import _open_or_restore
from app.ui.catalog_restore import RestoreCatalogBox

DAMAGED = b"SQLite format 3\x00" + b"\x07" * 9000


@pytest.fixture
def damaged_home(gptshelf_home: Path) -> AppPaths:
    paths = AppPaths(gptshelf_home)
    with open_services(paths, install_starter=False) as services:
        services.catalog.save_settings(services.settings().updated(theme="dark"))
    backup_now(paths)
    paths.database.write_bytes(DAMAGED)
    return paths


def answer_with(choose: str) -> None:
    """Click a button of the box once it is shown (it is modal: exec() waits for the click)."""

    def click() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, RestoreCatalogBox):
            QTimer.singleShot(20, click)
            return
        (box.restore_button if choose == "restore" else box.quit_button).click()

    QTimer.singleShot(0, click)


def test_the_box_names_the_backup_and_says_the_damaged_file_is_kept(qtbot, damaged_home: AppPaths) -> None:
    error = CatalogDamaged("The catalog is damaged (test).", path=damaged_home.database, has_backup=True)
    box = RestoreCatalogBox(error, damaged_home.backups / "catalog-20260101T000000Z-auto.sqlite3")
    qtbot.addWidget(box)
    assert "catalog-20260101T000000Z-auto.sqlite3" in box.informativeText()
    assert "not deleted" in box.informativeText() and box.detailedText() == str(error)
    assert box.defaultButton() is box.restore_button
    without = RestoreCatalogBox(error, None)
    qtbot.addWidget(without)
    assert without.restore_button is None and without.defaultButton() is without.quit_button


def test_restore_at_start_opens_the_backup_and_keeps_the_damaged_file(qapp, damaged_home: AppPaths) -> None:
    answer_with("restore")
    services = _open_or_restore(qapp, damaged_home)
    assert services is not None
    try:
        assert services.settings().theme == "dark"
    finally:
        services.close()
    kept = next(damaged_home.home.glob("catalog.sqlite3.damaged-*Z"))  # the file itself, not its -wal or -shm
    assert kept.read_bytes() == DAMAGED


def test_quit_at_start_leaves_the_damaged_file_as_it_was(qapp, damaged_home: AppPaths) -> None:
    answer_with("quit")
    assert _open_or_restore(qapp, damaged_home) is None
    assert damaged_home.database.read_bytes() == DAMAGED
    assert not list(damaged_home.home.glob("catalog.sqlite3.damaged-*"))
