"""The app's icons: SVG files in ``resources/icons``, drawn in the current palette's colours.

The files are drawn with one mid-grey stroke (``#6b7280``) so they read anywhere as they are; at paint
time that grey is replaced by the palette's text colour (highlighted text for a selected item, the
placeholder grey when disabled), so a theme switch recolours every icon without reloading anything.
They are drawn from the vector each time at the size asked for, so they stay crisp at any device
pixel ratio (``QIcon.pixmap(size, 2.0)`` renders at twice the pixels, not a blown-up bitmap).
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QByteArray, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QIconEngine, QPainter, QPalette, QPixmap
from PySide6.QtSvg import QSvgRenderer

from app.core.paths import resources_dir

log = logging.getLogger(__name__)

STROKE = "#6b7280"
"""The placeholder colour the icon files are drawn in; replaced by the palette's colour at paint time."""

SECTION_ICONS = {"chats": "chats", "store": "store", "library": "library", "models": "models",
                 "settings": "settings"}
APP_ICON = "gptshelf"

_CLONES: list[QIconEngine] = []

_ROLES = {QIcon.Mode.Normal: QPalette.ColorRole.WindowText, QIcon.Mode.Active: QPalette.ColorRole.WindowText,
          QIcon.Mode.Selected: QPalette.ColorRole.HighlightedText,
          QIcon.Mode.Disabled: QPalette.ColorRole.PlaceholderText}


def icon_path(name: str, folder: Path | None = None) -> Path:
    return (folder or resources_dir()) / "icons" / f"{name}.svg"


class TintedSvgEngine(QIconEngine):
    """Renders one SVG at any size, its placeholder stroke swapped for the palette colour of the mode."""

    def __init__(self, svg: str, *, tint: bool = True) -> None:
        super().__init__()
        self._svg = svg
        self._tint = tint
        self._renderers: dict[str, QSvgRenderer] = {}

    def _renderer(self, mode: QIcon.Mode) -> QSvgRenderer:
        colour = self.colour(mode) if self._tint else STROKE
        renderer = self._renderers.get(colour)
        if renderer is None:
            renderer = QSvgRenderer(QByteArray(self._svg.replace(STROKE, colour).encode("utf-8")))
            self._renderers[colour] = renderer
        return renderer

    @staticmethod
    def colour(mode: QIcon.Mode) -> str:
        """The palette colour for a mode, read when painting so a theme switch applies at once."""
        palette = QGuiApplication.palette()
        return palette.color(_ROLES.get(mode, QPalette.ColorRole.WindowText)).name(QColor.NameFormat.HexRgb)

    def paint(self, painter: QPainter, rect: QRect, mode: QIcon.Mode, _state: QIcon.State) -> None:
        self._renderer(mode).render(painter, QRectF(rect))

    def pixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QPixmap:
        """A pixmap of exactly ``size`` device pixels (QIcon passes the size already scaled by the DPR)."""
        pixmap = QPixmap(size)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.paint(painter, QRect(0, 0, size.width(), size.height()), mode, state)
        painter.end()
        return pixmap

    def clone(self) -> QIconEngine:
        """Qt clones when an icon is changed in place (addPixmap/addFile). The returned engine is owned
        by that QIcon, but PySide does not hand a returned Python object's ownership to C++, so without
        a reference here Python would free it under Qt's feet; the few clones are kept for the run."""
        engine = TintedSvgEngine(self._svg, tint=self._tint)
        _CLONES.append(engine)
        return engine

    def isNull(self) -> bool:  # noqa: N802 - Qt's name
        return not self._renderer(QIcon.Mode.Normal).isValid()

    def key(self) -> str:
        return "gptshelf-tinted-svg"


def load_icon(name: str, *, tint: bool = True, folder: Path | None = None) -> QIcon:
    """The icon ``resources/icons/<name>.svg``; a null QIcon (and a warning) when the file is missing."""
    path = icon_path(name, folder)
    try:
        svg = path.read_text(encoding="utf-8")
    except OSError:
        log.warning("icon %s is missing", path)
        return QIcon()
    return QIcon(TintedSvgEngine(svg, tint=tint))


def section_icon(key: str) -> QIcon:
    """The sidebar icon of a section (``chats``, ``store``, ``library``, ``models``, ``settings``)."""
    return load_icon(SECTION_ICONS[key])


def app_icon() -> QIcon:
    """The application icon, in its own colours (it is a full-colour badge, not a tinted glyph)."""
    return load_icon(APP_ICON, tint=False)
