"""The log file, ``logs/gptshelf.log``: rotated when it would pass 2 MB, three older files kept.

This is what ``logging.handlers.RotatingFileHandler`` does, on a plain ``logging.FileHandler``:
importing ``logging.handlers`` also imports socket, pickle, selectors and queue (a dozen modules, for
handlers the app never uses), and the log is set up on every start, before the window (figure 5).
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

MAX_BYTES = 2_000_000
BACKUPS = 3


class RotatingLog(logging.FileHandler):
    """Appends to ``path``; a record that would take the file to ``max_bytes`` first moves it to
    ``path.1`` (``path.1`` to ``path.2``…, the oldest of ``backups`` dropped)."""

    def __init__(self, path: Path, *, max_bytes: int = MAX_BYTES, backups: int = BACKUPS) -> None:
        super().__init__(path, encoding="utf-8")
        self.max_bytes = max_bytes
        self.backups = backups

    def emit(self, record: logging.LogRecord) -> None:
        try:
            if self._full(record):
                self._rotate()
        except Exception:  # noqa: BLE001 - logging must never raise; the record is reported as logging does
            self.handleError(record)
            return
        super().emit(record)

    def _full(self, record: logging.LogRecord) -> bool:
        if os.path.exists(self.baseFilename) and not os.path.isfile(self.baseFilename):
            return False  # never rotate a device or a pipe
        if self.stream is None:
            self.stream = self._open()
        self.stream.seek(0, os.SEEK_END)
        return self.stream.tell() + len(self.format(record)) + 1 >= self.max_bytes

    def _rotate(self) -> None:
        self.stream.close()
        for n in range(self.backups - 1, 0, -1):
            older = f"{self.baseFilename}.{n}"
            if os.path.exists(older):
                os.replace(older, f"{self.baseFilename}.{n + 1}")
        os.replace(self.baseFilename, f"{self.baseFilename}.1")
        self.stream = self._open()
