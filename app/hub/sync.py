"""Store sync: fetch the index, then only the shards whose sha256 changed, and apply them at once.

The store index is a dataset repo holding ``index.json``::

    {"schema": "gptshelf/index@1", "shards": [{"path": "shards/0000.jsonl.gz", "sha256": "...", "count": 812}]}

Everything is read at one commit of that repo, so a sync never mixes two versions of the index.
Shards are verified against the sha256 in the index before a byte of them is parsed. This module
only fetches and parses: the services apply the result to the catalog in one transaction, so any
failure here leaves the catalog exactly as it was (the last synced store stays browsable offline).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
import threading
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from app.core.entities import Listing, ListingChanges
from app.hub.errors import HubError

if TYPE_CHECKING:
    from app.hub.client import HubClient

# The listing format and the manifest rules (pydantic) are imported when a sync or the starter
# catalog is actually read: a start that finds nothing changed does not pay for them (figure 5).

log = logging.getLogger(__name__)

INDEX_FILE = "index.json"
INDEX_SCHEMA = "gptshelf/index@1"
MAX_SHARDS = 10_000
MAX_SHARD_TEXT = 256 * 2**20
HUB = "hub"
STARTER = "starter"


class SyncCancelled(Exception):
    """The person stopped the sync; nothing was applied."""


@dataclass(frozen=True)
class SyncReport:
    commit: str
    changes: ListingChanges
    fetched: int
    unchanged: int
    problems: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class FetchedIndex:
    """The index at one commit, and the parsed listings of the shards that changed since last time."""

    commit: str
    paths: tuple[str, ...]
    changed: dict[str, tuple[str, list[Listing]]]
    problems: tuple[str, ...]


@dataclass(frozen=True)
class Shard:
    path: str
    sha256: str


def parse_index(data: bytes) -> list[Shard]:
    try:
        index = json.loads(data)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise HubError(f"The store index is not valid JSON ({exc}).") from exc
    if not isinstance(index, dict) or index.get("schema") != INDEX_SCHEMA:
        raise HubError(f"The store index is not a {INDEX_SCHEMA} file; is the index repo setting right?")
    raw = index.get("shards")
    if not isinstance(raw, list) or len(raw) > MAX_SHARDS:
        raise HubError("The store index has no valid list of shards.")
    from app.manifest.safe_path import check_relative_path  # noqa: PLC0415 - see the note on imports

    shards = []
    for number, item in enumerate(raw):
        try:
            path = check_relative_path(str(item["path"]))
            sha256 = str(item["sha256"])
        except (KeyError, TypeError, ValueError) as exc:
            raise HubError(f"Shard {number} of the store index is malformed ({exc}).") from exc
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
            raise HubError(f"Shard {path} has no valid sha256 in the store index.")
        shards.append(Shard(path, sha256))
    if len({s.path for s in shards}) != len(shards):
        raise HubError("The store index lists a shard twice.")
    return shards


def decode_shard(data: bytes, path: str) -> str:
    """A shard's text: gzip for ``.gz`` (bounded, against decompression bombs), UTF-8 otherwise."""
    if path.endswith(".gz"):
        inflater = zlib.decompressobj(wbits=31)
        try:
            text = inflater.decompress(data, MAX_SHARD_TEXT)
        except zlib.error as exc:
            raise HubError(f"Shard {path} is not valid gzip ({exc}).") from exc
        if inflater.unconsumed_tail:
            raise HubError(f"Shard {path} unpacks to more than {MAX_SHARD_TEXT // 2**20} MiB; it was refused.")
        data = text
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise HubError(f"Shard {path} is not UTF-8 text.") from exc


class StoreSync:
    def __init__(self, client: HubClient, index_repo: str) -> None:
        self._client = client
        self._index_repo = index_repo

    def fetch(self, known: Mapping[str, str], *, progress: Callable[[int, int], None] | None = None,
              cancel: threading.Event | None = None) -> FetchedIndex:
        """Fetch the shards whose sha256 differs from ``known`` (path -> sha256 of the last sync).

        ``progress(done, total)`` counts shards. Raises HubError, or SyncCancelled between shards.
        """
        repo = self._index_repo
        commit = self._client.head_commit(repo, repo_type="dataset")
        from app.hub.listing_format import parse_lines  # noqa: PLC0415 - see the note on imports

        shards = parse_index(self._client.small_file(repo, INDEX_FILE, revision=commit, repo_type="dataset"))
        todo = [s for s in shards if known.get(s.path) != s.sha256]
        changed: dict[str, tuple[str, list[Listing]]] = {}
        problems: list[str] = []
        for done, shard in enumerate(todo, start=1):
            if cancel is not None and cancel.is_set():
                raise SyncCancelled
            data = self._client.small_file(repo, shard.path, revision=commit, repo_type="dataset")
            if hashlib.sha256(data).hexdigest() != shard.sha256:
                raise HubError(f"Shard {shard.path} does not match its sha256 in the store index; nothing was "
                               "changed. Try again later.")
            parsed = parse_lines(decode_shard(data, shard.path), source=shard.path)
            problems.extend(parsed.problems)
            changed[shard.path] = (shard.sha256, parsed.listings)
            if progress is not None:
                progress(done, len(todo))
        if cancel is not None and cancel.is_set():
            raise SyncCancelled
        for problem in problems:
            log.warning("store index: %s", problem)
        return FetchedIndex(commit, tuple(s.path for s in shards), changed, tuple(problems))


def starter_sha256(path: Path) -> str | None:
    """The shipped starter catalog's sha256 (None when the file is missing): enough to see it is unchanged."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def read_starter(path: Path) -> tuple[str, list[Listing]] | None:
    """The shipped starter catalog's sha256 and listings (None when the file is missing)."""
    from app.hub.listing_format import parse_lines  # noqa: PLC0415 - see the note on imports

    if not path.is_file():
        log.warning("no starter catalog at %s", path)
        return None
    data = path.read_bytes()
    parsed = parse_lines(data.decode("utf-8"), source=path.name)
    for problem in parsed.problems:
        log.error("starter catalog: %s", problem)
    return hashlib.sha256(data).hexdigest(), parsed.listings


def gzip_lines(lines: list[dict]) -> bytes:
    """A shard as the index publisher writes it (used by the fake hub in tests and by publishing)."""
    text = "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines)
    return gzip.compress(text.encode("utf-8"), mtime=0)
