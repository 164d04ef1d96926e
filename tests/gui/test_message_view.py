"""The message view: a long chat opens with its newest messages, older ones come when scrolled to, and a
finished reply updates the bubbles in place."""

from __future__ import annotations

from PySide6.QtCore import Qt

from app.core.entities import Message, MessageStatus, Role
from app.core.knowledge import Source
from app.ui.chat.message_view import EAGER, EARLIER, MessageView

TEXT = "A paragraph of a reply, long enough to wrap once or twice in a narrow window.\n\n- one\n- two\n"


def messages(count: int, *, start: int = 1) -> list[Message]:
    return [Message(id=start + i, conversation_id=1, role=Role.USER if i % 2 == 0 else Role.ASSISTANT,
                    content=f"Message {start + i}. {TEXT}", status=MessageStatus.COMPLETE, created_at="")
            for i in range(count)]


def view_of(qtbot) -> MessageView:
    view = MessageView()
    qtbot.addWidget(view)
    view.resize(500, 400)
    view.show()
    qtbot.waitExposed(view)
    return view


def test_a_long_chat_opens_with_its_newest_messages_and_the_rest_come_when_asked(qtbot) -> None:
    view = view_of(qtbot)
    shown = messages(40)
    view.show_messages(shown)
    assert [b.message.id for b in view.bubbles] == [m.id for m in shown[-EAGER:]]
    assert view.earlier_button.isVisible() and str(40 - EAGER) in view.earlier_button.text()
    qtbot.waitUntil(lambda: view.last().isVisible())  # Qt shows a widget added to a shown one a moment later
    assert view.last().regenerate_button.isVisible(), "the newest reply can be regenerated at once"

    anchor = view.bubbles[0]
    qtbot.waitUntil(lambda: view.verticalScrollBar().maximum() > 0)
    view.verticalScrollBar().setValue(anchor.y() - 10)  # read from just above the oldest shown
    before = anchor.mapTo(view.viewport(), anchor.rect().topLeft()).y()
    qtbot.mouseClick(view.earlier_button, Qt.MouseButton.LeftButton)
    assert [b.message.id for b in view.bubbles] == [m.id for m in shown[-EAGER - EARLIER:]]
    qtbot.waitUntil(lambda: anchor.mapTo(view.viewport(), anchor.rect().topLeft()).y() == before)
    assert not any(b.regenerate_button.isVisibleTo(view) for b in view.bubbles[:-1])

    view.verticalScrollBar().setValue(0)  # reaching the top brings the next older ones
    qtbot.waitUntil(lambda: len(view.bubbles) == EAGER + 2 * EARLIER)
    qtbot.waitUntil(lambda: view.verticalScrollBar().value() > 0)  # what was at the top stays in view
    view.verticalScrollBar().setValue(0)
    qtbot.waitUntil(lambda: len(view.bubbles) == 40)
    assert [b.message.id for b in view.bubbles] == [m.id for m in shown]
    assert not view.earlier_button.isVisible()


def test_a_finished_reply_updates_the_bubbles_in_place(qtbot) -> None:
    view = view_of(qtbot)
    stored = messages(30)
    view.show_messages(stored[:28])
    user = view.add(Role.USER)
    user.set_text(stored[28].content)
    reply = view.add(Role.ASSISTANT)
    reply.append(stored[29].content[:10])
    view.update_actions(busy=True)
    kept = list(view.bubbles)
    qtbot.waitUntil(lambda: reply.isVisible())

    cited = [Source(number=1, file="guide.md", text="Keep the receipt.", heading="Returns")]
    view.update_messages(stored, busy=False, sources={stored[29].id: cited})
    assert view.bubbles == kept, "no bubble was remade"
    assert reply.message == stored[29] and reply.text == stored[29].content
    assert user.message == stored[28] and user.edit_button.isVisibleTo(view)
    assert reply.sources.sources == cited and reply.regenerate_button.isVisibleTo(view)
    assert len(view.earlier) == 30 - len(kept)

    other = messages(3, start=100)  # another conversation: nothing lines up, so the view is remade
    view.update_messages(other)
    assert [b.message.id for b in view.bubbles] == [100, 101, 102] and not set(view.bubbles) & set(kept)
