"""The conversations on the left: newest first, filtered by full-text search, renamed and deleted.

Typing in the search box waits a moment before querying (one query per pause, not per key); the
catalog's search is CJK-aware, so Chinese words match inside Chinese sentences.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QPoint, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QInputDialog, QLineEdit, QListWidget, QListWidgetItem, QMenu, QMessageBox, QVBoxLayout, QWidget,
)

from app.core.errors import KnownError
from app.services.container import Services

log = logging.getLogger(__name__)

SEARCH_DELAY_MS = 200
ID_ROLE = Qt.ItemDataRole.UserRole


class ConversationList(QWidget):
    """Signals: opened(int) when a conversation is chosen, deleted(int) after one is deleted,
    renamed(int) after a rename."""

    opened = Signal(int)
    deleted = Signal(int)
    renamed = Signal(int)

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Search chats (Ctrl+K)"))
        self.search.setClearButtonEnabled(True)
        self.list = QListWidget()
        self.list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.list.customContextMenuRequested.connect(self._on_context_menu)
        self.list.itemActivated.connect(self._on_item)
        self.list.itemClicked.connect(self._on_item)
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
        rows: list[tuple[int, str, str]] = []
        if query:
            seen: set[int] = set()
            for hit in self.services.history.search(query):
                if hit.message.conversation_id not in seen:
                    seen.add(hit.message.conversation_id)
                    rows.append((hit.message.conversation_id, hit.conversation_title, hit.snippet))
        else:
            rows = [(c.id, c.title, c.updated_at[:16].replace("T", " ")) for c in self.services.history.list()]
        self.list.blockSignals(True)
        self.list.clear()
        for conversation_id, title, tip in rows:
            item = QListWidgetItem(title or self.tr("Untitled"))
            item.setData(ID_ROLE, conversation_id)
            item.setToolTip(tip)
            self.list.addItem(item)
        self.select(selected)
        self.list.blockSignals(False)

    def ids(self) -> list[int]:
        return [self.list.item(row).data(ID_ROLE) for row in range(self.list.count())]

    def current_id(self) -> int | None:
        item = self.list.currentItem()
        return item.data(ID_ROLE) if item is not None else None

    def select(self, conversation_id: int | None) -> None:
        """Highlight a conversation without opening it again."""
        blocked = self.list.blockSignals(True)
        self.list.setCurrentRow(-1)
        for row in range(self.list.count()):
            if self.list.item(row).data(ID_ROLE) == conversation_id:
                self.list.setCurrentRow(row)
        self.list.blockSignals(blocked)

    @Slot(QListWidgetItem)
    def _on_item(self, item: QListWidgetItem) -> None:
        self.opened.emit(item.data(ID_ROLE))

    @Slot(QPoint)
    def _on_context_menu(self, pos: QPoint) -> None:
        item = self.list.itemAt(pos)
        if item is None:
            return
        menu = QMenu(self)
        rename = menu.addAction(self.tr("Rename…"))
        delete = menu.addAction(self.tr("Delete…"))
        chosen = menu.exec(self.list.viewport().mapToGlobal(pos))
        if chosen is rename:
            self.rename(item.data(ID_ROLE), item.text())
        elif chosen is delete:
            self.delete(item.data(ID_ROLE), item.text())

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
