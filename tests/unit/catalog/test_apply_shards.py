"""Applying shards in bulk: what is rewritten, what is left alone, and the full-text rows that follow."""

from __future__ import annotations

from dataclasses import replace

from app.catalog import open_catalog
from app.core.entities import ListingQuery
from tests.unit.catalog.test_listings import make


def _ids(found) -> list[str]:  # noqa: ANN001
    return sorted(listing.id for listing in found)


def _fts_rows(catalog) -> int:  # noqa: ANN001
    return catalog._conns.read().execute("SELECT count(*) FROM listings_fts").fetchone()[0]


def test_counts_only_change_keeps_the_text_row_and_unchanged_rows_are_not_counted(tmp_path) -> None:
    catalog = open_catalog(tmp_path / "c.sqlite3", backups=tmp_path / "b")
    first = [make(i) for i in range(5)]
    catalog.apply_shards("hub", {"a": ("1" * 64, first)}, keep=[])
    rowids = dict(catalog._conns.read().execute("SELECT id, fts_rowid FROM listings"))
    second = [replace(first[0], likes=first[0].likes + 1), *first[1:]]
    changes = catalog.apply_shards("hub", {"a": ("2" * 64, second)}, keep=[])
    assert changes.changed == ("org/gpt-0",) and not changes.added and not changes.removed
    assert catalog.get_listing("org/gpt-0").likes == first[0].likes + 1
    assert dict(catalog._conns.read().execute("SELECT id, fts_rowid FROM listings")) == rowids
    assert _fts_rows(catalog) == 5
    assert _ids(catalog.search_listings(ListingQuery(text=first[0].name))) == ["org/gpt-0"]
    catalog.close()


def test_new_words_replace_the_old_ones_in_search(tmp_path) -> None:
    catalog = open_catalog(tmp_path / "c.sqlite3", backups=tmp_path / "b")
    catalog.apply_shards("hub", {"a": ("1" * 64, [make(1), make(2)])}, keep=[])
    catalog.apply_shards("hub", {"a": ("2" * 64, [make(1, name="Zebra"), make(2)])}, keep=[])
    assert _ids(catalog.search_listings(ListingQuery(text="zebra"))) == ["org/gpt-1"]
    assert _ids(catalog.search_listings(ListingQuery(text="GPT bravo 1"))) == []
    assert _fts_rows(catalog) == 2
    catalog.close()


def test_a_listing_moving_to_another_shard_stays_and_a_duplicate_is_written_once(tmp_path) -> None:
    catalog = open_catalog(tmp_path / "c.sqlite3", backups=tmp_path / "b")
    catalog.apply_shards("hub", {"a": ("1" * 64, [make(1), make(2)]), "b": ("2" * 64, [make(3)])}, keep=[])
    moved = catalog.apply_shards("hub", {"a": ("3" * 64, [make(2)]), "b": ("4" * 64, [make(3), make(1)])},
                                 keep=["a", "b"])
    assert not moved.removed and catalog.count_listings() == 3
    twice = catalog.apply_shards("hub", {"b": ("5" * 64, [make(3), make(4), make(4, name="Four")])},
                                 keep=["a", "b"])
    assert twice.added == ("org/gpt-4",) and twice.removed == ("org/gpt-1",)
    assert catalog.get_listing("org/gpt-4").name == "Four" and _fts_rows(catalog) == 3
    assert _ids(catalog.search_listings(ListingQuery(text="four"))) == ["org/gpt-4"]
    catalog.close()
