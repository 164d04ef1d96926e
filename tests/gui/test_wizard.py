"""The GPT wizard driven as a person would, offscreen, with the real llama.cpp and a tiny GGUF: every
step, what each one refuses (with its message, Next blocked), a test chat with the unsaved draft,
saving, editing into a new version, and rolling back."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QThreadPool, Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog, QWizard

from app.core.entities import FinishReason, GenerationParams, Role
from app.ui.jobs import Jobs
from app.ui.library_page import LibraryPage
from app.ui.models_page import ModelsPage
from app.ui.store import StorePage
from app.ui.wizard import GPTWizard
from tests.gui.test_accessibility import unnamed

REPLY_TIMEOUT_MS = 60_000
NO_STOP_TEMPLATE = "{% for m in messages %}{{ m.role }}: {{ m.content }}\n{% endfor %}assistant:"


@pytest.fixture
def services(hub_services):
    return hub_services


@pytest.fixture
def model(services, tiny_model):
    return services.models.import_gguf(tiny_model, name="Tiny")


@pytest.fixture
def jobs():
    pool_jobs = Jobs(QThreadPool())  # its own pool: teardown waits for this test's jobs only
    yield pool_jobs
    pool_jobs.cancel_all()
    assert pool_jobs.wait(60_000)


@pytest.fixture
def make_wizard(qtbot, services, jobs, model):
    made: list[GPTWizard] = []

    def make(gpt=None, **kwargs) -> GPTWizard:
        wizard = GPTWizard(services, jobs, gpt, **kwargs)
        qtbot.addWidget(wizard)
        wizard.show()
        made.append(wizard)
        return wizard

    yield make
    for wizard in made:
        runner = wizard.test_page.runner
        if runner is not None and not runner.done:
            runner.cancel()
            qtbot.waitUntil(lambda runner=runner: runner.done, timeout=REPLY_TIMEOUT_MS)


def next_button(wizard: GPTWizard):
    return wizard.button(QWizard.WizardButton.NextButton)


def go_next(qtbot, wizard: GPTWizard) -> None:
    assert next_button(wizard).isEnabled(), [p.sentence(p.problems[0]) for p in wizard.steps if p.problems]
    before = wizard.currentPage()
    qtbot.mouseClick(next_button(wizard), Qt.MouseButton.LeftButton)
    assert wizard.currentPage() is not before


def write_png(path: Path) -> Path:
    image = QImage(16, 16, QImage.Format.Format_ARGB32)
    image.fill(QColor("teal"))
    assert image.save(str(path))
    return path


def blocked_with(qtbot, wizard: GPTWizard, label, words: str) -> None:
    """The step shows ``words`` in ``label`` and Next is disabled."""
    qtbot.waitUntil(lambda: label.isVisible() and words in label.text())
    assert not next_button(wizard).isEnabled() and not wizard.currentPage().isComplete()


def fill_basics(qtbot, wizard: GPTWizard, name: str = "Pirate") -> None:
    qtbot.keyClicks(wizard.basics.name, name)


def wait_for_preview(qtbot, wizard: GPTWizard) -> None:
    page = wizard.parameters
    qtbot.waitUntil(lambda: page.preview_job is None and not page.preview_timer.isActive()
                    and page.preview is not None, timeout=20_000)


def send_and_wait(qtbot, wizard: GPTWizard, text: str):
    page = wizard.test_page
    qtbot.keyClicks(page.edit, text)
    with qtbot.waitSignal(page.reply_finished, timeout=REPLY_TIMEOUT_MS) as finished:
        qtbot.keyClick(page.edit, Qt.Key.Key_Return)
    return finished.args[0]


def test_a_new_gpt_goes_through_every_step_is_tested_unsaved_and_saved(qtbot, services, make_wizard, model,
                                                                       tmp_path, monkeypatch):
    icon = write_png(tmp_path / "parrot.png")
    guide = tmp_path / "guide.md"
    guide.write_text("# Treasure\nX marks the spot.\n", encoding="utf-8")
    wizard = make_wizard()
    assert wizard.windowTitle() == "New GPT" and wizard.currentPage() is wizard.basics

    # Basics: Next waits for a name; a new form does not open in red.
    assert not next_button(wizard).isEnabled() and wizard.basics.fields[0].label.isHidden()
    fill_basics(qtbot, wizard)
    qtbot.keyClicks(wizard.basics.description, "Explains science like a pirate.")
    qtbot.keyClicks(wizard.basics.category, "Learning")
    qtbot.keyClicks(wizard.basics.tags, "pirate, science")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_a, **_k: (str(icon), ""))
    qtbot.mouseClick(wizard.basics.icon_button, Qt.MouseButton.LeftButton)
    assert wizard.basics.icon == icon and wizard.basics.icon_preview.pixmap() is not None
    go_next(qtbot, wizard)

    # Model: the only installed model is chosen, with whether it fits.
    page = wizard.model_page
    assert page.selected_sha256() == model.sha256 and page.table.item(0, 0).text() == "Tiny"
    qtbot.waitUntil(lambda: page.fit_job is None and bool(page.fit_note.text()), timeout=30_000)
    assert page.table.item(0, 3).text() in ("Fits", "Tight", "Won't fit")
    go_next(qtbot, wizard)

    # Instructions, with the {date} variable inserted by its button, starters and an example.
    page = wizard.instructions
    qtbot.keyClicks(page.instructions, "You are a pirate. Today is ")
    qtbot.mouseClick(page.date_button, Qt.MouseButton.LeftButton)
    assert page.instructions.toPlainText() == "You are a pirate. Today is {date}"
    page.starters.setPlainText("Why is the sky blue?\nWhat is a comet?")
    page.examples.setPlainText("User: Hi\nAssistant: Ahoy!")
    go_next(qtbot, wizard)

    # Knowledge: a file added (and one added then removed).
    page = wizard.knowledge
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *_a, **_k: ([str(guide), str(icon)], ""))
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    assert page.list.count() == 2
    page.list.setCurrentRow(1)
    qtbot.mouseClick(page.remove_button, Qt.MouseButton.LeftButton)
    assert page.list.count() == 1 and "guide.md" in page.list.item(0).text()
    go_next(qtbot, wizard)

    # Parameters: the preview shows the model's own ChatML template, with no warning.
    page = wizard.parameters
    page.spins["temperature"].setValue(0.0)
    page.spins["max_tokens"].setValue(12)
    page.spins["context_length"].setValue(1024)
    wait_for_preview(qtbot, wizard)
    today = datetime.date.today().isoformat()
    assert f"<|im_start|>system\nYou are a pirate. Today is {today}<|im_end|>" in page.preview_text.toPlainText()
    assert "the model's own template" in page.preview_title.text() and page.preview_warning.isHidden()
    go_next(qtbot, wizard)

    # Fine-tune: optional, skipped here (tests/gui/test_wizard_finetune.py trains).
    assert wizard.currentPage() is wizard.finetune_page
    go_next(qtbot, wizard)

    # Test: a live chat with the draft, nothing saved; a starter chip sends too.
    page = wizard.test_page
    assert page.instructions.toPlainText() == "You are a pirate. Today is {date}"
    assert [b.text() for b in page.starters.buttons] == ["Why is the sky blue?", "What is a comet?"]
    result = send_and_wait(qtbot, wizard, "hello")
    assert result is not None and result.completion_tokens > 0
    assert [b.role for b in page.messages.bubbles] == [Role.USER, Role.ASSISTANT]
    assert page.messages.bubbles[1].text and "tokens/s" in page.status.text()
    assert [t.role for t in page.turns] == [Role.USER, Role.ASSISTANT]
    assert services.gpts.list() == [] and services.catalog.list_conversations() == []
    go_next(qtbot, wizard)

    # Save: creates the GPT at 0.1.0 with everything from the steps.
    assert wizard.currentPage() is wizard.save_page and "Pirate" in wizard.save_page.summary.text()
    with qtbot.waitSignal(wizard.saved, timeout=30_000) as saved:
        qtbot.mouseClick(wizard.button(QWizard.WizardButton.FinishButton), Qt.MouseButton.LeftButton)
    gpt = saved.args[0]
    assert services.gpts.get(gpt.id) == gpt and gpt.version == "0.1.0" and not wizard.isVisible()
    assert (gpt.name, gpt.description, gpt.category, gpt.tags) == (
        "Pirate", "Explains science like a pirate.", "Learning", ("pirate", "science"))
    assert gpt.model_sha256 == model.sha256 and gpt.instructions == "You are a pirate. Today is {date}"
    assert gpt.starters == ("Why is the sky blue?", "What is a comet?")
    assert [(m.role, m.content) for m in gpt.examples] == [(Role.USER, "Hi"), (Role.ASSISTANT, "Ahoy!")]
    assert (gpt.params.temperature, gpt.params.max_tokens, gpt.params.context_length) == (0.0, 12, 1024)
    assert gpt.icon.path == "icon.png" and [k.path for k in gpt.knowledge] == ["knowledge/guide.md"]
    assert services.paths.blob(gpt.knowledge[0].sha256).read_bytes() == guide.read_bytes()
    assert gpt.chat_template is None


def test_stop_ends_a_test_reply_and_regenerate_asks_again(qtbot, make_wizard, model):
    wizard = make_wizard()
    fill_basics(qtbot, wizard)
    wizard.parameters.spins["max_tokens"].setValue(3000)
    wizard.parameters.spins["temperature"].setValue(0.0)
    wizard.go_to(wizard.test_page)
    page = wizard.test_page
    qtbot.keyClicks(page.edit, "go on")
    with qtbot.waitSignal(page.reply_finished, timeout=REPLY_TIMEOUT_MS) as finished:
        qtbot.keyClick(page.edit, Qt.Key.Key_Return)
        assert page.stop_button.isEnabled() and not page.send_button.isEnabled()
        qtbot.waitUntil(lambda: bool(page.messages.last().text), timeout=REPLY_TIMEOUT_MS)
        qtbot.mouseClick(page.stop_button, Qt.MouseButton.LeftButton)
    assert finished.args[0].finish_reason is FinishReason.CANCELLED
    assert page.status.text() == "Stopped." and page.send_button.isEnabled()
    wizard.parameters.spins["max_tokens"].setValue(6)
    last = page.messages.last()
    assert last.regenerate_button.isVisible()
    with qtbot.waitSignal(page.reply_finished, timeout=REPLY_TIMEOUT_MS) as again:
        qtbot.mouseClick(last.regenerate_button, Qt.MouseButton.LeftButton)
    assert again.args[0].finish_reason is not FinishReason.CANCELLED
    assert [t.role for t in page.turns] == [Role.USER, Role.ASSISTANT] and len(page.messages.bubbles) == 2


def test_each_step_shows_what_is_wrong_and_blocks_next(qtbot, services, make_wizard, model, tmp_path, monkeypatch):
    services.gpts.create("Helper", model.sha256)
    wizard = make_wizard()
    basics = wizard.basics
    name_error, tags_error, icon_error = (f.label for f in basics.fields if f.key in ("name", "tags", "icon"))
    fill_basics(qtbot, wizard, "helper")
    blocked_with(qtbot, wizard, name_error, "Name is already used by the GPT 'Helper'")
    basics.name.setText("x" * 101)
    blocked_with(qtbot, wizard, name_error, "Name must be at most 100 characters long")
    basics.name.setText("Pirate")
    assert name_error.isHidden() and next_button(wizard).isEnabled()
    qtbot.keyClicks(basics.tags, "fun, FUN")
    blocked_with(qtbot, wizard, tags_error, "Tag 2 repeats tag 'FUN'")
    basics.tags.setText("fun")
    gif = tmp_path / "face.gif"
    gif.write_bytes(b"GIF89a")
    basics.set_icon(gif)
    blocked_with(qtbot, wizard, icon_error, "The icon must be one of these file types")
    basics.remove_icon()
    go_next(qtbot, wizard)

    page = wizard.model_page
    page.table.clearSelection()
    blocked_with(qtbot, wizard, page.fields[0].label, "The model must be a model installed on this machine")
    assert page.select_model(model.sha256)
    go_next(qtbot, wizard)

    page = wizard.instructions
    starters_error, examples_error = (f.label for f in page.fields if f.key in ("starters", "examples"))
    page.starters.setPlainText("\n".join(f"Question {n}" for n in range(9)))
    blocked_with(qtbot, wizard, starters_error, "Conversation starters must have at most 8 items")
    page.starters.setPlainText("Question")
    page.examples.setPlainText("Hello there")
    blocked_with(qtbot, wizard, page.page_error, "line 1 must start with “User:” or “Assistant:”")
    page.examples.setPlainText("User: Hello there\nand more")
    assert next_button(wizard).isEnabled()
    go_next(qtbot, wizard)

    page = wizard.knowledge
    program = tmp_path / "tool.exe"
    program.write_bytes(b"MZ")
    page.add_files([program])
    blocked_with(qtbot, wizard, page.fields[0].label, "tool.exe must be one of these file types")
    page.list.setCurrentRow(0)
    page.remove_selected()
    go_next(qtbot, wizard)

    page = wizard.parameters
    max_error = next(f.label for f in page.fields if f.key == "max_tokens")
    page.spins["context_length"].setValue(1024)
    page.spins["max_tokens"].setValue(2000)
    blocked_with(qtbot, wizard, max_error, "Longest reply must not be more than context_length (1024)")
    page.spins["max_tokens"].setValue(100)
    page.stops.setPlainText("y" * 65)
    blocked_with(qtbot, wizard, next(f.label for f in page.fields if f.key == "stop"),
                 "Stop string 1 must be at most 64 characters long")
    page.stops.setPlainText("\\n\\n")
    page.use_override.setChecked(True)
    wait_for_preview(qtbot, wizard)
    page.template.setPlainText("{% for m in messages %}")
    blocked_with(qtbot, wizard, page.page_error, "The chat template cannot be used")
    assert "syntax error" in page.preview_warning.text()
    page.use_override.setChecked(False)
    wait_for_preview(qtbot, wizard)
    assert next_button(wizard).isEnabled()
    assert wizard.draft().params.stop == ("\n\n",)
    go_next(qtbot, wizard)
    go_next(qtbot, wizard)  # past the optional Fine-tune step

    # A problem left on an earlier step is named on the Test step, which will not chat with it.
    basics.name.setText("")
    wizard.test_page.refresh()
    assert "Fix the step “Basics” first: Name must not be empty" in wizard.test_page.page_error.text()
    assert not next_button(wizard).isEnabled()


def test_the_preview_warns_when_no_stop_follows_an_assistant_turn(qtbot, make_wizard):
    wizard = make_wizard()
    fill_basics(qtbot, wizard)
    wizard.go_to(wizard.parameters)
    page = wizard.parameters
    page.use_override.setChecked(True)
    wait_for_preview(qtbot, wizard)
    assert "<|im_start|>" in page.template.toPlainText(), "an own template starts from the one in use"
    page.template.setPlainText(NO_STOP_TEMPLATE)
    qtbot.waitUntil(lambda: page.preview is not None and page.preview.origin == "gpt"
                    and not page.preview_timer.isActive() and page.preview_job is None, timeout=20_000)
    assert "your own template" in page.preview_title.text() and "user: Hello! What can you do?" in \
        page.preview_text.toPlainText()
    assert page.preview_warning.isVisible() and "replies may run on" in page.preview_warning.text()
    assert next_button(wizard).isEnabled(), "a warning, not a refusal"
    page.stops.setPlainText("\\nuser:")
    qtbot.waitUntil(lambda: page.preview_warning.isHidden(), timeout=20_000)


def test_editing_in_the_wizard_saves_a_new_version_with_its_note_and_rolls_back(qtbot, services, jobs, model,
                                                                               tmp_path, monkeypatch):
    guide = tmp_path / "guide.md"
    guide.write_text("Old notes\n", encoding="utf-8")
    helper = services.gpts.create("Helper", model.sha256, instructions="Answer briefly.", starters=["Say hi"],
                                  knowledge=[guide], params=GenerationParams(max_tokens=8))
    page = LibraryPage(services, jobs)
    qtbot.addWidget(page)
    page.show()
    assert page.select_gpt(helper.id) and page.edit_button.isEnabled()

    def edit_and_save(wizard: GPTWizard) -> int:
        wizard.show()  # what exec() does first
        assert wizard.windowTitle() == "Edit Helper" and wizard.basics.name.text() == "Helper"
        assert wizard.instructions.instructions.toPlainText() == "Answer briefly."
        assert wizard.model_page.selected_sha256() == model.sha256
        wizard.instructions.instructions.setPlainText("Answer in French.")
        wizard.knowledge.list.setCurrentRow(0)
        wizard.knowledge.remove_selected()
        wizard.go_to(wizard.save_page)
        save = wizard.save_page
        assert "Changes since version 0.1.0: Changed instructions, knowledge files." in save.summary.text()
        save.changelog.setText("x" * 501)
        assert not wizard.button(QWizard.WizardButton.FinishButton).isEnabled()
        assert "at most 500 characters" in save.page_error.text()
        save.changelog.setText("French now")
        with qtbot.waitSignal(wizard.saved, timeout=30_000):
            wizard.button(QWizard.WizardButton.FinishButton).click()
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(GPTWizard, "exec", edit_and_save)
    with qtbot.waitSignal(page.changed):
        page.edit_button.click()
    edited = services.gpts.get(helper.id)
    assert (edited.version, edited.instructions, edited.knowledge) == ("0.2.0", "Answer in French.", ())
    assert [(v.version, v.changelog) for v in services.gpts.versions(helper.id)] == [
        ("0.1.0", "Created"), ("0.2.0", "French now")]
    assert page.table.item(0, 1).text() == "0.2.0" and "0.2.0 is saved" in page.status.text()

    restored = services.gpts.rollback(helper.id, "0.1.0")
    assert (restored.version, restored.instructions) == ("0.3.0", "Answer briefly.")
    assert [k.path for k in restored.knowledge] == ["knowledge/guide.md"]


def test_new_gpt_from_my_gpts_and_make_a_gpt_from_the_models_page(qtbot, services, jobs, model, monkeypatch):
    library = LibraryPage(services, jobs)
    models = ModelsPage(services, jobs)
    for widget in (library, models):
        qtbot.addWidget(widget)
        widget.show()

    def cancel(wizard: GPTWizard) -> int:
        assert wizard.windowTitle() == "New GPT" and wizard.model_page.selected_sha256() == model.sha256
        wizard.reject()
        return QDialog.DialogCode.Rejected

    monkeypatch.setattr(GPTWizard, "exec", cancel)
    library.new_button.click()
    assert library.wizard is None and services.gpts.list() == []

    def make(wizard: GPTWizard) -> int:
        wizard.show()
        fill_basics(qtbot, wizard, "Made from a model")
        assert wizard.model_page.selected_sha256() == model.sha256
        with qtbot.waitSignal(wizard.saved, timeout=30_000):
            wizard.accept()
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(GPTWizard, "exec", make)
    assert models.select_model(model.sha256) and models.make_gpt_button.isEnabled()
    with qtbot.waitSignal(models.changed):
        models.make_gpt_button.click()
    assert [g.name for g in services.gpts.list()] == ["Made from a model"]
    assert "Made from a model" in models.table.item(0, 4).text()


def test_a_model_found_on_hugging_face_from_the_model_step_is_installed_and_chosen(qtbot, make_wizard, fake_hub,
                                                                                  tiny_models, services, monkeypatch):
    fake_hub.add_repo("bob/Plain-GGUF", {"plain-Q4_K_M.gguf": tiny_models["plain"].read_bytes()}, tags=("gguf",))
    wizard = make_wizard()
    page = wizard.model_page

    def search_and_install(dialog: QDialog) -> int:
        store = dialog.findChild(StorePage)
        tab = store.hf_tab
        assert store.tabs.currentWidget() is tab
        qtbot.keyClicks(tab.search_box, "plain")
        qtbot.keyClick(tab.search_box, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: tab.results.count() == 1, timeout=20_000)
        tab.results.setCurrentRow(0)
        qtbot.waitUntil(lambda: tab.install_button.isEnabled(), timeout=20_000)
        with qtbot.waitSignal(store.model_installed, timeout=30_000):
            tab.install_button.click()
        return QDialog.DialogCode.Rejected

    monkeypatch.setattr(QDialog, "exec", search_and_install)
    wizard.go_to(page)
    page.hf_button.click()
    installed = next(m for m in services.models.list() if m.display_name != "Tiny")
    assert page.selected_sha256() == installed.sha256 and page.table.rowCount() == 2


def test_every_control_on_every_step_has_an_accessible_name(qtbot, make_wizard):
    wizard = make_wizard()
    fill_basics(qtbot, wizard)
    found = {}
    for page in wizard.steps:
        wizard.go_to(page)
        QApplication.processEvents()
        offenders = unnamed(wizard)
        if offenders:
            found[page.title()] = offenders
    assert not found, found


def test_saving_an_edit_that_changes_nothing_keeps_the_version(qtbot, services, make_wizard, model, tmp_path):
    """What the wizard shows and reads back is exactly what was saved: no rounding, no trimming."""
    gpt = services.gpts.create("Exact", model.sha256, instructions="Be exact.\n\n", description="Line one\n",
                               examples=[], starters=["Hi"],
                               params=GenerationParams(temperature=0.125, stop=("\n\n", "a\\b")))
    wizard = make_wizard(gpt)
    assert wizard.draft() == gpt
    wizard.go_to(wizard.save_page)
    assert "Nothing changed; saving keeps version 0.1.0." in wizard.save_page.summary.text()
    with qtbot.waitSignal(wizard.saved, timeout=30_000) as saved:
        wizard.accept()
    assert saved.args[0] == gpt and [v.version for v in services.gpts.versions(gpt.id)] == ["0.1.0"]
