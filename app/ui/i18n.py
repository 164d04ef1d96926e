"""The interface language: English in the source, Simplified Chinese from a Qt Linguist file.

``resources/translations/gptshelf_zh_CN.ts`` is made with ``pyside6-lupdate`` from ``app/ui`` and
compiled to ``.qm`` with ``pyside6-lrelease`` (``make translations``). "system" follows the OS locale.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QLocale, QTranslator
from PySide6.QtWidgets import QApplication

from app.core.paths import resources_dir

log = logging.getLogger(__name__)

LANGUAGES = {"en": "English", "zh_CN": "简体中文"}


def resolve(language: str) -> str:
    if language in LANGUAGES:
        return language
    name = QLocale.system().name()
    return "zh_CN" if name.startswith("zh") else "en"


def install_translator(app: QApplication, language: str, folder: Path | None = None) -> QTranslator | None:
    """Load the language's translations into ``app``; the returned translator must be kept alive."""
    chosen = resolve(language)
    if chosen == "en":
        return None
    translator = QTranslator(app)
    path = (folder or resources_dir()) / "translations" / f"gptshelf_{chosen}.qm"
    if not translator.load(str(path)):
        log.warning("no translations at %s; the interface stays in English", path)
        return None
    app.installTranslator(translator)
    return translator


def switch_language(app: QApplication, language: str) -> None:
    """Replace the installed translator with ``language``'s (kept alive on ``app``).

    Widgets built afterwards come up in the new language; the main window rebuilds itself for that.
    """
    old = getattr(app, "gptshelf_translator", None)
    if old is not None:
        app.removeTranslator(old)
        old.deleteLater()
    app.gptshelf_translator = install_translator(app, language)
