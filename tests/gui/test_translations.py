"""The interface ships in English and Simplified Chinese: every string translated, the file current."""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from app.core.paths import AppPaths, resources_dir
from app.services.container import open_services
from app.ui.i18n import install_translator
from app.ui.main_window import MainWindow

TS = resources_dir() / "translations" / "gptshelf_zh_CN.ts"
ROOT = Path(__file__).resolve().parents[2]


def sources(path: Path) -> dict[str, str]:
    """Each source string's translation; a plural one's (``%n``) is its forms, joined."""
    return {m.findtext("source"): "".join(m.find("translation").itertext()) if m.find("translation") is not None
            else "" for m in ET.parse(path).iter("message")}


def test_every_string_has_a_chinese_translation():
    missing = [source for source, text in sources(TS).items() if not text.strip()]
    assert not missing, f"untranslated: {missing[:10]} (run `make translations` and fill them in)"


def test_the_translation_file_covers_every_string_in_the_code(tmp_path):
    lupdate = Path(sys.executable).with_name("pyside6-lupdate")
    if not lupdate.exists():
        pytest.skip("pyside6-lupdate is not installed next to this Python")
    fresh = tmp_path / "fresh.ts"
    files = sorted(str(p) for p in (ROOT / "app" / "ui").rglob("*.py"))
    subprocess.run([str(lupdate), *files, "-ts", str(fresh)], check=True, capture_output=True)
    new = set(sources(fresh)) - set(sources(TS))
    assert not new, f"strings not in {TS.name}: {sorted(new)[:10]} (run `make translations`)"


def test_the_window_speaks_chinese_with_the_translator(qtbot, gptshelf_home):
    app = QApplication.instance()
    translator = install_translator(app, "zh_CN")
    assert translator is not None
    try:
        with open_services(AppPaths(gptshelf_home), install_starter=False) as services:
            window = MainWindow(services)
            qtbot.addWidget(window)
            titles = [window.sidebar.item(i).text() for i in range(window.sidebar.count())]
            assert titles == ["对话", "商店", "我的 GPT", "模型", "设置"]
            window.close()
            window.jobs.wait()
    finally:
        app.removeTranslator(translator)
