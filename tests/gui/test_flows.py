"""Whole user flows on the real main window, across pages, as a person goes through them.

Real services, SQLite, the real llama.cpp engine with a tiny generated GGUF and the fake hub on
127.0.0.1. Each flow moves between pages through the sidebar (mouse clicks), and waits on signals or
on what the window shows, never on the clock.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import QThreadPool, Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication, QFileDialog

from app.core.entities import DownloadProgress, GenerationParams, MessageStatus, Role
from app.core.paths import AppPaths
from app.core.settings import Theme
from app.services.container import open_services
from app.ui.application import prepare_app
from app.ui.jobs import Jobs
from app.ui.main_window import MainWindow
from tests.gui.flow_helpers import (
    CONTEXT, INSTRUCTIONS, JOB_TIMEOUT_MS, LONG_PROMPT, MAX_TOKENS, REPLY_TIMEOUT_MS, EngineFreezer, click,
    click_sidebar, closed_port, publish_long_gpt, send_and_wait, start_typing_and_send, wait_for_streamed_text,
)
from tests.support.store_data import publish_index

TINY = "alice/tiny-helper"
MODEL_FILE = "tiny.Q4_K_M.gguf"


@pytest.fixture
def services(hub_services):
    return hub_services


@pytest.fixture
def app_look():
    """The application's palette, style, stylesheet and translator are global: put them back after the test."""
    app = QApplication.instance()
    palette, style, sheet = QPalette(app.palette()), app.style().name(), app.styleSheet()
    translator = getattr(app, "gptshelf_translator", None)
    yield app
    app.setStyle(style)
    app.setPalette(palette)
    app.setStyleSheet(sheet)
    installed = getattr(app, "gptshelf_translator", None)
    if installed is not translator:
        if installed is not None:
            app.removeTranslator(installed)
        app.gptshelf_translator = translator


def make_window(qtbot, services) -> tuple[MainWindow, Jobs]:
    jobs = Jobs(QThreadPool())  # its own pool: teardown waits for this test's jobs only
    window = MainWindow(services, jobs)
    qtbot.addWidget(window)
    window.show()
    return window, jobs


def finish(qtbot, window: MainWindow, jobs: Jobs) -> None:
    """Stop a streaming reply and the window's jobs, and wait for their last signals."""
    chats = window.pages["chats"]
    if chats.runner is not None and not chats.runner.done:
        chats.runner.cancel()
        qtbot.waitUntil(lambda: chats.runner.done, timeout=REPLY_TIMEOUT_MS)
    jobs.cancel_all()
    assert jobs.wait(JOB_TIMEOUT_MS)


@pytest.fixture
def window(qtbot, services):
    main, jobs = make_window(qtbot, services)
    yield main
    finish(qtbot, main, jobs)


@pytest.fixture
def freezer(monkeypatch):
    engine = EngineFreezer(monkeypatch)
    yield engine
    engine.resume()  # never leave a frozen engine behind (teardown waits for the reply's end)


def sync_now(qtbot, store) -> None:
    click(qtbot, store.sync_button)
    assert store.sync_job is not None and not store.sync_button.isEnabled()
    qtbot.waitUntil(lambda: store.sync_job is None, timeout=JOB_TIMEOUT_MS)
    assert store.sync_button.isEnabled()


# --- 1. Store → install → chat → stop → regenerate → export ---------------------------------------------
def test_find_install_chat_stop_regenerate_and_export(qtbot, window, freezer, services, fake_hub, tiny_model,
                                                     tmp_path, monkeypatch):
    publish_index(fake_hub, {"shards/0000.jsonl.gz": [publish_long_gpt(fake_hub, tiny_model)]})

    # The Store: sync, then find the GPT by typing (the search waits for the typing to pause).
    click_sidebar(qtbot, window, "store")
    store = window.pages["store"]
    sync_now(qtbot, store)
    assert "1 new" in store.sync_status.text() and not store.banner.isVisible()
    everything = store.model.rowCount()
    assert everything > 1
    qtbot.keyClicks(store.search_box, "tiny helper")
    assert store.search_timer.isActive() and store.model.rowCount() == everything, "debounced, not per key"
    qtbot.waitUntil(lambda: store.model.rowCount() < everything, timeout=5_000)
    row = store.model.row_of(TINY)
    assert row >= 0 and store.model.listing(row).name == "Tiny Helper"
    assert not store.model.listing(row).installed

    # Its detail: double-click the card.
    index = store.model.index(row)
    store.view.scrollTo(index)
    center = store.view.visualRect(index).center()
    qtbot.mouseClick(store.view.viewport(), Qt.MouseButton.LeftButton, pos=center)
    qtbot.mouseDClick(store.view.viewport(), Qt.MouseButton.LeftButton, pos=center)
    detail = store.detail
    assert store.stack.currentWidget() is detail and detail.name_label.text() == "Tiny Helper"
    qtbot.waitUntil(lambda: "needs about" in detail.fit_label.text(), timeout=JOB_TIMEOUT_MS)

    # Install: the progress bar moves and reaches the end (the hub sends the file over about 2 s).
    size = tiny_model.stat().st_size
    fake_hub.faults.add(MODEL_FILE, throttle=max(1, size // 2))
    panel = detail.install_panel
    reports: list[DownloadProgress] = []
    bar_values: list[int] = []
    panel.progressed.connect(reports.append)
    panel.progress.valueChanged.connect(bar_values.append)
    with qtbot.waitSignal(window.pages["store"].gpt_installed, timeout=JOB_TIMEOUT_MS) as installed:
        click(qtbot, panel.install_button)
        assert panel.progress.isVisible() and panel.cancel_button.isVisible()
        qtbot.waitUntil(lambda: "MB/s" in panel.status.text(), timeout=JOB_TIMEOUT_MS)
    assert installed.args == [TINY]
    moving = [v for v in bar_values if 0 < v < 1000]
    assert moving, f"the bar never showed a value between the ends: {bar_values}"
    assert bar_values == sorted(bar_values) and bar_values[-1] == 1000 == panel.progress.maximum()
    assert len(reports) > 2 and reports[-1].done == reports[-1].total == size
    assert panel.installed_label.isVisible() and "Installed" in panel.status.text()
    assert not panel.progress.isVisible() and not panel.install_button.isVisible()
    assert panel.chat_button.isVisible()
    assert "Installed" in window.statusBar().currentMessage()
    gpt = services.gpts.get(TINY)
    assert gpt.instructions == INSTRUCTIONS and gpt.params.max_tokens == MAX_TOKENS

    # Back on the list its card says installed, and Chats already offers it.
    click(qtbot, detail.back_button)
    assert store.stack.currentWidget() is store.tabs
    assert store.model.listing(store.model.row_of(TINY)).installed
    click_sidebar(qtbot, window, "chats")
    chats = window.pages["chats"]
    picker = chats.composer.gpt_picker
    assert [picker.itemData(i) for i in range(picker.count())] == [TINY]

    # My GPTs lists it; "Open in chat" opens a new chat with it.
    click_sidebar(qtbot, window, "library")
    library = window.pages["library"]
    names = [library.table.item(r, 0).text() for r in range(library.table.rowCount())]
    assert names == ["Tiny Helper"]
    library.table.selectRow(0)
    with qtbot.waitSignal(library.open_chat) as opened:
        click(qtbot, library.open_button)
    assert opened.args == [TINY]
    assert window.stack.currentWidget() is chats
    assert window.sidebar.currentItem().data(Qt.ItemDataRole.UserRole) == "chats"
    assert chats.composer.gpt_id() == TINY and chats.conversation_id is None
    assert [b.text() for b in chats.starters.buttons] == ["Say hello"]

    # Send. The reply is long; the engine is held mid-reply (as a slow model would be) so that what
    # follows surely happens while it is being written.
    freezer.arm()
    start_typing_and_send(qtbot, chats, LONG_PROMPT)
    wait_for_streamed_text(qtbot, chats)
    assert freezer.frozen.is_set()
    partial = chats.messages.last().text

    # Look at another page and come back: the reply is still there, still being written.
    click_sidebar(qtbot, window, "store")
    assert window.busy and store.stack.currentWidget() is store.tabs
    click_sidebar(qtbot, window, "chats")
    assert chats.busy and chats.composer.gpt_id() == TINY
    assert chats.messages.last().text == partial and chats.messages.last().message is None
    assert chats.composer.stop_button.isEnabled() and not chats.composer.send_button.isEnabled()
    assert not chats.messages.last().regenerate_button.isVisible()

    # Stop keeps what was written, marked as stopped. Esc stops it from wherever the focus is: here
    # the sidebar, which the person just clicked.
    with qtbot.waitSignal(chats.reply_finished, timeout=REPLY_TIMEOUT_MS) as finished:
        with qtbot.waitActive(window):
            window.activateWindow()  # offscreen drops activation when a page's popups come and go
        qtbot.keyClick(window.sidebar, Qt.Key.Key_Escape)
        assert "Stopping" in chats.status.text()
        freezer.resume()  # the engine goes on, sees the cancel at its next token
    assert finished.args[0].status is MessageStatus.CANCELLED
    conversation_id = chats.conversation_id
    assert conversation_id is not None and chats.conversations.ids() == [conversation_id]
    _conversation, messages = services.history.show(conversation_id)
    assert [(m.role, m.status) for m in messages] == [(Role.USER, MessageStatus.COMPLETE),
                                                      (Role.ASSISTANT, MessageStatus.CANCELLED)]
    stopped = messages[1]
    assert stopped.content.startswith(partial) and stopped.content == chats.messages.last().text
    assert "Stopped" in chats.messages.last().status.text() and not chats.messages.last().status.isHidden()
    assert "Stopped" in chats.status.text() and chats.composer.send_button.isEnabled()

    # Regenerate: a complete reply replaces the stopped one.
    regenerate = chats.messages.last().regenerate_button
    with qtbot.waitSignal(chats.reply_finished, timeout=REPLY_TIMEOUT_MS) as finished:
        click(qtbot, regenerate)
    outcome = finished.args[0]
    assert outcome.status is MessageStatus.COMPLETE and outcome.error is None
    _conversation, messages = services.history.show(conversation_id)
    assert [(m.role, m.status) for m in messages] == [(Role.USER, MessageStatus.COMPLETE),
                                                      (Role.ASSISTANT, MessageStatus.COMPLETE)]
    reply = messages[1]
    assert reply.id != stopped.id and len(reply.content) > len(stopped.content)
    assert reply.content.startswith(stopped.content), "temperature 0: the same reply, this time to its end"
    assert outcome.result is not None and outcome.result.completion_tokens < MAX_TOKENS, "it ended by itself"
    assert chats.messages.last().text == reply.content and chats.messages.last().status.isHidden()
    assert f"/ {CONTEXT:,}" in chats.status.text()

    # Export to Markdown and to JSON through the save dialog.
    targets = {"md": tmp_path / "chat.md", "json": tmp_path / "chat.json"}
    for target in targets.values():
        monkeypatch.setattr(QFileDialog, "getSaveFileName",
                            staticmethod(lambda *_a, target=target, **_k: (str(target), "")))
        click(qtbot, chats.export_button)
        assert target.exists() and str(target) in chats.status.text()
    markdown = targets["md"].read_bytes().decode("utf-8")  # as written: the random reply may hold a bare \r
    assert f"`{TINY}`" in markdown and "## User" in markdown and "## Assistant" in markdown
    assert f"\n{LONG_PROMPT}\n" in markdown and reply.content.strip() in markdown
    assert "cancelled" not in markdown, "the stopped reply was replaced"
    exported = json.loads(targets["json"].read_text(encoding="utf-8"))
    assert exported["conversation"]["id"] == conversation_id and exported["conversation"]["gpt_id"] == TINY
    assert [(m["role"], m["content"], m["status"]) for m in exported["messages"]] == [
        ("user", LONG_PROMPT, "complete"), ("assistant", reply.content, "complete")]


# --- 2. Import a GGUF on the Models page -------------------------------------------------------------
def test_import_a_gguf_by_the_dialog_and_a_non_gguf_is_refused_with_its_reason(qtbot, window, services,
                                                                              tiny_model, tmp_path, monkeypatch):
    click_sidebar(qtbot, window, "models")
    models = window.pages["models"]
    assert models.table.rowCount() == 0

    def choose(path: Path) -> None:
        monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *_a, **_k: (str(path), "")))
        monkeypatch.setattr(QFileDialog, "getOpenFileNames", staticmethod(lambda *_a, **_k: ([str(path)], "")))

    choose(tiny_model)
    with qtbot.waitSignal(models.changed, timeout=JOB_TIMEOUT_MS):
        click(qtbot, models.import_button)
    qtbot.waitUntil(lambda: models.import_job is None, timeout=JOB_TIMEOUT_MS)
    assert models.table.rowCount() == 1 and models.error.isHidden()
    model = services.models.list()[0]
    assert models.table.item(0, 1).text() == "llama" and models.table.item(0, 4).text() == "(unused)"
    assert models.selected_sha256() == model.sha256 and "Imported" in models.status.text()
    assert (services.paths.home / model.path).exists()

    # The same file again adds nothing.
    click(qtbot, models.import_button)
    qtbot.waitUntil(lambda: models.import_job is None, timeout=JOB_TIMEOUT_MS)
    assert models.table.rowCount() == 1 and len(services.models.list()) == 1 and models.error.isHidden()

    notes = tmp_path / "notes.txt"
    notes.write_text("These are my notes, not a model.\n" * 50, encoding="utf-8")
    choose(notes)
    click(qtbot, models.import_button)
    assert models.import_job is not None
    qtbot.waitUntil(lambda: models.import_job is None, timeout=JOB_TIMEOUT_MS)
    assert models.table.rowCount() == 1, "nothing was added"
    assert not models.error.isHidden() and models.error.isVisible()
    reason = models.error.text()
    assert "notes.txt is not a usable GGUF model" in reason and "b'GGUF'" in reason, reason
    assert len(services.models.list()) == 1

    # The model is there for the rest of the window too: another page and back shows the same table.
    click_sidebar(qtbot, window, "library")
    click_sidebar(qtbot, window, "models")
    assert [models.table.item(r, 0).text() for r in range(models.table.rowCount())] == [model.display_name]


# --- 3. Theme ----------------------------------------------------------------------------------------
def window_colour(window: MainWindow):
    return window.palette().color(QPalette.ColorRole.Window)


def test_the_theme_chosen_in_settings_repaints_the_window_and_is_kept(qtbot, services, app_look):
    window, jobs = make_window(qtbot, services)
    click_sidebar(qtbot, window, "settings")
    settings = window.pages["settings"]

    with qtbot.waitSignal(settings.theme_changed) as changed:
        settings.theme.setCurrentIndex(settings.theme.findData(Theme.LIGHT.value))
    assert changed.args == ["light"]
    light = window_colour(window)
    assert light.lightness() > 200 and services.settings().theme is Theme.LIGHT

    with qtbot.waitSignal(settings.theme_changed) as changed:
        settings.theme.setCurrentIndex(settings.theme.findData(Theme.DARK.value))
    assert changed.args == ["dark"]
    dark = window_colour(window)
    assert dark != light and dark.lightness() < 80
    assert window.pages["chats"].palette().color(QPalette.ColorRole.Window) == dark, "every page follows"
    assert services.settings().theme is Theme.DARK
    finish(qtbot, window, jobs)
    window.close()

    # Kept in the catalog: a fresh read of the settings, and the next window shows the choice.
    with open_services(AppPaths(services.paths.home), install_starter=False) as again:
        assert again.settings().theme is Theme.DARK
        app_look.setPalette(QPalette(light))  # as a fresh start would be, before the saved theme applies
        assert app_look.palette().color(QPalette.ColorRole.Window) != dark
        prepare_app(app_look, again)  # what the app does at start, before it builds the window
        assert app_look.palette().color(QPalette.ColorRole.Window) == dark
    second, jobs = make_window(qtbot, services)
    click_sidebar(qtbot, second, "settings")
    assert second.pages["settings"].theme.currentData() == Theme.DARK.value
    finish(qtbot, second, jobs)


# --- 4. Offline store --------------------------------------------------------------------------------
def test_an_offline_sync_shows_the_banner_and_sync_now_hides_it_once_the_hub_is_back(qtbot, window, services,
                                                                                     fake_hub, tiny_model):
    publish_index(fake_hub, {"shards/0000.jsonl.gz": [publish_long_gpt(fake_hub, tiny_model)]})
    settings = window.pages["settings"]
    store = window.pages["store"]
    with closed_port() as port:
        # The hub goes away: the endpoint now points at a port that refuses connections.
        click_sidebar(qtbot, window, "settings")
        settings.hub_endpoint.setText(f"http://127.0.0.1:{port}")
        click(qtbot, settings.save_button)
        assert services.settings().hub_endpoint == f"http://127.0.0.1:{port}"

        click_sidebar(qtbot, window, "store")
        before = store.model.rowCount()
        assert before > 0 and store.model.row_of(TINY) < 0
        sync_now(qtbot, store)
        assert store.banner.isVisible() and "offline" in store.banner.text()
        assert "Last sync failed" in store.sync_status.text()
        assert store.model.rowCount() == before, "the last synced store is still shown"

    # The hub is back.
    click_sidebar(qtbot, window, "settings")
    settings.hub_endpoint.setText(fake_hub.url)
    click(qtbot, settings.save_button)
    click_sidebar(qtbot, window, "store")
    assert store.banner.isVisible(), "the banner stays until a sync succeeds"
    sync_now(qtbot, store)
    assert not store.banner.isVisible()
    assert "1 new" in store.sync_status.text() and store.model.row_of(TINY) >= 0


# --- 5. Engine crash ---------------------------------------------------------------------------------
def test_an_engine_crash_mid_reply_is_shown_and_the_next_message_gets_a_reply(qtbot, services, tiny_model,
                                                                              freezer):
    model = services.models.import_gguf(tiny_model, name="Tiny")
    gpt = services.gpts.create("Helper", model.sha256, instructions=INSTRUCTIONS, description="Answers",
                               params=GenerationParams(temperature=0.0, max_tokens=MAX_TOKENS,
                                                       context_length=CONTEXT))
    window, jobs = make_window(qtbot, services)
    try:
        click_sidebar(qtbot, window, "library")
        library = window.pages["library"]
        assert library.select_gpt(gpt.id)
        click(qtbot, library.open_button)
        chats = window.pages["chats"]
        assert window.stack.currentWidget() is chats and chats.composer.gpt_id() == gpt.id

        freezer.arm()  # hold the engine mid-reply, so that it surely dies while writing
        start_typing_and_send(qtbot, chats, LONG_PROMPT)
        wait_for_streamed_text(qtbot, chats)
        engines = services.engines.engines()
        assert len(engines) == 1 and engines[0].pid == freezer.pid
        crashed_pid = engines[0].pid
        with qtbot.waitSignal(chats.reply_finished, timeout=REPLY_TIMEOUT_MS) as finished:
            engines[0].kill()  # the engine process dies (SIGKILL on POSIX) in the middle of the reply
        outcome = finished.args[0]
        assert outcome.status is MessageStatus.FAILED and "stopped unexpectedly" in outcome.error
        bubble = chats.messages.last()
        assert bubble.role is Role.ASSISTANT and not bubble.status.isHidden()
        assert "stopped unexpectedly" in bubble.status.text() and "stopped unexpectedly" in chats.status.text()
        conversation_id = chats.conversation_id
        stored = services.history.show(conversation_id)[1]
        assert [(m.role, m.status) for m in stored] == [(Role.USER, MessageStatus.COMPLETE),
                                                        (Role.ASSISTANT, MessageStatus.FAILED)]
        assert chats.composer.send_button.isEnabled() and not chats.composer.stop_button.isEnabled()

        # The window keeps working: other pages open, and the next message gets a reply.
        click_sidebar(qtbot, window, "models")
        assert window.pages["models"].table.item(0, 4).text() == "Helper"
        click_sidebar(qtbot, window, "chats")
        assert chats.conversation_id == conversation_id
        outcome = send_and_wait(qtbot, chats, "hello")
        assert outcome.status is MessageStatus.COMPLETE and outcome.error is None
        stored = services.history.show(conversation_id)[1]
        assert stored[-2].role is Role.USER and stored[-2].content == "hello"
        assert stored[-1].status is MessageStatus.COMPLETE and stored[-1].content
        assert chats.messages.last().text == stored[-1].content and chats.messages.last().status.isHidden()
        assert [e.pid for e in services.engines.engines()] != [crashed_pid], "a new engine process answered"
    finally:
        freezer.resume()
        finish(qtbot, window, jobs)
