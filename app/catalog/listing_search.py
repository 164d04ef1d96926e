"""Store search that stays fast from a hundred listings to a million, for rare and for common words.

A search is words (FTS5) + filters + a sort + a page. Which plan is fast depends on how many listings
the words match, so the plan is chosen per query from a *capped count* of the hits (it never counts
past the cap, so asking costs at most the cap):

* **Few hits** (≤ :data:`FEW_HITS` for a column sort, ≤ :data:`RANK_CAP` for relevance): the
  full-text part runs first in a CTE, and only its hits are joined to ``listings``, filtered and
  sorted. Putting the MATCH in a CTE before any join or filter is what keeps FTS5 from being asked
  once per row of another table (the usual cliff of FTS5 queries).
* **Many hits**: the sort's own index is walked in order and each listing is tested for membership
  until the page is full; the more a word matches, the sooner the page fills. First up to
  ``4 × (offset + limit)`` listings are tested one by one with an FTS5 lookup by rowid (cheap for
  plain words), which fills the page when the words match a good share of the store; if that does
  not fill it, the hits are gathered once into SQLite's in-memory set and the walk is made again
  against it. With a category chosen, the walk follows that category's own sort index
  (``listings_category_*``), and FTS5 is asked only for hits whose category column holds its words.
* **Relevance with many hits**: bm25 needs a score for every hit (about a microsecond each, a second
  at a million), and a word that most listings contain says nothing about which is more relevant
  (its inverse document frequency is close to zero). So when the words match more than
  :data:`RANK_CAP` listings, relevance orders them by popularity (downloads), like an empty search.

The last Latin word of a search is a prefix (results appear while typing). An FTS5 prefix query merges
every matching word's hit list each time it is asked, which makes a per-row lookup cost as much as a
whole search; so the prefix is first expanded into the indexed words it stands for (from the
``fts5vocab`` view of the index, exact by construction), and lookups use those plain words. A prefix
that stands for too many words, or one outside ASCII letters and digits (whose case folding is
FTS5's business), is left as it is and takes the in-memory-set path.

Every plan only collects the page's ids (a narrow sort); the listings' columns, manifest included, are
read afterwards for those ids alone.
"""

from __future__ import annotations

import json
import logging
import re
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from app.catalog.cjk import fts_terms
from app.core.entities import ListingQuery, ListingSort

log = logging.getLogger(__name__)

FEW_HITS = 5_000
"""Up to this many hits, a column sort joins and sorts the hits; beyond, it walks the sort's index."""
RANK_CAP = 20_000
"""Up to this many hits, relevance is bm25 over all of them; beyond, popularity (see the module docstring)."""
MAX_PROBED_PAGE = 500
"""Deeper pages than this skip the one-by-one lookups (they would take more of them than gathering the hits)."""
MAX_EXPANSION = 64
"""A prefix standing for more indexed words than this is not expanded."""
VOCAB_TABLE = "temp.listings_vocab"
VOCAB_DDL = f"CREATE VIRTUAL TABLE IF NOT EXISTS {VOCAB_TABLE} USING fts5vocab(main, listings_fts, 'row')"

_PLAIN_PREFIX = re.compile(r'^"([0-9A-Za-z]+)"\*$')
_TIEBREAK = (("name", "COLLATE NOCASE"), ("id", ""))
# Each sort: its index's name without prefix (listings_X, and listings_category_X when a category is
# chosen, both walked in order when the words match many listings) and its keys (column, suffix).
_SORTS: dict[ListingSort, tuple[str, tuple[tuple[str, str], ...]]] = {
    ListingSort.RATING: ("rating", (("rating_avg", "DESC"), ("rating_count", "DESC"))),
    ListingSort.LIKES: ("likes", (("likes", "DESC"),)),
    ListingSort.DOWNLOADS: ("downloads", (("downloads", "DESC"),)),
    ListingSort.NEWEST: ("updated_at", (("updated_at", "DESC"),)),
    ListingSort.SIZE: ("size", (("size", "ASC"),)),
}


@dataclass(frozen=True)
class _Filters:
    where: tuple[str, ...]
    params: tuple[Any, ...]
    category: bool = False

    def index(self, sort: ListingSort) -> str:
        """The index that gives this sort's order (within the chosen category, if any)."""
        return f"listings_{'category_' if self.category else ''}{_SORTS[sort][0]}"

    def clause(self) -> str:
        return f"WHERE {' AND '.join(self.where)}" if self.where else ""


def page_ids(conn: sqlite3.Connection, query: ListingQuery) -> list[str]:
    """The ids of the listings on the requested page, in order."""
    filters = _filters(query)
    terms = fts_terms(query.text) if query.text.strip() else []
    if query.text.strip() and not terms:
        return []  # only punctuation: nothing to search for
    if not terms:
        sort = ListingSort.DOWNLOADS if query.sort is ListingSort.RELEVANCE else query.sort
        return _sorted_scan(conn, sort, filters, query)
    expression = " ".join(terms)
    plain = _plain_expression(conn, terms)
    if plain == "":
        return []  # the prefix stands for no indexed word
    membership = _in_category(plain or expression, query.category)
    relevance = query.sort is ListingSort.RELEVANCE
    if relevance and plain is None:
        # Counting would merge the prefix's hit lists once, and ranking again: rank while counting.
        ranked = _ranked_if_few(conn, expression, filters, query)
        if ranked is not None:
            return ranked
        return _set_walk(conn, membership, ListingSort.DOWNLOADS, filters, query)
    cap = RANK_CAP if relevance else FEW_HITS
    hits = _capped_count(conn, membership, cap + 1)
    if hits == 0:
        return []
    if hits <= cap:
        if relevance:
            return _ranked_if_few(conn, expression, filters, query) or []
        return _joined(conn, membership, query.sort, filters, query)
    sort = ListingSort.DOWNLOADS if relevance else query.sort
    if plain is not None and query.offset + query.limit <= MAX_PROBED_PAGE:
        found = _probe_walk(conn, membership, sort, filters, query)
        if found is not None:
            return found
    return _set_walk(conn, membership, sort, filters, query)


def _filters(query: ListingQuery) -> _Filters:
    where: list[str] = []
    params: list[Any] = []
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
    return _Filters(tuple(where), tuple(params), bool(query.category))


def _order(keys: Sequence[tuple[str, str]]) -> str:
    return ", ".join(f"l.{column} {suffix}".rstrip() for column, suffix in (*keys, *_TIEBREAK))


def _plain_expression(conn: sqlite3.Connection, terms: list[str]) -> str | None:
    """The expression with its prefix term replaced by the indexed words it stands for.

    None: it cannot be made plain (see the module docstring); "": the prefix matches no word at all.
    """
    match = _PLAIN_PREFIX.match(terms[-1])
    if match is None:
        return None if terms[-1].endswith("*") else " AND ".join(terms)
    prefix = match.group(1).lower()
    upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    try:
        words = [w for (w,) in conn.execute(f"SELECT term FROM {VOCAB_TABLE} WHERE term >= ? AND term < ? LIMIT ?",
                                            (prefix, upper, MAX_EXPANSION + 1))]
    except sqlite3.OperationalError as exc:  # a connection made without the view: search as written
        log.debug("No vocabulary view for prefix expansion: %s", exc)
        return None
    if len(words) > MAX_EXPANSION:
        return None
    if not words:
        return ""
    quoted = ['"' + w.replace('"', '""') + '"' for w in words]
    last = quoted[0] if len(quoted) == 1 else "(" + " OR ".join(quoted) + ")"
    return " AND ".join([*terms[:-1], last])


def _in_category(expression: str, category: str | None) -> str:
    """The expression narrowed to listings whose category column holds the chosen category's words.

    The SQL filter on ``l.category`` still decides; this only lets FTS5 drop most other listings before
    they are gathered or looked up (a common word in one category: a fifth of the hits, or less).
    Ranking never uses it, since an extra phrase would change bm25 scores.
    """
    words = [term.rstrip("*") for term in fts_terms(category or "")]
    return f"({expression}) AND category : ({' AND '.join(words)})" if words else expression


def _capped_count(conn: sqlite3.Connection, expression: str, cap: int) -> int:
    return conn.execute("SELECT count(*) FROM (SELECT 1 FROM listings_fts WHERE listings_fts MATCH ? LIMIT ?)",
                        (expression, cap)).fetchone()[0]


def _ids(conn: sqlite3.Connection, sql: str, params: Sequence[Any]) -> list[str]:
    return [r[0] for r in conn.execute(sql, params)]


def _sorted_scan(conn: sqlite3.Connection, sort: ListingSort, filters: _Filters, query: ListingQuery) -> list[str]:
    _, keys = _SORTS[sort]
    return _ids(conn, f"SELECT l.id FROM listings AS l INDEXED BY {filters.index(sort)} {filters.clause()} "
                f"ORDER BY {_order(keys)} LIMIT ? OFFSET ?", [*filters.params, query.limit, query.offset])


def _ranked_if_few(conn: sqlite3.Connection, expression: str, filters: _Filters,
                   query: ListingQuery) -> list[str] | None:
    """bm25 over every hit in one statement, or None (nothing ranked) when there are more than RANK_CAP.

    FTS5 scores a row only when its rank is read, so gathering at most RANK_CAP + 1 hits with their rank
    costs no more than a count would. The hits are ranked and tie-broken (name, id) here rather than with
    FTS5's own ``ORDER BY rank``, which evaluates the query twice (its bm25 weights count every hit of
    every word: half the time of "helper 99991" at a million listings went there).
    """
    # Without filters, only hits scoring at least as well as the page's last one can be on it, so only
    # those are joined to read the names that break ties (not all up to RANK_CAP of them).
    wanted = query.offset + query.limit
    cut = "hits.rank <= (SELECT max(rank) FROM (SELECT rank FROM hits ORDER BY rank LIMIT ?))"
    where = ["(SELECT yes FROM few)", *(filters.where or [cut])]
    sql = ("WITH hits AS MATERIALIZED (SELECT rowid AS f, rank FROM listings_fts WHERE listings_fts MATCH ? "
           "LIMIT ?), few AS (SELECT count(*) <= ? AS yes FROM hits) "
           "SELECT (SELECT yes FROM few), (SELECT json_group_array(id) FROM ("
           "SELECT l.id AS id FROM hits CROSS JOIN listings AS l ON l.fts_rowid = hits.f "
           f"WHERE {' AND '.join(where)} ORDER BY hits.rank, {_order(())} LIMIT ? OFFSET ?))")
    params = [expression, RANK_CAP + 1, RANK_CAP, *(filters.params if filters.where else [wanted]),
              query.limit, query.offset]
    few, found = conn.execute(sql, params).fetchone()
    return json.loads(found) if few else None


def _joined(conn: sqlite3.Connection, expression: str, sort: ListingSort, filters: _Filters,
            query: ListingQuery) -> list[str]:
    """Few hits: gather them, join, filter and sort only them."""
    _, keys = _SORTS[sort]
    sql = ("WITH hits AS MATERIALIZED (SELECT rowid AS f FROM listings_fts WHERE listings_fts MATCH ?) "
           f"SELECT l.id FROM hits CROSS JOIN listings AS l ON l.fts_rowid = hits.f {filters.clause()} "
           f"ORDER BY {_order(keys)} LIMIT ? OFFSET ?")
    return _ids(conn, sql, [expression, *filters.params, query.limit, query.offset])


def _probe_walk(conn: sqlite3.Connection, expression: str, sort: ListingSort, filters: _Filters,
                query: ListingQuery) -> list[str] | None:
    """Walk the first listings in sort order, looking each up in the index; None when that did not fill the page.

    Exact: the walk takes the first ``walk`` listings of the full order (tie-breaks included), so the
    first ``offset + limit`` matches among them are the first ones overall — unless there are fewer
    than that, and the walk stopped before the end of the store.
    """
    index, keys = filters.index(sort), _SORTS[sort][1]
    wanted = query.offset + query.limit
    walk = max(256, 4 * wanted)
    every = (*keys, *_TIEBREAK)
    columns = ", ".join(f"l.{column} AS k{i}" for i, (column, _) in enumerate(every))
    walked_order = ", ".join(f"w.k{i} {suffix}".rstrip() for i, (_, suffix) in enumerate(every))
    sql = (f"WITH w AS MATERIALIZED (SELECT l.fts_rowid AS f, {columns} FROM listings AS l INDEXED BY {index} "
           f"{filters.clause()} ORDER BY {_order(keys)} LIMIT ?) "
           "SELECT (SELECT count(*) FROM w), (SELECT json_group_array(id) FROM ("
           f"SELECT w.k{len(keys) + 1} AS id FROM w WHERE EXISTS (SELECT 1 FROM listings_fts "
           "WHERE listings_fts MATCH ? AND rowid = w.f) "
           f"ORDER BY {walked_order} LIMIT ?))")
    walked, found = conn.execute(sql, [*filters.params, walk, expression, wanted]).fetchone()
    ids = json.loads(found)
    if len(ids) < wanted and walked == walk:
        return None
    return ids[query.offset:]


def _set_walk(conn: sqlite3.Connection, expression: str, sort: ListingSort, filters: _Filters,
              query: ListingQuery) -> list[str]:
    """Gather the hits once into an in-memory set and walk the sort's index against it."""
    index, keys = filters.index(sort), _SORTS[sort][1]
    # The filters come first: SQLite tests the terms in the order written, and a filter that fails
    # spares the set lookup.
    where = (*filters.where, "l.fts_rowid IN (SELECT rowid FROM listings_fts WHERE listings_fts MATCH ?)")
    sql = (f"SELECT l.id FROM listings AS l INDEXED BY {index} WHERE {' AND '.join(where)} "
           f"ORDER BY {_order(keys)} LIMIT ? OFFSET ?")
    return _ids(conn, sql, [*filters.params, expression, query.limit, query.offset])
