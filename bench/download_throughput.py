"""Download throughput of the store's downloader against a plain HTTP copy of the same file, on loopback.

    python -m bench.download_throughput [--mib 256] [--rounds 3]

Baseline: ``urllib`` + ``shutil.copyfileobj`` into a file (no hashing, no state, no fsync). Ours:
``app.hub.download.Downloader`` with its catalog state, sha256 while streaming, fsync and atomic
rename. Runs interleaved; prints the medians and the ratio (ours / baseline throughput).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import statistics
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from app.catalog import open_catalog
from app.hub.download import Downloader, DownloadRequest
from bench.loopback import serve_folder


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mib", type=int, default=256)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder_name:
        folder = Path(folder_name)
        served = folder / "served"
        served.mkdir()
        blob = served / "model.gguf"
        with blob.open("wb") as out:
            for _ in range(args.mib):
                out.write(os.urandom(2**20))
        sha256 = hashlib.sha256(blob.read_bytes()).hexdigest()
        server, base = serve_folder(served)
        url = f"{base}/model.gguf"
        catalog = open_catalog(folder / "c.sqlite3", backups=folder / "b")
        store = folder / "store" / "sha256"
        store.mkdir(parents=True)
        downloader = Downloader(catalog)
        plain, ours = [], []
        for round_number in range(args.rounds):
            target = folder / "plain.bin"
            started = time.perf_counter()
            with urllib.request.urlopen(url) as response, target.open("wb") as sink:  # noqa: S310 - loopback
                shutil.copyfileobj(response, sink, 2**20)
            plain.append(time.perf_counter() - started)
            target.unlink()
            request = DownloadRequest(key=f"bench/{round_number}", url=url, target=store / sha256,
                                      expected_sha256=sha256, expected_size=blob.stat().st_size)
            started = time.perf_counter()
            downloader.download(request)
            ours.append(time.perf_counter() - started)
            (store / sha256).unlink()
        server.shutdown()
        catalog.close()
    size = args.mib
    base, mine = statistics.median(plain), statistics.median(ours)
    print(f"file {size} MiB, {args.rounds} rounds, medians")
    print(f"plain HTTP copy     {base:6.2f} s  {size / base:8.1f} MiB/s")
    print(f"store downloader    {mine:6.2f} s  {size / mine:8.1f} MiB/s  (sha256 + state + fsync + rename)")
    print(f"ratio (ours/plain throughput) {base / mine:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
