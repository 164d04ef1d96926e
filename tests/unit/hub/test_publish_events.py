"""Publish progress as plain values: each step's share of the bar, when a cancel still works, hashing."""

from __future__ import annotations

import hashlib
import subprocess
import threading
from pathlib import Path

import pytest

from app.hub.publish import FileHash, PublishCancelled, PublishEvent, PublishStep, hash_files


def test_the_fraction_grows_step_by_step_and_ends_at_one():
    steps = [PublishEvent(PublishStep.ACCOUNT), PublishEvent(PublishStep.HASH, 0, 10),
             PublishEvent(PublishStep.HASH, 10, 10), PublishEvent(PublishStep.UPLOAD, 5, 10),
             PublishEvent(PublishStep.UPLOAD, 10, 10), PublishEvent(PublishStep.COMMIT),
             PublishEvent(PublishStep.VISIBILITY), PublishEvent(PublishStep.LISTING), PublishEvent(PublishStep.DONE)]
    fractions = [e.fraction for e in steps]
    assert fractions == sorted(fractions) and fractions[0] == 0.0 and fractions[-1] == 1.0
    assert [e.cancellable for e in steps] == [True] * 5 + [False] * 4


def test_hash_files_gives_the_ids_the_hub_reports(tmp_path: Path):
    big = tmp_path / "adapter.gguf"
    big.write_bytes(bytes(range(256)) * 40_000)  # 10 MB: read in several blocks
    seen: list[PublishEvent] = []
    hashes = hash_files({"gpt.json": b"{}", "adapter.gguf": big}, progress=seen.append)
    data = big.read_bytes()
    assert hashes["adapter.gguf"] == FileHash(len(data), hashlib.sha256(data).hexdigest(),
                                              hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest())
    git = subprocess.run(["git", "hash-object", "--stdin"], input=b"{}", capture_output=True, check=False)
    if git.returncode == 0:
        assert hashes["gpt.json"].matches(git.stdout.decode().strip())
    assert hashes["gpt.json"].matches(hashlib.sha256(b"{}").hexdigest())
    done = [e.done for e in seen]
    assert done == sorted(done) and done[-1] == len(data) + 2 and len(seen) > 3


def test_hash_files_stops_on_cancel(tmp_path: Path):
    big = tmp_path / "adapter.gguf"
    big.write_bytes(bytes(10 * 2**20))
    cancel = threading.Event()
    with pytest.raises(PublishCancelled, match="Publishing Coach was cancelled; nothing changed on the hub"):
        hash_files({"adapter.gguf": big}, progress=lambda _e: cancel.set(), cancel=cancel, what="Coach")
