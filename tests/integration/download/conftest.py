"""Fixtures for download tests: a real SQLite catalog, a fault server with a random file, a fast downloader."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx2
import pytest

from app.catalog import Catalog, open_catalog
from app.hub.download import Downloader, DownloadRequest
from tests.integration.download.fault_server import FaultServer

SIZE = 3 * 2**20 + 12345  # a few MiB, not a multiple of any chunk size


@pytest.fixture(scope="session")
def payload() -> bytes:
    return random.Random(20261123).randbytes(SIZE)


@pytest.fixture
def catalog(tmp_path: Path) -> Iterator[Catalog]:
    opened = open_catalog(tmp_path / "data" / "catalog.sqlite3", backups=tmp_path / "data" / "backups")
    yield opened
    opened.close()


@pytest.fixture
def store(tmp_path: Path) -> Path:
    folder = tmp_path / "store" / "sha256"
    folder.mkdir(parents=True)
    return folder


@pytest.fixture
def make_server(loopback_only: None) -> Iterator[Callable[..., FaultServer]]:
    made: list[FaultServer] = []

    def make(data: bytes, **options: object) -> FaultServer:
        server = FaultServer(data, **options)
        made.append(server)
        return server

    yield make
    for server in made:
        server.close()


@pytest.fixture
def server(make_server: Callable[..., FaultServer], payload: bytes) -> FaultServer:
    return make_server(payload)


@pytest.fixture
def http_client() -> Iterator[httpx2.Client]:
    with httpx2.Client(follow_redirects=True, trust_env=False) as client:
        yield client


@pytest.fixture
def make_downloader(catalog: Catalog, http_client: httpx2.Client) -> Callable[..., Downloader]:
    """Downloaders with tiny backoff and buffers, so retries and cancels are quick."""

    def make(**options: object) -> Downloader:
        settings: dict[str, object] = {"client": http_client, "chunk_size": 16384, "backoff": 0.01,
                                       "checkpoint_seconds": 0.05}
        settings.update(options)
        return Downloader(catalog, **settings)  # type: ignore[arg-type]

    return make


def request_for(server: FaultServer, store: Path, *, sha: bool = True, size: bool = True,
                key: str = "alice/Tiny-GGUF@0123abc/model.gguf") -> DownloadRequest:
    return DownloadRequest(key=key, url=server.url, target=store / server.sha256,
                           expected_sha256=server.sha256 if sha else None,
                           expected_size=len(server.data) if size else None,
                           headers={"Authorization": "Bearer hf_secret", "User-Agent": "gptshelf-tests"})


def leftovers(folder: Path) -> list[str]:
    """Partial and lock files left in a store folder."""
    return sorted(p.name for p in folder.iterdir() if p.name.endswith((".partial", ".lock")))
