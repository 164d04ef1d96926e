"""The one place that calls huggingface_hub: with an explicit endpoint, cache folder and token.

Small files (the store index, shards, gpt.json) come through ``hf_hub_download`` into our own cache
folder, pinned to a commit. Model files do not: :mod:`app.hub.download` fetches them with Range
resume and sha256 checks, using the URL and headers this client builds.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from app.core.entities import ListingVariant
from app.hub.errors import HubError, translated

if TYPE_CHECKING:
    from huggingface_hub import HfApi

# huggingface_hub (with httpx, yaml, filelock, tqdm...) takes a fifth of a second to import: it is
# imported where a call needs it, so starting the app, or a command that never talks to the hub,
# does not pay for it (figure 5 in docs/benchmarks.md).

log = logging.getLogger(__name__)

MAX_SMALL_FILE = 64 * 2**20
REVIEW_PREFIX = "Review:"
EMPTY_REVIEW = "(no text)"
"""The body of a review posted without text (a discussion needs one); read back as ""."""
QUANT_NAMES = ("IQ1_S", "IQ1_M", "IQ2_XXS", "IQ2_XS", "IQ2_S", "IQ2_M", "IQ3_XXS", "IQ3_XS", "IQ3_S", "IQ3_M",
               "IQ4_XS", "IQ4_NL", "Q2_K_L", "Q2_K", "Q3_K_S", "Q3_K_M", "Q3_K_L", "Q3_K_XL", "Q4_0", "Q4_1",
               "Q4_K_S", "Q4_K_M", "Q4_K_L", "Q4_K_XL", "Q5_0", "Q5_1", "Q5_K_S", "Q5_K_M", "Q5_K_L", "Q6_K_L",
               "Q6_K", "Q8_0", "BF16", "F16", "F32")


@dataclass(frozen=True)
class FileRef:
    """A file on the hub pinned to a commit, with what the hub says about it."""

    url: str
    size: int | None
    sha256: str | None
    commit: str | None


class HubReview(NamedTuple):
    """A review posted as a discussion on a GPT's repo. The first three fields keep the order of the
    plain ``(author, title, text)`` tuples this used to be."""

    author: str
    title: str
    text: str
    stars: int
    created_at: str = ""
    """ISO 8601, as the hub dates the discussion; "" when it does not say."""
    number: int = 0


@dataclass(frozen=True)
class HubModel:
    repo: str
    likes: int
    downloads: int
    updated_at: str
    tags: tuple[str, ...]


def configure_http(proxy: str) -> None:
    """Set up huggingface_hub for this app: no telemetry call home, and the proxy from Settings.

    Without this, the client's first request fetches a list from huggingface.co to build its
    User-Agent, whatever endpoint is configured (and stalls for seconds when offline).
    """
    import httpx2  # noqa: PLC0415 - see the note on imports at the top
    import huggingface_hub.constants  # noqa: PLC0415 - a submodule the package's lazy __init__ may not have loaded

    huggingface_hub.constants.HF_HUB_DISABLE_TELEMETRY = True
    # Its tqdm bars (LFS uploads) would print over our own progress on the terminal and to a GUI's stderr.
    from huggingface_hub.utils import disable_progress_bars  # noqa: PLC0415

    disable_progress_bars()

    def factory() -> httpx2.Client:
        client = huggingface_hub.utils._http.default_client_factory()
        if not proxy:
            return client
        client.close()
        return httpx2.Client(event_hooks={"request": [huggingface_hub.utils._http.hf_request_event_hook]},
                             follow_redirects=True, timeout=None, proxy=proxy)

    huggingface_hub.set_client_factory(factory)


class HttpSetup:
    """:func:`configure_http` done once, just before the first hub call rather than at start.

    Configuring imports huggingface_hub, which a start that makes no hub call should not pay for;
    every :class:`HubClient` the app makes calls :meth:`ensure` first.
    """

    def __init__(self, proxy: Callable[[], str]) -> None:
        self._proxy = proxy
        self._done = False
        self._lock = threading.Lock()

    def ensure(self) -> None:
        with self._lock:
            if not self._done:
                configure_http(self._proxy())
                self._done = True


class HubClient:
    def __init__(self, endpoint: str, *, cache_dir: Path, token: Callable[[], str | None] = lambda: None) -> None:
        self.endpoint = endpoint.rstrip("/")
        self.cache_dir = cache_dir
        self._token = token

    @property
    def api(self) -> HfApi:
        from huggingface_hub import HfApi  # noqa: PLC0415

        return HfApi(endpoint=self.endpoint, token=self._token() or False)

    def headers(self) -> dict[str, str]:
        from huggingface_hub.utils import build_hf_headers  # noqa: PLC0415

        return build_hf_headers(token=self._token() or False, library_name="gptshelf")

    def head_commit(self, repo: str, *, repo_type: str = "model", revision: str = "main") -> str:
        what = f"Looking up {repo}"
        with translated(what, self.endpoint):
            info = self.api.repo_info(repo, repo_type=repo_type, revision=revision)
        if not info.sha:
            raise HubError(f"{what}: the hub did not say which commit {revision} is.")
        return info.sha

    def small_file(self, repo: str, path: str, *, revision: str, repo_type: str = "model") -> bytes:
        """A small file pinned to ``revision`` (a 40-hex commit), read whole."""
        from huggingface_hub import hf_hub_download  # noqa: PLC0415

        with translated(f"Downloading {path} from {repo}", self.endpoint):
            local = hf_hub_download(repo, path, revision=revision, repo_type=repo_type, endpoint=self.endpoint,
                                    cache_dir=self.cache_dir, token=self._token() or False)
        local_path = Path(local)
        if local_path.stat().st_size > MAX_SMALL_FILE:
            raise HubError(f"{path} in {repo} is larger than {MAX_SMALL_FILE // 2**20} MiB; it was not read.")
        return local_path.read_bytes()

    def file_ref(self, repo: str, path: str, *, revision: str) -> FileRef:
        """Where a file is and what the hub says of it: size, and for LFS files the sha256."""
        from huggingface_hub import get_hf_file_metadata, hf_hub_url  # noqa: PLC0415

        url = hf_hub_url(repo, path, revision=revision, endpoint=self.endpoint)
        with translated(f"Looking up {path} in {repo}", self.endpoint):
            meta = get_hf_file_metadata(url, token=self._token() or False, endpoint=self.endpoint)
        etag = (meta.etag or "").strip('"')
        sha256 = etag if len(etag) == 64 and all(c in "0123456789abcdef" for c in etag) else None
        return FileRef(url=url, size=meta.size, sha256=sha256, commit=meta.commit_hash)

    def search_gguf(self, query: str, *, limit: int = 20) -> list[HubModel]:
        with translated("Searching the hub", self.endpoint):
            found = list(self.api.list_models(search=query or None, filter="gguf", sort="downloads", limit=limit))
        return [HubModel(repo=m.id, likes=m.likes or 0, downloads=m.downloads or 0,
                         updated_at=str(m.last_modified or ""), tags=tuple(m.tags or ())) for m in found]

    def gguf_variants(self, repo: str, *, revision: str | None = None) -> tuple[str, list[ListingVariant]]:
        """The commit and every single-file GGUF in a repo at it, with sizes and LFS sha256."""
        with translated(f"Listing the files of {repo}", self.endpoint):
            info = self.api.model_info(repo, revision=revision, files_metadata=True)
        variants = []
        for sibling in info.siblings or []:
            name = sibling.rfilename
            if not name.lower().endswith(".gguf") or "-of-0" in name or "mmproj" in name.lower():
                continue
            sha = sibling.lfs.sha256 if sibling.lfs else None
            variants.append(ListingVariant(name, quant_of(name), int(sibling.size or 0), sha))
        variants.sort(key=lambda v: v.size)
        return str(info.sha), variants

    def like(self, repo: str, *, liked: bool = True) -> int | None:
        """huggingface_hub 2.x has ``unlike`` but no ``like``; both are one request to the same URL.

        Returns the like count when the hub's answer includes it (saves a second request), else None.
        """
        from huggingface_hub.utils import get_session, hf_raise_for_status  # noqa: PLC0415

        with translated(f"{'Liking' if liked else 'Unliking'} {repo}", self.endpoint):
            response = get_session().request("POST" if liked else "DELETE",
                                             f"{self.endpoint}/api/models/{repo}/like", headers=self.headers())
            hf_raise_for_status(response)
        try:
            count = response.json().get("likes")
        except (ValueError, AttributeError):
            return None
        return count if isinstance(count, int) else None

    def like_count(self, repo: str) -> int:
        """The repo's like count, asking only for that field (``expand``) so the answer stays small."""
        with translated(f"Reading the likes of {repo}", self.endpoint):
            return int(self.api.model_info(repo, expand=["likes"]).likes or 0)

    def liked(self, repo: str) -> bool:
        """Whether the token's user likes ``repo``: the user's likes list is far shorter than a popular
        repo's likers list, so that is the one read."""
        with translated(f"Reading your likes on {self.endpoint}", self.endpoint):
            return repo in self.api.list_liked_repos().models

    def post_review(self, repo: str, title: str, body: str) -> int:
        with translated(f"Posting a review to {repo}", self.endpoint):
            discussion = self.api.create_discussion(repo, title=title, description=body)
        return discussion.num

    def reviews(self, repo: str, *, limit: int = 50) -> list[HubReview]:
        """The repo's review discussions (those titled ``Review: ★★★☆☆``), newest first.

        One extra request per review reads its first comment, so ``limit`` bounds the traffic.
        """
        found: list[HubReview] = []
        with translated(f"Reading reviews of {repo}", self.endpoint):
            for discussion in self.api.get_repo_discussions(repo, discussion_type="discussion"):
                if discussion.title.startswith(REVIEW_PREFIX):
                    details = self.api.get_discussion_details(repo, discussion.num)
                    first = next((e for e in details.events if e.type == "comment"), None)
                    text = getattr(first, "content", "") or ""
                    created = discussion.created_at.isoformat() if discussion.created_at else ""
                    found.append(HubReview(discussion.author or "", discussion.title,
                                           "" if text == EMPTY_REVIEW else text,
                                           discussion.title.count("★"), created, discussion.num))
                if len(found) >= limit:
                    break
        return found


def quant_of(filename: str) -> str:
    """The quantisation named in a GGUF file name (Qwen2.5-7B-Instruct-Q4_K_M.gguf -> Q4_K_M)."""
    upper = filename.upper().replace("-", "_").replace(".", "_")
    for name in sorted(QUANT_NAMES, key=len, reverse=True):
        if f"_{name}_" in f"_{upper}_" or upper.endswith(f"_{name}_GGUF"):
            return name
    return filename.rsplit("/", 1)[-1].removesuffix(".gguf")[:40] or "default"
