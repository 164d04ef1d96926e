"""Themes: changing the theme with every kind of window open must not crash Qt."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

_SCRIPT = """
import sys, tempfile
from pathlib import Path
from PySide6.QtCore import QThreadPool
from PySide6.QtWidgets import QApplication
from app.core.paths import AppPaths
from app.services.container import open_services
from app.ui.jobs import Jobs
from app.ui.main_window import MainWindow
from app.ui.theme import Theme, apply_theme
from app.ui.wizard.wizard import GPTWizard

app = QApplication(sys.argv[:1])
with tempfile.TemporaryDirectory() as folder, open_services(AppPaths(Path(folder)), install_starter=False) as services:
    jobs = Jobs(QThreadPool())
    window = MainWindow(services, jobs)
    window.show()
    wizard = GPTWizard(services, jobs, None, parent=window)  # made before any theme: widgets with own style sheets
    wizard.show()
    app.processEvents()
    for theme in (Theme.LIGHT, Theme.DARK, Theme.LIGHT):
        apply_theme(app, theme)
        app.processEvents()
    jobs.cancel_all()
    jobs.wait(30_000)
print("themes applied")
"""


def test_the_theme_changes_again_and_again_with_the_wizard_open_made_before_the_first_theme():
    """A fresh process: Qt crashed when the style was set a second time while widgets made before the
    first one (the wizard's) were alive; the style is now set once per application."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONFAULTHANDLER": "1"}
    done = subprocess.run([sys.executable, "-c", _SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0 and "themes applied" in done.stdout, done.stderr[-2000:]


def test_what_is_not_enabled_reads_dimmer_in_both_themes(qapp) -> None:
    from PySide6.QtGui import QPalette  # noqa: PLC0415

    from app.ui.theme import Theme, apply_theme  # noqa: PLC0415

    try:
        for theme in (Theme.LIGHT, Theme.DARK):
            apply_theme(qapp, theme)
            palette = qapp.palette()
            for role in (QPalette.ColorRole.Text, QPalette.ColorRole.WindowText, QPalette.ColorRole.ButtonText):
                active = palette.color(QPalette.ColorGroup.Active, role)
                disabled = palette.color(QPalette.ColorGroup.Disabled, role)
                assert disabled == palette.color(QPalette.ColorRole.PlaceholderText) != active, (theme, role)
    finally:
        apply_theme(qapp, Theme.LIGHT)
