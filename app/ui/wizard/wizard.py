"""The GPT wizard: make a GPT step by step, or change one, and try it before it is saved.

Basics → Model → Instructions → Knowledge → Parameters → Fine-tune → Test → Save (a new GPT's Basics step can also
have a model draft the whole GPT from a description). The steps edit one *draft*
(a :class:`GPT` that exists only here); after every change the wizard asks the services what is wrong
with it (:meth:`GPTLibrary.check`, the manifest's own rules), and each step shows the problems of its
own fields and blocks Next while any is left. Nothing is written until Save, which runs as a Job
(copying knowledge files hashes them): a new GPT is created at 0.1.0, an edit becomes the next
version with the note from the last step as its changelog line.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QWidget, QWizard

from app.core.entities import GPT, GenerationParams, GPTFile
from app.core.errors import FieldProblem
from app.services.container import Services
from app.services.drafting import Draft
from app.ui.jobs import Job, Jobs
from app.ui.wizard.basics import BasicsPage
from app.ui.wizard.common import DraftPage
from app.ui.wizard.finetune_page import FinetunePage
from app.ui.wizard.instructions import InstructionsPage
from app.ui.wizard.knowledge import KnowledgePage
from app.ui.wizard.model_page import ModelPage
from app.ui.wizard.parameters import ParametersPage
from app.ui.wizard.save import SavePage
from app.ui.wizard.test_chat import TestPage

log = logging.getLogger(__name__)


class GPTWizard(QWizard):
    """Signals:
        problems_changed(): the draft was checked again (``problems`` holds the result)
        saved(object): the GPT as saved, just before the wizard closes
    """

    problems_changed = Signal()
    saved = Signal(object)

    def __init__(self, services: Services, jobs: Jobs, gpt: GPT | None = None, *, model_sha256: str | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.jobs = jobs
        self.original = gpt
        self.editing = gpt is not None
        self.problems: list[FieldProblem] = []
        self.saved_gpt: GPT | None = None
        self.evals_path: Path | None = None
        """An eval set file chosen in the Test step's evals dialog; saved with the GPT."""
        self.save_job: Job | None = None
        self._ready = False
        self.setWindowTitle(self.tr("Edit {0}").format(gpt.name) if gpt else self.tr("New GPT"))
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.setOption(QWizard.WizardOption.HaveFinishButtonOnEarlyPages, self.editing)
        self.setButtonText(QWizard.WizardButton.FinishButton, self.tr("Save"))
        self.resize(980, 720)

        self.basics = BasicsPage(self)
        self.model_page = ModelPage(self, model_sha256 or (gpt.model_sha256 if gpt else None))
        self.instructions = InstructionsPage(self)
        self.knowledge = KnowledgePage(self)
        self.parameters = ParametersPage(self)
        self.finetune_page = FinetunePage(self)
        self.test_page = TestPage(self)
        self.save_page = SavePage(self)
        self.steps: list[DraftPage] = [self.basics, self.model_page, self.instructions, self.knowledge,
                                       self.parameters, self.finetune_page, self.test_page, self.save_page]
        for page in self.steps:
            self.addPage(page)
        self.currentIdChanged.connect(self._on_step_changed)
        self._ready = True
        self.draft_changed()
        if self.parameters.context_length() != GenerationParams().context_length:
            self.model_page.check_fit()  # its first check could not know the GPT's context length yet

    # --- the draft ------------------------------------------------------------------------------
    def draft(self) -> GPT:
        """The GPT as the steps now describe it (not saved); new icon and knowledge files are left out
        here and given to the check as paths (see :meth:`icon_value`, :meth:`knowledge_items`)."""
        values: dict = {}
        for page in self.steps:
            page.contribute(values)
        icon = self.icon_value()
        values["icon"] = icon if isinstance(icon, GPTFile) else None
        values["knowledge"] = tuple(k for k in self.knowledge_items() if isinstance(k, GPTFile))
        base = self.original or GPT(id="", name="", model_sha256="")
        return replace(base, **values)

    def icon_value(self) -> Path | GPTFile | None:
        return self.basics.icon

    def knowledge_items(self) -> list[Path | GPTFile]:
        return list(self.knowledge.items)

    @Slot()
    def draft_changed(self) -> None:
        """Check the draft again and let every step show what concerns it (cheap: no file is read)."""
        if not self._ready:
            return
        icon = self.icon_value()
        self.problems = self.services.gpts.check(self.draft(), new=not self.editing,
                                                 icon=icon if isinstance(icon, Path) else None,
                                                 knowledge=self.knowledge_items())
        self.problems_changed.emit()

    def apply_draft(self, draft: Draft) -> None:
        """Put what a model drafted into the steps, for the person to edit; choose the drafting model on the
        Model step unless one is chosen already."""
        basics, instructions = self.basics, self.instructions
        basics.name.setText(draft.name)
        basics.description.setPlainText(draft.description)
        basics.category.setText(draft.category)
        basics.tags.setText(", ".join(draft.tags))
        instructions.instructions.setPlainText(draft.instructions)
        instructions.starters.setPlainText("\n".join(draft.starters))
        if self.model_page.selected_sha256() is None:
            self.model_page.select_model(draft.model_sha256)

    def first_step_with_problems(self) -> DraftPage | None:
        return next((page for page in self.steps if not page.isComplete()), None)

    # --- moving between steps -------------------------------------------------------------------
    @Slot(int)
    def _on_step_changed(self, _page_id: int) -> None:
        current = self.currentPage()
        if current is not self.test_page:
            self.test_page.stop()
        if current is self.basics and self.basics.draft_box is not None:
            self.basics.draft_box.refresh_models()
        if current is self.parameters:
            self.parameters.refresh_preview()
        if current is self.test_page:
            self.test_page.refresh()
        if current is self.save_page:
            self.save_page.refresh()

    def go_to(self, page: DraftPage) -> None:
        self.setCurrentId(self.steps.index(page))

    # --- saving ---------------------------------------------------------------------------------
    def accept(self) -> None:
        """Save (in a Job) and close once saved; with problems left, show the first step that has them."""
        if self.saved_gpt is not None:
            super().accept()
            return
        if self.save_job is not None:
            return
        self.draft_changed()
        blocked = self.first_step_with_problems()
        if blocked is not None and blocked is not self.currentPage():
            self.go_to(blocked)
            return
        if blocked is not None:
            return
        self.save_job = job = Job(self._save_work(), name="save gpt")
        job.signals.finished.connect(self._on_saved)
        job.signals.failed.connect(self._on_save_failed)
        self.save_page.set_busy(True)
        self._set_buttons_enabled(False)
        self.jobs.start(job)

    def _save_work(self):  # noqa: ANN202 - a Job's work
        """The save as a closure over plain values (the Job runs it on another thread)."""
        draft, gpts = self.draft(), self.services.gpts
        icon, knowledge = self.icon_value(), self.knowledge_items()
        extra = {"evals": self.evals_path} if self.evals_path is not None else {}
        fields = {**extra, "instructions": draft.instructions, "starters": draft.starters, "description": draft.description,
                  "examples": draft.examples, "params": draft.params, "category": draft.category,
                  "tags": draft.tags, "chat_template": draft.chat_template, "adapter": draft.adapter_sha256,
                  "adapter_scale": draft.adapter_scale}
        if self.original is not None:
            gpt_id, note = self.original.id, self.save_page.note()
            return lambda _report, _cancel: gpts.edit(gpt_id, changelog=note, name=draft.name,
                                                      model=draft.model_sha256, icon=icon, knowledge=knowledge,
                                                      **fields)
        return lambda _report, _cancel: gpts.create(draft.name, draft.model_sha256, icon=icon, knowledge=knowledge,
                                                    **fields)

    @Slot(object)
    def _on_saved(self, gpt: GPT) -> None:
        self.save_job = None
        self.saved_gpt = gpt
        log.info("saved %s %s from the wizard", gpt.id, gpt.version)
        self.saved.emit(gpt)
        super().accept()

    @Slot(str)
    def _on_save_failed(self, sentence: str) -> None:
        self.save_job = None
        self.save_page.set_busy(False)
        self._set_buttons_enabled(True)
        if self.currentPage() is not self.save_page:
            self.go_to(self.save_page)
        self.save_page.show_error(sentence)

    def _set_buttons_enabled(self, enabled: bool) -> None:
        for which in (QWizard.WizardButton.BackButton, QWizard.WizardButton.NextButton,
                      QWizard.WizardButton.FinishButton, QWizard.WizardButton.CancelButton):
            self.button(which).setEnabled(enabled)
        if enabled:
            self.currentPage().completeChanged.emit()  # let the wizard re-decide Next/Finish

    def reject(self) -> None:
        """Cancel closes without saving; not while a save is being written (it finishes first)."""
        if self.save_job is None:
            super().reject()

    def done(self, result: int) -> None:
        """However the wizard closes, a test reply still streaming, or a draft being written, is stopped."""
        self.test_page.stop()
        self.finetune_page.stop()
        if self.basics.draft_box is not None:
            self.basics.draft_box.stop()
        super().done(result)
