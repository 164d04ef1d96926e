"""How long the GUI thread stalls while a reply streams and a download runs, against an idle window.

    python -m bench.gui_stall

A 10 ms QTimer on the GUI thread records the gap between its ticks: first for 3 s with the window
idle (the baseline, in the same run), then while the Chat page streams a reply from the starter model
(a tiny GGUF when the starter package is absent) and the store downloader fetches a 256 MiB file from
a loopback server at the same time. Prints worst and p99 gaps and the ratio to the baseline.
"""

from __future__ import annotations

import hashlib
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEventLoop, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from app.core.entities import GenerationParams  # noqa: E402
from app.core.paths import AppPaths  # noqa: E402
from app.hub.download import DownloadRequest  # noqa: E402
from app.services.container import open_services  # noqa: E402
from app.ui.main_window import MainWindow  # noqa: E402
from bench.loopback import serve_folder  # noqa: E402


class Probe:
    def __init__(self) -> None:
        self.gaps: list[float] = []
        self._last = time.perf_counter()
        self.timer = QTimer()
        self.timer.setInterval(10)
        self.timer.timeout.connect(self._tick)

    def _tick(self) -> None:
        now = time.perf_counter()
        self.gaps.append((now - self._last) * 1000)
        self._last = now

    def run(self, seconds: float) -> list[float]:
        self.gaps, self._last = [], time.perf_counter()
        self.timer.start()
        loop = QEventLoop()
        QTimer.singleShot(int(seconds * 1000), loop.quit)
        loop.exec()
        self.timer.stop()
        return self.gaps


def summary(gaps: list[float]) -> tuple[float, float]:
    ordered = sorted(gaps)
    return ordered[-1], ordered[int(len(ordered) * 0.99) - 1]


def main() -> int:
    app = QApplication.instance() or QApplication(sys.argv)
    with tempfile.TemporaryDirectory() as home, open_services(AppPaths(Path(home))) as services:
        gpts = services.gpts.list()
        if not gpts:
            from tests.support.tiny_gguf import write_tiny_llama

            model = services.models.import_gguf(write_tiny_llama(Path(home) / "tiny.gguf", context_length=4096))
            gpts = [services.gpts.create("Tiny", model.sha256)]
        gpt = services.gpts.update(gpts[0], params=GenerationParams(temperature=0.7, max_tokens=400,
                                                                    context_length=2048))
        window = MainWindow(services)
        window.show()
        probe = Probe()
        idle_worst, idle_p99 = summary(probe.run(3.0))

        served = Path(home) / "served"
        served.mkdir()
        blob = served / "blob.bin"
        blob.write_bytes(os.urandom(256 * 2**20))
        digest = hashlib.sha256(blob.read_bytes()).hexdigest()
        server, base = serve_folder(served)
        request = DownloadRequest(key="bench/blob", url=f"{base}/blob.bin",
                                  target=services.paths.ensure().store / digest, expected_sha256=digest,
                                  expected_size=blob.stat().st_size)
        downloading = threading.Thread(target=services.store.installer.downloader.download, args=(request,))
        page = window.pages["chats"]
        page.open_gpt(gpt.id)
        page.send("Tell me a long story about a lighthouse keeper.")
        downloading.start()
        busy_worst, busy_p99 = summary(probe.run(8.0))
        page.stop()
        downloading.join()
        server.shutdown()
        window.jobs.cancel_all()
        window.jobs.wait()
        window.close()
    print(f"idle:               worst {idle_worst:6.1f} ms   p99 {idle_p99:5.1f} ms")
    print(f"streaming+download: worst {busy_worst:6.1f} ms   p99 {busy_p99:5.1f} ms")
    print(f"ratio worst busy/idle {busy_worst / idle_worst:.2f}; the design limit is 50 ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
