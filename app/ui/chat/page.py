"""The Chat page: conversations on the left, the open one on the right, and a composer below it.

Everything slow runs in a :class:`ReplyRunner` job (DESIGN §5); the page only turns its batched
signals into bubbles and status text. The bubbles shown while a reply streams are provisional: when
it ends, the page re-shows the conversation as the catalog stored it, so what the person sees is
exactly what was kept (complete, cancelled or failed, with the reason).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFileDialog, QHBoxLayout, QInputDialog, QLabel, QMessageBox, QPushButton, QSplitter, QVBoxLayout, QWidget,
)

from app.core.entities import GPT, MessageStatus, Role
from app.core.errors import KnownError
from app.services.chat import ReplyStream
from app.services.container import Services
from app.ui.chat.composer import Composer, StarterChips
from app.ui.chat.conversation_list import ConversationList
from app.ui.chat.message_view import MessageBubble, MessageView
from app.ui.chat.stream_worker import ReplyOutcome, ReplyRunner
from app.ui.jobs import Jobs

log = logging.getLogger(__name__)


class ChatPage(QWidget):
    """Signals: reply_started() when a reply begins, reply_finished(object) with its ReplyOutcome."""

    reply_started = Signal()
    reply_finished = Signal(object)

    def __init__(self, services: Services, jobs: Jobs) -> None:
        super().__init__()
        self.services = services
        self.jobs = jobs
        self.conversation_id: int | None = None
        self.runner: ReplyRunner | None = None
        self._bubble: MessageBubble | None = None
        self._gpts: dict[str, GPT] = {}

        self.conversations = ConversationList(services)
        self.conversations.opened.connect(self.open_conversation)
        self.conversations.deleted.connect(self._on_deleted)
        self.conversations.renamed.connect(self._on_renamed)
        self.new_button = QPushButton(self.tr("New chat"))
        self.new_button.setToolTip(self.tr("Start a new chat (Ctrl+N)"))
        self.new_button.clicked.connect(self.new_chat)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(12, 12, 6, 12)
        left_layout.addWidget(self.new_button)
        left_layout.addWidget(self.conversations, 1)

        self.title = QLabel()
        self.title.setObjectName("pageHeading")
        self.export_button = QPushButton(self.tr("Export…"))
        self.export_button.clicked.connect(self.export)
        self.where = QLabel()
        self.where.setObjectName("pageNote")
        self.where.setAccessibleName(self.tr("Where this GPT runs"))
        head = QHBoxLayout()
        head.addWidget(self.title, 1)
        head.addWidget(self.where)
        head.addWidget(self.export_button)
        self.messages = MessageView()
        self.messages.regenerate_requested.connect(self.regenerate)
        self.messages.edit_requested.connect(self.edit_message)
        self.empty_note = QLabel()
        self.empty_note.setObjectName("pageNote")
        self.empty_note.setWordWrap(True)
        self.starters = StarterChips()
        self.starters.chosen.connect(self.send)
        self.notices = QLabel()
        self.notices.setObjectName("chatNotices")
        self.notices.setWordWrap(True)
        self.notices.setStyleSheet("QLabel#chatNotices { color: #b8860b; font-weight: 600; }")
        self.notices.setVisible(False)
        self.status = QLabel()
        self.status.setObjectName("pageNote")
        self.composer = Composer()
        self.composer.send_requested.connect(self.send)
        self.composer.stop_requested.connect(self.stop)
        self.composer.gpt_changed.connect(self.open_gpt)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(6, 12, 12, 12)
        right_layout.addLayout(head)
        right_layout.addWidget(self.messages, 1)
        right_layout.addWidget(self.empty_note)
        right_layout.addWidget(self.starters)
        right_layout.addWidget(self.notices)
        right_layout.addWidget(self.status)
        right_layout.addWidget(self.composer)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([260, 740])
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)

        # Window-wide while this page is shown (a hidden widget's shortcuts never fire), so they work
        # wherever the focus is, the sidebar included, and not on the other pages.
        for keys, slot in (("Ctrl+N", self.new_chat), ("Ctrl+K", self.focus_search), ("Esc", self.stop)):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
            shortcut.activated.connect(slot)
        self._show_empty()

    # --- the contract with the main window ------------------------------------------------------------

    def refresh(self) -> None:
        """Re-read the GPTs and the conversations (the catalog changed)."""
        self._gpts = {g.id: g for g in self.services.gpts.list()}
        current = self.composer.gpt_id()
        self.composer.set_gpts(list(self._gpts.values()), current)
        self.conversations.refresh()
        self.conversations.select(self.conversation_id)
        if self.conversation_id is None:
            self._show_empty()

    def open_gpt(self, gpt_id: str) -> None:
        """Start a new chat with this GPT."""
        if gpt_id not in self._gpts:
            self.refresh()
        self.composer.select_gpt(gpt_id)
        self.new_chat()

    @Slot(int)
    def open_conversation(self, conversation_id: int) -> None:
        """Show a stored conversation; a reply streaming elsewhere goes on and is stored as usual."""
        try:
            conversation, messages = self.services.history.show(conversation_id)
        except KnownError as exc:
            QMessageBox.warning(self, self.tr("Open chat"), str(exc))
            return
        self._bubble = None
        self.conversation_id = conversation.id
        self.composer.select_gpt(conversation.gpt_id)
        self.conversations.select(conversation.id)
        self.title.setText(conversation.title)
        self.messages.show_messages(messages, busy=self.busy,
                                    sources=self.services.history.sources(m.id for m in messages))
        self._set_status("")
        self.notices.setVisible(False)
        self._show_empty()
        self.composer.edit.setFocus()

    # --- actions ----------------------------------------------------------------------------------------

    @property
    def busy(self) -> bool:
        return self.runner is not None and not self.runner.done

    @Slot()
    def new_chat(self) -> None:
        self._bubble = None
        self.conversation_id = None
        self.conversations.select(None)
        self.title.setText(self.tr("New chat"))
        self.messages.clear()
        self.notices.setVisible(False)
        self._set_status("")
        self._show_empty()
        self.composer.edit.setFocus()

    @Slot()
    def focus_search(self) -> None:
        self.conversations.search.setFocus()
        self.conversations.search.selectAll()

    @Slot(str)
    def send(self, text: str) -> None:
        gpt_id = self.composer.gpt_id()
        text = text.strip()
        if self.busy or gpt_id is None or not text:
            return
        conversation_id = self.conversation_id
        self.messages.add(Role.USER).set_text(text)
        self._start(lambda: self.services.chat.send(gpt_id, text, conversation_id=conversation_id))

    @Slot()
    def regenerate(self) -> None:
        conversation_id = self.conversation_id
        if self.busy or conversation_id is None:
            return
        while (last := self.messages.last()) is not None and last.role is Role.ASSISTANT:
            self.messages.bubbles.pop().deleteLater()
        self._start(lambda: self.services.chat.regenerate(conversation_id))

    @Slot(int)
    def edit_message(self, message_id: int) -> None:
        conversation_id = self.conversation_id
        index = next((i for i, b in enumerate(self.messages.bubbles)
                      if b.message is not None and b.message.id == message_id), None)
        if self.busy or conversation_id is None or index is None:
            return
        bubble = self.messages.bubbles[index]
        text, ok = QInputDialog.getMultiLineText(self, self.tr("Edit message"),
                                                 self.tr("Your message (later replies are replaced):"), bubble.text)
        if not ok or not text.strip():
            return
        for later in self.messages.bubbles[index + 1:]:
            later.deleteLater()
        del self.messages.bubbles[index + 1:]
        bubble.set_text(text.strip())
        self._start(lambda: self.services.chat.edit(message_id, conversation_id, text))

    @Slot()
    def stop(self) -> None:
        if self.runner is not None and not self.runner.done:
            self.runner.cancel()
            self._set_status(self.tr("Stopping…"))

    @Slot()
    def export(self) -> None:
        if self.conversation_id is None:
            return
        stem = re.sub(r'[\\/:*?"<>|]+', "_", self.title.text()).strip() or "chat"
        path, chosen_filter = QFileDialog.getSaveFileName(
            self, self.tr("Export chat"), str(Path.home() / f"{stem}.md"),
            self.tr("Markdown (*.md);;JSON (*.json)"))
        if not path:
            return
        target = Path(path)
        fmt = "json" if target.suffix.lower() == ".json" or (
            not target.suffix and "json" in chosen_filter.lower()) else "md"
        if not target.suffix:
            target = target.with_suffix(f".{fmt}")
        try:
            target.write_text(self.services.history.export(self.conversation_id, fmt), encoding="utf-8")
        except (OSError, KnownError) as exc:
            log.warning("export to %s failed: %s", target, exc)
            QMessageBox.warning(self, self.tr("Export chat"), self.tr("Could not export: {0}").format(exc))
            return
        self._set_status(self.tr("Exported to {0}").format(target))

    # --- the reply's life ---------------------------------------------------------------------------------

    def _start(self, make_stream: Callable[[], ReplyStream]) -> None:
        self._bubble = self.messages.add(Role.ASSISTANT)
        self.empty_note.setVisible(False)
        self.starters.setVisible(False)
        self.notices.setVisible(False)
        if self.runner is not None:
            self.runner.deleteLater()  # done: its job has reported everything
        self.runner = ReplyRunner(make_stream, self.services.history, self)
        self.runner.started.connect(self._on_started)
        self.runner.first_text.connect(self._on_first_text)
        self.runner.text.connect(self._on_text)
        self.runner.finished.connect(self._on_finished)
        self.composer.set_busy(True)
        self.messages.update_actions(busy=True)
        self._set_status(self.tr("Loading model…"))
        self.runner.start(self.jobs)
        self.reply_started.emit()

    @Slot(object)
    def _on_started(self, stream: ReplyStream) -> None:
        if self._bubble is not None:
            self._bubble.sources.set_sources(stream.sources)  # cited while it streams, not only once stored
        if self._bubble is not None and self.conversation_id is None:
            self.conversation_id = stream.conversation.id
            self.title.setText(stream.conversation.title)
            self.export_button.setEnabled(True)
        self.conversations.touch(stream.conversation.id)
        self.conversations.select(self.conversation_id)

    @Slot()
    def _on_first_text(self) -> None:
        self._set_status(self.tr("Writing…"))

    @Slot(str)
    def _on_text(self, batch: str) -> None:
        if self._bubble is not None:
            self._bubble.append(batch)

    @Slot(object)
    def _on_finished(self, outcome: ReplyOutcome) -> None:
        showing = self._bubble is not None
        self._bubble = None
        self.composer.set_busy(False)
        if outcome.conversation is not None and outcome.conversation.id == self.conversation_id:
            self.messages.update_messages(outcome.messages, busy=False, sources=outcome.sources)
        elif showing and (last := self.messages.last()) is not None:
            last.set_status(MessageStatus.FAILED, outcome.error)
            self.messages.update_actions(busy=False)
        if showing:
            self._show_outcome(outcome)
        if outcome.conversation is not None:
            self.conversations.touch(outcome.conversation.id)
        else:
            self.conversations.refresh()  # it failed before it began: whatever it wrote, the list shows
        self.conversations.select(self.conversation_id)
        self.reply_finished.emit(outcome)

    def _show_outcome(self, outcome: ReplyOutcome) -> None:
        parts = []
        if outcome.status is MessageStatus.CANCELLED:
            parts.append(self.tr("Stopped."))
        elif outcome.error:
            parts.append(self.tr("Failed: {0}").format(outcome.error))
        result = outcome.result
        if result is not None:
            if result.seconds > 0 and result.completion_tokens:
                parts.append(self.tr("{0:.1f} tokens/s").format(result.completion_tokens / result.seconds))
            gpt = self._gpt_of(outcome)
            used = result.prompt_tokens + result.completion_tokens
            if gpt is not None:
                parts.append(self.tr("context {0:,} / {1:,}").format(used, gpt.params.context_length))
            else:
                parts.append(self.tr("context {0:,} tokens").format(used))
        self._set_status(" · ".join(parts))
        self.notices.setText("\n".join(outcome.notices))
        self.notices.setVisible(bool(outcome.notices))

    def _gpt_of(self, outcome: ReplyOutcome) -> GPT | None:
        if outcome.conversation is None:
            return None
        gpt = self._gpts.get(outcome.conversation.gpt_id)
        if gpt is None:
            try:
                gpt = self.services.gpts.get(outcome.conversation.gpt_id)
            except KnownError:
                return None
        return gpt

    # --- small helpers ----------------------------------------------------------------------------------------

    def _set_status(self, text: str) -> None:
        self.status.setText(text)

    def _show_empty(self) -> None:
        """An empty chat shows the GPT's starters; with no GPT at all, say how to get one."""
        empty = not self.messages.bubbles
        gpt = self._gpts.get(self.composer.gpt_id() or "")
        if not self._gpts:
            self.empty_note.setText(self.tr("No GPTs yet. Install one from the Store or make one in My GPTs."))
        elif gpt is not None:
            self.empty_note.setText(self.tr("Chat with {0}. {1}").format(gpt.name, gpt.description).strip())
        self.empty_note.setVisible(empty)
        self.starters.set_starters(gpt.starters if gpt is not None else (), shown=empty)
        self.export_button.setEnabled(self.conversation_id is not None)
        self._show_where(gpt)

    def _show_where(self, gpt: GPT | None) -> None:
        """Say where the GPT runs, so nobody sends a message to a server without seeing it."""
        placement = self.services.remote_engines.placement(gpt.id) if gpt is not None else None
        if placement is None:
            self.where.setText(self.tr("Runs on this computer") if gpt is not None else "")
            self.where.setToolTip("")
        else:
            self.where.setText(self.tr("Runs on {0} · {1}").format(placement.engine_name, placement.model))
            self.where.setToolTip(self.tr("Messages to this GPT are sent to the remote engine {0}.")
                                  .format(placement.engine_name))

    @Slot(int)
    def _on_deleted(self, conversation_id: int) -> None:
        if conversation_id == self.conversation_id:
            self.new_chat()

    @Slot(int)
    def _on_renamed(self, conversation_id: int) -> None:
        if conversation_id == self.conversation_id:
            self.open_conversation(conversation_id)
