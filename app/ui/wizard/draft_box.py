"""Create by describing it: on the Basics step of a new GPT, a model on this computer drafts the GPT from
what the person says they want, and the steps are filled in for them to edit.

The draft is :meth:`GPTDrafter.start` run in a Job (a model writes for seconds); the count of characters
written comes back as progress, Stop cancels it between two tokens, and the result fills name,
description, category and tags here, instructions and starters on the Instructions step, and chooses the
drafting model on the Model step when none is chosen yet.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QComboBox, QGroupBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout

from app.core.entities import ModelStatus
from app.core.errors import KnownError
from app.services.drafting import Draft, DraftRun
from app.ui.jobs import Job
from app.ui.wizard.common import plain_text_edit

if TYPE_CHECKING:
    from app.ui.wizard.wizard import GPTWizard

log = logging.getLogger(__name__)


class DraftBox(QGroupBox):
    """Signals:
        drafted(object): the Draft, after its values were put into the steps
        draft_ended(): the draft finished, failed or was stopped (the status says which)
    """

    drafted = Signal(object)
    draft_ended = Signal()

    def __init__(self, wizard: GPTWizard) -> None:
        super().__init__(self.tr("Create by describing it"))
        self.gpt_wizard = wizard
        self.job: Job | None = None
        self.run: DraftRun | None = None
        self._stopping = False
        note = QLabel(self.tr("Say what your GPT should do, for whom and how. A model on this computer drafts "
                              "the name, description, instructions, starters, category and tags; you then edit "
                              "them."))
        note.setObjectName("pageNote")
        note.setWordWrap(True)
        self.request = plain_text_edit()
        self.request.setFixedHeight(64)
        self.request.setAccessibleName(self.tr("What the GPT should do"))
        self.request.setPlaceholderText(self.tr("e.g. A patient tutor who explains chemistry to teenagers with "
                                                "kitchen examples"))
        self.request.textChanged.connect(self._update_buttons)
        self.model = QComboBox()
        self.model.setAccessibleName(self.tr("Model that writes the draft"))
        self.draft_button = QPushButton(self.tr("Draft it"))
        self.draft_button.clicked.connect(self.start)
        self.stop_button = QPushButton(self.tr("Stop"))
        self.stop_button.clicked.connect(self.stop)
        self.status = QLabel()
        self.status.setObjectName("pageNote")
        self.status.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("Model:")))
        row.addWidget(self.model, 1)
        row.addWidget(self.draft_button)
        row.addWidget(self.stop_button)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(self.request)
        layout.addLayout(row)
        layout.addWidget(self.status)
        self.refresh_models()

    @property
    def busy(self) -> bool:
        return self.job is not None

    def refresh_models(self) -> None:
        """List the installed models that can write (the one chosen on the Model step first)."""
        services = self.gpt_wizard.services
        model_page = getattr(self.gpt_wizard, "model_page", None)  # built after this step
        chosen = self.model.currentData() or (model_page.selected_sha256() if model_page is not None else None)
        models = [m for m in services.models.list()
                  if m.status is ModelStatus.INSTALLED and not (m.info is not None and m.info.vocab_only)]
        self.model.clear()
        for model in models:
            self.model.addItem(model.display_name, model.sha256)
        index = self.model.findData(chosen) if chosen else -1
        self.model.setCurrentIndex(index if index >= 0 else 0)
        if not models:
            self.status.setText(self.tr("Install a model first (the Model step can get one) to have it draft "
                                        "your GPT."))
        self._update_buttons()

    @Slot()
    def _update_buttons(self) -> None:
        self.draft_button.setEnabled(not self.busy and self.model.count() > 0
                                     and bool(self.request.toPlainText().strip()))
        self.stop_button.setEnabled(self.busy)
        self.request.setReadOnly(self.busy)
        self.model.setEnabled(not self.busy)

    # --- the draft --------------------------------------------------------------------------------
    @Slot()
    def start(self) -> None:
        if self.busy or not self.draft_button.isEnabled():
            return
        drafter, model = self.gpt_wizard.services.drafter, self.model.currentData()
        try:
            self.run = run = drafter.start(self.request.toPlainText(), model)
        except KnownError as exc:  # an empty or too long description
            self.status.setText(str(exc))
            return
        self._stopping = False
        self.job = job = Job(lambda report, _cancel: run.run(progress=report), name="draft a gpt")
        job.signals.progress.connect(self._on_progress)
        job.signals.finished.connect(self._on_finished)
        job.signals.failed.connect(self._on_failed)
        job.signals.done.connect(self._on_done)
        self.status.setText(self.tr("Loading the model…"))
        self.gpt_wizard.jobs.start(job)
        self._update_buttons()

    @Slot()
    def stop(self) -> None:
        if self.busy and self.run is not None:
            self._stopping = True
            self.run.cancel()
            self.job.cancel()
            self.status.setText(self.tr("Stopping…"))

    @Slot(object)
    def _on_progress(self, written: int) -> None:
        if not self._stopping:
            self.status.setText(self.tr("Writing the draft… {0} characters").format(written))

    @Slot(object)
    def _on_finished(self, draft: Draft) -> None:
        self.gpt_wizard.apply_draft(draft)
        self.status.setText(self.tr("Drafted in {0:.1f} s. Check every field and change what you like.").format(
            draft.seconds))
        self.drafted.emit(draft)

    @Slot(str)
    def _on_failed(self, sentence: str) -> None:
        self.status.setText(self.tr("Stopped; nothing was filled in.") if self._stopping else sentence)

    @Slot()
    def _on_done(self) -> None:
        self.job, self.run = None, None
        self._update_buttons()
        self.draft_ended.emit()
