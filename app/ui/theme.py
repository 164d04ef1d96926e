"""Light, dark or the system's look: a Fusion palette per scheme plus the shared stylesheet.

The stylesheet (``resources/styles/app.qss``) only uses palette roles, so one file serves both
schemes; the palettes here decide the colours.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

from app.core.paths import resources_dir
from app.core.settings import Theme

log = logging.getLogger(__name__)

_DARK = {
    QPalette.ColorRole.Window: "#1f2023", QPalette.ColorRole.WindowText: "#e6e6e6",
    QPalette.ColorRole.Base: "#16171a", QPalette.ColorRole.AlternateBase: "#1c1d21",
    QPalette.ColorRole.Text: "#e6e6e6", QPalette.ColorRole.Button: "#2a2b30",
    QPalette.ColorRole.ButtonText: "#e6e6e6", QPalette.ColorRole.Highlight: "#3d7bd9",
    QPalette.ColorRole.HighlightedText: "#ffffff", QPalette.ColorRole.PlaceholderText: "#8a8d93",
    QPalette.ColorRole.Mid: "#3a3c42", QPalette.ColorRole.Midlight: "#2f3136",
    QPalette.ColorRole.ToolTipBase: "#2a2b30", QPalette.ColorRole.ToolTipText: "#e6e6e6",
    QPalette.ColorRole.Link: "#6ea8ff",
}
_LIGHT = {
    QPalette.ColorRole.Window: "#f4f5f7", QPalette.ColorRole.WindowText: "#1d1f23",
    QPalette.ColorRole.Base: "#ffffff", QPalette.ColorRole.AlternateBase: "#f7f8fa",
    QPalette.ColorRole.Text: "#1d1f23", QPalette.ColorRole.Button: "#ffffff",
    QPalette.ColorRole.ButtonText: "#1d1f23", QPalette.ColorRole.Highlight: "#2f6fd6",
    QPalette.ColorRole.HighlightedText: "#ffffff", QPalette.ColorRole.PlaceholderText: "#80848c",
    QPalette.ColorRole.Mid: "#d5d8de", QPalette.ColorRole.Midlight: "#e6e8ec",
    QPalette.ColorRole.ToolTipBase: "#ffffff", QPalette.ColorRole.ToolTipText: "#1d1f23",
    QPalette.ColorRole.Link: "#2f6fd6",
}


def resolve(theme: Theme) -> Theme:
    """SYSTEM becomes LIGHT or DARK from the platform's colour scheme."""
    if theme is not Theme.SYSTEM:
        return theme
    hints = QGuiApplication.styleHints()
    return Theme.DARK if hints.colorScheme() == Qt.ColorScheme.Dark else Theme.LIGHT


def stylesheet(folder: Path | None = None) -> str:
    path = (folder or resources_dir()) / "styles" / "app.qss"
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        log.warning("stylesheet %s is missing; using Qt's defaults", path)
        return ""


_STYLE_SET = "gptshelf_fusion"
"""A property of the QApplication: Fusion has been set on it."""


def apply_theme(app: QApplication, theme: Theme) -> Theme:
    """Apply a theme to the whole application; returns the scheme actually used."""
    chosen = resolve(theme)
    if app.property(_STYLE_SET) is None:
        # Once per application: setting a style again deletes the one in use, which widgets made before
        # the first call (and holding a style sheet of their own) still point at; Qt then crashes.
        app.setStyle("Fusion")
        app.setProperty(_STYLE_SET, True)
    colours = _DARK if chosen is Theme.DARK else _LIGHT
    palette = QPalette()
    for role, colour in colours.items():
        palette.setColor(role, QColor(colour))  # every colour group
    # What is not enabled reads dimmer (a disabled button's label, a list's headings): setColor above gave
    # the disabled group the same text colours as the active one.
    dim = QColor(colours[QPalette.ColorRole.PlaceholderText])
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.WindowText, QPalette.ColorRole.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, dim)
    app.setPalette(palette)
    app.setStyleSheet(stylesheet())
    return chosen
