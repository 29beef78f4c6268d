"""What an operator's tools ask the service, outside the API: is the process
up (`/healthz`), can it serve (`/readyz`), and what has it been doing
(`/metrics`, Prometheus text).

None of these answers carries case content or needs a device token. The
metrics are answered only to the networks the operator names
($CENTRAL_RECORD_METRICS_FROM, default loopback — a Prometheus on the same
host, or behind the proxy); any other address gets 404, as if there were no
such page. A load balancer's health checks may come from anywhere.
"""

from __future__ import annotations

import ipaddress
import os
from typing import Any

import sqlalchemy as sa
from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy.engine import Engine
from starlette.concurrency import run_in_threadpool

from sync.server import metrics
from sync.server.db import current_revision, head_revision
from sync.server.settings import Network, client_address, trusted_networks

ENV_METRICS_FROM = "CENTRAL_RECORD_METRICS_FROM"
DEFAULT_METRICS_FROM = "127.0.0.0/8,::1/128"


def metrics_networks(values: str | None = None) -> list[Network]:
    """Who may read /metrics: `values`, else $CENTRAL_RECORD_METRICS_FROM,
    else loopback."""
    if values is None:
        values = os.environ.get(ENV_METRICS_FROM) or DEFAULT_METRICS_FROM
    return trusted_networks(values)


def readiness(engine: Engine, want: str) -> str | None:
    """Why the service cannot serve now, or None when it can."""
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
        have = current_revision(engine)
    except sa.exc.SQLAlchemyError:
        return "the database cannot be reached"
    if have != want:
        return "the database schema is not the one this version needs"
    return None


def install_operations(
    app: FastAPI,
    engine: Engine,
    *,
    proxies: list[Network],
    metrics_from: list[Network] | None = None,
    anyone: Any = None,
) -> APIRouter:
    """The three routes on `app`; `anyone` is the permission dependency that
    says they need no sign-in (`access.Access.anyone`). Returns their router."""
    allowed = metrics_networks() if metrics_from is None else metrics_from
    want = head_revision()  # read once: the migration scripts do not change under us

    router = APIRouter(tags=["operations"], dependencies=[anyone] if anyone is not None else [])

    @router.get("/healthz")
    def healthz() -> dict[str, str]:
        """The process is up and answering (no database call)."""
        return {"status": "ok"}

    @router.get("/readyz", responses={503: {"description": "Not ready"}})
    async def readyz() -> JSONResponse:
        """The service can serve: its database answers and its schema is current."""
        problem = await run_in_threadpool(readiness, engine, want)
        if problem:
            return JSONResponse({"status": "not ready", "problem": problem}, status_code=503)
        return JSONResponse({"status": "ready"})

    @router.get("/metrics", responses={404: {"description": "Not here"}})
    def prometheus(request: Request) -> Response:
        """Prometheus metrics, to the networks allowed to read them."""
        peer = request.client.host if request.client else None
        who = client_address(peer, request.headers.get("x-forwarded-for"), proxies)
        if not _among(who, allowed):
            return JSONResponse({"code": "not_found", "message": "Not Found"}, status_code=404)
        return Response(metrics.exposition(), media_type=metrics.CONTENT_TYPE)

    app.include_router(router)
    return router


def _among(address: str, networks: list[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip.version == n.version and ip in n for n in networks)
