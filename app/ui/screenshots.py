"""Render every screen to PNG for the README: ``python -m app.ui.screenshots DIR`` (``make screenshots``).

Runs offscreen against a throw-away data folder with the starter GPT, so the pictures show what a
new user sees: the store (list and detail), a chat whose reply was really streamed by the starter
model (a few-shot "Code Helper" GPT, so the reply has Markdown and code), My GPTs, Models and
Settings, in the light and dark themes, the chat again in Chinese, Settings' remote engines section,
and Settings ▸ Import after a scan (``python -m app.ui.screenshots DIR import`` renders only that one);
then a GPT with knowledge files: its reply with cited sources, an opened citation, and the wizard's
Knowledge step; the wizard's Fine-tune step with the bundled example chats checked (or, without
the ``finetune`` extra, explaining how to install it); and the evals dialog after a real run of two
versions of a quiz GPT on the starter model.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEventLoop, QThreadPool, QTimer
from PySide6.QtWidgets import QApplication, QScrollArea, QWidget

from app.core.entities import GPT, ChatMessage, GenerationParams, Role
from app.core.paths import AppPaths, resources_dir
from app.core.settings import Theme
from app.services.container import Services, open_services
from app.ui.i18n import install_translator
from app.ui.main_window import MainWindow
from app.ui.theme import apply_theme

log = logging.getLogger(__name__)

SIZE = (1180, 760)
QUESTION = "How do I reverse a string in Python?"
EXAMPLES = (
    ChatMessage(Role.USER, "How do I sort a list of numbers in Python?"),
    ChatMessage(Role.ASSISTANT, "Use `sorted()`; it returns a new list:\n\n```python\nnumbers = [3, 1, 2]\n"
                                "print(sorted(numbers))  # [1, 2, 3]\n```"),
)


def settle(app: QApplication, seconds: float = 0.3) -> None:
    """Let queued signals and background jobs finish (a script, not a test: a bounded wait is fine)."""
    deadline = time.monotonic() + 60
    while QThreadPool.globalInstance().activeThreadCount() and time.monotonic() < deadline:
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)


def chat_once(app: QApplication, window: MainWindow, gpt_id: str) -> None:
    page = window.pages["chats"]
    page.open_gpt(gpt_id)
    loop = QEventLoop()
    page.reply_finished.connect(lambda _outcome: loop.quit())
    QTimer.singleShot(120_000, loop.quit)
    page.send(QUESTION)
    loop.exec()
    settle(app)


def shoot(app: QApplication, window: MainWindow, target: Path, suffix: str) -> list[Path]:
    written = []
    for key in ("store", "chats", "library", "models", "settings"):
        window.show_section(key)
        settle(app)
        written.append(_grab(window, target / f"{key}-{suffix}.png"))
        if key == "settings":  # the Local API section, further down the page
            page = window.pages["settings"]
            scroll = page.findChild(QScrollArea)
            scroll.ensureWidgetVisible(page.api_section, 0, 0)
            settle(app)
            written.append(_grab(window, target / f"settings-api-{suffix}.png"))
            scroll.verticalScrollBar().setValue(0)
        if key == "store":
            window.pages["store"].open_listing("gptshelf/zh-en-translator")
            settle(app, 0.5)
            written.append(_grab(window, target / f"store-detail-{suffix}.png"))
            window.pages["store"].show_list()
    return written


def wait_until(app: QApplication, done: Callable[[], bool], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not done() and time.monotonic() < deadline:
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)


def finetune_step(app: QApplication, window: MainWindow, gpt: GPT, target: Path) -> Path:
    """The wizard's Fine-tune step on ``gpt`` with the bundled example chats checked: the report and the estimate.

    Training the starter model takes minutes on a small CPU, so the picture stops before Start; without the
    ``finetune`` extra it shows the step's install hint instead.
    """
    from app.ui.wizard import GPTWizard  # noqa: PLC0415 - with this picture only

    wizard = GPTWizard(window.services, window.jobs, gpt, parent=window)
    wizard.resize(*SIZE)
    wizard.show()
    page = wizard.finetune_page
    wizard.go_to(page)
    settle(app)
    if page.available:
        page.epochs.setValue(1)
        page.max_length.setValue(128)
        page.recheck.stop()
        page.set_data(resources_dir() / "finetune" / "example.jsonl")
        wait_until(app, lambda: page.job is None and (page.prepared is not None or page.report_error.isVisible()), 600)
    settle(app)
    path = target / "wizard-finetune-light.png"
    wizard.grab().save(str(path))
    wizard.reject()
    return path


def engines_shot(app: QApplication, services: Services, target: Path) -> Path:
    """Settings → Remote engines with two engines (no server needs to run: nothing is checked)."""
    from app.ui.engines_section import EnginesSection  # noqa: PLC0415
    from app.ui.jobs import Jobs  # noqa: PLC0415

    remote = services.remote_engines
    for name, url in (("Lab server (llama-server)", "http://10.0.0.5:8080"), ("Ollama", "http://127.0.0.1:11434")):
        if not any(e.name == name for e in remote.list()):
            remote.add(name, url, api_key="sk-example" if "Lab" in name else None)
    section = EnginesSection(services, Jobs())
    section.resize(820, 520)
    section.show()
    section.table.selectRow(0)
    settle(app)
    path = target / "settings-engines-light.png"
    section.grab().save(str(path))
    section.close()
    return path


def _grab(window: QWidget, path: Path) -> Path:
    window.grab().save(str(path))
    return path


def make_window(services: Services) -> MainWindow:
    window = MainWindow(services)
    window.resize(*SIZE)
    window.show()
    return window


def shoot_import(app: QApplication, services: Services, target: Path) -> Path:
    """Settings ▸ Import after a scan of LM Studio, GPT4All and Ollama folders (laid out in a temporary home
    around the starter model) and the import of a small ChatGPT export."""
    sha256 = services.gpts.get("Scratchpad").model_sha256
    model = services.models.file_of(services.models.get(sha256))
    with tempfile.TemporaryDirectory() as person:
        home = Path(person)
        for relative in (".lmstudio/models/lmstudio-community/gemma-3-270m-it-GGUF/gemma-3-270m-it-Q4_K_M.gguf",
                         ".local/share/nomic.ai/GPT4All/gemma-3-270m-it-Q4_K_M.gguf",
                         f".ollama/models/blobs/sha256-{sha256}"):
            _place_link(model, home / relative)
        manifest = home / ".ollama/models/manifests/registry.ollama.ai/library/gemma3/270m"
        manifest.parent.mkdir(parents=True)
        manifest.write_text(json.dumps({"layers": [{"mediaType": "application/vnd.ollama.image.model",
                                                    "digest": f"sha256:{sha256}"}]}))
        broken = home / ".lmstudio/models/someone/broken.gguf"
        broken.parent.mkdir(parents=True)
        broken.write_bytes(b"GGUF" + bytes(60))
        export = home / "chatgpt-export.zip"
        with zipfile.ZipFile(export, "w") as archive:
            archive.writestr("conversations.json", json.dumps([_chatgpt_conversation(i) for i in range(3)]))
        services.scanner.home, services.scanner.environ, services.scanner.platform = home, {}, "linux"
        window = make_window(services)
        window.dismiss_welcome()
        window.show_section("settings")
        panel = window.pages["settings"].imports
        panel.scan()
        settle(app)
        panel.import_history(export)
        settle(app)
        window.pages["settings"].findChild(QScrollArea).ensureWidgetVisible(panel, 0, 0)
        settle(app)
        shot = _grab(window, target / "settings-import-light.png")
        window.close()
    return shot


def _place_link(model: Path, path: Path) -> None:
    """A hard link to the model where another app would keep it (a copy where links are not allowed)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(model, path)
    except OSError:
        shutil.copyfile(model, path)


def _chatgpt_conversation(index: int) -> dict:
    at = 1_700_000_000 + index * 86_400
    words = (("How do I reverse a string in Python?", "Use slicing: `text[::-1]`."),
             ("Translate 'good morning' into Chinese.", "早上好"),
             ("A haiku about local models?", "Weights on my own disk / no cloud hears what I ask it / fans hum, answers come"))
    question, answer = words[index]
    mapping = {
        "root": {"message": None, "parent": None, "children": ["q"]},
        "q": {"message": {"author": {"role": "user"}, "create_time": at, "content": {"content_type": "text",
                                                                                    "parts": [question]}},
              "parent": "root", "children": ["a"]},
        "a": {"message": {"author": {"role": "assistant"}, "create_time": at + 5,
                          "content": {"content_type": "text", "parts": [answer]}}, "parent": "q", "children": []},
    }
    return {"id": f"example-{index}", "title": question, "create_time": at, "update_time": at + 5,
            "mapping": mapping, "current_node": "a"}


QUIZ_EVALS = {"schema": "gptshelf/evals@1", "seed": 42, "cases": [
    {"id": "france", "prompt": "What is the capital of France?", "checks": [
        {"type": "contains", "text": "Paris"}, {"type": "max_length", "chars": 40}]},
    {"id": "japan", "prompt": "What is the capital of Japan?", "checks": [
        {"type": "contains", "text": "Tokyo"}, {"type": "max_length", "chars": 40}]},
    {"id": "one-word", "prompt": "What is the capital of Italy?", "checks": [
        {"type": "regex", "pattern": "^\\W*Rome\\W*$", "ignore_case": True}]},
    {"id": "similar", "prompt": "Which city is the capital of Germany?", "checks": [
        {"type": "rouge_l", "reference": "Berlin", "min": 0.5}]},
]}


def shoot_evals(app: QApplication, services: Services, target: Path, suffix: str = "light") -> Path:
    """The evals dialog after a real run on the starter model: two versions of a quiz GPT side by side."""
    import json  # noqa: PLC0415 - only for this picture

    from app.ui.evals_dialog import EvalDialog  # noqa: PLC0415
    from app.ui.jobs import Jobs  # noqa: PLC0415

    scratchpad = services.gpts.get("Scratchpad")
    with tempfile.TemporaryDirectory() as folder:
        evals = Path(folder) / "evals.json"
        evals.write_text(json.dumps(QUIZ_EVALS), encoding="utf-8")
        quiz = services.gpts.create("Capital Quiz", scratchpad.model_sha256, evals=evals,
                                    params=GenerationParams(temperature=0.7, max_tokens=16, context_length=1024))
    services.gpts.edit(quiz.id, params=GenerationParams(temperature=0.7, max_tokens=9, context_length=1024),
                       changelog="Shorter answers")
    dialog = EvalDialog(services, Jobs(), services.gpts.get(quiz.id))
    dialog.resize(*SIZE)
    dialog.show()
    dialog.run_button.click()
    deadline = time.monotonic() + 1800
    while dialog.busy and time.monotonic() < deadline:
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
    dialog.table.selectRow(0)
    settle(app)
    path = target / f"evals-{suffix}.png"
    dialog.grab().save(str(path))
    dialog.close()
    return path


def render(target: Path, only: str | None = None) -> list[Path]:
    target.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before the QApplication; never at import time
    app = QApplication.instance() or QApplication(sys.argv)
    written: list[Path] = []
    with tempfile.TemporaryDirectory() as home, open_services(AppPaths(Path(home))) as services:
        apply_theme(app, Theme.LIGHT)
        if only == "import":
            return [shoot_import(app, services, target)]
        scratchpad = services.gpts.get("Scratchpad")
        helper = services.gpts.create(
            "Code Helper", scratchpad.model_sha256, instructions="Answer with one sentence and a Python code block.",
            examples=EXAMPLES, starters=(QUESTION, "How do I read a text file?"),
            description="Short answers with code. A few-shot GPT on the starter model.",
            params=GenerationParams(temperature=0.2, max_tokens=60, context_length=2048))
        services.api_keys.create("my editor")  # so the Local API section lists a key
        for theme in (Theme.LIGHT, Theme.DARK):
            apply_theme(app, theme)
            window = make_window(services)
            if theme is Theme.LIGHT:
                chat_once(app, window, helper.id)
            else:  # the same conversation, reopened
                window.pages["chats"].open_conversation(services.history.list()[0].id)
            written += shoot(app, window, target, theme.value)
            window.dismiss_welcome()  # the light set shows the first-start welcome; the dark set does not
            window.close()
        apply_theme(app, Theme.LIGHT)
        window = make_window(services)
        written.append(finetune_step(app, window, helper, target))
        window.close()
        written.append(engines_shot(app, services, target))
        written.append(shoot_evals(app, services, target))
        translator = install_translator(app, "zh_CN")
        window = make_window(services)
        window.show_section("chats")
        window.pages["chats"].open_conversation(services.history.list()[0].id)
        settle(app)
        written.append(_grab(window, target / "chats-zh_CN.png"))
        window.close()
        if translator is not None:
            app.removeTranslator(translator)
        written.append(shoot_import(app, services, target))
        window.jobs.cancel_all()
        QThreadPool.globalInstance().waitForDone(30_000)
        written += knowledge_shots(app, services, scratchpad.model_sha256, Path(home), target)
    return written


MANUAL = ("# Aurora K9 desk lamp\n\n## Warranty\n\nThe Aurora K9 carries a limited warranty of 24 months from the "
          "date of purchase. It covers manufacturing defects, not accidental damage.\n\n## Battery\n\nA full "
          "charge lasts about 9 hours at medium brightness. Charging takes two hours with the USB-C cable.\n\n"
          "## Cleaning\n\nWipe the lamp with a dry cloth; never use solvents.\n")


def knowledge_shots(app: QApplication, services: Services, model_sha256: str, home: Path, target: Path) -> list[Path]:
    """A GPT with a knowledge file: a reply citing it, the passage opened, and the wizard's Knowledge step."""
    from app.ui.wizard.wizard import GPTWizard  # noqa: PLC0415 - only for this picture

    manual = home / "aurora-k9.md"
    manual.write_text(MANUAL, encoding="utf-8")
    gpt = services.gpts.create("Lamp Support", model_sha256, instructions="Answer from the manual in one sentence.",
                               description="Answers from the product manual, citing it.",
                               params=GenerationParams(temperature=0.2, max_tokens=48, context_length=2048))
    gpt, _report = services.knowledge.add(gpt.id, [manual])
    written = []
    window = make_window(services)
    window.dismiss_welcome()
    window.show_section("chats")
    page = window.pages["chats"]
    page.open_gpt(gpt.id)
    loop = QEventLoop()
    page.reply_finished.connect(lambda _outcome: loop.quit())
    QTimer.singleShot(300_000, loop.quit)
    page.send("How long is the warranty on the Aurora K9?")
    loop.exec()
    settle(app)
    written.append(_grab(window, target / "chats-knowledge-light.png"))
    row = page.messages.last().sources
    if row.sources:
        row.linkActivated.emit(f"source:{row.sources[0].number}")
        settle(app)
        if row.dialog is not None:
            written.append(_grab(row.dialog, target / "knowledge-source-light.png"))
            row.dialog.close()
    wizard = GPTWizard(services, window.jobs, gpt, parent=window)
    wizard.resize(900, 640)
    wizard.show()
    wizard.setCurrentId(wizard.pageIds()[wizard.steps.index(wizard.knowledge)])
    settle(app, 0.5)
    wizard.knowledge.question.setText("How long does the battery last?")
    wizard.knowledge.try_question()
    settle(app, 0.5)
    written.append(_grab(wizard, target / "wizard-knowledge-light.png"))
    wizard.close()
    window.close()
    window.jobs.cancel_all()
    QThreadPool.globalInstance().waitForDone(30_000)
    return written


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    for written_path in render(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots"),
                               sys.argv[2] if len(sys.argv) > 2 else None):
        log.info("wrote %s", written_path)
