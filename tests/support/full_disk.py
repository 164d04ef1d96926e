"""A partial download file on a disk that fills up: writes past ``room`` bytes fail with ENOSPC.

Injected at the downloader's seam (``Downloader.open_partial``), as SQLite's own tests inject I/O errors:
the bytes that fit are written, then the write fails the way a real full disk answers.
"""

from __future__ import annotations

import errno
from pathlib import Path

from app.hub.download import Downloader


class FullDisk:
    def __init__(self, handle, room: int) -> None:  # noqa: ANN001 - a buffered binary file
        self._handle, self._room = handle, room

    def write(self, data: bytes) -> int:
        fits = max(0, self._room - self._handle.tell())
        if len(data) > fits:
            self._handle.write(data[:fits])
            raise OSError(errno.ENOSPC, "No space left on device")
        return self._handle.write(data)

    def __getattr__(self, name: str):  # noqa: ANN204
        return getattr(self._handle, name)


def small_disk(room: int) -> type[Downloader]:
    """A Downloader whose partial files sit on a disk with ``room`` bytes free."""

    class SmallDisk(Downloader):
        def open_partial(self, path: Path):  # noqa: ANN202
            return FullDisk(super().open_partial(path), room)

    return SmallDisk
