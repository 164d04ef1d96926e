"""Store listings: applied from index shards in one transaction, searched with filters and sorts.

Each listing row remembers the shard it came from, and ``sync_shards`` remembers each shard's sha256,
so a sync fetches and applies only the shards that changed; listings that vanished from a changed
shard, or whose shard left the index, are removed. ``listings_fts`` holds the CJK-segmented text of
name, description, author, category and tags, written in the same transaction as the row.
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import fields
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, NamedTuple

from app.catalog import rows
from app.catalog.cjk import segment
from app.catalog.listing_search import page_ids
from app.catalog.connections import Connections
from app.core.entities import (
    Listing, ListingChanges, ListingQuery, ListingVariant, MemoryShape, Review,
)
from app.core.errors import InvalidInput, NotFound
from app.core.memory import needed_bytes

_COLUMNS = (
    "l.id, l.repo, l.revision, l.name, l.description, l.author, l.category, l.tags, l.license, l.likes, "
    "l.downloads, l.rating_avg, l.rating_count, l.size, l.manifest, l.updated_at, l.language, l.mem_needed, "
    "EXISTS (SELECT 1 FROM gpts AS g WHERE g.id = l.id) AS installed"
)
MAX_PAGE = 500
_COMPARED = ("repo", "revision", "name", "description", "author", "category", "tags", "license", "likes",
             "downloads", "rating_avg", "rating_count", "size", "manifest")


class Listings:
    _conns: Connections

    def apply_shards(self, source: str, changed: Mapping[str, tuple[str, Sequence[Listing]]],
                     keep: Iterable[str]) -> ListingChanges:
        """Apply changed shards (path -> (sha256, listings)) of one source; drop shards not kept or changed.

        Written in bulk (``executemany`` per shard) because a first sync applies the whole store in one
        transaction: row-at-a-time statements made 100,000 listings take ~8 s. A listing whose words did
        not change keeps its full-text row (most shard changes are new download and like counts), and
        an unchanged listing is not written at all.
        """
        kept = set(keep) | set(changed)
        added: list[str] = []
        updated: list[str] = []
        with self._conns.write() as conn:
            next_fts = conn.execute("SELECT coalesce(max(fts_rowid), 0) FROM listings").fetchone()[0]
            fresh: set[str] = set()
            for shard, (sha256, listings) in changed.items():
                before = _existing(conn, {listing.id for listing in listings})
                upserts: list[dict[str, Any]] = []
                fts_deletes: set[int] = set()
                fts_inserts: dict[int, tuple[Any, ...]] = {}  # by rowid: an id listed twice is written once
                for listing in listings:
                    row = _row(listing, source, shard)
                    state = _state(row)
                    old = before.get(listing.id)
                    if old is None or old.fts_rowid is None:
                        next_fts += 1
                        row["fts_rowid"] = next_fts
                        fts_inserts[next_fts] = (next_fts, listing.id, *_fts_text(listing))
                        if listing.id not in fresh:
                            if old is None:
                                added.append(listing.id)
                            elif old.state[0] != state[0]:
                                updated.append(listing.id)
                    else:
                        row["fts_rowid"] = old.fts_rowid
                        if old.state == state and (old.updated_at == row["updated_at"] or not listing.updated_at):
                            fresh.add(listing.id)
                            continue  # nothing to write
                        if old.state[0] != state[0] and listing.id not in fresh:
                            updated.append(listing.id)
                        if old.state[0][_TEXT] != state[0][_TEXT]:
                            fts_deletes.add(old.fts_rowid)
                            fts_inserts[old.fts_rowid] = (old.fts_rowid, listing.id, *_fts_text(listing))
                    upserts.append(row)
                    fresh.add(listing.id)
                    before[listing.id] = _Existing(row["fts_rowid"], state, row["updated_at"])
                conn.executemany("DELETE FROM listings_fts WHERE rowid = ?", [(r,) for r in sorted(fts_deletes)])
                conn.executemany(_UPSERT, upserts)
                conn.executemany(_FTS_INSERT, fts_inserts.values())
                conn.execute(
                    "INSERT INTO sync_shards (source, path, sha256, count, synced_at) VALUES (?, ?, ?, ?, ?) "
                    "ON CONFLICT (source, path) DO UPDATE SET sha256 = excluded.sha256, count = excluded.count, "
                    "synced_at = excluded.synced_at",
                    (source, shard, sha256, len(listings), rows.utc_now()),
                )
            shards = [s for (s,) in conn.execute("SELECT DISTINCT shard FROM listings WHERE source = ?", (source,))]
            stale = [listing_id for s in shards if s in changed or s not in kept
                     for (listing_id,) in conn.execute("SELECT id FROM listings WHERE source = ? AND shard = ?",
                                                       (source, s)).fetchall()
                     if listing_id not in fresh]
            for listing_id in stale:
                _delete(conn, listing_id)
            gone = [p for (p,) in conn.execute("SELECT path FROM sync_shards WHERE source = ?", (source,))
                    if p not in kept]
            conn.executemany("DELETE FROM sync_shards WHERE source = ? AND path = ?", [(source, p) for p in gone])
        return ListingChanges(tuple(added), tuple(updated), tuple(stale))

    def shard_hashes(self, source: str) -> dict[str, str]:
        found = self._conns.read().execute("SELECT path, sha256 FROM sync_shards WHERE source = ?", (source,))
        return {r["path"]: r["sha256"] for r in found}

    def get_listing(self, listing_id: str) -> Listing:
        found = self._conns.read().execute(f"SELECT {_COLUMNS} FROM listings AS l WHERE l.id = ?",
                                           (listing_id,)).fetchone()
        if found is None:
            raise NotFound("store listing", listing_id, "Sync the store, or check the id with `store search`.")
        return _listing(found)

    def count_listings(self) -> int:
        return self._conns.read().execute("SELECT count(*) FROM listings").fetchone()[0]

    def listing_categories(self) -> list[tuple[str, int]]:
        found = self._conns.read().execute(
            "SELECT category, count(*) AS n FROM listings GROUP BY category ORDER BY n DESC, category")
        return [(r["category"], r["n"]) for r in found]

    def list_reviews(self, gpt_id: str, *, limit: int = 100) -> list[Review]:
        """This machine's reviews of a GPT or listing, newest first."""
        found = self._conns.read().execute(
            "SELECT id, gpt_id, stars, text, author, created_at FROM reviews WHERE gpt_id = ? "
            "ORDER BY created_at DESC, id DESC LIMIT ?", (gpt_id, limit))
        return [Review(r["id"], r["gpt_id"], r["stars"], r["text"], r["author"], r["created_at"]) for r in found]

    def search_listings(self, query: ListingQuery) -> list[Listing]:
        """Listings matching the words and filters, in the requested order (relevance needs words).

        How the page is found depends on how common the words are: see :mod:`app.catalog.listing_search`.
        The page's ids and then its rows are read in one snapshot.
        """
        if not 0 < query.limit <= MAX_PAGE or query.offset < 0:
            raise InvalidInput(f"A page holds 1 to {MAX_PAGE} listings and starts at 0 or later.")
        conn = self._conns.read()
        with _snapshot(conn):
            ids = page_ids(conn, query)
            if not ids:
                return []
            found = {r["id"]: r for r in conn.execute(
                f"SELECT {_COLUMNS} FROM listings AS l WHERE l.id IN (SELECT value FROM json_each(?))",
                (json.dumps(ids),))}
        return [_listing(found[i]) for i in ids if i in found]


@contextlib.contextmanager
def _snapshot(conn: sqlite3.Connection) -> Iterator[None]:
    """One read transaction around several statements (inside a write, the write's own transaction)."""
    if conn.in_transaction:
        yield
        return
    conn.execute("BEGIN")
    try:
        yield
    finally:
        conn.execute("COMMIT")


def _shape(shape: MemoryShape | None) -> dict[str, int] | None:
    """``asdict`` without its deep copy, which was a fifth of applying a shard."""
    return None if shape is None else {f.name: getattr(shape, f.name) for f in fields(shape)}


def _row(listing: Listing, source: str, shard: str) -> dict[str, Any]:
    default = listing.variant()
    context = int((listing.manifest or {}).get("parameters", {}).get("context_length", 4096))
    return {
        "id": listing.id, "repo": listing.repo, "revision": listing.revision, "name": listing.name,
        "description": listing.description, "author": listing.author, "category": listing.category,
        "tags": json.dumps(list(listing.tags), ensure_ascii=False), "license": listing.license,
        "likes": listing.likes, "downloads": listing.downloads, "rating_avg": listing.rating_avg,
        "rating_count": listing.rating_count, "size": default.size,
        "manifest": json.dumps({**(listing.manifest or {}), "shape": _shape(listing.shape)},
                               ensure_ascii=False, sort_keys=True),
        "updated_at": listing.updated_at or rows.utc_now(), "source": source, "shard": shard,
        "language": str((listing.manifest or {}).get("language", "")),
        "mem_needed": needed_bytes(default.size, listing.shape, context),
    }


_WRITTEN = (*_COMPARED, "updated_at", "source", "shard", "language", "mem_needed", "fts_rowid")
_UPSERT = (f"INSERT INTO listings (id, {', '.join(_WRITTEN)}) VALUES (:id, {', '.join(':' + c for c in _WRITTEN)}) "
           f"ON CONFLICT (id) DO UPDATE SET {', '.join(f'{c} = excluded.{c}' for c in _WRITTEN)}")
_FTS_INSERT = ("INSERT INTO listings_fts (rowid, listing_id, name, description, author, category, tags) "
               "VALUES (?, ?, ?, ?, ?, ?, ?)")
_TEXT = slice(2, 7)  # name, description, author, category, tags within _COMPARED: what the full-text row holds


class _Existing(NamedTuple):
    fts_rowid: int | None
    state: tuple[tuple[Any, ...], tuple[str, str]]
    """(the compared columns, (source, shard))."""
    updated_at: str


def _state(row: Mapping[str, Any]) -> tuple[tuple[Any, ...], tuple[str, str]]:
    return tuple(row[c] for c in _COMPARED), (row["source"], row["shard"])


def _existing(conn: sqlite3.Connection, ids: set[str]) -> dict[str, _Existing]:
    """The stored state of these listings (one query per shard, by primary key, not a scan of the table)."""
    found = conn.execute(
        f"SELECT id, fts_rowid, updated_at, source, shard, {', '.join(_COMPARED)} FROM listings "
        "WHERE id IN (SELECT value FROM json_each(?))", (json.dumps(sorted(ids)),))
    return {r["id"]: _Existing(r["fts_rowid"], _state(r), r["updated_at"]) for r in found}


def _fts_text(listing: Listing) -> tuple[str, str, str, str, str]:
    return (segment(listing.name), segment(listing.description), segment(listing.author), segment(listing.category),
            segment(" ".join(listing.tags)))


def _delete(conn: sqlite3.Connection, listing_id: str) -> None:
    found = conn.execute("SELECT fts_rowid FROM listings WHERE id = ?", (listing_id,)).fetchone()
    if found is not None and found[0] is not None:
        conn.execute("DELETE FROM listings_fts WHERE rowid = ?", (found[0],))
    conn.execute("DELETE FROM listings WHERE id = ?", (listing_id,))


def _listing(row: sqlite3.Row) -> Listing:
    manifest = json.loads(row["manifest"]) if row["manifest"] else {}
    model = manifest.get("model", {})
    shape = manifest.get("shape")
    return Listing(
        id=row["id"], repo=row["repo"], revision=row["revision"], name=row["name"],
        description=row["description"], author=row["author"], category=row["category"],
        tags=tuple(json.loads(row["tags"])), license=row["license"], version=str(manifest.get("version", "")),
        model_repo=model.get("repo", row["repo"]), model_revision=model.get("revision", row["revision"]),
        variants=tuple(ListingVariant(v["file"], v["quant"], int(v["size"]), v.get("sha256"))
                       for v in model.get("variants", [])),
        default_variant=model.get("default_variant", ""), likes=row["likes"], downloads=row["downloads"],
        rating_avg=row["rating_avg"] or 0.0, rating_count=row["rating_count"], updated_at=row["updated_at"],
        shape=MemoryShape(**shape) if shape else None, manifest=manifest, installed=bool(row["installed"]),
    )
