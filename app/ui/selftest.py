"""The window part of ``gptshelf --self-test``: build and show the real main window, then close it.

An installed app most often breaks at this step (a Qt platform plugin, an image-format plugin or a
system library left out of the bundle), so the self-test opens the very window a person would see,
through the same set-up as :func:`app.ui.application.run_gui`. Where there is no screen (a Linux
machine without ``DISPLAY`` or ``WAYLAND_DISPLAY``, such as CI) it uses Qt's ``offscreen`` platform;
where there is one, the native platform is tested, since that is what a double-click will use.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass

from PySide6.QtCore import QEventLoop, QMessageLogContext, QThreadPool, QtMsgType, qInstallMessageHandler
from PySide6.QtWidgets import QApplication

from app import __version__
from app.services.container import Services
from app.ui.application import create_window, prepare_app
from app.ui.icons import app_icon

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class WindowCheck:
    platform: str
    sections: int
    opened_at: float
    """``time.time()`` when the window was first exposed (painted) on its platform."""


def platform_for(environ: Mapping[str, str], system: str) -> str | None:
    """The Qt platform to force, or None to let Qt choose: offscreen only where there is no screen."""
    if environ.get("QT_QPA_PLATFORM"):
        return None
    if system.startswith("linux") and not (environ.get("DISPLAY") or environ.get("WAYLAND_DISPLAY")):
        return "offscreen"
    return None


def open_main_window(services: Services, *, environ: MutableMapping[str, str] | None = None,
                     timeout: float = 60.0) -> WindowCheck:
    """Show the main window until its platform exposes it, then close it; raise with the reason if not."""
    environ = os.environ if environ is None else environ
    previous = qInstallMessageHandler(_qt_to_log)
    try:
        return _open(services, environ, timeout)
    finally:
        qInstallMessageHandler(previous)


def _qt_to_log(kind: QtMsgType, _context: QMessageLogContext, message: str) -> None:
    """Qt's chatter goes to the log, not between the report lines: the offscreen platform alone warns
    "This plugin does not support propagateSizeHints()" for every window. Real failures raise instead."""
    level = logging.ERROR if kind in (QtMsgType.QtCriticalMsg, QtMsgType.QtFatalMsg) else logging.INFO
    log.log(level, "Qt: %s", message)


def _open(services: Services, environ: MutableMapping[str, str], timeout: float) -> WindowCheck:
    forced = platform_for(environ, sys.platform)
    if forced:
        environ["QT_QPA_PLATFORM"] = forced  # read by QApplication below, nowhere else
    app = QApplication.instance() or QApplication([sys.argv[0]])
    app.setApplicationName("GPT Shelf")
    app.setApplicationVersion(__version__)
    app.setOrganizationName("GPT Shelf")
    app.setWindowIcon(app_icon())
    prepare_app(app, services)
    window, _starter = create_window(services)  # the starter job is not started: the test home needs none
    try:
        window.show()
        deadline = time.monotonic() + timeout
        while not (window.isVisible() and window.windowHandle() is not None and window.windowHandle().isExposed()):
            if time.monotonic() > deadline:
                raise RuntimeError(f"the main window was not shown within {timeout:g} s on the Qt platform "
                                   f"{app.platformName()!r}")
            app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        opened_at = time.time()
        app.processEvents()
        if window.grab().isNull():
            raise RuntimeError("the main window could not be drawn (an empty picture)")
        return WindowCheck(platform=app.platformName(), sections=window.sidebar.count(), opened_at=opened_at)
    finally:
        window.close()
        window.jobs.cancel_all()
        QThreadPool.globalInstance().waitForDone(30_000)
        window.deleteLater()
        app.processEvents()
