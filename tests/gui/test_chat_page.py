"""The Chat page driven as a person would, offscreen, with the real llama.cpp and a tiny model."""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path

import pytest
from PySide6.QtCore import QThreadPool, Qt
from PySide6.QtGui import QFontInfo, QGuiApplication
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox

from app.core.entities import GenerationParams, MessageStatus, Role
from app.core.paths import AppPaths
from app.services.container import open_services
from app.ui.chat import ChatPage
from app.ui.chat.message_view import MessageView
from app.ui.jobs import Jobs
from tests.gui.flow_helpers import TimerGaps

REPLY_TIMEOUT_MS = 60_000
LONG = GenerationParams(temperature=0.0, max_tokens=3000, context_length=4096)
LONG_PROMPT = "go on"  # the random tiny model writes to max_tokens after this prompt (others hit a stop string)


@pytest.fixture
def services(gptshelf_home: Path):
    with open_services(AppPaths(gptshelf_home), install_starter=False) as opened:
        yield opened


@pytest.fixture
def gpt(services, tiny_model):
    model = services.models.import_gguf(tiny_model, name="Tiny")
    return services.gpts.create("Helper", model.sha256, description="Answers briefly",
                                starters=["Say hi", "Tell me a story"],
                                params=GenerationParams(temperature=0.0, max_tokens=40, context_length=2048))


@pytest.fixture
def page(qtbot, services, gpt):
    pool = QThreadPool()
    jobs = Jobs(pool)
    chat = ChatPage(services, jobs)
    qtbot.addWidget(chat)
    chat.resize(1000, 700)
    chat.show()
    chat.refresh()
    chat.open_gpt(gpt.id)
    yield chat
    if chat.runner is not None:
        chat.runner.cancel()
        qtbot.waitUntil(lambda: chat.runner.done, timeout=REPLY_TIMEOUT_MS)  # its last signals delivered
    assert jobs.wait(30_000)


def type_and_send(qtbot, page: ChatPage, text: str) -> object:
    qtbot.keyClicks(page.composer.edit, text)
    with qtbot.waitSignal(page.reply_finished, timeout=REPLY_TIMEOUT_MS) as finished:
        qtbot.keyClick(page.composer.edit, Qt.Key.Key_Return)
    return finished.args[0]


def stored(services, page: ChatPage):
    return services.history.show(page.conversation_id)[1]


def test_enter_sends_and_the_reply_streams_into_a_stored_complete_message(qtbot, page, services):
    qtbot.keyClicks(page.composer.edit, "hello")
    qtbot.keyClick(page.composer.edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    assert page.composer.edit.toPlainText() == "hello\n", "Shift+Enter starts a new line"
    outcome = type_and_send(qtbot, page, "there")
    assert outcome.error is None and outcome.status is MessageStatus.COMPLETE
    messages = stored(services, page)
    assert [(m.role, m.status) for m in messages] == [(Role.USER, MessageStatus.COMPLETE),
                                                      (Role.ASSISTANT, MessageStatus.COMPLETE)]
    assert messages[0].content == "hello\nthere" and messages[1].content
    assert [b.text for b in page.messages.bubbles] == [m.content for m in messages]
    assert page.conversations.ids() == [page.conversation_id]
    assert "tokens/s" in page.status.text() and "/ 2,048" in page.status.text()
    assert page.composer.edit.toPlainText() == "" and page.composer.send_button.isEnabled()

    # Regenerate replaces the reply with a new one.
    old_reply = messages[1]
    question = page.messages.bubbles[0]
    with qtbot.waitSignal(page.reply_finished, timeout=REPLY_TIMEOUT_MS):
        qtbot.mouseClick(page.messages.last().regenerate_button, Qt.MouseButton.LeftButton)
    messages = stored(services, page)
    assert len(messages) == 2 and messages[1].id != old_reply.id
    assert page.messages.bubbles[0] is question, "the finished reply updated the bubbles, it did not remake them"
    assert page.messages.last().message == messages[1]
    assert messages[1].status is MessageStatus.COMPLETE and page.messages.last().text == messages[1].content

    # Edit-and-resend changes the question and answers it afresh.
    first = page.messages.bubbles[0]
    original = QInputDialog.getMultiLineText
    QInputDialog.getMultiLineText = staticmethod(lambda *args, **kwargs: ("hello again", True))
    try:
        with qtbot.waitSignal(page.reply_finished, timeout=REPLY_TIMEOUT_MS):
            qtbot.mouseClick(first.edit_button, Qt.MouseButton.LeftButton)
    finally:
        QInputDialog.getMultiLineText = original
    messages = stored(services, page)
    assert [m.content for m in messages][0] == "hello again" and len(messages) == 2
    assert messages[1].status is MessageStatus.COMPLETE


def test_export_writes_markdown_and_json(qtbot, page, services, tmp_path, monkeypatch):
    type_and_send(qtbot, page, "export me")
    for name in ("chat.md", "chat.json"):
        target = tmp_path / name
        monkeypatch.setattr(QFileDialog, "getSaveFileName",
                            staticmethod(lambda *args, target=target, **kwargs: (str(target), "")))
        qtbot.mouseClick(page.export_button, Qt.MouseButton.LeftButton)
        assert target.exists()
    assert "export me" in (tmp_path / "chat.md").read_text(encoding="utf-8")
    exported = json.loads((tmp_path / "chat.json").read_text(encoding="utf-8"))
    assert exported["messages"][0]["content"] == "export me"


def test_stop_mid_reply_keeps_the_partial_text_as_cancelled(qtbot, page, services, gpt):
    services.gpts.update(gpt, params=LONG)
    page.refresh()
    qtbot.keyClicks(page.composer.edit, LONG_PROMPT)
    qtbot.keyClick(page.composer.edit, Qt.Key.Key_Return)
    assert page.status.text() == "Loading model…" and page.busy
    qtbot.waitUntil(lambda: bool(page.messages.last() and page.messages.last().text), timeout=REPLY_TIMEOUT_MS)
    assert page.composer.stop_button.isEnabled()
    with qtbot.waitSignal(page.reply_finished, timeout=REPLY_TIMEOUT_MS) as finished:
        qtbot.keyClick(page.composer.edit, Qt.Key.Key_Escape)
    assert finished.args[0].status is MessageStatus.CANCELLED
    reply = stored(services, page)[-1]
    assert reply.status is MessageStatus.CANCELLED and reply.content
    assert page.messages.last().text == reply.content
    assert not page.messages.last().status.isHidden() and "Stopped" in page.status.text()

    # The next message works.
    services.gpts.update(gpt, params=GenerationParams(temperature=0.0, max_tokens=10, context_length=2048))
    page.refresh()
    assert type_and_send(qtbot, page, "and now?").status is MessageStatus.COMPLETE


def test_an_engine_crash_is_shown_inline_and_the_next_message_works(qtbot, page, services, gpt):
    services.gpts.update(gpt, params=LONG)
    page.refresh()
    qtbot.keyClicks(page.composer.edit, LONG_PROMPT)
    qtbot.keyClick(page.composer.edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bool(page.messages.last() and page.messages.last().text), timeout=REPLY_TIMEOUT_MS)
    with qtbot.waitSignal(page.reply_finished, timeout=REPLY_TIMEOUT_MS) as finished:
        os.kill(services.engines.engines()[0].pid, signal.SIGKILL)
    outcome = finished.args[0]
    assert outcome.status is MessageStatus.FAILED and "stopped unexpectedly" in outcome.error
    bubble = page.messages.last()
    assert "stopped unexpectedly" in bubble.status.text() and not bubble.status.isHidden()
    assert stored(services, page)[-1].status is MessageStatus.FAILED
    services.gpts.update(gpt, params=GenerationParams(temperature=0.0, max_tokens=10, context_length=2048))
    page.refresh()
    assert type_and_send(qtbot, page, "again").status is MessageStatus.COMPLETE


def test_a_starter_chip_sends_its_text(qtbot, page, services):
    assert [b.text() for b in page.starters.buttons] == ["Say hi", "Tell me a story"]
    assert page.starters.isVisible()
    with qtbot.waitSignal(page.reply_finished, timeout=REPLY_TIMEOUT_MS):
        qtbot.mouseClick(page.starters.buttons[1], Qt.MouseButton.LeftButton)
    assert stored(services, page)[0].content == "Tell me a story"
    assert not page.starters.isVisible()
    page.new_chat()
    assert page.starters.isVisible() and page.messages.bubbles == []


def test_search_filters_the_conversation_list_in_english_and_chinese(qtbot, page, services, gpt):
    catalog = services.catalog
    ids = {}
    for title, text in (("Weather", "今天天气很好，我们去公园吧"), ("Recipes", "How to bake sourdough bread"),
                        ("Travel", "Trains across Europe")):
        conversation = catalog.create_conversation(gpt.id, title)
        catalog.add_message(conversation.id, Role.USER, text)
        ids[title] = conversation.id
    page.refresh()
    assert sorted(page.conversations.ids()) == sorted(ids.values())
    assert page.conversations.ids()[0] == ids["Travel"], "newest first"
    qtbot.keySequence(page, "Ctrl+K")
    assert page.conversations.search.hasFocus()
    page.conversations.search.insert("天气")  # QTest types ASCII only; insert() edits as typing does
    qtbot.waitUntil(lambda: page.conversations.ids() == [ids["Weather"]])
    page.conversations.search.clear()
    qtbot.keyClicks(page.conversations.search, "sourdough")
    qtbot.waitUntil(lambda: page.conversations.ids() == [ids["Recipes"]])
    page.conversations.search.clear()
    qtbot.waitUntil(lambda: len(page.conversations.ids()) == 3)

    page.open_conversation(ids["Recipes"])
    assert page.title.text() == "Recipes" and page.messages.bubbles[0].text == "How to bake sourdough bread"
    assert not page.starters.isVisible()
    qtbot.keySequence(page, "Ctrl+N")
    assert page.conversation_id is None and page.messages.bubbles == []


def test_rename_and_delete_a_conversation(qtbot, page, services, gpt, monkeypatch):
    conversation = services.catalog.create_conversation(gpt.id, "Old title")
    page.refresh()
    page.open_conversation(conversation.id)
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *args, **kwargs: ("New title", True)))
    page.conversations.rename(conversation.id, "Old title")
    assert page.conversations.titles() == ["Today", "New title"] and page.title.text() == "New title"
    monkeypatch.setattr(QMessageBox, "question", staticmethod(lambda *args, **kwargs: QMessageBox.StandardButton.Yes))
    page.conversations.delete(conversation.id, "New title")
    assert page.conversations.ids() == [] and page.conversation_id is None


def test_messages_render_markdown_with_styled_code_and_copy_to_the_clipboard(qtbot):
    view = MessageView()
    qtbot.addWidget(view)
    bubble = view.add(Role.ASSISTANT)
    bubble.set_text("Some **bold** text.\n\n```python\nprint('hi')\n```\n")
    document = bubble.body.document()
    code = [document.findBlockByNumber(i) for i in range(document.blockCount())
            if "print" in document.findBlockByNumber(i).text()][0]
    assert code.blockFormat().background().style() != Qt.BrushStyle.NoBrush
    assert code.charFormat().fontFixedPitch() or QFontInfo(code.charFormat().font()).fixedPitch()
    assert "bold" in bubble.body.toPlainText() and "**" not in bubble.body.toPlainText()
    qtbot.mouseClick(bubble.copy_button, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == bubble.text


def test_the_gui_thread_never_stalls_while_a_reply_streams(qtbot, page, services, gpt):
    services.gpts.update(gpt, params=GenerationParams(temperature=0.0, max_tokens=1000, context_length=4096))
    page.refresh()
    timer = TimerGaps(10)
    qtbot.keyClicks(page.composer.edit, LONG_PROMPT)
    timer.start()
    with qtbot.waitSignal(page.reply_finished, timeout=REPLY_TIMEOUT_MS) as finished:
        qtbot.keyClick(page.composer.edit, Qt.Key.Key_Return)
    timer.stop()
    gaps, worst = timer.gaps, timer.worst
    print(f"\nstreamed {len(page.messages.last().text)} chars; worst GUI timer gap {worst * 1000:.1f} ms "
          f"over {len(gaps)} ticks")
    assert finished.args[0].result is not None and len(page.messages.last().text) > 200
    assert worst < 0.2
