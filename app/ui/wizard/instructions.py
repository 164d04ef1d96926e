"""Step 3, Instructions: the system prompt (with ``{date}`` and ``{user}``), conversation starters and
few-shot examples.

Examples are written as a short script, one turn per "User:" or "Assistant:" line (a line without
a label continues the turn above), which is quicker to type and read than a grid of cells.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QLabel, QPushButton

from app.core.entities import ChatMessage, Role
from app.ui.wizard.common import DraftPage, form_page, lines_of, numbered, plain_text_edit, split_index, widget_row

if TYPE_CHECKING:
    from app.ui.wizard.wizard import GPTWizard

_TURN = re.compile(r"^\s*(?P<who>[^:：]{1,20})\s*[:：]\s?(?P<text>.*)$")


class InstructionsPage(DraftPage):
    def __init__(self, wizard: GPTWizard) -> None:
        super().__init__(wizard)
        self.setTitle(self.tr("Instructions"))
        self.setSubTitle(self.tr("Tell the GPT who it is and how to answer. It reads this before every chat."))
        gpt = wizard.original
        self.examples_error = ""

        self.instructions = plain_text_edit(150)
        self.instructions.setPlaceholderText(self.tr("e.g. You are a friendly pirate who explains science to "
                                                     "children. Today is {date}; the person is called {user}."))
        self.instructions.setPlainText(gpt.instructions if gpt else "")
        self.instructions.textChanged.connect(lambda: self.changed("instructions"))
        self.date_button = QPushButton(self.tr("Insert {date}"))
        self.date_button.clicked.connect(lambda: self.insert_variable("{date}"))
        self.user_button = QPushButton(self.tr("Insert {user}"))
        self.user_button.clicked.connect(lambda: self.insert_variable("{user}"))
        variables = QLabel(self.tr("{date} becomes today's date and {user} your user name when a chat starts."))
        variables.setObjectName("pageNote")
        variables.setWordWrap(True)

        self.starters = plain_text_edit(90)
        self.starters.setPlaceholderText(self.tr("One per line, up to 8, e.g. Why is the sky blue?"))
        self.starters.setPlainText("\n".join(gpt.starters) if gpt else "")
        self.starters.textChanged.connect(lambda: self.changed("starters"))

        self.examples = plain_text_edit(110)
        self.examples.setPlaceholderText(self.tr("Optional example turns, each starting with User: or Assistant:\n"
                                                 "User: What is a comet?\nAssistant: Arr, a dirty snowball of the "
                                                 "skies!"))
        self.examples.setPlainText(self.format_examples(gpt.examples) if gpt else "")
        self.examples.textChanged.connect(lambda: self.changed("examples"))

        form = form_page(self)
        form.addRow(self.tr("&Instructions:"), self.instructions)
        form.addRow(widget_row(self.date_button, self.user_button, variables))
        form.addRow(self.field("instructions"))
        form.addRow(self.tr("Conversation &starters:"), self.starters)
        form.addRow(self.field("starters", "conversation_starters"))
        form.addRow(self.tr("&Examples:"), self.examples)
        form.addRow(self.field("examples"))
        form.addRow(self.page_error)

    @Slot()
    def insert_variable(self, variable: str) -> None:
        self.instructions.insertPlainText(variable)
        self.instructions.setFocus()

    # --- the draft --------------------------------------------------------------------------------
    def contribute(self, values: dict) -> None:
        examples, self.examples_error = self.parse_examples(self.examples.toPlainText())
        values.update(instructions=self.instructions.toPlainText(), starters=tuple(lines_of(self.starters)),
                      examples=examples)

    def extra_problems(self) -> list[str]:
        return [self.examples_error] if self.examples_error and "examples" in self.touched else []

    def isComplete(self) -> bool:  # noqa: N802 - Qt's name
        return super().isComplete() and not self.examples_error

    def subject(self, location: str) -> str:
        base, index = split_index(location)
        if base == "conversation_starters":
            return numbered(self.tr("Starter"), index) if index is not None else self.tr("Conversation starters")
        if base == "examples":
            return numbered(self.tr("Example turn"), index) if index is not None else self.tr("Examples")
        return self.tr("Instructions")

    # --- examples as a script ---------------------------------------------------------------------
    def roles(self) -> dict[str, Role]:
        """The labels a turn may start with: English always, and the translated words too."""
        words = {"user": Role.USER, "assistant": Role.ASSISTANT, "system": Role.SYSTEM}
        words.update({self.tr("User").casefold(): Role.USER, self.tr("Assistant").casefold(): Role.ASSISTANT})
        return words

    def parse_examples(self, text: str) -> tuple[tuple[ChatMessage, ...], str]:
        """The example turns, and what is wrong with the script ("" when nothing is)."""
        roles, turns = self.roles(), []
        for number, line in enumerate(text.splitlines(), start=1):
            found = _TURN.match(line)
            role = roles.get(found["who"].strip().casefold()) if found else None
            if role is not None:
                turns.append([role, found["text"]])
            elif turns:
                turns[-1][1] += "\n" + line
            elif line.strip():
                return (), self.tr("Examples: line {0} must start with “User:” or “Assistant:”.").format(number)
        return tuple(ChatMessage(role, content.strip()) for role, content in turns), ""

    def format_examples(self, examples: tuple[ChatMessage, ...]) -> str:
        names = {Role.USER: "User", Role.ASSISTANT: "Assistant", Role.SYSTEM: "System"}
        return "\n".join(f"{names[m.role]}: {m.content}" for m in examples)
