"""Every plan of the store search gives the page a plain Python filter and sort of the listings gives.

The plan depends on how many listings the words match (app/catalog/listing_search.py); the catalog
here is small, so the thresholds are lowered to send the same queries down the "many hits" plans too.
"""

from __future__ import annotations

import re

import pytest

from app.catalog import listing_search, open_catalog
from app.core.entities import Listing, ListingQuery, ListingSort
from tests.unit.catalog.test_listings import make

COUNT = 3_000
_KEYS = {
    ListingSort.DOWNLOADS: lambda l: (-l.downloads,),
    ListingSort.LIKES: lambda l: (-l.likes,),
    ListingSort.RATING: lambda l: (-l.rating_avg, -l.rating_count),
    ListingSort.SIZE: lambda l: (l.variants[0].size,),
    ListingSort.NEWEST: lambda l: tuple(-ord(c) for c in l.updated_at),
}


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    home = tmp_path_factory.mktemp("search")
    catalog = open_catalog(home / "c.sqlite3", backups=home / "b")
    listings = [make(i) for i in range(COUNT)]
    shards = {f"s{n}": (f"{n:064x}", listings[n * 500:(n + 1) * 500]) for n in range(COUNT // 500)}
    catalog.apply_shards("hub", shards, keep=shards)
    yield catalog, listings
    catalog.close()


def _words(listing: Listing) -> list[str]:
    text = " ".join((listing.name, listing.description, listing.author, listing.category, *listing.tags))
    return re.findall(r"[0-9a-z]+", text.lower())


def _matches(listing: Listing, text: str) -> bool:
    """The search's word semantics for this data: every word present, the last Latin one as a prefix."""
    pieces = text.lower().split()
    words = _words(listing)
    full = listing.name + listing.description + "".join(listing.tags)
    for n, piece in enumerate(pieces):
        if not piece.isascii():
            if piece not in full:
                return False
        elif n == len(pieces) - 1:
            if not any(w.startswith(piece) for w in words):
                return False
        elif piece not in words:
            return False
    return True


def expected(listings: list[Listing], query: ListingQuery, sort: ListingSort) -> list[str]:
    found = [l for l in listings if _matches(l, query.text)
             and (not query.category or l.category == query.category)
             and (query.max_size is None or l.variants[0].size <= query.max_size)]
    found.sort(key=lambda l: (*_KEYS[sort](l), l.name.lower(), l.id))
    return [l.id for l in found[query.offset:query.offset + query.limit]]


def ids(found: list[Listing]) -> list[str]:
    return [listing.id for listing in found]


QUERIES = [
    ListingQuery(text="foxtr", sort=ListingSort.DOWNLOADS),  # a quarter of the store, prefix
    ListingQuery(text="helper", sort=ListingSort.LIKES),  # every listing
    ListingQuery(text="helper", sort=ListingSort.LIKES, offset=120, limit=60),
    ListingQuery(text="helper", sort=ListingSort.SIZE, offset=600, limit=100),  # deeper than the probed pages
    ListingQuery(text="author7", sort=ListingSort.NEWEST),  # one in fifty: the lookups do not fill the page
    ListingQuery(text="1", sort=ListingSort.DOWNLOADS),  # a prefix of more words than are expanded
    ListingQuery(text="alpha he", sort=ListingSort.RATING),
    ListingQuery(text="翻译", sort=ListingSort.DOWNLOADS),
    ListingQuery(text="999", sort=ListingSort.LIKES),  # rare prefix
    ListingQuery(text="delta", category="coding", max_size=4_000_000_000, sort=ListingSort.RATING),
    ListingQuery(text="helper", category="writing", sort=ListingSort.DOWNLOADS, offset=50),
]


@pytest.mark.parametrize("many", [False, True], ids=["as-is", "thresholds-lowered"])
@pytest.mark.parametrize("query", QUERIES, ids=lambda q: f"{q.text}-{q.sort}-{q.category}-{q.offset}")
def test_each_plan_matches_python(store, monkeypatch, query, many):
    catalog, listings = store
    if many:
        monkeypatch.setattr(listing_search, "FEW_HITS", 5)
        monkeypatch.setattr(listing_search, "RANK_CAP", 5)
    assert ids(catalog.search_listings(query)) == expected(listings, query, query.sort)


def test_relevance_over_many_hits_orders_by_popularity(store, monkeypatch):
    catalog, listings = store
    monkeypatch.setattr(listing_search, "RANK_CAP", 100)
    for text in ("foxtr", "1", "alpha 1"):  # a plain prefix, and ones standing for too many words to expand
        query = ListingQuery(text=text)
        assert ids(catalog.search_listings(query)) == expected(listings, query, ListingSort.DOWNLOADS)


def test_relevance_over_few_hits_is_bm25(store):
    catalog, listings = store
    found = ids(catalog.search_listings(ListingQuery(text="foxtrot 1", limit=500)))
    conn = catalog._conns.read()
    ranked = [r[0] for r in conn.execute(
        "SELECT listing_id FROM listings_fts WHERE listings_fts MATCH '\"foxtrot\" \"1\"*' ORDER BY rank")]
    assert sorted(found) == sorted(ranked)
    scores = dict(conn.execute("SELECT listing_id, rank FROM listings_fts WHERE listings_fts MATCH '\"foxtrot\" \"1\"*'"))
    assert [scores[i] for i in found] == sorted(scores[i] for i in found)


def test_a_prefix_that_stands_for_no_word_finds_nothing(store):
    catalog, _ = store
    assert catalog.search_listings(ListingQuery(text="zzqx")) == []
    assert catalog.search_listings(ListingQuery(text="alpha zzqx", sort=ListingSort.LIKES)) == []


def test_prefix_expansion_is_exact_and_bounded(store):
    catalog, _ = store
    conn = catalog._conns.read()
    assert listing_search._plain_expression(conn, ['"alpha"', '"fox"*']) == '"alpha" AND "foxtrot"'
    assert listing_search._plain_expression(conn, ['"t"*']) == (
        '("t0" OR "t1" OR "t2" OR "t3" OR "t4" OR "t5" OR "t6" OR "translation")')
    assert listing_search._plain_expression(conn, ['"1"*']) is None  # more than MAX_EXPANSION words
    assert listing_search._plain_expression(conn, ['"é"*']) is None  # folding is left to FTS5
    assert listing_search._plain_expression(conn, ['"翻 译"']) == '"翻 译"'
    assert listing_search._plain_expression(conn, ['"qqq"*']) == ""


def test_category_browsing_uses_the_category_sort_index(store):
    catalog, listings = store
    query = ListingQuery(category="coding", sort=ListingSort.RATING, limit=100)
    assert ids(catalog.search_listings(query)) == expected(listings, ListingQuery(category="coding", limit=100),
                                                           ListingSort.RATING)
    plan = " ".join(r[3] for r in catalog._conns.read().execute(
        "EXPLAIN QUERY PLAN SELECT l.id FROM listings AS l INDEXED BY listings_category_rating "
        "WHERE l.category = 'coding' ORDER BY l.rating_avg DESC, l.rating_count DESC LIMIT 5"))
    assert "listings_category_rating" in plan and "TEMP B-TREE" not in plan


def test_the_lowered_thresholds_reach_every_plan(store, monkeypatch):
    catalog, _ = store
    monkeypatch.setattr(listing_search, "FEW_HITS", 5)
    monkeypatch.setattr(listing_search, "RANK_CAP", 5)
    used: dict[str, list[object]] = {}
    for name in ("_joined", "_ranked_if_few", "_probe_walk", "_set_walk", "_sorted_scan"):
        real = getattr(listing_search, name)
        monkeypatch.setattr(listing_search, name, lambda *a, _r=real, _n=name, **k: used.setdefault(_n, []).append(
            _r(*a, **k)) or used[_n][-1])
    for query in [*QUERIES, ListingQuery(text="99999"), ListingQuery(text="zulu", sort=ListingSort.SIZE),
                  ListingQuery(sort=ListingSort.SIZE)]:
        catalog.search_listings(query)
    assert set(used) == {"_joined", "_probe_walk", "_set_walk", "_sorted_scan"}
    assert None in used["_probe_walk"] and any(r is not None for r in used["_probe_walk"])


def test_a_category_narrows_the_hits_without_changing_them(tmp_path, monkeypatch):
    monkeypatch.setattr(listing_search, "FEW_HITS", 2)
    catalog = open_catalog(tmp_path / "c.sqlite3", backups=tmp_path / "b")
    cats = ("role play", "role play extra", "角色扮演", "play")
    listings = [make(i, category=cats[i % 4]) for i in range(40)]
    catalog.apply_shards("hub", {"s": ("0" * 64, listings)}, keep=[])
    for category in cats:
        query = ListingQuery(text="helper", category=category, sort=ListingSort.LIKES, limit=5)
        want = sorted((l for l in listings if l.category == category), key=lambda l: (-l.likes, l.name.lower(), l.id))
        assert ids(catalog.search_listings(query)) == [l.id for l in want[:5]]
    catalog.close()


@pytest.mark.parametrize("category", [None, "coding"])
@pytest.mark.parametrize("offset", [0, 7])
def test_relevance_pages_follow_bm25_then_name_and_id(store, category, offset):
    catalog, listings = store
    conn = catalog._conns.read()
    scores = dict(conn.execute(
        "SELECT listing_id, rank FROM listings_fts WHERE listings_fts MATCH '\"foxtrot\" \"1\"*'"))
    by_id = {l.id: l for l in listings}
    want = sorted((i for i in scores if category is None or by_id[i].category == category),
                  key=lambda i: (scores[i], by_id[i].name.lower(), i))
    query = ListingQuery(text="foxtrot 1", category=category, offset=offset, limit=10)
    assert ids(catalog.search_listings(query)) == want[offset:offset + 10]
