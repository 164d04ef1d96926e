"""Install, pause, resume, retry and uninstall one store listing.

Downloads are long, so they run as a :class:`Job` with progress (speed and ETA) and can be cancelled.
A cancel pauses the download and keeps the partial file, so pressing Install again resumes where it
stopped; a failure is shown inline next to a Retry button instead of a dialog that hides the page.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QVBoxLayout, QWidget

from app.core.entities import GPT, DownloadProgress
from app.services.store import DownloadCancelled
from app.services.container import Services
from app.ui.jobs import Job, Jobs

log = logging.getLogger(__name__)

PAUSED = "paused"
"""What the install job returns when it was cancelled: the download is paused, not failed."""

MB = 1_000_000


def format_eta(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    seconds = int(seconds)
    if seconds >= 3600:
        return f"{seconds // 3600}h {seconds % 3600 // 60:02d}m"
    if seconds >= 60:
        return f"{seconds // 60}m {seconds % 60:02d}s"
    return f"{seconds}s"


class InstallPanel(QWidget):
    """The install controls of the detail view.

    Signals:
        installed(str): the GPT id, once it is installed and verified
        uninstalled(str): the GPT id, once it is gone
        progressed(object): each DownloadProgress, for whoever shows it elsewhere (a status bar)
        chat_requested(str): the GPT id, when the person wants to talk to the installed GPT
    """

    installed = Signal(str)
    uninstalled = Signal(str)
    progressed = Signal(object)
    chat_requested = Signal(str)

    def __init__(self, services: Services, jobs: Jobs, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self._jobs = jobs
        self._listing_id = ""
        self._variant: Callable[[], str | None] = lambda: None
        self.job: Job | None = None

        self.install_button = QPushButton(self.tr("Install"))
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.retry_button = QPushButton(self.tr("Retry"))
        self.uninstall_button = QPushButton(self.tr("Uninstall"))
        self.chat_button = QPushButton(self.tr("Chat"))
        self.chat_button.setObjectName("primary")
        self.chat_button.clicked.connect(lambda: self.chat_requested.emit(self._listing_id))
        self.progress = QProgressBar()
        self.progress.setTextVisible(True)
        self.installed_label = QLabel(self.tr("Installed"))
        self.installed_label.setObjectName("installedLabel")
        self.is_installed = False
        self.status = QLabel()
        self.status.setObjectName("installStatus")
        self.status.setWordWrap(True)
        self.install_button.clicked.connect(self.install)
        self.retry_button.clicked.connect(self.install)
        self.cancel_button.clicked.connect(self.cancel)
        self.uninstall_button.clicked.connect(self.uninstall)

        buttons = QHBoxLayout()
        buttons.addWidget(self.installed_label)
        for button in (self.chat_button, self.install_button, self.cancel_button, self.retry_button,
                       self.uninstall_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(buttons)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        self._show_idle(installed=False)

    # --- what the panel is about ---------------------------------------------------------------
    def set_listing(self, listing_id: str, installed: bool, variant: Callable[[], str | None]) -> None:
        """Point the panel at a listing; ``variant`` gives the chosen variant when Install is pressed."""
        if self.job is not None and listing_id != self._listing_id:
            # Another GPT: the running job pauses (Install on its GPT resumes it) and stops reporting here.
            for signal in (self.job.signals.progress, self.job.signals.finished, self.job.signals.failed):
                signal.disconnect()  # only this panel listens to these; Jobs listens to ``done``
            self.job.cancel()
            self.job = None
        self._listing_id, self._variant = listing_id, variant
        if self.job is None:
            self.status.clear()
            self._show_idle(installed=installed)

    @property
    def busy(self) -> bool:
        return self.job is not None

    # --- actions -------------------------------------------------------------------------------
    @Slot()
    def install(self) -> None:
        if self.job is not None or not self._listing_id:
            return
        listing_id, variant, store = self._listing_id, self._variant(), self._services.store

        def work(report: Callable[[Any], None], cancel: threading.Event) -> GPT | str:
            try:
                return store.install(listing_id, variant=variant, progress=report, cancel=cancel)
            except DownloadCancelled:
                return PAUSED

        self.job = Job(work, name=f"install {listing_id}")
        self.job.signals.progress.connect(self._on_progress)
        self.job.signals.finished.connect(self._on_finished)
        self.job.signals.failed.connect(self._on_failed)
        self._show_running()
        self.status.setText(self.tr("Starting the download…"))
        self._jobs.start(self.job)

    @Slot()
    def cancel(self) -> None:
        if self.job is not None:
            self.job.cancel()
            self.cancel_button.setEnabled(False)
            self.status.setText(self.tr("Pausing…"))

    @Slot()
    def uninstall(self) -> None:
        if self.job is not None or not self._listing_id:
            return
        listing_id, store = self._listing_id, self._services.store
        self.job = Job(lambda _report, _cancel: store.uninstall(listing_id), name=f"uninstall {listing_id}")
        self.job.signals.finished.connect(self._on_uninstalled)
        self.job.signals.failed.connect(self._on_failed)
        self._set_buttons()
        self.status.setText(self.tr("Uninstalling…"))
        self._jobs.start(self.job)

    # --- job reports ---------------------------------------------------------------------------
    @Slot(object)
    def _on_progress(self, value: object) -> None:
        if not isinstance(value, DownloadProgress):
            return
        self.progressed.emit(value)
        if value.total:
            self.progress.setRange(0, 1000)
            self.progress.setValue(int(1000 * value.done / value.total))
            self.progress.setFormat(self.tr("{0:.1f} of {1:.1f} MB").format(value.done / MB, value.total / MB))
        else:
            self.progress.setRange(0, 0)
        self.status.setText(self.tr("Downloading: {0:.1f} MB/s, {1} left").format(
            value.bytes_per_second / MB, format_eta(value.eta_seconds)))

    @Slot(object)
    def _on_finished(self, result: object) -> None:
        self.job = None
        if result == PAUSED:
            self._show_idle(installed=False)
            self.progress.setVisible(self.progress.value() > 0)
            self.status.setText(self.tr("Paused. Press Install to resume where it stopped."))
            return
        gpt_id = result.id if isinstance(result, GPT) else self._listing_id
        self._show_idle(installed=True)
        self.status.setText(self.tr("Installed and verified."))
        log.info("installed %s from the store", gpt_id)
        self.installed.emit(gpt_id)

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        self.job = None
        installed = self.is_installed
        self._show_idle(installed=installed)
        self.install_button.setVisible(False)
        self.retry_button.setVisible(not installed)
        self.status.setText(self.tr("Failed: {0}").format(message))

    @Slot(object)
    def _on_uninstalled(self, _result: object) -> None:
        gpt_id, self.job = self._listing_id, None
        self._show_idle(installed=False)
        self.status.setText(self.tr("Uninstalled."))
        self.uninstalled.emit(gpt_id)

    # --- looks ---------------------------------------------------------------------------------
    def _show_idle(self, *, installed: bool) -> None:
        self.is_installed = installed
        self.installed_label.setVisible(installed)
        self.chat_button.setVisible(installed)
        self.install_button.setVisible(not installed)
        self.uninstall_button.setVisible(installed)
        self.cancel_button.setVisible(False)
        self.retry_button.setVisible(False)
        self.progress.setVisible(False)
        self._set_buttons()

    def _show_running(self) -> None:
        self.installed_label.setVisible(False)
        self.chat_button.setVisible(False)
        self.install_button.setVisible(False)
        self.uninstall_button.setVisible(False)
        self.retry_button.setVisible(False)
        self.cancel_button.setVisible(True)
        self.cancel_button.setEnabled(True)
        self.progress.setVisible(True)
        self.progress.setRange(0, 0)

    def _set_buttons(self) -> None:
        idle = self.job is None
        for button in (self.install_button, self.retry_button, self.uninstall_button):
            button.setEnabled(idle)
