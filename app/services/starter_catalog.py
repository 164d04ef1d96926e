"""The store listings shipped with the app, loaded into the catalog so the store is not empty before
the first sync (and after an update of the app, the new ones).

Apart from :mod:`app.services.store` because opening the services does this on every start, and the
store's module brings the hub client, the downloader and the installer with it, which the first paint
does not need.
"""

from __future__ import annotations

from pathlib import Path

from app.catalog import Catalog
from app.core.entities import ListingChanges
from app.core.paths import resources_dir
from app.hub.sync import STARTER, read_starter, starter_sha256


def starter_catalog() -> Path:
    """The shipped starter catalog file."""
    return resources_dir() / "catalog" / "starter.jsonl"


def starter_eval_set(gpt_id: str) -> Path | None:
    """The eval set shipped for a starter-catalog GPT (or the starter GPT), if there is one.

    ``resources/catalog/evals/<owner>--<name>.json``: the store's starter listings have no repo of their
    own to carry one, so the app brings it and the installer adds it to the GPT (docs/evals.md).
    """
    if gpt_id.count("/") != 1:
        return None
    path = resources_dir() / "catalog" / "evals" / f"{gpt_id.replace('/', '--')}.json"
    return path if path.is_file() else None


def load_starter_catalog(catalog: Catalog, path: Path) -> ListingChanges:
    """Load the shipped starter catalog at ``path``, once per version of the file (its sha256 is remembered)."""
    known = catalog.shard_hashes(STARTER).get(path.name)
    if known is not None and known == starter_sha256(path):
        return ListingChanges()  # unchanged: not parsed again at every start
    starter = read_starter(path)
    if starter is None or known == starter[0]:
        return ListingChanges()
    return catalog.apply_shards(STARTER, {path.name: starter}, keep=[])
