"""A child process that starts the GUI (or a bare PySide6 window) and reports when its window painted.

    python -m bench.app_probe gptshelf|bare [--idle SECONDS]

Used by bench.cold_start (figure 5) and bench.memory (figure 7). Both kinds of window get the same
probe: an application-wide event filter that notes the main window's first Paint event, then, once
that paint is done (the next event-loop turn), prints one JSON line with ``time.monotonic()`` (the
parent compares it with its own clock: one clock on Linux for every process) and the process's RSS
(after ``--idle`` seconds with the window open, when given). Then it quits the app normally, so the
catalog is closed cleanly as after a person's own quit. The app's own entry point,
``app.cli.main.main([])``, runs unchanged; the probe only creates the QApplication first (which the
app then uses) so it can watch it.
"""

from __future__ import annotations

import json
import sys
import time

import psutil
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow


class PaintProbe(QObject):
    def __init__(self, idle: float) -> None:
        super().__init__()
        self._idle = idle
        self._seen = False
        self._painted_at = 0.0

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if not self._seen and event.type() == QEvent.Type.Paint and isinstance(watched, QMainWindow):
            self._seen = True
            QTimer.singleShot(0, self._painted)
        return False

    def _painted(self) -> None:
        self._painted_at = time.monotonic()
        if self._idle <= 0:
            self._report()
        else:
            QTimer.singleShot(int(self._idle * 1000), self._report)

    def _report(self) -> None:
        rss = psutil.Process().memory_info().rss
        print(json.dumps({"painted": self._painted_at, "rss": rss, "idle": self._idle}), flush=True)
        # Quit as a person would (the app closes its catalog cleanly, as the next start expects); the
        # parent has its figure already, so how long quitting takes is not part of it.
        QApplication.instance().quit()


def main() -> int:
    kind = sys.argv[1]
    idle = float(sys.argv[3]) if len(sys.argv) > 3 and sys.argv[2] == "--idle" else 0.0
    app = QApplication(sys.argv[:1])
    probe = PaintProbe(idle)
    app.installEventFilter(probe)
    if kind == "bare":
        window = QMainWindow()
        window.setWindowTitle("bare")
        window.resize(1100, 720)
        window.show()
        return app.exec()
    from app.cli.main import main as gptshelf  # noqa: PLC0415 - the start path being measured

    return gptshelf([])


if __name__ == "__main__":
    sys.exit(main())
