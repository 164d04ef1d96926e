"""Step 6, Test: chat with the draft before saving it, its instructions beside the chat.

The chat is :meth:`ChatService.preview` (the draft as it is now, stored nowhere), generated in a Job
like every reply; the text reaches the screen in batches every ``FLUSH_MS`` (DESIGN §5), as on the
Chat page, whose message bubbles this step reuses. Editing the instructions here changes the draft
(the Instructions step shows the same text), so a person can adjust and ask again.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSplitter, QVBoxLayout, QWidget

from app.core.entities import ChatMessage, ChatResult, FinishReason, MessageStatus, Role
from app.services.chat import PreviewStream
from app.ui.chat.composer import MessageEdit, StarterChips
from app.ui.chat.message_view import MessageBubble, MessageView
from app.ui.chat.stream_worker import TextBatcher
from app.ui.jobs import Job, Jobs
from app.ui.wizard.common import DraftPage, plain_text_edit

if TYPE_CHECKING:
    from app.ui.wizard.wizard import GPTWizard

log = logging.getLogger(__name__)


class PreviewRunner(QObject):
    """Iterates a :class:`PreviewStream` in a Job and hands its text over in batches.

    Signals:
        text(str): a batch of reply text, at most every FLUSH_MS
        finished(object): the stream's ChatResult (None when it failed), after the last ``text``
        failed(str): why the reply failed, before ``finished``
    """

    text = Signal(str)
    finished = Signal(object)
    failed = Signal(str)

    def __init__(self, make_stream: Callable[[], PreviewStream], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._make_stream = make_stream
        self._stream: PreviewStream | None = None
        self._batcher = TextBatcher(self)
        self._batcher.text.connect(self.text)
        self.job = Job(self._work, name="test chat reply")
        self.job.signals.finished.connect(self._end)
        self.job.signals.failed.connect(self._on_failed)
        self.done = False

    def start(self, jobs: Jobs) -> None:
        self._batcher.start()
        jobs.start(self.job)

    def cancel(self) -> None:
        self.job.cancel()
        stream = self._stream
        if stream is not None:
            stream.cancel()

    def _work(self, _report: Callable[[object], None], cancel: threading.Event) -> ChatResult | None:
        stream = self._stream = self._make_stream()
        self._batcher.pump(stream, cancel)
        return stream.result

    @Slot(str)
    def _on_failed(self, sentence: str) -> None:
        self.failed.emit(sentence)
        self._end(None)

    @Slot(object)
    def _end(self, result: object) -> None:
        self._batcher.stop()
        self.done = True
        self.finished.emit(result)


class TestPage(DraftPage):
    """Signal: reply_finished(object) with the ChatResult (None when the reply failed)."""

    reply_finished = Signal(object)

    def __init__(self, wizard: GPTWizard) -> None:
        super().__init__(wizard)
        self.setTitle(self.tr("Test"))
        self.setSubTitle(self.tr("Chat with your GPT as it is now. Nothing here is saved."))
        self.turns: list[ChatMessage] = []
        self.runner: PreviewRunner | None = None
        self._bubble: MessageBubble | None = None

        self.instructions = plain_text_edit(200)
        self.instructions.setAccessibleName(self.tr("Instructions"))
        self.instructions.textChanged.connect(self._on_instructions_edited)
        self.summary = QLabel()
        self.summary.setObjectName("pageNote")
        self.summary.setWordWrap(True)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 6, 0)
        left_layout.addWidget(QLabel(self.tr("Instructions (change them and ask again):")))
        left_layout.addWidget(self.instructions, 1)
        left_layout.addWidget(self.summary)
        self.evals_button = QPushButton(self.tr("Run evals…"))
        self.evals_button.setToolTip(self.tr("Run an eval set on the draft and on the saved version, side by side."))
        self.evals_button.clicked.connect(self.show_evals)
        self.evals_dialog = None
        """The evals dialog while it is open (tests reach it here)."""
        left_layout.addWidget(self.evals_button)

        self.messages = MessageView()
        self.messages.regenerate_requested.connect(self.regenerate)
        self.starters = StarterChips()
        self.starters.chosen.connect(self.send)
        self.status = QLabel()
        self.status.setObjectName("pageNote")
        self.status.setWordWrap(True)
        self.edit = MessageEdit()
        self.edit.setAccessibleName(self.tr("Test message"))
        self.edit.setTabChangesFocus(True)
        self.edit.setPlaceholderText(self.tr("Message (Enter sends, Esc stops)"))
        self.edit.setFixedHeight(60)
        self.edit.send_requested.connect(self._on_send)
        self.edit.stop_requested.connect(self.stop)
        self.send_button = QPushButton(self.tr("Send"))
        self.send_button.clicked.connect(self._on_send)
        self.stop_button = QPushButton(self.tr("Stop"))
        self.stop_button.clicked.connect(self.stop)
        self.clear_button = QPushButton(self.tr("Start over"))
        self.clear_button.clicked.connect(self.clear)
        buttons = QVBoxLayout()
        for button in (self.send_button, self.stop_button, self.clear_button):
            buttons.addWidget(button)
        composer = QHBoxLayout()
        composer.addWidget(self.edit, 1)
        composer.addLayout(buttons)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(6, 0, 0, 0)
        right_layout.addWidget(self.messages, 1)
        right_layout.addWidget(self.starters)
        right_layout.addWidget(self.status)
        right_layout.addLayout(composer)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.page_error)
        self._set_busy(False)

    # --- the page ---------------------------------------------------------------------------------
    @property
    def busy(self) -> bool:
        return self.runner is not None and not self.runner.done

    def refresh(self) -> None:
        """Show the draft as it is now (the other steps may have changed it)."""
        draft = self.gpt_wizard.draft()
        text = self.gpt_wizard.instructions.instructions.toPlainText()
        if self.instructions.toPlainText() != text:
            self.instructions.blockSignals(True)
            self.instructions.setPlainText(text)
            self.instructions.blockSignals(False)
        p = draft.params
        self.summary.setText(self.tr("Temperature {0:g} · top p {1:g} · longest reply {2} tokens · context {3}").format(
            p.temperature, p.top_p, p.max_tokens, p.context_length))
        self.starters.set_starters(draft.starters if not self.turns else ())
        self.show_problems()

    def extra_problems(self) -> list[str]:
        """The draft must be complete to chat with: say which step still has a problem."""
        for page in self.gpt_wizard.steps[:self.gpt_wizard.steps.index(self)]:
            if page.problems:
                return [self.tr("Fix the step “{0}” first: {1}").format(page.title(), page.sentence(page.problems[0]))]
        return []

    @Slot()
    def show_evals(self) -> None:
        """The draft against the saved version on the GPT's eval set (or a file chosen there, which the
        wizard then saves with the GPT)."""
        if self.extra_problems():
            self.show_problems()
            return
        from app.ui.evals_dialog import EvalDialog  # noqa: PLC0415 - only when asked for

        wizard = self.gpt_wizard
        dialog = EvalDialog(wizard.services, wizard.jobs, wizard.original, draft=wizard.draft(),
                            eval_file=wizard.evals_path, parent=self)
        self.evals_dialog = dialog
        dialog.exec()
        self.evals_dialog = None
        if dialog.chosen_file is not None and dialog.chosen_file != wizard.evals_path:
            wizard.evals_path = dialog.chosen_file
            self.status.setText(self.tr("{0} will be saved with the GPT as its eval set.").format(
                dialog.chosen_file.name))
        dialog.deleteLater()

    @Slot()
    def _on_instructions_edited(self) -> None:
        self.gpt_wizard.instructions.instructions.setPlainText(self.instructions.toPlainText())

    # --- the chat ---------------------------------------------------------------------------------
    @Slot()
    def _on_send(self) -> None:
        text = self.edit.toPlainText().strip()
        if text and not self.busy:
            self.edit.clear()
            self.send(text)

    @Slot(str)
    def send(self, text: str) -> None:
        """Ask the draft; the reply streams into a new bubble."""
        if self.busy or not text.strip() or self.extra_problems():
            return
        self.turns.append(ChatMessage(Role.USER, text.strip()))
        self.messages.add(Role.USER).set_text(text.strip())
        self._start()

    @Slot()
    def regenerate(self) -> None:
        if self.busy or not self.turns:
            return
        while (last := self.messages.last()) is not None and last.role is Role.ASSISTANT:
            self.messages.bubbles.pop().deleteLater()
        while self.turns and self.turns[-1].role is Role.ASSISTANT:
            self.turns.pop()
        if self.turns:
            self._start()

    def _start(self) -> None:
        draft, turns, chat = self.gpt_wizard.draft(), list(self.turns), self.gpt_wizard.services.chat
        self.starters.set_starters(())
        self._bubble = self.messages.add(Role.ASSISTANT)
        if self.runner is not None:
            self.runner.deleteLater()
        self.runner = PreviewRunner(lambda: chat.preview(draft, turns), self)
        self.runner.text.connect(self._on_text)
        self.runner.failed.connect(self._on_failed)
        self.runner.finished.connect(self._on_finished)
        self._set_busy(True)
        self.status.setText(self.tr("Loading model…"))
        self.runner.start(self.gpt_wizard.jobs)

    @Slot(str)
    def _on_text(self, batch: str) -> None:
        if self._bubble is not None:
            self._bubble.append(batch)
            self.status.setText(self.tr("Writing…"))

    @Slot(str)
    def _on_failed(self, sentence: str) -> None:
        if self._bubble is not None:
            self._bubble.set_status(MessageStatus.FAILED, sentence)

    @Slot(object)
    def _on_finished(self, result: object) -> None:
        bubble, self._bubble = self._bubble, None
        self._set_busy(False)
        if bubble is not None and isinstance(result, ChatResult):
            self.turns.append(ChatMessage(Role.ASSISTANT, bubble.text))
            cancelled = result.finish_reason is FinishReason.CANCELLED
            if cancelled:
                bubble.set_status(MessageStatus.CANCELLED)
            speed = result.completion_tokens / result.seconds if result.seconds > 0 else 0.0
            self.status.setText(self.tr("Stopped.") if cancelled else
                                self.tr("{0} tokens, {1:.1f} tokens/s.").format(result.completion_tokens, speed))
        elif bubble is not None:  # the question stays: Regenerate asks it again, a new message joins it
            self.status.setText(self.tr("The reply failed; see the message above."))
        self.messages.update_actions(busy=False)
        self.reply_finished.emit(result)

    @Slot()
    def stop(self) -> None:
        if self.busy:
            self.runner.cancel()
            self.status.setText(self.tr("Stopping…"))

    @Slot()
    def clear(self) -> None:
        if self.busy:
            return
        self.turns = []
        self.messages.clear()
        self.status.clear()
        self.refresh()

    def _set_busy(self, busy: bool) -> None:
        self.send_button.setEnabled(not busy)
        self.stop_button.setEnabled(busy)
        self.clear_button.setEnabled(not busy)
        self.messages.update_actions(busy=busy)

