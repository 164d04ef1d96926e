"""Step 2, Model: the GGUF the GPT runs on, picked from the installed ones with whether it fits here.

A model from the store or from a Hugging Face search is installed in the Store's own page, shown in a
dialog over the wizard; once it is installed it appears in this list and is selected. The fit of each
model is worked out in a Job (the first check may start an engine process to ask for GPU memory).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QDialog, QDialogButtonBox, QHBoxLayout, QLabel, QPushButton, QTableWidgetItem, QVBoxLayout,
)

from app.core.entities import Fit, FitReport, GenerationParams, ModelFile, ModelStatus
from app.core.errors import KnownError
from app.core.memory import human
from app.ui.jobs import Job
from app.ui.widgets import id_table, select_row_with, selected_value
from app.ui.wizard.common import DraftPage

if TYPE_CHECKING:
    from app.ui.wizard.wizard import GPTWizard

SHA_ROLE = Qt.ItemDataRole.UserRole
FIT_COLUMN = 3


class ModelPage(DraftPage):
    def __init__(self, wizard: GPTWizard, preselected: str | None) -> None:
        super().__init__(wizard)
        self.setTitle(self.tr("Model"))
        self.setSubTitle(self.tr("The model your GPT runs on. Smaller models answer faster; larger ones know "
                                 "more."))
        self.fit_job: Job | None = None
        self._fit_again = False
        self.fits: dict[str, FitReport] = {}
        self.models: list[ModelFile] = []
        self.table = id_table([self.tr("Model"), self.tr("Quantization"), self.tr("Size"), self.tr("Fits here?")])
        self.table.setAccessibleName(self.tr("Installed models"))
        self.table.itemSelectionChanged.connect(self._on_selection)
        self.empty_note = QLabel(self.tr("No model is installed yet. Get one from the Store, or search Hugging Face "
                                         "for any GGUF model."))
        self.empty_note.setWordWrap(True)
        self.fit_note = QLabel()
        self.fit_note.setObjectName("pageNote")
        self.fit_note.setWordWrap(True)
        self.store_button = QPushButton(self.tr("Get a model from the Store…"))
        self.store_button.clicked.connect(lambda: self.open_store(hugging_face=False))
        self.hf_button = QPushButton(self.tr("Search Hugging Face…"))
        self.hf_button.clicked.connect(lambda: self.open_store(hugging_face=True))
        self.store_dialog: QDialog | None = None
        buttons = QHBoxLayout()
        buttons.addWidget(self.store_button)
        buttons.addWidget(self.hf_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty_note)
        layout.addWidget(self.fit_note)
        layout.addWidget(self.field("model"))
        layout.addLayout(buttons)
        layout.addWidget(self.page_error)
        self.refresh_models(preselected)

    # --- the list ---------------------------------------------------------------------------------
    def refresh_models(self, select: str | None = None) -> None:
        """Re-read the installed models; keep (or make) ``select`` the chosen one."""
        chosen = select or self.selected_sha256()
        self.models = [m for m in self.gpt_wizard.services.models.list() if m.status is ModelStatus.INSTALLED
                       and not (m.info is not None and m.info.vocab_only)]
        self.table.blockSignals(True)
        self.table.setRowCount(len(self.models))
        for row, model in enumerate(self.models):
            info = model.info
            cells = (model.display_name, (info.quantization if info else "") or "-", human(model.size),
                     self._fit_text(model.sha256))
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(SHA_ROLE, model.sha256)
                if column == 0:
                    item.setToolTip(f"sha256 {model.sha256}")
                self.table.setItem(row, column, item)
        self.table.blockSignals(False)
        if chosen is None and len(self.models) == 1 and not self.gpt_wizard.editing:
            chosen = self.models[0].sha256  # the starter model, most often: one choice needs no click
        if chosen is not None and not select_row_with(self.table, SHA_ROLE, chosen):
            self.table.clearSelection()
        self.empty_note.setVisible(not self.models)
        self._show_fit()
        self.changed()
        self.check_fit()

    def selected_sha256(self) -> str | None:
        return selected_value(self.table, SHA_ROLE)

    def select_model(self, sha256: str) -> bool:
        return select_row_with(self.table, SHA_ROLE, sha256)

    def contribute(self, values: dict) -> None:
        values["model_sha256"] = self.selected_sha256() or ""

    def subject(self, location: str) -> str:
        return self.tr("The model")

    @Slot()
    def _on_selection(self) -> None:
        self._show_fit()
        self.changed("model")

    # --- will it fit? -----------------------------------------------------------------------------
    def context_length(self) -> int:
        if hasattr(self.gpt_wizard, "parameters"):
            return self.gpt_wizard.parameters.context_length()
        return GenerationParams().context_length

    def check_fit(self) -> None:
        """Work out the fit of every listed model at the draft's context length, off the GUI thread (again
        when the one running is done, if something changed meanwhile)."""
        if self.fit_job is not None:
            self._fit_again = True
            return
        if not self.models:
            return
        models, services, context = list(self.models), self.gpt_wizard.services, self.context_length()

        def work(_report, _cancel) -> dict[str, FitReport]:  # noqa: ANN001 - a Job's work
            return {m.sha256: services.models.fit(services.store.fit, m, context) for m in models}

        self.fit_job = job = Job(work, name="model fit")
        job.signals.finished.connect(self._on_fits)
        job.signals.failed.connect(self._on_fit_failed)
        self.gpt_wizard.jobs.start(job)

    @Slot(object)
    def _on_fits(self, fits: dict[str, FitReport]) -> None:
        self.fit_job = None
        self.fits.update(fits)
        for row in range(self.table.rowCount()):
            item = self.table.item(row, FIT_COLUMN)
            item.setText(self._fit_text(item.data(SHA_ROLE)))
        self._show_fit()
        if self._fit_again:
            self._fit_again = False
            self.check_fit()

    @Slot(str)
    def _on_fit_failed(self, sentence: str) -> None:
        self.fit_job = None
        self._fit_again = False
        for row in range(self.table.rowCount()):
            self.table.item(row, FIT_COLUMN).setText("-")
        self.fit_note.setText(self.tr("Could not work out whether the models fit: {0}").format(sentence))

    def _fit_text(self, sha256: str) -> str:
        report = self.fits.get(sha256)
        if report is None:
            return self.tr("checking…")
        return {Fit.FITS: self.tr("Fits"), Fit.TIGHT: self.tr("Tight"), Fit.WONT_FIT: self.tr("Won't fit")}[
            report.verdict]

    def _show_fit(self) -> None:
        report = self.fits.get(self.selected_sha256() or "")
        self.fit_note.setText(report.explanation if report is not None else "")

    # --- getting another model --------------------------------------------------------------------
    @Slot()
    def open_store(self, *, hugging_face: bool) -> None:
        """The Store page in a dialog: whatever it installs (a GPT's model, or a model from a Hugging Face
        search) is selected here as soon as it is installed."""
        from app.ui.store import StorePage  # noqa: PLC0415 - the store page is big; built only when asked for

        dialog = QDialog(self)
        dialog.setWindowTitle(self.tr("Get a model"))
        dialog.resize(1000, 680)
        store = StorePage(self.gpt_wizard.services, self.gpt_wizard.jobs, dialog)
        if hugging_face:
            store.tabs.setCurrentWidget(store.hf_tab)
        store.model_installed.connect(self._on_model_installed)
        store.gpt_installed.connect(self._on_gpt_installed)
        note = QLabel(self.tr("Install a model here and close this window: it is selected for your GPT. Installing "
                              "a GPT from the store also installs its model."))
        note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(dialog.reject)
        layout = QVBoxLayout(dialog)
        layout.addWidget(note)
        layout.addWidget(store, 1)
        layout.addWidget(buttons)
        self.store_dialog = dialog
        dialog.exec()
        self.store_dialog = None
        dialog.deleteLater()

    @Slot(str)
    def _on_model_installed(self, sha256: str) -> None:
        self.refresh_models(sha256)

    @Slot(str)
    def _on_gpt_installed(self, gpt_id: str) -> None:
        try:
            self.refresh_models(self.gpt_wizard.services.gpts.get(gpt_id).model_sha256)
        except KnownError as exc:
            self.fit_note.setText(str(exc))
