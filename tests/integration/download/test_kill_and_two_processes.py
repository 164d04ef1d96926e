"""D1: a download process SIGKILLed at 20 random byte offsets resumes each time and ends verified.
D4: two processes (and two threads) downloading the same file at once make one verified file.

The child processes use the downloader's default HTTP client, huggingface_hub's shared session.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from app.catalog import Catalog
from app.core.entities import DownloadStatus
from app.hub.download import Downloader
from tests.integration.download.conftest import leftovers, request_for
from tests.integration.download.fault_server import FaultServer

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")

ROOT = Path(__file__).resolve().parents[3]
KILLS = 20
SIZE = 2 * 2**20 + 777
THROTTLE = 2 * 2**20  # bytes/s: the whole file takes about a second


def child(catalog: Catalog, server: FaultServer, target: Path, key: str) -> subprocess.Popen[str]:
    job = {"database": str(catalog.path), "backups": str(catalog.path.parent / "backups"), "url": server.url,
           "target": str(target), "sha256": server.sha256, "size": len(server.data), "key": key,
           "chunk_size": 8192}
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HF_HUB_OFFLINE", "HF_TOKEN"))}
    env.update(PYTHONPATH=str(ROOT), HF_HUB_DISABLE_TELEMETRY="1")
    return subprocess.Popen([sys.executable, "-m", "tests.integration.download.child_download", json.dumps(job)],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def size_of(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


def check_invariant(catalog: Catalog, target: Path, sha256: str, key: str) -> None:
    record = catalog.get_download(key)
    if target.exists():
        assert hashlib.sha256(target.read_bytes()).hexdigest() == sha256, "a wrong file at the target path"
    elif record is not None:
        assert record.status is not DownloadStatus.DONE, "DONE without a verified file"


def test_d1_sigkill_at_random_offsets_resumes_and_verifies(make_server: Callable[..., FaultServer],
                                                           catalog: Catalog, store: Path) -> None:
    server = make_server(random.Random(1).randbytes(SIZE), throttle=THROTTLE)
    target = store / server.sha256
    partial = Path(f"{target}.partial")
    key = "alice/Kill-GGUF@c0ffee/model.gguf"
    rng = random.Random(7)
    offsets = sorted(rng.randrange(1, SIZE) for _ in range(KILLS))
    restarts: list[int] = []  # partial size when each new child started
    killed_at: list[int] = []
    for offset in offsets:
        start = size_of(partial)
        restarts.append(start)
        goal = max(offset, start + 8192)  # each child must get somewhere before it dies
        proc = child(catalog, server, target, key)
        deadline = time.monotonic() + 20
        while size_of(partial) < goal and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.002)
        os.kill(proc.pid, signal.SIGKILL)
        proc.communicate()
        killed_at.append(size_of(partial))
        check_invariant(catalog, target, server.sha256, key)
        if target.exists():
            break  # the child finished before the kill landed
    final = child(catalog, server, target, key)
    out, err = final.communicate(timeout=60)
    assert final.returncode == 0, err
    assert out.split()[-3:-1] == ["done", server.sha256]

    assert hashlib.sha256(target.read_bytes()).hexdigest() == server.sha256
    record = catalog.get_download(key)
    assert record.status is DownloadStatus.DONE and record.bytes_done == SIZE
    assert leftovers(store) == []
    # Resumes really resumed: each child that found a partial asked for exactly the bytes after it.
    asked = {s.range_start for s in server.requests if s.range_start}
    resumed = [r for r in restarts[1:] + [killed_at[-1]] if 0 < r < SIZE]
    assert resumed and set(resumed) <= asked, (resumed, sorted(asked))
    assert len(resumed) >= KILLS // 2
    assert all(s.status == 206 for s in server.requests if s.range_start)
    print(f"\nD1: {len(killed_at)} kills at {killed_at}, {len(resumed)} resumed with Range, "
          f"{len(server.requests)} requests, 0 wrong files")


@pytest.mark.parametrize("round_", range(3))
def test_d4_two_processes_downloading_one_file_make_one_verified_file(
        round_: int, make_server: Callable[..., FaultServer], catalog: Catalog, store: Path) -> None:
    server = make_server(random.Random(round_).randbytes(SIZE // 2), throttle=2 * 2**20)  # ~0.5 s: they overlap
    target = store / server.sha256
    key = f"alice/Two-GGUF@{round_}/model.gguf"
    procs = [child(catalog, server, target, key) for _ in range(2)]
    outputs = [p.communicate(timeout=60) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    assert all(f"done {server.sha256}" in out for out, _ in outputs)
    resumed = sorted(int(out.split()[-1]) for out, _ in outputs)
    assert resumed == [0, len(server.data)]  # one downloaded it; the other found it verified
    assert hashlib.sha256(target.read_bytes()).hexdigest() == server.sha256
    assert len(server.requests) == 1, "the second process waited, then found the verified file"
    assert leftovers(store) == []
    assert catalog.get_download(key).status is DownloadStatus.DONE


def test_d4_two_threads_downloading_one_file_make_one_verified_file(
        make_server: Callable[..., FaultServer], payload: bytes, store: Path,
        make_downloader: Callable[..., Downloader]) -> None:
    server = make_server(payload, throttle=8 * 2**20)
    request = request_for(server, store)
    results: list[object] = []
    started = threading.Barrier(2)

    def run() -> None:
        started.wait()
        results.append(make_downloader().download(request))

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(results) == 2 and {r.sha256 for r in results} == {server.sha256}
    assert sorted(r.resumed_from for r in results) == [0, len(payload)]  # one fetched, one found it done
    assert len(server.requests) == 1
    assert request.target.read_bytes() == payload and leftovers(store) == []
