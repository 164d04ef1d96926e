"""Render each section of the main window to PNG for the README: ``python -m app.ui.screenshots DIR``.

Runs offscreen against a throw-away data folder with the starter GPT and one conversation, so the
pictures show what a new user sees.
"""

from __future__ import annotations

import logging
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication  # noqa: E402

from app.core.paths import AppPaths  # noqa: E402
from app.services.container import open_services  # noqa: E402
from app.ui.application import prepare_app  # noqa: E402
from app.ui.main_window import MainWindow  # noqa: E402

log = logging.getLogger(__name__)


def render(target: Path) -> list[Path]:
    target.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication(sys.argv)
    written = []
    with tempfile.TemporaryDirectory() as home, open_services(AppPaths(Path(home))) as services:
        for gpt in services.gpts.list():
            for _ in services.chat.send(gpt.id, "Write a haiku about autumn."):
                pass
        prepare_app(app, services)
        window = MainWindow(services)
        window.resize(1100, 680)
        window.show()
        for key, name in (("library", "main-window.png"), ("chats", "chats.png"), ("models", "models.png"),
                          ("store", "store.png")):
            window.show_section(key)
            app.processEvents()
            path = target / name
            window.grab().save(str(path))
            written.append(path)
        window.close()
    return written


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    for written_path in render(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots")):
        log.info("wrote %s", written_path)
