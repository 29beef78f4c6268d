"""Every error the API answers is an `ErrorBody`: a code and a plain message
naming the field, never the rejected value."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from sync.wire import ErrorBody

# FastAPI's `responses`: the documented error answers, by status.
ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorBody, "description": "no valid device token, or the device is revoked"},
    403: {
        "model": ErrorBody,
        "description": "the account's role may not do this (`role_refused`; see docs/roles.md), "
        "or not for this child (`not_your_team`)",
    },
    404: {"model": ErrorBody, "description": "not found"},
    413: {"model": ErrorBody, "description": "the request is larger than the service accepts"},
    422: {"model": ErrorBody, "description": "the request does not match the schema"},
    426: {"model": ErrorBody, "description": "this Caseworker is older than the policy allows"},
    429: {
        "model": ErrorBody,
        "description": "too many sign-ins, failed or at once; see Retry-After",
    },
    500: {"model": ErrorBody, "description": "the service failed"},
}


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, headers: dict | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.headers = status, code, message, headers


_HTTP_CODES = {413: "request_too_large", 404: "not_found", 405: "method_not_allowed"}


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(_request: Request, exc: ApiError) -> JSONResponse:
        return JSONResponse(
            ErrorBody(code=exc.code, message=exc.message).model_dump(),
            exc.status,
            headers=exc.headers,
        )

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0] if exc.errors() else {"loc": (), "msg": "invalid request"}
        where = ".".join(str(p) for p in first.get("loc", ()) if p not in ("body", "query", "path"))
        message = str(first["msg"]).removeprefix("Value error, ")
        return JSONResponse(
            ErrorBody(code="invalid_request", message=f"{where}: {message}").model_dump(), 422
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = _HTTP_CODES.get(exc.status_code, "http_error")
        return JSONResponse(
            ErrorBody(code=code, message=str(exc.detail)).model_dump(), exc.status_code
        )
