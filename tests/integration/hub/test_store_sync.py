"""Store sync with the real huggingface_hub client against the fake hub: incremental, atomic, offline-safe."""

from __future__ import annotations

import pytest

from app.catalog import open_catalog
from app.core.entities import ListingQuery
from app.hub.client import HubClient, configure_http
from app.hub.errors import HubError, HubOffline
from app.hub.sync import StoreSync, SyncCancelled, SyncReport
from tests.support.store_data import INDEX_REPO, listing_line, publish_index


@pytest.fixture
def catalog(tmp_path):
    opened = open_catalog(tmp_path / "c.sqlite3", backups=tmp_path / "backups")
    yield opened
    opened.close()


class syncer:  # noqa: N801 - reads like the function it replaces in each test
    """Fetch with the hub layer, apply with the catalog: what the store service does."""

    def __init__(self, catalog, hub, tmp_path, endpoint=None):
        configure_http("")
        self.catalog = catalog
        self.sync = StoreSync(HubClient(endpoint or hub.url, cache_dir=tmp_path / "hub-cache"), INDEX_REPO)

    def run(self, **kwargs):
        fetched = self.sync.fetch(self.catalog.shard_hashes("hub"), **kwargs)
        changes = self.catalog.apply_shards("hub", fetched.changed, keep=fetched.paths)
        return SyncReport(fetched.commit, changes, len(fetched.changed), len(fetched.paths) - len(fetched.changed),
                          fetched.problems)


def shard_gets(hub) -> int:
    return hub.count("GET", "/shards/")


def ids(catalog) -> list[str]:
    return sorted(l.id for l in catalog.search_listings(ListingQuery(limit=500)))


def test_first_sync_then_only_changed_shards_are_fetched(catalog, fake_hub, tmp_path):
    shards = {f"shards/{n:04d}.jsonl.gz": [listing_line(n * 10 + i) for i in range(5)] for n in range(3)}
    publish_index(fake_hub, shards)
    report = syncer(catalog, fake_hub, tmp_path).run()
    assert (report.fetched, report.unchanged, len(report.changes.added)) == (3, 0, 15)
    assert shard_gets(fake_hub) == 3

    fake_hub.reset_counts()
    again = syncer(catalog, fake_hub, tmp_path).run()
    assert (again.fetched, again.unchanged, again.changes.any) == (0, 3, False)
    assert shard_gets(fake_hub) == 0

    fake_hub.reset_counts()
    shards["shards/0001.jsonl.gz"] = [listing_line(10, name="Renamed"), *[listing_line(10 + i) for i in (1, 2, 3)]]
    changed = syncer(catalog, fake_hub, tmp_path).run()
    assert shard_gets(fake_hub) == 0  # not yet published
    publish_index(fake_hub, shards)
    fake_hub.reset_counts()
    changed = syncer(catalog, fake_hub, tmp_path).run()
    assert shard_gets(fake_hub) == 1 and changed.fetched == 1
    assert changed.changes.changed == ("org/gpt-10",) and changed.changes.removed == ("org/gpt-14",)
    assert catalog.get_listing("org/gpt-10").name == "Renamed"

    del shards["shards/0002.jsonl.gz"]
    publish_index(fake_hub, shards)
    dropped = syncer(catalog, fake_hub, tmp_path).run()
    assert sorted(dropped.changes.removed) == [f"org/gpt-{20 + i}" for i in range(5)]
    assert len(ids(catalog)) == 9


def test_a_shard_that_does_not_match_its_sha256_changes_nothing(catalog, fake_hub, tmp_path):
    publish_index(fake_hub, {"shards/0000.jsonl.gz": [listing_line(1)]})
    syncer(catalog, fake_hub, tmp_path).run()
    publish_index(fake_hub, {"shards/0000.jsonl.gz": [listing_line(1, name="Changed")],
                             "shards/0001.jsonl.gz": [listing_line(2)]})
    fake_hub.faults.add("shards/0001.jsonl.gz", flip_bit_at=20, times=None)
    with pytest.raises(HubError, match="sha256"):
        syncer(catalog, fake_hub, tmp_path).run()
    assert ids(catalog) == ["org/gpt-1"] and catalog.get_listing("org/gpt-1").name == "Helper 1"


def test_bad_lines_are_skipped_and_reported(catalog, fake_hub, tmp_path):
    bad = listing_line(3)
    bad["model"]["revision"] = "not-a-commit"
    publish_index(fake_hub, {"shards/0000.jsonl.gz": [listing_line(1), bad, listing_line(2)]})
    report = syncer(catalog, fake_hub, tmp_path).run()
    assert ids(catalog) == ["org/gpt-1", "org/gpt-2"]
    assert len(report.problems) == 1 and "line 2" in report.problems[0] and "revision" in report.problems[0]


def test_offline_keeps_the_last_catalog_browsable(catalog, fake_hub, tmp_path):
    publish_index(fake_hub, {"shards/0000.jsonl.gz": [listing_line(1)]})
    syncer(catalog, fake_hub, tmp_path).run()
    with pytest.raises(HubOffline, match="cannot be reached"):
        syncer(catalog, fake_hub, tmp_path, endpoint="http://127.0.0.1:9").run()
    assert ids(catalog) == ["org/gpt-1"]


def test_a_missing_index_repo_is_a_clear_error(catalog, fake_hub, tmp_path):
    with pytest.raises(HubError, match="does not exist"):
        syncer(catalog, fake_hub, tmp_path).run()


def test_cancel_applies_nothing(catalog, fake_hub, tmp_path):
    import threading

    publish_index(fake_hub, {f"shards/{n:04d}.jsonl.gz": [listing_line(n)] for n in range(3)})
    cancel = threading.Event()
    with pytest.raises(SyncCancelled):
        syncer(catalog, fake_hub, tmp_path).run(progress=lambda done, total: cancel.set(), cancel=cancel)
    assert ids(catalog) == []
