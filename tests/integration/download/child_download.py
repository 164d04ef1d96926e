"""Runs one download in its own process, for the kill and two-process tests (prints are its protocol).

Usage: ``python -m tests.integration.download.child_download '<json>'``; prints ``done <sha256>
<resumed_from>`` at the end, or ``error <message>``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from app.catalog import open_catalog
from app.hub.download import Downloader, DownloadError, DownloadRequest


def main() -> int:
    job = json.loads(sys.argv[1])
    catalog = open_catalog(Path(job["database"]), backups=Path(job["backups"]))
    try:
        downloader = Downloader(catalog, chunk_size=job.get("chunk_size", 16384), backoff=0.01,
                                checkpoint_seconds=0.05)
        request = DownloadRequest(key=job["key"], url=job["url"], target=Path(job["target"]),
                                  expected_sha256=job["sha256"], expected_size=job["size"])
        print("start", flush=True)
        result = downloader.download(request)
    except DownloadError as exc:
        print("error", exc, flush=True)
        return 1
    finally:
        catalog.close()
    print("done", result.sha256, result.resumed_from, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
