"""The store as a person uses it: sync, search, look at a GPT (will it fit?), install, review.

Hub GPTs come from the synced index; any GGUF repo on the hub can also be searched and installed as
a plain model, or as the base of a new GPT.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from app.catalog import Catalog
from app.core.entities import (
    GPT, FitReport, Listing, ListingChanges, ListingQuery, ListingVariant, ModelFile, Review, pick_variant,
)
from app.core.errors import InvalidInput, NotFound
from app.core.gcpause import collector_paused, drop_in_steps
from app.core.settings import Settings
from app.hub.client import EMPTY_REVIEW, HubClient, HubModel, HubReview
from app.hub.download import DownloadCancelled
from app.hub.errors import HubError, HubOffline, HubUnauthorized
from app.hub.sync import HUB, StoreSync, SyncReport
from app.services.fit import FitChecker
from app.services.install import Installer, Progress
from app.services.secrets import HF_TOKEN, Secrets
from app.services.starter_catalog import load_starter_catalog

log = logging.getLogger(__name__)

# What the UI needs from the hub layer, which it may not import itself.
__all__ = ["DownloadCancelled", "HubError", "HubOffline", "HubReview", "HubUnauthorized", "LikeState",
           "ListingDetails", "Store", "SyncReport", "TokenMissing"]

REVIEW_TITLE = "Review: {stars}"


class TokenMissing(InvalidInput):
    """An action needs a hub token and none is set; a subclass so the GUI can point to its Settings page."""


@dataclass(frozen=True)
class LikeState:
    """What the hub says about a GPT's likes."""

    likes: int
    liked: bool | None
    """Whether the token's user likes it; None when that is unknown (no token, or the hub refused it)."""


@dataclass(frozen=True)
class ListingDetails:
    listing: Listing
    fits: tuple[tuple[ListingVariant, FitReport], ...]
    reviews: tuple[Review, ...]


@dataclass
class Store:
    catalog: Catalog
    client: Callable[[], HubClient]
    settings: Callable[[], Settings]
    fit: FitChecker
    installer: Installer
    secrets: Secrets
    starter_catalog: Path

    def load_starter(self) -> ListingChanges:
        """Load the shipped starter catalog, once per version of the file (its sha256 is remembered)."""
        return load_starter_catalog(self.catalog, self.starter_catalog)

    def sync(self, *, progress: Callable[[int, int], None] | None = None,
             cancel: threading.Event | None = None) -> SyncReport:
        """Fetch what changed in the store index and apply it in one transaction."""
        # The fetched listings (100k objects on a first sync) live only inside _fetch_and_apply, so they are
        # freed by reference counting before the cycle collector, paused meanwhile, runs again.
        with collector_paused():  # each full collection over them would hold the GIL and freeze the GUI
            return self._fetch_and_apply(progress, cancel)

    def _fetch_and_apply(self, progress: Callable[[int, int], None] | None,
                         cancel: threading.Event | None) -> SyncReport:
        fetched = StoreSync(self.client(), self.settings().store_index_repo).fetch(
            self.catalog.shard_hashes(HUB), progress=progress, cancel=cancel)
        changes = self.catalog.apply_shards(HUB, fetched.changed, keep=fetched.paths)
        shards = len(fetched.changed)
        log.info("store sync at %s: %d shards fetched, +%d ~%d -%d listings", fetched.commit[:12],
                 shards, len(changes.added), len(changes.changed), len(changes.removed))
        drop_in_steps(fetched.changed)  # a shard at a time, not 100k listings in one GIL-holding cascade
        return SyncReport(fetched.commit, changes, shards, len(fetched.paths) - shards, fetched.problems)

    def search(self, query: ListingQuery, *, fits_only: bool = False) -> list[Listing]:
        if fits_only:
            query = replace(query, fits_within=self.fit.available())
        return self.catalog.search_listings(query)

    def show(self, listing_id: str) -> ListingDetails:
        listing = self.catalog.get_listing(listing_id)
        fits = tuple((v, self.fit.check(listing, v)) for v in listing.variants)
        return ListingDetails(listing, fits, tuple(self.catalog.list_reviews(listing.id)))

    def install(self, listing_id: str, *, variant: str | None = None, progress: Progress | None = None,
                cancel: threading.Event | None = None) -> GPT:
        return self.installer.install(listing_id, variant=variant, progress=progress, cancel=cancel)

    def uninstall(self, gpt_id: str) -> GPT:
        return self.installer.uninstall(gpt_id)

    # --- any GGUF on the hub -------------------------------------------------------------------
    def hf_search(self, text: str, *, limit: int = 20) -> list[HubModel]:
        return self.client().search_gguf(text, limit=limit)

    def hf_variants(self, repo: str, *, revision: str | None = None) -> tuple[str, list[ListingVariant]]:
        return self.client().gguf_variants(repo, revision=revision)

    def hf_install(self, repo: str, *, variant: str | None = None, revision: str | None = None,
                   progress: Progress | None = None, cancel: threading.Event | None = None) -> ModelFile:
        commit, variants = self.hf_variants(repo, revision=revision)
        if not variants:
            raise InvalidInput(f"{repo} has no single-file GGUF models.")
        default = next((v for v in variants if v.quant == "Q4_K_M"), variants[len(variants) // 2])
        chosen = pick_variant(tuple(variants), variant, repo) if variant else default
        return self.installer.install_model(repo, commit, chosen, progress=progress, cancel=cancel)

    # --- ratings and reviews -------------------------------------------------------------------
    def review(self, listing_id: str, stars: int, text: str = "", *, publish: bool = False) -> tuple[int, int | None]:
        """Keep a review here; with ``publish`` (and a token) also post it as a discussion on the GPT's repo.

        The local review is saved first and kept even when publishing fails.
        """
        listing = self._listing_or_none(listing_id)
        gpt_id = listing.id if listing else self.catalog.get_gpt(listing_id).id
        review_id = self.catalog.add_review(gpt_id, stars, text)
        discussion = self.publish_review(listing_id, stars, text) if publish else None
        return review_id, discussion

    def publish_review(self, listing_id: str, stars: int, text: str = "") -> int:
        """Post a review as a discussion on the GPT's repo (no local copy); returns the discussion number.

        Apart from :meth:`review` so the GUI can save locally at once and publish from a background job.
        """
        listing = self._listing_or_none(listing_id)
        if listing is None:
            raise InvalidInput(f"{listing_id} is not in the store, so there is no repo to post the review to.")
        if not 1 <= stars <= 5:
            raise InvalidInput(f"A review needs 1 to 5 stars, not {stars!r}.")
        self._require_token()
        title = REVIEW_TITLE.format(stars="★" * stars + "☆" * (5 - stars))
        return self.client().post_review(listing.repo, title, text or EMPTY_REVIEW)

    def like(self, listing_id: str, *, liked: bool = True) -> LikeState:
        """Like (or unlike) a GPT on the hub; returns the hub's count afterwards."""
        self._require_token()
        repo = self.catalog.get_listing(listing_id).repo
        client = self.client()
        count = client.like(repo, liked=liked)
        return LikeState(client.like_count(repo) if count is None else count, liked)

    def like_state(self, listing_id: str) -> LikeState:
        """The hub's like count, and whether the token's user likes the GPT (None without a usable token)."""
        repo = self.catalog.get_listing(listing_id).repo
        client = self.client()
        count = client.like_count(repo)
        liked = None
        if self.secrets.get(HF_TOKEN):
            try:
                liked = client.liked(repo)
            except HubUnauthorized as exc:
                log.info("like state of %s without the user's side: %s", repo, exc)
        return LikeState(count, liked)

    def hub_reviews(self, listing_id: str) -> list[HubReview]:
        """Reviews posted on the GPT's repo, newest first (fields 0-2 are still ``author, title, text``)."""
        return self.client().reviews(self.catalog.get_listing(listing_id).repo)

    def _require_token(self) -> None:
        if not self.secrets.get(HF_TOKEN):
            raise TokenMissing("This needs a hub token: set one with `gptshelf hub login` or in Settings.")

    def _listing_or_none(self, listing_id: str) -> Listing | None:
        try:
            return self.catalog.get_listing(listing_id)
        except NotFound:
            return None
