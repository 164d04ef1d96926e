"""Start the GUI: one QApplication, the services, the main window; close models explicitly on exit.

What the first paint does not need waits for it (``MainWindow.first_painted``): the background jobs
the first page starts are held until then, and the starter set-up and the data folder's housekeeping
run on a worker thread after it. ``tests/gui/test_start_path.py`` checks what a start imports. A window
that is not painted soon (started minimised, say) does not hold them back for longer than
``PAINT_GRACE_MS``.
"""

from __future__ import annotations

import gc
import logging
import sys

from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import QApplication

from app import __version__
from app.core.errors import CatalogDamaged
from app.core.paths import AppPaths
from app.services.container import Services, open_services
from app.ui.i18n import install_translator, switch_language
from app.ui.icons import app_icon
from app.ui.jobs import Jobs
from app.ui.main_window import MainWindow
from app.ui.theme import apply_theme

log = logging.getLogger(__name__)

PAINT_GRACE_MS = 3000


class _StarterSignals(QObject):
    finished = Signal(bool)


class _StarterJob(QRunnable):
    """Assembling and registering the starter model takes seconds the first time: off the GUI thread.
    The data folder's housekeeping (leftover partial downloads and staging folders) goes first."""

    def __init__(self, services: Services) -> None:
        super().__init__()
        self.signals = _StarterSignals()
        self._services = services

    def run(self) -> None:
        try:
            self._services.housekeeping()
        except Exception:  # noqa: BLE001 - a bug, logged; leftovers wait for the next start
            log.exception("housekeeping of the data folder failed")
        added = False
        try:
            added = self._services.starter.ensure()
        except Exception:  # noqa: BLE001 - a bug, logged; the app goes on without the starter
            log.exception("starter set-up failed")
        self.signals.finished.emit(added)


GIL_SWITCH_SECONDS = 0.001


def share_the_gil_quickly() -> None:
    """Have a thread that holds the GIL hand it over after 1 ms when another waits, not Python's 5 ms.

    The GUI thread needs the GIL for every slot and paint it runs in Python. While a store sync parses on
    one worker thread, a download reads and hashes on another and a reply streams on a third, each GIL
    hand-over it waits for costs it up to the switch interval, and a slot that takes the GIL back dozens
    of times waits that often: bench/gui_stall.py's worst stall fell from ~480 ms to ~320 ms with 1 ms.
    The cost is more frequent switching between the worker threads (CPU-bound ones lose a little).
    """
    sys.setswitchinterval(GIL_SWITCH_SECONDS)


def prepare_app(app: QApplication, services: Services) -> None:
    """Theme and language from the settings, before any window is made."""
    settings = services.settings()
    apply_theme(app, settings.theme)
    app.gptshelf_translator = install_translator(app, settings.language)  # kept alive with the app


def create_window(services: Services, jobs: Jobs | None = None) -> tuple[MainWindow, _StarterJob]:
    """The window and its first background job (not started, so a caller can connect to it first)."""
    window = MainWindow(services, jobs)
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
    window = MainWindow(old.services, old.jobs, old.api)
    window.language_switch_requested.connect(lambda chosen: rebuild_window(window, chosen))
    app.gptshelf_window = window  # the new window outlives this call; the old one goes
    window.show()
    window.announce_language_switched()
    old.deleteLater()
    return window


def _open_or_restore(app: QApplication, paths: AppPaths) -> Services | None:
    """The services; a damaged catalog first asks whether to restore the newest backup (None: the person quit)."""
    try:
        return open_services(paths, install_starter=False)
    except CatalogDamaged as exc:
        log.error("%s", exc)
        from app.ui.catalog_restore import offer_restore  # noqa: PLC0415 - only after damage

        translator = install_translator(app, "system")  # the settings are in the damaged file
        restored = offer_restore(exc, paths)
        if translator is not None:
            app.removeTranslator(translator)  # the restored settings choose the language from here on
        if restored is None:
            return None
    return open_services(paths, install_starter=False)


def run_gui(paths: AppPaths) -> int:
    share_the_gil_quickly()
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("GPT Shelf")
    app.setApplicationVersion(__version__)
    app.setOrganizationName("GPT Shelf")
    app.setWindowIcon(app_icon())  # dialogs and the task switcher too, not only the main window
    services = _open_or_restore(app, paths)
    if services is None:
        return 1
    services.recover()
    prepare_app(app, services)
    jobs = Jobs()
    jobs.hold()  # until the first paint (see the module docstring)
    window, starter = create_window(services, jobs)
    background = [starter]

    def start_background() -> None:
        # What start-up built lives as long as the app: out of the collector's way, so that a later full
        # collection walks only what came after (each one holds the GIL, and the GUI thread waits).
        gc.freeze()
        jobs.release()
        window.offer_imports()
        while background:
            QThreadPool.globalInstance().start(background.pop())
        window.api.start_if_enabled()  # the local API, if the person left it on

    window.first_painted.connect(start_background)
    QTimer.singleShot(PAINT_GRACE_MS, window, start_background)
    try:
        window.show()
        return app.exec()
    finally:
        window = getattr(app, "gptshelf_window", window)
        window.api.stop_now()
        window.jobs.cancel_all()
        QThreadPool.globalInstance().waitForDone(30_000)
        services.close()
