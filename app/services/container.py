"""The composition root: every service built once, from the data folder, and handed to the UI or CLI.

Nothing here is global; a caller opens :class:`Services`, uses it, and closes it.

Each service is built the first time it is asked for, and its module is imported then, not when
this module is: the GUI's first paint needs the catalog, the settings and the GPT list, while
publishing, packages, chat and the engine pull in pydantic, gguf/numpy, jinja2 and huggingface_hub
(docs/benchmarks.md, "Cold start"). Building is serialised by one lock, so a worker thread and the GUI
thread asking at once still share one instance of each service.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar, overload

from app.catalog import Catalog, open_catalog
from app.core.paths import AppPaths
from app.core.settings import Settings
from app.services.starter_catalog import load_starter_catalog, starter_catalog

if TYPE_CHECKING:
    from app.core.entities import EngineInfo, FitReport, ModelFile
    from app.services.api_keys import ApiKeys
    from app.hub.client import HttpSetup, HubClient
    from app.hub.download import Downloader
    from app.services.chat import ChatService
    from app.services.drafting import GPTDrafter
    from app.services.engines import EnginePool
    from app.services.finetune import FinetuneService
    from app.services.evals import EvalService
    from app.services.gpt_package import GPTPackages
    from app.services.gpts import GPTLibrary
    from app.services.history import History
    from app.services.install import Installer
    from app.services.knowledge import KnowledgeService
    from app.services.history_import import HistoryImporter
    from app.services.model_scan import ModelScanner
    from app.services.models import ModelLibrary
    from app.services.publish import Publisher
    from app.services.remote_engines import RemoteEngines
    from app.services.secrets import Secrets
    from app.services.starter import Starter
    from app.services.store import Store

log = logging.getLogger(__name__)

T = TypeVar("T")


class _Built(Generic[T]):
    """A service made by ``build(services)`` on first access, then kept in the instance's ``__dict__``.

    A non-data descriptor: once built, the attribute is an ordinary instance attribute (no lock, no
    call), and a test may still replace it with ``monkeypatch.setattr``.
    """

    def __init__(self, build: Callable[[Services], T]) -> None:
        self._build = build
        self._name = build.__name__
        self.__doc__ = build.__doc__

    def __set_name__(self, _owner: type, name: str) -> None:
        self._name = name

    @overload
    def __get__(self, instance: None, owner: type | None = None) -> _Built[T]: ...

    @overload
    def __get__(self, instance: Services, owner: type | None = None) -> T: ...

    def __get__(self, instance: Services | None, owner: type | None = None) -> T | _Built[T]:
        if instance is None:
            return self
        with instance._lock:
            built = instance.__dict__.get(self._name, _MISSING)
            if built is _MISSING:
                built = self._build(instance)
                instance.__dict__[self._name] = built
        return built


_MISSING: Any = object()


class Services:
    """The app's services over one data folder. Make it with :func:`open_services`."""

    def __init__(self, paths: AppPaths, catalog: Catalog) -> None:
        self.paths = paths
        self.catalog = catalog
        self.closed = False
        self._lock = threading.RLock()

    # --- the services, each built on first use ------------------------------------------------------
    @_Built
    def models(self) -> ModelLibrary:
        from app.services.models import ModelLibrary  # noqa: PLC0415 - see the module docstring

        return ModelLibrary(self.catalog, self.paths)

    @_Built
    def gpts(self) -> GPTLibrary:
        from app.services.gpts import GPTLibrary  # noqa: PLC0415

        return GPTLibrary(self.catalog, self.paths)

    @_Built
    def history(self) -> History:
        from app.services.history import History  # noqa: PLC0415

        return History(self.catalog)

    @_Built
    def scanner(self) -> ModelScanner:
        """Other apps' models on this machine; the home folder and variables are read when it is first used."""
        import os  # noqa: PLC0415
        import sys  # noqa: PLC0415
        from pathlib import Path  # noqa: PLC0415

        from app.services.model_scan import ModelScanner  # noqa: PLC0415

        def fit(model: ModelFile) -> FitReport:
            return self.models.fit(self.store.fit, model, self.settings().context_length)

        return ModelScanner(self.models, self.catalog, Path.home(), dict(os.environ), sys.platform, fit=fit)

    @_Built
    def history_import(self) -> HistoryImporter:
        from app.services.history_import import HistoryImporter  # noqa: PLC0415

        return HistoryImporter(self.catalog)

    @_Built
    def engines(self) -> EnginePool:
        from app.services.engines import EnginePool  # noqa: PLC0415

        return EnginePool()

    @_Built
    def chat(self) -> ChatService:
        from app.services.chat import ChatService  # noqa: PLC0415

        return ChatService(self.catalog, self.models, self.engines, self.catalog.load_settings,
                           knowledge=self.knowledge, remote=self.remote_engines)

    @_Built
    def knowledge(self) -> KnowledgeService:
        from app.services.knowledge import KnowledgeService  # noqa: PLC0415
        return KnowledgeService(self.catalog, self.paths, self.models, self.gpts, self.catalog.load_settings,
                                install_model=lambda *args, **kwargs: self.installer.install_model(*args, **kwargs))

    @_Built
    def finetune(self) -> FinetuneService:
        from app.engine.client import EngineClient  # noqa: PLC0415
        from app.finetune.base import available_memory  # noqa: PLC0415
        from app.services.finetune import FinetuneService  # noqa: PLC0415

        return FinetuneService(self.catalog, self.models, self.gpts, self.paths, self.catalog.load_settings,
                               EngineClient, available_memory, lambda: self.evals)

    @_Built
    def remote_engines(self) -> RemoteEngines:
        from app.services.remote_engines import RemoteEngines  # noqa: PLC0415

        return RemoteEngines(self.catalog, self.secrets, lambda: self.installer)

    @_Built
    def drafter(self) -> GPTDrafter:
        from app.services.drafting import GPTDrafter  # noqa: PLC0415

        return GPTDrafter(self.catalog, self.chat)

    @_Built
    def evals(self) -> EvalService:
        from app.services.evals import EvalService  # noqa: PLC0415

        return EvalService(self.catalog, self.chat, self.paths)

    @_Built
    def starter(self) -> Starter:
        from app.services.starter import Starter  # noqa: PLC0415

        return Starter(self.catalog, self.models, self.gpts)

    @_Built
    def secrets(self) -> Secrets:
        from app.services.secrets import Secrets  # noqa: PLC0415

        return Secrets()

    @_Built
    def api_keys(self) -> ApiKeys:
        from app.services.api_keys import ApiKeys  # noqa: PLC0415

        return ApiKeys(self.catalog, self.secrets)

    @_Built
    def downloader(self) -> Downloader:
        from app.hub.download import Downloader  # noqa: PLC0415

        return Downloader(self.catalog, proxy=self.settings().https_proxy or None, folders=(self.paths.store,))

    @_Built
    def installer(self) -> Installer:
        from app.services.install import Installer  # noqa: PLC0415

        return Installer(self.catalog, self.paths, self.hub_client, self.downloader)

    @_Built
    def store(self) -> Store:
        from app.services.fit import FitChecker  # noqa: PLC0415
        from app.services.store import Store  # noqa: PLC0415

        return Store(self.catalog, self.hub_client, self.catalog.load_settings, FitChecker(_engine_info),
                     self.installer, self.secrets, starter_catalog())

    @_Built
    def packages(self) -> GPTPackages:
        from app.services.gpt_package import GPTPackages  # noqa: PLC0415

        return GPTPackages(self.catalog, self.paths)

    @_Built
    def publisher(self) -> Publisher:
        from app.services.publish import Publisher  # noqa: PLC0415

        return Publisher(self.catalog, self.hub_client, self.catalog.load_settings, self.secrets, self.installer,
                         self.packages, known_origins=self.starter.origins)

    @_Built
    def _http(self) -> HttpSetup:
        from app.hub.client import HttpSetup  # noqa: PLC0415

        return HttpSetup(lambda: self.settings().https_proxy)  # on the first hub call, not at start

    def hub_client(self) -> HubClient:
        """A hub client with the current endpoint and token (the proxy is configured on the first call)."""
        from app.hub.client import HubClient  # noqa: PLC0415

        self._http.ensure()
        return HubClient(self.settings().hub_endpoint, cache_dir=self.paths.home / "hub-cache",
                         token=self._token)

    def _token(self) -> str | None:
        from app.services.secrets import HF_TOKEN  # noqa: PLC0415

        return self.secrets.get(HF_TOKEN)

    # --- start and stop -----------------------------------------------------------------------------
    def recover(self) -> int:
        """Mark replies that an earlier crash left half-written as failed (the GUI calls this at start;
        not every CLI command, since a CLI run beside the GUI must not touch its streaming reply)."""
        interrupted = self.catalog.finish_interrupted_messages()
        if interrupted:
            log.warning("%d replies were interrupted by an earlier stop and are marked failed", interrupted)
        return interrupted

    def housekeeping(self) -> int:
        """Remove what an interrupted run left on disk: partial downloads no record knows and old staging
        folders; then write the catalog's daily backup if one is due. Safe beside running work (live downloads hold locks, young staging folders are kept), so
        the GUI runs it on a worker thread after its first paint. Returns how many things were removed."""
        cleaned = self.downloader.housekeeping()
        if cleaned:
            log.info("removed %d leftover partial downloads", cleaned)
        from app.services.staging import remove_stale_staging  # noqa: PLC0415 - not the whole package code

        staged = remove_stale_staging(self.paths.home)
        if staged:
            log.info("removed %d staging folders left by an interrupted import or edit", staged)
        self.backup_if_due()
        return cleaned + staged

    def backup_if_due(self) -> Path | None:
        """The catalog's daily rotated backup (app.catalog.backups); a failure is logged, never fatal."""
        from app.core.errors import KnownError  # noqa: PLC0415
        from app.services.catalog_backup import rotate  # noqa: PLC0415

        try:
            return rotate(self.paths)
        except KnownError as exc:
            log.warning("%s", exc)
            return None

    def settings(self) -> Settings:
        return self.catalog.load_settings()

    def apply_network_settings(self) -> Settings:
        """Make a changed proxy take effect now, for hub calls and downloads alike (the endpoint and
        index repo are read per call already); returns the settings applied."""
        from app.hub.client import configure_http  # noqa: PLC0415

        settings = self.settings()
        configure_http(settings.https_proxy)
        self.downloader.set_proxy(settings.https_proxy or None)
        return settings

    def close(self) -> None:
        """Stop the engine processes and close the database (models must be closed explicitly at exit)."""
        if not self.closed:
            self.closed = True
            engines = self.__dict__.get("engines")  # never started: nothing to stop
            if engines is not None:
                engines.close()
            knowledge = self.__dict__.get("knowledge")  # its embedding model's engine
            if knowledge is not None:
                knowledge.close()
            self.catalog.close()

    def __enter__(self) -> Services:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def open_services(paths: AppPaths, *, install_starter: bool = True) -> Services:
    paths.ensure()
    services = Services(paths, open_catalog(paths.database, backups=paths.backups))
    try:
        load_starter_catalog(services.catalog, starter_catalog())
        if install_starter:
            services.starter.ensure()
    except BaseException:
        services.close()
        raise
    return services


def _engine_info() -> EngineInfo:
    """Devices and versions from a short-lived engine process (only when free GPU memory is asked for)."""
    from app.engine.client import EngineClient  # noqa: PLC0415

    engine = EngineClient()
    try:
        return engine.info()
    finally:
        engine.close()
