"""The evals dialog, from My GPTs and from the wizard's Test step: a real run on the tiny GGUF fills the
side-by-side table case by case, Stop keeps nothing, the trend lists the kept runs, and an eval set
chosen in the wizard is saved with the GPT."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from PySide6.QtCore import QThreadPool
from PySide6.QtWidgets import QApplication, QDialog, QWizard

from app.core.entities import GenerationParams
from app.ui.evals_dialog import DRAFT, NOTHING, EvalDialog
from app.ui.jobs import Jobs
from app.ui.library_page import LibraryPage
from app.ui.wizard import GPTWizard
from tests.gui.test_accessibility import unnamed

RUN_TIMEOUT_MS = 60_000


@pytest.fixture
def services(hub_services):
    return hub_services


@pytest.fixture
def jobs():
    pool_jobs = Jobs(QThreadPool())
    yield pool_jobs
    pool_jobs.cancel_all()
    assert pool_jobs.wait(60_000)


def write_set(path: Path, answer: str = "no such answer") -> Path:
    path.write_text(json.dumps({"schema": "gptshelf/evals@1", "seed": 9, "cases": [
        {"id": "same", "prompt": "Say hi", "checks": [{"type": "exact", "text": answer}]},
        {"id": "short", "prompt": "Say hi", "checks": [{"type": "max_length", "chars": 8}]},
        {"id": "any", "prompt": "Name a colour", "checks": [{"type": "max_length", "chars": 100000}]}]}),
        encoding="utf-8")
    return path


@pytest.fixture
def helper(services, tiny_model, tmp_path):
    """Two versions: 0.1.1 answers in 24 tokens, 0.1.2 in 2 (a setting that forces a different answer)."""
    model = services.models.import_gguf(tiny_model, name="Tiny")
    gpt = services.gpts.create("Helper", model.sha256, instructions="Answer briefly.",
                               params=GenerationParams(temperature=0.0, max_tokens=24, context_length=1024))
    eval_set, sha256 = services.evals.read_eval_set(write_set(tmp_path / "probe.json"))
    answer = services.evals.start(eval_set, [services.evals.current(gpt.id)], evals_sha256=sha256,
                                  keep=False).run()[0].cases[0].output
    assert len(answer) > 8, answer
    with_set = services.gpts.edit(gpt.id, evals=write_set(tmp_path / "evals.json", answer))
    return services.gpts.edit(gpt.id, params=dataclasses.replace(with_set.params, max_tokens=2))


def run_and_wait(qtbot, dialog: EvalDialog) -> None:
    dialog.run_button.click()
    assert dialog.busy and dialog.stop_button.isEnabled()
    qtbot.waitUntil(lambda: not dialog.busy, timeout=RUN_TIMEOUT_MS)


def column(dialog: EvalDialog, index: int) -> list[str]:
    return [dialog.table.item(row, index).text() for row in range(dialog.table.rowCount())]


def test_my_gpts_runs_two_versions_side_by_side_and_shows_the_trend(qtbot, services, jobs, helper, monkeypatch):
    page = LibraryPage(services, jobs)
    qtbot.addWidget(page)
    page.show()
    assert page.select_gpt(helper.id) and page.evals_button.isEnabled()
    seen: list[EvalDialog] = []

    def exec_and_run(dialog: EvalDialog) -> int:
        seen.append(dialog)
        dialog.show()
        assert dialog.baseline.currentData() == "0.1.1" and dialog.candidate.currentData() == "0.1.2"
        assert "3 cases, seed 9" in dialog.set_label.text()
        run_and_wait(qtbot, dialog)
        assert dialog.error.isHidden(), dialog.error.text()
        headers = [dialog.table.horizontalHeaderItem(i).text() for i in range(dialog.table.columnCount())]
        assert headers == ["Case", "Question", "0.1.1", "0.1.2"]
        assert column(dialog, 0) == ["same", "short", "any"]
        assert column(dialog, 2) == ["✓ 1/1", "✗ 0/1", "✓ 1/1"]
        assert column(dialog, 3) == ["✗ 0/1", "✓ 1/1", "✓ 1/1"]
        assert "Regressions (passed in 0.1.1, fail in 0.1.2): same" in dialog.totals.text()
        assert "Fixed: short" in dialog.totals.text() and dialog.progress.text().startswith("Done")
        dialog.table.selectRow(1)
        assert "max_length" in dialog.detail.toPlainText() and "0.1.2" in dialog.detail.toPlainText()
        assert dialog.trend.rowCount() == 2 and dialog.trend.item(0, 1).text() == "0.1.2"
        assert not unnamed(dialog)
        return 0

    monkeypatch.setattr(EvalDialog, "exec", exec_and_run)
    page.evals_button.click()
    assert seen and page.evals_dialog is None
    assert [r.label for r in services.evals.history(helper.id)] == ["0.1.2", "0.1.1"]


def test_stop_cancels_the_run_and_keeps_nothing(qtbot, services, jobs, helper):
    dialog = EvalDialog(services, jobs, helper)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.baseline.setCurrentIndex(dialog.baseline.findData(NOTHING))
    with qtbot.waitSignal(dialog.progress.valueChanged, timeout=RUN_TIMEOUT_MS):
        dialog.run_button.click()
    dialog.stop_button.click()
    qtbot.waitUntil(lambda: not dialog.busy, timeout=RUN_TIMEOUT_MS)
    assert dialog.progress.text() == "Stopped." and dialog.comparison is None
    assert "stopped" in dialog.error.text() and dialog.run_button.isEnabled()
    assert services.evals.history(helper.id) == []


def test_the_wizard_runs_the_draft_against_the_saved_version_and_saves_a_chosen_set(qtbot, services, jobs,
                                                                                    tiny_model, tmp_path, monkeypatch):
    model = services.models.import_gguf(tiny_model, name="Tiny")
    gpt = services.gpts.create("Drafty", model.sha256, instructions="Answer briefly.",
                               params=GenerationParams(temperature=0.0, max_tokens=24, context_length=1024))
    wizard = GPTWizard(services, jobs, gpt)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.go_to(wizard.test_page)
    chosen = write_set(tmp_path / "wizard-evals.json")

    def exec_with_a_file(dialog: EvalDialog) -> int:
        dialog.show()
        assert not dialog.run_button.isEnabled() and "no eval set yet" in dialog.set_label.text()
        dialog.use_file(chosen)
        assert dialog.candidate.currentData() == DRAFT and dialog.baseline.currentData() == "0.1.0"
        run_and_wait(qtbot, dialog)
        assert [r.label for r in (dialog.comparison.baseline, dialog.comparison.current)] == ["0.1.0", "draft"]
        assert column(dialog, 2) == column(dialog, 3)  # the draft is the saved version unchanged: same answers
        assert dialog.trend.rowCount() == 1  # the saved version's run is kept, the draft's is not
        return 0

    monkeypatch.setattr(EvalDialog, "exec", exec_with_a_file)
    wizard.test_page.evals_button.click()
    QApplication.processEvents()
    assert wizard.evals_path == chosen and "wizard-evals.json will be saved" in wizard.test_page.status.text()
    wizard.go_to(wizard.save_page)
    with qtbot.waitSignal(wizard.saved, timeout=30_000):
        wizard.button(QWizard.WizardButton.FinishButton).click()
    saved = services.gpts.get(gpt.id)
    assert saved.evals is not None and saved.evals.path == "evals.json" and saved.version == "0.1.1"
    assert services.paths.blob(saved.evals.sha256).read_bytes() == chosen.read_bytes()
    assert wizard.result() == QDialog.DialogCode.Accepted
