"""Resumable, verified downloads of large files (GGUF models) into the content-addressed store.

Why our own downloader: huggingface_hub resumes only within one process (a restart starts over) and
checks only the byte count, and the most reported failures of local-LLM apps are downloads that do
not resume and corrupt files shown as installed (docs/downloads.md lists the evidence). So:

* state lives in the catalog (``downloads`` table), bytes in ``<target>.partial`` beside the target
  (same filesystem, so the final rename is atomic);
* resume uses ``Range`` + ``If-Range``; a server that ignores the range, or a file that changed,
  restarts from zero instead of appending (see :mod:`app.hub.download_http`);
* sha256 is computed while streaming (after re-hashing what is already on disk) and the size and
  sha256 are checked before ``fsync`` + ``os.replace``; only then is the record ``DONE``. A target
  file therefore never holds unverified bytes;
* one OS lock per file, so two windows or processes never write one partial at once.

Transfer errors are retried with exponential backoff, resuming from disk; a cancelled download stays
``PAUSED`` with its partial, and ``download()`` again resumes it.
"""

from __future__ import annotations

import logging
import shutil
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Protocol


from app.core.entities import DownloadProgress, DownloadRecord, DownloadStatus
from app.core.errors import KnownError
from app.hub import download_files as files
from app.hub.download_http import make_client

if TYPE_CHECKING:
    import httpx2

log = logging.getLogger(__name__)

_HEX = frozenset("0123456789abcdef")


class DownloadState(Protocol):
    """Where download progress is kept (the catalog); the hub layer does not import it."""

    def save_download(self, record: DownloadRecord) -> DownloadRecord: ...
    def get_download(self, key: str) -> DownloadRecord | None: ...
    def list_downloads(self, status: DownloadStatus | None = None) -> list[DownloadRecord]: ...
    def delete_download(self, key: str) -> None: ...


class DownloadError(KnownError):
    """A download failed; the message says which check failed or what to do about it."""


class DownloadCorrupt(DownloadError):
    """The bytes failed a check (size, sha256, more bytes than announced): the partial file was deleted."""


class DownloadCancelled(KnownError):
    """The download was cancelled between chunks; it is PAUSED and its partial kept, so ``download()`` resumes it.

    A KnownError so that code which only knows KnownError shows a sentence, not a traceback; code that
    treats a pause as normal catches this first.
    """


@dataclass(frozen=True)
class DownloadRequest:
    """One file to fetch. ``expected_sha256=None`` means: compute it and return it, the caller decides."""

    key: str
    """Stable identity across restarts, e.g. ``"Qwen/X-GGUF@<commit>/file.gguf"``."""
    url: str
    target: Path
    expected_sha256: str | None
    expected_size: int | None
    headers: Mapping[str, str] = field(default_factory=dict, repr=False)
    """Auth and user agent (``build_hf_headers``); kept out of repr so a logged request never shows the token."""


@dataclass(frozen=True)
class DownloadResult:
    path: Path
    sha256: str
    size: int
    resumed_from: int
    """Bytes that were already on disk and kept (0: downloaded from the start; ``size``: nothing to fetch)."""


class DownloadStore(Protocol):
    """The catalog methods the downloader uses (the hub layer does not import the catalog)."""

    def save_download(self, record: DownloadRecord) -> DownloadRecord: ...
    def get_download(self, key: str) -> DownloadRecord | None: ...
    def list_downloads(self, status: DownloadStatus | None = None) -> list[DownloadRecord]: ...
    def delete_download(self, key: str) -> bool: ...


def disk_free(folder: Path) -> int:
    """Free bytes on the filesystem holding ``folder`` (the default free-space probe)."""
    return shutil.disk_usage(folder).free


class Downloader:
    """Downloads files with resume across restarts and sha256 verification; safe to share between threads.

    ``client``: an httpx2-style client (``stream(method, url, headers=, follow_redirects=, timeout=)``);
    by default huggingface_hub's shared session, or a client through ``proxy`` when one is set.
    ``chunk_size`` is the write buffer (bytes are read as the network delivers them, so cancel is quick).
    ``retries``: transfer failures in a row (no byte gained) before giving up, waiting ``backoff`` ×
    2^n seconds (at most 30) between them. ``free_space(folder)`` reports free bytes (injectable for
    tests). ``lock_timeout``: how long to wait for another process downloading the same file (None:
    as long as it takes; cancel still works). ``folders``: where :meth:`housekeeping` looks for
    orphaned partial files besides the folders of known downloads.
    """

    def __init__(self, catalog: DownloadStore, *, client: httpx2.Client | None = None, chunk_size: int = 2**20,
                 retries: int = 5, proxy: str | None = None, backoff: float = 1.0, timeout: float = 60.0,
                 free_space: Callable[[Path], int] = disk_free, lock_timeout: float | None = None,
                 folders: tuple[Path, ...] | list[Path] = (), checkpoint_seconds: float = 1.0) -> None:
        self.catalog = catalog
        self.chunk_size = max(4096, int(chunk_size))
        self.retries = max(0, int(retries))
        self.backoff = max(0.0, backoff)
        self._timeout = timeout
        self.free_space = free_space
        self.lock_timeout = lock_timeout
        self.folders = tuple(Path(f) for f in folders)
        self.checkpoint_seconds = checkpoint_seconds
        self._client = client
        self._proxy = proxy
        self._own_client: httpx2.Client | None = None
        self._client_lock = threading.Lock()

    # --- public ------------------------------------------------------------------------------------

    def download(self, request: DownloadRequest, *, progress: Callable[[DownloadProgress], None] | None = None,
                 cancel: threading.Event | None = None) -> DownloadResult:
        """Fetch ``request.url`` into ``request.target``, resuming a partial download and verifying it.

        Raises :class:`DownloadError` (a check failed, the server refused, disk full, retries ran out),
        :class:`DownloadCancelled` (``cancel`` was set: the download is PAUSED and resumable).
        """
        from app.hub.download_job import Job  # noqa: PLC0415 - the job module imports this one

        _check_request(request)
        target = Path(request.target)
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = files.partial_path(target)
        with self._locked(partial, request.key, cancel, timeout=self.lock_timeout):
            return Job(self, request, target, partial, progress, cancel).run()

    def discard(self, key: str) -> bool:
        """Forget a download: delete its partial file and its record (a finished target file stays).

        Does not wait: a download of the same file running elsewhere raises :class:`DownloadError`
        (cancel it first). Returns False when there was nothing to forget.
        """
        record = self.catalog.get_download(key)
        if record is None:
            return False
        partial = Path(record.partial)
        if not partial.parent.is_dir():  # the store folder itself is gone: only the record is left
            self.catalog.delete_download(key)
            return True
        with self._locked(partial, key, None, timeout=0):
            partial.unlink(missing_ok=True)
            self.catalog.delete_download(key)
        log.info("Discarded the download of %s", key)
        return True

    def housekeeping(self) -> int:
        """At start: delete partial files no record knows, and records (not DONE) whose partial vanished.

        A download running in another process holds its lock, so its files are left alone. Records left
        RUNNING by a crash become PAUSED. Returns how many partial files and records were removed.
        """
        records = self.catalog.list_downloads()
        known = {Path(r.partial) for r in records}
        folders = set(self.folders) | {Path(r.target).parent for r in records}
        removed = 0
        for folder in sorted(folders):
            try:
                found = sorted(folder.glob("*" + files.PARTIAL_SUFFIX))
            except OSError:
                continue
            for partial in found:
                if partial in known or not partial.is_file():
                    continue
                if self._with_lock_if_free(partial, lambda p=partial: p.unlink(missing_ok=True)):
                    log.info("Removed the orphaned partial download %s", partial)
                    removed += 1
        for record in records:
            if record.status is DownloadStatus.DONE:
                continue
            partial = Path(record.partial)
            if not partial.exists():
                if self._with_lock_if_free(partial, lambda r=record: self._forget_if_unchanged(r)):
                    removed += 1
            elif record.status is DownloadStatus.RUNNING:
                self._with_lock_if_free(partial, lambda r=record: self._pause_if_unchanged(r))
        return removed

    def set_proxy(self, proxy: str | None) -> None:
        """Use another proxy (or none) from the next download on; one running keeps its connection."""
        with self._client_lock:
            if proxy == self._proxy:
                return
            self._proxy = proxy or None
            old, self._own_client = self._own_client, None
        if old is not None:
            old.close()

    def close(self) -> None:
        """Close the proxy client this downloader made (huggingface_hub's shared session is left open)."""
        with self._client_lock:
            if self._own_client is not None:
                self._own_client.close()
                self._own_client = None

    # --- for the job -------------------------------------------------------------------------------

    @property
    def timeout(self) -> httpx2.Timeout:
        import httpx2  # noqa: PLC0415 - httpx is imported when a download starts, not with the app

        return httpx2.Timeout(self._timeout, connect=min(self._timeout, 20.0))

    def http(self) -> httpx2.Client:
        if self._client is not None:
            return self._client
        if self._proxy:
            with self._client_lock:
                if self._own_client is None:
                    self._own_client = make_client(self._proxy)
                return self._own_client
        from huggingface_hub.utils import get_session  # noqa: PLC0415 - asked per call: it can be replaced

        return get_session()

    def open_partial(self, path: Path):  # noqa: ANN201 - a buffered binary file
        """Open the partial file for writing without truncating it (a seam: tests wrap it to fail writes)."""
        mode = "r+b" if path.exists() else "w+b"
        return path.open(mode, buffering=self.chunk_size)

    # --- helpers -----------------------------------------------------------------------------------

    def _locked(self, partial: Path, key: str, cancel: threading.Event | None,  # noqa: ANN202
                timeout: float | None):
        return _TranslatedLock(files.lock_path(partial), key, timeout, cancel)

    def _with_lock_if_free(self, partial: Path, action: Callable[[], object]) -> bool:
        if not partial.parent.is_dir():
            action()
            return True
        try:
            with files.file_lock(files.lock_path(partial), wait=False):
                action()
        except files.LockBusy:
            return False
        except OSError as exc:
            log.warning("Housekeeping could not clean %s: %s", partial, exc)
            return False
        return True

    def _forget_if_unchanged(self, record: DownloadRecord) -> None:
        current = self.catalog.get_download(record.key)
        if current is not None and current.partial == record.partial and current.status is not DownloadStatus.DONE \
                and not Path(current.partial).exists():
            self.catalog.delete_download(record.key)
            log.info("Forgot the download of %s: its partial file is gone", record.key)

    def _pause_if_unchanged(self, record: DownloadRecord) -> None:
        current = self.catalog.get_download(record.key)
        if current is not None and current.status is DownloadStatus.RUNNING:
            self.catalog.save_download(replace(current, status=DownloadStatus.PAUSED,
                                               error="GPT Shelf stopped during this download."))


class _TranslatedLock:
    """The per-file lock, with its exceptions turned into this module's."""

    def __init__(self, path: Path, key: str, timeout: float | None, cancel: threading.Event | None) -> None:
        self._cm = files.file_lock(path, timeout=timeout, cancel=cancel)
        self._key = key
        self._folder = path.parent

    def __enter__(self) -> None:
        try:
            self._cm.__enter__()
        except files.LockBusy as exc:
            raise DownloadError(f"{self._key} is being downloaded by another GPT Shelf window or process; "
                                "wait for it to finish, or stop it there, and try again.") from exc
        except files.LockCancelled as exc:
            raise DownloadCancelled(f"The download of {self._key} was cancelled while it waited for another "
                                    "download of the same file.") from exc
        except OSError as exc:
            raise DownloadError(f"Cannot write to {self._folder} ({exc.strerror or exc}); check the folder's "
                                "permissions and free space.") from exc

    def __exit__(self, *exc_info: object) -> None:
        self._cm.__exit__(*exc_info)


def _check_request(request: DownloadRequest) -> None:
    """Requests come from code, not people: a malformed one is a bug, so ValueError."""
    if not request.key or not request.url:
        raise ValueError("a download needs a key and a URL")
    sha = request.expected_sha256
    if sha is not None and (len(sha) != 64 or not set(sha) <= _HEX):
        raise ValueError(f"expected_sha256 must be 64 lowercase hex digits, not {sha!r}")
    if request.expected_size is not None and request.expected_size < 0:
        raise ValueError("expected_size cannot be negative")
