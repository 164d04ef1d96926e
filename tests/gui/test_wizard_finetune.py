"""The wizard's Fine-tune step, driven as a person would with the real training child and llama.cpp: bad data
named by line, the report and estimate, a live loss curve, cancel and resume, the perplexity before and after
with the eval set's passes before and after, and the adapter saved with the GPT; and, without the extra, the step that says how to install it."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWizard

from tests.gui.test_wizard import fill_basics, go_next, jobs, make_wizard, model, services
from tests.support.finetune_data import write_colour_chats

FIXTURES = (jobs, make_wizard, model, services)
"""The wizard tests' fixtures, used here by name."""

TRAIN_TIMEOUT_MS = 240_000


def write_eval_set(path: Path) -> Path:
    """The eval set chosen for the draft: one case every answer passes, one none can."""
    path.write_text(json.dumps({"schema": "gptshelf/evals@1", "cases": [
        {"id": "any", "prompt": "colour of item 1?", "checks": [{"type": "max_length", "chars": 100000}]},
        {"id": "never", "prompt": "colour of item 2?", "checks": [{"type": "contains", "text": "\u2603\u2603"}]}]}),
        encoding="utf-8")
    return path


def test_without_the_extra_the_step_explains_how_to_install_it(qtbot, services, make_wizard, monkeypatch):
    monkeypatch.setattr(services.finetune, "missing_packages", lambda: ["torch", "peft"])
    wizard = make_wizard()
    fill_basics(qtbot, wizard)
    wizard.go_to(wizard.finetune_page)
    page = wizard.finetune_page
    assert not page.unavailable.isHidden() and page.controls.isHidden()
    assert "torch, peft" in page.unavailable.text()
    assert 'pip install "gptshelf[finetune]"' in page.unavailable.text()
    go_next(qtbot, wizard)  # skippable
    assert wizard.currentPage() is wizard.test_page


def test_train_cancel_resume_evaluate_and_save_the_adapter_with_the_gpt(qtbot, services, make_wizard, model,
                                                                         tmp_path: Path):
    pytest.importorskip("peft")
    wizard = make_wizard()
    fill_basics(qtbot, wizard, "Colours")
    wizard.go_to(wizard.finetune_page)
    page = wizard.finetune_page
    assert page.available and not page.start_button.isEnabled()

    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"messages": [{"role": "user", "content": "hi"}]}\nnot json\n', encoding="utf-8")
    page.set_data(bad)
    qtbot.waitUntil(lambda: page.job is None and page.report_error.isVisible(), timeout=60_000)
    assert "line 1: the conversation has no assistant message" in page.report_error.text()
    assert "line 2: not valid JSON" in page.report_error.text() and not page.start_button.isEnabled()

    wizard.evals_path = write_eval_set(tmp_path / "evals.json")
    page.epochs.setValue(1)
    page.max_length.setValue(64)
    page.learning_rate.setValue(0.01)
    page.set_data(write_colour_chats(tmp_path / "colours.jsonl"))
    qtbot.waitUntil(lambda: page.job is None and page.prepared is not None, timeout=60_000)
    assert "60 examples (54 to train, 6 to validate)" in page.report.text()
    assert "14 steps" in page.report.text() and "of memory" in page.report.text()
    assert page.start_button.isEnabled() and page.report_error.isHidden()

    qtbot.mouseClick(page.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(page.chart.train) >= 2, timeout=TRAIN_TIMEOUT_MS)
    assert not wizard.finetune_page.isComplete()  # no moving on while it trains
    qtbot.mouseClick(page.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.job is None, timeout=TRAIN_TIMEOUT_MS)
    assert "Cancelled at step" in page.status.text() and page.start_button.text() == "Resume training"
    stopped = page.chart.train[-1][0]

    qtbot.mouseClick(page.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.job is None, timeout=TRAIN_TIMEOUT_MS)
    assert page.evaluation is not None, page.report_error.text()
    assert [s for s, _ in page.chart.train] == list(range(1, 15)) and stopped < 14
    assert page.chart.validation and page.chart.validation[-1][0] == 14
    assert "without the adapter" in page.result.text() and page.use_adapter.isChecked()
    evals = page.evaluation.evals
    assert evals is not None and (evals.before.adapter, evals.after.adapter) == (False, True)
    assert (evals.passed_before, evals.passed_after, evals.total) == (1, 1, 2)
    assert "Evals: 1/2 before → 1/2 after training; no case changed." in page.result.text()
    assert wizard.draft().adapter_sha256 == page.adapter_sha256

    wizard.go_to(wizard.save_page)
    with qtbot.waitSignal(wizard.saved, timeout=30_000) as saved:
        qtbot.mouseClick(wizard.button(QWizard.WizardButton.FinishButton), Qt.MouseButton.LeftButton)
    gpt = saved.args[0]
    assert gpt.adapter_sha256 == page.adapter_sha256 and gpt.model_sha256 == model.sha256
    assert services.models.get(gpt.adapter_sha256).info.architecture == "llama"


def test_cancel_while_measuring_stops_the_eval_set_and_keeps_the_adapter(qtbot, services, make_wizard, tmp_path: Path,
                                                                          monkeypatch):
    pytest.importorskip("peft")
    measuring, pressed = threading.Event(), threading.Event()
    evaluate = services.finetune.evaluate

    def evaluate_after_cancel(folder):  # noqa: ANN001, ANN202 - holds the perplexity until Cancel was pressed
        measuring.set()
        assert pressed.wait(60)
        return evaluate(folder)

    monkeypatch.setattr(services.finetune, "evaluate", evaluate_after_cancel)
    wizard = make_wizard()
    fill_basics(qtbot, wizard, "Colours")
    wizard.evals_path = write_eval_set(tmp_path / "evals.json")
    wizard.go_to(wizard.finetune_page)
    page = wizard.finetune_page
    page.epochs.setValue(1)
    page.max_length.setValue(64)
    page.set_data(write_colour_chats(tmp_path / "colours.jsonl"))
    qtbot.waitUntil(lambda: page.job is None and page.prepared is not None, timeout=60_000)
    qtbot.mouseClick(page.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(measuring.is_set, timeout=TRAIN_TIMEOUT_MS)
    qtbot.mouseClick(page.cancel_button, Qt.MouseButton.LeftButton)
    pressed.set()
    qtbot.waitUntil(lambda: page.job is None, timeout=TRAIN_TIMEOUT_MS)
    assert page.evaluation is not None and page.evaluation.evals is None and page.evals_stopped
    assert "without the adapter" in page.result.text()
    assert "Evals: stopped before the end; nothing to compare." in page.result.text()
    assert page.use_adapter.isChecked() and wizard.draft().adapter_sha256 == page.adapter_sha256
