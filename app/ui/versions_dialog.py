"""A GPT's saved versions, newest first, with "Roll back to this version".

Rolling back saves the chosen version again as a new one (the service's rule), so nothing is lost and
a second roll back undoes the first; the dialog just shows the list and the service's sentence when
it refuses (a model that is no longer installed).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPushButton, QTableWidgetItem, QVBoxLayout, QWidget

from app.core.entities import GPT, GPTVersion
from app.core.errors import KnownError
from app.services.container import Services
from app.ui.widgets import error_label, id_table, selected_value

VERSION_ROLE = Qt.ItemDataRole.UserRole


class VersionsDialog(QDialog):
    """``rolled_back`` holds the GPT as saved by the last roll back (None when there was none)."""

    def __init__(self, services: Services, gpt: GPT, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.gpt = gpt
        self.rolled_back: GPT | None = None
        self.setWindowTitle(self.tr("Versions of {0}").format(gpt.name))
        self.resize(640, 360)
        self.table = id_table([self.tr("Version"), self.tr("Saved"), self.tr("Model"), self.tr("What changed")])
        self.table.setAccessibleName(self.tr("Versions"))
        self.table.itemSelectionChanged.connect(self._update_button)
        self.rollback_button = QPushButton(self.tr("Roll back to this version"))
        self.rollback_button.clicked.connect(self.rollback_selected)
        self.error = error_label()
        self.status = QLabel()
        self.status.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.addButton(self.rollback_button, QDialogButtonBox.ButtonRole.ActionRole)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.error)
        layout.addWidget(self.status)
        layout.addWidget(buttons)
        self.refresh()

    def refresh(self) -> None:
        versions: list[GPTVersion] = list(reversed(self.services.gpts.versions(self.gpt.id)))
        self.table.setRowCount(len(versions))
        for row, version in enumerate(versions):
            label = version.version + (self.tr(" (current)") if version.current else "")
            cells = (label, version.created_at[:16].replace("T", " "), version.model_name or version.model_sha256[:12],
                     version.changelog)
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(VERSION_ROLE, None if version.current else version.version)
                self.table.setItem(row, column, item)
        self._update_button()

    def selected_version(self) -> str | None:
        return selected_value(self.table, VERSION_ROLE)

    def select_version(self, version: str) -> bool:
        for row in range(self.table.rowCount()):
            if self.table.item(row, 0).data(VERSION_ROLE) == version:
                self.table.selectRow(row)
                return True
        return False

    @Slot()
    def _update_button(self) -> None:
        self.rollback_button.setEnabled(self.selected_version() is not None)

    @Slot()
    def rollback_selected(self) -> None:
        version = self.selected_version()
        if version is None:
            return
        try:
            self.rolled_back = self.services.gpts.rollback(self.gpt.id, version)
        except KnownError as exc:
            self.error.setText(str(exc))
            self.error.show()
            return
        self.error.hide()
        self.status.setText(self.tr("Rolled back: {0} is now version {1}.").format(
            self.rolled_back.name, self.rolled_back.version))
        self.refresh()
