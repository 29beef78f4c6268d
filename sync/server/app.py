"""The central record's HTTP API under /api/v1 (FastAPI)."""
# No `from __future__ import annotations` here: FastAPI must see the real
# types of the closures' parameters (Authed is local to create_app).

import logging
import time
from typing import Annotated
from uuid import UUID

import sqlalchemy as sa
from fastapi import APIRouter, Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import JSONResponse, Response
from sqlalchemy.engine import Engine
from starlette.exceptions import HTTPException as StarletteHTTPException

from sync.server import auth, escrow, feed
from sync.server.audit import record_audit
from sync.server.auth import Device, TooManyAttempts
from sync.server.db import among, insert_rows
from sync.server.push import apply_push, as_record, holds
from sync.server.schema import audit_events, devices, policy, revisions
from sync.wire import (
    API_PREFIX,
    AuditBatch,
    ChangesPage,
    EnrolRequest,
    EnrolResponse,
    ErrorBody,
    Policy,
    PushRequest,
    PushResponse,
    Record,
    RecoverRequest,
    RecoverResponse,
    WireModel,
)

log = logging.getLogger("central_record.access")


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, headers: dict | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.headers = status, code, message, headers


class EscrowDeposit(WireModel):
    escrow_key: str


ERRORS = {
    401: {"model": ErrorBody, "description": "no valid device token, or the device is revoked"},
    404: {"model": ErrorBody, "description": "not found"},
    422: {"model": ErrorBody, "description": "the request does not match the schema"},
    429: {"model": ErrorBody, "description": "too many failed sign-ins; see Retry-After"},
}
SIGN_IN_REFUSED = "The worker name or password is not right."


class AccessLog:
    """One line per request: method, route template, status, time. Plain ASGI
    (not BaseHTTPMiddleware) to keep the per-request cost down. The template,
    never the concrete path: paths carry record ids."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start, status = time.perf_counter(), [0]

        async def send_wrapper(message) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            route = scope.get("route")
            log.info(
                "method=%s route=%s status=%d ms=%.1f",
                scope["method"],
                getattr(route, "path", "unmatched"),
                status[0],
                (time.perf_counter() - start) * 1000,
            )


def current_policy(conn) -> Policy:
    row = conn.execute(sa.select(policy).where(policy.c.id == 1)).one()
    return Policy.model_validate({k: getattr(row, k) for k in Policy.model_fields})


def create_app(engine: Engine, *, escrow_key: bytes) -> FastAPI:
    app = FastAPI(
        title="Caseworker central record",
        version="0.1.0",
        description="The council's central record that Caseworker devices sync with.",
    )
    # Level 1: JSON of repetitive records still shrinks about 6x, at a
    # fraction of level 9's time on multi-megabyte first pulls.
    app.add_middleware(GZipMiddleware, minimum_size=1000, compresslevel=1)
    app.add_middleware(AccessLog)
    router = APIRouter(prefix=API_PREFIX, responses=ERRORS)

    def client_address(request: Request) -> str:
        return request.client.host if request.client else "unknown"

    def device(request: Request) -> Device:
        header = request.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise ApiError(401, "unauthenticated", "Sign in: a device token is required.")
        with engine.connect() as conn:
            found = auth.device_for_token(conn, token.strip())
        if found is None:
            raise ApiError(401, "unauthenticated", "This device token is not known.")
        if found.revoked:
            raise ApiError(401, "device_revoked", "This device has been revoked; wipe it.")
        return found

    Authed = Annotated[Device, Depends(device)]

    @router.post("/auth/enrol", response_model=EnrolResponse)
    def enrol(body: EnrolRequest, request: Request) -> EnrolResponse:
        worker_id, name = _sign_in(body.worker, body.password, client_address(request))
        with engine.begin() as conn:
            device_id, token = auth.create_device(conn, worker_id, body.device_name)
            if body.escrow_key:
                _deposit(conn, device_id, body.escrow_key)
                record_audit(
                    conn, action="escrow_deposit", worker_id=worker_id, device_id=device_id
                )
            record_audit(conn, action="enrol", worker_id=worker_id, device_id=device_id)
            pol = current_policy(conn)
        return EnrolResponse(device_id=device_id, device_token=token, worker=name, policy=pol)

    def _sign_in(worker: str, password: str, address: str) -> tuple[int, str]:
        # Each step in its own short transaction: a refused sign-in must
        # still count, and on SQLite a write transaction holds the database.
        try:
            with engine.begin() as conn:
                auth.check_not_locked(conn, worker, address)
                found = auth.verify_worker(conn, worker, password)
                if found:
                    auth.clear_failures(conn, worker)
                    return found
        except TooManyAttempts as exc:
            raise ApiError(
                429,
                "too_many_attempts",
                f"Too many failed sign-ins. Try again in {exc.retry_after} seconds.",
                {"Retry-After": str(exc.retry_after)},
            ) from None
        with engine.begin() as conn:
            failures = auth.record_failure(conn, worker, address)
        time.sleep(auth.failure_delay(failures))
        raise ApiError(401, "sign_in_refused", SIGN_IN_REFUSED)

    def _deposit(conn, device_id: str, key_b64: str) -> None:
        try:
            sealed = escrow.seal(escrow_key, device_id, key_b64)
        except escrow.EscrowError as exc:
            raise ApiError(422, "invalid_escrow", str(exc)) from None
        conn.execute(sa.update(devices).where(devices.c.id == device_id).values(escrow=sealed))

    @router.post("/auth/recover", response_model=RecoverResponse)
    def recover(body: RecoverRequest, request: Request) -> RecoverResponse:
        worker_id, _ = _sign_in(body.worker, body.password, client_address(request))
        with engine.begin() as conn:
            row = conn.execute(
                sa.select(devices.c.worker_id, devices.c.revoked_at, devices.c.escrow).where(
                    devices.c.id == str(body.device_id)
                )
            ).first()
            if row is None or row.worker_id != worker_id or row.escrow is None:
                raise ApiError(404, "no_escrow", "No key is held for this device and worker.")
            if row.revoked_at is not None:
                raise ApiError(401, "device_revoked", "This device has been revoked; wipe it.")
            key = escrow.open_sealed(escrow_key, str(body.device_id), row.escrow)
            record_audit(
                conn, action="escrow_recover", worker_id=worker_id, device_id=str(body.device_id)
            )
        return RecoverResponse(escrow_key=key)

    @router.put("/escrow", status_code=204)
    def deposit(body: EscrowDeposit, dev: Authed) -> Response:
        with engine.begin() as conn:
            _deposit(conn, dev.id, body.escrow_key)
            record_audit(conn, action="escrow_deposit", worker_id=dev.worker_id, device_id=dev.id)
        return Response(status_code=204)

    @router.get("/policy", response_model=Policy)
    def get_policy(dev: Authed) -> Policy:
        with engine.connect() as conn:
            return current_policy(conn)

    @router.get("/changes", response_model=ChangesPage)
    def changes(
        dev: Authed,
        since: Annotated[str | None, Query(max_length=64)] = None,
        limit: Annotated[int, Query(ge=1, le=10_000)] = 2000,
        estimate: bool = False,
    ) -> Response:
        try:
            feed.decode_cursor(since)
        except ValueError as exc:
            raise ApiError(422, "invalid_cursor", str(exc)) from None
        with engine.connect() as conn:
            if engine.dialect.name == "postgresql":
                # One snapshot for the whole page.
                conn = conn.execution_options(isolation_level="REPEATABLE READ")
            with conn.begin():
                try:
                    body, count = feed.page(conn, dev.worker_id, since, limit, estimate=estimate)
                except ValueError as exc:
                    raise ApiError(422, "invalid_cursor", str(exc)) from None
        if count:
            with engine.begin() as conn:
                record_audit(
                    conn,
                    action="pull",
                    worker_id=dev.worker_id,
                    device_id=dev.id,
                    detail=f"{count} records",
                )
        return Response(content=body, media_type="application/json")

    @router.post("/changes", response_model=PushResponse)
    def push(body: PushRequest, dev: Authed) -> PushResponse:
        with engine.begin() as conn:
            results = apply_push(
                conn,
                worker_id=dev.worker_id,
                worker=dev.worker,
                device_id=dev.id,
                batch=body.mutations,
            )
            record_audit(
                conn,
                action="push",
                worker_id=dev.worker_id,
                device_id=dev.id,
                detail=f"{len(results)} mutations",
            )
        return PushResponse(results=results)

    @router.get("/records/{record_id}/history", response_model=list[Record])
    def history(record_id: UUID, dev: Authed) -> list[Record]:
        with engine.connect() as conn:
            rows = conn.execute(
                sa.select(revisions)
                .where(revisions.c.record_id == str(record_id))
                .order_by(revisions.c.rev)
            ).all()
            # 404 both for no record and for one the worker may not see,
            # so the answer never tells whether a record exists.
            if not rows or not holds(conn, dev.worker_id, rows[0].child_id):
                raise ApiError(404, "not_found", "No such record on your caseload.")
        return [as_record(r) for r in rows]

    @router.post("/audit", status_code=204)
    def audit(body: AuditBatch, dev: Authed) -> Response:
        with engine.begin() as conn:
            # One upload per device at a time (a row lock on PostgreSQL, the
            # write lock on SQLite): a retry that overlaps the upload it
            # repeats then finds its events stored, instead of colliding
            # with them on the primary key (a 500).
            conn.execute(sa.update(devices).where(devices.c.id == dev.id).values(id=devices.c.id))
            ids = [str(e.id) for e in body.events]
            known = (
                set(
                    conn.execute(
                        sa.select(audit_events.c.id).where(among(conn, audit_events.c.id, ids))
                    ).scalars()
                )
                if ids
                else set()
            )
            fresh = [e for e in body.events if str(e.id) not in known]
            if fresh:
                insert_rows(
                    conn,
                    audit_events,
                    [
                        {
                            "id": str(e.id),
                            "source": "client",
                            "worker_id": dev.worker_id,
                            "device_id": dev.id,
                            "at": e.at,
                            "action": e.action.value,
                            "child_id": str(e.child_id) if e.child_id else None,
                            "record_id": str(e.record_id) if e.record_id else None,
                            "detail": e.detail,
                        }
                        for e in {str(e.id): e for e in fresh}.values()
                    ],
                )
        return Response(status_code=204)

    app.include_router(router)

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
        return JSONResponse(
            ErrorBody(code="invalid_request", message=f"{where}: {first['msg']}").model_dump(), 422
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return JSONResponse(
            ErrorBody(code="http_error", message=str(exc.detail)).model_dump(), exc.status_code
        )

    return app
