"""The main window, driven as a person would, offscreen with pytest-qt."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QThreadPool, Qt
from PySide6.QtWidgets import QApplication, QLabel

from app.core.paths import AppPaths
from app.services.container import open_services
from app.ui.application import create_window
from app.ui.i18n import switch_language
from app.ui.main_window import MainWindow
from tests.support.store_data import INDEX_REPO, publish_index, publish_tiny_gpt


@pytest.fixture
def services(gptshelf_home: Path):
    with open_services(AppPaths(gptshelf_home), install_starter=False) as opened:
        yield opened


def test_the_sidebar_switches_pages_and_lists_what_is_in_the_catalog(qtbot, services, tiny_model):
    model = services.models.import_gguf(tiny_model, name="Tiny")
    services.gpts.create("Helper", model.sha256, description="Answers briefly")
    window = MainWindow(services)
    qtbot.addWidget(window)
    window.show()
    titles = [window.sidebar.item(i).text() for i in range(window.sidebar.count())]
    assert titles == ["Chats", "Store", "My GPTs", "Models", "Settings"]
    library = window.pages["library"]
    assert window.stack.currentWidget() is library
    assert library.table.item(0, 0).text() == "Helper" and library.table.item(0, 3).text() == "Tiny"
    rect = window.sidebar.visualItemRect(window.sidebar.item(3))
    qtbot.mouseClick(window.sidebar.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.stack.currentWidget() is window.pages["models"]
    assert window.pages["models"].table.item(0, 1).text() == "llama"
    window.show_section("library")
    assert library.select_gpt("local/helper")
    library.open_selected()
    assert window.stack.currentWidget() is window.pages["chats"]


def test_the_chat_page_is_made_ready_while_the_window_is_idle_after_its_first_paint(qtbot, services, tiny_model):
    model = services.models.import_gguf(tiny_model, name="Tiny")
    gpt = services.gpts.create("Helper", model.sha256)
    chat = services.catalog.create_conversation(gpt.id, "Earlier chat")
    window = MainWindow(services)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.first_painted, timeout=10_000):
        window.show()
    assert window.pages.built("chats") is None, "not before the first paint (the cold start stays short)"
    qtbot.waitUntil(lambda: window.pages.built("chats") is not None, timeout=10_000)
    page = window.pages["chats"]
    assert page.conversations.ids() == [chat.id] and page.composer.gpt_id() == gpt.id
    assert window.stack.currentWidget() is window.pages["library"], "made ready, not shown"


def test_the_starter_job_reports_back_without_blocking_the_window(qtbot, services):
    window, job = create_window(services)
    qtbot.addWidget(window)
    with qtbot.waitSignal(job.signals.finished, timeout=120_000) as blocker:
        QThreadPool.globalInstance().start(job)
    if services.starter.available():
        assert blocker.args == [True]
        assert [g.name for g in services.gpts.list()] == ["Scratchpad"]
        assert window.pages["library"].table.rowCount() == 1
    else:
        assert blocker.args == [False]


def test_the_store_page_lists_the_starter_catalog(qtbot, services):
    window = MainWindow(services)
    qtbot.addWidget(window)
    window.show_section("store")
    model = window.pages["store"].model
    names = {model.data(model.index(row, 0)) for row in range(model.rowCount())}
    assert model.rowCount() >= 12 and "英汉互译" in names


def test_the_window_remembers_its_size_and_last_section(qtbot, services):
    window = MainWindow(services)
    qtbot.addWidget(window)
    window.resize(700, 500)  # the offscreen screen is 800x600; restoring clamps to it
    window.show_section("models")
    window.close()
    again = MainWindow(services)
    qtbot.addWidget(again)
    assert again.stack.currentWidget() is again.pages["models"]
    assert (again.width(), again.height()) == (700, 500)


def test_themes_apply_a_light_or_dark_palette(qtbot, services):
    from PySide6.QtGui import QPalette
    from PySide6.QtWidgets import QApplication

    from app.core.settings import Theme
    from app.ui.theme import apply_theme

    app = QApplication.instance()
    assert apply_theme(app, Theme.DARK) is Theme.DARK
    assert app.palette().color(QPalette.ColorRole.Window).lightness() < 80
    assert apply_theme(app, Theme.LIGHT) is Theme.LIGHT
    assert app.palette().color(QPalette.ColorRole.Window).lightness() > 200
    assert "sidebar" in app.styleSheet()


def test_the_welcome_shows_once(qtbot, services):
    window = MainWindow(services)
    qtbot.addWidget(window)
    window.show()
    assert window.welcome.isVisible()
    window.dismiss_welcome()
    assert not window.welcome.isVisible()
    again = MainWindow(services)
    qtbot.addWidget(again)
    again.show()
    assert not again.welcome.isVisible()


def test_choosing_a_language_rebuilds_the_window_in_it_once_nothing_runs(qtbot, services):
    app = QApplication.instance()
    app.gptshelf_window = None
    window, _job = create_window(services)
    window.show()
    window.show_section("settings")
    settings = window.pages["settings"]
    try:
        settings.language.setCurrentIndex(settings.language.findData("zh_CN"))
        qtbot.waitUntil(lambda: app.gptshelf_window is not None, timeout=30_000)  # after the settings' probes
        chinese = app.gptshelf_window
        assert chinese is not window and chinese.isVisible()
        assert [chinese.sidebar.item(i).text() for i in range(2)] == ["对话", "商店"]
        assert chinese.stack.currentWidget() is chinese.pages["settings"], "the same section, in Chinese"
        assert services.settings().language == "zh_CN"
        qtbot.waitUntil(lambda: not chinese.busy, timeout=30_000)

        chinese.pages["chats"].runner = _Streaming()  # a reply is streaming: the window waits for it
        english = chinese.pages["settings"].language
        english.setCurrentIndex(english.findData("en"))
        assert app.gptshelf_window is chinese and services.settings().language == "en"
        assert chinese.statusBar().currentMessage()
        chinese.pages["chats"].runner.done = True
        qtbot.waitUntil(lambda: app.gptshelf_window is not chinese, timeout=10_000)
        assert app.gptshelf_window.sidebar.item(0).text() == "Chats"
    finally:
        switch_language(app, "en")
        (app.gptshelf_window or window).close()  # the windows it replaced are deleted already
        app.gptshelf_window = None


class _Streaming:
    done = False

    def cancel(self) -> None:
        self.done = True


def test_settings_save_the_hub_address_and_sync_the_store_with_it(qtbot, services, fake_hub, tiny_model):
    publish_index(fake_hub, {"shards/0000.jsonl.gz": [publish_tiny_gpt(fake_hub, tiny_model)]})
    window = MainWindow(services)
    qtbot.addWidget(window)
    window.show()
    window.show_section("settings")
    settings = window.pages["settings"]
    settings.hub_endpoint.setText(fake_hub.url)
    settings.index_repo.setText(INDEX_REPO)
    store = window.pages["store"]
    qtbot.mouseClick(settings.sync_button, Qt.MouseButton.LeftButton)
    assert window.stack.currentWidget() is store and store.sync_job is not None
    qtbot.waitUntil(lambda: store.sync_job is None, timeout=30_000)
    assert services.settings().hub_endpoint == fake_hub.url
    assert store.model.row_of("alice/tiny-helper") >= 0 and not store.banner.isVisible()
    qtbot.waitUntil(lambda: not window.busy, timeout=30_000)


@pytest.mark.parametrize("starter", [True, False])
def test_the_welcome_names_scratchpad_only_when_the_starter_model_is_there(qtbot, services, monkeypatch, starter):
    monkeypatch.setattr(type(services.starter), "available", lambda _self: starter)
    window = MainWindow(services)
    qtbot.addWidget(window)
    text = " ".join(label.text() for label in window.welcome.findChildren(QLabel))
    assert ("Scratchpad" in text) is starter and ("Store" in text)
