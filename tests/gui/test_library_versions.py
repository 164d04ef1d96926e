"""My GPTs: versions and roll back, export to a .gptshelf file and import it back, update from the store."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QThreadPool
from PySide6.QtWidgets import QFileDialog

from app.core.entities import GenerationParams
from app.ui.jobs import Jobs
from app.ui.library_page import LibraryPage
from app.ui.versions_dialog import VersionsDialog
from tests.support.store_data import publish_index, publish_tiny_gpt


@pytest.fixture
def services(hub_services):
    return hub_services


@pytest.fixture
def page(qtbot, services):
    jobs = Jobs(QThreadPool())
    widget = LibraryPage(services, jobs)
    qtbot.addWidget(widget)
    widget.show()
    yield widget
    jobs.cancel_all()
    assert jobs.wait(30_000)
    qtbot.waitUntil(lambda: widget.file_job is None, timeout=30_000)  # its last queued signal handled


@pytest.fixture
def helper(services, tiny_model):
    model = services.models.import_gguf(tiny_model, name="Tiny")
    return services.gpts.create("Helper", model.sha256, instructions="Answer briefly.",
                                params=GenerationParams(max_tokens=8))


def test_the_versions_dialog_lists_versions_and_rolls_back(qtbot, services, page, helper, monkeypatch):
    services.gpts.edit(helper.id, instructions="Answer in French.", changelog="French now")
    page.refresh()
    assert page.select_gpt(helper.id)
    opened: list[VersionsDialog] = []

    def exec_and_roll_back(dialog: VersionsDialog) -> int:
        opened.append(dialog)
        rows = [dialog.table.item(r, 0).text() for r in range(dialog.table.rowCount())]
        assert rows == ["0.2.0 (current)", "0.1.0"]
        assert dialog.table.item(0, 3).text() == "French now"
        dialog.table.selectRow(0)
        assert not dialog.rollback_button.isEnabled(), "the current version is not a roll-back target"
        assert dialog.select_version("0.1.0") and dialog.rollback_button.isEnabled()
        dialog.rollback_button.click()
        assert dialog.error.isHidden() and "0.3.0" in dialog.status.text()
        return 0

    monkeypatch.setattr(VersionsDialog, "exec", exec_and_roll_back)
    with qtbot.waitSignal(page.changed):
        page.versions_button.click()
    assert opened
    current = services.gpts.get(helper.id)
    assert (current.version, current.instructions) == ("0.3.0", "Answer briefly.")
    assert page.table.item(0, 1).text() == "0.3.0"


def test_rolling_back_to_a_version_whose_model_is_gone_says_which_to_reinstall(qtbot, services, helper, tiny_models):
    other = services.models.import_gguf(tiny_models["plain"], name="Other")
    services.gpts.edit(helper.id, model=other.sha256)
    services.gpts.edit(helper.id, model=helper.model_sha256)
    services.catalog.remove_model(other.sha256)
    dialog = VersionsDialog(services, services.gpts.get(helper.id))
    qtbot.addWidget(dialog)
    assert dialog.select_version("0.2.0")
    dialog.rollback_selected()
    assert not dialog.error.isHidden() and "Other" in dialog.error.text()
    assert services.gpts.get(helper.id).version == "0.3.0", "nothing changed"


def test_export_to_a_gptshelf_file_and_import_it_back(qtbot, services, page, helper, tmp_path, monkeypatch):
    target = tmp_path / "helper.gptshelf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a, **_k: (str(target), ""))
    monkeypatch.setattr(page, "ask_with_model", lambda _gpt: True)
    page.refresh()
    assert page.select_gpt(helper.id)
    page.export_button.click()
    assert not page.export_button.isEnabled(), "one file job at a time"
    qtbot.waitUntil(lambda: page.file_job is None, timeout=30_000)
    assert target.is_file() and str(target) in page.status.text()

    services.catalog.delete_gpt(helper.id)
    page.refresh()
    assert page.table.rowCount() == 0
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_a, **_k: (str(target), ""))
    with qtbot.waitSignal(page.changed, timeout=30_000):
        page.import_button.click()
    qtbot.waitUntil(lambda: page.file_job is None, timeout=30_000)
    assert page.table.rowCount() == 1 and page.selected_id() == helper.id
    assert services.gpts.get(helper.id).instructions == "Answer briefly."
    assert page.table.item(0, 2).text() == "Imported"


def test_a_damaged_file_is_refused_with_its_reason_and_nothing_added(qtbot, services, page, tmp_path, monkeypatch):
    bad = tmp_path / "bad.gptshelf"
    bad.write_bytes(b"not a zip at all")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_a, **_k: (str(bad), ""))
    page.import_button.click()
    qtbot.waitUntil(lambda: page.file_job is None, timeout=30_000)
    assert "bad.gptshelf" in page.status.text() and services.gpts.list() == []


def test_an_update_from_the_store_installs_the_new_version_and_keeps_the_old(qtbot, services, page, fake_hub,
                                                                            tiny_model):
    publish_index(fake_hub, {"shards/0000.jsonl.gz": [publish_tiny_gpt(fake_hub, tiny_model)]})
    services.store.sync()
    services.store.install("alice/tiny-helper")
    page.refresh()
    assert page.select_gpt("alice/tiny-helper") and page.update_button.isHidden()

    newer = publish_tiny_gpt(fake_hub, tiny_model, version="1.1.0")
    newer["version"] = "1.1.0"
    publish_index(fake_hub, {"shards/0000.jsonl.gz": [newer]})
    services.store.sync()
    page.refresh()
    assert page.table.item(0, 5).text() == "Update available: 1.1.0"
    assert page.update_button.isVisible() and page.update_button.text() == "Update to 1.1.0"
    with qtbot.waitSignal(page.changed, timeout=30_000):
        page.update_button.click()
    qtbot.waitUntil(lambda: page.file_job is None, timeout=30_000)
    assert services.gpts.get("alice/tiny-helper").version == "1.1.0"
    assert page.table.item(0, 5).text() == "" and page.update_button.isHidden()
    assert [v.version for v in services.gpts.versions("alice/tiny-helper")] == ["1.0.0", "1.1.0"]
