"""The composition root: every service built once, from the data folder, and handed to the UI or CLI.

Nothing here is global; a caller opens :class:`Services`, uses it, and closes it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from app.catalog import Catalog, open_catalog
from app.core.paths import AppPaths
from app.core.settings import Settings
from app.services.chat import ChatService
from app.services.engines import EnginePool
from app.services.gpts import GPTLibrary
from app.services.history import History
from app.services.models import ModelLibrary
from app.services.starter import Starter

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
    closed: bool = field(default=False)

    def recover(self) -> int:
        """Mark replies that an earlier crash left half-written as failed (the GUI calls this at start;
        not every CLI command, since a CLI run beside the GUI must not touch its streaming reply)."""
        interrupted = self.catalog.finish_interrupted_messages()
        if interrupted:
            log.warning("%d replies were interrupted by an earlier stop and are marked failed", interrupted)
        return interrupted

    def settings(self) -> Settings:
        return self.catalog.load_settings()

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
    gpts = GPTLibrary(catalog)
    engines = EnginePool()
    services = Services(
        paths=paths, catalog=catalog, models=models, gpts=gpts, history=History(catalog), engines=engines,
        chat=ChatService(catalog, models, engines, catalog.load_settings),
        starter=Starter(catalog, models, gpts),
    )
    if install_starter:
        services.starter.ensure()
    return services
