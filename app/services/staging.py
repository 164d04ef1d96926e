"""Staging folders: where an import or an edit assembles files before they replace anything.

A killed import or edit leaves its folder behind in the data folder; :func:`remove_stale_staging`
clears the old ones. It lives apart from :mod:`app.services.gpt_package` so the GUI's housekeeping
after its first paint does not import the package code (pydantic, gguf, numpy) just to tidy up.
"""

from __future__ import annotations

import contextlib
import shutil
import time
from pathlib import Path

#: Staging folders an import or edit left behind when the app was killed; removed at start once this old.
STAGING_PREFIXES = (".import-", ".gpt-edit-")
STALE_STAGING_SECONDS = 24 * 3600


def remove_stale_staging(home: Path, *, older_than: float = STALE_STAGING_SECONDS) -> int:
    """Remove staging folders that a killed import or edit left in ``home``; returns how many.

    Only old ones: a folder this young may belong to an import running in another process.
    """
    removed = 0
    cutoff = time.time() - older_than
    for folder in home.glob(".*-*"):
        if folder.name.startswith(STAGING_PREFIXES) and folder.is_dir() and not folder.is_symlink():
            with contextlib.suppress(OSError):
                if folder.stat().st_mtime < cutoff:
                    shutil.rmtree(folder)
                    removed += 1
    return removed
