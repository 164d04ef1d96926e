"""The file side of a download: the per-file OS lock, durable renames, re-hashing a partial file.

Why a lock file and not the partial itself: the partial is truncated, replaced and deleted while the
download runs, and a lock must outlive all that. Why ``flock`` and not ``lockf``: POSIX record locks
(``lockf``/``fcntl``) belong to the *process*, so two threads of one app would both "hold" them;
``flock`` locks belong to the open file, so two threads, or two processes (the GUI and the CLI),
exclude each other alike. The OS drops the lock when its holder dies, even by SIGKILL, so a crashed
download never leaves a stale lock behind.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

log = logging.getLogger(__name__)

PARTIAL_SUFFIX = ".partial"
LOCK_SUFFIX = ".lock"
_POLL_SECONDS = 0.1
_HASH_BLOCK = 4 * 2**20


def partial_path(target: Path) -> Path:
    """Where a download's bytes accumulate: beside the target, so the final rename stays on one filesystem."""
    return target.with_name(target.name + PARTIAL_SUFFIX)


def lock_path(partial: Path) -> Path:
    return partial.with_name(partial.name + LOCK_SUFFIX)


class LockBusy(Exception):
    """Another thread or process holds the lock (raised by :func:`file_lock` when it does not wait)."""


class LockCancelled(Exception):
    """The cancel event was set while waiting for the lock."""


@contextlib.contextmanager
def file_lock(path: Path, *, wait: bool = True, timeout: float | None = None,
              cancel: threading.Event | None = None) -> Iterator[None]:
    """Hold an exclusive OS lock on ``path`` (created if needed; removed on release on POSIX).

    Waiting polls, so a cancel event is honoured while another download of the same file runs.
    Raises :class:`LockBusy` when ``wait`` is false or ``timeout`` seconds pass, and
    :class:`LockCancelled` when ``cancel`` is set meanwhile.
    """
    deadline = None if timeout is None else time.monotonic() + timeout
    announced = False
    while True:
        fd = _try_lock(path)
        if fd is not None:
            break
        if not wait or (deadline is not None and time.monotonic() >= deadline):
            raise LockBusy(str(path))
        if not announced:
            log.info("Waiting for another download holding %s", path)
            announced = True
        if cancel is not None and cancel.wait(_POLL_SECONDS):
            raise LockCancelled(str(path))
        if cancel is None:
            time.sleep(_POLL_SECONDS)
    try:
        yield
    finally:
        _unlock(path, fd)


if sys.platform == "win32":  # pragma: no cover - exercised on Windows CI only
    import msvcrt

    def _try_lock(path: Path) -> int | None:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            os.close(fd)
            return None
        return fd

    def _unlock(path: Path, fd: int) -> None:
        # Windows cannot delete an open file; the empty lock file stays and housekeeping ignores it.
        try:
            os.lseek(fd, 0, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
        finally:
            os.close(fd)

else:
    import fcntl

    def _try_lock(path: Path) -> int | None:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            return None
        # The holder deletes the lock file on release. If we locked a file that was deleted meanwhile
        # (or replaced by a newer one), someone else may lock the new one: start over.
        try:
            same = os.fstat(fd).st_ino == os.stat(path).st_ino
        except FileNotFoundError:
            same = False
        if not same:
            os.close(fd)
            return _try_lock(path)
        return fd

    def _unlock(path: Path, fd: int) -> None:
        try:
            path.unlink(missing_ok=True)  # while still locked: see the inode check in _try_lock
        finally:
            os.close(fd)  # closing drops the flock


def fsync_file(handle) -> None:  # noqa: ANN001 - any binary file object
    handle.flush()
    os.fsync(handle.fileno())


def fsync_dir(folder: Path) -> None:
    """Make a rename in ``folder`` durable (POSIX); Windows has no directory handles to sync."""
    if sys.platform == "win32":  # pragma: no cover
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    except OSError as exc:  # some filesystems (network, FUSE) refuse; the rename itself already happened
        log.debug("fsync of %s skipped: %s", folder, exc)
    finally:
        os.close(fd)


def rehash(path: Path, length: int, tick: Callable[[int], None] | None = None) -> hashlib._Hash:
    """sha256 state after the first ``length`` bytes of ``path``; ``tick(done)`` after each block (it may raise to stop).

    A hashlib object cannot be saved across processes, so a resumed download re-reads what it already
    has; reading a local file is much faster than downloading it again.
    """
    digest = hashlib.sha256()
    done = 0
    with path.open("rb") as handle:
        while done < length:
            block = handle.read(min(_HASH_BLOCK, length - done))
            if not block:
                raise OSError(f"{path} is shorter than the {length} bytes it had a moment ago")
            digest.update(block)
            done += len(block)
            if tick is not None:
                tick(done)
    return digest


def human_bytes(count: float) -> str:
    """``1536`` -> ``"1.5 KiB"``: sizes in messages a person reads."""
    value = float(count)
    for unit in ("bytes", "KiB", "MiB", "GiB", "TiB"):
        if abs(value) < 1024 or unit == "TiB":
            return f"{int(value)} bytes" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} TiB"  # pragma: no cover
