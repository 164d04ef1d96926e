"""The conversations on the left: pinned first, then grouped by day; full-text search, rename, pin, delete.

Typing in the search box waits a moment before querying (one query per pause, not per key); the
catalog's search is CJK-aware, so Chinese words match inside Chinese sentences. The list is a
:class:`ConversationModel` in a ``QListView``; headings are smaller, bold and dim (their items' roles,
no delegate: see the model) and cannot be selected.
"""

from __future__ import annotations

import logging
from datetime import date

from PySide6.QtCore import QModelIndex, QPoint, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView, QInputDialog, QLineEdit, QListView, QMenu, QMessageBox, QVBoxLayout, QWidget,
)

from app.core.errors import KnownError
from app.services.container import Services
from app.ui.chat.conversation_model import ConversationModel, IdRole, PinnedRole

log = logging.getLogger(__name__)

SEARCH_DELAY_MS = 200
SHOWN = 200
"""How many chats the list holds (newest first): enough to scroll through, few enough to read at once."""


class ConversationList(QWidget):
    """Signals: opened(int) when a conversation is chosen, deleted(int) after one is deleted,
    renamed(int) after a rename or a pin change."""

    opened = Signal(int)
    deleted = Signal(int)
    renamed = Signal(int)

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Search chats (Ctrl+K)"))
        self.search.setAccessibleName(self.tr("Search chats"))
        self.search.setClearButtonEnabled(True)
        self.model = ConversationModel(self)
        self.list = QListView()
        self.list.setObjectName("conversations")
        self.list.setAccessibleName(self.tr("Conversations"))
        self.list.setModel(self.model)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.list.setUniformItemSizes(False)
        self.list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.list.customContextMenuRequested.connect(self._on_context_menu)
        self.list.activated.connect(self._on_index)
        self.list.clicked.connect(self._on_index)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.refresh)
        self.search.textChanged.connect(lambda _text: self._timer.start())
        self.search.returnPressed.connect(self.refresh)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search)
        layout.addWidget(self.list, 1)

    @Slot()
    def refresh(self) -> None:
        """Re-read the list (or the search's hits), keeping the selected conversation selected."""
        self._timer.stop()
        selected = self.current_id()
        query = self.search.text().strip()
        try:
            if query:
                seen: set[int] = set()
                hits: list[tuple[int, str, str]] = []
                for hit in self.services.history.search(query):
                    if hit.message.conversation_id not in seen:
                        seen.add(hit.message.conversation_id)
                        hits.append((hit.message.conversation_id, hit.conversation_title, hit.snippet))
                self.model.show_hits(hits)
            else:
                self.model.show_grouped(self.services.history.list(limit=SHOWN), date.today(), limit=SHOWN)
        except KnownError as exc:
            log.warning("conversation list: %s", exc)
            self.model.show_hits([])
        self.select(selected)

    def touch(self, conversation_id: int) -> None:
        """One chat was written to: move it where it now belongs (one row read, not the whole list).

        Called when a reply starts and ends, while the GUI thread shares the interpreter with the reply's
        worker, a download and maybe a store sync: re-reading every chat there was a visible stall.
        """
        if not self.model.grouped:
            self.refresh()  # a search's hits: the search decides what they are
            return
        selected = self.current_id()
        try:
            conversation = self.services.history.get(conversation_id)
        except KnownError as exc:
            log.warning("conversation list: %s", exc)
            self.refresh()
            return
        self.model.touch(conversation, date.today())
        self.select(selected)

    def ids(self) -> list[int]:
        """The chats in the order shown (headings left out)."""
        return self.model.ids()

    def titles(self) -> list[str]:
        """Every row's text as shown, headings included (what a person reads top to bottom)."""
        return [str(self.model.row_index(r).data()) for r in range(self.model.rowCount())]

    def current_id(self) -> int | None:
        index = self.list.currentIndex()
        return index.data(IdRole) if index.isValid() else None

    def select(self, conversation_id: int | None) -> None:
        """Highlight a conversation without opening it again."""
        row = self.model.row_of(conversation_id)
        selection = self.list.selectionModel()
        blocked = selection.blockSignals(True)
        if row < 0:
            selection.clearSelection()
            selection.setCurrentIndex(QModelIndex(), selection.SelectionFlag.Clear)
        else:
            self.list.setCurrentIndex(self.model.row_index(row))
        selection.blockSignals(blocked)

    @Slot(QModelIndex)
    def _on_index(self, index: QModelIndex) -> None:
        conversation_id = index.data(IdRole)
        if conversation_id is not None:
            self.opened.emit(conversation_id)

    @Slot(QPoint)
    def _on_context_menu(self, pos: QPoint) -> None:
        index = self.list.indexAt(pos)
        conversation_id = index.data(IdRole) if index.isValid() else None
        if conversation_id is None:
            return
        title = str(index.data())
        pinned = bool(index.data(PinnedRole))
        menu = QMenu(self)
        pin = menu.addAction(self.tr("Unpin") if pinned else self.tr("Pin to top"))
        rename = menu.addAction(self.tr("Rename…"))
        delete = menu.addAction(self.tr("Delete…"))
        chosen = menu.exec(self.list.viewport().mapToGlobal(pos))
        if chosen is pin:
            self.pin(conversation_id, not pinned)
        elif chosen is rename:
            self.rename(conversation_id, title)
        elif chosen is delete:
            self.delete(conversation_id, title)

    def pin(self, conversation_id: int, pinned: bool = True) -> None:
        try:
            self.services.history.pin(conversation_id, pinned=pinned)
        except KnownError as exc:
            QMessageBox.warning(self, self.tr("Pin chat"), str(exc))
            return
        self.refresh()
        self.renamed.emit(conversation_id)

    def rename(self, conversation_id: int, title: str) -> None:
        new, ok = QInputDialog.getText(self, self.tr("Rename chat"), self.tr("Title:"), text=title)
        if ok and new.strip():
            try:
                self.services.catalog.rename_conversation(conversation_id, new)
            except KnownError as exc:
                QMessageBox.warning(self, self.tr("Rename chat"), str(exc))
                return
            self.refresh()
            self.renamed.emit(conversation_id)

    def delete(self, conversation_id: int, title: str) -> None:
        answer = QMessageBox.question(self, self.tr("Delete chat"),
                                      self.tr("Delete “{0}” and all its messages?").format(title))
        if answer == QMessageBox.StandardButton.Yes:
            try:
                self.services.catalog.delete_conversation(conversation_id)
            except KnownError as exc:
                QMessageBox.warning(self, self.tr("Delete chat"), str(exc))
                return
            self.refresh()
            self.deleted.emit(conversation_id)
