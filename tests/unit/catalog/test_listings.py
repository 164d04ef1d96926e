"""Store listings in the real catalog: incremental shard application, search, filters and sorts."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from app.catalog import open_catalog
from app.core.entities import GPT, Listing, ListingQuery, ListingSort, ListingVariant, MemoryShape, ModelFile, ModelStatus
from app.core.errors import InvalidInput, NotFound

CATEGORIES = ("writing", "coding", "learning", "translation", "general")
WORDS = ("alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel")
ZH = ("写作", "翻译", "代码", "学习", "公文", "诗词")
REV = "a" * 40


def make(i: int, *, name: str | None = None, description: str = "", tags: tuple[str, ...] = (),
         category: str | None = None, size: int | None = None) -> Listing:
    size = size if size is not None else 100_000_000 + (i * 7919) % 9_000_000_000
    variants = (ListingVariant(f"m-{i}.Q4_K_M.gguf", "Q4_K_M", size, f"{i:064x}"),)
    manifest = {"parameters": {"context_length": 4096}, "model": {"repo": f"org/m{i}", "revision": REV,
                "variants": [{"file": v.file, "quant": v.quant, "size": v.size, "sha256": v.sha256} for v in variants],
                "default_variant": "Q4_K_M"}, "version": "1.0.0"}
    return Listing(
        id=f"org/gpt-{i}", repo=f"org/gpt-{i}", revision=REV, name=name or f"GPT {WORDS[i % 8]} {i}",
        description=description or f"{WORDS[(i * 3) % 8]} helper number {i} {ZH[i % 6]}助手",
        author=f"author{i % 50}", category=category or CATEGORIES[i % 5], tags=tags or (WORDS[i % 8], f"t{i % 7}"),
        license="mit", version="1.0.0", model_repo=f"org/m{i}", model_revision=REV, variants=variants,
        default_variant="Q4_K_M", likes=(i * 31) % 1000, downloads=(i * 17) % 100_000,
        rating_avg=round((i % 50) / 10, 1), rating_count=i % 13, updated_at=f"2026-01-{1 + i % 28:02d}T00:00:{i % 60:02d}Z",
        shape=MemoryShape(24, 2, 896, 14, 32768), manifest=manifest,
    )


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    home = tmp_path_factory.mktemp("listings")
    catalog = open_catalog(home / "c.sqlite3", backups=home / "b")
    listings = [make(i) for i in range(10_000)]
    shards = {f"shards/{n:04d}.jsonl.gz": (f"{n:064x}", listings[n * 1000:(n + 1) * 1000]) for n in range(10)}
    changes = catalog.apply_shards("hub", shards, keep=shards)
    assert len(changes.added) == 10_000
    yield catalog, listings
    catalog.close()


def ids(found: list[Listing]) -> list[str]:
    return [listing.id for listing in found]


def test_words_match_with_prefix_and_cjk(big):
    catalog, listings = big
    found = catalog.search_listings(ListingQuery(text="foxtr", limit=500, sort=ListingSort.DOWNLOADS))
    expected = sorted((l for l in listings if "foxtrot" in (l.name + " " + l.description + " " + " ".join(l.tags))),
                      key=lambda l: (-l.downloads, l.name.lower(), l.id))
    assert ids(found) == ids(expected[:500])
    zh = catalog.search_listings(ListingQuery(text="翻译", limit=500))
    assert zh and all("翻译" in l.description for l in zh)
    assert len(catalog.search_listings(ListingQuery(text="翻", limit=500))) >= len(zh)
    assert catalog.search_listings(ListingQuery(text="译翻")) == []


@pytest.mark.parametrize("sort,key", [
    (ListingSort.LIKES, lambda l: -l.likes), (ListingSort.DOWNLOADS, lambda l: -l.downloads),
    (ListingSort.SIZE, lambda l: l.variants[0].size), (ListingSort.NEWEST, lambda l: tuple(-ord(c) for c in l.updated_at)),
    (ListingSort.RATING, lambda l: (-l.rating_avg, -l.rating_count)),
])
def test_sorts_order_every_row(big, sort, key):
    catalog, listings = big
    found = catalog.search_listings(ListingQuery(sort=sort, limit=200, offset=100))
    expected = sorted(listings, key=lambda l: (key(l), l.name.lower(), l.id))[100:300]
    assert ids(found) == ids(expected)


def test_filters_combine(big):
    catalog, listings = big
    query = ListingQuery(category="coding", tags=("delta",), min_size=1_000_000_000, max_size=5_000_000_000,
                         sort=ListingSort.SIZE, limit=500)
    expected = [l for l in listings if l.category == "coding" and "delta" in l.tags
                and 1_000_000_000 <= l.variants[0].size <= 5_000_000_000]
    assert ids(catalog.search_listings(query)) == ids(sorted(expected, key=lambda l: (l.variants[0].size, l.name.lower(), l.id))[:500])


def test_fits_within_uses_the_memory_estimate(big):
    catalog, listings = big
    budget = 3 * 2**30
    found = catalog.search_listings(ListingQuery(fits_within=budget, sort=ListingSort.SIZE, limit=500))
    assert found and all(l.variants[0].size < budget for l in found)
    from app.core.memory import needed_bytes

    expected = [l for l in listings if needed_bytes(l.variants[0].size, l.shape, 4096) <= budget]
    assert len(catalog.search_listings(ListingQuery(fits_within=budget, limit=500))) == min(500, len(expected))


def test_installed_filter_and_flag(tmp_path):
    catalog = open_catalog(tmp_path / "c.sqlite3", backups=tmp_path / "b")
    catalog.apply_shards("hub", {"s0": ("0" * 64, [make(1), make(2)])}, keep=[])
    sha = "f" * 64
    catalog.add_model(ModelFile(sha, "m", "store/sha256/" + sha, 1, ModelStatus.INSTALLED))
    catalog.save_gpt(GPT(id="org/gpt-1", name="one", model_sha256=sha))
    assert ids(catalog.search_listings(ListingQuery(installed=True))) == ["org/gpt-1"]
    assert ids(catalog.search_listings(ListingQuery(installed=False))) == ["org/gpt-2"]
    assert catalog.get_listing("org/gpt-1").installed


def test_incremental_shards_add_change_and_remove(tmp_path):
    catalog = open_catalog(tmp_path / "c.sqlite3", backups=tmp_path / "b")
    first = catalog.apply_shards("hub", {"a": ("1" * 64, [make(1), make(2)]), "b": ("2" * 64, [make(3)])}, keep=[])
    assert sorted(first.added) == ["org/gpt-1", "org/gpt-2", "org/gpt-3"]
    assert catalog.shard_hashes("hub") == {"a": "1" * 64, "b": "2" * 64}
    changed = make(1, name="Renamed")
    second = catalog.apply_shards("hub", {"a": ("3" * 64, [changed])}, keep=["a", "b"])
    assert second.changed == ("org/gpt-1",) and second.removed == ("org/gpt-2",) and not second.added
    assert catalog.get_listing("org/gpt-1").name == "Renamed"
    third = catalog.apply_shards("hub", {}, keep=["a"])
    assert third.removed == ("org/gpt-3",) and catalog.shard_hashes("hub") == {"a": "3" * 64}
    with pytest.raises(NotFound):
        catalog.get_listing("org/gpt-3")
    assert ids(catalog.search_listings(ListingQuery(text="renamed"))) == ["org/gpt-1"]


def test_starter_and_hub_sources_do_not_remove_each_other(tmp_path):
    catalog = open_catalog(tmp_path / "c.sqlite3", backups=tmp_path / "b")
    catalog.apply_shards("starter", {"starter.jsonl": ("1" * 64, [make(1)])}, keep=[])
    catalog.apply_shards("hub", {"a": ("2" * 64, [make(2)])}, keep=[])
    assert catalog.count_listings() == 2


@pytest.mark.parametrize("text", ['"', "*", "AND OR NOT", "NEAR(", "-x", "col:x", "   ", "。，"])
def test_hostile_queries_never_raise(big, text):
    catalog, _ = big
    assert isinstance(catalog.search_listings(ListingQuery(text=text)), list)


def test_page_bounds_are_checked(big):
    catalog, _ = big
    with pytest.raises(InvalidInput):
        catalog.search_listings(ListingQuery(limit=0))
    with pytest.raises(InvalidInput):
        catalog.search_listings(ListingQuery(offset=-1))


def test_reviews_are_listed_newest_first(tmp_path):
    catalog = open_catalog(tmp_path / "c.sqlite3", backups=tmp_path / "b")
    catalog.add_review("org/gpt-1", 4, "good")
    catalog.add_review("org/gpt-1", 2, "meh")
    assert [(r.stars, r.text) for r in catalog.list_reviews("org/gpt-1")] == [(2, "meh"), (4, "good")]


def test_random_listings_round_trip(tmp_path):
    catalog = open_catalog(tmp_path / "c.sqlite3", backups=tmp_path / "b")
    rng = random.Random(3)
    listing = make(rng.randrange(10**6), name="往返 Round trip", tags=("双语", "x"))
    catalog.apply_shards("hub", {"a": ("1" * 64, [listing])}, keep=[])
    back = catalog.get_listing(listing.id)
    assert (back.name, back.tags, back.variants, back.shape, back.likes) == (
        listing.name, listing.tags, listing.variants, listing.shape, listing.likes)
