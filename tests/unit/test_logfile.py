"""The log file rotates as logging.handlers.RotatingFileHandler would (app/cli/logfile.py says why it is ours)."""

from __future__ import annotations

import logging
from pathlib import Path

from app.cli.logfile import RotatingLog


def test_the_log_rotates_before_it_would_pass_its_size_and_keeps_three_old_files(tmp_path: Path):
    path = tmp_path / "gptshelf.log"
    handler = RotatingLog(path, max_bytes=100, backups=3)
    handler.setFormatter(logging.Formatter("%(message)s"))
    logger = logging.getLogger("test.logfile")
    logger.propagate = False
    logger.addHandler(handler)
    try:
        for n in range(12):
            logger.warning("record %02d %s", n, "x" * 30)  # 41 characters a line: two fit in 100
    finally:
        logger.removeHandler(handler)
        handler.close()
    files = sorted(p.name for p in tmp_path.iterdir())
    assert files == ["gptshelf.log", "gptshelf.log.1", "gptshelf.log.2", "gptshelf.log.3"]
    assert all(p.stat().st_size < 100 for p in tmp_path.iterdir())
    assert path.read_text(encoding="utf-8").splitlines()[-1].startswith("record 11")
    assert (tmp_path / "gptshelf.log.1").read_text(encoding="utf-8").startswith("record 08")
    assert (tmp_path / "gptshelf.log.3").read_text(encoding="utf-8").startswith("record 04")
