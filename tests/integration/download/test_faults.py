"""D2: every fault the server can inject ends in the right file or a clear error, never a wrong file.

The invariant checked after every download, whatever happened: the target path either does not exist
or holds exactly the expected bytes, and the record is DONE only in the second case.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from app.catalog import Catalog
from app.core.entities import DownloadStatus
from app.core.errors import KnownError
from app.hub.download import DownloadCancelled, DownloadCorrupt, DownloadError, Downloader
from tests.integration.download.conftest import leftovers, request_for
from tests.integration.download.fault_server import FaultServer


def assert_no_wrong_file(catalog: Catalog, target: Path, sha256: str, key: str) -> bool:
    """The D1/D2 invariant; returns whether the verified file is there."""
    record = catalog.get_download(key)
    if target.exists():
        assert hashlib.sha256(target.read_bytes()).hexdigest() == sha256, "a wrong file reached the target path"
        return True
    assert record is None or record.status is not DownloadStatus.DONE, "DONE without a verified file"
    return False


def pause_partway(downloader: Downloader, request, server: FaultServer) -> int:  # noqa: ANN001
    """Download about a third of the file (throttled, so a progress report comes in time), then cancel.

    Leaves a PAUSED record and a partial file; returns the partial's size.
    """
    cancel = threading.Event()
    server.throttle = 4 * 2**20

    def progress(p) -> None:  # noqa: ANN001
        if p.done >= len(server.data) * 0.3:
            cancel.set()

    try:
        with pytest.raises(DownloadCancelled):
            downloader.download(request, progress=progress, cancel=cancel)
    finally:
        server.throttle = None
    kept = Path(str(request.target) + ".partial").stat().st_size
    assert 0 < kept < len(server.data)
    return kept


def test_a_clean_download_verifies_and_is_done(server: FaultServer, store: Path, catalog: Catalog,
                                                make_downloader: Callable[..., Downloader]) -> None:
    request = request_for(server, store)
    result = make_downloader().download(request)
    assert (result.sha256, result.size, result.resumed_from) == (server.sha256, len(server.data), 0)
    assert result.path.read_bytes() == server.data
    record = catalog.get_download(request.key)
    assert record.status is DownloadStatus.DONE and record.bytes_done == len(server.data)
    assert record.etag == server.etag and record.error is None
    assert leftovers(store) == []
    seen = server.requests[0]
    assert seen.range_start is None and seen.headers["Authorization"] == "Bearer hf_secret"
    assert seen.headers["Accept-Encoding"] == "identity"
    # A second call finds the verified file and downloads nothing.
    again = make_downloader().download(request)
    assert again == type(again)(result.path, server.sha256, len(server.data), len(server.data))
    assert len(server.requests) == 1


def test_without_an_expected_sha256_it_is_computed_and_returned(server: FaultServer, store: Path,
                                                                 make_downloader: Callable[..., Downloader]) -> None:
    result = make_downloader().download(request_for(server, store, sha=False, size=False))
    assert result.sha256 == server.sha256 and result.size == len(server.data)


def test_a_server_that_ignores_range_restarts_from_zero_instead_of_appending(
        server: FaultServer, store: Path, catalog: Catalog, make_downloader: Callable[..., Downloader]) -> None:
    request = request_for(server, store)
    downloader = make_downloader()
    kept = pause_partway(downloader, request, server)
    server.set_faults(ignore_range=True)
    result = downloader.download(request)
    assert result.resumed_from == 0 and result.path.read_bytes() == server.data
    last = server.requests[-1]
    assert last.range_start == kept and last.status == 200
    assert assert_no_wrong_file(catalog, request.target, server.sha256, request.key)


@pytest.mark.parametrize("fault", ["reset_after", "short_body"])
def test_resets_and_short_bodies_are_retried_resuming_from_disk(
        fault: str, server: FaultServer, store: Path, catalog: Catalog,
        make_downloader: Callable[..., Downloader]) -> None:
    server.set_faults(**{fault: 700_000}, times=3)
    request = request_for(server, store)
    result = make_downloader().download(request)
    assert result.path.read_bytes() == server.data
    starts = [s.range_start for s in server.requests]
    assert len(starts) == 4 and starts[0] is None
    assert all(b > a for a, b in zip([0, *starts[1:-1]], starts[1:], strict=True)), starts  # each resumed further
    assert catalog.get_download(request.key).status is DownloadStatus.DONE


def test_retries_run_out_clearly_and_the_partial_is_kept(server: FaultServer, store: Path, catalog: Catalog,
                                                         make_downloader: Callable[..., Downloader]) -> None:
    request = request_for(server, store)
    downloader = make_downloader(retries=3)
    kept = pause_partway(downloader, request, server)
    server.set_faults(reset_after=0)
    with pytest.raises(DownloadError, match="kept failing") as raised:
        downloader.download(request)
    assert "try again to resume" in str(raised.value)
    assert len(server.requests) == 1 + 4  # the paused run, then 1 try + 3 retries
    record = catalog.get_download(request.key)
    assert record.status is DownloadStatus.FAILED and record.bytes_done == kept
    assert record.error == str(raised.value)
    assert not request.target.exists()
    server.set_faults()
    assert downloader.download(request).resumed_from == kept


def test_server_errors_are_retried_and_refusals_are_not(server: FaultServer, store: Path,
                                                        make_downloader: Callable[..., Downloader]) -> None:
    server.set_faults(status=503, times=2)
    assert make_downloader().download(request_for(server, store)).sha256 == server.sha256
    assert [s.status for s in server.requests] == [503, 503, 200]

    server.set_faults(status=403)
    with pytest.raises(DownloadError, match="gated or private") as raised:
        make_downloader().download(request_for(server, store / "elsewhere", key="other/key"))
    assert isinstance(raised.value, KnownError) and len(server.requests) == 4


def test_a_flipped_bit_is_caught_by_sha256_and_nothing_is_left(server: FaultServer, store: Path, catalog: Catalog,
                                                               make_downloader: Callable[..., Downloader]) -> None:
    server.set_faults(flip_bit_at=len(server.data) // 2)
    request = request_for(server, store)
    with pytest.raises(DownloadCorrupt, match="sha256 did not match the listing") as raised:
        make_downloader().download(request)
    assert "deleted" in str(raised.value)
    assert not request.target.exists() and leftovers(store) == []
    record = catalog.get_download(request.key)
    assert record.status is DownloadStatus.FAILED and record.bytes_done == 0
    server.set_faults()
    assert make_downloader().download(request).resumed_from == 0  # starts over, and succeeds


@pytest.mark.parametrize("delta", [-1000, +1000])
@pytest.mark.parametrize("know_size", [True, False])
def test_a_wrong_content_length_never_yields_a_wrong_file(
        delta: int, know_size: bool, server: FaultServer, store: Path, catalog: Catalog,
        make_downloader: Callable[..., Downloader]) -> None:
    server.set_faults(wrong_length=delta, times=1)
    request = request_for(server, store, size=know_size)
    try:
        make_downloader().download(request)
    except DownloadError as exc:
        assert delta < 0 or know_size, "a longer announcement is a short body: retried and resumed"
        assert "bytes" in str(exc) or "sha256" in str(exc)
    assert assert_no_wrong_file(catalog, request.target, server.sha256, request.key) == (delta > 0 and not know_size)


def test_a_changed_file_restarts_from_zero_through_if_range(server: FaultServer, store: Path, catalog: Catalog,
                                                             make_downloader: Callable[..., Downloader]) -> None:
    request = request_for(server, store, sha=False, size=False)
    downloader = make_downloader()
    kept = pause_partway(downloader, request, server)
    old_etag = server.etag
    server.set_data(bytes(reversed(server.data)))  # a new upload under the same name
    result = downloader.download(request)
    # Never a mix of old and new bytes: the whole new file, from zero.
    assert result.resumed_from == 0 and result.path.read_bytes() == server.data
    last = server.requests[-1]
    assert (last.range_start, last.if_range, last.status) == (kept, old_etag, 200)
    assert catalog.get_download(request.key).etag == server.etag


def test_a_changed_file_fails_the_listing_sha256_when_one_is_expected(
        server: FaultServer, store: Path, catalog: Catalog, make_downloader: Callable[..., Downloader]) -> None:
    request = request_for(server, store)
    downloader = make_downloader()
    pause_partway(downloader, request, server)
    server.set_data(bytes(reversed(server.data)))
    with pytest.raises(DownloadCorrupt, match="sha256"):
        downloader.download(request)
    assert not assert_no_wrong_file(catalog, request.target, request.expected_sha256, request.key)


def test_a_server_that_ignores_if_range_is_caught_by_the_etag_of_its_206(
        server: FaultServer, store: Path, make_downloader: Callable[..., Downloader]) -> None:
    request = request_for(server, store, sha=False, size=False)
    downloader = make_downloader()
    kept = pause_partway(downloader, request, server)
    server.set_data(bytes(reversed(server.data)))
    server.set_faults(ignore_if_range=True)
    result = downloader.download(request)
    assert result.path.read_bytes() == server.data
    assert [(s.range_start, s.status) for s in server.requests[-2:]] == [(kept, 206), (None, 200)]


def test_a_range_that_starts_at_the_wrong_byte_restarts(server: FaultServer, store: Path,
                                                        make_downloader: Callable[..., Downloader]) -> None:
    request = request_for(server, store)
    downloader = make_downloader()
    pause_partway(downloader, request, server)
    server.set_faults(wrong_range_start=4096, times=1)
    result = downloader.download(request)
    assert result.resumed_from == 0 and result.sha256 == server.sha256
    assert server.requests[-1].range_start is None


def test_a_complete_partial_is_verified_without_downloading_again(
        server: FaultServer, store: Path, make_downloader: Callable[..., Downloader]) -> None:
    request = request_for(server, store)
    downloader = make_downloader()
    pause_partway(downloader, request, server)
    Path(str(request.target) + ".partial").write_bytes(server.data)  # as if killed just before the rename
    count = len(server.requests)
    assert downloader.download(request).resumed_from == len(server.data)
    assert len(server.requests) == count


@pytest.mark.parametrize("round_", range(20))
def test_random_faults_never_yield_a_wrong_file(round_: int, server: FaultServer, store: Path, catalog: Catalog,
                                                make_downloader: Callable[..., Downloader]) -> None:
    import random  # noqa: PLC0415

    rng = random.Random(round_)
    size = len(server.data)
    faults = rng.choice([
        {"reset_after": rng.randrange(size)}, {"short_body": rng.randrange(size)},
        {"flip_bit_at": rng.randrange(size)}, {"wrong_length": rng.choice([-1, 1]) * rng.randrange(1, 5000)},
        {"ignore_range": True}, {"wrong_range_start": rng.randrange(1, 5000)}, {"status": 500},
    ])
    server.set_faults(**faults, times=rng.randrange(1, 4))
    request = request_for(server, store, size=rng.random() < 0.7)
    downloader = make_downloader(retries=2)
    for _ in range(4):  # at most 3 faulty answers, each ends at most one call
        try:
            downloader.download(request)
            break
        except DownloadError:
            assert_no_wrong_file(catalog, request.target, server.sha256, request.key)
    assert assert_no_wrong_file(catalog, request.target, server.sha256, request.key)
    assert leftovers(store) == []
