"""Installing a GPT from the store: verify everything, then switch, so a failure never half-installs.

Order: resolve the listing (and, for hub GPTs, fetch and strictly validate its ``gpt.json`` at the
pinned revision); learn each file's size and LFS sha256 from the hub; download with resume and
sha256 checks into the content-addressed store; run the GGUF check; only then record the model as
installed and save the GPT. An update keeps the old model file and GPT version until the new one has
verified, and frees the old file afterwards if nothing else uses it.

A hub GPT's own files come the same way: the adapter (GGUF-checked, recorded like a model), the icon,
the knowledge files and the eval set, each pinned by the manifest's size and sha256, downloaded by the same
resumable downloader into the store (``store/sha256/<hex>``) and recorded on the GPT, so My GPTs,
chat and export see them exactly as if the GPT had been made or imported here.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.catalog import Catalog
from app.core.entities import (
    GPT, ChatMessage, DownloadProgress, GenerationParams, GPTFile, GPTSource, Listing, ListingVariant, ModelFile,
    ModelStatus, Role, pick_variant,
)
from app.core.errors import BadGGUF, InvalidInput, KnownError, NotFound
from app.core.paths import AppPaths
from app.hub.client import HubClient
from app.hub.download import Downloader, DownloadRequest
from app.hub.errors import HubError
from app.services.gpts import MAX_ICON_BYTES, MAX_KNOWLEDGE_BYTES, MAX_KNOWLEDGE_TOTAL
from app.services.starter_catalog import starter_eval_set

if TYPE_CHECKING:
    from app.manifest import GPTManifest

log = logging.getLogger(__name__)

Progress = Callable[[DownloadProgress], None]


@dataclass(frozen=True)
class _Pinned:
    """One of a hub GPT's own files (icon, knowledge, eval set), as its gpt.json pins it."""

    path: str
    size: int
    sha256: str


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
                cancel: threading.Event | None = None, model_here: bool = True) -> GPT:
        return self.install_listing(self.catalog.get_listing(listing_id), variant=variant, progress=progress,
                                    cancel=cancel, model_here=model_here)

    def install_listing(self, listing: Listing, *, variant: str | None = None, progress: Progress | None = None,
                        cancel: threading.Event | None = None, model_here: bool = True) -> GPT:
        """Install what ``listing`` names, whether the store index holds it or not (a GPT shared by its
        repo's link is described by a listing built from its own gpt.json).

        ``model_here`` False installs the GPT without downloading its model, for a GPT that will run on a
        remote engine: the model is recorded as missing (pinned by its sha256, so installing it later
        is an ordinary install) and the GPT's own files still come.
        """
        client = self.client()
        spec = self._spec(client, listing)
        if not model_here and spec.get("adapter"):
            raise InvalidInput(f"{listing.name} carries a LoRA adapter, which a remote engine cannot apply; it can "
                               "only run on this computer.")
        chosen = pick_variant(spec["variants"], variant or spec["default_variant"], listing.name)
        base = (spec.get("adapter") or {}).get("base_sha256")
        if base and chosen.sha256 != base:  # an adapter only works on the model it was trained on
            if variant:
                raise InvalidInput(f"{listing.name} has an adapter trained on another variant than {variant}; "
                                   "install it without choosing a variant.")
            chosen = next((v for v in spec["variants"] if v.sha256 == base), chosen)
        if model_here:
            model = self._fetch(client, spec["model_repo"], spec["model_revision"], chosen, progress, cancel)
        else:
            model = self._not_fetched(client, spec["model_repo"], spec["model_revision"], chosen)
        adapter = None
        if spec.get("adapter"):
            a = spec["adapter"]
            adapter = self._fetch(client, listing.repo, listing.revision,
                                  ListingVariant(a["file"], "adapter", a["size"], a["sha256"]), progress, cancel)
        icon = self._fetch_file(client, listing, spec["icon"], progress, cancel) if spec.get("icon") else None
        knowledge = tuple(self._fetch_file(client, listing, item, progress, cancel)
                          for item in spec.get("knowledge", ()))
        evals = self._evals(client, listing, spec, progress, cancel)
        previous = self._existing(listing.id)
        gpt = GPT(
            id=listing.id, name=spec["name"], model_sha256=model.sha256, description=spec["description"],
            instructions=spec["instructions"], starters=tuple(spec["starters"]), examples=tuple(spec["examples"]),
            params=spec["params"], chat_template=spec["chat_template"],
            adapter_sha256=adapter.sha256 if adapter else None, adapter_scale=spec.get("adapter_scale", 1.0),
            source=GPTSource.STORE, version=spec["version"], category=spec.get("category", listing.category),
            tags=spec.get("tags", listing.tags), author=spec.get("author", ""), license=spec.get("license", ""),
            icon=icon, knowledge=knowledge, changelog=spec.get("changelog", ""), evals=evals,
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
            **_own_files(manifest, listing),
            "name": manifest.name, "description": manifest.description, "version": manifest.version,
            "instructions": manifest.instructions, "starters": manifest.conversation_starters,
            "examples": manifest.example_messages(), "params": manifest.generation_params(),
            "chat_template": manifest.chat_template, "model_repo": manifest.model.repo,
            "model_revision": manifest.model.revision,
            "variants": tuple(ListingVariant(v.file, v.quant, v.size, v.sha256) for v in manifest.model.variants),
            "default_variant": manifest.model.default_variant,
            "adapter": {"file": adapter.file, "size": adapter.size, "sha256": adapter.sha256,
                        "base_sha256": adapter.base_sha256} if adapter else None,
            "adapter_scale": adapter.scale if adapter else 1.0,
            "category": manifest.category, "tags": manifest.tags, "author": manifest.author,
            "license": manifest.license, "changelog": manifest.changelog,
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
            if existing.status is ModelStatus.INSTALLED and (self.paths.home / existing.path).is_file():
                return existing
        except NotFound:
            pass
        target = self._download(client, repo, revision, variant.file, ref.url, sha256, ref.size or None,
                                progress, cancel)
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

    def _not_fetched(self, client: HubClient, repo: str, revision: str, variant: ListingVariant) -> ModelFile:
        """The model of a GPT that runs on a remote engine: recorded as missing, pinned by sha256, not downloaded."""
        sha256 = variant.sha256 or client.file_ref(repo, variant.file, revision=revision).sha256
        if sha256 is None:
            raise HubError(f"Neither the listing nor the hub gives a sha256 for {variant.file}; the GPT was not "
                           "installed.")
        try:
            return self.catalog.get_model(sha256)  # already here (installed or not): keep it as it is
        except NotFound:
            pass
        return self.catalog.add_model(ModelFile(
            sha256=sha256, display_name=f"{repo.split('/')[-1]} {variant.quant}",
            path=self.paths.blob(sha256).relative_to(self.paths.home).as_posix(), size=variant.size,
            status=ModelStatus.MISSING, info=None, source=f"hub:{repo}@{revision}/{variant.file}",
        ))
    def _evals(self, client: HubClient, listing: Listing, spec: dict[str, Any], progress: Progress | None,
               cancel: threading.Event | None) -> GPTFile | None:
        """The GPT's eval set: the one its gpt.json pins, else (a starter-catalog listing) the one shipped
        with the app. One that is not a valid eval set is left out, not worth refusing the GPT for."""
        from app.manifest.evalset import EVALS_FILE, parse_eval_set  # noqa: PLC0415 - only when installing

        if spec.get("evals") is not None:
            file = self._fetch_file(client, listing, spec["evals"], progress, cancel)
        else:
            shipped = starter_eval_set(listing.id) if not (listing.manifest or {}).get("manifest_file") else None
            if shipped is None:
                return None
            data = shipped.read_bytes()
            file = GPTFile(EVALS_FILE, hashlib.sha256(data).hexdigest(), len(data))
            blob = self.paths.ensure().blob(file.sha256)
            if not blob.is_file():
                blob.parent.mkdir(parents=True, exist_ok=True)
                partial = blob.with_name(f"{blob.name}.partial")
                partial.write_bytes(data)
                partial.replace(blob)
        try:
            parse_eval_set(self.paths.blob(file.sha256).read_bytes(), source=f"{listing.id}/{file.path}")
        except KnownError as exc:
            log.warning("%s: its eval set is left out: %s", listing.id, exc)
            return None
        return file

    def _fetch_file(self, client: HubClient, listing: Listing, pinned: _Pinned, progress: Progress | None,
                    cancel: threading.Event | None) -> GPTFile:
        """One of the GPT's own files from its repo at the listing's commit, checked against its pin."""
        target = self.paths.ensure().blob(pinned.sha256)
        if not target.is_file():  # the store is content-addressed: a blob with this name was verified
            ref = client.file_ref(listing.repo, pinned.path, revision=listing.revision)
            if (ref.sha256 and ref.sha256 != pinned.sha256) or (ref.size is not None and ref.size != pinned.size):
                raise HubError(f"{pinned.path} in {listing.repo} is not the file its gpt.json pins (size or sha256 "
                               "differ); the GPT was not installed. Ask its author to publish it again.")
            self._download(client, listing.repo, listing.revision, pinned.path, ref.url, pinned.sha256, pinned.size,
                           progress, cancel)
        return GPTFile(pinned.path, pinned.sha256, pinned.size)

    def _download(self, client: HubClient, repo: str, revision: str, file: str, url: str, sha256: str,
                  size: int | None, progress: Progress | None, cancel: threading.Event | None) -> Path:
        """Fetch one pinned file into the store with resume and the sha256 check; returns where it is."""
        target = self.paths.ensure().blob(sha256)
        request = DownloadRequest(key=f"{repo}@{revision}/{file}", url=url, target=target, expected_sha256=sha256,
                                  expected_size=size, headers=client.headers())
        with self._slots:
            self.downloader.download(request, progress=progress, cancel=cancel)
        return target

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
        if not model.source.startswith("hub:") or not model.owned:  # a linked file is never deleted
            return
        try:
            self.catalog.remove_model(sha256)
        except KnownError:
            return  # still used by another GPT
        Path(self.paths.home / model.path).unlink(missing_ok=True)


def _own_files(manifest: GPTManifest, listing: Listing) -> dict[str, Any]:
    """The icon and knowledge files a hub GPT's gpt.json pins, refused over the same caps as an import.

    An icon without its size and sha256 (gpt.json allows that outside packages) is left out: every file
    installed is pinned, and an icon is not worth refusing the GPT for.
    """
    icon = None
    if manifest.icon is not None and manifest.icon_size is not None and manifest.icon_sha256 is not None:
        icon = _Pinned(manifest.icon, manifest.icon_size, manifest.icon_sha256)
    elif manifest.icon is not None:
        log.info("%s: the icon %s is not pinned by size and sha256; it is not installed", listing.id, manifest.icon)
    knowledge = tuple(_Pinned(k.file, k.size, k.sha256) for k in manifest.knowledge)
    too_big = [(p.path, cap) for p, cap in ((icon, MAX_ICON_BYTES), *((k, MAX_KNOWLEDGE_BYTES) for k in knowledge))
               if p is not None and p.size > cap]
    if too_big:
        path, cap = too_big[0]
        raise HubError(f"{listing.id} names {path}, larger than the {cap // 2**20} MiB allowed; it was not installed.")
    if sum(k.size for k in knowledge) > MAX_KNOWLEDGE_TOTAL:
        raise HubError(f"{listing.id} holds more than {MAX_KNOWLEDGE_TOTAL // 2**30} GiB of knowledge files; it was "
                       "not installed.")
    from app.manifest.evalset import MAX_EVALS_BYTES  # noqa: PLC0415 - pydantic: loaded with the manifest

    evals = None
    if manifest.evals is not None:
        if manifest.evals.size > MAX_EVALS_BYTES:
            raise HubError(f"{listing.id} names {manifest.evals.file}, larger than the {MAX_EVALS_BYTES // 2**20} MiB "
                           "allowed for an eval set; it was not installed.")
        evals = _Pinned(manifest.evals.file, manifest.evals.size, manifest.evals.sha256)
    return {"icon": icon, "knowledge": knowledge, "evals": evals}
