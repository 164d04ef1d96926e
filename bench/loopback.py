"""Loopback servers for benchmarks that download: a quiet folder server, and the fake hub in its own process."""

from __future__ import annotations

import contextlib
import functools
import hashlib
import http.server
import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *_: object) -> None:
        pass


def serve_folder(folder: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    """Start serving ``folder``; returns the server (call ``shutdown()``) and its base URL."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


# --- the fake hub in a process of its own -----------------------------------------------------------
# Downloads are compared between two client processes (`hf download` and ours); the server runs in a
# third, so neither client shares an interpreter (and its GIL) with it.

BIG_REPO = "bench/big-model"
BIG_FILE = "model.Q4_K_M.gguf"


@dataclass(frozen=True)
class ServedFile:
    endpoint: str
    repo: str
    revision: str
    path: str
    sha256: str
    size: int


@contextlib.contextmanager
def fake_hub_with_file(mib: int) -> Iterator[ServedFile]:
    """A fake hub process serving one random ``mib`` MiB LFS file; stopped on exit."""
    root = Path(__file__).resolve().parent.parent
    process = subprocess.Popen([sys.executable, "-m", "bench.loopback", "--fake-hub", str(mib)], cwd=root,
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        line = process.stdout.readline()
        if not line:
            raise RuntimeError("the fake hub process did not start")
        yield ServedFile(**json.loads(line))
    finally:
        process.stdin.close()
        process.wait(timeout=30)


def _serve_fake_hub(mib: int) -> None:
    from tests.support.fake_hub import FakeHub  # noqa: PLC0415 - only in the server process

    data = os.urandom(mib * 2**20)
    with FakeHub() as hub:
        revision = hub.add_repo(BIG_REPO, {BIG_FILE: data})
        served = ServedFile(hub.url, BIG_REPO, revision, BIG_FILE, hashlib.sha256(data).hexdigest(), len(data))
        del data
        print(json.dumps(served.__dict__), flush=True)
        sys.stdin.read()  # until the parent closes our stdin


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--fake-hub":
        _serve_fake_hub(int(sys.argv[2]))
