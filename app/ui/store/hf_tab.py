"""The "Hugging Face" tab: any GGUF repo on the hub, searched, its variants listed with sizes, and
installed as a plain model.

Every step talks to the hub, so each runs as a Job; answers about a repo that is no longer selected
are dropped, and an install can be cancelled (it pauses; Install again resumes).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QHBoxLayout, QLabel, QLineEdit, QListWidget, QListWidgetItem, QProgressBar, QPushButton, QVBoxLayout, QWidget,
)

from app.core.entities import DownloadProgress, ModelFile
from app.core.memory import human
from app.services.store import DownloadCancelled
from app.services.container import Services
from app.ui.jobs import Job, Jobs
from app.ui.store.card_delegate import short_count
from app.ui.store.install_panel import MB, PAUSED, format_eta

log = logging.getLogger(__name__)

_DATA = Qt.ItemDataRole.UserRole


class HuggingFaceTab(QWidget):
    """Signals:
        model_installed(str): the sha256 of a model just installed from a hub repo
    """

    model_installed = Signal(str)

    def __init__(self, services: Services, jobs: Jobs, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self._jobs = jobs
        self._repo = ""
        self._commit = ""
        self.search_job: Job | None = None
        self.variants_job: Job | None = None
        self.install_job: Job | None = None

        self.search_box = QLineEdit()
        self.search_box.setPlaceholderText(self.tr("Search GGUF models on the hub, e.g. qwen 0.5b"))
        self.search_box.setAccessibleName(self.tr("Search Hugging Face"))
        self.search_box.returnPressed.connect(self.search)
        self.search_button = QPushButton(self.tr("Search"))
        self.search_button.clicked.connect(self.search)
        self.results = QListWidget()
        self.results.setAccessibleName(self.tr("Repositories"))
        self.results.currentItemChanged.connect(self._on_repo_chosen)
        self.variants = QListWidget()
        self.variants.setAccessibleName(self.tr("Files (variants)"))
        self.variants.currentItemChanged.connect(self._update_buttons)
        self.install_button = QPushButton(self.tr("Install as model"))
        self.install_button.clicked.connect(self.install)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.clicked.connect(self.cancel)
        self.progress = QProgressBar()
        self.status = QLabel()
        self.status.setWordWrap(True)

        top = QHBoxLayout()
        top.addWidget(self.search_box, 1)
        top.addWidget(self.search_button)
        lists = QHBoxLayout()
        left, right = QVBoxLayout(), QVBoxLayout()
        left.addWidget(QLabel(self.tr("Repositories")))
        left.addWidget(self.results, 1)
        right.addWidget(QLabel(self.tr("Files (variants)")))
        right.addWidget(self.variants, 1)
        lists.addLayout(left, 3)
        lists.addLayout(right, 2)
        buttons = QHBoxLayout()
        buttons.addWidget(self.install_button)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.progress, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addLayout(top)
        layout.addLayout(lists, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        self._idle()

    # --- search --------------------------------------------------------------------------------
    @Slot()
    def search(self) -> None:
        text, store = self.search_box.text().strip(), self._services.store
        if self.search_job is not None:
            self.search_job.cancel()
        self.search_job = job = Job(lambda _report, _cancel: (text, store.hf_search(text)), name="hf search")
        job.signals.finished.connect(self._on_results)
        job.signals.failed.connect(self._on_failed)
        self.status.setText(self.tr("Searching the hub…"))
        self._jobs.start(job)

    @Slot(object)
    def _on_results(self, result: object) -> None:
        text, found = result  # type: ignore[misc]
        if text != self.search_box.text().strip():
            return  # an older search
        self.search_job = None
        self.results.clear()
        self.variants.clear()
        for model in found:
            item = QListWidgetItem(self.tr("{0}  ·  {1} downloads · {2} likes").format(
                model.repo, short_count(model.downloads), short_count(model.likes)))
            item.setData(_DATA, model.repo)
            self.results.addItem(item)
        self.status.setText(self.tr("{0} repositories found.").format(len(found)) if found else
                            self.tr("No GGUF repositories match."))

    # --- variants ------------------------------------------------------------------------------
    @Slot(QListWidgetItem, QListWidgetItem)
    def _on_repo_chosen(self, current: QListWidgetItem | None, _previous: QListWidgetItem | None) -> None:
        self.variants.clear()
        self._repo, self._commit = (current.data(_DATA) if current else ""), ""
        self._update_buttons()
        if not self._repo:
            return
        repo, store = self._repo, self._services.store
        self.variants_job = job = Job(lambda _report, _cancel: (repo, *store.hf_variants(repo)), name="hf variants")
        job.signals.finished.connect(self._on_variants)
        job.signals.failed.connect(self._on_failed)
        self.status.setText(self.tr("Listing the files of {0}…").format(repo))
        self._jobs.start(job)

    @Slot(object)
    def _on_variants(self, result: object) -> None:
        repo, commit, variants = result  # type: ignore[misc]
        if repo != self._repo:
            return
        self.variants_job, self._commit = None, commit
        for variant in variants:
            item = QListWidgetItem(f"{variant.quant}  ·  {human(variant.size)}  ·  {variant.file}")
            item.setData(_DATA, variant.file)
            self.variants.addItem(item)
        default = next((i for i in range(self.variants.count()) if "Q4_K_M" in self.variants.item(i).text()), 0)
        if variants:
            self.variants.setCurrentRow(default)
        self.status.setText(self.tr("{0} single-file GGUF variants.").format(len(variants)) if variants else
                            self.tr("This repository has no single-file GGUF models."))
        self._update_buttons()

    # --- install -------------------------------------------------------------------------------
    @Slot()
    def install(self) -> None:
        item = self.variants.currentItem()
        if self.install_job is not None or item is None or not self._commit:
            return
        repo, commit, file, store = self._repo, self._commit, item.data(_DATA), self._services.store

        def work(report: Callable[[Any], None], cancel: threading.Event) -> ModelFile | str:
            try:
                return store.hf_install(repo, variant=file, revision=commit, progress=report, cancel=cancel)
            except DownloadCancelled:
                return PAUSED

        self.install_job = job = Job(work, name=f"hf install {repo}")
        job.signals.progress.connect(self._on_progress)
        job.signals.finished.connect(self._on_installed)
        job.signals.failed.connect(self._on_install_failed)
        self.progress.setRange(0, 0)
        self.progress.setVisible(True)
        self.cancel_button.setVisible(True)
        self.status.setText(self.tr("Starting the download of {0}…").format(file))
        self._update_buttons()
        self._jobs.start(job)

    @Slot()
    def cancel(self) -> None:
        if self.install_job is not None:
            self.install_job.cancel()
            self.status.setText(self.tr("Pausing…"))

    @Slot(object)
    def _on_progress(self, value: object) -> None:
        if isinstance(value, DownloadProgress) and value.total:
            self.progress.setRange(0, 1000)
            self.progress.setValue(int(1000 * value.done / value.total))
            self.status.setText(self.tr("Downloading: {0:.1f} of {1:.1f} MB, {2:.1f} MB/s, {3} left").format(
                value.done / MB, value.total / MB, value.bytes_per_second / MB, format_eta(value.eta_seconds)))

    @Slot(object)
    def _on_installed(self, result: object) -> None:
        self.install_job = None
        self._idle()
        if result == PAUSED:
            self.status.setText(self.tr("Paused. Press Install as model to resume where it stopped."))
            return
        if isinstance(result, ModelFile):
            self.status.setText(self.tr("Installed {0}. Make a GPT from it on the Models page.").format(
                result.display_name))
            self.model_installed.emit(result.sha256)

    @Slot(str)
    def _on_install_failed(self, message: str) -> None:
        self.install_job = None
        self._idle()
        self.status.setText(self.tr("Install failed: {0}").format(message))

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        self.search_job = self.variants_job = None
        self.status.setText(message)

    def _idle(self) -> None:
        self.progress.setVisible(False)
        self.cancel_button.setVisible(False)
        self._update_buttons()

    @Slot()
    def _update_buttons(self) -> None:
        self.install_button.setEnabled(self.install_job is None and self.variants.currentItem() is not None
                                       and bool(self._commit))
