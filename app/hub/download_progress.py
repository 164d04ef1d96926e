"""Progress reports for a download: speed as a moving average, an ETA, and at most ~10 reports a second.

Why a moving average: the instantaneous speed of a network read jumps by orders of magnitude from one
chunk to the next, so an ETA computed from it is useless; the average since the start reacts too
slowly to a network that got faster or slower. A window of the last few seconds is what browsers and
download managers show. Why a rate limit: the callback usually crosses into the GUI thread, and a
fast local network delivers thousands of chunks a second.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable

from app.core.entities import DownloadProgress

WINDOW_SECONDS = 5.0
MIN_INTERVAL = 0.1


class ProgressMeter:
    """Turns "bytes done so far" updates into rate-limited :class:`DownloadProgress` reports."""

    def __init__(self, key: str, callback: Callable[[DownloadProgress], None] | None, *,
                 clock: Callable[[], float] = time.monotonic, window: float = WINDOW_SECONDS,
                 min_interval: float = MIN_INTERVAL) -> None:
        self.key = key
        self.total: int | None = None
        self._callback = callback
        self._clock = clock
        self._window = window
        self._min_interval = min_interval
        self._samples: deque[tuple[float, int]] = deque()
        self._last_report: float | None = None
        self.reports = 0

    def restart(self, done: int) -> None:
        """Forget the speed history (the download started again from ``done``, e.g. after a restart from zero)."""
        self._samples.clear()
        self._samples.append((self._clock(), done))

    def update(self, done: int, *, force: bool = False) -> None:
        now = self._clock()
        samples = self._samples
        if not samples or done < samples[-1][1]:
            samples.clear()
        samples.append((now, done))
        while len(samples) > 2 and now - samples[1][0] >= self._window:
            samples.popleft()
        if self._callback is None:
            return
        if not force and self._last_report is not None and now - self._last_report < self._min_interval:
            return
        self._last_report = now
        self.reports += 1
        self._callback(self.snapshot(done))

    def snapshot(self, done: int) -> DownloadProgress:
        speed = self.speed()
        eta = None
        if self.total is not None and speed > 0:
            eta = max(0.0, (self.total - done) / speed)
        elif self.total is not None and done >= self.total:
            eta = 0.0
        return DownloadProgress(key=self.key, done=done, total=self.total, bytes_per_second=speed, eta_seconds=eta)

    def speed(self) -> float:
        """Bytes per second over the window (0.0 until two samples are apart in time)."""
        if len(self._samples) < 2:
            return 0.0
        (t0, d0), (t1, d1) = self._samples[0], self._samples[-1]
        if t1 <= t0:
            return 0.0
        return max(0.0, (d1 - d0) / (t1 - t0))
