"""``gptshelf catalog …``: the catalog's backups, and restoring one after damage.

These never open the catalog through the services, since they are what a person runs when it cannot
be opened; ``restore`` keeps the damaged file aside (app.catalog.backups).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from app.cli.output import Output, human_size
from app.core.paths import AppPaths
from app.services import catalog_backup

ACTIONS = ("backups", "backup", "restore")


def add_parsers(sub: argparse._SubParsersAction, json_flag) -> None:  # noqa: ANN001 - argparse internals
    catalog = sub.add_parser("catalog", help="backups of the catalog; restore one after damage").add_subparsers(
        dest="action", metavar="ACTION", required=True)
    json_flag(catalog.add_parser("backups", help="list the backups, newest first"))
    json_flag(catalog.add_parser("backup", help="write a backup of the catalog now"))
    restore = catalog.add_parser("restore", help="put a backup in place of a damaged catalog (kept aside)")
    restore.add_argument("--backup", metavar="FILE", help="this backup (default: the newest usable one)")
    json_flag(restore)


def run(args: argparse.Namespace, paths: AppPaths, out: Output) -> int:
    if args.action == "backups":
        found = catalog_backup.backups(paths)
        if out.as_json:
            out.json([{"path": str(p), "size": p.stat().st_size} for p in found])
        else:
            out.table([(p.name, human_size(p.stat().st_size)) for p in found], ["backup", "size"])
        return 0
    if args.action == "backup":
        made = catalog_backup.backup_now(paths)
        if out.as_json:
            out.json({"path": str(made)})
        else:
            out.write(f"Backed up the catalog to {made}")
        return 0
    restored = catalog_backup.restore_catalog(paths, Path(args.backup) if args.backup else None)
    if out.as_json:
        out.json({"restored_from": str(restored.backup), "kept_aside": [str(p) for p in restored.kept_aside]})
        return 0
    out.write(f"Restored the catalog from {restored.backup}.")
    for kept in restored.kept_aside:
        out.write(f"The damaged file is kept as {kept}.")
    return 0
