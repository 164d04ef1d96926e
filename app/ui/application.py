"""Start the GUI: one QApplication, the services, the main window; close models explicitly on exit."""

from __future__ import annotations

import logging
import sys

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal
from PySide6.QtWidgets import QApplication

from app import __version__
from app.core.paths import AppPaths
from app.services.container import Services, open_services
from app.ui.i18n import install_translator
from app.ui.main_window import MainWindow
from app.ui.theme import apply_theme

log = logging.getLogger(__name__)


class _StarterSignals(QObject):
    finished = Signal(bool)


class _StarterJob(QRunnable):
    """Assembling and registering the starter model takes seconds the first time: off the GUI thread."""

    def __init__(self, services: Services) -> None:
        super().__init__()
        self.signals = _StarterSignals()
        self._services = services

    def run(self) -> None:
        added = False
        try:
            added = self._services.starter.ensure()
        except Exception:  # noqa: BLE001 - a bug, logged; the app goes on without the starter
            log.exception("starter set-up failed")
        self.signals.finished.emit(added)


def prepare_app(app: QApplication, services: Services) -> None:
    """Theme and language from the settings, before any window is made."""
    settings = services.settings()
    apply_theme(app, settings.theme)
    app.gptshelf_translator = install_translator(app, settings.language)  # kept alive with the app


def create_window(services: Services) -> tuple[MainWindow, _StarterJob]:
    """The window and its first background job (not started, so a caller can connect to it first)."""
    window = MainWindow(services)
    job = _StarterJob(services)
    job.setAutoDelete(False)
    job.signals.finished.connect(window.on_starter_finished)
    window.starter_job = job  # keep the job and its signals alive as long as the window
    return window, job


def run_gui(paths: AppPaths) -> int:
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("GPT Shelf")
    app.setApplicationVersion(__version__)
    app.setOrganizationName("GPT Shelf")
    services = open_services(paths, install_starter=False)
    services.recover()
    prepare_app(app, services)
    window, starter = create_window(services)
    try:
        window.show()
        QThreadPool.globalInstance().start(starter)
        return app.exec()
    finally:
        window.jobs.cancel_all()
        QThreadPool.globalInstance().waitForDone(30_000)
        services.close()
