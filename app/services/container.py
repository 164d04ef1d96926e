"""The composition root: every service built once, from the data folder, and handed to the UI or CLI.

Nothing here is global; a caller opens :class:`Services`, uses it, and closes it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from app.catalog import Catalog, open_catalog
from app.core.paths import AppPaths, resources_dir
from app.core.settings import Settings
from app.engine.client import EngineClient
from app.hub.client import HttpSetup, HubClient, configure_http
from app.hub.download import Downloader
from app.services.chat import ChatService
from app.services.drafting import GPTDrafter
from app.services.engines import EnginePool
from app.services.gpt_package import GPTPackages
from app.services.gpts import GPTLibrary
from app.services.history import History
from app.services.fit import FitChecker
from app.services.install import Installer
from app.services.models import ModelLibrary
from app.services.publish import Publisher
from app.services.secrets import HF_TOKEN, Secrets
from app.services.starter import Starter
from app.services.store import Store

log = logging.getLogger(__name__)


@dataclass
class Services:
    paths: AppPaths
    catalog: Catalog
    models: ModelLibrary
    gpts: GPTLibrary
    history: History
    engines: EnginePool
    chat: ChatService
    starter: Starter
    store: Store
    secrets: Secrets
    publisher: Publisher
    packages: GPTPackages
    drafter: GPTDrafter
    closed: bool = field(default=False)

    def recover(self) -> int:
        """Mark replies that an earlier crash left half-written as failed (the GUI calls this at start;
        not every CLI command, since a CLI run beside the GUI must not touch its streaming reply)."""
        interrupted = self.catalog.finish_interrupted_messages()
        if interrupted:
            log.warning("%d replies were interrupted by an earlier stop and are marked failed", interrupted)
        cleaned = self.store.installer.downloader.housekeeping()
        if cleaned:
            log.info("removed %d leftover partial downloads", cleaned)
        staged = self.packages.housekeeping()
        if staged:
            log.info("removed %d staging folders left by an interrupted import or edit", staged)
        return interrupted

    def settings(self) -> Settings:
        return self.catalog.load_settings()

    def apply_network_settings(self) -> Settings:
        """Make a changed proxy take effect now, for hub calls and downloads alike (the endpoint and
        index repo are read per call already); returns the settings applied."""
        settings = self.settings()
        configure_http(settings.https_proxy)
        self.store.installer.downloader.set_proxy(settings.https_proxy or None)
        return settings

    def close(self) -> None:
        """Stop the engine processes and close the database (models must be closed explicitly at exit)."""
        if not self.closed:
            self.closed = True
            self.engines.close()
            self.catalog.close()

    def __enter__(self) -> Services:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def open_services(paths: AppPaths, *, install_starter: bool = True) -> Services:
    paths.ensure()
    catalog = open_catalog(paths.database, backups=paths.backups)
    models = ModelLibrary(catalog, paths)
    gpts = GPTLibrary(catalog, paths)
    engines = EnginePool()
    secrets = Secrets()
    http = HttpSetup(lambda: catalog.load_settings().https_proxy)  # on the first hub call, not at start

    def hub_client() -> HubClient:
        http.ensure()
        return HubClient(catalog.load_settings().hub_endpoint, cache_dir=paths.home / "hub-cache",
                         token=lambda: secrets.get(HF_TOKEN))

    downloader = Downloader(catalog, proxy=catalog.load_settings().https_proxy or None, folders=(paths.store,))
    installer = Installer(catalog, paths, hub_client, downloader)
    store = Store(catalog, hub_client, catalog.load_settings, FitChecker(_engine_info), installer, secrets,
                  resources_dir() / "catalog" / "starter.jsonl")
    chat = ChatService(catalog, models, engines, catalog.load_settings)
    services = Services(
        paths=paths, catalog=catalog, models=models, gpts=gpts, history=History(catalog), engines=engines,
        chat=chat,
        starter=Starter(catalog, models, gpts), store=store, secrets=secrets,
        publisher=Publisher(catalog, hub_client, catalog.load_settings, secrets, installer,
                            GPTPackages(catalog, paths)),
        packages=GPTPackages(catalog, paths), drafter=GPTDrafter(catalog, chat),
    )
    store.load_starter()
    if install_starter:
        services.starter.ensure()
    return services


def _engine_info():  # noqa: ANN202 - EngineInfo; a short-lived engine process just to list devices
    engine = EngineClient()
    try:
        return engine.info()
    finally:
        engine.close()
