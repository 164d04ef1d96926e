"""Models: the GGUF files in the store, which GPTs use each, importing new ones and deleting unused ones.

Importing checks and hashes a file that may be many gigabytes, so it runs in a Job; a file the
GGUF check refuses is named with its reason right on the page, not in a pop-up, so a person dropping
several files sees which ones failed and why. Deleting is refused (with the catalog's sentence)
while any GPT still uses the model.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QFileDialog, QHBoxLayout, QLabel, QMessageBox, QPushButton, QTableWidgetItem,
    QVBoxLayout, QWidget,
)

from app.core.entities import ModelFile, ModelStatus
from app.core.errors import KnownError
from app.core.memory import human
from app.services.container import Services
from app.ui.jobs import Job, Jobs
from app.ui.widgets import error_label, id_table, select_row_with, selected_value

if TYPE_CHECKING:
    from app.ui.wizard import GPTWizard  # imported when the wizard opens: not on the start path

log = logging.getLogger(__name__)

SHA_ROLE = Qt.ItemDataRole.UserRole


class ModelsPage(QWidget):
    """Signals: changed() after a model was imported or deleted."""

    changed = Signal()

    def __init__(self, services: Services, jobs: Jobs) -> None:
        super().__init__()
        self.services = services
        self.jobs = jobs
        self.import_job: Job | None = None
        self.links_job: Job | None = None
        """Checks that linked files are still where their apps keep them (a stat each, off the GUI thread)."""
        self.setAcceptDrops(True)
        self.heading = QLabel()
        self.heading.setObjectName("pageHeading")
        self.note = QLabel()
        self.note.setObjectName("pageNote")
        self.note.setWordWrap(True)

        self.table = id_table([self.tr("Name"), self.tr("Architecture"), self.tr("Quantization"), self.tr("Size"),
                               self.tr("Used by")])
        self.table.setAccessibleName(self.tr("Models"))
        self.table.itemSelectionChanged.connect(self._update_buttons)

        self.import_button = QPushButton(self.tr("Import GGUF…"))
        self.import_button.setObjectName("primary")
        self.import_button.clicked.connect(self.choose_and_import)
        self.delete_button = QPushButton(self.tr("Delete"))
        self.delete_button.clicked.connect(self.delete_selected)
        self.make_gpt_button = QPushButton(self.tr("Make a GPT…"))
        self.make_gpt_button.clicked.connect(self.make_gpt)
        self.wizard: GPTWizard | None = None
        """The wizard while it is open (tests reach it here)."""
        self.status = QLabel()
        self.status.setObjectName("pageNote")
        self.status.setWordWrap(True)
        self.error = error_label()
        self.error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        buttons = QHBoxLayout()
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.make_gpt_button)
        buttons.addStretch(1)
        buttons.addWidget(self.delete_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.addWidget(self.heading)
        layout.addWidget(self.note)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        layout.addWidget(self.error)
        self.refresh()

    # --- reading -----------------------------------------------------------------------------
    def refresh(self) -> None:
        self.heading.setText(self.tr("Models"))
        self.note.setText(self.tr("GGUF files in the store, checked before llama.cpp ever opens them. "
                                  "Drop .gguf files here to import them."))
        selected = self.selected_sha256()
        users: dict[str, list[str]] = {}
        for gpt in self.services.gpts.list():
            for sha256 in {gpt.model_sha256, gpt.adapter_sha256} - {None, ""}:
                users.setdefault(sha256, []).append(gpt.name)
        models = self.services.models.list()
        self.table.setRowCount(len(models))
        for row, model in enumerate(models):
            info = model.info
            cells = (self._name_cell(model), info.architecture if info else "-", info.quantization if info else "-",
                     human(model.size), ", ".join(users.get(model.sha256, [])) or self.tr("(unused)"))
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(SHA_ROLE, model.sha256)
                if column == 0:
                    item.setToolTip(f"sha256 {model.sha256}\n{model.source}".strip())
                self.table.setItem(row, column, item)
            if model.sha256 == selected:
                self.table.selectRow(row)
        self._update_buttons()
        if self.links_job is None and any(not m.owned for m in models):
            library = self.services.models
            job = Job(lambda _report, _cancel: library.check_links(), name="check linked models")
            job.signals.finished.connect(self._on_links_checked)
            job.signals.done.connect(self._forget_links_job)
            self.links_job = self.jobs.start(job)

    @Slot(object)
    def _on_links_checked(self, changed: list[ModelFile]) -> None:
        if changed:  # a linked file went missing or came back: show it
            self.refresh()

    @Slot()
    def _forget_links_job(self) -> None:
        if self.links_job is not None and self.links_job.signals is self.sender():
            self.links_job = None

    def _name_cell(self, model: ModelFile) -> str:
        """The name, marked when the file is linked from another app or has gone missing."""
        marks = []
        if not model.owned:
            marks.append(self.tr("linked"))
        if model.status is ModelStatus.MISSING:
            marks.append(self.tr("file missing"))
        return f"{model.display_name} ({', '.join(marks)})" if marks else model.display_name

    def selected_sha256(self) -> str | None:
        return selected_value(self.table, SHA_ROLE)

    def select_model(self, sha256: str) -> bool:
        return select_row_with(self.table, SHA_ROLE, sha256)

    @Slot()
    def _update_buttons(self) -> None:
        self.delete_button.setEnabled(self.selected_sha256() is not None)
        self.make_gpt_button.setEnabled(self.selected_sha256() is not None)
        self.import_button.setEnabled(self.import_job is None)

    @Slot()
    def make_gpt(self) -> None:
        """The GPT wizard with the selected model already chosen."""
        sha256 = self.selected_sha256()
        if sha256 is None:
            return
        from app.ui.wizard import GPTWizard  # noqa: PLC0415 - see the import at the top

        self.wizard = wizard = GPTWizard(self.services, self.jobs, model_sha256=sha256, parent=self)
        wizard.exec()
        saved, self.wizard = wizard.saved_gpt, None
        wizard.deleteLater()
        if saved is not None:
            self.status.setText(self.tr("{0} is saved; chat with it from My GPTs or Chats.").format(saved.name))
        self.refresh()  # also when cancelled: its Model step may have installed a model from the store
        self.changed.emit()

    # --- importing ---------------------------------------------------------------------------
    @Slot()
    def choose_and_import(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(self, self.tr("Import a GGUF model"), str(Path.home()),
                                                    self.tr("GGUF models (*.gguf);;All files (*)"))
        if path:
            self.import_files([Path(path)])

    def import_files(self, paths: list[Path]) -> Job | None:
        """Check, hash and store each file in one background job; returns it (None while one runs)."""
        if self.import_job is not None or not paths:
            return None
        models = self.services.models

        def work(report, cancel) -> list[tuple[str, ModelFile | None, str]]:  # noqa: ANN001 - Job's signature
            results = []
            for path in paths:
                if cancel.is_set():
                    break
                report((path.name, 0))
                try:
                    model = models.import_gguf(path, progress=lambda done, name=path.name: report((name, done)))
                except KnownError as exc:
                    results.append((path.name, None, str(exc)))
                except Exception as exc:  # noqa: BLE001 - one file's bug must not lose the others' results
                    log.exception("importing %s failed", path)
                    results.append((path.name, None, f"Internal error ({type(exc).__name__}); details are in the log."))
                else:
                    results.append((path.name, model, ""))
            return results

        job = Job(work, name="import gguf")
        job.signals.progress.connect(self._on_import_progress)
        job.signals.finished.connect(self._on_imported)
        job.signals.failed.connect(self._show_error)
        job.signals.done.connect(self._on_import_done)
        self.import_job = job
        self.error.hide()
        self.status.setText(self.tr("Checking {0}…").format(", ".join(p.name for p in paths)))
        self._update_buttons()
        self.jobs.start(job)
        return job

    @Slot(object)
    def _on_import_progress(self, value: tuple[str, int]) -> None:
        name, done = value
        self.status.setText(self.tr("Importing {0}: {1} hashed…").format(name, human(done)) if done else
                            self.tr("Checking {0}…").format(name))

    @Slot(object)
    def _on_imported(self, results: list[tuple[str, ModelFile | None, str]]) -> None:
        added = [model for _name, model, _error in results if model is not None]
        errors = [error for _name, model, error in results if model is None]
        self.refresh()
        if added:
            self.status.setText(self.tr("Imported {0}.").format(", ".join(m.display_name for m in added)))
            self.select_model(added[-1].sha256)
            self.changed.emit()
        else:
            self.status.clear()
        if errors:
            self._show_error("\n".join(errors))

    @Slot(str)
    def _show_error(self, sentence: str) -> None:
        self.error.setText(sentence)
        self.error.show()

    @Slot()
    def _on_import_done(self) -> None:
        self.import_job = None
        self._update_buttons()

    # --- drag and drop -----------------------------------------------------------------------
    @staticmethod
    def _gguf_paths(event: QDragEnterEvent | QDropEvent) -> list[Path]:
        mime = event.mimeData()
        if not mime.hasUrls():
            return []
        return [Path(url.toLocalFile()) for url in mime.urls()
                if url.isLocalFile() and url.toLocalFile().lower().endswith(".gguf")]

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt's name
        if self._gguf_paths(event) and self.import_job is None:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event) -> None:  # noqa: ANN001, N802 - Qt's name
        event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt's name
        paths = self._gguf_paths(event)
        if not paths:
            event.ignore()
            return
        event.acceptProposedAction()
        self.import_files(paths)

    # --- deleting ----------------------------------------------------------------------------
    def confirm(self, question: str) -> bool:
        answer = QMessageBox.question(self, self.tr("Delete model"), question,
                                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                      QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    @Slot()
    def delete_selected(self) -> None:
        """Forget the model and delete its file; the catalog refuses while a GPT uses it."""
        sha256 = self.selected_sha256()
        if sha256 is None:
            return
        self.error.hide()
        try:
            model = self.services.models.get(sha256)
        except KnownError as exc:
            self._show_error(str(exc))
            return
        if model.owned:
            question = self.tr("Delete the model “{0}” ({1}) from this computer?").format(
                model.display_name, human(model.size))
        else:
            question = self.tr("Remove the linked model “{0}” from GPT Shelf? Its file stays where it is:\n{1}").format(
                model.display_name, model.path)
        if not self.confirm(question):
            return
        try:
            removed = self.services.models.remove(sha256)
        except KnownError as exc:
            self._show_error(str(exc))
            return
        if removed.error:
            self._show_error(self.tr("The model was removed from the catalog, but {0} could not be deleted "
                                     "({1}).").format(removed.path, removed.error))
        elif not removed.model.owned:
            self.status.setText(self.tr("Removed {0}; its file stays in {1}, which GPT Shelf does not own.").format(
                removed.model.display_name, removed.path.parent))
        else:
            self.status.setText(self.tr("Deleted {0}.").format(removed.model.display_name))
        self.refresh()
        self.changed.emit()
