"""Mounting the console on the service's app: its routers, its static
files, its security headers, its nav, and its error pages."""

# No `from __future__ import annotations`: FastAPI reads the handlers' types.

from collections.abc import Callable
from datetime import datetime

import sqlalchemy as sa
from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from sync.server.access import Access, permission_of
from sync.server.console import ROUTERS
from sync.server.console.headers import ConsoleHeaders
from sync.server.console.web import (
    NAV_KEY,
    PREFIX,
    SIGN_IN,
    STATIC,
    Console,
    Forbidden,
    NavEntry,
    Page,
    SignInNeeded,
    render,
)


def _pages(routers: list[APIRouter]) -> list[Page]:
    """Every console route as mounted, with the permission it declares."""
    found = []
    for router in routers:
        for route in router.routes:
            if not isinstance(route, APIRoute):
                continue
            permission = permission_of(route)
            if permission is None:
                raise RuntimeError(f"console route {route.path} declares no permission")
            extra = (route.openapi_extra or {}).get(NAV_KEY)
            for method in sorted(route.methods or ()):
                found.append(Page(method, PREFIX + route.path, permission, extra))
    return found


def _nav(pages: list[Page]) -> list[NavEntry]:
    entries = [
        NavEntry(p.nav["label"], p.path, p.permission, p.nav["order"])
        for p in pages
        if p.nav is not None and p.method == "GET" and "{" not in p.path
    ]
    return sorted(entries, key=lambda e: (e.order, e.label))


def _is_console(request: Request) -> bool:
    return request.url.path == PREFIX or request.url.path.startswith(PREFIX + "/")


def install_console(
    app: FastAPI, engine: sa.Engine, access: Access, clock: Callable[[], datetime]
) -> Console:
    """Mount the console under /console. Call after the API's error
    handlers are installed: the console answers its own paths' errors as
    pages and leaves every other path's to them."""
    console = Console(engine=engine, access=access, clock=clock)
    app.state.console = console
    for router in ROUTERS:
        # HTML pages, not API operations: out of the OpenAPI document (the
        # console's matrix test reads them from `console.pages`).
        app.include_router(router, prefix=PREFIX, include_in_schema=False)
    app.mount(f"{PREFIX}/static", StaticFiles(directory=STATIC), name="console-static")
    console.pages = _pages(ROUTERS)
    console.nav = _nav(console.pages)
    app.add_middleware(ConsoleHeaders, prefix=PREFIX, static=f"{PREFIX}/static")

    api_http = app.exception_handlers[StarletteHTTPException]
    api_invalid = app.exception_handlers[RequestValidationError]

    @app.exception_handler(SignInNeeded)
    async def _sign_in(request: Request, exc: SignInNeeded) -> Response:
        where = SIGN_IN if exc.why in ("none", "unknown") else f"{SIGN_IN}?ended={exc.why}"
        return RedirectResponse(where, status_code=303)

    @app.exception_handler(Forbidden)
    async def _forbidden(request: Request, exc: Forbidden) -> Response:
        return await run_in_threadpool(
            render,
            request,
            exc.user,
            "refused.html",
            status=403,
            action="console_refused",
            message=exc.message,
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        if not _is_console(request):
            return await api_http(request, exc)  # type: ignore[misc]
        words = {404: "There is no such page.", 405: "This page does not take that request."}
        return await run_in_threadpool(
            render,
            request,
            None,
            "problem.html",
            status=exc.status_code,
            message=words.get(exc.status_code, "The console could not answer that."),
        )

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        if not _is_console(request):
            return await api_invalid(request, exc)  # type: ignore[misc]
        return await run_in_threadpool(
            render,
            request,
            None,
            "problem.html",
            status=422,
            message="The console could not read that request: go back and try again.",
        )

    return console
