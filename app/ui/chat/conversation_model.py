"""The conversation list as a model: date headings and chats, or a search's hits.

A model (not a widget per chat) so a long history costs one row of data each, the view paints only
what is visible, and ``qtmodeltester`` can check it. Headings are rows too, but neither selectable
nor enabled, so keyboard navigation and clicks skip them.

Changes arrive as the rows that differ, never as a reset: a reply that starts or ends moves one chat to
the top of "Today" (:meth:`ConversationModel.touch`), which must not make the view lay out and repaint
the whole list on the GUI thread while a reply streams.

The rows are ``QStandardItem`` objects and headings are styled by their items' roles (a smaller bold font;
not enabled, so the style draws them dim), with no Python model methods or delegate behind the view:
laying out and painting the list then runs in Qt alone. With ``data``/``sizeHint``/``paint`` in
Python, every row the view measured or painted called into Python several times, each call waiting
for the interpreter while a reply, a download and a sync held it; laying out 200 chats after a reply
started took 140-160 ms of the GUI thread under that load (bench/gui_stall.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from PySide6.QtCore import QCoreApplication, QModelIndex, Qt
from PySide6.QtGui import QFont, QStandardItem, QStandardItemModel

from app.core.entities import Conversation
from app.ui.chat.date_groups import Group, grouped

IdRole = Qt.ItemDataRole.UserRole
PinnedRole = Qt.ItemDataRole.UserRole + 2

_CHAT_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren


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


class ConversationModel(QStandardItemModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(0, 1, parent)  # its one column from the start: inserting rows never adds a column
        self._rows: list[Row] = []
        self._conversations: list[Conversation] | None = None
        """What :meth:`show_grouped` shows, in the catalog's order; None while a search's hits are shown."""
        self._limit = 0

    @property
    def grouped(self) -> bool:
        """Whether the whole history is shown (not a search's hits)."""
        return self._conversations is not None

    def show_grouped(self, conversations: list[Conversation], today: date, *, limit: int | None = None) -> None:
        """The whole history under date headings (pinned chats first, in their own group).

        ``conversations`` in the catalog's order (pinned first, then newest first); ``limit``: how many the
        list holds at most (as many as given, if not said), kept when :meth:`touch` adds one.
        """
        self._conversations = list(conversations)
        self._limit = len(self._conversations) if limit is None else limit
        self._apply(self._grouped_rows(today))

    def touch(self, conversation: Conversation, today: date) -> None:
        """One chat was written to (or made): put it where the catalog's order now has it.

        A chat just written to is the newest, so it goes first after the pinned ones; a pinned one keeps
        its place among them (their order is when they were pinned). Only in the grouped history: a
        search's hits do not move while a reply is written.
        """
        if self._conversations is None:
            return
        others = [c for c in self._conversations if c.id != conversation.id]
        place = next((i for i, c in enumerate(self._conversations) if c.id == conversation.id), None)
        if not conversation.pinned or place is None:
            place = next((i for i, c in enumerate(others) if not c.pinned), len(others))
        others.insert(place, conversation)
        self._conversations = others[:max(self._limit, 1)]
        self._apply(self._grouped_rows(today))

    def show_hits(self, hits: list[tuple[int, str, str]]) -> None:
        """A search's conversations (id, title, matching snippet), best first, without headings."""
        untitled = QCoreApplication.translate("ConversationModel", "Untitled")
        self._conversations = None
        self._apply([Row(title or untitled, cid, snippet) for cid, title, snippet in hits])

    def _grouped_rows(self, today: date) -> list[Row]:
        untitled = QCoreApplication.translate("ConversationModel", "Untitled")
        rows: list[Row] = []
        for group, members in grouped(self._conversations or [], today):
            rows.append(Row(heading(group)))
            rows.extend(Row(c.title or untitled, c.id, c.updated_at[:16].replace("T", " "), c.pinned)
                        for c in members)
        return rows

    def _apply(self, rows: list[Row]) -> None:
        """Show ``rows``, telling the view only what differs: rows changed in place, or removed and inserted.

        The rows before the first difference and after the last stay as they are, so the view keeps their
        layout, selection and scroll position.
        """
        old = self._rows
        same = min(len(old), len(rows))
        head = next((i for i in range(same) if old[i] != rows[i]), same)
        tail = 0
        while tail < same - head and old[-1 - tail] == rows[-1 - tail]:
            tail += 1
        gone, new = len(old) - tail - head, len(rows) - tail - head
        self._rows = rows
        if gone == new:
            for number in range(head, head + new):
                self.setItem(number, 0, _item(rows[number]))
            return
        if gone:
            self.removeRows(head, gone)
        if new:
            self.invisibleRootItem().insertRows(head, [_item(row) for row in rows[head:head + new]])

    def row_index(self, row: int) -> QModelIndex:
        """The index of a row (the list has one column)."""
        return self.index(row, 0)

    def ids(self) -> list[int]:
        return [r.conversation_id for r in self._rows if r.conversation_id is not None]

    def row_of(self, conversation_id: int | None) -> int:
        for number, row in enumerate(self._rows):
            if conversation_id is not None and row.conversation_id == conversation_id:
                return number
        return -1


def _heading_font() -> QFont:
    font = QFont()  # the application's font
    font.setPointSizeF(max(font.pointSizeF() * 0.85, 7.0))
    font.setBold(True)
    return font


def _item(row: Row) -> QStandardItem:
    item = QStandardItem(row.text)
    item.setData(row.text, Qt.ItemDataRole.AccessibleTextRole)
    if row.tip:
        item.setToolTip(row.tip)
    item.setData(row.conversation_id, IdRole)
    item.setData(row.pinned, PinnedRole)
    if row.conversation_id is None:
        item.setFont(_heading_font())
        item.setFlags(Qt.ItemFlag.NoItemFlags)  # neither selectable nor enabled: skipped, and drawn dim
    else:
        item.setFlags(_CHAT_FLAGS)
    return item
