"""My GPTs: every GPT on this machine, with its model, and what a person does with one.

Store GPTs are uninstalled through the store (which also frees a model no other GPT uses), in a
Job because that may delete gigabytes; GPTs made here are simply deleted from the catalog. A badge
says when the store lists a newer version of an installed GPT, so the page answers "is this current?"
without a sync of its own.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QFileDialog, QHBoxLayout, QLabel, QMessageBox, QPushButton, QTableWidgetItem,
    QVBoxLayout, QWidget,
)

from app.core.entities import GPT, GPTSource
from app.core.errors import KnownError, NotFound
from app.core.memory import human
from app.services.container import Services
from app.core.plain import plain
from app.ui.jobs import Job, Jobs
from app.ui.widgets import id_table, select_row_with, selected_value

log = logging.getLogger(__name__)

ID_ROLE = Qt.ItemDataRole.UserRole


class LibraryPage(QWidget):
    """Signals: open_chat(str) with a GPT id; changed() after a GPT was removed."""

    open_chat = Signal(str)
    changed = Signal()


    def __init__(self, services: Services, jobs: Jobs) -> None:
        super().__init__()
        self.services = services
        self.jobs = jobs
        self.uninstall_job: Job | None = None
        self.heading = QLabel()
        self.heading.setObjectName("pageHeading")
        self.note = QLabel()
        self.note.setObjectName("pageNote")
        self.note.setWordWrap(True)

        self.table = id_table([self.tr("Name"), self.tr("Version"), self.tr("Source"), self.tr("Model"),
                               self.tr("Size"), self.tr("Update")])
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.table.itemDoubleClicked.connect(lambda _item: self.open_selected())

        self.open_button = QPushButton(self.tr("Open in chat"))
        self.open_button.setObjectName("primary")
        self.open_button.clicked.connect(self.open_selected)
        self.export_button = QPushButton(self.tr("Export…"))
        self.export_button.clicked.connect(self.export_selected)
        self.uninstall_button = QPushButton(self.tr("Uninstall"))
        self.uninstall_button.clicked.connect(self.uninstall_selected)
        self.status = QLabel()
        self.status.setObjectName("pageNote")
        self.status.setWordWrap(True)

        buttons = QHBoxLayout()
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.export_button)
        buttons.addStretch(1)
        buttons.addWidget(self.uninstall_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.addWidget(self.heading)
        layout.addWidget(self.note)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        self.refresh()

    # --- reading -----------------------------------------------------------------------------
    def refresh(self) -> None:
        """Re-read the GPTs, keeping the selected one selected when it is still there."""
        self.heading.setText(self.tr("My GPTs"))
        selected = self.selected_id()
        gpts = self.services.gpts.list()
        self.note.setText(self.tr("GPTs installed from the store and the ones you made.") if gpts else
                          self.tr("No GPTs yet. Install one from the Store, or import a GGUF model and "
                                  "make a GPT from it."))
        self.table.setRowCount(len(gpts))
        for row, gpt in enumerate(gpts):
            model_name, size = self._model_of(gpt)
            cells = (gpt.name, gpt.version, self._source_text(gpt.source), model_name, size, self._update_of(gpt))
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(ID_ROLE, gpt.id)
                if column == 0 and gpt.description:
                    item.setToolTip(gpt.description)
                self.table.setItem(row, column, item)
            if gpt.id == selected:
                self.table.selectRow(row)
        self._update_buttons()

    def _model_of(self, gpt: GPT) -> tuple[str, str]:
        try:
            model = self.services.catalog.get_model(gpt.model_sha256)
        except NotFound:
            return self.tr("(missing: {0})").format(gpt.model_sha256[:12]), "-"
        return model.display_name, human(model.size)

    def _update_of(self, gpt: GPT) -> str:
        """A badge when the store lists this GPT's id with another version."""
        if gpt.source is GPTSource.CUSTOM:
            return ""
        try:
            listing = self.services.catalog.get_listing(gpt.id)
        except NotFound:
            return ""
        if listing.version and listing.version != gpt.version:
            return self.tr("Update available: {0}").format(listing.version)
        return ""

    def _source_text(self, source: GPTSource) -> str:
        return {GPTSource.CUSTOM: self.tr("Made here"), GPTSource.STARTER: self.tr("Starter"),
                GPTSource.STORE: self.tr("Store")}.get(source, str(source))

    def selected_id(self) -> str | None:
        return selected_value(self.table, ID_ROLE)

    def select_gpt(self, gpt_id: str) -> bool:
        return select_row_with(self.table, ID_ROLE, gpt_id)

    @Slot()
    def _update_buttons(self) -> None:
        has = self.selected_id() is not None
        busy = self.uninstall_job is not None
        self.open_button.setEnabled(has)
        self.export_button.setEnabled(has)
        self.uninstall_button.setEnabled(has and not busy)

    # --- actions -----------------------------------------------------------------------------
    @Slot()
    def open_selected(self) -> None:
        gpt_id = self.selected_id()
        if gpt_id is not None:
            self.open_chat.emit(gpt_id)

    @Slot()
    def export_selected(self) -> None:
        """Write the GPT as gpt.json-like JSON (its model named by sha256) to a file the person picks."""
        gpt_id = self.selected_id()
        if gpt_id is None:
            return
        try:
            gpt = self.services.gpts.get(gpt_id)
        except KnownError as exc:
            self.status.setText(str(exc))
            return
        suggested = str(Path.home() / f"{gpt.id.replace('/', '-')}.gpt.json")
        path, _filter = QFileDialog.getSaveFileName(self, self.tr("Export GPT"), suggested,
                                                    self.tr("GPT files (*.json)"))
        if not path:
            return
        data = plain(gpt)
        for key in ("created_at", "updated_at"):
            data.pop(key, None)
        try:
            Path(path).write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        except OSError as exc:
            log.warning("could not export %s to %s", gpt.id, path, exc_info=True)
            self.status.setText(self.tr("Could not write {0}: {1}").format(path, exc.strerror or str(exc)))
            return
        self.status.setText(self.tr("Exported {0} to {1}.").format(gpt.name, path))

    def confirm(self, question: str) -> bool:
        answer = QMessageBox.question(self, self.tr("Uninstall GPT"), question,
                                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                      QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    @Slot()
    def uninstall_selected(self) -> None:
        gpt_id = self.selected_id()
        if gpt_id is None or self.uninstall_job is not None:
            return
        try:
            gpt = self.services.gpts.get(gpt_id)
        except KnownError as exc:
            self.status.setText(str(exc))
            return
        if gpt.source is GPTSource.CUSTOM:
            question = self.tr("Delete “{0}”? Its conversations stay in the history.").format(gpt.name)
        else:
            question = self.tr("Uninstall “{0}”? Its model file is deleted too when no other GPT uses it; "
                               "its conversations stay in the history.").format(gpt.name)
        if not self.confirm(question):
            return
        if gpt.source is GPTSource.CUSTOM:
            try:
                self.services.catalog.delete_gpt(gpt.id)
            except KnownError as exc:
                self.status.setText(str(exc))
                return
            self._removed(gpt.name)
            return
        job = Job(lambda _report, _cancel: self.services.store.uninstall(gpt.id), name=f"uninstall {gpt.id}")
        job.signals.finished.connect(self._on_uninstalled)
        job.signals.failed.connect(self.status.setText)
        job.signals.done.connect(self._uninstall_done)
        self.uninstall_job = job
        self.status.setText(self.tr("Uninstalling {0}…").format(gpt.name))
        self._update_buttons()
        self.jobs.start(job)

    @Slot(object)
    def _on_uninstalled(self, removed: GPT) -> None:
        self._removed(removed.name)

    def _removed(self, name: str) -> None:
        self.status.setText(self.tr("Removed {0}.").format(name))
        self.refresh()
        self.changed.emit()

    @Slot()
    def _uninstall_done(self) -> None:
        self.uninstall_job = None
        self._update_buttons()
