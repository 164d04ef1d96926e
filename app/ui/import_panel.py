"""Settings ▸ Import: use the models other apps keep (linked in place) and bring chat history over.

Scanning reads GGUF headers and asks for free memory (the fit check may start an engine process);
linking hashes whole files; importing history parses exports of any size. All three run as Jobs, so
the window stays responsive; a scan's refused files and an import's unreadable conversations are
listed on the panel with their reasons.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QFileDialog, QGroupBox, QHBoxLayout, QHeaderView, QLabel, QPushButton, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget,
)

from app.core.memory import human
from app.ui.jobs import Job, Jobs
from app.ui.widgets import error_label

if TYPE_CHECKING:
    from app.services.container import Services
    from app.services.history_import import HistoryImportReport
    from app.services.model_scan import Candidate, LinkOutcome, ScanResult

log = logging.getLogger(__name__)


class ImportPanel(QGroupBox):
    """Signals: models_changed() after models were linked; history_changed() after conversations were added."""

    models_changed = Signal()
    history_changed = Signal()

    def __init__(self, services: Services, jobs: Jobs, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Import from other apps"), parent)
        self.services = services
        self.jobs = jobs
        self.job: Job | None = None
        """The scan, link or history import running now (one at a time)."""
        self.result: ScanResult | None = None
        self.folders: list[Path] = []

        intro = QLabel(self.tr("Use the models GPT4All, LM Studio, Jan and Ollama already keep on this computer: "
                               "they are linked where they are, never copied, and GPT Shelf never deletes them."))
        intro.setWordWrap(True)
        self.scan_button = QPushButton(self.tr("Scan for models"))
        self.scan_button.clicked.connect(lambda: self.scan())
        self.folder_button = QPushButton(self.tr("Add a folder…"))
        self.folder_button.clicked.connect(self.choose_folder)
        self.link_button = QPushButton(self.tr("Link the checked models"))
        self.link_button.setObjectName("primary")
        self.link_button.clicked.connect(self.link_checked)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.clicked.connect(self.cancel)
        self.table = QTableWidget(0, 6)
        self.table.setHorizontalHeaderLabels([self.tr("Model"), self.tr("From"), self.tr("Quantization"),
                                              self.tr("Size"), self.tr("Fits here"), self.tr("State")])
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QTableWidget.SelectionMode.NoSelection)
        self.table.setTabKeyNavigation(False)
        self.table.setMinimumHeight(180)
        self.table.setAccessibleName(self.tr("Models found"))
        self.progress = QLabel()
        self.progress.setWordWrap(True)
        self.refused = error_label()
        self.refused.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        history_intro = QLabel(self.tr("Chat history: a ChatGPT data export (.zip or conversations.json), Jan's "
                                       "threads folder, or LM Studio conversations. Importing twice adds nothing "
                                       "twice."))
        history_intro.setWordWrap(True)
        self.history_file_button = QPushButton(self.tr("Import a history file…"))
        self.history_file_button.clicked.connect(self.choose_history_file)
        self.history_folder_button = QPushButton(self.tr("Import a history folder…"))
        self.history_folder_button.clicked.connect(self.choose_history_folder)
        self.history_result = QLabel()
        self.history_result.setWordWrap(True)
        self.history_result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(_row(self.scan_button, self.folder_button, None, self.cancel_button, self.link_button))
        layout.addWidget(self.table)
        layout.addWidget(self.progress)
        layout.addWidget(self.refused)
        layout.addWidget(history_intro)
        layout.addLayout(_row(self.history_file_button, self.history_folder_button, None))
        layout.addWidget(self.history_result)
        self._update_buttons()

    # --- models ------------------------------------------------------------------------------
    @Slot()
    def choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("A folder with GGUF models"))
        if folder:
            self.folders.append(Path(folder))
            self.scan()

    def scan(self, folders: Sequence[Path] = ()) -> Job | None:
        """Look through the apps' folders and the ones added; nothing is linked yet."""
        if self.job is not None:
            return None
        self.folders.extend(Path(f) for f in folders if Path(f) not in self.folders)
        scanner, picked = self.services.scanner, list(self.folders)
        self.progress.setText(self.tr("Looking for models…"))
        self.refused.hide()
        return self._start(Job(lambda _report, cancel: scanner.scan(picked, cancel=cancel), name="model scan"),
                           self._on_scanned)

    @Slot(object)
    def _on_scanned(self, result: ScanResult) -> None:
        self.result = result
        self.table.setRowCount(len(result.candidates))
        for row, candidate in enumerate(result.candidates):
            name = QTableWidgetItem(candidate.name)
            name.setToolTip(str(candidate.path))
            if candidate.linked:
                name.setFlags(name.flags() & ~Qt.ItemFlag.ItemIsUserCheckable)
            else:
                name.setFlags(name.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                name.setCheckState(Qt.CheckState.Checked)
            fit = candidate.fit
            cells = (name, QTableWidgetItem(candidate.app), QTableWidgetItem(candidate.quant),
                     QTableWidgetItem(human(candidate.size)), QTableWidgetItem(self._fit_text(fit)),
                     QTableWidgetItem(self.tr("added") if candidate.linked else self.tr("new")))
            if fit is not None:
                cells[4].setToolTip(fit.explanation)
            for column, item in enumerate(cells):
                self.table.setItem(row, column, item)
        searched = len(result.searched)
        if result.candidates:
            self.progress.setText(self.tr("Found {0} models ({1} new) in {2} folders.").format(
                len(result.candidates), len(result.new), searched))
        else:
            self.progress.setText(self.tr("No models found in the {0} folders where GPT4All, LM Studio, Jan and "
                                          "Ollama keep them. Add a folder to look elsewhere.").format(searched))
        lines = [self.tr("Not offered: {0} ({1})").format(r.path, r.reason) for r in result.refused]
        self.refused.setText("\n".join(lines))
        self.refused.setVisible(bool(lines))

    def _fit_text(self, fit: Any) -> str:
        if fit is None:
            return "-"
        return {"fits": self.tr("Fits"), "tight": self.tr("Tight"), "wont_fit": self.tr("Won't fit")}.get(
            fit.verdict.value, fit.verdict.value)

    def checked(self) -> list[Candidate]:
        if self.result is None:
            return []
        return [c for row, c in enumerate(self.result.candidates)
                if not c.linked and self.table.item(row, 0).checkState() == Qt.CheckState.Checked]

    @Slot()
    def link_checked(self) -> Job | None:
        """Link the checked models in place (hashing each one, with progress)."""
        chosen = self.checked()
        if self.job is not None or not chosen:
            return None
        scanner = self.services.scanner
        job = Job(lambda report, cancel: scanner.link_all(chosen, progress=lambda *p: report(p), cancel=cancel),
                  name="link models")
        job.signals.progress.connect(self._on_link_progress)
        return self._start(job, self._on_linked)

    @Slot(object)
    def _on_link_progress(self, value: tuple[str, int, int]) -> None:
        name, done, total = value
        self.progress.setText(self.tr("Reading {0}: {1}%").format(name, done * 100 // max(total, 1)))

    @Slot(object)
    def _on_linked(self, outcomes: list[LinkOutcome]) -> None:
        linked = [o for o in outcomes if o.result is not None]
        failed = [o for o in outcomes if o.error]
        self.progress.setText(self.tr("Linked {0} models; they are in Models and can be used in new GPTs.").format(
            len(linked)))
        if failed:
            self.refused.setText("\n".join(self.tr("Not linked: {0} ({1})").format(o.candidate.path, o.error)
                                           for o in failed))
            self.refused.show()
        if linked:
            self.models_changed.emit()
        self.job = None  # scan again to show the new state
        self.scan()

    # --- history -----------------------------------------------------------------------------
    @Slot()
    def choose_history_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Chat history to import"), "",
                                              self.tr("Chat exports (*.zip *.json);;All files (*)"))
        if path:
            self.import_history(Path(path))

    @Slot()
    def choose_history_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Jan threads or LM Studio conversations"))
        if folder:
            self.import_history(Path(folder))

    def import_history(self, path: Path) -> Job | None:
        if self.job is not None:
            return None
        importer = self.services.history_import
        self.history_result.setText(self.tr("Importing {0}…").format(path.name))
        job = Job(lambda report, cancel: importer.import_path(path, progress=report, cancel=cancel),
                  name="history import")
        job.signals.progress.connect(
            lambda count: self.history_result.setText(self.tr("Importing {0}: {1} conversations read…").format(
                path.name, count)))
        return self._start(job, self._on_history_imported, self.history_result.setText)

    @Slot(object)
    def _on_history_imported(self, report: HistoryImportReport) -> None:
        lines = [self.tr("Imported {0} conversations from {1}; {2} were already here.").format(
            len(report.added), report.source, report.already)]
        lines += [self.tr("Skipped {0}: {1}").format(f.name, f.reason) for f in report.failed]
        self.history_result.setText("\n".join(lines))
        if report.added:
            self.history_changed.emit()

    # --- jobs --------------------------------------------------------------------------------
    def _start(self, job: Job, finished: Any, failed: Any = None) -> Job:
        job.signals.finished.connect(finished)
        job.signals.failed.connect(failed or self._on_failed)
        job.signals.done.connect(self._on_done)
        self.job = job
        self._update_buttons()
        return self.jobs.start(job)

    @Slot(str)
    def _on_failed(self, sentence: str) -> None:
        self.progress.setText(sentence)

    @Slot()
    def _on_done(self) -> None:
        if self.job is not None and self.job.signals is self.sender():
            self.job = None
        self._update_buttons()

    @Slot()
    def cancel(self) -> None:
        if self.job is not None:
            self.job.cancel()

    def _update_buttons(self) -> None:
        idle = self.job is None
        for button in (self.scan_button, self.folder_button, self.link_button, self.history_file_button,
                       self.history_folder_button):
            button.setEnabled(idle)
        self.cancel_button.setEnabled(not idle)


def _row(*widgets: QWidget | None) -> QHBoxLayout:
    """Buttons in a row; None is the stretch between the left and right groups."""
    row = QHBoxLayout()
    for widget in widgets:
        if widget is None:
            row.addStretch(1)
        else:
            row.addWidget(widget)
    return row
