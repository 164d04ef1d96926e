"""`gptshelf catalog …`: back up, list, and restore after damage, with the damaged file kept aside."""

from __future__ import annotations

import json
from pathlib import Path

from app.cli.main import main


def run(capsys, *args):  # noqa: ANN001, ANN002, ANN201
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_a_damaged_catalog_is_restored_from_the_cli_and_kept_aside(capsys, gptshelf_home: Path) -> None:
    assert run(capsys, "settings", "set", "theme", "dark")[0] == 0
    code, out, _ = run(capsys, "catalog", "backup", "--json")
    assert code == 0
    made = Path(json.loads(out)["path"])
    assert made.exists() and made.parent == gptshelf_home / "backups"
    database = gptshelf_home / "catalog.sqlite3"
    damaged = b"SQLite format 3\x00" + b"\x13" * 9000
    database.write_bytes(damaged)

    code, _, err = run(capsys, "settings", "show")
    assert code == 1 and "damaged" in err and "gptshelf catalog restore" in err and made.name in err
    code, out, _ = run(capsys, "catalog", "backups", "--json")
    assert code == 0 and [b["path"] for b in json.loads(out)] == [str(made)]

    code, out, err = run(capsys, "catalog", "restore")
    assert code == 0, err
    assert f"Restored the catalog from {made}." in out and "The damaged file is kept as" in out
    kept = next(gptshelf_home.glob("catalog.sqlite3.damaged-*Z"))  # the file itself, not its -wal or -shm
    assert kept.read_bytes() == damaged
    code, out, _ = run(capsys, "settings", "show", "--json")
    assert code == 0 and json.loads(out)["theme"] == "dark"


def test_restore_without_a_backup_says_so(capsys, gptshelf_home: Path) -> None:
    gptshelf_home.mkdir(parents=True, exist_ok=True)
    (gptshelf_home / "catalog.sqlite3").write_bytes(b"not a database")
    code, _, err = run(capsys, "catalog", "restore")
    assert code == 1 and "No usable backup" in err
    assert (gptshelf_home / "catalog.sqlite3").read_bytes() == b"not a database"
