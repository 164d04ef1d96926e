"""The messages of one conversation, each rendered as Markdown in its own bubble.

One QTextBrowser per message (sized to its text) rather than one document for the whole
conversation: while a reply streams only the last bubble is re-rendered, so a long conversation
costs nothing extra per repaint. Code blocks get a monospace font and a subtle background, which
Qt's Markdown importer does not give them on its own.

A bubble costs a few milliseconds of the GUI thread to make and lay out, so a long chat opens with its
newest messages only (:data:`EAGER`); older ones are made when the person scrolls to the top or asks
for them. When a reply ends, the stored messages update the bubbles in place instead of remaking them.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtGui import QColor, QFontDatabase, QGuiApplication, QTextBlockFormat, QTextCharFormat, QTextCursor, \
    QTextFormat
from PySide6.QtWidgets import (
    QFrame, QHBoxLayout, QLabel, QPushButton, QScrollArea, QSizePolicy, QTextBrowser, QVBoxLayout, QWidget,
)

from app.core.entities import Message, MessageStatus, Role
from app.core.knowledge import Source
from app.ui.chat.sources import SourcesRow

CODE_BACKGROUND = QColor(127, 127, 127, 32)
"""Translucent grey: a subtle panel on light and dark palettes alike."""

BUBBLE_STYLE = """
QFrame#userBubble { background: palette(alternate-base); border: 1px solid palette(midlight); border-radius: 8px; }
QFrame#assistantBubble { background: palette(base); border: 1px solid palette(midlight); border-radius: 8px; }
QLabel#bubbleWho { font-weight: 600; }
QLabel#bubbleStatus { color: palette(placeholder-text); font-style: italic; }
QTextBrowser { background: transparent; }
"""

EAGER = 12
"""Messages made at once when a chat opens (the newest); the rest wait until scrolled to."""
EARLIER = 12
"""Older messages made each time the person reaches the top."""


def style_code_blocks(browser: QTextBrowser) -> None:
    """Give fenced and indented code blocks a monospace font and a background."""
    document = browser.document()
    mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    block = document.begin()
    while block.isValid():
        fmt = block.blockFormat()
        if fmt.hasProperty(QTextFormat.Property.BlockCodeFence) or fmt.nonBreakableLines():
            cursor = QTextCursor(block)
            block_format = QTextBlockFormat()
            block_format.setBackground(CODE_BACKGROUND)
            cursor.mergeBlockFormat(block_format)
            cursor.select(QTextCursor.SelectionType.BlockUnderCursor)
            char_format = QTextCharFormat()
            char_format.setFontFamilies([mono.family()])
            char_format.setFontFixedPitch(True)
            cursor.mergeCharFormat(char_format)
        block = block.next()


class MarkdownText(QTextBrowser):
    """Read-only Markdown that grows to fit its text instead of scrolling inside the conversation."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenExternalLinks(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.viewport().setAutoFillBackground(False)  # transparent: BUBBLE_STYLE, set once on the view
        self.document().documentLayout().documentSizeChanged.connect(self._fit)
        self.markdown = ""

    def set_markdown(self, text: str) -> None:
        self.markdown = text
        self.setMarkdown(text)
        style_code_blocks(self)
        self._fit()

    def resizeEvent(self, event) -> None:  # noqa: ANN001, N802 - Qt override
        super().resizeEvent(event)
        self.document().setTextWidth(self.viewport().width())
        self._fit()

    @Slot()
    def _fit(self, *_args: object) -> None:
        height = int(self.document().size().height()) + 2 * self.frameWidth() + 4
        if height != self.height():
            self.setFixedHeight(height)


class MessageBubble(QFrame):
    """One message: who said it, its text, its status if it did not complete, and its actions.

    Signals carry the message id: copy is handled here; edit and regenerate go to the page.
    """

    edit_requested = Signal(int)
    regenerate_requested = Signal()

    def __init__(self, role: Role, message: Message | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.role = role
        self.message = message
        self.setObjectName("userBubble" if role is Role.USER else "assistantBubble")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.who = QLabel(self.tr("You") if role is Role.USER else self.tr("Assistant"))
        self.who.setObjectName("bubbleWho")
        self.copy_button = self._action(self.tr("Copy"), self.copy)
        self.edit_button = self._action(self.tr("Edit"), self._on_edit)
        self.regenerate_button = self._action(self.tr("Regenerate"), self.regenerate_requested.emit)
        head = QHBoxLayout()
        head.addWidget(self.who)
        head.addStretch(1)
        for button in (self.copy_button, self.edit_button, self.regenerate_button):
            head.addWidget(button)
        self.body = MarkdownText()
        self.body.setAccessibleName(self.tr("Your message") if role is Role.USER else self.tr("Reply"))
        self.status = QLabel()
        self.status.setObjectName("bubbleStatus")
        self.status.setWordWrap(True)
        self.status.setVisible(False)
        self.sources = SourcesRow()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 8)
        layout.addLayout(head)
        layout.addWidget(self.body)
        layout.addWidget(self.sources)
        layout.addWidget(self.status)
        # After the buttons have their parent (reparenting hides a widget): what set_actions compares with.
        self._actions = (False, role is Role.USER)
        self.regenerate_button.setVisible(False)
        self.edit_button.setVisible(role is Role.USER)
        self.text = ""
        if message is not None:
            self.set_text(message.content)
            self.set_status(message.status, message.error)

    def _action(self, label: str, slot) -> QPushButton:  # noqa: ANN001 - any callable
        button = QPushButton(label)
        button.setFlat(True)
        button.setCursor(Qt.CursorShape.PointingHandCursor)
        button.clicked.connect(slot)
        return button

    def set_text(self, text: str) -> None:
        self.text = text
        self.body.set_markdown(text)

    def append(self, text: str) -> None:
        self.set_text(self.text + text)

    def set_actions(self, *, regenerate: bool, edit: bool) -> None:
        """Which of Regenerate and Edit are offered; Qt is told only of a change (each call into it counts
        when the GUI thread shares the interpreter with a reply, a download and a sync)."""
        if (regenerate, edit) != self._actions:
            self._actions = (regenerate, edit)
            self.regenerate_button.setVisible(regenerate)
            self.edit_button.setVisible(edit)

    def show_message(self, message: Message, sources: list[Source]) -> None:
        """The stored message this bubble shows (its id, final text, status and sources)."""
        self.message = message
        if message.content != self.text:
            self.set_text(message.content)
        self.set_status(message.status, message.error)
        self.sources.set_sources(sources)

    def set_status(self, status: MessageStatus, error: str | None = None) -> None:
        """Show why a reply stopped early; a complete (or still streaming) one needs no note."""
        if status is MessageStatus.CANCELLED:
            sentence = self.tr("Stopped — the reply so far is kept.")
        elif status is MessageStatus.FAILED:
            sentence = self.tr("Failed: {0}").format(error) if error else self.tr("Failed.")
        else:
            sentence = ""
        self.status.setText(sentence)
        self.status.setVisible(bool(sentence))

    @Slot()
    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.text)

    @Slot()
    def _on_edit(self) -> None:
        if self.message is not None:
            self.edit_requested.emit(self.message.id)


class MessageView(QScrollArea):
    """The conversation's bubbles in a column, kept scrolled to the newest while a reply streams."""

    edit_requested = Signal(int)
    regenerate_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setAccessibleName(self.tr("Messages"))
        inner = QWidget()
        self.column = QVBoxLayout(inner)
        self.column.setContentsMargins(12, 12, 12, 12)
        self.column.setSpacing(10)
        self.earlier_button = QPushButton()
        self.earlier_button.setFlat(True)
        self.earlier_button.setVisible(False)
        self.earlier_button.clicked.connect(self.show_earlier)
        self.column.addWidget(self.earlier_button, 0, Qt.AlignmentFlag.AlignHCenter)
        self.column.addStretch(1)
        self.setWidget(inner)
        self.bubbles: list[MessageBubble] = []
        """The bubbles made, oldest first: the newest messages (older ones wait in ``earlier``)."""
        self.earlier: list[tuple[Message, list[Source]]] = []
        """Older messages not made into bubbles yet, oldest first."""
        self.setStyleSheet(BUBBLE_STYLE)
        bar = self.verticalScrollBar()
        bar.rangeChanged.connect(self._follow)
        bar.valueChanged.connect(self._on_scrolled)
        self._follow_tail = True
        self._anchor: tuple[MessageBubble, int] | None = None
        """A bubble to keep where it is in view (and how far below the top) while older ones are added above."""
        self._moving = False
        self._busy = False

    def clear(self) -> None:
        for bubble in self.bubbles:
            bubble.hide()  # out of the layout now: the next layout pass must not measure what is going
            bubble.deleteLater()
        self.bubbles = []
        self._anchor = None
        self._set_earlier([])

    def show_messages(self, messages: list[Message], *, busy: bool = False,
                      sources: dict[int, list[Source]] | None = None) -> None:
        """Show the messages; ``sources`` are the knowledge passages each reply was given, by message id.

        Only the newest :data:`EAGER` become bubbles now; the others when scrolled to (:meth:`show_earlier`).
        """
        self.clear()
        cited = sources or {}
        split = max(0, len(messages) - EAGER)
        for message in messages[split:]:
            bubble = self.add(message.role, message)
            bubble.sources.set_sources(cited.get(message.id, []))
        self._set_earlier([(m, cited.get(m.id, [])) for m in messages[:split]])
        self.update_actions(busy=busy)

    def update_messages(self, messages: list[Message], *, busy: bool = False,
                        sources: dict[int, list[Source]] | None = None) -> None:
        """The conversation as stored after a reply: the bubbles take their messages in place when they line
        up with the newest messages by role (the usual case), else the view is remade (:meth:`show_messages`)."""
        cited = sources or {}
        split = len(messages) - len(self.bubbles)
        if split < 0 or any(b.role is not m.role for b, m in zip(self.bubbles, messages[split:], strict=True)):
            self.show_messages(messages, busy=busy, sources=sources)
            return
        for bubble, message in zip(self.bubbles, messages[split:], strict=True):
            bubble.show_message(message, cited.get(message.id, []))
        self._set_earlier([(m, cited.get(m.id, [])) for m in messages[:split]])
        self.update_actions(busy=busy)

    @Slot()
    def show_earlier(self) -> None:
        """Make the next :data:`EARLIER` older messages into bubbles above the others, keeping what is in view."""
        if not self.earlier:
            return
        if self.bubbles:
            first = self.bubbles[0]
            self._anchor = (first, first.y() - self.verticalScrollBar().value())
        split = max(0, len(self.earlier) - EARLIER)
        made = []
        for place, (message, cited) in enumerate(self.earlier[split:]):
            bubble = self._bubble(message.role, message)
            bubble.sources.set_sources(cited)
            self.column.insertWidget(1 + place, bubble)
            made.append(bubble)
        self.bubbles[:0] = made
        self._set_earlier(self.earlier[:split])
        self.update_actions(busy=self._busy)

    def add(self, role: Role, message: Message | None = None) -> MessageBubble:
        bubble = self._bubble(role, message)
        self.column.insertWidget(self.column.count() - 1, bubble)
        self.bubbles.append(bubble)
        self._follow_tail = True
        self._anchor = None
        return bubble

    def _bubble(self, role: Role, message: Message | None) -> MessageBubble:
        bubble = MessageBubble(role, message)
        bubble.edit_requested.connect(self.edit_requested)
        bubble.regenerate_requested.connect(self.regenerate_requested)
        return bubble

    def _set_earlier(self, earlier: list[tuple[Message, list[Source]]]) -> None:
        self.earlier = earlier
        self.earlier_button.setText(self.tr("Show %n earlier message(s)", "", len(earlier)))
        self.earlier_button.setVisible(bool(earlier))

    def last(self) -> MessageBubble | None:
        return self.bubbles[-1] if self.bubbles else None

    def update_actions(self, *, busy: bool) -> None:
        """Regenerate only on the last reply and edit only on stored messages, neither while busy."""
        self._busy = busy
        last = self.last()
        for bubble in self.bubbles:
            bubble.set_actions(regenerate=not busy and bubble is last and bubble.role is Role.ASSISTANT,
                               edit=not busy and bubble.role is Role.USER and bubble.message is not None)

    @Slot(int, int)
    def _follow(self, _minimum: int, maximum: int) -> None:
        """Stay at the newest text, unless the person scrolled up to read something older; after older
        messages were added above, stay at the same message."""
        if self._anchor is not None:
            bubble, below_top = self._anchor
            self._scroll_to(bubble.y() - below_top)
        elif self._follow_tail:
            self._scroll_to(maximum)

    def _scroll_to(self, value: int) -> None:
        self._moving = True
        try:
            self.verticalScrollBar().setValue(value)
        finally:
            self._moving = False

    @Slot(int)
    def _on_scrolled(self, value: int) -> None:
        bar = self.verticalScrollBar()
        if not self._moving:
            self._anchor = None  # the person scrolled: what they see is theirs to choose
        self._follow_tail = value >= bar.maximum() - 4
        if value == bar.minimum() and bar.maximum() > 0 and self.earlier:
            QTimer.singleShot(0, self.show_earlier)  # reached the top: the older ones, after this event
