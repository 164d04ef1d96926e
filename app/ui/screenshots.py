"""Render every screen to PNG for the README: ``python -m app.ui.screenshots DIR`` (``make screenshots``).

Runs offscreen against a throw-away data folder with the starter GPT, so the pictures show what a
new user sees: the store (list and detail), a chat whose reply was really streamed by the starter
model (a few-shot "Code Helper" GPT, so the reply has Markdown and code), My GPTs, Models and
Settings, in the light and dark themes, the chat again in Chinese, and the evals dialog after a real
run of two versions of a quiz GPT on the starter model.
"""

from __future__ import annotations

import logging
import os
import sys
import tempfile
import time
from pathlib import Path

from PySide6.QtCore import QEventLoop, QThreadPool, QTimer
from PySide6.QtWidgets import QApplication

from app.core.entities import ChatMessage, GenerationParams, Role
from app.core.paths import AppPaths
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
        if key == "store":
            window.pages["store"].open_listing("gptshelf/zh-en-translator")
            settle(app, 0.5)
            written.append(_grab(window, target / f"store-detail-{suffix}.png"))
            window.pages["store"].show_list()
    return written


def _grab(window: MainWindow, path: Path) -> Path:
    window.grab().save(str(path))
    return path


def make_window(services: Services) -> MainWindow:
    window = MainWindow(services)
    window.resize(*SIZE)
    window.show()
    return window


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


def render(target: Path) -> list[Path]:
    target.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before the QApplication; never at import time
    app = QApplication.instance() or QApplication(sys.argv)
    written: list[Path] = []
    with tempfile.TemporaryDirectory() as home, open_services(AppPaths(Path(home))) as services:
        scratchpad = services.gpts.get("Scratchpad")
        helper = services.gpts.create(
            "Code Helper", scratchpad.model_sha256, instructions="Answer with one sentence and a Python code block.",
            examples=EXAMPLES, starters=(QUESTION, "How do I read a text file?"),
            description="Short answers with code. A few-shot GPT on the starter model.",
            params=GenerationParams(temperature=0.2, max_tokens=60, context_length=2048))
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
        window.jobs.cancel_all()
        QThreadPool.globalInstance().waitForDone(30_000)
    return written


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    for written_path in render(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots")):
        log.info("wrote %s", written_path)
