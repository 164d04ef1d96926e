"""A fake Hugging Face Hub on 127.0.0.1 that the real ``huggingface_hub`` client (2.4.0) talks to.

huggingface.co is unreachable from tests, and mocking the client would test nothing: the app's hub code
must run the real client against real HTTP. So tests start a ``FakeHub`` (two loopback listeners: the hub,
and a "CDN" origin for redirected LFS downloads) and pass ``endpoint=hub.url`` wherever the app passes
an endpoint. Standard library only.

What it serves (each checked against the client in tests/integration/hub/test_fake_hub.py):
- repo info ``/api/{models,datasets}/{id}[/revision/{rev}]`` (``files_metadata`` → ``?blobs=true``),
  listing ``/api/models?search=&filter=&sort=&limit=&full=``, tree, paths-info, refs, commits;
- files ``HEAD/GET /{id}/resolve/{rev}/{path}`` (and ``/datasets/...``) with the headers
  ``hf_hub_download`` needs, ``Range`` → 206, optional 302 to the CDN origin (``redirect_lfs=True``);
- likes, whoami, discussions; create/delete repo, settings (private/public), preupload, LFS batch upload,
  NDJSON commit to ``main`` or as a pull request (``create_pr=1`` → ``refs/pr/N``), pull request merge;
- private repos (seen by their owner only), read-only tokens (``ALICE_READ_TOKEN``: writes get 403);
- per-file download faults (``hub.faults``, see fake_hub_faults.py), one-shot write failures
  (``hub.fail_writes``) and a log of requests.

Usage::

    with FakeHub() as hub:
        sha = hub.add_repo("alice/tiny", {"model.gguf": data, "gpt.json": b"{}"}, tags=["gptshelf"])
        path = hf_hub_download("alice/tiny", "model.gguf", revision=sha, endpoint=hub.url, cache_dir=tmp)
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Collection, Mapping

from tests.support import fake_hub_discussions, fake_hub_routes, fake_hub_write  # noqa: F401  (registers routes)
from tests.support.fake_hub_faults import Fault, FaultPlan
from tests.support.fake_hub_http import HubServer, RequestRecord
from tests.support.fake_hub_store import REPO_TYPES, Blob, Commit, Discussion, Repo, default_lfs_rule, now_after

__all__ = ["ALICE_READ_TOKEN", "ALICE_TOKEN", "BOB_TOKEN", "DEFAULT_TOKENS", "FakeHub", "Fault", "FaultPlan",
           "RequestRecord"]

ALICE_TOKEN = "hf_fake_alice_token"
BOB_TOKEN = "hf_fake_bob_token"
ALICE_READ_TOKEN = "hf_fake_alice_read_token"
"""Alice's read-only token: reads and whoami work, every write is refused with 403 (as on the Hub)."""
DEFAULT_TOKENS = {ALICE_TOKEN: "alice", BOB_TOKEN: "bob", ALICE_READ_TOKEN: "alice"}


class FakeHub:
    """The fake hub. Thread-safe; close it (or use ``with``) to stop its server threads.

    Args:
        tokens: accepted bearer tokens → user names (default: ``DEFAULT_TOKENS``, alice and bob).
        read_only_tokens: tokens with the ``read`` role (default: ``ALICE_READ_TOKEN``).
        redirect_lfs: answer ``/resolve`` of LFS files with a 302 to ``cdn_url`` (another port on
            127.0.0.1, so the client treats it as a foreign CDN: HEAD stops at the 302, GET drops auth).
        lfs_uploads: let preupload answer ``lfs`` (needs Xet disabled in the client), else ``regular``.
        list_page_size / discussions_page_size: page sizes of listings (small values test pagination).
    """

    def __init__(self, *, tokens: Mapping[str, str] | None = None, redirect_lfs: bool = False,
                 lfs_uploads: bool = False, list_page_size: int = 1000, discussions_page_size: int = 50,
                 read_only_tokens: Collection[str] | None = None):
        self.tokens = dict(DEFAULT_TOKENS if tokens is None else tokens)
        self.read_only_tokens = set((ALICE_READ_TOKEN,) if read_only_tokens is None else read_only_tokens)
        self._write_faults: list[list] = []  # [method, path substring, status, times left]
        self.redirect_lfs = redirect_lfs
        self.lfs_uploads = lfs_uploads
        self.list_page_size = list_page_size
        self.discussions_page_size = discussions_page_size
        self.faults = FaultPlan()
        self.server_errors: list[str] = []  # tracebacks of crashes inside the fake (a bug in the fake)
        self.lock = threading.RLock()
        self.stopping = threading.Event()
        self._repos: dict[tuple[str, str], Repo] = {}
        self._blobs: dict[str, Blob] = {}      # sha256 → LFS blob, for the CDN and LFS dedupe
        self._uploads: dict[str, bytes] = {}   # sha256 → content PUT through the LFS batch API
        self._records: list[RequestRecord] = []
        self._last = 0.0
        self._servers = [HubServer(self, "hub"), HubServer(self, "cdn")]
        self._threads = [threading.Thread(target=s.serve_forever, kwargs={"poll_interval": 0.05},
                                          name=f"fake-hub-{s.name}", daemon=True) for s in self._servers]
        for t in self._threads:
            t.start()
        self.url = f"http://127.0.0.1:{self._servers[0].server_address[1]}"
        self.cdn_url = f"http://127.0.0.1:{self._servers[1].server_address[1]}"

    # ----- content -----------------------------------------------------------------------------------
    def add_repo(self, repo_id: str, files: Mapping[str, bytes], *, repo_type: str = "model",
                 tags: tuple[str, ...] | list[str] = (), likes: int = 0, downloads: int = 0,
                 card: str | None = None, lfs: Callable[[str], bool] | None = None, author: str | None = None,
                 extra: Mapping | None = None, message: str = "add files") -> str:
        """Create a repo whose ``main`` holds exactly ``files`` (+ ``README.md`` from ``card``); return the
        commit sha. On an existing repo: a new commit with exactly these files (old revisions still
        resolve), and ``tags``/``likes``/``downloads``/``extra`` replaced.

        ``lfs(path) -> bool`` says which files are stored in LFS (default: by suffix, e.g. ``.gguf``,
        ``.bin``, ``.gz``, ``.png``); files of 10 MiB or more always are. ``extra`` is merged into the
        repo's info JSON (e.g. ``{"gguf": {...}, "pipeline_tag": "text-generation"}``).
        """
        _check_id(repo_id, repo_type)
        files = dict(files)
        if card is not None:
            files["README.md"] = card.encode()
        with self.lock:
            repo = self._repos.get((repo_type, repo_id))
            if repo is None:
                repo = self._new_repo(repo_id, files, repo_type=repo_type, author=author, title=message,
                                      lfs=lfs)
            else:
                if lfs is not None:
                    repo.lfs_rule = lfs
                gone = {p: None for p in repo.head.files if p not in files}
                self._commit_locked(repo, {**gone, **files}, title=message, author=author)
            repo.tags, repo.base_likes, repo.downloads = list(tags), likes, downloads
            repo.extra = dict(extra or {})
            return repo.main

    def commit(self, repo_id: str, files: Mapping[str, bytes | None], *, repo_type: str = "model",
               message: str = "update", author: str | None = None) -> str:
        """A new commit on ``main`` changing ``files`` (``None`` deletes; ``"dir/": None`` a folder)."""
        with self.lock:
            return self._commit_locked(self.repo(repo_id, repo_type), dict(files), title=message,
                                       author=author).sha

    def repo(self, repo_id: str, repo_type: str = "model") -> Repo:
        """The stored repo (for assertions: ``.likes``, ``.discussions``, ``.commits``, ``.main``...)."""
        with self.lock:
            try:
                return self._repos[(repo_type, repo_id)]
            except KeyError:
                raise KeyError(f"no {repo_type} repo {repo_id} on the fake hub") from None

    def files(self, repo_id: str, revision: str = "main", repo_type: str = "model") -> dict[str, bytes]:
        """The files of a revision, as bytes."""
        with self.lock:
            commit = self.repo(repo_id, repo_type).resolve(revision)
            if commit is None:
                raise KeyError(f"no revision {revision} in {repo_id}")
            return {p: b.data for p, b in commit.files.items()}

    def set_stats(self, repo_id: str, *, repo_type: str = "model", likes: int | None = None,
                  downloads: int | None = None) -> None:
        """Change a repo's counters (``likes`` is the count before users' likes through the API)."""
        with self.lock:
            repo = self.repo(repo_id, repo_type)
            if likes is not None:
                repo.base_likes = likes
            if downloads is not None:
                repo.downloads = downloads

    def set_private(self, repo_id: str, private: bool = True, *, repo_type: str = "model") -> None:
        with self.lock:
            self.repo(repo_id, repo_type).private = private

    def pull_requests(self, repo_id: str, *, repo_type: str = "model", status: str | None = None) -> list[Discussion]:
        """The repo's pull requests, oldest first (``status``: open, draft, closed or merged)."""
        with self.lock:
            return [d for d in self.repo(repo_id, repo_type).discussions
                    if d.is_pull_request and (status is None or d.status == status)]

    def pr_files(self, repo_id: str, num: int, *, repo_type: str = "model") -> dict[str, bytes]:
        """The files at the head of pull request ``num`` (``refs/pr/num``)."""
        return self.files(repo_id, f"refs/pr/{num}", repo_type)

    def merge_pr(self, repo_id: str, num: int, *, repo_type: str = "model", user: str | None = None) -> str:
        """Merge pull request ``num`` server-side, as its owner would on the website; returns ``main``'s new
        commit. Raises ``HubError`` (from the HTTP layer) on conflicts or when it is not open."""
        from tests.support.fake_hub_discussions import merge  # noqa: PLC0415 - the routes import this module

        with self.lock:
            repo = self.repo(repo_id, repo_type)
            pr = repo.discussions[num - 1]
            if not pr.is_pull_request:
                raise ValueError(f"#{num} of {repo_id} is not a pull request")
            return merge(self, repo, pr, user or repo.namespace).sha

    def fail_writes(self, path_contains: str, *, status: int = 500, method: str = "POST", times: int = 1) -> None:
        """Answer the next ``times`` ``method`` requests whose path contains ``path_contains`` with ``status``
        and change nothing (e.g. ``hub.fail_writes("/commit/")`` breaks the next commit)."""
        with self.lock:
            self._write_faults.append([method, path_contains, status, times])

    def _take_write_fault(self, method: str, path: str) -> int | None:
        with self.lock:
            for fault in self._write_faults:
                if fault[0] == method and fault[1] in path and fault[3] > 0:
                    fault[3] -= 1
                    return fault[2]
        return None

    def repo_url(self, repo_id: str, repo_type: str = "model") -> str:
        prefix = "" if repo_type == "model" else f"{repo_type}s/"
        return f"{self.url}/{prefix}{repo_id}"

    # ----- traffic ------------------------------------------------------------------------------------
    def requests(self, method: str | None = None, path_contains: str | None = None) -> list[RequestRecord]:
        """Requests answered since the start (or ``reset_counts``), oldest first, optionally filtered."""
        with self.lock:
            return [r for r in self._records
                    if (method is None or r.method == method)
                    and (path_contains is None or path_contains in r.path)]

    def count(self, method: str | None = None, path_contains: str | None = None) -> int:
        """How many requests matched, e.g. ``hub.count("GET", "/resolve/")`` = file downloads."""
        return len(self.requests(method, path_contains))

    def reset_counts(self) -> None:
        with self.lock:
            self._records.clear()

    # ----- lifecycle ----------------------------------------------------------------------------------
    def close(self) -> None:
        """Stop both listeners and cut open connections (throttled downloads end at once)."""
        self.stopping.set()
        for server in self._servers:
            server.shutdown()
            server.drop_connections()
            server.server_close()
        for t in self._threads:
            t.join(timeout=5)

    def __enter__(self) -> FakeHub:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"FakeHub({self.url}, {len(self._repos)} repos)"

    # ----- internals (called under self.lock, also by the routes) -------------------------------------
    def _tick(self) -> float:
        self._last = now_after(self._last)
        return self._last

    def _new_repo(self, repo_id: str, files: dict[str, bytes], *, repo_type: str, author: str | None,
                  title: str, lfs: Callable[[str], bool] | None = None) -> Repo:
        repo = Repo(repo_id, repo_type, lfs or default_lfs_rule, created=self._tick())
        self._repos[(repo_type, repo_id)] = repo
        self._commit_locked(repo, files, title=title, author=author)
        return repo

    def _commit_locked(self, repo: Repo, changes: dict[str, bytes | None], *, title: str, message: str = "",
                       author: str | None = None, base: Commit | None = None, ref: str | None = None) -> Commit:
        commit = repo.new_commit(changes, title=title, message=message, author=author or repo.repo_id.split("/")[0],
                                 date=self._tick(), base=base, ref=ref)
        for blob in commit.files.values():
            if blob.lfs:
                self._blobs.setdefault(blob.sha256, blob)
        return commit

    def _record(self, record: RequestRecord) -> None:
        with self.lock:
            self._records.append(record)


def _check_id(repo_id: str, repo_type: str) -> None:
    if repo_type not in REPO_TYPES:
        raise ValueError(f"repo_type must be one of {REPO_TYPES}")
    parts = repo_id.split("/")
    if len(parts) != 2 or not all(parts):
        raise ValueError(f"FakeHub repo ids are 'namespace/name', got {repo_id!r}")
