"""The first-start offer: "Found 7 models from LM Studio and Ollama — use them?"

After the window's first paint the default folders of the other apps are scanned on a worker (GGUF
headers only, no fit check: nothing that starts an engine at start-up). When models that are not linked
yet turn up, a banner offers them; "Use them" links them all in place (hashing on a worker, with
progress), "Not now" hides it. Either answer is remembered (``import_offered``), so it is asked once;
Settings ▸ Import does the same at any time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from app.ui.jobs import Job, Jobs

if TYPE_CHECKING:
    from app.services.container import Services
    from app.services.model_scan import LinkOutcome, ScanResult


class ImportOffer(QWidget):
    """A banner, hidden until a scan finds models. Signals: linked() after models were linked."""

    linked = Signal()

    def __init__(self, services: Services, jobs: Jobs) -> None:
        super().__init__()
        self.services = services
        self.jobs = jobs
        self.job: Job | None = None
        self.result: ScanResult | None = None
        self.asked = False
        self.setObjectName("welcome")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.use_button = QPushButton(self.tr("Use them"))
        self.use_button.setObjectName("primary")
        self.use_button.clicked.connect(self.use_them)
        self.later_button = QPushButton(self.tr("Not now"))
        self.later_button.clicked.connect(self.not_now)
        row = QHBoxLayout(self)
        row.setContentsMargins(24, 12, 24, 12)
        row.addWidget(self.text, 1)
        row.addWidget(self.use_button)
        row.addWidget(self.later_button)
        self.hide()

    def start(self) -> Job | None:
        """Scan the other apps' folders unless the offer was answered before."""
        if self.asked or self.services.settings().import_offered:
            return None
        self.asked = True
        services = self.services  # the scanner is built on the worker: nothing of it on the GUI thread at start
        job = Job(lambda _report, cancel: services.scanner.scan(with_fit=False, cancel=cancel), name="first-start scan")
        job.signals.finished.connect(self._on_scanned)
        job.signals.done.connect(self._forget_job)
        self.job = self.jobs.start(job)
        return self.job

    @Slot(object)
    def _on_scanned(self, result: ScanResult) -> None:
        self.result = result
        if not result.new:
            return  # nothing to offer; a later start looks again
        self.text.setText(self.tr("Found {0} models from {1} — use them? They stay where they are: nothing is "
                                  "copied, and GPT Shelf never deletes them.").format(
            len(result.new), self._apps(result.apps())))
        self.show()

    def _apps(self, apps: list[str]) -> str:
        if len(apps) == 1:
            return apps[0]
        return self.tr("{0} and {1}").format(", ".join(apps[:-1]), apps[-1])

    @Slot()
    def use_them(self) -> Job | None:
        if self.job is not None or self.result is None:
            return None
        self._answered()
        chosen, scanner = self.result.new, self.services.scanner
        self.use_button.setEnabled(False)
        self.later_button.setEnabled(False)
        job = Job(lambda report, cancel: scanner.link_all(chosen, progress=lambda *p: report(p), cancel=cancel),
                  name="link found models")
        job.signals.progress.connect(self._on_progress)
        job.signals.finished.connect(self._on_linked)
        job.signals.failed.connect(self.text.setText)
        job.signals.done.connect(self._forget_job)
        self.job = self.jobs.start(job)
        return self.job

    @Slot(object)
    def _on_progress(self, value: tuple[str, int, int]) -> None:
        name, done, total = value
        self.text.setText(self.tr("Reading {0}: {1}%").format(name, done * 100 // max(total, 1)))

    @Slot(object)
    def _on_linked(self, outcomes: list[LinkOutcome]) -> None:
        linked = sum(1 for o in outcomes if o.result is not None)
        failed = [o for o in outcomes if o.error]
        words = self.tr("Linked {0} models; they are in Models, ready for a new GPT.").format(linked)
        if failed:
            words += " " + self.tr("{0} could not be linked (Settings ▸ Import says why).").format(len(failed))
        self.text.setText(words)
        self.later_button.setText(self.tr("Close"))
        self.later_button.setEnabled(True)
        self.use_button.hide()
        if linked:
            self.linked.emit()

    @Slot()
    def not_now(self) -> None:
        self._answered()
        if self.job is not None:
            self.job.cancel()
        self.hide()

    def _answered(self) -> None:
        if not self.services.settings().import_offered:
            self.services.catalog.save_settings(self.services.settings().updated(import_offered=True))

    @Slot()
    def _forget_job(self) -> None:
        if self.job is not None and self.job.signals is self.sender():
            self.job = None
