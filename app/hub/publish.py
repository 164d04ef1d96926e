"""Publishing a GPT to the hub: its model repo as one commit, its visibility, and its store listing.

The hub side only: what to publish (the manifest and its files) is decided by the services. Three
rules keep a failure from leaving something half-published:

- a new repo is created **private** and only made public after its one commit landed, and it is deleted
  again if that commit fails, so nobody ever sees a GPT repo without its ``gpt.json``;
- every file of a version goes in **one commit** (files the new version no longer has are deleted in it),
  so a repo's commits are exactly its versions;
- the store listing is a **pull request** on the index repo (anyone may open one on a public repo; the
  index's maintainers merge it), built from the index read at one commit. A newer request for the same
  listing closes the older ones, so at most one is open per listing.

Every error becomes a :class:`app.hub.errors.HubError` with a sentence; a refused token says to log in
with a token that can write.

Progress comes as :class:`PublishEvent` values through a ``progress`` callback: each file hashed (once,
streaming, by us: the client takes the sha256 we set instead of reading the file again) and uploaded
(LFS files one by one through ``preupload_lfs_files``), then the commit, the visibility and the pull
request. A ``cancel`` event is honoured up to the commit: a repo this publish created is deleted again
and :class:`PublishCancelled` says nothing changed.
"""

from __future__ import annotations

import contextlib
import enum
import hashlib
import json
import logging
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.core.errors import KnownError
from app.hub.client import HubClient
from app.hub.errors import HubError, HubNotFound, HubUnauthorized, translated
from app.hub.index_edit import current_line, edit_index, shard_lines
from app.hub.sync import INDEX_FILE, parse_index

if TYPE_CHECKING:
    from huggingface_hub import CommitOperationAdd

# huggingface_hub is imported where a call needs it, not with the app (see app/hub/client.py).

log = logging.getLogger(__name__)

KEEP = frozenset({".gitattributes"})
"""Files of a GPT repo that a publish never deletes (the hub's own)."""
WRITE_TOKEN = ("Log in with a token that can write (a 'write' token from your hub account's settings, "
               "set with `gptshelf hub login`).")
PUBLISH_TITLE = "Publish {id} {version}"
UNLIST_TITLE = "Unlist {id}"


_HASH_BLOCK = 4 * 2**20


class PublishCancelled(KnownError):
    """The person cancelled before the commit: nothing changed on the hub."""


class PublishStep(enum.StrEnum):
    """Where a publish is, in order."""

    ACCOUNT = "account"
    """Asking the hub whose token this is, and what the repo holds now."""
    HASH = "hash"
    """Hashing the files (``done``/``total``: bytes of all files)."""
    UPLOAD = "upload"
    """Uploading the files the hub lacks (``done``/``total``: bytes of all files; ``path``: the one now)."""
    COMMIT = "commit"
    """Committing them as one version: from here on a cancel is too late."""
    VISIBILITY = "visibility"
    """Making the repo private or public."""
    LISTING = "listing"
    """Opening the pull request on the store index (or finding it is not needed)."""
    DONE = "done"


_SHARE = {PublishStep.ACCOUNT: (0.0, 0.05), PublishStep.HASH: (0.05, 0.3), PublishStep.UPLOAD: (0.3, 0.85),
          PublishStep.COMMIT: (0.85, 0.9), PublishStep.VISIBILITY: (0.9, 0.93), PublishStep.LISTING: (0.93, 1.0),
          PublishStep.DONE: (1.0, 1.0)}


@dataclass(frozen=True)
class PublishEvent:
    """One step of a publish, for a progress bar and a status line."""

    step: PublishStep
    done: int = 0
    total: int = 0
    path: str = ""

    @property
    def fraction(self) -> float:
        """How far the whole publish is, 0 to 1 (each step has its share; hashing and upload by bytes)."""
        start, end = _SHARE[self.step]
        inside = self.done / self.total if self.total else 0.0
        return end if inside >= 1.0 else start + (end - start) * max(0.0, inside)

    @property
    def cancellable(self) -> bool:
        """Whether a cancel still stops the publish with nothing changed (until the commit starts)."""
        return self.step in (PublishStep.ACCOUNT, PublishStep.HASH, PublishStep.UPLOAD)


Report = Callable[[PublishEvent], None]


@dataclass(frozen=True)
class FileHash:
    """A file as the hub will know it: its size, sha256 (the LFS id) and git blob sha1 (the regular id)."""

    size: int
    sha256: str
    git_sha1: str

    def matches(self, hub_id: str) -> bool:
        return hub_id in (self.sha256, self.git_sha1)


def check_cancel(cancel: threading.Event | None, what: str) -> None:
    if cancel is not None and cancel.is_set():
        raise PublishCancelled(f"Publishing {what} was cancelled; nothing changed on the hub.")


def hash_files(files: Mapping[str, bytes | Path], *, progress: Report | None = None,
               cancel: threading.Event | None = None, what: str = "") -> dict[str, FileHash]:
    """Every file's :class:`FileHash`, read once in blocks, reporting bytes and honouring ``cancel``."""
    sizes = {p: len(src) if isinstance(src, bytes) else Path(src).stat().st_size for p, src in files.items()}
    total = sum(sizes.values())
    done = 0
    hashes: dict[str, FileHash] = {}
    for path, source in sorted(files.items()):
        sha256 = hashlib.sha256()
        sha1 = hashlib.sha1(b"blob %d\0" % sizes[path])
        with contextlib.ExitStack() as stack:
            if isinstance(source, bytes):
                blocks: Iterator[bytes] = iter((source,))
            else:
                handle = stack.enter_context(Path(source).open("rb"))
                blocks = iter(lambda h=handle: h.read(_HASH_BLOCK), b"")
            for block in blocks:
                check_cancel(cancel, what)
                sha256.update(block)
                sha1.update(block)
                done += len(block)
                if progress is not None:
                    progress(PublishEvent(PublishStep.HASH, done, total, path))
        hashes[path] = FileHash(sizes[path], sha256.hexdigest(), sha1.hexdigest())
    if progress is not None:
        progress(PublishEvent(PublishStep.HASH, total, total))
    return hashes


class Visibility(enum.StrEnum):
    """Who can see a published GPT, as in the GPT Store."""

    PRIVATE = "private"
    """Only me: a private repo."""
    LINK = "link"
    """Anyone with the link: a public repo, installable by its id, not in the store."""
    STORE = "store"
    """In the store: a public repo, listed in the store index (through a pull request)."""


@dataclass(frozen=True)
class RepoState:
    """What the hub holds for a GPT repo now (seen with the owner's token)."""

    commit: str
    private: bool
    files: dict[str, str]
    """Path -> content id: the sha256 of LFS files, the git blob sha1 of the others."""
    manifest: bytes | None
    """``gpt.json`` at ``commit``, when there is one."""


@dataclass(frozen=True)
class PushResult:
    repo_id: str
    url: str
    commit: str
    created: bool
    changed: bool
    """False when every file was already there as it is (nothing was committed)."""


@dataclass(frozen=True)
class ListingProposal:
    """What happened to a listing on the store index."""

    pr_url: str | None
    """The pull request opened, or None when the index already says the same."""
    closed: tuple[int, ...] = field(default=())
    """Older pull requests of this publisher for this listing, closed as superseded."""


@contextlib.contextmanager
def writing(what: str, endpoint: str) -> Iterator[None]:
    """Like :func:`translated`, but a refused token (401/403) says to log in with a token that can write."""
    try:
        with translated(what, endpoint):
            yield
    except HubUnauthorized as exc:
        raise HubUnauthorized(f"{what}: the hub refused your token. {WRITE_TOKEN}") from exc


class GPTRepoPublisher:
    """Writes a GPT's repo and store listing through one :class:`HubClient` (its token is the publisher's)."""

    def __init__(self, client: HubClient) -> None:
        self._client = client

    @property
    def endpoint(self) -> str:
        return self._client.endpoint

    def account(self) -> str:
        """The token's user name; a read-only token is refused before anything is written."""
        with writing("Checking your hub account", self.endpoint):
            me = self._client.api.whoami()
        role = ((me.get("auth") or {}).get("accessToken") or {}).get("role")
        if role == "read":
            raise HubUnauthorized(f"Your token for {self.endpoint} can only read; publishing needs one that can "
                                  f"write. {WRITE_TOKEN}")
        name = me.get("name")
        if not isinstance(name, str) or not name:
            raise HubError(f"{self.endpoint} did not say which account the token belongs to; publishing needs it.")
        return name

    def state(self, repo_id: str) -> RepoState | None:
        """The repo as it is now, or None when it does not exist yet."""
        what = f"Reading {repo_id}"
        try:
            with writing(what, self.endpoint):
                info = self._client.api.model_info(repo_id, files_metadata=True)
        except HubNotFound:
            return None
        files = {}
        for sibling in info.siblings or []:
            sha = sibling.lfs.sha256 if sibling.lfs else sibling.blob_id
            files[sibling.rfilename] = sha or ""
        manifest = None
        if "gpt.json" in files and info.sha:
            manifest = self._client.small_file(repo_id, "gpt.json", revision=info.sha)
        return RepoState(commit=str(info.sha), private=bool(info.private), files=files, manifest=manifest)

    def push(self, repo_id: str, files: Mapping[str, bytes | Path], *, message: str, description: str = "",
             state: RepoState | None = None, hashes: Mapping[str, FileHash] | None = None,
             progress: Report | None = None, cancel: threading.Event | None = None) -> PushResult:
        """Make ``repo_id`` hold exactly ``files`` (plus the hub's own .gitattributes) in one commit.

        ``state`` is the repo as :meth:`state` saw it (None: it does not exist, so it is created, private).
        ``hashes`` (from :func:`hash_files`) spare the client from reading the files again. ``cancel`` is
        honoured until the commit starts; a repo created here is deleted again when it stops early.
        """
        from huggingface_hub import CommitOperationAdd, CommitOperationDelete  # noqa: PLC0415

        url = f"{self.endpoint}/{repo_id}"
        hashes = hashes if hashes is not None else hash_files(files, progress=progress, cancel=cancel, what=repo_id)
        check_cancel(cancel, repo_id)
        created = state is None
        if created:
            with writing(f"Creating {repo_id}", self.endpoint):
                self._client.api.create_repo(repo_id, private=True, exist_ok=True)
        additions = []
        for path, src in sorted(files.items()):
            op = CommitOperationAdd(path, str(src) if isinstance(src, Path) else src)
            op.upload_info.sha256 = bytes.fromhex(hashes[path].sha256)  # hashed once, by us
            additions.append(op)
        operations: list[Any] = list(additions)
        stale = sorted(set(state.files) - set(files) - KEEP) if state else []
        operations += [CommitOperationDelete(path) for path in stale]
        what = f"Uploading {repo_id}"
        try:
            with writing(what, self.endpoint):
                try:
                    self._upload(repo_id, additions, progress, cancel)
                    if progress is not None:
                        progress(PublishEvent(PublishStep.COMMIT))
                    info = self._client.api.create_commit(repo_id, operations, commit_message=message,
                                                          commit_description=description,
                                                          parent_commit=state.commit if state else None)
                except ValueError as exc:  # refused metadata, LFS batch errors: the client's ValueErrors
                    raise HubError(f"{what}: the hub refused the upload ({exc}).") from exc
        except (HubError, PublishCancelled):
            if created:
                self._delete_quietly(repo_id)
            raise
        changed = state is None or info.oid != state.commit
        return PushResult(repo_id, url, info.oid, created, changed)

    def _upload(self, repo_id: str, additions: list[CommitOperationAdd], progress: Report | None,
                cancel: threading.Event | None) -> None:
        """Upload the LFS files one at a time (the regular ones go inside the commit), so progress and
        cancel work between files; a file the hub already has is not sent again."""
        total = sum(op.upload_info.size for op in additions)
        done = 0
        for op in additions:
            check_cancel(cancel, repo_id)
            if progress is not None:
                progress(PublishEvent(PublishStep.UPLOAD, done, total, op.path_in_repo))
            self._client.api.preupload_lfs_files(repo_id, [op])
            done += op.upload_info.size
        if progress is not None:
            progress(PublishEvent(PublishStep.UPLOAD, total, total))
        check_cancel(cancel, repo_id)

    def set_private(self, repo_id: str, private: bool) -> None:
        with writing(f"Making {repo_id} {'private' if private else 'public'}", self.endpoint):
            self._client.api.update_repo_settings(repo_id, private=private)

    def delete(self, repo_id: str) -> None:
        with writing(f"Deleting {repo_id}", self.endpoint):
            self._client.api.delete_repo(repo_id, missing_ok=True)

    def _delete_quietly(self, repo_id: str) -> None:
        """Undo a repo this publish created, so no GPT repo is left without its gpt.json."""
        try:
            self.delete(repo_id)
        except HubError:
            log.warning("could not delete %s after its first commit failed; delete it on the hub", repo_id,
                        exc_info=True)

    # --- the store index ----------------------------------------------------------------------
    def read_index(self, index_repo: str) -> tuple[str, dict[str, Any], dict[str, list[str]]]:
        """The index at its current commit: (commit, parsed index.json, every shard's lines)."""
        try:
            commit = self._client.head_commit(index_repo, repo_type="dataset")
        except HubNotFound as exc:
            raise HubNotFound(f"The store index {index_repo} does not exist on {self.endpoint}; check the "
                              "store index repo in Settings, or publish for anyone with the link.") from exc
        raw = self._client.small_file(index_repo, INDEX_FILE, revision=commit, repo_type="dataset")
        shards = parse_index(raw)
        lines: dict[str, list[str]] = {}
        for shard in shards:
            data = self._client.small_file(index_repo, shard.path, revision=commit, repo_type="dataset")
            if hashlib.sha256(data).hexdigest() != shard.sha256:
                raise HubError(f"Shard {shard.path} of the store index does not match its sha256; nothing was "
                               "proposed. Try again later.")
            lines[shard.path] = shard_lines(data, shard.path)
        return commit, json.loads(raw), lines

    def listed(self, index_repo: str, listing_id: str) -> dict[str, Any] | None:
        """The listing's current line on the index's main branch, or None."""
        _, _, lines = self.read_index(index_repo)
        return current_line(lines, listing_id)

    def propose_listing(self, index_repo: str, listing_id: str, line: Mapping[str, Any] | None, *, me: str,
                        title: str, description: str = "",
                        index: tuple[str, dict[str, Any], dict[str, list[str]]] | None = None) -> ListingProposal:
        """Open a pull request on the index that adds/replaces (``line``) or removes (None) the listing.

        Nothing is opened when the index already says that. Older open requests of ``me`` for this
        listing are closed as superseded either way.
        """
        from huggingface_hub import CommitOperationAdd, CommitOperationDelete  # noqa: PLC0415

        commit, parsed, lines = index or self.read_index(index_repo)
        changes = edit_index(parsed, lines, listing_id, line)
        pr_url = None
        num = None
        if changes:
            operations: list[Any] = [CommitOperationDelete(p) if data is None else CommitOperationAdd(p, data)
                                     for p, data in sorted(changes.items())]
            with writing(f"Proposing {listing_id} to the store index {index_repo}", self.endpoint):
                info = self._client.api.create_commit(index_repo, operations, commit_message=title,
                                                      commit_description=description, repo_type="dataset",
                                                      create_pr=True, parent_commit=commit)
            pr_url, num = info.pr_url, info.pr_num
        closed = self._close_superseded(index_repo, listing_id, me, keep=num)
        return ListingProposal(pr_url, closed)

    def _close_superseded(self, index_repo: str, listing_id: str, me: str, *, keep: int | None) -> tuple[int, ...]:
        closed = []
        api = self._client.api
        with writing(f"Tidying your pull requests on {index_repo}", self.endpoint):
            for pr in api.get_repo_discussions(index_repo, author=me, discussion_type="pull_request",
                                               discussion_status="open", repo_type="dataset"):
                words = pr.title.split()
                if pr.num == keep or len(words) < 2 or words[0] not in ("Publish", "Unlist") or words[1] != listing_id:
                    continue
                note = f"Superseded by #{keep}." if keep else "The store index already says this."
                api.change_discussion_status(index_repo, pr.num, "closed", comment=note, repo_type="dataset")
                closed.append(pr.num)
        return tuple(closed)


def now_iso() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
