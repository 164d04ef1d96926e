"""The Store page: a grid of GPT cards with live search, category chips, sort and filters, a Sync
button, and a detail view for one GPT.

Everything slow runs as a Job (DESIGN §5): the sync, the free-memory probe behind the fit badges (it
may start an engine process), the per-variant fit check and installs. Search itself is one indexed
catalog query per page of 50, debounced so typing does not run a query per key.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QModelIndex, QSize, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QButtonGroup, QCheckBox, QComboBox, QHBoxLayout, QLabel, QLineEdit, QListView, QProgressBar, QPushButton,
    QStackedWidget, QTabWidget, QVBoxLayout, QWidget,
)

from app.core.entities import ListingQuery, ListingSort
from app.services.store import HubError, SyncReport
from app.services.container import Services
from app.ui.jobs import Job, Jobs
from app.ui.store.card_delegate import CARD_SIZE, CardDelegate
from app.ui.store.detail import DetailView
from app.ui.store.hf_tab import HuggingFaceTab
from app.ui.store.listing_model import ListingModel, ListingRole

log = logging.getLogger(__name__)

SEARCH_DELAY_MS = 250


@dataclass(frozen=True)
class SyncFailed:
    """A sync that could not reach the hub: normal when offline, so it is a result, not an error."""

    message: str


class StorePage(QWidget):
    """Signals:
        gpt_installed(str): the id of a GPT just installed from the store
        model_installed(str): the sha256 of a plain model installed from the Hugging Face tab
        chat_requested(str): a GPT id whose "Chat" button was pressed on its detail
    """

    gpt_installed = Signal(str)
    chat_requested = Signal(str)
    model_installed = Signal(str)

    def __init__(self, services: Services, jobs: Jobs, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.jobs = jobs
        self.sync_job: Job | None = None
        self.memory_job: Job | None = None
        self._categories: list[str] = []

        self.heading = QLabel(self.tr("Store"))
        self.heading.setObjectName("pageHeading")
        self.model = ListingModel(services.store, self)
        self.search_box = QLineEdit()
        self.search_box.setPlaceholderText(self.tr("Search GPTs (any language)…"))
        self.search_box.setClearButtonEnabled(True)
        self.search_box.setAccessibleName(self.tr("Search GPTs"))
        self.search_timer = QTimer(self)
        self.search_timer.setSingleShot(True)
        self.search_timer.setInterval(SEARCH_DELAY_MS)
        self.search_timer.timeout.connect(self.apply_query)
        self.search_box.textChanged.connect(self.search_timer.start)
        self.sort_combo = QComboBox()
        self.sort_combo.setAccessibleName(self.tr("Sort by"))
        for sort, label in ((ListingSort.RELEVANCE, self.tr("Relevance")), (ListingSort.RATING, self.tr("Rating")),
                            (ListingSort.LIKES, self.tr("Likes")), (ListingSort.DOWNLOADS, self.tr("Downloads")),
                            (ListingSort.NEWEST, self.tr("Newest")), (ListingSort.SIZE, self.tr("Size"))):
            self.sort_combo.addItem(label, sort)
        self.sort_combo.currentIndexChanged.connect(self.apply_query)
        self.fits_toggle = QCheckBox(self.tr("Fits this machine"))
        self.fits_toggle.setEnabled(False)
        self.fits_toggle.setToolTip(self.tr("Measuring free memory…"))
        self.fits_toggle.toggled.connect(self.apply_query)
        self.installed_toggle = QCheckBox(self.tr("Installed"))
        self.installed_toggle.toggled.connect(self.apply_query)
        self.sync_button = QPushButton(self.tr("Sync now"))
        self.sync_button.clicked.connect(self.sync)
        self.sync_progress = QProgressBar()
        self.sync_progress.setMaximumWidth(160)
        self.sync_progress.setVisible(False)
        self.sync_status = QLabel()
        self.sync_status.setObjectName("pageNote")
        self.sync_status.setVisible(False)
        self.banner = QLabel()
        self.banner.setObjectName("offlineBanner")
        self.banner.setWordWrap(True)
        self.banner.setVisible(False)
        self.empty_label = QLabel()
        self.empty_label.setObjectName("pageNote")

        self.chips = QButtonGroup(self)
        self.chips.setExclusive(True)
        self.chips.idClicked.connect(self.apply_query)
        self.chip_row = QHBoxLayout()
        self.chip_row.setSpacing(6)

        self.view = QListView()
        self.view.setAccessibleName(self.tr("GPTs"))
        self.view.setViewMode(QListView.ViewMode.IconMode)
        self.view.setResizeMode(QListView.ResizeMode.Adjust)
        self.view.setMovement(QListView.Movement.Static)
        self.view.setUniformItemSizes(True)
        self.view.setGridSize(QSize(CARD_SIZE.width(), CARD_SIZE.height()))
        self.view.setSpacing(0)
        self.view.setWordWrap(True)
        self.view.setSelectionMode(QListView.SelectionMode.SingleSelection)
        self.view.setItemDelegate(CardDelegate(self.view))
        self.view.setModel(self.model)
        self.view.activated.connect(self._on_activated)

        self.detail = DetailView(services, jobs)
        self.detail.back.connect(self.show_list)
        self.detail.installed.connect(self._on_installed)
        self.detail.uninstalled.connect(self._on_uninstalled)
        self.detail.chat_requested.connect(self.chat_requested)

        self.tabs = QTabWidget()
        self.tabs.addTab(self._browse_widget(), self.tr("GPTs"))
        self.hf_tab = HuggingFaceTab(services, jobs)
        self.hf_tab.model_installed.connect(self.model_installed)
        self.tabs.addTab(self.hf_tab, self.tr("Hugging Face"))
        self.stack = QStackedWidget()
        self.stack.addWidget(self.tabs)
        self.stack.addWidget(self.detail)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.addWidget(self.heading)
        layout.addWidget(self.stack, 1)
        self.refresh()

    def _browse_widget(self) -> QWidget:
        tools = QHBoxLayout()
        tools.addWidget(self.search_box, 1)
        tools.addWidget(self.sort_combo)
        tools.addWidget(self.fits_toggle)
        tools.addWidget(self.installed_toggle)
        tools.addWidget(self.sync_button)
        tools.addWidget(self.sync_progress)
        widget = QWidget()
        column = QVBoxLayout(widget)
        column.setContentsMargins(0, 8, 0, 0)
        column.addLayout(tools)
        column.addLayout(self.chip_row)
        column.addWidget(self.banner)
        column.addWidget(self.sync_status)
        column.addWidget(self.empty_label)
        column.addWidget(self.view, 1)
        return widget

    # --- the page contract ---------------------------------------------------------------------
    def refresh(self) -> None:
        """Re-read the categories and listings (the catalog changed, or the page was shown)."""
        self._rebuild_chips()
        self.apply_query()
        if self.memory_job is None and self.model.available_memory is None:
            fit = self.services.store.fit
            self.memory_job = Job(lambda _report, _cancel: fit.available(), name="free memory")
            self.memory_job.signals.finished.connect(self._on_memory)
            self.memory_job.signals.failed.connect(self._on_memory_failed)
            self.jobs.start(self.memory_job)

    # --- searching -----------------------------------------------------------------------------
    def current_query(self) -> ListingQuery:
        chip = self.chips.checkedButton()
        category = chip.property("category") if chip is not None else None
        return ListingQuery(text=self.search_box.text().strip(), category=category or None,
                            installed=True if self.installed_toggle.isChecked() else None,
                            sort=ListingSort(self.sort_combo.currentData() or ListingSort.RELEVANCE))

    @Slot()
    def apply_query(self) -> None:
        self.search_timer.stop()
        self.model.set_query(self.current_query(), fits_only=self.fits_toggle.isChecked())
        if self.model.error:
            self.empty_label.setText(self.model.error)
        elif self.model.rowCount() == 0:
            self.empty_label.setText(self.tr("No GPTs match. Try other words or fewer filters."))
        else:
            self.empty_label.clear()
        self.empty_label.setVisible(bool(self.empty_label.text()))

    def _rebuild_chips(self) -> None:
        checked = self.chips.checkedButton()
        keep = checked.property("category") if checked is not None else ""
        for button in self.chips.buttons():
            self.chips.removeButton(button)
            self.chip_row.removeWidget(button)
            button.deleteLater()
        while self.chip_row.count():
            self.chip_row.takeAt(0)
        self._categories = [c for c, _n in self.services.catalog.listing_categories()]
        entries = [("", self.tr("All"))] + [(c, c.capitalize()) for c in self._categories]
        for number, (category, label) in enumerate(entries):
            chip = QPushButton(label)
            chip.setCheckable(True)
            chip.setProperty("category", category)
            chip.setObjectName("categoryChip")
            chip.setChecked(category == (keep if keep in self._categories else ""))
            self.chips.addButton(chip, number)
            self.chip_row.addWidget(chip)
        self.chip_row.addStretch(1)

    def chip(self, category: str) -> QPushButton | None:
        """The chip for a category ("" for All), for tests and keyboard shortcuts."""
        return next((b for b in self.chips.buttons() if b.property("category") == category), None)

    @Slot(object)
    def _on_memory(self, available: object) -> None:
        self.memory_job = None
        if isinstance(available, int):
            self.model.set_available_memory(available)
            self.fits_toggle.setEnabled(True)
            self.fits_toggle.setToolTip("")

    @Slot(str)
    def _on_memory_failed(self, message: str) -> None:
        self.memory_job = None
        self.fits_toggle.setToolTip(self.tr("Free memory unknown: {0}").format(message))

    # --- syncing -------------------------------------------------------------------------------
    @Slot()
    def sync(self) -> None:
        if self.sync_job is not None:
            return
        store = self.services.store

        def work(report: Callable[[Any], None], cancel: threading.Event) -> SyncReport | SyncFailed:
            try:
                return store.sync(progress=lambda done, total: report((done, total)), cancel=cancel)
            except HubError as exc:
                return SyncFailed(str(exc))

        self.sync_job = Job(work, name="store sync")
        self.sync_job.signals.progress.connect(self._on_sync_progress)
        self.sync_job.signals.finished.connect(self._on_synced)
        self.sync_job.signals.failed.connect(self._on_sync_error)
        self.sync_button.setEnabled(False)
        self.sync_progress.setRange(0, 0)
        self.sync_progress.setVisible(True)
        self.sync_status.setText(self.tr("Syncing the store…"))
        self.sync_status.setVisible(True)
        self.jobs.start(self.sync_job)

    @Slot(object)
    def _on_sync_progress(self, value: object) -> None:
        if isinstance(value, tuple) and len(value) == 2 and value[1]:
            self.sync_progress.setRange(0, int(value[1]))
            self.sync_progress.setValue(int(value[0]))

    @Slot(object)
    def _on_synced(self, result: object) -> None:
        self._sync_done()
        if isinstance(result, SyncFailed):
            self.banner.setText(self.tr("You're offline — showing the last synced store. ({0})").format(
                result.message))
            self.banner.setVisible(True)
            self.sync_status.setText(self.tr("Last sync failed."))
            return
        self.banner.setVisible(False)
        if isinstance(result, SyncReport):
            changes = result.changes
            text = self.tr("Synced: {0} new, {1} changed, {2} removed.").format(
                len(changes.added), len(changes.changed), len(changes.removed))
            if result.problems:
                text += " " + self.tr("{0} listings were skipped as unreadable.").format(len(result.problems))
            self.sync_status.setText(text)
        self.refresh()

    @Slot(str)
    def _on_sync_error(self, message: str) -> None:
        self._sync_done()
        self.banner.setText(self.tr("The sync failed — showing the last synced store. ({0})").format(message))
        self.banner.setVisible(True)
        self.sync_status.setText(self.tr("Last sync failed."))

    def _sync_done(self) -> None:
        self.sync_job = None
        self.sync_button.setEnabled(True)
        self.sync_progress.setVisible(False)

    # --- detail --------------------------------------------------------------------------------
    @Slot(QModelIndex)
    def _on_activated(self, index: QModelIndex) -> None:
        listing = index.data(ListingRole)
        if listing is not None:
            self.open_listing(listing.id)

    def open_listing(self, listing_id: str) -> None:
        self.detail.show_listing(listing_id)
        self.stack.setCurrentWidget(self.detail)

    @Slot()
    def show_list(self) -> None:
        self.stack.setCurrentWidget(self.tabs)
        self.view.setFocus()

    @Slot(str)
    def _on_installed(self, gpt_id: str) -> None:
        self.apply_query()
        self.gpt_installed.emit(gpt_id)

    @Slot(str)
    def _on_uninstalled(self, _gpt_id: str) -> None:
        self.apply_query()
