"""OpenAI-shaped errors: every failure answers ``{"error": {"message", "type", "param", "code"}}``.

Programs written for OpenAI's API read these fields; the message is the same sentence the app shows.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from app.core.errors import EngineCrashed, EngineError, InvalidInput, KnownError, NotFound

log = logging.getLogger(__name__)

INVALID = "invalid_request_error"


class ApiError(Exception):
    def __init__(self, status: int, message: str, *, type_: str = INVALID, code: str | None = None,
                 param: str | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.type, self.code, self.param = status, message, type_, code, param

    def body(self) -> dict[str, Any]:
        return error_body(self.message, type_=self.type, code=self.code, param=self.param)

    def response(self, headers: dict[str, str] | None = None) -> JSONResponse:
        return JSONResponse(self.body(), status_code=self.status, headers=headers)


def error_body(message: str, *, type_: str = INVALID, code: str | None = None,
               param: str | None = None) -> dict[str, Any]:
    return {"error": {"message": message, "type": type_, "param": param, "code": code}}


def from_known(exc: KnownError) -> ApiError:
    """The API's answer to a failure the app has words for."""
    if isinstance(exc, NotFound):
        return ApiError(404, str(exc), code="model_not_found" if exc.kind in ("GPT", "model") else "not_found")
    if isinstance(exc, EngineCrashed):
        return ApiError(503, f"The model process stopped: {exc}. Try again.", type_="server_error",
                        code="engine_crashed")
    if isinstance(exc, (InvalidInput, EngineError)):
        return ApiError(400, str(exc), code="invalid_value")
    return ApiError(400, str(exc))


def install_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(_request: Request, exc: ApiError) -> JSONResponse:
        return exc.response()

    @app.exception_handler(KnownError)
    async def _known(_request: Request, exc: KnownError) -> JSONResponse:
        return from_known(exc).response()

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        return validation_error(exc.errors()).response()

    @app.exception_handler(HTTPException)
    async def _http(_request: Request, exc: HTTPException) -> JSONResponse:
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code)
        return ApiError(exc.status_code, str(exc.detail), code=code).response(headers=exc.headers)

    @app.exception_handler(Exception)
    async def _bug(_request: Request, exc: Exception) -> JSONResponse:
        log.error("API request failed", exc_info=exc)
        return ApiError(500, f"Internal error: {type(exc).__name__}. Details are in GPT Shelf's log.",
                        type_="server_error", code="internal_error").response()


def validation_error(errors: Any) -> ApiError:
    """422 naming the first refused field and why (a range, a type, a missing value)."""
    errors = list(errors)
    if not errors:
        return ApiError(422, "The request is not valid.", code="invalid_value")
    first = errors[0]
    location = [str(part) for part in first.get("loc", ()) if part not in ("body", "query", "path", "header")]
    param = ".".join(location) or None
    message = f"{param}: {first.get('msg', 'invalid')}" if param else str(first.get("msg", "The request is not valid."))
    more = f" (and {len(errors) - 1} more problems)" if len(errors) > 1 else ""
    return ApiError(422, f"{message}{more}.", code="invalid_value", param=param)
