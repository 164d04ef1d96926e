"""The starter catalog shipped in resources/catalog/starter.jsonl: every line is a well-formed listing.

The file is data written by hand from hub pages (see resources/catalog/SOURCES.md), so these checks
guard its shape: it parses, ids are unique, commits and hashes look right, the default variant
exists, and the generation parameters obey the same rules as a gpt.json manifest.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from app.manifest import Parameters

ROOT = Path(__file__).resolve().parents[3]
CATALOG = ROOT / "resources" / "catalog" / "starter.jsonl"

REQUIRED = {
    "id", "repo", "revision", "name", "description", "author", "category", "tags", "license",
    "version", "language", "model", "instructions", "conversation_starters", "parameters", "shape",
    "likes", "downloads", "rating", "updated_at", "source",
}
MODEL_KEYS = {"repo", "revision", "variants", "default_variant"}
VARIANT_KEYS = {"file", "quant", "size", "size_exact", "sha256"}
PARAM_KEYS = {"temperature", "top_p", "top_k", "min_p", "repeat_penalty", "max_tokens", "context_length", "stop"}
SHAPE_KEYS = {"block_count", "head_count_kv", "embedding_length", "head_count", "context_length"}
CATEGORIES = {"writing", "coding", "learning", "productivity", "translation", "general", "roleplay", "research"}

ID_RE = re.compile(r"^gptshelf/[a-z0-9.-]+$")
REPO_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9._-]{0,95}/[A-Za-z0-9_][A-Za-z0-9._-]{0,95}$")
REV_RE = re.compile(r"^[0-9a-f]{40}$")
SHA_RE = re.compile(r"^[0-9a-f]{64}$")
SEMVER_RE = re.compile(r"^\d+\.\d+\.\d+$")
TIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")


def _load() -> list[tuple[int, dict[str, Any]]]:
    text = CATALOG.read_text(encoding="utf-8")
    out = []
    for number, line in enumerate(text.splitlines(), start=1):
        assert line.strip(), f"line {number} is blank"
        obj = json.loads(line)
        assert isinstance(obj, dict), f"line {number} is not a JSON object"
        out.append((number, obj))
    return out


LISTINGS = _load()


def _ids() -> list[str]:
    return [str(obj.get("id", f"line-{n}")) for n, obj in LISTINGS]


def test_file_is_utf8_jsonl_ending_with_newline() -> None:
    raw = CATALOG.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf"), "no byte-order mark"
    assert raw.endswith(b"\n")
    assert b"\r" not in raw


def test_catalog_size_and_spread() -> None:
    assert len(LISTINGS) >= 14
    assert sum(1 for _, o in LISTINGS if o["language"] == "zh") >= 5
    assert len({o["model"]["repo"] for _, o in LISTINGS}) >= 8


def test_ids_are_unique() -> None:
    ids = [o["id"] for _, o in LISTINGS]
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    names = [o["name"] for _, o in LISTINGS]
    assert len(names) == len(set(names)), "listing names should be distinct"


@pytest.mark.parametrize(("number", "listing"), LISTINGS, ids=_ids())
def test_listing_shape(number: int, listing: dict[str, Any]) -> None:
    where = f"line {number} ({listing.get('id')})"
    assert REQUIRED <= listing.keys(), f"{where}: missing {sorted(REQUIRED - listing.keys())}"

    assert ID_RE.match(listing["id"]), where
    assert REPO_RE.match(listing["repo"]), where
    assert REV_RE.match(listing["revision"]), f"{where}: revision must be 40 lowercase hex"
    assert isinstance(listing["name"], str) and 0 < len(listing["name"]) <= 100, where
    assert isinstance(listing["description"], str) and 0 < len(listing["description"]) <= 300, where
    assert listing["category"] in CATEGORIES, where
    assert listing["language"] in {"en", "zh"}, where
    assert SEMVER_RE.match(listing["version"]), where
    assert isinstance(listing["license"], str) and listing["license"], where
    assert TIME_RE.match(listing["updated_at"]), where

    tags = listing["tags"]
    assert isinstance(tags, list) and 1 <= len(tags) <= 20, where
    assert all(isinstance(t, str) and 0 < len(t) <= 40 for t in tags), where
    assert len({t.casefold() for t in tags}) == len(tags), f"{where}: duplicate tags"

    instructions = listing["instructions"]
    assert isinstance(instructions, str) and 0 < len(instructions) <= 2000, where
    sentences = re.split(r"[.!?。！？]+", instructions)
    assert sum(1 for s in sentences if s.strip()) >= 3, f"{where}: instructions need at least 3 sentences"

    starters = listing["conversation_starters"]
    assert isinstance(starters, list) and 1 <= len(starters) <= 8, where
    assert all(isinstance(s, str) and 0 < len(s) <= 200 for s in starters), where

    assert isinstance(listing["likes"], int) and isinstance(listing["downloads"], int), where
    assert set(listing["rating"]) == {"avg", "count"}, where
    assert isinstance(listing["source"], dict) and listing["source"]["url"].startswith("https://huggingface.co/"), where


@pytest.mark.parametrize(("number", "listing"), LISTINGS, ids=_ids())
def test_model_pin(number: int, listing: dict[str, Any]) -> None:
    where = f"line {number} ({listing['id']})"
    model = listing["model"]
    assert set(model) == MODEL_KEYS, where
    assert model["repo"] == listing["repo"], where
    assert model["revision"] == listing["revision"], where
    assert REV_RE.match(model["revision"]), where

    variants = model["variants"]
    assert isinstance(variants, list) and 1 <= len(variants) <= 3, where
    for variant in variants:
        assert set(variant) == VARIANT_KEYS, where
        assert variant["file"].lower().endswith(".gguf") and "/" not in variant["file"], where
        assert re.match(r"^[A-Za-z0-9][A-Za-z0-9_.+-]{0,39}$", variant["quant"]), where
        assert isinstance(variant["size"], int) and not isinstance(variant["size"], bool) and variant["size"] > 0, where
        assert isinstance(variant["size_exact"], bool), where
        sha = variant["sha256"]
        assert sha is None or (isinstance(sha, str) and SHA_RE.match(sha)), f"{where}: sha256 must be 64 lowercase hex or null"
    quants = [v["quant"] for v in variants]
    files = [v["file"] for v in variants]
    assert len(set(quants)) == len(quants) and len(set(files)) == len(files), where
    assert model["default_variant"] in quants, f"{where}: default_variant must name a variant's quant"


@pytest.mark.parametrize(("number", "listing"), LISTINGS, ids=_ids())
def test_parameters_and_shape(number: int, listing: dict[str, Any]) -> None:
    where = f"line {number} ({listing['id']})"
    params = listing["parameters"]
    assert set(params) == PARAM_KEYS, where
    Parameters.model_validate(params)  # the same ranges a gpt.json manifest must meet

    shape = listing["shape"]
    assert set(shape) == SHAPE_KEYS, where
    assert all(isinstance(shape[k], int) and shape[k] > 0 for k in SHAPE_KEYS), where
    assert shape["head_count"] % shape["head_count_kv"] == 0, f"{where}: heads must be a multiple of KV heads"
    assert params["context_length"] <= shape["context_length"], f"{where}: context_length above the model's"
    assert params["max_tokens"] <= params["context_length"], where
