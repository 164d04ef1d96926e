"""The fake hub's state: repos with git-like history, blobs, discussions, and their JSON renderings.

Kept apart from the HTTP layer so the JSON shapes that ``huggingface_hub`` parses live in one place. Every
shape here was checked against the parsers of huggingface_hub 2.4.0 (``ModelInfo``, ``RepoSibling``,
``RepoFile``, ``Discussion``, ``GitCommitInfo``...): field names are the Hub's camelCase ones.

Simplifications (documented so tests don't rely on more):
- repo ids are always ``namespace/name``; the only branch is ``main``; revisions are ``main``, a pull
  request's ``refs/pr/N`` or a full 40-hex commit sha;
- a private repo is visible to its namespace's user only (others get 404, as on the Hub);
- whether a file is stored in LFS is decided by the repo's LFS rule, whatever route uploaded it;
- the tags a repo shows are its explicit tags, plus the card's ``tags:`` and ``gguf`` when it has a ``.gguf``.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone

import yaml

#: File suffixes stored in LFS by default (the Hub's default ``.gitattributes`` tracks these and more).
LFS_SUFFIXES = (".gguf", ".bin", ".safetensors", ".pt", ".pth", ".onnx", ".npz", ".npy", ".h5", ".pkl",
                ".gz", ".zip", ".tar", ".zst", ".xz", ".parquet", ".arrow", ".png", ".jpg", ".jpeg", ".pdf")
#: Files at least this big are LFS whatever their name, as on the Hub.
LFS_SIZE_THRESHOLD = 10 * 1024 * 1024
REPO_TYPES = ("model", "dataset", "space")


def default_lfs_rule(path: str) -> bool:
    return path.lower().endswith(LFS_SUFFIXES)


def git_blob_sha1(data: bytes) -> str:
    """``git hash-object``: the Hub's blob id (and ETag) of a regular file."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def iso(ts: float) -> str:
    """The Hub's date format: ``2024-05-01T12:00:00.000Z``."""
    dt = datetime.fromtimestamp(ts, tz=timezone.utc)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}Z"


@dataclass(frozen=True)
class Blob:
    """One file's content. For LFS files the git blob id is the id of the LFS pointer, as on the Hub."""

    data: bytes
    lfs: bool
    sha256: str
    blob_id: str
    pointer_size: int

    @classmethod
    def make(cls, data: bytes, lfs: bool) -> Blob:
        sha256 = hashlib.sha256(data).hexdigest()
        if lfs:
            pointer = f"version https://git-lfs.github.com/spec/v1\noid sha256:{sha256}\nsize {len(data)}\n".encode()
            return cls(data, True, sha256, git_blob_sha1(pointer), len(pointer))
        return cls(data, False, sha256, git_blob_sha1(data), 0)

    @property
    def size(self) -> int:
        return len(self.data)

    @property
    def etag(self) -> str:
        """What ``/resolve`` sends as ``ETag``: the sha256 for LFS files, the git blob sha1 otherwise."""
        return self.sha256 if self.lfs else self.blob_id


@dataclass
class Commit:
    sha: str
    parent: str | None
    files: dict[str, Blob]
    title: str
    message: str
    author: str
    date: float


@dataclass
class Discussion:
    num: int
    title: str
    author: str
    created: float
    is_pull_request: bool = False
    status: str = "open"
    events: list[dict] = field(default_factory=list)
    base: str = ""
    """For a pull request: the commit of ``main`` it was opened from (what a merge diffs against)."""
    merge_commit: str | None = None

    @property
    def ref(self) -> str:
        return f"refs/pr/{self.num}"


@dataclass
class Repo:
    repo_id: str
    repo_type: str
    lfs_rule: Callable[[str], bool]
    created: float
    tags: list[str] = field(default_factory=list)
    base_likes: int = 0
    downloads: int = 0
    extra: dict = field(default_factory=dict)
    commits: dict[str, Commit] = field(default_factory=dict)
    main: str = ""
    likers: dict[str, float] = field(default_factory=dict)  # user -> when
    discussions: list[Discussion] = field(default_factory=list)
    private: bool = False
    refs: dict[str, str] = field(default_factory=dict)  # "refs/pr/N" -> commit sha

    @property
    def namespace(self) -> str:
        return self.repo_id.split("/")[0]

    def visible_to(self, user: str | None) -> bool:
        return not self.private or user == self.namespace

    @property
    def head(self) -> Commit:
        return self.commits[self.main]

    @property
    def likes(self) -> int:
        return self.base_likes + len(self.likers)

    def resolve(self, revision: str) -> Commit | None:
        """A branch (``main``, ``refs/heads/main``), a pull request (``refs/pr/N``) or a full commit sha;
        ``None`` if unknown."""
        if revision in ("main", "refs/heads/main"):
            return self.head
        if revision in self.refs:
            return self.commits[self.refs[revision]]
        return self.commits.get(revision)

    def is_lfs(self, path: str, size: int) -> bool:
        return bool(self.lfs_rule(path)) or size >= LFS_SIZE_THRESHOLD

    def new_commit(self, changes: dict[str, bytes | None], *, title: str, message: str = "", author: str,
                   date: float, base: Commit | None = None, ref: str | None = None) -> Commit:
        """Apply ``changes`` (``None`` deletes; a path ending in ``/`` with ``None`` deletes a folder) on top of
        ``base`` (default: ``main``'s head), then move ``ref`` to the new commit (default: ``main``)."""
        if base is None and self.main:
            base = self.head
        files = dict(base.files) if base is not None else {}
        for path, data in changes.items():
            if data is None:
                prefix = path if path.endswith("/") else path + "/"
                files = {p: b for p, b in files.items() if p != path and not p.startswith(prefix)}
            else:
                files[path] = Blob.make(data, self.is_lfs(path, len(data)))
        parent = base.sha if base is not None else None
        seed = f"{self.repo_type}/{self.repo_id}|{parent}|{len(self.commits)}|{date}|{title}|"
        seed += "|".join(f"{p}={b.blob_id}" for p, b in sorted(files.items()))
        sha = hashlib.sha1(seed.encode()).hexdigest()
        commit = Commit(sha, parent, files, title, message, author, date)
        self.commits[sha] = commit
        if ref is None:
            self.main = sha
        else:
            self.refs[ref] = sha
        return commit

    def history(self, start: Commit) -> list[Commit]:
        out, cur = [], start
        while cur is not None:
            out.append(cur)
            cur = self.commits.get(cur.parent) if cur.parent else None
        return out


def card_data(commit: Commit) -> dict | None:
    """The YAML front matter of the commit's ``README.md`` (what the Hub returns as ``cardData``)."""
    blob = commit.files.get("README.md")
    if blob is None:
        return None
    text = blob.data.decode("utf-8", "replace")
    if not text.startswith("---"):
        return None
    parts = text.split("\n---", 1)
    if len(parts) < 2:
        return None
    try:
        data = yaml.safe_load(parts[0][3:])
    except yaml.YAMLError:
        return None
    return data if isinstance(data, dict) else None


def repo_tags(repo: Repo, commit: Commit) -> list[str]:
    tags = list(repo.tags)
    card = card_data(commit) or {}
    card_tags = card.get("tags") or []
    for tag in [card_tags] if isinstance(card_tags, str) else card_tags:
        if str(tag) not in tags:
            tags.append(str(tag))
    if any(p.lower().endswith(".gguf") for p in commit.files) and "gguf" not in tags:
        tags.append("gguf")
    return tags


def sibling_json(path: str, blob: Blob, with_blobs: bool) -> dict:
    """One entry of ``siblings``; sizes, blob id and LFS info only with ``?blobs=true`` (as on the Hub)."""
    out: dict = {"rfilename": path}
    if with_blobs:
        out["size"] = blob.size
        out["blobId"] = blob.blob_id
        if blob.lfs:
            out["lfs"] = {"sha256": blob.sha256, "size": blob.size, "pointerSize": blob.pointer_size}
    return out


def repo_info_json(repo: Repo, commit: Commit, *, blobs: bool = False, siblings: bool = True) -> dict:
    """``GET /api/{type}s/{id}``: what ``ModelInfo`` / ``DatasetInfo`` parse."""
    namespace = repo.repo_id.split("/")[0]
    out = {
        "_id": hashlib.md5(repo.repo_id.encode()).hexdigest()[:24],
        "id": repo.repo_id,
        "author": namespace,
        "sha": commit.sha,
        "lastModified": iso(commit.date),
        "createdAt": iso(repo.created),
        "private": repo.private,
        "gated": False,
        "disabled": False,
        "downloads": repo.downloads,
        "likes": repo.likes,
        "tags": repo_tags(repo, commit),
        "usedStorage": sum(b.size for b in commit.files.values()),
    }
    if repo.repo_type == "model":
        out["modelId"] = repo.repo_id
    card = card_data(commit)
    if card is not None:
        out["cardData"] = card
    if siblings:
        out["siblings"] = [sibling_json(p, b, blobs) for p, b in sorted(commit.files.items())]
    out.update(repo.extra)
    return out


def tree_entries(commit: Commit, folder: str, recursive: bool) -> list[dict]:
    """``GET /api/{type}s/{id}/tree/{rev}/{folder}``: the files and folders under ``folder``."""
    prefix = folder.strip("/") + "/" if folder.strip("/") else ""
    files, folders = [], set()
    for path, blob in sorted(commit.files.items()):
        if not path.startswith(prefix):
            continue
        rest = path[len(prefix):]
        parts = rest.split("/")
        for i in range(1, len(parts)):
            if recursive or i == 1:
                folders.add(prefix + "/".join(parts[:i]))
        if recursive or len(parts) == 1:
            files.append(file_entry(path, blob))
    dirs = [{"type": "directory", "oid": hashlib.sha1(f"{commit.sha}:{d}".encode()).hexdigest(), "size": 0,
             "path": d} for d in sorted(folders)]
    return dirs + files


def file_entry(path: str, blob: Blob) -> dict:
    out: dict = {"type": "file", "oid": blob.blob_id, "size": blob.size, "path": path}
    if blob.lfs:
        out["lfs"] = {"oid": blob.sha256, "size": blob.size, "pointerSize": blob.pointer_size}
    return out


def commit_json(commit: Commit) -> dict:
    return {"id": commit.sha, "title": commit.title, "message": commit.message,
            "authors": [{"user": commit.author}], "date": iso(commit.date)}


def discussion_json(repo: Repo, d: Discussion) -> dict:
    """A discussion or pull request as ``get_repo_discussions`` lists it."""
    return {
        "num": d.num, "title": d.title, "status": d.status, "isPullRequest": d.is_pull_request,
        "createdAt": iso(d.created), "author": {"name": d.author}, "pinned": False,
        "numComments": sum(1 for e in d.events if e["type"] == "comment"),
        "repo": {"name": repo.repo_id, "type": repo.repo_type},
    }


def comment_event(author: str, text: str, when: float, counter: int) -> dict:
    return {
        "id": hashlib.sha1(f"{author}|{when}|{counter}".encode()).hexdigest()[:24],
        "type": "comment", "createdAt": iso(when), "author": {"name": author},
        "data": {"edited": False, "hidden": False, "numEdits": 0,
                 "latest": {"raw": text, "html": text, "updatedAt": iso(when)}},
    }


def now_after(last: float) -> float:
    """Wall-clock time, nudged so that successive events are strictly ordered."""
    return max(time.time(), last + 0.001)
