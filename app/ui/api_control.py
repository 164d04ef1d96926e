"""The local API server as the GUI runs it: in this process, on a background thread, while turned on.

Starting imports FastAPI and uvicorn and binds the port, and stopping waits for open streams to end, so
both run as jobs, never on the GUI thread. One control lives as long as the application (a language
switch builds a new window around the same control, and the server keeps running).
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot

from app.services.container import Services
from app.ui.jobs import Job, Jobs

log = logging.getLogger(__name__)


class ApiControl(QObject):
    """Signals: changed() when the server started or stopped (read :attr:`url`); failed(str) with the reason
    it could not start."""

    changed = Signal()
    failed = Signal(str)

    def __init__(self, services: Services, jobs: Jobs) -> None:
        super().__init__()
        self.services = services
        self.jobs = jobs
        self.server: Any = None
        self.job: Job | None = None
        self._autostarted = False

    @property
    def url(self) -> str:
        """The base URL programs use, or "" while the server is off."""
        return self.server.url if self.server is not None else ""

    @property
    def busy(self) -> bool:
        return self.job is not None

    def start_if_enabled(self) -> None:
        """At the app's start (once): serve again if the person left the API on."""
        if not self._autostarted and self.services.settings().api_enabled:
            self._autostarted = True
            self.start()

    def start(self) -> None:
        if self.server is not None or self.job is not None:
            return
        services = self.services

        def work(_report, _cancel) -> Any:  # noqa: ANN001 - Job's signature
            from app.server.config import ServerConfig  # noqa: PLC0415 - FastAPI only when the API is on
            from app.server.runner import ApiServer  # noqa: PLC0415

            server = ApiServer(services, ServerConfig.from_settings(services.settings()))
            server.start()
            return server

        self._run(Job(work, name="start API"), self._on_started)

    def stop(self) -> None:
        if self.server is None or self.job is not None:
            return
        server, self.server = self.server, None
        self._run(Job(lambda _report, _cancel: server.stop(), name="stop API"), lambda _result: None)

    def stop_now(self) -> None:
        """At exit: stop the server in this thread (its streams are cancelled; it takes a moment)."""
        server, self.server = self.server, None
        if server is not None:
            server.stop()

    def _run(self, job: Job, finished: Any) -> None:
        job.signals.finished.connect(finished)
        job.signals.failed.connect(self._on_failed)
        job.signals.done.connect(self._on_done)
        self.job = self.jobs.start(job)

    @Slot(object)
    def _on_started(self, server: Any) -> None:
        self.server = server

    @Slot(str)
    def _on_failed(self, sentence: str) -> None:
        log.warning("the local API could not start: %s", sentence)
        self.failed.emit(sentence)

    @Slot()
    def _on_done(self) -> None:
        self.job = None
        self.changed.emit()
