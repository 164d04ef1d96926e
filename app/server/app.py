"""The API's FastAPI application, made from the services it serves (no globals: one app per server)."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import FastAPI, Request, Response

from app import __version__
from app.server.backend import ApiBackend
from app.server.config import ServerConfig
from app.server.errors import install_handlers
from app.server.guard import Guard
from app.server.routes import ClientGone, build_router
from app.services.api_keys import ApiKeys

DESCRIPTION = """GPT Shelf's local OpenAI-compatible API: the GPTs installed on this computer, for other programs.

Every `/v1` request needs `Authorization: Bearer <key>` (make a key in Settings or with
`gptshelf api-keys create NAME`). Model ids are GPT ids, or `model:` and a model's sha256 prefix
(see `GET /v1/models`). Errors answer `{"error": {"message", "type", "param", "code"}}`.
"""


def create_app(backend: ApiBackend, keys: ApiKeys, config: ServerConfig, *,
               port: Callable[[], int] | None = None) -> FastAPI:
    """The app for ``backend``; ``port`` gives the port actually listened on (for the Host check)."""
    app = FastAPI(title="GPT Shelf local API", version=__version__, description=DESCRIPTION,
                  docs_url=None, redoc_url=None, openapi_url="/openapi.json")
    install_handlers(app)

    @app.exception_handler(ClientGone)
    async def _gone(_request: Request, _exc: ClientGone) -> Response:
        return Response(status_code=499)  # nobody reads it: the client has left

    @app.get("/health", include_in_schema=False)
    def health() -> dict[str, str]:
        return {"status": "ok"}

    app.include_router(build_router(backend))
    app.add_middleware(Guard, config=config, keys=keys, port=port or (lambda: config.port))
    app.state.backend = backend
    return app
