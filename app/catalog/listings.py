"""Store listings: applied from index shards in one transaction, searched with filters and sorts.

Each listing row remembers the shard it came from, and ``sync_shards`` remembers each shard's sha256,
so a sync fetches and applies only the shards that changed; listings that vanished from a changed
shard, or whose shard left the index, are removed. ``listings_fts`` holds the CJK-segmented text of
name, description, author, category and tags, written in the same transaction as the row.
"""

from __future__ import annotations

import json
from dataclasses import asdict
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from app.catalog import rows
from app.catalog.cjk import fts_query, segment
from app.catalog.connections import Connections
from app.core.entities import (
    Listing, ListingChanges, ListingQuery, ListingSort, ListingVariant, MemoryShape, Review,
)
from app.core.errors import InvalidInput, NotFound
from app.core.memory import needed_bytes

_COLUMNS = (
    "l.id, l.repo, l.revision, l.name, l.description, l.author, l.category, l.tags, l.license, l.likes, "
    "l.downloads, l.rating_avg, l.rating_count, l.size, l.manifest, l.updated_at, l.language, l.mem_needed, "
    "EXISTS (SELECT 1 FROM gpts AS g WHERE g.id = l.id) AS installed"
)
_ORDER = {
    ListingSort.RATING: "l.rating_avg DESC, l.rating_count DESC",
    ListingSort.LIKES: "l.likes DESC",
    ListingSort.DOWNLOADS: "l.downloads DESC",
    ListingSort.NEWEST: "l.updated_at DESC",
    ListingSort.SIZE: "l.size ASC",
}
MAX_PAGE = 500
_COMPARED = ("repo", "revision", "name", "description", "author", "category", "tags", "license", "likes",
             "downloads", "rating_avg", "rating_count", "size", "manifest")


class Listings:
    _conns: Connections

    def apply_shards(self, source: str, changed: Mapping[str, tuple[str, Sequence[Listing]]],
                     keep: Iterable[str]) -> ListingChanges:
        """Apply changed shards (path -> (sha256, listings)) of one source; drop shards not kept or changed."""
        kept = set(keep) | set(changed)
        added: list[str] = []
        updated: list[str] = []
        with self._conns.write() as conn:
            compared = ", ".join(_COMPARED)
            before = {r[0]: tuple(r[1:]) for r in conn.execute(f"SELECT id, {compared} FROM listings")}
            fresh: set[str] = set()
            for shard, (sha256, listings) in changed.items():
                for listing in listings:
                    row = _row(listing, source, shard)
                    key = tuple(row[c] for c in _COMPARED)
                    if listing.id not in before:
                        added.append(listing.id)
                    elif before[listing.id] != key:
                        updated.append(listing.id)
                    _upsert(conn, row, listing)
                    fresh.add(listing.id)
                conn.execute(
                    "INSERT INTO sync_shards (source, path, sha256, count, synced_at) VALUES (?, ?, ?, ?, ?) "
                    "ON CONFLICT (source, path) DO UPDATE SET sha256 = excluded.sha256, count = excluded.count, "
                    "synced_at = excluded.synced_at",
                    (source, shard, sha256, len(listings), rows.utc_now()),
                )
            stale = [r["id"] for r in conn.execute("SELECT id, shard FROM listings WHERE source = ?", (source,))
                     if r["id"] not in fresh and (r["shard"] in changed or r["shard"] not in kept)]
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
        """Listings matching the words and filters, in the requested order (relevance needs words)."""
        if not 0 < query.limit <= MAX_PAGE or query.offset < 0:
            raise InvalidInput(f"A page holds 1 to {MAX_PAGE} listings and starts at 0 or later.")
        where: list[str] = []
        params: list[Any] = []
        head, join = "", ""
        expression = fts_query(query.text) if query.text.strip() else None
        filtered = bool(query.category or query.tags or query.min_size is not None or query.max_size is not None
                        or query.installed is not None or query.fits_within is not None)
        if query.text.strip():
            if expression is None:
                return []
            if query.sort is not ListingSort.RELEVANCE:
                # Only membership matters: no bm25 for every hit, and the sort's index drives the scan.
                where.append("l.fts_rowid IN (SELECT rowid FROM listings_fts WHERE listings_fts MATCH ?)")
                params.append(expression)
            elif not filtered:
                # FTS5 ranks and cuts on its own when nothing else filters the page.
                head = ("WITH hits AS (SELECT rowid AS fts_rowid, rank FROM listings_fts "
                        "WHERE listings_fts MATCH ? ORDER BY rank LIMIT ?) ")
                join = "JOIN hits ON hits.fts_rowid = l.fts_rowid"
                params += [expression, query.offset + query.limit]
            else:
                head = ("WITH hits AS MATERIALIZED (SELECT rowid AS fts_rowid, rank FROM listings_fts "
                        "WHERE listings_fts MATCH ?) ")
                join = "JOIN hits ON hits.fts_rowid = l.fts_rowid"
                params.append(expression)
        if query.category:
            where.append("l.category = ?")
            params.append(query.category.lower())
        for tag in query.tags:
            where.append("EXISTS (SELECT 1 FROM json_each(l.tags) WHERE json_each.value = ?)")
            params.append(tag.lower())
        if query.min_size is not None:
            where.append("l.size >= ?")
            params.append(query.min_size)
        if query.max_size is not None:
            where.append("l.size <= ?")
            params.append(query.max_size)
        if query.installed is not None:
            where.append(("" if query.installed else "NOT ") + "EXISTS (SELECT 1 FROM gpts AS g WHERE g.id = l.id)")
        if query.fits_within is not None:
            where.append("l.mem_needed <= ?")
            params.append(query.fits_within)
        if query.sort is ListingSort.RELEVANCE:
            order = "hits.rank" if join else "l.downloads DESC"
        else:
            order = _ORDER[query.sort]
        sql = (f"{head}SELECT {_COLUMNS} FROM listings AS l {join} "
               f"{'WHERE ' + ' AND '.join(where) if where else ''} "
               f"ORDER BY {order}, l.name COLLATE NOCASE, l.id LIMIT ? OFFSET ?")
        found = self._conns.read().execute(sql, [*params, query.limit, query.offset]).fetchall()
        return [_listing(r) for r in found]


def _row(listing: Listing, source: str, shard: str) -> dict[str, Any]:
    default = listing.variant()
    context = int((listing.manifest or {}).get("parameters", {}).get("context_length", 4096))
    return {
        "id": listing.id, "repo": listing.repo, "revision": listing.revision, "name": listing.name,
        "description": listing.description, "author": listing.author, "category": listing.category,
        "tags": json.dumps(list(listing.tags), ensure_ascii=False), "license": listing.license,
        "likes": listing.likes, "downloads": listing.downloads, "rating_avg": listing.rating_avg,
        "rating_count": listing.rating_count, "size": default.size,
        "manifest": json.dumps({**(listing.manifest or {}), "shape": asdict(listing.shape) if listing.shape else None},
                               ensure_ascii=False, sort_keys=True),
        "updated_at": listing.updated_at or rows.utc_now(), "source": source, "shard": shard,
        "language": str((listing.manifest or {}).get("language", "")),
        "mem_needed": needed_bytes(default.size, listing.shape, context),
    }


def _upsert(conn: sqlite3.Connection, row: dict[str, Any], listing: Listing) -> None:
    found = conn.execute("SELECT fts_rowid FROM listings WHERE id = ?", (listing.id,)).fetchone()
    if found is not None and found[0] is not None:
        fts_rowid = found[0]
        conn.execute("DELETE FROM listings_fts WHERE rowid = ?", (fts_rowid,))
    else:
        fts_rowid = conn.execute("SELECT coalesce(max(fts_rowid), 0) + 1 FROM listings").fetchone()[0]
    row = {**row, "fts_rowid": fts_rowid}
    names = ", ".join(row)
    marks = ", ".join("?" for _ in row)
    updates = ", ".join(f"{k} = excluded.{k}" for k in row if k != "id")
    conn.execute(f"INSERT INTO listings ({names}) VALUES ({marks}) ON CONFLICT (id) DO UPDATE SET {updates}",
                 list(row.values()))
    conn.execute(
        "INSERT INTO listings_fts (rowid, listing_id, name, description, author, category, tags) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        (fts_rowid, listing.id, segment(listing.name), segment(listing.description), segment(listing.author),
         segment(listing.category), segment(" ".join(listing.tags))),
    )


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
