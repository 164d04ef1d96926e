"""Start the GUI: one QApplication, the services, the main window; close models explicitly on exit."""

from __future__ import annotations

import logging
import sys

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal
from PySide6.QtWidgets import QApplication

from app import __version__
from app.core.paths import AppPaths
from app.services.container import Services, open_services
from app.ui.i18n import install_translator, switch_language
from app.ui.icons import app_icon
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
    window.language_switch_requested.connect(lambda language: rebuild_window(window, language))
    job = _StarterJob(services)
    job.setAutoDelete(False)
    job.signals.finished.connect(window.on_starter_finished)
    window.starter_job = job  # keep the job and its signals alive as long as the window
    return window, job


def rebuild_window(old: MainWindow, language: str) -> MainWindow:
    """Switch the interface language by building the window again in it, where the old one stood.

    Every label is made with ``tr()`` when its widget is built, so a new window is the one place
    that gets all of them right; the old one is only asked when nothing runs in it (the caller checks).
    """
    app = QApplication.instance()
    switch_language(app, language)
    old.close()  # saves geometry and the current section, which the new window restores
    window = MainWindow(old.services, old.jobs)
    window.language_switch_requested.connect(lambda chosen: rebuild_window(window, chosen))
    app.gptshelf_window = window  # the new window outlives this call; the old one goes
    window.show()
    window.announce_language_switched()
    old.deleteLater()
    return window


def run_gui(paths: AppPaths) -> int:
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("GPT Shelf")
    app.setApplicationVersion(__version__)
    app.setOrganizationName("GPT Shelf")
    app.setWindowIcon(app_icon())  # dialogs and the task switcher too, not only the main window
    services = open_services(paths, install_starter=False)
    services.recover()
    prepare_app(app, services)
    window, starter = create_window(services)
    try:
        window.show()
        QThreadPool.globalInstance().start(starter)
        return app.exec()
    finally:
        window = getattr(app, "gptshelf_window", window)
        window.jobs.cancel_all()
        QThreadPool.globalInstance().waitForDone(30_000)
        services.close()
