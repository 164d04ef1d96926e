"""Remote engines in the window, driven as a person would, offscreen, against a loopback engine:
Settings → Remote engines, My GPTs → Runs on…, and the chat header saying where a GPT runs."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from app.core.entities import GenerationParams, MessageStatus
from app.ui.chat import ChatPage
from app.ui.engines_section import EnginesSection
from app.ui.library_page import LibraryPage
from app.ui.run_on_dialog import RunOnDialog
from tests.support.fake_engine import PIECES, fake_engine, refused_url

TIMEOUT_MS = 30_000


@pytest.fixture
def engine():
    with fake_engine() as running:
        yield running


@pytest.fixture
def gpt(services, tiny_model):
    model = services.models.import_gguf(tiny_model, name="Tiny")
    return services.gpts.create("Helper", model.sha256, instructions="Be brief.",
                                params=GenerationParams(temperature=0.0, max_tokens=40, context_length=2048))


def shown(qtbot, widget):
    qtbot.addWidget(widget)
    widget.resize(900, 700)
    widget.show()
    return widget


def test_settings_add_check_edit_and_remove_an_engine(qtbot, services, jobs, engine, monkeypatch, memory_keyring):
    section = shown(qtbot, EnginesSection(services, jobs))
    assert section.table.rowCount() == 0 and not section.check_button.isEnabled()
    qtbot.keyClicks(section.name, "Lab")
    qtbot.keyClicks(section.url, "ftp://nowhere")
    qtbot.mouseClick(section.add_button, Qt.MouseButton.LeftButton)
    assert not section.error.isHidden() and "http:// or https://" in section.error.text()
    assert services.remote_engines.list() == []

    section.url.setText(engine.url + "/v1")
    qtbot.keyClicks(section.key, "sk-typed")
    with qtbot.waitSignal(section.changed):
        qtbot.mouseClick(section.add_button, Qt.MouseButton.LeftButton)
    [lab] = services.remote_engines.list()
    assert (lab.name, lab.base_url, lab.verify_tls) == ("Lab", engine.url, True)
    assert memory_keyring[("GPT Shelf", lab.secret_name)] == "sk-typed" and section.key.text() == ""
    assert section.table.item(0, 0).text() == "Lab" and section.selected_id() == lab.id
    qtbot.waitUntil(lambda: section.table.item(0, 2).text() == "kept", timeout=TIMEOUT_MS)

    qtbot.mouseClick(section.check_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: section.result.text().startswith("Works:"), timeout=TIMEOUT_MS)
    assert "serves 2 models: remote-model-a, remote-model-b." in section.result.text()
    assert engine.requests[-1].headers["Authorization"] == "Bearer sk-typed"

    section.verify.setChecked(False)
    section.url.setText(refused_url())
    qtbot.mouseClick(section.save_button, Qt.MouseButton.LeftButton)
    assert services.remote_engines.get("Lab").verify_tls is False
    qtbot.waitUntil(lambda: section.check_job is None, timeout=TIMEOUT_MS)
    qtbot.mouseClick(section.check_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: section.result.text().startswith("Not working:"), timeout=TIMEOUT_MS)
    assert "Cannot reach the engine 'Lab'" in section.result.text()

    monkeypatch.setattr(QMessageBox, "question", lambda *_a, **_k: QMessageBox.StandardButton.Yes)
    qtbot.waitUntil(lambda: section.check_job is None, timeout=TIMEOUT_MS)
    qtbot.mouseClick(section.remove_button, Qt.MouseButton.LeftButton)
    assert section.table.rowCount() == 0 and services.remote_engines.list() == []


def test_my_gpts_runs_on_an_engine_and_the_chat_says_so_and_streams_from_it(qtbot, services, jobs, engine, gpt,
                                                                             monkeypatch):
    services.remote_engines.add("Lab", engine.url)
    library = shown(qtbot, LibraryPage(services, jobs))
    library.select_gpt(gpt.id)
    assert library.run_on_button.isEnabled()

    def exec_and_choose(dialog: RunOnDialog) -> int:
        assert dialog.here.isChecked() and not dialog.model.isEnabled()
        dialog.remote.setChecked(True)
        qtbot.waitUntil(lambda: dialog.model.count() == 2, timeout=TIMEOUT_MS)
        dialog.model.setCurrentIndex(1)
        dialog.save()
        return dialog.result()

    monkeypatch.setattr(RunOnDialog, "exec", exec_and_choose)
    assert library.choose_where() is True
    assert services.remote_engines.where(gpt.id) == "Lab · remote-model-b"
    assert library.table.item(0, 3).text() == "remote-model-b on Lab (remote)"

    chat = shown(qtbot, ChatPage(services, jobs))
    chat.refresh()
    chat.open_gpt(gpt.id)
    assert chat.where.text() == "Runs on Lab · remote-model-b"
    qtbot.keyClicks(chat.composer.edit, "hello")
    with qtbot.waitSignal(chat.reply_finished, timeout=TIMEOUT_MS) as finished:
        qtbot.keyClick(chat.composer.edit, Qt.Key.Key_Return)
    assert finished.args[0].status is MessageStatus.COMPLETE
    reply = services.history.show(chat.conversation_id)[1][-1]
    assert reply.content == "".join(PIECES) and engine.chats()[-1].body["model"] == "remote-model-b"

    services.remote_engines.run_here(gpt.id)
    chat.open_gpt(gpt.id)
    assert chat.where.text() == "Runs on this computer"


def test_a_fault_shows_its_sentence_in_the_chat_and_keeps_the_partial_reply(qtbot, services, jobs, engine, gpt):
    lab = services.remote_engines.add("Lab", engine.url)
    services.remote_engines.run_on(gpt.id, lab.id, "remote-model-a")
    engine.fault = "cut"
    chat = shown(qtbot, ChatPage(services, jobs))
    chat.refresh()
    chat.open_gpt(gpt.id)
    qtbot.keyClicks(chat.composer.edit, "hello")
    with qtbot.waitSignal(chat.reply_finished, timeout=TIMEOUT_MS) as finished:
        qtbot.keyClick(chat.composer.edit, Qt.Key.Key_Return)
    outcome = finished.args[0]
    assert outcome.status is MessageStatus.FAILED and "broke in the middle of the reply" in outcome.error
    assert "broke in the middle" in chat.status.text()
    reply = services.history.show(chat.conversation_id)[1][-1]
    assert (reply.status, reply.content) == (MessageStatus.FAILED, "Hello from")


def test_a_store_gpt_that_wont_fit_is_offered_and_installed_to_run_on_an_engine(qtbot, hub_services, jobs, engine,
                                                                               fake_hub, tiny_model, monkeypatch):
    from app.ui.store.detail import DetailView
    from tests.support.store_data import publish_index, publish_tiny_gpt

    services = hub_services
    publish_index(fake_hub, {"shards/0000.jsonl.gz": [publish_tiny_gpt(fake_hub, tiny_model)]})
    services.store.sync()
    services.store.fit.free_ram = lambda: 1024  # this computer has (almost) no memory free
    services.store.fit._gpu_free = 0
    detail = shown(qtbot, DetailView(services, jobs))
    detail.show_listing("alice/tiny-helper")
    qtbot.waitUntil(lambda: detail.fit_label.text().startswith("Won't fit"), timeout=TIMEOUT_MS)
    assert not detail.remote_button.isVisible(), "no engine yet: nothing to offer"

    services.remote_engines.add("Lab", engine.url)
    detail.show_listing("alice/tiny-helper")
    qtbot.waitUntil(lambda: detail.remote_button.isVisible(), timeout=TIMEOUT_MS)
    assert detail.remote_button.text() == "Run on Lab…"

    def exec_and_choose(dialog: RunOnDialog) -> int:
        assert not dialog.here.isVisible() and dialog.remote.isChecked()
        qtbot.waitUntil(lambda: dialog.model.count() == 2, timeout=TIMEOUT_MS)
        dialog.save()
        return dialog.result()

    monkeypatch.setattr(RunOnDialog, "exec", exec_and_choose)
    with qtbot.waitSignal(detail.installed, timeout=TIMEOUT_MS) as installed:
        assert detail.run_on_engine() is True
    assert installed.args == ["alice/tiny-helper"]
    assert services.remote_engines.where("alice/tiny-helper") == "Lab · remote-model-a"
    assert "runs on Lab · remote-model-a" in detail.fit_label.text() and not detail.remote_button.isVisible()
    assert list(services.paths.store.iterdir()) == []  # the model was not downloaded
