"""Each download fault of the fake hub does what it says, seen by raw httpx2 and by hf_hub_download."""

from __future__ import annotations

import time
import types
from pathlib import Path

import httpx2
import pytest
from huggingface_hub import constants, file_download, hf_hub_download, hf_hub_url
from huggingface_hub.errors import HfHubHTTPError
from huggingface_hub.utils import get_session

from tests.integration.hub._util import GGUF, sha256
from tests.support.fake_hub import FakeHub
from tests.support.fake_hub_fixtures import (  # noqa: F401  (fixtures)
    fake_hub,
    fake_hub_factory,
    hf_cache,
    hf_client_isolated,
    loopback_only,
)


@pytest.fixture
def sha(fake_hub: FakeHub, monkeypatch: pytest.MonkeyPatch) -> str:
    # http_get sleeps 1 s before resuming a broken download: skip the wait, keep the behaviour.
    monkeypatch.setattr(file_download, "time", types.SimpleNamespace(sleep=lambda s: None))
    return fake_hub.add_repo("alice/tiny", {"model.gguf": GGUF})


def url(hub: FakeHub, sha: str) -> str:
    return hf_hub_url("alice/tiny", "model.gguf", revision=sha, endpoint=hub.url)


def download(hub: FakeHub, sha: str, cache: Path) -> bytes:
    return Path(hf_hub_download("alice/tiny", "model.gguf", revision=sha, endpoint=hub.url,
                                cache_dir=cache)).read_bytes()


def test_ignore_range_is_one_shot_by_default(fake_hub: FakeHub, sha: str) -> None:
    fault = fake_hub.faults.add("model.gguf", ignore_range=True)
    first = get_session().get(url(fake_hub, sha), headers={"Range": "bytes=100-"})
    assert first.status_code == 200 and first.content == GGUF
    second = get_session().get(url(fake_hub, sha), headers={"Range": "bytes=100-"})
    assert second.status_code == 206 and second.content == GGUF[100:]
    assert fault.fired == 1 and fake_hub.faults.fired("model.gguf") == 1
    assert [r.fault for r in fake_hub.requests("GET")] == ["ignore_range", None]


def test_short_body_breaks_the_stream_and_hf_retries(fake_hub: FakeHub, sha: str, hf_cache: Path) -> None:
    fake_hub.faults.add("model.gguf", short_body=1000, times=2)
    with pytest.raises(httpx2.RemoteProtocolError):
        get_session().get(url(fake_hub, sha))
    assert download(fake_hub, sha, hf_cache) == GGUF
    gets = fake_hub.requests("GET")
    # http_get reads in DOWNLOAD_CHUNK_SIZE (10 MiB) chunks and loses a partial chunk: a small file restarts.
    assert [(r.range, r.fault) for r in gets] == [(None, "short_body"), (None, "short_body"), (None, None)]


def test_short_body_resumes_from_the_last_whole_chunk(fake_hub: FakeHub, sha: str, hf_cache: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(constants, "DOWNLOAD_CHUNK_SIZE", 256)
    fake_hub.faults.add("model.gguf", short_body=1000)
    assert download(fake_hub, sha, hf_cache) == GGUF
    assert [(r.range, r.fault) for r in fake_hub.requests("GET")] == [(None, "short_body"), ("bytes=768-", None)]


def test_reset_after_kills_the_connection_and_hf_gives_up(fake_hub: FakeHub, sha: str, hf_cache: Path) -> None:
    fake_hub.faults.add("model.gguf", reset_after=2000, times=None)
    with pytest.raises(httpx2.ReadError):
        get_session().get(url(fake_hub, sha))
    # huggingface_hub 2.4.0 retries after RemoteProtocolError but not after ReadError (a TCP reset).
    with pytest.raises(httpx2.ReadError):
        download(fake_hub, sha, hf_cache)
    assert fake_hub.count("GET") == 2 and not list(hf_cache.rglob("model.gguf"))
    fake_hub.faults.clear()
    assert download(fake_hub, sha, hf_cache) == GGUF


def test_flip_bit_is_only_caught_by_a_sha256_check(fake_hub: FakeHub, sha: str, hf_cache: Path) -> None:
    fake_hub.faults.add("model.gguf", flip_bit_at=5000)
    got = download(fake_hub, sha, hf_cache)
    assert len(got) == len(GGUF) and got != GGUF and sha256(got) != sha256(GGUF)
    assert [i for i, (a, b) in enumerate(zip(got, GGUF)) if a != b] == [5000] and got[5000] ^ GGUF[5000] == 1
    fake_hub.faults.add("model.gguf", flip_bit_at=5000)
    part = get_session().get(url(fake_hub, sha), headers={"Range": "bytes=0-99"})  # byte 5000 not in range
    assert part.content == GGUF[:100] and fake_hub.faults.fired() == 2


def test_wrong_length(fake_hub: FakeHub, sha: str, hf_cache: Path) -> None:
    fake_hub.faults.add("model.gguf", wrong_length=-10)
    short = get_session().get(url(fake_hub, sha))
    assert short.content == GGUF[:-10] and short.headers["Content-Length"] == str(len(GGUF) - 10)
    fake_hub.faults.add("model.gguf", wrong_length=10)
    with pytest.raises(httpx2.RemoteProtocolError):
        get_session().get(url(fake_hub, sha))
    fake_hub.faults.add("model.gguf", wrong_length=-10)
    with pytest.raises(OSError, match="Consistency check failed"):
        download(fake_hub, sha, hf_cache)


def test_throttle_slows_the_body_and_a_reader_can_stop(fake_hub: FakeHub, sha: str) -> None:
    fake_hub.faults.add("model.gguf", throttle=20_000, times=None)
    start = time.monotonic()
    with get_session().stream("GET", url(fake_hub, sha)) as response:
        received = 0
        for chunk in response.iter_bytes():
            received += len(chunk)
            if received >= 2000:
                break  # the "killed" download
    assert time.monotonic() - start < 0.5 and received < len(GGUF)
    start = time.monotonic()
    assert get_session().get(url(fake_hub, sha)).content == GGUF
    assert time.monotonic() - start >= 0.4  # 10 kB at 20 kB/s
    assert fake_hub.faults.fired("model.gguf") == 2


def test_close_ends_a_throttled_download(fake_hub_factory) -> None:
    hub = fake_hub_factory()
    sha = hub.add_repo("alice/tiny", {"model.gguf": GGUF})
    hub.faults.add("model.gguf", throttle=1000)
    with get_session().stream("GET", url(hub, sha)) as response:
        chunks = response.iter_bytes()
        next(chunks)
        start = time.monotonic()
        hub.close()
        with pytest.raises((httpx2.RemoteProtocolError, httpx2.ReadError)):
            for _ in chunks:
                pass
    assert time.monotonic() - start < 2


def test_status_fault_and_head_is_never_faulted(fake_hub: FakeHub, sha: str, hf_cache: Path) -> None:
    fake_hub.faults.add("model.gguf", status=500, times=1)
    head = get_session().head(url(fake_hub, sha))
    assert head.status_code == 200 and fake_hub.faults.fired() == 0
    assert get_session().get(url(fake_hub, sha)).status_code == 500
    fake_hub.faults.add("model.gguf", status=503, repo_id="bob/other")  # another repo: not applied
    assert download(fake_hub, sha, hf_cache) == GGUF


def test_hf_hub_download_surfaces_a_server_error(fake_hub: FakeHub, sha: str, hf_cache: Path) -> None:
    fake_hub.faults.add("model.gguf", status=403)
    with pytest.raises(HfHubHTTPError):
        download(fake_hub, sha, hf_cache)


def test_faults_apply_on_the_cdn_too(fake_hub_factory, hf_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(file_download, "time", types.SimpleNamespace(sleep=lambda s: None))
    hub = fake_hub_factory(redirect_lfs=True)
    sha = hub.add_repo("alice/tiny", {"model.gguf": GGUF})
    hub.faults.add("model.gguf", short_body=10, repo_id="alice/tiny")
    assert download(hub, sha, hf_cache) == GGUF
    cdn = [(r.range, r.fault) for r in hub.requests("GET") if r.server == "cdn"]
    assert cdn == [(None, "short_body"), (None, None)]


def test_fault_plan_rejects_bad_modes(fake_hub: FakeHub) -> None:
    with pytest.raises(ValueError):
        fake_hub.faults.add("x", short_body=1, throttle=5)
    with pytest.raises(ValueError):
        fake_hub.faults.add("x", explode=True)
