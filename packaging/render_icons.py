"""Render the app icon (``resources/icons/gptshelf.svg``) to the PNG sizes installers want.

Linux desktop entries take the SVG itself plus PNGs for launchers that want pixels; Windows (the
executables and the Inno Setup installer) wants ``.ico`` and macOS ``.icns``, which Pillow writes from
the 512 px PNG. Rendering with Qt's own SVG renderer keeps the build free of extra tools (no Inkscape,
no ImageMagick).

    python packaging/render_icons.py build/icons
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ROOT = Path(__file__).resolve().parents[1]


def render(svg: Path, out: Path) -> list[Path]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # a build machine has no screen
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    app = QGuiApplication.instance() or QGuiApplication([sys.argv[0]])
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"{svg} is not a valid SVG; the installers need the app icon.")
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for size in SIZES:
        image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter)
        painter.end()
        target = out / f"gptshelf-{size}.png"
        if not image.save(str(target)):
            raise SystemExit(f"could not write {target}")
        written.append(target)
    del app
    written += _containers(out)
    return written


def _containers(out: Path) -> list[Path]:
    """Windows' multi-size .ico and macOS' .icns, where Pillow is installed (the ``package`` extra brings
    it on those systems); a Linux build needs neither."""
    try:
        from PIL import Image
    except ImportError:
        return []
    largest = Image.open(out / "gptshelf-512.png")
    ico, icns = out / "gptshelf.ico", out / "gptshelf.icns"
    largest.save(ico, sizes=[(s, s) for s in SIZES if s <= 256])
    largest.save(icns)
    return [ico, icns]


if __name__ == "__main__":
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "build" / "icons"
    source = ROOT / "resources" / "icons" / "gptshelf.svg"
    if not source.exists():
        raise SystemExit(f"{source} is missing; the installers take the app icon from there.")
    for path in render(source, folder):
        sys.stdout.write(f"{path}\n")
