"""D3 (disk space), cancel and resume, discard, housekeeping, a proxy, and what a request may log."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from app.catalog import Catalog
from app.core.entities import DownloadRecord, DownloadStatus
from app.hub import download_files as files
from app.hub.download import DownloadCancelled, DownloadError, Downloader, DownloadRequest
from tests.integration.download.conftest import leftovers, request_for
from tests.integration.download.fault_server import FaultServer
from tests.integration.download.test_faults import pause_partway
from tests.support.full_disk import small_disk

# --- D3: disk space -------------------------------------------------------------------------------


def test_d3_not_enough_space_is_refused_before_any_request(server: FaultServer, store: Path, catalog: Catalog,
                                                           make_downloader: Callable[..., Downloader]) -> None:
    free = len(server.data)  # the file alone, without the 10 % headroom
    asked: list[Path] = []

    def probe(folder: Path) -> int:
        asked.append(folder)
        return free

    request = request_for(server, store)
    with pytest.raises(DownloadError, match="Not enough disk space") as raised:
        make_downloader(free_space=probe).download(request)
    message = str(raised.value)
    assert files.human_bytes(len(server.data) * 1.1) in message and files.human_bytes(free) in message
    assert asked == [store]
    assert server.requests == []  # not one request, let alone a body byte
    assert catalog.get_download(request.key) is None and leftovers(store) == []


def test_d3_on_resume_only_the_remaining_bytes_need_room(server: FaultServer, store: Path,
                                                         make_downloader: Callable[..., Downloader]) -> None:
    request = request_for(server, store)
    kept = pause_partway(make_downloader(), request, server)
    remaining = len(server.data) - kept
    with pytest.raises(DownloadError, match="Not enough disk space"):
        make_downloader(free_space=lambda _: remaining).download(request)
    result = make_downloader(free_space=lambda _: remaining + remaining // 10).download(request)
    assert result.resumed_from == kept and result.sha256 == server.sha256


def test_d3_with_an_unknown_size_the_check_comes_before_the_body(server: FaultServer, store: Path, catalog: Catalog,
                                                                 make_downloader: Callable[..., Downloader]) -> None:
    request = request_for(server, store, size=False)
    with pytest.raises(DownloadError, match="Not enough disk space"):
        make_downloader(free_space=lambda _: 1000).download(request)
    assert Path(f"{request.target}.partial").stat().st_size == 0 and not request.target.exists()
    assert catalog.get_download(request.key).status is DownloadStatus.FAILED


def test_enospc_mid_write_is_a_clear_error_and_the_partial_stays_resumable(
        server: FaultServer, store: Path, catalog: Catalog, http_client) -> None:  # noqa: ANN001
    room = len(server.data) // 2
    request = request_for(server, store)
    with pytest.raises(DownloadError, match="the disk is full") as raised:
        small_disk(room)(catalog, client=http_client, chunk_size=16384).download(request)
    assert "kept" in str(raised.value) and "resume" in str(raised.value)
    partial = Path(f"{request.target}.partial")
    assert partial.stat().st_size == room and not request.target.exists()
    record = catalog.get_download(request.key)
    assert record.status is DownloadStatus.FAILED and record.bytes_done == room and "disk is full" in record.error
    result = Downloader(catalog, client=http_client).download(request)
    assert result.resumed_from == room and result.sha256 == server.sha256
    assert server.requests[-1].range_start == room


# --- cancel, discard ------------------------------------------------------------------------------


def test_cancel_pauses_with_the_partial_kept_and_the_next_call_resumes(
        server: FaultServer, store: Path, catalog: Catalog, make_downloader: Callable[..., Downloader]) -> None:
    request = request_for(server, store)
    kept = pause_partway(make_downloader(), request, server)
    record = catalog.get_download(request.key)
    assert record.status is DownloadStatus.PAUSED and record.bytes_done == kept and record.error is None
    assert not request.target.exists()
    seen: list[int] = []
    result = make_downloader().download(request, progress=lambda p: seen.append(p.done))
    assert result.resumed_from == kept and result.path.read_bytes() == server.data
    assert server.requests[-1].range_start == kept and server.requests[-1].status == 206
    assert seen[-1] == len(server.data) and min(seen) >= kept
    assert catalog.get_download(request.key).status is DownloadStatus.DONE


def test_cancel_while_waiting_for_another_download_of_the_same_file(
        server: FaultServer, store: Path, make_downloader: Callable[..., Downloader]) -> None:
    request = request_for(server, store)
    cancel = threading.Event()
    with files.file_lock(files.lock_path(Path(f"{request.target}.partial"))):
        threading.Timer(0.3, cancel.set).start()
        with pytest.raises(DownloadCancelled, match="waited"):
            make_downloader().download(request, cancel=cancel)
        with pytest.raises(DownloadError, match="another GPT Shelf"):
            make_downloader(lock_timeout=0.2).download(request)
    assert server.requests == []


def test_discard_removes_the_partial_and_the_record(server: FaultServer, store: Path, catalog: Catalog,
                                                    make_downloader: Callable[..., Downloader]) -> None:
    request = request_for(server, store)
    downloader = make_downloader()
    pause_partway(downloader, request, server)
    with files.file_lock(files.lock_path(Path(f"{request.target}.partial"))):  # running elsewhere
        with pytest.raises(DownloadError, match="another GPT Shelf"):
            downloader.discard(request.key)
    assert downloader.discard(request.key) is True
    assert catalog.get_download(request.key) is None and leftovers(store) == []
    assert downloader.discard(request.key) is False


# --- housekeeping ---------------------------------------------------------------------------------


def _record(key: str, target: Path, status: DownloadStatus) -> DownloadRecord:
    return DownloadRecord(key=key, url="http://127.0.0.1:9/x", target=str(target), partial=f"{target}.partial",
                          expected_sha256=None, expected_size=10, bytes_done=3, status=status)


def test_housekeeping_removes_orphans_and_leaves_live_downloads_alone(store: Path, catalog: Catalog,
                                                                      make_downloader: Callable[..., Downloader]) -> None:
    orphan = store / "orphan.partial"
    orphan.write_bytes(b"abc")
    busy = store / "busy.partial"  # no record yet: another process is just starting it
    busy.write_bytes(b"abc")
    catalog.save_download(_record("vanished", store / "vanished", DownloadStatus.PAUSED))
    catalog.save_download(_record("crashed", store / "crashed", DownloadStatus.RUNNING))
    (store / "crashed.partial").write_bytes(b"abc")
    catalog.save_download(_record("done", store / "done", DownloadStatus.DONE))
    (store / "unrelated.gguf").write_bytes(b"keep me")

    with files.file_lock(files.lock_path(busy)):
        assert make_downloader(folders=[store]).housekeeping() == 2
    assert not orphan.exists() and busy.exists() and (store / "unrelated.gguf").exists()
    assert catalog.get_download("vanished") is None
    assert catalog.get_download("crashed").status is DownloadStatus.PAUSED
    assert catalog.get_download("done").status is DownloadStatus.DONE
    assert make_downloader(folders=[store]).housekeeping() == 1  # busy is free now
    assert sorted(p.name for p in store.iterdir()) == ["crashed.partial", "unrelated.gguf"]


# --- proxy, secrets, bad requests -----------------------------------------------------------------


def test_a_proxy_is_used_when_set(server: FaultServer, store: Path, catalog: Catalog) -> None:
    # The fault server ignores the request path, so as a proxy it answers for any host.
    proxy = server.url.split("/files/")[0]
    request = DownloadRequest(key="via/proxy", url="http://hub.invalid/files/model.gguf",
                              target=store / server.sha256, expected_sha256=server.sha256, expected_size=None)
    downloader = Downloader(catalog, proxy=proxy, backoff=0.01)
    try:
        assert downloader.download(request).sha256 == server.sha256
    finally:
        downloader.close()
    assert len(server.requests) == 1


def test_a_proxy_set_later_applies_to_the_next_download(server: FaultServer, store: Path, catalog: Catalog) -> None:
    proxy = server.url.split("/files/")[0]
    request = DownloadRequest(key="later/proxy", url="http://hub.invalid/files/model.gguf",
                              target=store / server.sha256, expected_sha256=server.sha256, expected_size=None)
    downloader = Downloader(catalog, backoff=0.01, retries=0)
    try:
        downloader.set_proxy(proxy)  # as Settings does when the proxy is saved
        assert downloader.download(request).sha256 == server.sha256
        assert len(server.requests) == 1
        downloader.set_proxy(None)
        request.target.unlink()
        with pytest.raises(DownloadError):
            downloader.download(request)  # straight to hub.invalid now, which does not resolve
        assert len(server.requests) == 1
    finally:
        downloader.close()


def test_the_token_never_reaches_repr_or_logs(server: FaultServer, store: Path, caplog: pytest.LogCaptureFixture,
                                              make_downloader: Callable[..., Downloader]) -> None:
    request = request_for(server, store)
    assert "hf_secret" not in repr(request)
    with caplog.at_level(logging.DEBUG):
        make_downloader().download(request)
    assert "hf_secret" not in caplog.text


@pytest.mark.parametrize("sha", ["ABC", "A" * 64, "g" * 64])
def test_a_malformed_request_is_a_bug(sha: str, store: Path, make_downloader: Callable[..., Downloader]) -> None:
    with pytest.raises(ValueError, match="sha256"):
        make_downloader().download(DownloadRequest("k", "http://127.0.0.1:9/x", store / "x", sha, None))
