"""One run of one download, under its file lock: resume point, preflight, transfer with retries, verify, rename.

The order matters and is the point of this module:

1. A target that already holds the expected bytes is reported done (a DONE record is trusted; any
   other target file is re-hashed). Nothing is downloaded.
2. The resume point is the partial's size on disk, when a record for the same expected file exists.
   With no expected sha256 to catch a garbled tail after a power cut, only the bytes last recorded as
   fsynced count. Bytes beyond the resume point are truncated.
3. Free space is checked before any request when the size is known (else right after the headers,
   before the body): at least the remaining bytes + 10 %.
4. Bytes already on disk are re-hashed, then each chunk is hashed as it is written.
5. Transfer failures are retried with backoff, resuming from disk; ``retries`` failures in a row
   without a byte gained end the download (partial kept, status FAILED).
6. Size and sha256 are checked; a mismatch deletes the partial (:class:`DownloadCorrupt`). Then
   fsync, ``os.replace`` into the target, fsync the folder, and only then the record becomes DONE.
"""

from __future__ import annotations

import errno
import hashlib
import logging
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import httpx2
from huggingface_hub.errors import OfflineModeIsEnabled

from app.core.entities import DownloadProgress, DownloadRecord, DownloadStatus
from app.hub import download_files as files
from app.hub import download_http as http
from app.hub.download import DownloadCancelled, DownloadCorrupt, DownloadError, DownloadRequest, DownloadResult
from app.hub.download_progress import ProgressMeter

if TYPE_CHECKING:
    from app.hub.download import Downloader

log = logging.getLogger(__name__)

_MAX_BACKOFF = 30.0
_FULL_DISK = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}


class _Retry(Exception):
    """A transient failure of one attempt (a 5xx, a range the server got wrong): try again."""


class Job:
    def __init__(self, owner: Downloader, request: DownloadRequest, target: Path, partial: Path,
                 progress: Callable[[DownloadProgress], None] | None, cancel: threading.Event | None) -> None:
        self.d = owner
        self.request = request
        self.key = request.key
        self.target = target
        self.partial = partial
        self.cancel = cancel
        self.meter = ProgressMeter(request.key, progress)
        self.meter.total = request.expected_size
        self.total = request.expected_size
        self.offset = 0
        self.durable = 0
        self.etag: str | None = None
        self.hasher = hashlib.sha256()
        self.handle = None
        self.started = False
        self.resumed_from = 0
        self._last_checkpoint = time.monotonic()

    def run(self) -> DownloadResult:
        try:
            self._check_cancel()
            done = self._already_there()
            if done is not None:
                return done
            self._resume_point()
            self._preflight(self.total)
            self.started = True
            self._save(DownloadStatus.RUNNING)
            self.handle = self.d.open_partial(self.partial)
            self.handle.seek(self.offset)
            self.handle.truncate()
            if self.offset:
                log.info("Resuming %s from %s", self.key, files.human_bytes(self.offset))
            self.hasher = files.rehash(self.partial, self.offset, self._hash_tick)
            self.resumed_from = self.offset
            self.meter.restart(self.offset)
            self._transfer()
            return self._finish()
        except DownloadCancelled:
            self._stop(DownloadStatus.PAUSED, None)
            raise
        except DownloadCorrupt as exc:
            self._close()
            self.partial.unlink(missing_ok=True)
            self.offset = self.durable = 0
            self._stop(DownloadStatus.FAILED, str(exc))
            log.warning("%s", exc)
            raise
        except DownloadError as exc:
            self._stop(DownloadStatus.FAILED, str(exc))
            log.warning("%s", exc)
            raise
        except OSError as exc:
            error = self._disk_error(exc)
            self._stop(DownloadStatus.FAILED, str(error))
            log.warning("%s", error)
            raise error from exc
        except Exception as exc:
            self._stop(DownloadStatus.FAILED, f"Unexpected error: {exc!r}")
            raise
        finally:
            self._close()

    # --- before the transfer -----------------------------------------------------------------------

    def _already_there(self) -> DownloadResult | None:
        if not self.target.is_file():
            return None
        size = self.target.stat().st_size
        wanted_sha, wanted_size = self.request.expected_sha256, self.request.expected_size
        if wanted_size is not None and size != wanted_size:
            log.warning("%s has %d bytes, not %d: downloading it again", self.target, size, wanted_size)
            return None
        record = self.d.catalog.get_download(self.key)
        if (record is not None and record.status is DownloadStatus.DONE and record.target == str(self.target)
                and record.expected_sha256 and wanted_sha in (None, record.expected_sha256)
                and record.bytes_done == size):
            self.meter.update(size, force=True)
            return DownloadResult(self.target, record.expected_sha256, size, size)
        if wanted_sha is None:
            return None
        digest = files.rehash(self.target, size, self._hash_tick).hexdigest()
        if digest != wanted_sha:
            log.warning("%s holds other bytes than %s expects: downloading it again", self.target, self.key)
            return None
        self.offset = self.durable = size
        self._save(DownloadStatus.DONE, sha256=digest)
        self.partial.unlink(missing_ok=True)
        self.meter.update(size, force=True)
        return DownloadResult(self.target, digest, size, size)

    def _resume_point(self) -> None:
        record = self.d.catalog.get_download(self.key)
        on_disk = self.partial.stat().st_size if self.partial.is_file() else 0
        if (record is None or record.status is DownloadStatus.DONE or record.partial != str(self.partial)
                or record.expected_sha256 != self.request.expected_sha256
                or record.expected_size != self.request.expected_size):
            if on_disk:
                log.info("Starting %s from zero: the partial file on disk belongs to no matching download", self.key)
            return
        self.etag = record.etag
        offset = on_disk if self.request.expected_sha256 else min(on_disk, record.bytes_done)
        if self.total is not None and offset > self.total:
            offset = 0
        self.offset = self.durable = offset

    def _preflight(self, total: int | None) -> None:
        if total is None:
            return
        remaining = max(0, total - self.offset)
        needed = remaining + remaining // 10
        if not remaining:
            return
        try:
            free = self.d.free_space(self.target.parent)
        except OSError as exc:
            log.warning("Could not read the free space of %s: %s", self.target.parent, exc)
            return
        if free < needed:
            raise DownloadError(
                f"Not enough disk space for {self.key}: {files.human_bytes(needed)} are needed "
                f"({files.human_bytes(remaining)} left to download plus 10 %) but only {files.human_bytes(free)} "
                f"are free in {self.target.parent}. Free some space and try again.")

    # --- the transfer ------------------------------------------------------------------------------

    def _transfer(self) -> None:
        failures = 0
        while self.total is None or self.offset != self.total:
            before = self.offset
            try:
                if self._attempt():
                    return
                reason = "the server closed the connection before the end of the file"
            except _Retry as exc:
                reason = str(exc)
            except httpx2.TransportError as exc:
                reason = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
            failures = 1 if self.offset > before else failures + 1
            if failures > self.d.retries:
                raise DownloadError(
                    f"The download of {self.key} kept failing ({reason}). The {files.human_bytes(self.offset)} "
                    "downloaded so far are kept: check your connection and try again to resume.")
            delay = min(_MAX_BACKOFF, self.d.backoff * 2 ** (failures - 1))
            log.warning("Download of %s interrupted (%s); retry %d of %d in %.1f s", self.key, reason, failures,
                        self.d.retries, delay)
            self._checkpoint()
            if self.cancel is not None:
                self.cancel.wait(delay)
            else:
                time.sleep(delay)
            self._check_cancel()

    def _attempt(self) -> bool:
        """One request; True when the whole file is on disk."""
        headers = http.request_headers(self.request.headers, self.offset, self.etag)
        try:
            with self.d.http().stream("GET", self.request.url, headers=headers, follow_redirects=True,
                                      timeout=self.d.timeout) as response:
                return self._receive(response)
        except OfflineModeIsEnabled as exc:
            raise DownloadError(f"Cannot download {self.key}: offline mode is on (HF_HUB_OFFLINE).") from exc
        except httpx2.TransportError:
            raise
        except httpx2.RequestError as exc:  # too many redirects, a body that cannot be decoded...
            raise DownloadError(f"The download of {self.key} failed ({type(exc).__name__}: {exc}).") from exc

    def _receive(self, response: httpx2.Response) -> bool:
        status = response.status_code
        if status == 416 and self.offset:
            size = http.unsatisfied_total(response.headers.get("Content-Range"))
            if size == self.offset and self.request.expected_size in (None, size):
                self.total = size
                return True
            self._restart()
            raise _Retry("the server could not resume at the partial's end (HTTP 416); restarting from zero")
        if status in http.RETRY_STATUSES:
            raise _Retry(f"HTTP {status}")
        if status >= 400:
            raise DownloadError(http.refusal_sentence(status, self.key))
        if status not in (200, 206):
            raise _Retry(f"unexpected HTTP {status}")
        etag = http.strong_etag(response)
        if status == 206:
            span = http.parse_content_range(response.headers.get("Content-Range"))
            problem = ("no valid Content-Range" if span is None
                       else f"it started at byte {span.start}, not {self.offset}" if span.start != self.offset
                       else "a compressed body" if http.encoded(response)
                       else "the file changed (new ETag)" if self.etag and etag and etag != self.etag else None)
            if problem:
                self._restart()
                raise _Retry(f"the server's partial answer had {problem}; restarting from zero")
            announced = span.total if span is not None else None
        else:
            if self.offset:
                log.info("The server sent all of %s (it ignored the range, or the file changed): restarting from zero",
                         self.key)
                self._restart()
            announced = None if http.encoded(response) else http.content_length(response)
        expected = self.request.expected_size
        if expected is not None and announced is not None and announced != expected:
            raise DownloadCorrupt(
                f"The server's copy of {self.key} has {announced} bytes but the listing says {expected}; nothing was "
                "installed. The listing may be out of date: sync the store and try again.")
        if self.total is None and announced is not None:
            self.total = self.meter.total = announced
            self._preflight(announced)
        if etag != self.etag:
            self.etag = etag
            self._save(DownloadStatus.RUNNING)
        return self._body(response)

    def _body(self, response: httpx2.Response) -> bool:
        limit = self.total
        for chunk in response.iter_bytes():
            if not chunk:
                continue
            self._check_cancel()
            if limit is not None and self.offset + len(chunk) > limit:
                raise DownloadCorrupt(f"The server sent more than the {limit} bytes of {self.key}; the partial "
                                      "download was deleted. Try again.")
            self.handle.write(chunk)
            self.hasher.update(chunk)
            self.offset += len(chunk)
            self.meter.update(self.offset)
            if time.monotonic() - self._last_checkpoint >= self.d.checkpoint_seconds:
                self._checkpoint()
                self._save(DownloadStatus.RUNNING)
        return limit is None or self.offset == limit

    def _restart(self) -> None:
        """Throw away the partial's bytes: what follows starts at byte 0."""
        self.handle.seek(0)
        self.handle.truncate()
        self.offset = self.durable = self.resumed_from = 0
        self.hasher = hashlib.sha256()
        self.meter.restart(0)

    # --- after the transfer ------------------------------------------------------------------------

    def _finish(self) -> DownloadResult:
        files.fsync_file(self.handle)
        self.handle.close()
        self.handle = None
        size = self.partial.stat().st_size
        expected_size, expected_sha = self.request.expected_size, self.request.expected_sha256
        if size != self.offset or (expected_size is not None and size != expected_size):
            raise DownloadCorrupt(f"The downloaded file of {self.key} has {size} bytes, not "
                                  f"{expected_size if expected_size is not None else self.offset}: it was deleted; "
                                  "try again.")
        digest = self.hasher.hexdigest()
        if expected_sha is not None and digest != expected_sha:
            raise DownloadCorrupt(f"The file's sha256 did not match the listing for {self.key} (expected "
                                  f"{expected_sha[:12]}…, got {digest[:12]}…): it was deleted; try again.")
        os.replace(self.partial, self.target)
        files.fsync_dir(self.target.parent)
        self.durable = size
        self._save(DownloadStatus.DONE, sha256=digest)
        self.meter.update(size, force=True)
        log.info("Downloaded %s (%s, sha256 %s…)", self.key, files.human_bytes(size), digest[:12])
        return DownloadResult(self.target, digest, size, self.resumed_from)

    # --- state -------------------------------------------------------------------------------------

    def _checkpoint(self) -> None:
        """Flush (and, with no sha256 to verify later, fsync) so ``bytes_done`` never runs ahead of the disk."""
        self._last_checkpoint = time.monotonic()
        if self.handle is None:
            return
        if self.request.expected_sha256 is None:
            files.fsync_file(self.handle)
        else:
            self.handle.flush()
        self.durable = self.offset

    def _stop(self, status: DownloadStatus, error: str | None) -> None:
        """Record where a download stopped; never hides the exception that stopped it."""
        if not self.started:
            return
        try:
            if self.handle is not None:
                files.fsync_file(self.handle)
                self.durable = self._on_disk()  # a failed write may have stored part of its chunk
        except OSError as exc:
            log.debug("Could not flush %s: %s", self.partial, exc)
        try:
            self.offset = self.durable
            self._save(status, error)
        except Exception:  # noqa: BLE001 - the disk may be full for the catalog too; the caller sees the cause
            log.exception("Could not record the state of the download of %s", self.key)

    def _save(self, status: DownloadStatus, error: str | None = None, sha256: str | None = None) -> None:
        self.d.catalog.save_download(DownloadRecord(
            key=self.key, url=self.request.url, target=str(self.target), partial=str(self.partial),
            expected_sha256=sha256 or self.request.expected_sha256, expected_size=self.request.expected_size,
            bytes_done=self.durable if status is not DownloadStatus.DONE else self.offset, status=status,
            error=error, etag=self.etag,
        ))

    def _close(self) -> None:
        if self.handle is not None:
            handle, self.handle = self.handle, None
            try:
                handle.close()
            except OSError as exc:  # a failed final flush (disk full): the bytes before it are on disk
                log.debug("Closing %s: %s", self.partial, exc)

    def _on_disk(self) -> int:
        try:
            return self.partial.stat().st_size
        except OSError:
            return 0

    def _check_cancel(self) -> None:
        if self.cancel is not None and self.cancel.is_set():
            raise DownloadCancelled(f"The download of {self.key} was paused at {files.human_bytes(self.offset)}; "
                                    "start it again to resume.")

    def _hash_tick(self, done: int) -> None:
        self.meter.update(done)
        self._check_cancel()

    def _disk_error(self, exc: OSError) -> DownloadError:
        if exc.errno in _FULL_DISK or exc.errno == errno.EFBIG:
            what = ("the disk is full" if exc.errno in _FULL_DISK
                    else "the file is too large for this disk's filesystem (FAT32 holds at most 4 GiB a file)")
            return DownloadError(
                f"The download of {self.key} stopped because {what} ({self.target.parent}). The "
                f"{files.human_bytes(self._on_disk())} downloaded so far are kept: free some space and try again "
                "to resume, or discard the download.")
        return DownloadError(f"The download of {self.key} could not use {self.partial} ({exc.strerror or exc}); "
                             "check the disk and the folder's permissions, then try again.")
