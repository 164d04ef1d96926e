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
from app.core.settings import Settings
from app.hub.client import HubClient, HubModel
from app.hub.download import DownloadCancelled
from app.hub.errors import HubError
from app.hub.sync import HUB, STARTER, StoreSync, SyncReport, read_starter
from app.services.fit import FitChecker
from app.services.install import Installer, Progress
from app.services.secrets import HF_TOKEN, Secrets

log = logging.getLogger(__name__)

# What the UI needs from the hub layer, which it may not import itself.
__all__ = ["DownloadCancelled", "HubError", "ListingDetails", "Store", "SyncReport"]

REVIEW_TITLE = "Review: {stars}"


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
        starter = read_starter(self.starter_catalog)
        if starter is None or self.catalog.shard_hashes(STARTER).get(self.starter_catalog.name) == starter[0]:
            return ListingChanges()
        return self.catalog.apply_shards(STARTER, {self.starter_catalog.name: starter}, keep=[])

    def sync(self, *, progress: Callable[[int, int], None] | None = None,
             cancel: threading.Event | None = None) -> SyncReport:
        """Fetch what changed in the store index and apply it in one transaction."""
        fetched = StoreSync(self.client(), self.settings().store_index_repo).fetch(
            self.catalog.shard_hashes(HUB), progress=progress, cancel=cancel)
        changes = self.catalog.apply_shards(HUB, fetched.changed, keep=fetched.paths)
        log.info("store sync at %s: %d shards fetched, +%d ~%d -%d listings", fetched.commit[:12],
                 len(fetched.changed), len(changes.added), len(changes.changed), len(changes.removed))
        return SyncReport(fetched.commit, changes, len(fetched.changed), len(fetched.paths) - len(fetched.changed),
                          fetched.problems)

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
        """Keep a review here; with ``publish`` (and a token) also post it as a discussion on the GPT's repo."""
        listing = self._listing_or_none(listing_id)
        gpt_id = listing.id if listing else self.catalog.get_gpt(listing_id).id
        review_id = self.catalog.add_review(gpt_id, stars, text)
        discussion = None
        if publish:
            if listing is None:
                raise InvalidInput(f"{listing_id} is not in the store, so there is no repo to post the review to.")
            self._require_token()
            title = REVIEW_TITLE.format(stars="★" * stars + "☆" * (5 - stars))
            discussion = self.client().post_review(listing.repo, title, text or "(no text)")
        return review_id, discussion

    def like(self, listing_id: str, *, liked: bool = True) -> None:
        self._require_token()
        self.client().like(self.catalog.get_listing(listing_id).repo, liked=liked)

    def hub_reviews(self, listing_id: str) -> list[tuple[str, str, str]]:
        return self.client().reviews(self.catalog.get_listing(listing_id).repo)

    def _require_token(self) -> None:
        if not self.secrets.get(HF_TOKEN):
            raise InvalidInput("This needs a hub token: set one with `gptshelf hub login`.")

    def _listing_or_none(self, listing_id: str) -> Listing | None:
        try:
            return self.catalog.get_listing(listing_id)
        except NotFound:
            return None
