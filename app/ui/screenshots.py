"""Render every screen to PNG for the README: ``python -m app.ui.screenshots DIR`` (``make screenshots``).

Runs offscreen against a throw-away data folder with the starter GPT, so the pictures show what a
new user sees: the store (list and detail), a chat whose reply was really streamed by the starter
model (a few-shot "Code Helper" GPT, so the reply has Markdown and code), My GPTs, Models and
Settings, in the light and dark themes, and the chat again in Chinese; and the wizard's Fine-tune step
with the bundled example chats checked (or, without the ``finetune`` extra, explaining how to install it).
"""

from __future__ import annotations

import logging
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEventLoop, QThreadPool, QTimer
from PySide6.QtWidgets import QApplication

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


def _grab(window: MainWindow, path: Path) -> Path:
    window.grab().save(str(path))
    return path


def make_window(services: Services) -> MainWindow:
    window = MainWindow(services)
    window.resize(*SIZE)
    window.show()
    return window


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
        window = make_window(services)
        written.append(finetune_step(app, window, helper, target))
        window.close()
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
