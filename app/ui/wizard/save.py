"""Step 7, Save: what will be saved, and, for a change to a saved GPT, the line for its version history."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QLabel, QLineEdit, QProgressBar

from app.core.errors import InvalidInput
from app.core.memory import human
from app.services.gpt_changes import MAX_NOTE, content, describe_changes, one_line
from app.ui.widgets import error_label
from app.ui.wizard.common import DraftPage, form_page

if TYPE_CHECKING:
    from app.ui.wizard.wizard import GPTWizard


class SavePage(DraftPage):
    def __init__(self, wizard: GPTWizard) -> None:
        super().__init__(wizard)
        self.setTitle(self.tr("Save"))
        self.setSubTitle(self.tr("Save the changes as a new version; the earlier versions are kept.")
                         if wizard.editing else self.tr("Save your GPT; you can chat with it right away."))
        self.setFinalPage(True)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.changelog = QLineEdit()
        self.changelog.setMaxLength(MAX_NOTE * 2)  # longer notes are refused with a sentence, not cut off
        self.changelog.textChanged.connect(self._on_note_changed)
        self.save_error = error_label()
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.setVisible(False)
        self.progress.setAccessibleName(self.tr("Saving"))
        form = form_page(self)
        form.addRow(self.summary)
        if wizard.editing:
            form.addRow(self.tr("&What changed:"), self.changelog)
        else:
            self.changelog.hide()
        form.addRow(self.save_error)
        form.addRow(self.progress)
        form.addRow(self.page_error)

    def refresh(self) -> None:
        wizard = self.gpt_wizard
        draft = wizard.draft()
        model = next((m for m in wizard.model_page.models if m.sha256 == draft.model_sha256), None)
        files = len(wizard.knowledge_items())
        lines = [
            self.tr("Name: {0}").format(draft.name),
            self.tr("Model: {0}").format(f"{model.display_name} ({human(model.size)})" if model else "-"),
            self.tr("Conversation starters: {0} · example turns: {1} · knowledge files: {2}").format(
                len(draft.starters), len(draft.examples), files),
        ]
        if wizard.original is not None:
            original = wizard.original
            adds_files = any(isinstance(f, Path) for f in (wizard.icon_value(), *wizard.knowledge_items()))
            unchanged = content(draft) == content(original) and not adds_files
            described = describe_changes(original, draft) if not adds_files else self.tr("Changed files.")
            lines.append(self.tr("Nothing changed; saving keeps version {0}.").format(original.version) if unchanged
                         else self.tr("Changes since version {0}: {1}").format(original.version, described))
            self.changelog.setPlaceholderText(described if not unchanged else "")
        self.summary.setText("\n".join(lines))
        self.show_problems()

    def note(self) -> str:
        return self.changelog.text()

    def extra_problems(self) -> list[str]:
        """A note that is too long; and, at the last step, a problem left on any step before it."""
        problems = []
        try:
            one_line(self.changelog.text())
        except InvalidInput as exc:
            problems.append(str(exc))
        for page in self.gpt_wizard.steps[:self.gpt_wizard.steps.index(self)]:
            if page.problems and page is not self:
                problems.append(self.tr("Fix the step “{0}” first: {1}").format(page.title(),
                                                                              page.sentence(page.problems[0])))
                break
        return problems

    def _on_note_changed(self) -> None:
        self.save_error.hide()
        self.show_problems()

    def set_busy(self, busy: bool) -> None:
        self.progress.setVisible(busy)

    def show_error(self, sentence: str) -> None:
        self.save_error.setText(self.tr("Not saved: {0}").format(sentence))
        self.save_error.show()
