"""A download in a process whose files may not grow past a limit (RLIMIT_FSIZE): the disk-full trial.

Usage: ``python -m tests.reliability.download_child LIMIT '<json>'`` (the job of
tests/integration/download/child_download.py). With SIGXFSZ ignored, a write past the limit fails with
EFBIG, as a write to a full disk fails with ENOSPC: the downloader must end with a clear error.
"""

from __future__ import annotations

import resource
import signal
import sys

from tests.integration.download import child_download


def main() -> int:
    limit = int(sys.argv.pop(1))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return child_download.main()


if __name__ == "__main__":
    sys.exit(main())
