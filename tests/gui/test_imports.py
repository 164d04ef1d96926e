"""The first-start offer of other apps' models and Settings ▸ Import, driven as a person would."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from PySide6.QtCore import QThreadPool, Qt

from app.core.paths import AppPaths
from app.services.container import Services, open_services
from app.ui.main_window import MainWindow
from tests.integration.services.test_history_import import chatgpt_export
from tests.support.other_apps import fake_home, lay_out


@pytest.fixture
def services(gptshelf_home: Path):
    with open_services(AppPaths(gptshelf_home), install_starter=False) as opened:
        yield opened


@pytest.fixture
def apps(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, services: Services) -> dict[str, Path]:
    files = lay_out(fake_home(monkeypatch, tmp_path / "person"))
    services.scanner.platform = "linux"  # the fixture folders are laid out as on Linux
    return files


def _window(qtbot, services: Services) -> MainWindow:
    window = MainWindow(services)
    qtbot.addWidget(window)
    window.show()
    return window


def _finish(qtbot, window: MainWindow, start) -> object:  # noqa: ANN001 - a callable that starts a Job
    """Start a job held until its done signal is watched (a quick job could end before), and wait for it."""
    window.jobs.hold()
    job = start()
    assert job is not None
    with qtbot.waitSignal(job.signals.done, timeout=60_000):
        window.jobs.release()
    return job


def test_the_first_start_offer_names_the_apps_and_links_the_models_in_place(qtbot, services, apps):
    window = _window(qtbot, services)
    offer = window.import_offer
    assert not offer.isVisible()
    _finish(qtbot, window, offer.start)
    assert offer.isVisible()
    assert offer.text.text().startswith("Found 5 models from GPT4All, LM Studio, Jan and Ollama — use them?")
    with qtbot.waitSignal(offer.linked, timeout=60_000):
        offer.use_them()
    assert "Linked 5 models" in offer.text.text()
    models = services.models.list()
    assert len(models) == 5 and not any(m.owned for m in models)
    assert not any(services.paths.store.iterdir())  # linked, not copied
    window.show_section("models")
    names = [window.pages["models"].table.item(r, 0).text() for r in range(5)]
    assert all(name.endswith("(linked)") for name in names)
    assert services.settings().import_offered
    assert _window(qtbot, services).import_offer.start() is None  # asked once
    QThreadPool.globalInstance().waitForDone(30_000)


def test_not_now_hides_the_offer_for_good(qtbot, services, apps):
    window = _window(qtbot, services)
    _finish(qtbot, window, window.import_offer.start)
    window.import_offer.not_now()
    assert not window.import_offer.isVisible() and services.settings().import_offered
    assert services.models.list() == []


def test_no_offer_when_no_other_app_keeps_models(qtbot, services, tmp_path, monkeypatch):
    fake_home(monkeypatch, tmp_path / "empty")
    window = _window(qtbot, services)
    _finish(qtbot, window, window.import_offer.start)
    assert not window.import_offer.isVisible() and not services.settings().import_offered


def test_the_import_panel_scans_links_checked_models_and_imports_history(qtbot, services, apps, tmp_path):
    window = _window(qtbot, services)
    window.show_section("settings")
    panel = window.pages["settings"].imports
    _finish(qtbot, window, panel.scan)
    table = panel.table
    assert table.rowCount() == 5
    assert {table.item(r, 1).text() for r in range(5)} == {"GPT4All", "LM Studio", "Jan", "Ollama"}
    assert all(table.item(r, 4).text() in ("Fits", "Tight", "Won't fit") for r in range(5))
    assert "broken.gguf" in panel.refused.text() and panel.refused.isVisible()
    ollama = next(r for r in range(5) if table.item(r, 1).text() == "Ollama")
    for row in range(5):
        if row != ollama:
            table.item(row, 0).setCheckState(Qt.CheckState.Unchecked)
    with qtbot.waitSignal(panel.models_changed, timeout=60_000):
        panel.link_checked()
    qtbot.waitUntil(lambda: panel.job is None and panel.result is not None
                    and sum(c.linked for c in panel.result.candidates) == 1, timeout=60_000)
    assert [m.display_name for m in services.models.list()] == ["tiny:latest"]
    assert table.item(ollama, 5).text() == "added"

    export = tmp_path / "export.zip"
    with zipfile.ZipFile(export, "w") as archive:
        archive.writestr("conversations.json", json.dumps(chatgpt_export()))
    with qtbot.waitSignal(panel.history_changed, timeout=60_000):
        panel.import_history(export)
    text = panel.history_result.text()
    assert text.startswith("Imported 2 conversations from chatgpt; 0 were already here.")
    assert "Skipped “Broken one” (conv-broken)" in text
    qtbot.waitUntil(lambda: panel.job is None)
    assert panel.import_history(export) is not None
    qtbot.waitUntil(lambda: panel.job is None, timeout=60_000)  # cleared on the GUI thread when the job is done
    assert panel.history_result.text().startswith("Imported 0 conversations from chatgpt; 2 were already here.")
    assert len(services.history.list()) == 2


def test_deleting_a_linked_model_on_the_models_page_leaves_its_file(qtbot, services, apps, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    asked: list[str] = []

    def answer(_parent, _title, question, *_args):
        asked.append(question)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", answer)
    model = services.scanner.link_path(apps["LM Studio"]).model
    window = _window(qtbot, services)
    window.show_section("models")
    page = window.pages["models"]
    assert page.select_model(model.sha256)
    page.delete_selected()
    assert "Its file stays where it is" in asked[0]
    assert apps["LM Studio"].is_file() and services.models.list() == []
    assert "its file stays in" in page.status.text()


def test_the_models_page_shows_a_linked_file_that_went_missing(qtbot, services, apps):
    model = services.scanner.link_path(apps["GPT4All"]).model
    apps["GPT4All"].rename(apps["GPT4All"].with_suffix(".moved"))
    window = _window(qtbot, services)
    window.show_section("models")
    page = window.pages["models"]
    qtbot.waitUntil(lambda: page.table.item(0, 0).text().endswith("(linked, file missing)"), timeout=60_000)
    assert services.models.get(model.sha256).status.value == "missing"
    qtbot.waitUntil(lambda: page.links_job is None, timeout=60_000)


def test_an_imported_conversation_opens_in_chats(qtbot, services, tmp_path):
    export = tmp_path / "conversations.json"
    export.write_text(json.dumps(chatgpt_export()), encoding="utf-8")
    report = services.history_import.import_path(export)
    window = _window(qtbot, services)
    window.show_section("chats")
    page = window.pages["chats"]
    page.open_conversation(report.added[0].id)
    assert page.title.text() == "GGUF questions"
    assert [b.role.value for b in page.messages.bubbles] == ["user", "assistant", "user", "assistant"]
    assert "ggml" in page.messages.last().text
