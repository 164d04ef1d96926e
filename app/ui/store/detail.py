"""One store listing in full: what it is, which variant to fetch and whether it fits, install, and its
likes and reviews (here and on the hub, see :mod:`app.ui.store.reviews`).

The header comes straight from the catalog (a single-row read), while the per-variant fit check runs
as a Job because it may start an engine process to ask about the GPU (DESIGN §5); so does everything
the reviews panel asks the hub.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import QComboBox, QFormLayout, QHBoxLayout, QLabel, QPushButton, QScrollArea, QVBoxLayout, QWidget

from app.core.entities import Fit, FitReport, Listing
from app.core.errors import KnownError
from app.core.memory import human
from app.services.container import Services
from app.services.store import ListingDetails
from app.ui.jobs import Job, Jobs
from app.ui.store.install_panel import InstallPanel
from app.ui.store.reviews import ReviewsPanel

log = logging.getLogger(__name__)


class DetailView(QWidget):
    """Signals:
        back(): the person wants the list again
        installed(str) / uninstalled(str) / chat_requested(str): a GPT id, relayed from the install panel
    """

    back = Signal()
    installed = Signal(str)
    uninstalled = Signal(str)
    chat_requested = Signal(str)

    def __init__(self, services: Services, jobs: Jobs, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self._jobs = jobs
        self.listing: Listing | None = None
        self._fits: dict[str, FitReport] = {}
        self.show_job: Job | None = None

        self.back_button = QPushButton(self.tr("← Back to the store"))
        self.back_button.clicked.connect(self.back)
        self.name_label = QLabel()
        self.name_label.setObjectName("pageHeading")
        self.meta_label = QLabel()
        self.meta_label.setObjectName("pageNote")
        self.description = QLabel()
        self.description.setWordWrap(True)
        self.starters = QLabel()
        self.starters.setWordWrap(True)
        self.model_label = QLabel()
        self.model_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.variant_combo = QComboBox()
        self.variant_combo.currentIndexChanged.connect(self._show_fit)
        self.fit_label = QLabel()
        self.fit_label.setWordWrap(True)
        self.remote_button = QPushButton()
        self.remote_button.setToolTip(self.tr("Install this GPT without its model and run it on a remote engine"))
        self.remote_button.clicked.connect(self.run_on_engine)
        self.remote_button.setVisible(False)
        self.remote_job: Job | None = None
        self.run_on_dialog: QWidget | None = None
        """The engine and model dialog while it is open (tests reach it here)."""
        self.install_panel = InstallPanel(services, jobs)
        self.install_panel.installed.connect(self._on_installed)
        self.install_panel.uninstalled.connect(self.uninstalled)
        self.install_panel.chat_requested.connect(self.chat_requested)

        self.reviews_panel = ReviewsPanel(services, jobs)
        # The review widgets as the detail view has always named them (callers and tests use these).
        self.reviews = self.reviews_panel.local_list
        self.review_stars = self.reviews_panel.review_stars
        self.review_text = self.reviews_panel.review_text
        self.review_button = self.reviews_panel.review_button
        self.review_status = self.reviews_panel.review_status

        facts = QFormLayout()
        facts.addRow(self.tr("Base model:"), self.model_label)
        facts.addRow(self.tr("Variant:"), self.variant_combo)
        facts.addRow("", self.fit_label)
        facts.addRow("", self.remote_button)

        body = QWidget()
        column = QVBoxLayout(body)
        column.addWidget(self.name_label)
        column.addWidget(self.meta_label)
        column.addWidget(self.description)
        column.addWidget(self.starters)
        column.addLayout(facts)
        column.addWidget(self.install_panel)
        column.addWidget(self.reviews_panel)
        column.addStretch(1)
        scroll = QScrollArea()
        scroll.setAccessibleName(self.tr("GPT details"))
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        top.addWidget(self.back_button)
        top.addStretch(1)
        layout.addLayout(top)
        layout.addWidget(scroll, 1)

    # --- showing a listing ---------------------------------------------------------------------
    def show_listing(self, listing_id: str) -> None:
        """Fill in what the catalog knows now; the fit per variant and the reviews follow from a Job."""
        try:
            listing = self._services.catalog.get_listing(listing_id)
        except KnownError as exc:
            self.name_label.setText(listing_id)
            self.description.setText(str(exc))
            return
        self.listing, self._fits = listing, {}
        self.name_label.setText(listing.name)
        self.meta_label.setText(self.tr("by {0} · {1} · {2} · version {3}").format(
            listing.author, listing.category, listing.license or "-", listing.version or "-"))
        self.description.setText(listing.description)
        starters = [str(s) for s in (listing.manifest or {}).get("conversation_starters", [])]
        self.starters.setText(self.tr("Try: {0}").format(" · ".join(f"“{s}”" for s in starters)) if starters else "")
        self.starters.setVisible(bool(starters))
        self.model_label.setText(f"{listing.model_repo} @ {listing.model_revision[:12]}")
        self.variant_combo.blockSignals(True)
        self.variant_combo.clear()
        for variant in listing.variants:
            self.variant_combo.addItem(f"{variant.quant} · {human(variant.size)}", variant.quant)
        self.variant_combo.setCurrentIndex(max(0, self.variant_combo.findData(listing.variant().quant)))
        self.variant_combo.blockSignals(False)
        self.fit_label.setText(self.tr("Checking whether it fits this computer…"))
        self.install_panel.set_listing(listing.id, listing.installed, self.variant_combo.currentData)
        self.reviews_panel.set_listing(listing)
        store = self._services.store
        self.show_job = Job(lambda _report, _cancel: store.show(listing_id), name=f"show {listing_id}")
        self.show_job.signals.finished.connect(self._on_details)
        self.show_job.signals.failed.connect(self._on_details_failed)
        self._jobs.start(self.show_job)

    @Slot(object)
    def _on_details(self, details: object) -> None:
        if not isinstance(details, ListingDetails) or self.listing is None or details.listing.id != self.listing.id:
            return  # an answer about a listing that is no longer shown
        self._fits = {variant.quant: report for variant, report in details.fits}
        self._show_fit()  # reviews were read already and may have grown since: details.reviews could be stale

    @Slot(str)
    def _on_details_failed(self, message: str) -> None:
        self.fit_label.setText(self.tr("Could not check the fit: {0}").format(message))

    @Slot()
    def _show_fit(self) -> None:
        report = self._fits.get(self.variant_combo.currentData())
        if report is not None:
            self.fit_label.setText(report.explanation)
        self._offer_engine(report)

    def _offer_engine(self, report: FitReport | None) -> None:
        """When the GPT will not fit here and remote engines exist, offer to run it on one."""
        engines = self._services.remote_engines.list() if report is not None and report.verdict is Fit.WONT_FIT \
            else []
        offer = bool(engines) and self.listing is not None and not self.listing.installed
        if offer:
            self.remote_button.setText(self.tr("Run on {0}…").format(engines[0].name) if len(engines) == 1 else
                                       self.tr("Run on a remote engine…"))
        self.remote_button.setVisible(offer)

    @Slot()
    def run_on_engine(self) -> bool:
        """Ask for an engine and model, then install the GPT without its model and place it there (a Job)."""
        listing = self.listing
        if listing is None or self.remote_job is not None:
            return False
        from app.ui.run_on_dialog import RunOnDialog  # noqa: PLC0415 - with the first use, not at start

        dialog = RunOnDialog(self._services, self._jobs, None, self, name=listing.name)
        self.run_on_dialog = dialog  # tests reach the open dialog here
        dialog.exec()
        self.run_on_dialog = None
        dialog.deleteLater()
        if dialog.choice is None:
            return False
        engine_id, model = dialog.choice
        variant = self.variant_combo.currentData()
        remote = self._services.remote_engines
        self.remote_button.setEnabled(False)
        self.fit_label.setText(self.tr("Installing {0} to run on the engine…").format(listing.name))
        job = Job(lambda _report, cancel: remote.install_to_run_on(listing.id, engine_id, model, variant=variant,
                                                                   cancel=cancel), name=f"install {listing.id}")
        job.signals.finished.connect(self._on_remote_installed)
        job.signals.failed.connect(self.fit_label.setText)
        job.signals.done.connect(self._remote_done)
        self.remote_job = self._jobs.start(job)
        return True

    @Slot(object)
    def _on_remote_installed(self, installed: object) -> None:
        gpt, placement = installed
        self.fit_label.setText(self.tr("{0} is installed and runs on {1} · {2}.").format(
            gpt.name, placement.engine_name, placement.model))
        self.remote_button.setVisible(False)
        if self.listing is not None and self.listing.id == gpt.id:
            self.install_panel.set_listing(gpt.id, True, self.variant_combo.currentData)
        self._on_installed(gpt.id)

    @Slot()
    def _remote_done(self) -> None:
        self.remote_job = None
        self.remote_button.setEnabled(True)

    @Slot(str)
    def _on_installed(self, gpt_id: str) -> None:
        if self.listing is not None and self.listing.id == gpt_id:
            self.listing = self._services.catalog.get_listing(gpt_id)
        self.installed.emit(gpt_id)

    # --- reviews -------------------------------------------------------------------------------
    @Slot()
    def submit_review(self) -> None:
        """Post the review typed in the form (kept here; published too if the person asked)."""
        self.reviews_panel.submit_review()
