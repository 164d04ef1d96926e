"""Editing the store index for a listing pull request: what changes, what stays byte for byte, and that
sync's own parser reads the result back."""

from __future__ import annotations

import hashlib
import json

import pytest

from app.core.entities import MemoryShape
from app.core.errors import KnownError
from app.hub import index_edit
from app.hub.index_edit import edit_index, encode_shard, listing_line, shard_lines
from app.hub.listing_format import parse_lines
from app.hub.sync import INDEX_FILE, decode_shard, parse_index
from app.manifest import parse_manifest

A = "a" * 40
MANIFEST = {
    "schema": "gptshelf/gpt@1", "id": "alice/coach", "version": "1.2.0", "name": "Sourdough Coach",
    "description": "Bakes.", "author": "alice", "category": "Food", "tags": ["baking"], "license": "mit",
    "instructions": "Be brief.", "conversation_starters": ["Hi"],
    "examples": [{"role": "user", "content": "q"}, {"role": "assistant", "content": "a"}],
    "model": {"repo": "org/m-GGUF", "revision": "b" * 40, "default_variant": "Q4_K_M",
              "variants": [{"file": "m.Q4_K_M.gguf", "quant": "Q4_K_M", "size": 10, "sha256": "c" * 64}]},
}


def manifest(**changes):
    return parse_manifest(json.dumps({**MANIFEST, **changes}).encode(), strict=True).manifest


def other(n: int) -> str:
    return json.dumps({"id": f"org/gpt-{n}", "weird": "kept as is"}, separators=(",", ":"))


def index_of(shards: dict[str, list[str]]) -> dict:
    return {"schema": "gptshelf/index@1", "note": "kept", "shards": [
        {"path": p, "sha256": hashlib.sha256(encode_shard(lines, p)).hexdigest(), "count": len(lines)}
        for p, lines in shards.items()]}


def read_back(index: dict, shards: dict[str, list[str]], changes: dict[str, bytes | None]) -> dict[str, list[str]]:
    """Apply ``changes`` and parse the result the way sync does (sha256 checked)."""
    new_index = json.loads(changes[INDEX_FILE])
    assert new_index["note"] == "kept"
    out = {}
    for shard in parse_index(changes[INDEX_FILE]):
        data = changes.get(shard.path) or encode_shard(shards[shard.path], shard.path)
        assert hashlib.sha256(data).hexdigest() == shard.sha256
        out[shard.path] = decode_shard(data, shard.path).splitlines()
    return out


def test_the_listing_line_is_what_sync_parses() -> None:
    shape = MemoryShape(2, 2, 64, 4, 4096)
    line = listing_line(manifest(), revision=A, shape=shape, previous={"likes": 7, "rating": {"avg": 4, "count": 1}},
                        updated_at="2026-11-29T00:00:00Z")
    parsed = parse_lines(json.dumps(line), source="t")
    assert parsed.problems == []
    listing = parsed.listings[0]
    assert (listing.id, listing.repo, listing.revision, listing.version) == ("alice/coach", "alice/coach", A, "1.2.0")
    assert listing.manifest["manifest_file"] == "gpt.json" and listing.shape == shape
    assert (listing.likes, listing.rating_avg, listing.downloads) == (7, 4, 0)
    assert listing.variants[0].sha256 == "c" * 64 and listing.category == "food"


def test_a_new_listing_goes_to_the_last_shard_and_others_stay_byte_for_byte() -> None:
    shards = {"shards/0000.jsonl.gz": [other(1), other(2)], "shards/0001.jsonl.gz": [other(3)]}
    index = index_of(shards)
    line = listing_line(manifest(), revision=A)
    changes = edit_index(index, shards, "alice/coach", line)
    assert set(changes) == {INDEX_FILE, "shards/0001.jsonl.gz"}
    after = read_back(index, shards, changes)
    assert after["shards/0000.jsonl.gz"] == shards["shards/0000.jsonl.gz"]
    assert after["shards/0001.jsonl.gz"][0] == other(3)
    assert json.loads(after["shards/0001.jsonl.gz"][1])["id"] == "alice/coach"
    assert json.loads(changes[INDEX_FILE])["shards"][1]["count"] == 2


def test_an_existing_listing_is_replaced_in_place_and_the_same_line_is_no_change() -> None:
    old = listing_line(manifest(version="1.0.0"), revision="d" * 40, previous={"likes": 3, "downloads": 9})
    shards = {"shards/0000.jsonl.gz": [other(1), json.dumps(old), other(2)]}
    index = index_of(shards)
    new = listing_line(manifest(), revision=A, previous=old, updated_at="later")
    changes = edit_index(index, shards, "alice/coach", new)
    after = read_back(index, shards, changes)["shards/0000.jsonl.gz"]
    assert after[0] == other(1) and after[2] == other(2)
    assert (json.loads(after[1])["version"], json.loads(after[1])["likes"]) == ("1.2.0", 3)
    same = {**old, "updated_at": "much later"}
    assert edit_index(index, shards, "alice/coach", same) == {}


def test_removing_a_listing_and_dropping_an_empty_shard() -> None:
    line = json.dumps(listing_line(manifest(), revision=A))
    shards = {"shards/0000.jsonl.gz": [other(1)], "shards/0001.jsonl.gz": [line]}
    index = index_of(shards)
    changes = edit_index(index, shards, "alice/coach", None)
    assert changes["shards/0001.jsonl.gz"] is None
    assert [s.path for s in parse_index(changes[INDEX_FILE])] == ["shards/0000.jsonl.gz"]
    assert edit_index(index, {"shards/0000.jsonl.gz": [other(1)]}, "alice/coach", None) == {}


def test_a_full_shard_starts_a_new_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(index_edit, "SHARD_CAPACITY", 2)
    shards = {"shards/0007.jsonl.gz": [other(1), other(2)]}
    changes = edit_index(index_of(shards), shards, "alice/coach", listing_line(manifest(), revision=A))
    assert set(changes) == {INDEX_FILE, "shards/0008.jsonl.gz"}
    assert shard_lines(changes["shards/0008.jsonl.gz"], "shards/0008.jsonl.gz")[0].startswith('{"id": "alice/coach"')
    empty = edit_index({"schema": "gptshelf/index@1", "shards": []}, {}, "alice/coach",
                       listing_line(manifest(), revision=A))
    assert set(empty) == {INDEX_FILE, "shards/0000.jsonl.gz"}


def test_an_invalid_line_is_never_proposed() -> None:
    with pytest.raises(KnownError, match="would not be valid"):
        listing_line(manifest(), revision="main")
