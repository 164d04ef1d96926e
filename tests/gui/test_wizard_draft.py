"""Create by describing it, on the wizard's Basics step: a tiny random model (held to the draft's grammar)
fills the steps in, Stop leaves them as they were, and editing a saved GPT has no such box."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QThreadPool, Qt

from app.ui.jobs import Jobs
from app.ui.wizard import GPTWizard
from tests.support.tiny_gguf import CHATML_TEMPLATE, write_tiny_llama

DRAFT_TIMEOUT_MS = 180_000


@pytest.fixture(scope="module")
def long_tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Room for a random model's whole draft (see tests/integration/services/test_drafting.py)."""
    return write_tiny_llama(tmp_path_factory.mktemp("draft") / "tiny-long.gguf", chat_template=CHATML_TEMPLATE,
                            context_length=8192, name="tiny-long", seed=3)


@pytest.fixture
def services(hub_services):
    return hub_services


@pytest.fixture
def model(services, long_tiny):
    return services.models.import_gguf(long_tiny, name="Tiny")


@pytest.fixture
def jobs():
    pool_jobs = Jobs(QThreadPool())
    yield pool_jobs
    pool_jobs.cancel_all()
    assert pool_jobs.wait(120_000)


@pytest.fixture
def wizard(qtbot, services, jobs, model):
    made = GPTWizard(services, jobs)
    qtbot.addWidget(made)
    made.show()
    yield made
    box = made.basics.draft_box
    if box is not None and box.busy:
        with qtbot.waitSignal(box.draft_ended, timeout=DRAFT_TIMEOUT_MS):
            box.stop()


def test_a_draft_fills_the_steps_in_for_the_person_to_edit(qtbot, wizard, model):
    box = wizard.basics.draft_box
    assert box is not None and box.model.currentText() == "Tiny" and box.model.currentData() == model.sha256
    assert not box.draft_button.isEnabled() and not box.stop_button.isEnabled()
    qtbot.keyClicks(box.request, "A tutor who explains chemistry with kitchen examples.")
    assert box.draft_button.isEnabled()
    drafted = []
    box.drafted.connect(drafted.append)
    with qtbot.waitSignal(box.draft_ended, timeout=DRAFT_TIMEOUT_MS):
        qtbot.mouseClick(box.draft_button, Qt.MouseButton.LeftButton)
        assert box.stop_button.isEnabled() and not box.draft_button.isEnabled() and box.request.isReadOnly()
    assert len(drafted) == 1, box.status.text()
    draft = drafted[0]
    basics, instructions = wizard.basics, wizard.instructions
    assert basics.name.text() == draft.name and basics.description.toPlainText() == draft.description
    assert basics.category.text() == draft.category and basics.tags.text() == ", ".join(draft.tags)
    assert instructions.instructions.toPlainText() == draft.instructions
    assert instructions.starters.toPlainText() == "\n".join(draft.starters)
    assert wizard.model_page.selected_sha256() == model.sha256
    assert box.status.text().startswith("Drafted in") and box.draft_button.isEnabled()
    made = wizard.draft()
    assert (made.name, made.starters, made.tags) == (draft.name, draft.starters, draft.tags)
    assert [p for p in wizard.problems if p.location != "model"] == [], "a draft the manifest accepts as it is"


def test_stop_ends_a_draft_and_fills_nothing_in(qtbot, wizard):
    box = wizard.basics.draft_box
    qtbot.keyClicks(box.request, "A pirate who teaches maths.")
    with qtbot.waitSignal(box.draft_ended, timeout=DRAFT_TIMEOUT_MS):
        qtbot.mouseClick(box.draft_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: "characters" in box.status.text(), timeout=DRAFT_TIMEOUT_MS)
        qtbot.mouseClick(box.stop_button, Qt.MouseButton.LeftButton)
    assert box.status.text() == "Stopped; nothing was filled in."
    assert wizard.basics.name.text() == "" and wizard.instructions.instructions.toPlainText() == ""
    assert box.draft_button.isEnabled() and not box.request.isReadOnly()


def test_editing_a_saved_gpt_has_no_draft_box(qtbot, services, jobs, model):
    gpt = services.gpts.create("Kept", model.sha256, instructions="Be brief.")
    editing = GPTWizard(services, jobs, gpt)
    qtbot.addWidget(editing)
    assert editing.basics.draft_box is None
