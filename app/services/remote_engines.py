"""Remote engines as the person manages them: add, edit, remove, list their models, check them, and
choose for each GPT whether it runs on this computer or on an engine's model.

Settings live in the catalog, API keys in the keyring (:class:`Secrets`). Nothing here sends a
message anywhere: the chat service asks :meth:`RemoteEngines.placement` per reply, and only a GPT the
person placed on an engine goes to it.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from app.catalog import Catalog
from app.core.entities import GPT, ModelStatus
from app.core.errors import InvalidInput, KnownError
from app.core.remote import DEFAULT_TIMEOUT_SECONDS, EngineCheck, Placement, RemoteEngine, RemoteModel
from app.engine.remote import RemoteClient
from app.services.secrets import Secrets

if TYPE_CHECKING:
    from app.services.install import Installer, Progress

log = logging.getLogger(__name__)

THIS_COMPUTER = "This computer"


@dataclass
class RemoteEngines:
    catalog: Catalog
    secrets: Secrets
    installer: Callable[[], Installer] | None = None
    """For :meth:`install_to_run_on` (a store GPT that will not fit here)."""

    # --- the engines ---------------------------------------------------------------------------------
    def add(self, name: str, base_url: str, *, api_key: str | None = None, verify_tls: bool = True,
            timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS) -> RemoteEngine:
        engine = self.catalog.add_remote_engine(name, base_url, verify_tls=verify_tls, timeout_seconds=timeout_seconds)
        if api_key and api_key.strip():
            self._store_key(engine, api_key)
        if not engine.verify_tls:
            log.warning("TLS verification is off for the engine %s", engine.name)
        return engine

    def edit(self, key: str | int, *, name: str | None = None, base_url: str | None = None,
             verify_tls: bool | None = None, timeout_seconds: float | None = None, api_key: str | None = None,
             forget_key: bool = False) -> RemoteEngine:
        """Change an engine's settings; ``api_key`` replaces its key, ``forget_key`` removes it."""
        engine = self.catalog.update_remote_engine(key, name=name, base_url=base_url, verify_tls=verify_tls,
                                                   timeout_seconds=timeout_seconds)
        if forget_key:
            self.secrets.delete(engine.secret_name)
        elif api_key is not None and api_key.strip():
            self._store_key(engine, api_key)
        return engine

    def remove(self, key: str | int) -> tuple[RemoteEngine, list[str]]:
        """Forget an engine and its key; returns it and the GPTs that ran on it (they run here again)."""
        engine, moved = self.catalog.remove_remote_engine(key)
        self.secrets.delete(engine.secret_name)
        return engine, moved

    def list(self) -> list[RemoteEngine]:
        return self.catalog.list_remote_engines()

    def get(self, key: str | int) -> RemoteEngine:
        return self.catalog.get_remote_engine(key)

    def has_key(self, engine: RemoteEngine) -> bool:
        return bool(self.secrets.get(engine.secret_name))

    def client(self, engine: RemoteEngine) -> RemoteClient:
        """A client for one request or one reply (its cancel stops that reply)."""
        return RemoteClient(engine.base_url, name=engine.name, api_key=self.secrets.get(engine.secret_name),
                            verify_tls=engine.verify_tls, timeout=engine.timeout_seconds)

    def models(self, key: str | int) -> list[RemoteModel]:
        """What the engine serves now (network: call off the GUI thread)."""
        return self.client(self.get(key)).models()

    def check(self, key: str | int) -> EngineCheck:
        """Reachable, key accepted, and which models: one ``GET /v1/models``; never raises a known error."""
        engine = self.get(key)
        started = time.monotonic()
        try:
            models = tuple(self.client(engine).models())
        except KnownError as exc:
            return EngineCheck(engine, ok=False, sentence=str(exc), seconds=time.monotonic() - started)
        seconds = time.monotonic() - started
        listed = ", ".join(m.id for m in models[:5]) + (f" and {len(models) - 5} more" if len(models) > 5 else "")
        sentence = (f"{engine.name} answered in {seconds * 1000:.0f} ms and serves {len(models)} model"
                    f"{'' if len(models) == 1 else 's'}" + (f": {listed}." if models else "."))
        return EngineCheck(engine, ok=True, sentence=sentence, models=models, seconds=seconds)

    # --- where each GPT runs -------------------------------------------------------------------------
    def run_on(self, gpt_key: str, engine_key: str | int, model: str) -> Placement:
        """Run the GPT on ``model`` of the engine from now on (its instructions etc. are still applied here)."""
        gpt = self.catalog.get_gpt(gpt_key)
        engine = self.get(engine_key)
        return self.catalog.set_placement(gpt.id, engine.id, model)

    def run_here(self, gpt_key: str) -> Placement | None:
        """Run the GPT on this computer again; returns where it ran before (None: here already).

        Refused while the GPT's model is not on this computer (it was installed to run on an engine).
        """
        gpt = self.catalog.get_gpt(gpt_key)
        model = self.catalog.get_model(gpt.model_sha256)
        if model.status is not ModelStatus.INSTALLED:
            raise InvalidInput(f"The model of {gpt.name} ({model.display_name}) is not on this computer, so it can "
                               "only run on a remote engine; install it from the store to run it here.")
        return self.catalog.clear_placement(gpt.id)

    def install_to_run_on(self, listing_id: str, engine_key: str | int, model: str, *, variant: str | None = None,
                          progress: Progress | None = None,
                          cancel: threading.Event | None = None) -> tuple[GPT, Placement]:
        """Install a store GPT without downloading its model and run it on ``model`` of the engine: what
        the fit check offers when a GPT will not fit here."""
        if self.installer is None:
            raise KnownError("Installing from the store is not available here.")
        engine = self.get(engine_key)
        if not model.strip():
            raise InvalidInput("Name the model the engine should run (as its model list shows it).")
        gpt = self.installer().install(listing_id, variant=variant, progress=progress, cancel=cancel,
                                       model_here=False)
        return gpt, self.catalog.set_placement(gpt.id, engine.id, model)

    def update_from_store(self, gpt_id: str, *, progress: Progress | None = None,
                          cancel: threading.Event | None = None) -> GPT:
        """Install the store's version of a GPT; one installed to run on an engine stays so (no model download)."""
        if self.installer is None:
            raise KnownError("Installing from the store is not available here.")
        placement = self.placement(gpt_id)
        gpt = self.catalog.get_gpt(gpt_id)
        model_here = placement is None or self.catalog.get_model(gpt.model_sha256).status is ModelStatus.INSTALLED
        return self.installer().install(gpt_id, progress=progress, cancel=cancel, model_here=model_here)

    def placement(self, gpt_id: str) -> Placement | None:
        return self.catalog.get_placement(gpt_id)

    def placements(self) -> list[Placement]:
        """Every GPT that runs on a remote engine."""
        return self.catalog.list_placements()

    def where(self, gpt_id: str) -> str:
        """Where the GPT runs, in words: ``This computer`` or ``Lab server · llama-3.1-70b``."""
        placement = self.placement(gpt_id)
        return THIS_COMPUTER if placement is None else f"{placement.engine_name} · {placement.model}"

    def client_for(self, placement: Placement) -> RemoteClient:
        return self.client(self.get(placement.engine_id))

    def _store_key(self, engine: RemoteEngine, api_key: str) -> None:
        if not self.secrets.set(engine.secret_name, api_key):
            log.warning("the API key of %s is kept for this session only (no usable keyring)", engine.name)
