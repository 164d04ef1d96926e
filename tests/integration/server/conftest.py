"""A real API server (uvicorn on a free loopback port) over real services, a tiny GGUF and a key."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from app.server.config import ServerConfig
from app.server.runner import ApiServer
from app.services.container import Services
from tests.integration.services import conftest as chat_fixtures

services = chat_fixtures.services  # the same services and tiny GPT as the chat service's tests
tiny_gpt = chat_fixtures.tiny_gpt


@dataclass
class Api:
    server: ApiServer
    url: str
    key: str
    gpt_id: str

    @property
    def origin(self) -> str:
        return self.url.removesuffix("/v1")


def start_api(services: Services, gpt_id: str, **config: object) -> Api:
    server = ApiServer(services, ServerConfig(port=0, **{"idle_seconds": 0, **config}))
    url = server.start()
    return Api(server, url, services.api_keys.create("tests").secret, gpt_id)


@pytest.fixture
def api(services: Services, tiny_gpt):
    started = start_api(services, tiny_gpt.id)
    yield started
    started.server.stop()


@pytest.fixture
def client(api: Api):
    import openai

    return openai.OpenAI(base_url=api.url, api_key=api.key, max_retries=0, timeout=60)
