"""Suite 2, downloads: random server faults, random kills, two processes, a full disk.

Against the loopback fault server (tests/integration/download/fault_server.py) and the real
downloader with a real catalog. After every trial: the target path holds the exact bytes or nothing
(0 corrupted installs), a record is DONE only with its verified file, and after the next start's
housekeeping no temporary file is left that no resumable record owns.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from app.catalog import Catalog
from app.core.entities import DownloadStatus
from app.core.errors import KnownError
from app.hub.download import Downloader, DownloadRequest
from tests.integration.download import conftest as download_fixtures
from tests.integration.download.fault_server import FaultServer
from tests.integration.download.test_kill_and_two_processes import child, size_of
from tests.reliability.figures import Figures, size
from tests.support.full_disk import small_disk

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL and RLIMIT_FSIZE are POSIX")

ROOT = Path(__file__).resolve().parents[2]
# The download tests' own fixtures: a real catalog, a store folder, fault servers, a plain HTTP client.
catalog, store = download_fixtures.catalog, download_fixtures.store
make_server, http_client = download_fixtures.make_server, download_fixtures.http_client
FAULT_TRIALS = size(20, 200)
KILLS = size(3, 50)
PAIRS = size(1, 20)
SMALL = 256 * 1024 + 77


def verdict(catalog: Catalog, target: Path, sha256: str, key: str) -> tuple[bool, bool]:
    """(a wrong file at the target, a DONE record without its verified file)."""
    wrong = target.exists() and hashlib.sha256(target.read_bytes()).hexdigest() != sha256
    record = catalog.get_download(key)
    unverified = (record is not None and record.status is DownloadStatus.DONE
                  and (not target.exists() or wrong))
    return wrong, unverified


def orphans_after_next_start(catalog: Catalog, folders: list[Path]) -> int:
    """Run the start's housekeeping, then count temporary files that no resumable record owns."""
    Downloader(catalog, folders=folders).housekeeping()
    owned = {Path(r.partial) for r in catalog.list_downloads() if r.status is not DownloadStatus.DONE}
    return sum(1 for folder in folders for p in folder.glob("*.partial") if p not in owned)


def random_faults(rng: random.Random, length: int) -> dict[str, object]:
    kinds = rng.sample(["reset_after", "short_body", "flip_bit_at", "wrong_length", "ignore_range"],
                       rng.choice([1, 1, 2]))
    faults: dict[str, object] = {"times": rng.choice([1, 2, 3, None])}
    for kind in kinds:
        if kind == "wrong_length":
            faults[kind] = rng.choice([-1, 1]) * rng.randrange(1, length // 2)
        elif kind == "ignore_range":
            faults[kind] = True
        else:
            faults[kind] = rng.randrange(0, length)
    return faults


def test_injected_server_faults_never_install_a_wrong_file(make_server: Callable[..., FaultServer],
                                                           catalog: Catalog, tmp_path: Path,
                                                           http_client, figures: Figures) -> None:  # noqa: ANN001
    rng = random.Random(2026)
    server = make_server(rng.randbytes(SMALL))
    outcomes = {"verified": 0, "clear error": 0}
    wrong = unverified = bugs = 0
    folders: list[Path] = []
    for trial in range(FAULT_TRIALS):
        folder = tmp_path / f"store-{trial}"
        folder.mkdir()
        folders.append(folder)
        server.set_faults(**random_faults(rng, SMALL))
        key = f"alice/Faults@{trial}/model.gguf"
        request = DownloadRequest(key=key, url=server.url, target=folder / server.sha256,
                                  expected_sha256=server.sha256, expected_size=rng.choice([SMALL, None]))
        downloader = Downloader(catalog, client=http_client, chunk_size=16384, backoff=0.0, retries=3,
                                checkpoint_seconds=0.0)
        try:
            downloader.download(request)
            outcomes["verified"] += 1
        except KnownError:
            outcomes["clear error"] += 1
        except Exception:  # noqa: BLE001 - what is being counted
            bugs += 1
        bad_file, bad_record = verdict(catalog, request.target, server.sha256, key)
        wrong += bad_file
        unverified += bad_record
    server.set_faults()
    orphans = orphans_after_next_start(catalog, folders)
    suite = "2 downloads"
    figures.record(suite, f"downloads under random server faults ({outcomes['verified']} verified, "
                   f"{outcomes['clear error']} clear errors)", FAULT_TRIALS, str(FAULT_TRIALS), True)
    figures.record(suite, "corrupted installs (wrong bytes at the target)", wrong, "0", wrong == 0)
    figures.record(suite, "records DONE without a verified file", unverified, "0", unverified == 0)
    figures.record(suite, "uncaught exceptions", bugs, "0", bugs == 0)
    figures.record(suite, "temp files no record owns, after the next start (fault trials)", orphans, "0",
                   orphans == 0)
    assert (wrong, unverified, bugs, orphans) == (0, 0, 0, 0)
    assert outcomes["verified"] > 0 and outcomes["clear error"] > 0


def test_downloads_killed_at_random_moments_resume_to_one_verified_file(
        make_server: Callable[..., FaultServer], catalog: Catalog, store: Path, figures: Figures) -> None:
    rng = random.Random(50)
    length = 2 * 2**20 + 333
    server = make_server(rng.randbytes(length), throttle=4 * 2**20)
    target = store / server.sha256
    partial = Path(f"{target}.partial")
    key = "alice/Killed@c0ffee/model.gguf"
    kills = wrong = unverified = orphans = 0
    for _ in range(KILLS):
        goal = rng.randrange(1, length)
        proc = child(catalog, server, target, key)
        deadline = time.monotonic() + 30
        while size_of(partial) < goal and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.002)
        os.kill(proc.pid, signal.SIGKILL)
        proc.communicate()
        kills += 1
        bad_file, bad_record = verdict(catalog, target, server.sha256, key)
        wrong += bad_file
        unverified += bad_record
        orphans += orphans_after_next_start(catalog, [store])
        if target.exists():
            target.unlink()  # start over: the next child must download (and be killed) again
            catalog.delete_download(key)
    final = child(catalog, server, target, key)
    out, err = final.communicate(timeout=120)
    assert final.returncode == 0, err
    leftovers = sorted(p.name for p in store.iterdir() if p.name.endswith((".partial", ".lock")))
    suite = "2 downloads"
    figures.record(suite, "download processes SIGKILLed at random offsets", kills, str(KILLS), kills == KILLS)
    figures.record(suite, "wrong files / DONE without a verified file after a kill", f"{wrong} / {unverified}",
                   "0 / 0", wrong == unverified == 0)
    figures.record(suite, "temp files no record owns, after each next start (kills)", orphans, "0", orphans == 0)
    figures.record(suite, "temp files left once the download completes", len(leftovers), "0", not leftovers)
    assert (wrong, unverified, orphans, leftovers) == (0, 0, 0, [])
    assert hashlib.sha256(target.read_bytes()).hexdigest() == server.sha256


def test_two_processes_downloading_one_file_make_one_install(make_server: Callable[..., FaultServer],
                                                              catalog: Catalog, store: Path, figures: Figures) -> None:
    single = 0
    for round_ in range(PAIRS):
        server = make_server(random.Random(round_).randbytes(SMALL * 4), throttle=2 * 2**20)
        target = store / server.sha256
        key = f"alice/Pair@{round_}/model.gguf"
        procs = [child(catalog, server, target, key) for _ in range(2)]
        outputs = [p.communicate(timeout=120) for p in procs]
        assert [p.returncode for p in procs] == [0, 0], outputs
        fetched = sorted(int(out.split()[-1]) for out, _ in outputs)
        ok = (fetched == [0, len(server.data)] and len(server.requests) == 1
              and hashlib.sha256(target.read_bytes()).hexdigest() == server.sha256)
        single += ok
    figures.record("2 downloads", "two processes, one file: one download, one verified install", f"{single}/{PAIRS}",
                   f"{PAIRS}/{PAIRS}", single == PAIRS)
    assert single == PAIRS


def test_a_disk_full_mid_download_is_a_clear_error_and_nothing_is_half_written(
        make_server: Callable[..., FaultServer], catalog: Catalog, store: Path, figures: Figures) -> None:
    length = 3 * 2**20
    server = make_server(random.Random(3).randbytes(length))
    target = store / server.sha256
    key = "alice/Full@c0ffee/model.gguf"
    job = {"database": str(catalog.path), "backups": str(catalog.path.parent / "backups"), "url": server.url,
           "target": str(target), "sha256": server.sha256, "size": length, "key": key, "chunk_size": 65536}
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-m", "tests.reliability.download_child", str(length // 2), json.dumps(job)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    clear = done.returncode == 1 and done.stdout.startswith("start\nerror ") and "Traceback" not in done.stderr
    record = catalog.get_download(key)
    half_written = target.exists() or (record is not None and record.status is DownloadStatus.DONE)
    figures.record("2 downloads", "file-size limit hit mid-download (as a full disk): clear error, nothing "
                   "half-written at the target", "yes" if clear and not half_written else "no", "yes",
                   clear and not half_written)
    assert clear, (done.returncode, done.stdout, done.stderr[-2000:])
    assert "the disk is full" in done.stdout or "too large" in done.stdout.lower(), done.stdout
    assert not half_written


def test_an_injected_enospc_mid_download_is_a_clear_error_and_the_partial_resumes(
        make_server: Callable[..., FaultServer], catalog: Catalog, store: Path, http_client,  # noqa: ANN001
        figures: Figures) -> None:
    length = 3 * 2**20
    server = make_server(random.Random(4).randbytes(length))
    request = DownloadRequest(key="alice/Enospc@c0ffee/model.gguf", url=server.url, target=store / server.sha256,
                              expected_sha256=server.sha256, expected_size=length)
    message = ""
    try:
        small_disk(length // 2)(catalog, client=http_client, chunk_size=65536).download(request)
    except KnownError as exc:
        message = str(exc)
    record = catalog.get_download(request.key)
    half_written = request.target.exists() or record is None or record.status is DownloadStatus.DONE
    resumed = Downloader(catalog, client=http_client).download(request)
    holds = "the disk is full" in message and not half_written and resumed.resumed_from == length // 2 \
        and resumed.sha256 == server.sha256
    figures.record("2 downloads", "ENOSPC injected mid-download: clear error, nothing half-written at the target, "
                   "resumes from the kept bytes once there is room", "yes" if holds else "no", "yes", holds)
    assert "the disk is full" in message, message
    assert not half_written
    assert resumed.resumed_from == length // 2 and resumed.sha256 == server.sha256
