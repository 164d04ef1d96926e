"""Installing a GPT from the store: verify everything, then switch, so a failure never half-installs.

Order: resolve the listing (and, for hub GPTs, fetch and strictly validate its ``gpt.json`` at the
pinned revision); learn each file's size and LFS sha256 from the hub; download with resume and
sha256 checks into the content-addressed store; run the GGUF check; only then record the model as
installed and save the GPT. An update keeps the old model file and GPT version until the new one has
verified, and frees the old file afterwards if nothing else uses it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.catalog import Catalog
from app.core.entities import (
    GPT, ChatMessage, DownloadProgress, GenerationParams, GPTSource, Listing, ListingVariant, ModelFile,
    ModelStatus, Role, pick_variant,
)
from app.core.errors import BadGGUF, KnownError, NotFound
from app.core.paths import AppPaths
from app.hub.client import HubClient
from app.hub.download import Downloader, DownloadRequest
from app.hub.errors import HubError

log = logging.getLogger(__name__)

Progress = Callable[[DownloadProgress], None]


@dataclass
class Installer:
    catalog: Catalog
    paths: AppPaths
    client: Callable[[], HubClient]
    downloader: Downloader
    max_parallel: int = 2
    _slots: threading.Semaphore = field(init=False)

    def __post_init__(self) -> None:
        self._slots = threading.BoundedSemaphore(max(1, self.max_parallel))

    def install(self, listing_id: str, *, variant: str | None = None, progress: Progress | None = None,
                cancel: threading.Event | None = None) -> GPT:
        return self.install_listing(self.catalog.get_listing(listing_id), variant=variant, progress=progress,
                                    cancel=cancel)

    def install_listing(self, listing: Listing, *, variant: str | None = None, progress: Progress | None = None,
                        cancel: threading.Event | None = None) -> GPT:
        """Install what ``listing`` names, whether the store index holds it or not (a GPT shared by its
        repo's link is described by a listing built from its own gpt.json)."""
        client = self.client()
        spec = self._spec(client, listing)
        chosen = pick_variant(spec["variants"], variant or spec["default_variant"], listing.name)
        model = self._fetch(client, spec["model_repo"], spec["model_revision"], chosen, progress, cancel)
        adapter = None
        if spec.get("adapter"):
            a = spec["adapter"]
            adapter = self._fetch(client, listing.repo, listing.revision,
                                  ListingVariant(a["file"], "adapter", a["size"], a["sha256"]), progress, cancel)
        previous = self._existing(listing.id)
        gpt = GPT(
            id=listing.id, name=spec["name"], model_sha256=model.sha256, description=spec["description"],
            instructions=spec["instructions"], starters=tuple(spec["starters"]), examples=tuple(spec["examples"]),
            params=spec["params"], chat_template=spec["chat_template"],
            adapter_sha256=adapter.sha256 if adapter else None, adapter_scale=spec.get("adapter_scale", 1.0),
            source=GPTSource.STORE, version=spec["version"], category=listing.category, tags=listing.tags,
        )
        saved = self.catalog.save_gpt(gpt)
        if previous is not None:
            for old in {previous.model_sha256, previous.adapter_sha256} - {saved.model_sha256, saved.adapter_sha256}:
                self._free(old)
        log.info("installed %s %s with %s", listing.id, saved.version, chosen.quant)
        return saved

    def install_model(self, repo: str, revision: str, variant: ListingVariant, *, progress: Progress | None = None,
                      cancel: threading.Event | None = None) -> ModelFile:
        """A plain GGUF from any hub repo, pinned to ``revision`` and checked against the hub's LFS sha256."""
        return self._fetch(self.client(), repo, revision, variant, progress, cancel)

    def uninstall(self, gpt_id: str) -> GPT:
        gpt = self.catalog.get_gpt(gpt_id)
        removed = self.catalog.delete_gpt(gpt.id)
        for sha256 in {gpt.model_sha256, gpt.adapter_sha256}:
            self._free(sha256)
        return removed

    # --- steps ------------------------------------------------------------------------------
    def _spec(self, client: HubClient, listing: Listing) -> dict[str, Any]:
        """What to install: the hub GPT's own gpt.json (strictly validated), or the starter listing."""
        line = listing.manifest or {}
        manifest_file = line.get("manifest_file")
        if not manifest_file:
            params = dict(line.get("parameters") or {})
            params["stop"] = tuple(params.get("stop") or ())
            return {
                "name": listing.name, "description": listing.description, "version": listing.version or "1.0.0",
                "instructions": line.get("instructions", ""), "starters": line.get("conversation_starters", []),
                "examples": [ChatMessage(Role(e["role"]), e["content"]) for e in line.get("examples", [])],
                "params": GenerationParams(**params), "chat_template": line.get("chat_template"),
                "model_repo": listing.model_repo, "model_revision": listing.model_revision,
                "variants": listing.variants, "default_variant": listing.default_variant,
            }
        raw = client.small_file(listing.repo, manifest_file, revision=listing.revision)
        from app.manifest import parse_manifest  # noqa: PLC0415 - pydantic: only when installing

        manifest = parse_manifest(raw, strict=True, source=f"{listing.repo}/{manifest_file}").manifest
        if manifest.id != listing.id:
            raise HubError(f"{listing.repo} holds the GPT {manifest.id!r}, not the listed {listing.id!r}; "
                           "it was not installed.")
        adapter = manifest.adapter
        return {
            "name": manifest.name, "description": manifest.description, "version": manifest.version,
            "instructions": manifest.instructions, "starters": manifest.conversation_starters,
            "examples": manifest.example_messages(), "params": manifest.generation_params(),
            "chat_template": manifest.chat_template, "model_repo": manifest.model.repo,
            "model_revision": manifest.model.revision,
            "variants": tuple(ListingVariant(v.file, v.quant, v.size, v.sha256) for v in manifest.model.variants),
            "default_variant": manifest.model.default_variant,
            "adapter": {"file": adapter.file, "size": adapter.size, "sha256": adapter.sha256} if adapter else None,
            "adapter_scale": adapter.scale if adapter else 1.0,
        }

    def _fetch(self, client: HubClient, repo: str, revision: str, variant: ListingVariant,
               progress: Progress | None, cancel: threading.Event | None) -> ModelFile:
        ref = client.file_ref(repo, variant.file, revision=revision)
        sha256 = variant.sha256 or ref.sha256
        if sha256 is None:
            raise HubError(f"Neither the listing nor the hub gives a sha256 for {variant.file}; an unverifiable "
                           "file is never installed.")
        if variant.sha256 and ref.sha256 and variant.sha256 != ref.sha256:
            raise HubError(f"The hub's sha256 for {variant.file} differs from the listing's; it was not "
                           "downloaded. The listing may be out of date: sync the store and try again.")
        try:
            existing = self.catalog.get_model(sha256)
            if existing.status is ModelStatus.INSTALLED and self.paths.blob(sha256).is_file():
                return existing
        except NotFound:
            pass
        target = self.paths.ensure().blob(sha256)
        request = DownloadRequest(key=f"{repo}@{revision}/{variant.file}", url=ref.url, target=target,
                                  expected_sha256=sha256, expected_size=ref.size or None, headers=client.headers())
        with self._slots:
            self.downloader.download(request, progress=progress, cancel=cancel)
        try:
            from app.ggufcheck import check_gguf  # noqa: PLC0415 - gguf/numpy: only when installing

            info = check_gguf(target)
        except BadGGUF:
            target.unlink(missing_ok=True)
            raise
        return self.catalog.add_model(ModelFile(
            sha256=sha256, display_name=f"{repo.split('/')[-1]} {variant.quant}",
            path=target.relative_to(self.paths.home).as_posix(), size=target.stat().st_size,
            status=ModelStatus.INSTALLED, info=info, source=f"hub:{repo}@{revision}/{variant.file}",
        ))

    def _existing(self, gpt_id: str) -> GPT | None:
        try:
            return self.catalog.get_gpt(gpt_id)
        except NotFound:
            return None

    def _free(self, sha256: str | None) -> None:
        """Delete a store-downloaded model file that no GPT uses any more (a person's own imports stay)."""
        if not sha256:
            return
        try:
            model = self.catalog.get_model(sha256)
        except NotFound:
            return
        if not model.source.startswith("hub:"):
            return
        try:
            self.catalog.remove_model(sha256)
        except KnownError:
            return  # still used by another GPT
        Path(self.paths.home / model.path).unlink(missing_ok=True)
