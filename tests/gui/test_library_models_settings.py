"""My GPTs, Models and Settings driven as a person would, offscreen, with real services and a tiny GGUF."""

from __future__ import annotations

import json
import zipfile

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QFileDialog, QMessageBox

from app.core.entities import GPTSource, ListingQuery
from app.core.settings import GpuMode
from app.ui.library_page import LibraryPage
from app.ui.models_page import ModelsPage
from app.ui.settings_page import SettingsPage


@pytest.fixture
def yes(monkeypatch):
    monkeypatch.setattr(QMessageBox, "question", lambda *_args, **_kw: QMessageBox.StandardButton.Yes)


def make_page(qtbot, cls, services, jobs):
    page = cls(services, jobs)
    qtbot.addWidget(page)
    page.resize(900, 700)
    page.show()
    return page


def column(table, index: int) -> list[str]:
    return [table.item(row, index).text() for row in range(table.rowCount())]


# --- My GPTs ---------------------------------------------------------------------------------------
def test_library_lists_a_gpt_with_its_model_opens_exports_and_deletes_it(qtbot, services, jobs, tiny_model,
                                                                         yes, monkeypatch, tmp_path):
    model = services.models.import_gguf(tiny_model, name="Tiny")
    gpt = services.gpts.create("Helper", model.sha256, description="Answers briefly")
    page = make_page(qtbot, LibraryPage, services, jobs)
    assert column(page.table, 0) == ["Helper"] and column(page.table, 3) == ["Tiny"]
    assert page.table.item(0, 4).text().endswith("MB")

    assert page.select_gpt(gpt.id)
    with qtbot.waitSignal(page.open_chat) as opened:
        qtbot.mouseClick(page.open_button, Qt.MouseButton.LeftButton)
    assert opened.args == [gpt.id]

    target = tmp_path / "helper.gptshelf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a, **_k: (str(target), ""))
    monkeypatch.setattr(page, "ask_with_model", lambda _gpt: False)
    qtbot.mouseClick(page.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.file_job is None, timeout=30_000)
    with zipfile.ZipFile(target) as package:
        exported = json.loads(package.read("gpt.json"))
    assert exported["name"] == gpt.name and exported["model"]["variants"][0]["sha256"] == model.sha256

    with qtbot.waitSignal(page.changed):
        qtbot.mouseClick(page.uninstall_button, Qt.MouseButton.LeftButton)
    assert page.table.rowCount() == 0 and services.gpts.list() == []
    assert services.catalog.get_model(model.sha256)  # a person's own import stays


def test_a_store_gpt_shows_an_update_badge_and_uninstalls_in_a_job(qtbot, services, jobs, tiny_model, yes):
    listing = services.catalog.search_listings(ListingQuery(limit=1))[0]
    model = services.models.import_gguf(tiny_model, name="Tiny")
    services.gpts.update(services.gpts.create("Old", model.sha256, source=GPTSource.STORE, gpt_id=listing.id),
                         version="0.0.1")
    page = make_page(qtbot, LibraryPage, services, jobs)
    assert page.table.item(0, 5).text() == f"Update available: {listing.version}"
    page.select_gpt(listing.id)
    qtbot.mouseClick(page.uninstall_button, Qt.MouseButton.LeftButton)
    assert page.uninstall_job is not None
    with qtbot.waitSignal(page.changed, timeout=10_000):
        pass
    assert page.table.rowCount() == 0


# --- Models ----------------------------------------------------------------------------------------
def import_done(qtbot, page: ModelsPage) -> None:
    assert page.import_job is not None
    qtbot.waitUntil(lambda: page.import_job is None, timeout=20_000)


def test_models_import_by_dialog_and_delete_unused(qtbot, services, jobs, tiny_model, monkeypatch, yes):
    page = make_page(qtbot, ModelsPage, services, jobs)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_a, **_k: (str(tiny_model), ""))
    qtbot.mouseClick(page.import_button, Qt.MouseButton.LeftButton)
    import_done(qtbot, page)
    assert page.table.rowCount() == 1 and page.table.item(0, 1).text() == "llama"
    assert page.table.item(0, 4).text() == "(unused)" and page.error.isHidden()

    model = services.models.list()[0]
    services.gpts.create("Helper", model.sha256)
    page.refresh()
    assert page.table.item(0, 4).text() == "Helper"
    page.select_model(model.sha256)
    qtbot.mouseClick(page.delete_button, Qt.MouseButton.LeftButton)
    assert not page.error.isHidden() and "used by 'Helper'" in page.error.text()
    assert page.table.rowCount() == 1

    services.catalog.delete_gpt(services.gpts.list()[0].id)
    page.refresh()
    page.select_model(model.sha256)
    with qtbot.waitSignal(page.changed):
        qtbot.mouseClick(page.delete_button, Qt.MouseButton.LeftButton)
    assert page.table.rowCount() == 0 and not (services.paths.home / model.path).exists()


def test_a_broken_file_shows_why_it_was_refused(qtbot, services, jobs, tiny_model, tmp_path):
    broken = tmp_path / "broken.gguf"
    broken.write_bytes(tiny_model.read_bytes()[:4096])
    page = make_page(qtbot, ModelsPage, services, jobs)
    page.import_files([broken])
    import_done(qtbot, page)
    assert page.table.rowCount() == 0
    assert not page.error.isHidden() and "broken.gguf is not a usable GGUF model" in page.error.text()


def test_dropping_gguf_files_imports_them(qtbot, services, jobs, tiny_model):
    page = make_page(qtbot, ModelsPage, services, jobs)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(tiny_model))])
    event = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    page.dropEvent(event)
    import_done(qtbot, page)
    assert column(page.table, 0) == [services.models.list()[0].display_name]


# --- Settings --------------------------------------------------------------------------------------
def test_settings_save_engine_values_and_fill_in_devices(qtbot, services, jobs):
    page = make_page(qtbot, SettingsPage, services, jobs)
    page.gpu_mode.setCurrentIndex(page.gpu_mode.findData(GpuMode.OFF.value))
    page.threads.setValue(2)
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    saved = services.settings()
    assert saved.gpu_offload.mode is GpuMode.OFF and saved.threads == 2
    qtbot.waitUntil(lambda: page.engine_info is not None or "Could not" in page.devices_label.text(),
                    timeout=30_000)
    assert page.engine_info is not None and page.engine_info.llama_cpp_version in page.devices_label.text()
    qtbot.waitUntil(lambda: page.size_job is None, timeout=10_000)
    assert page.size_label.text().endswith("B")


def test_settings_refuse_bad_values_and_save_nothing(qtbot, services, jobs):
    page = make_page(qtbot, SettingsPage, services, jobs)
    page.context_length.setValue(10)  # below the spin box's floor
    assert page.context_length.value() == 256
    page.threads.setValue(3)
    page.hub_endpoint.setText("huggingface.co")
    assert page.save() is False
    assert not page.errors["hub_endpoint"].isHidden() and "http" in page.errors["hub_endpoint"].text()
    assert services.settings().threads == 0
    page.hub_endpoint.setText("https://hub.example")
    assert page.save() is True and page.errors["hub_endpoint"].isHidden()
    assert services.settings().hub_endpoint == "https://hub.example"


def test_theme_and_token_changes(qtbot, services, jobs, memory_keyring):
    page = make_page(qtbot, SettingsPage, services, jobs)
    with qtbot.waitSignal(page.theme_changed) as changed:
        page.theme.setCurrentIndex(page.theme.findData("dark"))
    assert changed.args == ["dark"] and services.settings().theme.value == "dark"
    with qtbot.waitSignal(page.language_changed) as changed:
        page.language.setCurrentIndex(page.language.findData("zh_CN"))
    assert changed.args == ["zh_CN"] and services.settings().language == "zh_CN"
    page.token.setText("hf_secretsecret")
    assert page.save()
    assert services.secrets.get("hub-token") == "hf_secretsecret" and page.token.text() == ""


def test_the_token_test_names_the_user_or_the_refusal(qtbot, services, jobs, fake_hub):
    from tests.support.fake_hub import ALICE_TOKEN

    services.catalog.save_settings(services.settings().updated(hub_endpoint=fake_hub.url))
    page = make_page(qtbot, SettingsPage, services, jobs)
    page.token.setText(ALICE_TOKEN)
    qtbot.mouseClick(page.test_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.token_job is None, timeout=10_000)
    assert "signed in as alice" in page.token_result.text()
    page.token.setText("hf_wrongwrongwrong")
    page.test_token()
    qtbot.waitUntil(lambda: page.token_job is None, timeout=10_000)
    assert "did not accept" in page.token_result.text() and "wrongwrong" not in page.token_result.text()


def test_back_up_now_writes_a_copy_of_the_catalog(qtbot, gptshelf_home):
    from app.core.paths import AppPaths
    from app.services.container import open_services
    from app.ui.jobs import Jobs
    from app.ui.settings_page import SettingsPage

    with open_services(AppPaths(gptshelf_home), install_starter=False) as services:
        jobs = Jobs()
        page = SettingsPage(services, jobs)
        qtbot.addWidget(page)
        page.back_up()
        qtbot.waitUntil(lambda: page.backup_job is None and page.backup_button.isEnabled(), timeout=30_000)
        copies = list(services.paths.backups.glob("catalog-*-manual.sqlite3"))
        assert len(copies) == 1 and str(copies[0]) in page.backup_label.text()
        jobs.cancel_all()
        jobs.wait()
