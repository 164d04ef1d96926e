"""The pure parts of the downloader: the progress meter (with a fake clock) and the HTTP header rules."""

from __future__ import annotations

import httpx2
import pytest

from app.core.entities import DownloadProgress
from app.hub import download_http as http
from app.hub.download_files import human_bytes
from app.hub.download_progress import ProgressMeter


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_reports_are_rate_limited_to_about_ten_a_second() -> None:
    clock, seen = Clock(), []
    meter = ProgressMeter("k", seen.append, clock=clock)
    meter.total = 10_000
    for i in range(1, 101):  # 100 chunks over one second
        clock.now += 0.01
        meter.update(i * 100)
    assert 10 <= len(seen) <= 11
    meter.update(10_000, force=True)
    assert seen[-1].done == 10_000 and seen[-1].eta_seconds == 0.0


def test_speed_is_a_moving_average_and_eta_follows_it() -> None:
    clock, seen = Clock(), []
    meter = ProgressMeter("k", seen.append, clock=clock, window=5.0, min_interval=0)
    meter.total = 1_000_000
    done = 0
    for _ in range(100):  # 10 s at 1000 B/s
        clock.now += 0.1
        done += 100
        meter.update(done)
    assert seen[-1].bytes_per_second == pytest.approx(1000, rel=0.05)
    for _ in range(60):  # then 6 s at 10 000 B/s: the window forgets the slow part
        clock.now += 0.1
        done += 1000
        meter.update(done)
    last = seen[-1]
    assert last.bytes_per_second == pytest.approx(10_000, rel=0.05)
    assert last.eta_seconds == pytest.approx((1_000_000 - done) / last.bytes_per_second)
    assert isinstance(last, DownloadProgress) and last.key == "k" and last.total == 1_000_000


def test_an_unknown_total_has_no_eta() -> None:
    clock, seen = Clock(), []
    meter = ProgressMeter("k", seen.append, clock=clock, min_interval=0)
    meter.update(0)
    clock.now += 1
    meter.update(500)
    assert seen[-1].eta_seconds is None and seen[-1].bytes_per_second == 500


@pytest.mark.parametrize(("value", "expected"), [
    ("bytes 100-199/1000", http.ContentRange(100, 199, 1000)),
    ("bytes 0-0/*", http.ContentRange(0, 0, None)),
    ("bytes 100-99/1000", None), ("bytes 0-1000/1000", None), ("bytes */1000", None), ("items 0-1/2", None),
    ("", None), (None, None),
])
def test_content_range(value: str | None, expected: http.ContentRange | None) -> None:
    assert http.parse_content_range(value) == expected


def test_resume_headers_replace_the_callers_range_and_send_if_range() -> None:
    headers = http.request_headers({"Authorization": "Bearer t", "range": "bytes=5-"}, 100, '"abc"')
    assert headers == {"Authorization": "Bearer t", "Accept-Encoding": "identity", "Range": "bytes=100-",
                       "If-Range": '"abc"'}
    assert http.request_headers({}, 0, '"abc"') == {"Accept-Encoding": "identity"}


def test_only_strong_etags_are_used() -> None:
    def response(etag: str) -> httpx2.Response:
        return httpx2.Response(200, headers={"ETag": etag})

    assert http.strong_etag(response('"abc"')) == '"abc"'
    assert http.strong_etag(response('W/"abc"')) is None
    assert http.unsatisfied_total("bytes */1234") == 1234


def test_human_bytes() -> None:
    assert [human_bytes(n) for n in (0, 1023, 1536, 5 * 2**30)] == ["0 bytes", "1023 bytes", "1.5 KiB", "5.0 GiB"]
