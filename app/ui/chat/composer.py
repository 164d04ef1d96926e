"""Where the person writes: the message box, the GPT picker, Send/Stop, and starter chips.

Enter sends and Shift+Enter starts a new line, as in every chat app; Esc stops a streaming reply and
Tab moves on to the next control (never a tab character), so the keyboard alone is enough. Starters
flow onto as many lines as they need (a small flow layout, since Qt has none built in).
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QComboBox, QHBoxLayout, QLayout, QLayoutItem, QPlainTextEdit, QPushButton, QSizePolicy, QVBoxLayout, QWidget,
)

from app.core.entities import GPT


class MessageEdit(QPlainTextEdit):
    """Signals: send_requested() on Enter, stop_requested() on Esc."""

    send_requested = Signal()
    stop_requested = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        key = event.key()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not (
                event.modifiers() & Qt.KeyboardModifier.ShiftModifier):
            self.send_requested.emit()
            return
        if key == Qt.Key.Key_Escape:
            self.stop_requested.emit()
            return
        super().keyPressEvent(event)


class Composer(QWidget):
    """Signals: send_requested(str) with the text, stop_requested(), gpt_changed(str) with the id."""

    send_requested = Signal(str)
    stop_requested = Signal()
    gpt_changed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.gpt_picker = QComboBox()
        self.gpt_picker.setMinimumWidth(180)
        self.gpt_picker.setToolTip(self.tr("The GPT that answers"))
        self.gpt_picker.setAccessibleName(self.tr("GPT"))
        self.gpt_picker.activated.connect(self._on_gpt_activated)
        self.edit = MessageEdit()
        self.edit.setAccessibleName(self.tr("Message"))
        self.edit.setTabChangesFocus(True)  # Tab moves on to Send, as in any form; no keyboard trap
        self.edit.setPlaceholderText(self.tr("Message (Enter sends, Shift+Enter for a new line, Esc stops)"))
        self.edit.setFixedHeight(80)
        self.edit.send_requested.connect(self._on_send)
        self.edit.stop_requested.connect(self.stop_requested)
        self.send_button = QPushButton(self.tr("Send"))
        self.send_button.setDefault(True)
        self.send_button.clicked.connect(self._on_send)
        self.stop_button = QPushButton(self.tr("Stop"))
        self.stop_button.clicked.connect(self.stop_requested)
        buttons = QVBoxLayout()
        buttons.addWidget(self.gpt_picker)
        buttons.addWidget(self.send_button)
        buttons.addWidget(self.stop_button)
        buttons.addStretch(1)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit, 1)
        layout.addLayout(buttons)
        self.set_busy(False)

    def set_gpts(self, gpts: list[GPT], current: str | None) -> None:
        self.gpt_picker.blockSignals(True)
        self.gpt_picker.clear()
        for gpt in gpts:
            self.gpt_picker.addItem(gpt.name, gpt.id)
        self.gpt_picker.blockSignals(False)
        self.select_gpt(current)

    def select_gpt(self, gpt_id: str | None) -> None:
        index = self.gpt_picker.findData(gpt_id) if gpt_id else -1
        if index >= 0:
            self.gpt_picker.setCurrentIndex(index)

    def gpt_id(self) -> str | None:
        data = self.gpt_picker.currentData()
        return str(data) if data is not None else None

    def set_busy(self, busy: bool) -> None:
        """While a reply streams the person may go on typing, but sends only after it ends."""
        self.send_button.setEnabled(not busy)
        self.stop_button.setEnabled(busy)
        self.gpt_picker.setEnabled(not busy)
        self.busy = busy

    def _on_send(self) -> None:
        text = self.edit.toPlainText().strip()
        if self.busy or not text or self.gpt_id() is None:
            return
        self.edit.clear()
        self.send_requested.emit(text)

    def _on_gpt_activated(self, _index: int) -> None:
        gpt_id = self.gpt_id()
        if gpt_id is not None:
            self.gpt_changed.emit(gpt_id)


class FlowLayout(QLayout):
    """Lays widgets left to right and wraps them onto new lines, like words in a paragraph.

    Each item's size hint is asked once and kept until Qt invalidates the layout: a layout pass calls
    :meth:`heightForWidth` several times, and a styled button's size hint costs milliseconds.
    """

    def __init__(self, parent: QWidget | None = None, spacing: int = 8) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._hints: list[QSize] | None = None
        self._spacing = spacing

    def addItem(self, item: QLayoutItem) -> None:  # noqa: N802 - Qt override
        self._items.append(item)
        self._hints = None

    def invalidate(self) -> None:
        self._hints = None
        super().invalidate()

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:  # noqa: N802 - Qt override
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:  # noqa: N802 - Qt override
        self._hints = None
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:  # noqa: N802 - Qt override
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:  # noqa: N802 - Qt override
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 - Qt override
        return self._arrange(QRect(0, 0, width, 0), move=False)

    def setGeometry(self, rect: QRect) -> None:  # noqa: N802 - Qt override
        super().setGeometry(rect)
        self._arrange(rect, move=True)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return self.minimumSize()

    def minimumSize(self) -> QSize:  # noqa: N802 - Qt override
        size = QSize()
        for item in self._items:
            size = size.expandedTo(item.minimumSize())
        margins = self.contentsMargins()
        return size + QSize(margins.left() + margins.right(), margins.top() + margins.bottom())

    def _arrange(self, rect: QRect, *, move: bool) -> int:
        margins = self.contentsMargins()
        area = rect.adjusted(margins.left(), margins.top(), -margins.right(), -margins.bottom())
        x, y, line_height = area.x(), area.y(), 0
        if self._hints is None:
            self._hints = [item.sizeHint() for item in self._items]
        for item, hint in zip(self._items, self._hints, strict=True):
            if x + hint.width() > area.right() and line_height > 0:
                x, y, line_height = area.x(), y + line_height + self._spacing, 0
            if move:
                item.setGeometry(QRect(QPoint(x, y), hint))
            x += hint.width() + self._spacing
            line_height = max(line_height, hint.height())
        return y + line_height - rect.y() + margins.bottom()


class StarterChips(QWidget):
    """The GPT's conversation starters as buttons; clicking one sends it. Signal: chosen(str)."""

    chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.flow = FlowLayout(self)
        self.buttons: list[QPushButton] = []
        self._starters: tuple[str, ...] = ()
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)

    def set_starters(self, starters: tuple[str, ...] | list[str], *, shown: bool = True) -> None:
        """These starters, visible if ``shown`` and there are any; the same ones again keep their buttons (a
        new chat with the same GPT), so hiding them while a chat has messages costs no rebuild."""
        if tuple(starters) == self._starters:
            self.setVisible(shown and bool(self.buttons))
            return
        self._starters = tuple(starters)
        for button in self.buttons:
            self.flow.removeWidget(button)
            button.deleteLater()
        self.buttons = []
        for starter in starters:
            button = QPushButton(starter)
            button.setObjectName("starterChip")
            button.setCursor(Qt.CursorShape.PointingHandCursor)
            button.clicked.connect(lambda _checked=False, text=starter: self.chosen.emit(text))
            self.flow.addWidget(button)
            self.buttons.append(button)
        self.setVisible(shown and bool(self.buttons))
        self.updateGeometry()
