"""Editing the store index for a pull request: add, replace or remove one listing line.

Pure functions over bytes, so the change proposed to the index is easy to check: the index is read at
one commit, the listing's line is put where it already was (or appended to the last shard with room,
or to a new shard), ``index.json`` gets the changed shard's new sha256 and count, and every other line
stays byte for byte as it was. The result is exactly what :class:`app.hub.sync.StoreSync` reads back.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
from collections.abc import Mapping
from typing import Any

from app.core.entities import MemoryShape
from app.hub.errors import HubError
from app.hub.listing_format import parse_line
from app.hub.sync import INDEX_FILE, decode_shard
from app.manifest import GPTManifest

SHARD_CAPACITY = 1000
"""Lines per shard before a new shard is started: a sync downloads whole shards, so they stay small."""
SHARD_FOLDER = "shards"
MANIFEST_FILE = "gpt.json"
STATS = ("likes", "downloads", "rating")
"""Kept from the line a listing already has: the index's maintainers update them, not the publisher."""


def listing_line(manifest: GPTManifest, *, revision: str, shape: MemoryShape | None = None,
                 previous: Mapping[str, Any] | None = None, updated_at: str = "") -> dict[str, Any]:
    """The index line of a published GPT: a summary for browsing, pinned to the GPT repo's ``revision``.

    Installing still fetches ``gpt.json`` at that revision and validates it, so the line is never trusted
    for what runs; it only has to be right enough to browse, search and check the fit before downloading.
    """
    model = manifest.model
    line: dict[str, Any] = {
        "id": manifest.id, "repo": manifest.id, "revision": revision, "manifest_file": MANIFEST_FILE,
        "name": manifest.name, "description": manifest.description, "author": manifest.author,
        "category": manifest.category, "tags": list(manifest.tags), "license": manifest.license,
        "version": manifest.version,
        "model": {"repo": model.repo, "revision": model.revision, "default_variant": model.default_variant,
                  "variants": [{"file": v.file, "quant": v.quant, "size": v.size, "sha256": v.sha256}
                               for v in model.variants]},
        "instructions": manifest.instructions, "conversation_starters": list(manifest.conversation_starters),
        "examples": [{"role": e.role.value, "content": e.content} for e in manifest.examples],
        "parameters": manifest.parameters.model_dump(mode="json"),
    }
    if manifest.chat_template:
        line["chat_template"] = manifest.chat_template
    if shape is not None:
        line["shape"] = {"block_count": shape.block_count, "head_count_kv": shape.head_count_kv,
                         "embedding_length": shape.embedding_length, "head_count": shape.head_count,
                         "context_length": shape.context_length}
    for key in STATS:
        if previous is not None and key in previous:
            line[key] = previous[key]
    line.setdefault("likes", 0)
    line.setdefault("downloads", 0)
    line["updated_at"] = updated_at
    try:
        parse_line(json.dumps(line, ensure_ascii=False))
    except ValueError as exc:
        raise HubError(f"The store listing of {manifest.id} would not be valid ({exc}); it was not proposed.") from exc
    return line


def shard_lines(data: bytes, path: str) -> list[str]:
    """The non-empty lines of a shard, as text (gzip'd or not, like sync reads them)."""
    return [line for line in decode_shard(data, path).splitlines() if line.strip()]


def line_id(raw: str) -> str | None:
    try:
        value = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError):
        return None
    return value.get("id") if isinstance(value, dict) and isinstance(value.get("id"), str) else None


def find_line(shards: Mapping[str, list[str]], listing_id: str) -> tuple[str, int] | None:
    """(shard path, line number) of ``listing_id``'s line, or None."""
    for path, lines in shards.items():
        for number, raw in enumerate(lines):
            if line_id(raw) == listing_id:
                return path, number
    return None


def current_line(shards: Mapping[str, list[str]], listing_id: str) -> dict[str, Any] | None:
    found = find_line(shards, listing_id)
    return None if found is None else json.loads(shards[found[0]][found[1]])


def edit_index(index: Mapping[str, Any], shards: Mapping[str, list[str]], listing_id: str,
               line: Mapping[str, Any] | None) -> dict[str, bytes | None]:
    """The files to change so the index holds ``line`` for ``listing_id`` (``None``: holds no line for it).

    ``index`` is the parsed ``index.json`` and ``shards`` every shard's lines in index order. Returns
    path -> new content (``None`` deletes a shard that became empty); empty when nothing changes. A new
    line that differs from the current one only in ``updated_at`` is no change.
    """
    found = find_line(shards, listing_id)
    if line is not None and found is not None:
        old = json.loads(shards[found[0]][found[1]])
        if {k: v for k, v in old.items() if k != "updated_at"} == {k: v for k, v in line.items() if k != "updated_at"}:
            return {}
    if line is None and found is None:
        return {}
    text = json.dumps(line, ensure_ascii=False) if line is not None else None
    edited = {path: list(lines) for path, lines in shards.items()}
    if found is not None:
        path, number = found
        if text is None:
            del edited[path][number]
        else:
            edited[path][number] = text
    else:
        path = _shard_with_room(list(shards), shards)
        edited.setdefault(path, []).append(text)  # type: ignore[arg-type]
    return _write(index, path, edited[path])


def _shard_with_room(order: list[str], shards: Mapping[str, list[str]]) -> str:
    if order and len(shards[order[-1]]) < SHARD_CAPACITY:
        return order[-1]
    numbers = [int(m.group(1)) for p in order if (m := re.search(r"(\d+)\D*$", p.rsplit("/", 1)[-1]))]
    number = max(numbers) + 1 if numbers else 0
    path = f"{SHARD_FOLDER}/{number:04d}.jsonl.gz"
    while path in shards:
        number += 1
        path = f"{SHARD_FOLDER}/{number:04d}.jsonl.gz"
    return path


def _write(index: Mapping[str, Any], path: str, lines: list[str]) -> dict[str, bytes | None]:
    entries = [dict(e) for e in index.get("shards", [])]
    entry = next((e for e in entries if e.get("path") == path), None)
    changes: dict[str, bytes | None] = {}
    if not lines:
        entries = [e for e in entries if e.get("path") != path]
        changes[path] = None
    else:
        data = encode_shard(lines, path)
        changes[path] = data
        if entry is None:
            entry = {"path": path}
            entries.append(entry)
        entry["sha256"] = hashlib.sha256(data).hexdigest()
        entry["count"] = len(lines)
    new_index = {**index, "shards": entries}
    changes[INDEX_FILE] = (json.dumps(new_index, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    return changes


def encode_shard(lines: list[str], path: str) -> bytes:
    """A shard's bytes: gzip'd (with no timestamp, so equal content gives an equal sha256) for ``.gz``."""
    data = "".join(line + "\n" for line in lines).encode("utf-8")
    return gzip.compress(data, mtime=0) if path.endswith(".gz") else data
