"""Synthetic store catalogs for the benchmarks, generated once and cached in ``bench/.cache/``.

Applying a million listings through the store's own sync path takes a couple of minutes on two
cores, so the generated catalog file is kept and copied for each run. The cache key covers what makes
the file: the listing generator's source (the one the catalog tests use), the schema's migrations and
the count; a change to any of them builds a new file.
"""

from __future__ import annotations

import hashlib
import inspect
import logging
import shutil
import time
from pathlib import Path

from app.catalog import Catalog, open_catalog
from app.catalog.migrations import migration_names
from app.core.entities import Role
from tests.unit.catalog.test_listings import make

log = logging.getLogger("bench.catalog_data")

CACHE = Path(__file__).resolve().parent / ".cache"
BATCH = 100_000  # listings per apply (one transaction each); shards of 1,000 as the hub index has them


def cache_folder() -> Path:
    CACHE.mkdir(exist_ok=True)
    ignore = CACHE / ".gitignore"
    if not ignore.exists():
        ignore.write_text("*\n")
    return CACHE


def _key(listings: int) -> str:
    source = inspect.getsource(make) + "|".join(migration_names()) + str(listings)
    return hashlib.sha256(source.encode()).hexdigest()[:12]


def catalog_file(listings: int) -> Path:
    """A closed catalog file holding ``listings`` synthetic hub listings (built on first use)."""
    path = cache_folder() / f"catalog-{listings}-{_key(listings)}.sqlite3"
    if path.is_file():
        return path
    for stale in CACHE.glob(f"catalog-{listings}-*.sqlite3"):
        stale.unlink()
    building = path.with_suffix(".building")
    building.unlink(missing_ok=True)
    started = time.perf_counter()
    catalog = open_catalog(building, backups=CACHE / "backups")
    shards = [f"shards/{n:05d}.jsonl.gz" for n in range((listings + 999) // 1000)]
    for start in range(0, listings, BATCH):
        batch = [make(i) for i in range(start, min(listings, start + BATCH))]
        changed = {shards[(start + k) // 1000]: (f"{start + k:064x}", batch[k:k + 1000])
                   for k in range(0, len(batch), 1000)}
        catalog.apply_shards("hub", changed, keep=shards)
        print(f"  generated {start + len(batch):,} listings ({time.perf_counter() - started:.0f} s)", flush=True)
    catalog.close()
    building.rename(path)
    return path


def copy_catalog(listings: int, database: Path) -> None:
    """Put a copy of the cached catalog at ``database`` (the app's catalog path in a fresh data folder)."""
    database.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(catalog_file(listings), database)


def add_conversations(catalog: Catalog, gpt_id: str, count: int, *, messages: int = 6) -> None:
    """``count`` finished conversations of ``messages`` turns each with one GPT (a history to list at start)."""
    for n in range(count):
        conversation = catalog.create_conversation(gpt_id, f"Conversation {n}: planning a trip to Lisbon")
        for turn in range(messages):
            role = Role.USER if turn % 2 == 0 else Role.ASSISTANT
            catalog.add_message(conversation.id, role, f"Message {turn} of conversation {n}. " * 8)


def prepare_home(home: Path, *, listings: int = 100_000, conversations: int = 1_000) -> str:
    """A data folder as a person's would be after a while: the store synced, a chat history, the starter.

    Returns the id of the GPT the conversations are with (the starter when its package is installed,
    else a GPT on a tiny generated GGUF). The welcome banner is dismissed, as after a first start.
    """
    from app.core.paths import AppPaths  # noqa: PLC0415 - services only where a benchmark needs them
    from app.services.container import open_services  # noqa: PLC0415

    paths = AppPaths(home).ensure()
    copy_catalog(listings, paths.database)
    with open_services(paths, install_starter=True) as services:
        gpts = services.gpts.list()
        if not gpts:
            from tests.support.tiny_gguf import write_tiny_llama  # noqa: PLC0415

            model = services.models.import_gguf(write_tiny_llama(home / "tiny.gguf", context_length=4096))
            gpts = [services.gpts.create("Tiny", model.sha256)]
        add_conversations(services.catalog, gpts[0].id, conversations)
        services.catalog.save_settings(services.settings().updated(welcome_done=True))
        return gpts[0].id
