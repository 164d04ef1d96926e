"""Publishing a GPT made here, and installing one shared by its repo's link.

``publish(gpt_id, visibility)`` puts the GPT's current version on the hub under the token's account,
as ``<account>/<the GPT's slug>`` (the name part of its id, fixed when it was made and made ASCII
for the hub, so a renamed GPT keeps its repo): ``gpt.json`` with that repo as its id, a card, the adapter, knowledge files and icon, in one
commit. Then the visibility, as in the GPT Store: only me (a private repo), anyone with the link (a
public repo, installable with ``gpts install-repo``), or the store (a public repo plus a pull request
on the store index that adds or updates its listing). Publishing again with another visibility
changes it: made private or link-only, a listed GPT gets a pull request that removes its listing.

Versions come from edits, never from publishing: publishing the version the hub already has is a
no-op for the files, and publishing a version the hub has with other content (or an older one than
the hub's) is refused, so two different GPTs never carry one version number.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.catalog import Catalog
from app.core.entities import GPT, HubOrigin, MemoryShape
from app.core.errors import BadManifest, InvalidInput, NotFound
from app.core.settings import Settings
from app.hub.client import HubClient
from app.hub.errors import HubError, HubNotFound
from app.hub.index_edit import MANIFEST_FILE, current_line, listing_line
from app.hub.listing_format import parse_line
from app.hub.publish import (
    PUBLISH_TITLE, UNLIST_TITLE, FileHash, GPTRepoPublisher, PublishCancelled, PublishEvent, PublishStep, RepoState,
    Report, Visibility, check_cancel, hash_files, now_iso,
)
from app.manifest import GPTManifest, dump_manifest, parse_manifest
from app.services.gpt_package import GPTPackages, is_local_model
from app.services.install import Installer, Progress
from app.services.secrets import HF_TOKEN, Secrets
from app.services.semver import is_newer
from app.services.store import TokenMissing

log = logging.getLogger(__name__)

# What the UI needs from the hub layer, which it may not import itself.
__all__ = ["PublishCancelled", "PublishEvent", "PublishResult", "PublishStep", "PublishTarget", "Publisher",
           "Visibility"]

README = "README.md"


class AlreadyPublished(InvalidInput):
    """The hub has this version (or a newer one) with other content: only an edit makes a new version."""


@dataclass(frozen=True)
class PublishResult:
    gpt_id: str
    repo_id: str
    repo_url: str
    commit: str
    version: str
    visibility: Visibility
    changed: bool
    """False when the hub already had exactly this version (nothing was uploaded)."""
    pr_url: str | None
    """The store index pull request opened (to list, update or unlist the GPT), if one was needed."""


@dataclass(frozen=True)
class PublishTarget:
    """Where publishing a GPT would put it, and what the hub (and the synced store) hold of it now."""

    gpt_id: str
    account: str
    repo_id: str
    repo_url: str
    published_version: str | None
    """The version the hub has now; None when the repo does not exist yet (or holds no readable gpt.json)."""
    visibility: Visibility | None
    """As far as this machine can tell: private, public (``link``) or listed in the synced store; None: not
    published yet."""


@dataclass
class Publisher:
    catalog: Catalog
    client: Callable[[], HubClient]
    settings: Callable[[], Settings]
    secrets: Secrets
    installer: Installer
    packages: GPTPackages
    """Turns a GPT into its manifest and files, exactly as an export does."""
    known_origins: Callable[[], Sequence[HubOrigin]] = tuple
    """Hub homes of model files that did not come from the hub here (the starter model from PyPI)."""

    def publish(self, gpt_id: str, visibility: Visibility | str = Visibility.STORE, *,
                progress: Report | None = None, cancel: threading.Event | None = None) -> PublishResult:
        """Put the GPT's current version on the hub with ``visibility``; see the module's docstring.

        ``progress`` gets a :class:`PublishEvent` per step (files hashed and uploaded by bytes, then the
        commit, the visibility, the pull request). ``cancel`` stops it with :class:`PublishCancelled`
        and nothing changed on the hub, until the commit starts (or, when the hub already has this
        version, until its visibility changes); after that the publish runs to its end.
        """
        visibility = Visibility(visibility)
        report = progress or (lambda _event: None)
        client = self.client()
        report(PublishEvent(PublishStep.ACCOUNT))
        gpt, manifest, local_files = self._publishable(gpt_id, client)
        hub = GPTRepoPublisher(client)
        me = hub.account()
        repo_id = f"{me}/{repo_name(manifest)}"
        manifest = with_id(manifest, repo_id)
        files = repo_files(manifest, local_files)
        state = hub.state(repo_id)
        hashes = hash_files(files, progress=report, cancel=cancel, what=gpt.name)
        if state is not None and self._check_version(repo_id, manifest, hashes, state):
            check_cancel(cancel, gpt.name)
            commit, url, changed = state.commit, f"{hub.endpoint}/{repo_id}", False
        else:
            pushed = hub.push(repo_id, files, message=f"{manifest.name} {manifest.version}",
                              description=_last_change(manifest), state=state, hashes=hashes, progress=report,
                              cancel=cancel)
            commit, url, changed = pushed.commit, pushed.url, True
        private_now = state.private if state is not None else True  # a new repo starts private
        if (visibility is Visibility.PRIVATE) != private_now:
            report(PublishEvent(PublishStep.VISIBILITY))
            hub.set_private(repo_id, visibility is Visibility.PRIVATE)
        report(PublishEvent(PublishStep.LISTING))
        pr_url = self._listing(hub, repo_id, manifest, commit, visibility, me, gpt)
        report(PublishEvent(PublishStep.DONE))
        log.info("published %s as %s@%s (%s)", gpt.id, repo_id, commit[:12], visibility.value)
        return PublishResult(gpt.id, repo_id, url, commit, manifest.version, visibility, changed, pr_url)

    def target(self, gpt_id: str) -> PublishTarget:
        """Where :meth:`publish` would put the GPT (the token's account), and what is there now.

        Refused like :meth:`publish` without a token, with a token that cannot write, or for a GPT whose
        model is on no hub. Whether the GPT is in the store comes from the last store sync.
        """
        client = self.client()
        gpt, manifest, _files = self._publishable(gpt_id, client)
        hub = GPTRepoPublisher(client)
        me = hub.account()
        repo_id = f"{me}/{repo_name(manifest)}"
        state = hub.state(repo_id)
        version = None
        if state is not None and state.manifest is not None:
            try:
                version = parse_manifest(state.manifest, strict=False, source=repo_id).manifest.version
            except BadManifest:
                version = None
        visibility = None
        if state is not None:
            visibility = Visibility.PRIVATE if state.private else Visibility.LINK
            if not state.private and self._in_store(repo_id):
                visibility = Visibility.STORE
        return PublishTarget(gpt.id, me, repo_id, f"{hub.endpoint}/{repo_id}", version, visibility)

    def _publishable(self, gpt_id: str, client: HubClient) -> tuple[GPT, GPTManifest, dict[str, Path]]:
        """The GPT as it would be published (its model pinned to a hub repo), or why it cannot be."""
        if not self.secrets.get(HF_TOKEN):
            raise TokenMissing("Publishing needs a hub token that can write: set one with `gptshelf hub login` "
                               "or in Settings.")
        gpt = self.catalog.get_gpt(gpt_id)
        manifest, local_files = self.packages.manifest_for(gpt)
        if is_local_model(manifest):
            manifest = self._on_its_hub(manifest, gpt, client)
        return gpt, manifest, local_files

    def _on_its_hub(self, manifest: GPTManifest, gpt: GPT, client: HubClient) -> GPTManifest:
        """A model from this computer, pinned to its known hub repo at the current commit when the hub's
        sha256 of the file is the model's; refused otherwise (others could not download it)."""
        variant = manifest.variant()
        origin = next((o for o in self.known_origins() if o.sha256 == variant.sha256), None)
        refusal = (f"The model of {gpt.name!r} was imported from this computer, so others could not download it. "
                   "Publish a GPT whose model comes from the hub (gptshelf hf install REPO), or share this one "
                   "as a file (gptshelf gpts export --with-model).")
        if origin is None:
            raise InvalidInput(refusal)
        try:
            revision = client.head_commit(origin.repo)
            hub_sha256 = client.file_ref(origin.repo, origin.file, revision=revision).sha256
        except HubNotFound:
            hub_sha256 = None
        if hub_sha256 != variant.sha256:
            raise InvalidInput(f"{refusal} ({client.endpoint} does not have it as {origin.repo}/{origin.file}.)")
        data = json.loads(dump_manifest(manifest))
        data["model"] = {"repo": origin.repo, "revision": revision, "default_variant": variant.quant,
                         "variants": [{"file": origin.file, "quant": variant.quant, "size": variant.size,
                                       "sha256": variant.sha256}]}
        log.info("%s: its model is %s@%s/%s on the hub", gpt.id, origin.repo, revision[:12], origin.file)
        return parse_manifest(json.dumps(data).encode("utf-8"), source=f"{gpt.name} (as {MANIFEST_FILE})").manifest

    def _in_store(self, repo_id: str) -> bool:
        try:
            self.catalog.get_listing(repo_id)
        except NotFound:
            return False
        return True

    def install_repo(self, repo_id: str, *, variant: str | None = None, progress: Progress | None = None,
                     cancel: threading.Event | None = None) -> GPT:
        """Install a GPT straight from its repo (shared by link), verified like a store install."""
        repo_id = repo_id.strip().strip("/")
        if repo_id.count("/") != 1:
            raise InvalidInput(f"Give the GPT's repo as OWNER/NAME, not {repo_id!r}.")
        client = self.client()
        revision = client.head_commit(repo_id)
        try:
            raw = client.small_file(repo_id, MANIFEST_FILE, revision=revision)
        except HubNotFound as exc:
            raise HubNotFound(f"{repo_id} has no {MANIFEST_FILE}, so it is not a GPT Shelf GPT.") from exc
        manifest = parse_manifest(raw, strict=True, source=f"{repo_id}/{MANIFEST_FILE}").manifest
        if manifest.id != repo_id:
            raise HubError(f"{repo_id} holds the GPT {manifest.id!r}, not one named after its own repo; "
                           "it was not installed.")
        line = listing_line(manifest, revision=revision, shape=None)
        listing = parse_line(json.dumps(line, ensure_ascii=False))
        return self.installer.install_listing(listing, variant=variant, progress=progress, cancel=cancel)

    # --- steps ------------------------------------------------------------------------------
    def _check_version(self, repo_id: str, manifest: GPTManifest, hashes: dict[str, FileHash],
                       state: RepoState) -> bool:
        """True when the hub already has exactly this version; raises when it has it (or a newer one)
        with other content; False when this version is new there."""
        if state.manifest is None:
            return False
        try:
            theirs = parse_manifest(state.manifest, strict=False, source=f"{repo_id}/{MANIFEST_FILE}").manifest
        except BadManifest:
            log.warning("%s holds an unreadable gpt.json; it is replaced", repo_id)
            return False
        if is_newer(theirs.version, manifest.version):
            raise AlreadyPublished(f"{repo_id} already has version {theirs.version}, newer than this GPT's "
                                   f"{manifest.version}. Edit the GPT to make a newer version, then publish again.")
        if theirs.version != manifest.version:
            return False
        if same_content(hashes, state):
            return True
        raise AlreadyPublished(f"Version {manifest.version} of {repo_id} is already on the hub with different "
                               "content. Edit the GPT to make a new version, then publish again.")

    def _listing(self, hub: GPTRepoPublisher, repo_id: str, manifest: GPTManifest, commit: str,
                 visibility: Visibility, me: str, gpt: GPT) -> str | None:
        index_repo = self.settings().store_index_repo
        if visibility is not Visibility.STORE:
            try:
                index = hub.read_index(index_repo)
            except HubNotFound:
                return None  # no index: nothing to unlist
            proposal = hub.propose_listing(index_repo, repo_id, None, me=me, index=index,
                                           title=UNLIST_TITLE.format(id=repo_id),
                                           description=f"{repo_id} is no longer in the store ({visibility.value}).")
            return proposal.pr_url
        index = hub.read_index(index_repo)
        previous = current_line(index[2], repo_id)
        line = listing_line(manifest, revision=commit, shape=self._shape(gpt), previous=previous,
                            updated_at=now_iso())
        proposal = hub.propose_listing(index_repo, repo_id, line, me=me, index=index,
                                       title=PUBLISH_TITLE.format(id=repo_id, version=manifest.version),
                                       description=_pr_text(manifest, previous))
        return proposal.pr_url

    def _shape(self, gpt: GPT) -> MemoryShape | None:
        """The base model's shape from its GGUF header, for the store's fit check before any download."""
        try:
            info = self.catalog.get_model(gpt.model_sha256).info
        except NotFound:
            return None
        if info is None:
            return None
        values = (info.block_count, info.head_count_kv, info.embedding_length, info.head_count, info.context_length)
        if any(not v for v in values):
            return None
        return MemoryShape(*values)  # type: ignore[arg-type]


def repo_name(manifest: GPTManifest) -> str:
    """The repo's name: the name part of the GPT's id (its slug when it was made, made ASCII for the hub),
    so renaming the GPT keeps publishing to the same repo."""
    return manifest.id.rsplit("/", 1)[-1]


def with_id(manifest: GPTManifest, repo_id: str) -> GPTManifest:
    """The manifest as published: its id is the repo, and it is validated again, strictly."""
    data = json.loads(dump_manifest(manifest))
    data["id"] = repo_id
    return parse_manifest(json.dumps(data).encode("utf-8"), strict=True, source=f"{repo_id}/{MANIFEST_FILE}").manifest


def repo_files(manifest: GPTManifest, local: dict[str, Path]) -> dict[str, bytes | Path]:
    """Everything the repo holds: gpt.json, the card, and each file the manifest names (the base model is
    pinned to its own repo and never uploaded)."""
    wanted = [k.file for k in manifest.knowledge]
    if manifest.adapter is not None:
        wanted.append(manifest.adapter.file)
    if manifest.icon is not None:
        wanted.append(manifest.icon)
    if manifest.evals is not None:
        wanted.append(manifest.evals.file)
    files: dict[str, bytes | Path] = {MANIFEST_FILE: dump_manifest(manifest).encode("utf-8"),
                                      README: model_card(manifest).encode("utf-8")}
    for path in wanted:
        source = local.get(path)
        if source is None or not Path(source).is_file():
            raise InvalidInput(f"{manifest.name} needs the file {path}, which is not on this machine; it cannot "
                               "be published. Edit the GPT to remove or replace it.")
        files[path] = Path(source)
    return files


def same_content(hashes: dict[str, FileHash], state: RepoState) -> bool:
    """Whether the hub's files are these (the card aside: a newer app may word it differently)."""
    ours = {p for p in hashes if p != README}
    theirs = {p for p in state.files if p not in (README, ".gitattributes")}
    return ours == theirs and all(hashes[p].matches(state.files[p]) for p in ours)


def model_card(manifest: GPTManifest) -> str:
    """The repo's README.md: YAML front matter the hub indexes (``tags: [gptshelf]``, the base model, the
    license), then what the GPT is and how to get it. Values are written as JSON strings, valid YAML."""
    tags = ["gptshelf", *(t for t in manifest.tags if t.casefold() != "gptshelf")]
    front = ["---", "tags:", *(f"- {json.dumps(t, ensure_ascii=False)}" for t in tags),
             f"base_model: {json.dumps(manifest.model.repo)}"]
    license_id = manifest.license.strip().lower()
    if license_id in HUB_LICENSES:
        front.append(f"license: {license_id}")
    elif license_id:
        front += ["license: other", f"license_name: {json.dumps(manifest.license.strip(), ensure_ascii=False)}"]
    front.append("---")
    body = [f"# {manifest.name}", ""]
    if manifest.description:
        body += [manifest.description, ""]
    if manifest.conversation_starters:
        body += ["## Conversation starters", "", *(f"- {s}" for s in manifest.conversation_starters), ""]
    body += ["## Use it", "",
             f"A GPT for GPT Shelf, version {manifest.version}, running [{manifest.model.repo}]"
             f"(/{manifest.model.repo}) locally. Install it with:", "",
             f"    gptshelf gpts install-repo {manifest.id}", ""]
    return "\n".join(front + body)


HUB_LICENSES = frozenset({
    "apache-2.0", "mit", "openrail", "bigscience-openrail-m", "creativeml-openrail-m", "bigscience-bloom-rail-1.0",
    "afl-3.0", "artistic-2.0", "bsl-1.0", "bsd", "bsd-2-clause", "bsd-3-clause", "bsd-3-clause-clear",
    "c-uda", "cc", "cc0-1.0", "cc-by-2.0", "cc-by-2.5", "cc-by-3.0", "cc-by-4.0", "cc-by-sa-3.0", "cc-by-sa-4.0",
    "cc-by-nc-2.0", "cc-by-nc-3.0", "cc-by-nc-4.0", "cc-by-nd-4.0", "cc-by-nc-nd-3.0", "cc-by-nc-nd-4.0",
    "cc-by-nc-sa-2.0", "cc-by-nc-sa-3.0", "cc-by-nc-sa-4.0", "cdla-sharing-1.0", "cdla-permissive-1.0",
    "cdla-permissive-2.0", "wtfpl", "ecl-2.0", "epl-1.0", "epl-2.0", "eupl-1.1", "agpl-3.0", "gfdl", "gpl",
    "gpl-2.0", "gpl-3.0", "lgpl", "lgpl-2.1", "lgpl-3.0", "isc", "lppl-1.3c", "ms-pl", "mpl-2.0", "odc-by",
    "odbl", "openrail++", "osl-3.0", "postgresql", "ofl-1.1", "ncsa", "unlicense", "zlib", "pddl", "lgpl-lr",
    "deepfloyd-if-license", "llama2", "llama3", "llama3.1", "llama3.2", "llama3.3", "gemma", "unknown", "other",
})
"""License ids the hub accepts in a card; anything else is written as ``other`` with its name."""


def _last_change(manifest: GPTManifest) -> str:
    return manifest.changelog.splitlines()[0] if manifest.changelog else ""


def _pr_text(manifest: GPTManifest, previous: dict[str, Any] | None) -> str:
    what = "Updates" if previous else "Adds"
    text = f"{what} the listing of {manifest.id}, version {manifest.version}: {manifest.name}."
    change = _last_change(manifest)
    return f"{text}\n\n{change}" if change else text
