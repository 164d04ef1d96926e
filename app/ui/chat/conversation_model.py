"""The conversation list as a model: date headings and chats, or a search's hits.

A model (not a widget per chat) so a long history costs one row of data each, the view paints only
what is visible, and ``qtmodeltester`` can check it. Headings are rows too, but neither selectable
nor enabled, so keyboard navigation and clicks skip them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from PySide6.QtCore import QAbstractListModel, QCoreApplication, QModelIndex, QPersistentModelIndex, Qt

from app.core.entities import Conversation
from app.ui.chat.date_groups import Group, grouped

IdRole = Qt.ItemDataRole.UserRole
HeadingRole = Qt.ItemDataRole.UserRole + 1
PinnedRole = Qt.ItemDataRole.UserRole + 2

_Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class Row:
    """One line of the list: a heading (``conversation_id`` None) or a chat."""

    text: str
    conversation_id: int | None = None
    tip: str = ""
    pinned: bool = False


def heading(group: Group) -> str:
    """The heading's words, translated in the ``ConversationModel`` context."""
    texts = {
        Group.PINNED: QCoreApplication.translate("ConversationModel", "Pinned"),
        Group.TODAY: QCoreApplication.translate("ConversationModel", "Today"),
        Group.YESTERDAY: QCoreApplication.translate("ConversationModel", "Yesterday"),
        Group.WEEK: QCoreApplication.translate("ConversationModel", "Previous 7 days"),
        Group.MONTH: QCoreApplication.translate("ConversationModel", "Previous 30 days"),
        Group.OLDER: QCoreApplication.translate("ConversationModel", "Older"),
    }
    return texts[group]


class ConversationModel(QAbstractListModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[Row] = []

    def show_grouped(self, conversations: list[Conversation], today: date) -> None:
        """The whole history under date headings (pinned chats first, in their own group)."""
        untitled = QCoreApplication.translate("ConversationModel", "Untitled")
        rows: list[Row] = []
        for group, members in grouped(conversations, today):
            rows.append(Row(heading(group)))
            rows.extend(Row(c.title or untitled, c.id, c.updated_at[:16].replace("T", " "), c.pinned)
                        for c in members)
        self._reset(rows)

    def show_hits(self, hits: list[tuple[int, str, str]]) -> None:
        """A search's conversations (id, title, matching snippet), best first, without headings."""
        untitled = QCoreApplication.translate("ConversationModel", "Untitled")
        self._reset([Row(title or untitled, cid, snippet) for cid, title, snippet in hits])

    def _reset(self, rows: list[Row]) -> None:
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    def ids(self) -> list[int]:
        return [r.conversation_id for r in self._rows if r.conversation_id is not None]

    def row_of(self, conversation_id: int | None) -> int:
        for number, row in enumerate(self._rows):
            if conversation_id is not None and row.conversation_id == conversation_id:
                return number
        return -1

    # --- QAbstractListModel --------------------------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return row.text
        if role == Qt.ItemDataRole.ToolTipRole:
            return row.tip or None
        if role == IdRole:
            return row.conversation_id
        if role == HeadingRole:
            return row.conversation_id is None
        if role == PinnedRole:
            return row.pinned
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        if self._rows[index.row()].conversation_id is None:
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren
