"""Where GPT Shelf keeps its data.

The folder comes, in order, from the ``--home`` option, the ``GPTSHELF_HOME`` variable, or the
platform's user-data folder. It is resolved when asked, never at import time.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

APP_NAME = "GPTShelf"
HOME_VARIABLE = "GPTSHELF_HOME"


@dataclass(frozen=True)
class AppPaths:
    home: Path

    @classmethod
    def resolve(cls, override: str | Path | None, environ: Mapping[str, str]) -> AppPaths:
        """Pick the data folder from the option, then the environment, then the platform default."""
        if override:
            home = Path(override)
        elif environ.get(HOME_VARIABLE):
            home = Path(environ[HOME_VARIABLE])
        else:
            import platformdirs  # noqa: PLC0415 - only without --home or GPTSHELF_HOME; not on every start

            home = platformdirs.user_data_path(APP_NAME, appauthor=False)
        return cls(home.expanduser().resolve())

    @property
    def database(self) -> Path:
        return self.home / "catalog.sqlite3"

    @property
    def store(self) -> Path:
        """Content-addressed blobs: ``store/sha256/<hex>``; several GPTs share one copy."""
        return self.home / "store" / "sha256"

    @property
    def backups(self) -> Path:
        return self.home / "backups"

    @property
    def logs(self) -> Path:
        return self.home / "logs"

    def blob(self, sha256: str) -> Path:
        return self.store / sha256

    def ensure(self) -> AppPaths:
        for folder in (self.home, self.store, self.backups, self.logs):
            folder.mkdir(parents=True, exist_ok=True)
        return self


def resources_dir() -> Path:
    """The shipped ``resources/`` folder: beside the ``app`` package in a checkout, inside a frozen bundle."""
    import sys  # noqa: PLC0415

    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parents[2] / "resources"
