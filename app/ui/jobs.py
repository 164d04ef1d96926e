"""Running slow work off the GUI thread, and hearing back on it.

Every slow call (network, model load, generation, hashing, big queries) runs as a :class:`Job` on
a thread pool; its result, error and progress come back through queued signals, so only the GUI
thread touches widgets (DESIGN §5). Known errors arrive as their sentence; bugs are logged with the
traceback and arrive as a short "internal error" sentence.

    job = Job(lambda report, cancel: services.store.sync(progress=report, cancel=cancel))
    job.signals.finished.connect(self._on_sync_finished)
    job.signals.failed.connect(self._on_sync_failed)
    jobs.start(job)
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from app.core.errors import KnownError

log = logging.getLogger(__name__)


class JobSignals(QObject):
    """Signals:
        progress(object): whatever the work passed to ``report``
        finished(object): the work's return value
        failed(str): a sentence for the person
        done(): after finished or failed, always
    """

    progress = Signal(object)
    finished = Signal(object)
    failed = Signal(str)
    done = Signal()


class Job(QRunnable):
    """``work(report, cancel)``: ``report(value)`` emits progress; ``cancel`` is a threading.Event."""

    def __init__(self, work: Callable[[Callable[[Any], None], threading.Event], Any], *, name: str = "job") -> None:
        super().__init__()
        self.setAutoDelete(False)
        self.signals = JobSignals()
        self.cancel_event = threading.Event()
        self.name = name
        self._work = work

    def cancel(self) -> None:
        self.cancel_event.set()

    def run(self) -> None:
        try:
            result = self._work(self.signals.progress.emit, self.cancel_event)
        except KnownError as exc:
            self.signals.failed.emit(str(exc))
        except Exception as exc:  # noqa: BLE001 - a bug: logged with its traceback, shown briefly
            log.exception("background job %s failed", self.name)
            self.signals.failed.emit(f"Internal error ({type(exc).__name__}); details are in the log.")
        else:
            self.signals.finished.emit(result)
        finally:
            self.signals.done.emit()


class Jobs:
    """The app's background jobs: started on a pool, kept alive until they finish, waited for at exit.

    While held (:meth:`hold`), started jobs wait and begin at :meth:`release`: the application holds
    them until its window has painted, so the first paint does not share two cores with, say, the
    store's free-memory probe (which starts an engine process) or the settings' folder-size walk.
    """

    def __init__(self, pool: QThreadPool | None = None) -> None:
        self._pool = pool or QThreadPool.globalInstance()
        self._running: set[Job] = set()
        self._held: list[Job] | None = None

    def start(self, job: Job) -> Job:
        self._running.add(job)
        job.signals.done.connect(lambda: self._running.discard(job))
        if self._held is not None:
            self._held.append(job)
        else:
            self._pool.start(job)
        return job

    def hold(self) -> None:
        """Keep jobs started from now on waiting until :meth:`release`."""
        if self._held is None:
            self._held = []

    def release(self) -> None:
        """Start the held jobs, in the order they were started, and stop holding."""
        held, self._held = self._held or [], None
        for job in held:
            self._pool.start(job)

    @property
    def active(self) -> int:
        """How many jobs have not finished yet."""
        return len(self._running)

    def cancel_all(self) -> None:
        for job in list(self._running):
            job.cancel()

    def wait(self, milliseconds: int = 30_000) -> bool:
        return self._pool.waitForDone(milliseconds)
