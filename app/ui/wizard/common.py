"""What every wizard step shares: a page that owns some fields of the draft, and shows their problems.

The rules live in the services (:meth:`GPTLibrary.check` applies the manifest's own rules), so a step
never repeats a limit: it asks the wizard for the draft's problems, keeps those whose field it owns,
shows each one under its field and blocks Next while any is left. A field's problem shows once the
person changed that field (or at once when editing a saved GPT), so a new form does not open in red.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLabel, QPlainTextEdit, QVBoxLayout, QWidget, QWizardPage

from app.core.errors import FieldProblem
from app.ui.widgets import error_label

if TYPE_CHECKING:
    from app.ui.wizard.wizard import GPTWizard

_INDEX = re.compile(r"^(?P<base>[^\[]*)\[(?P<index>\d+)\](?P<rest>.*)$")


def owns(prefix: str, location: str) -> bool:
    """Whether a problem at ``location`` (``tags[1]``, ``parameters.top_k``) belongs to field ``prefix``."""
    return location == prefix or location.startswith((f"{prefix}.", f"{prefix}["))


def split_index(location: str) -> tuple[str, int | None]:
    """``"conversation_starters[3].x"`` -> ``("conversation_starters", 3)``; no index -> ``(location, None)``."""
    found = _INDEX.match(location)
    return (found["base"], int(found["index"])) if found else (location, None)


def plain_text_edit(height: int = 0) -> QPlainTextEdit:
    """A multi-line field where Tab moves on (no keyboard trap), as every form field in the app does."""
    edit = QPlainTextEdit()
    edit.setTabChangesFocus(True)
    if height:
        edit.setMinimumHeight(height)
    return edit


def lines_of(edit: QPlainTextEdit) -> list[str]:
    return [line.strip() for line in edit.toPlainText().splitlines() if line.strip()]


class Field:
    """One field of a step: the draft locations it answers for, and the label under it."""

    def __init__(self, key: str, prefixes: Sequence[str]) -> None:
        self.key = key
        self.prefixes = tuple(prefixes)
        self.label = error_label()

    def takes(self, location: str) -> bool:
        return any(owns(p, location) for p in self.prefixes)


class DraftPage(QWizardPage):
    """A step of the wizard that owns some fields of the draft GPT.

    Subclasses add fields with :meth:`field`, call :meth:`changed` (with the field's key) when the person
    edits one, name each problem's subject in :meth:`subject`, and put their values into the draft in
    ``contribute(values)``.
    """

    def __init__(self, wizard: GPTWizard) -> None:
        super().__init__()
        self.gpt_wizard = wizard
        self.fields: list[Field] = []
        self.exact: set[str] = set()
        self.touched: set[str] = set()
        self.page_error = error_label()
        self.problems: list[FieldProblem] = []
        wizard.problems_changed.connect(self.show_problems)

    # --- for subclasses -------------------------------------------------------------------------
    def field(self, key: str, *prefixes: str) -> QLabel:
        """Declare a field answering for ``prefixes`` (defaults to ``key``); returns its error label."""
        item = Field(key, prefixes or (key,))
        self.fields.append(item)
        return item.label

    def page_locations(self, *locations: str) -> None:
        """Problems exactly at these locations (a rule across fields) are this step's, shown on the page."""
        self.exact.update(locations)

    def changed(self, key: str | None = None) -> None:
        """The person edited field ``key``: show its problems from now on and check the draft again."""
        if key is not None:
            self.touched.add(key)
        self.gpt_wizard.draft_changed()

    def contribute(self, values: dict) -> None:  # noqa: B027 - a step without draft fields adds nothing
        """Put this step's values into ``values`` (GPT field names) for the draft."""

    def subject(self, location: str) -> str:
        """What a problem at ``location`` is about, as the person knows it ("Name", "Starter 4")."""
        return location

    def extra_problems(self) -> list[str]:
        """Problems this step finds itself (not the draft's fields): shown on the page, block Next."""
        return []

    # --- the contract with the wizard ---------------------------------------------------------------
    def owned(self, problems: Iterable[FieldProblem]) -> list[FieldProblem]:
        return [p for p in problems if p.location in self.exact or any(f.takes(p.location) for f in self.fields)]

    def show_problems(self) -> None:
        """Put each of this step's problems under its field; fields not touched yet stay quiet."""
        self.problems = self.owned(self.gpt_wizard.problems)
        showing_all = self.gpt_wizard.editing
        for item in self.fields:
            mine = [p for p in self.problems if item.takes(p.location)]
            visible = bool(mine) and (showing_all or item.key in self.touched)
            item.label.setText("\n".join(self.sentence(p) for p in mine))
            item.label.setVisible(visible)
        extra = [self.sentence(p) for p in self.problems if p.location in self.exact] + self.extra_problems()
        self.page_error.setText("\n".join(extra))
        self.page_error.setVisible(bool(extra))
        self.completeChanged.emit()

    def sentence(self, problem: FieldProblem) -> str:
        rule = problem.rule.rstrip(".")
        # translate() with this class's context: tr() here would look the string up under the subclass
        return QCoreApplication.translate("DraftPage", "{0} {1}.").format(self.subject(problem.location), rule)

    def isComplete(self) -> bool:  # noqa: N802 - Qt's name
        return not self.problems and not self.extra_problems()


def numbered(label: str, index: int | None) -> str:
    """``"Starter"``, 3 -> ``"Starter 4"`` (people count from one)."""
    return label if index is None else f"{label} {index + 1}"


def widget_row(*widgets: QWidget) -> QWidget:
    """Widgets side by side at their natural width, as one widget (for a form row)."""
    row = QWidget()
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    for widget in widgets:
        layout.addWidget(widget)
    layout.addStretch(1)
    return row


def form_page(page: QWidget) -> QFormLayout:
    """A form at the top of ``page``, the space left over below it (rows keep their natural height)."""
    outer = QVBoxLayout(page)
    form = QFormLayout()
    outer.addLayout(form)
    outer.addStretch(1)
    return form
