"""The central record's HTTP API under /api/v1 (FastAPI)."""
# No `from __future__ import annotations` here: FastAPI must see the real
# types of the closures' parameters (Reader and the others are local to
# create_app).

import json
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Annotated
from uuid import UUID

import sqlalchemy as sa
from fastapi import APIRouter, FastAPI, Query, Request
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import Response
from sqlalchemy.engine import Engine
from starlette.concurrency import run_in_threadpool

from sync.kinds.restriction import may_see
from sync.server import (
    accounts,
    audit_trail,
    auth,
    council_rules,
    feed,
    glass,
    metrics,
    recovery_codes,
    restores,
)
from sync.server.access import Access, declare_permissions
from sync.server.api_errors import ERRORS, ApiError, install_error_handlers
from sync.server.audit import kinds_detail, record_audit, record_per_child, store_client_events
from sync.server.auth import Device
from sync.server.caseload import holds
from sync.server.console.mount import install_console
from sync.server.db import single_statements
from sync.server.identity_provider import Provider
from sync.server.laptop_sign_in import (
    deposit_escrow,
    enrol_device,
    escrowed_key,
    install_laptop_sign_in,
)
from sync.server.middleware import Guard
from sync.server.operations import install_operations
from sync.server.policy import current_policy
from sync.server.push import apply_push
from sync.server.revisions import as_record
from sync.server.roles import Permission
from sync.server.schema import revisions
from sync.server.scim import install_scim
from sync.server.signin import PASSWORD_CHECKS_AT_ONCE, PASSWORD_WAIT_S, PasswordGate, SignedIn
from sync.wire import (
    API_PREFIX,
    AuditBatch,
    AuditTrail,
    ChangesPage,
    ChildSearch,
    ChildSearchResult,
    CouncilRules,
    EnrolRequest,
    EnrolResponse,
    Me,
    Policy,
    PushRequest,
    PushResponse,
    Record,
    RecordEpoch,
    RecoverRequest,
    RecoverResponse,
    TemporaryAccess,
    TemporaryAccessList,
    TemporaryAccessRequest,
    WireModel,
)


class EscrowDeposit(WireModel):
    escrow_key: str


def create_app(
    engine: Engine,
    *,
    escrow_key: bytes,
    trusted_proxies: Iterable[str] = (),
    password_checks: int | None = None,
    password_wait_s: float | None = None,
    clock: Callable[[], datetime] = auth.now,
    identity_provider: Provider | None = None,
) -> FastAPI:
    """The service on `engine`. `trusted_proxies` are the proxies whose
    X-Forwarded-For is believed (none by default); the password-check
    bounds default to `signin`'s. `clock` is what the service takes the
    time to be for temporary access and sign-in renewal (tests move it).
    `identity_provider`: the council's OpenID Connect provider, if any
    (kept at `app.state.identity_provider` for the console)."""
    app = FastAPI(
        title="Caseworker central record",
        version="0.5.0",
        description="The council's central record that Caseworker devices sync with.",
    )
    # Level 1: JSON of repetitive records still shrinks about 6x, at a
    # fraction of level 9's time on multi-megabyte first pulls.
    app.add_middleware(GZipMiddleware, minimum_size=1000, compresslevel=1)
    app.add_middleware(Guard)  # outermost: sees every answer, even a failure
    router = APIRouter(prefix=API_PREFIX, responses=ERRORS)
    gate = PasswordGate(
        PASSWORD_CHECKS_AT_ONCE if password_checks is None else password_checks,
        PASSWORD_WAIT_S if password_wait_s is None else password_wait_s,
    )
    access = Access(engine, gate, trusted_proxies, provider=identity_provider, clock=clock)
    app.state.identity_provider = identity_provider
    # Each endpoint takes exactly one of these (see sync.server.roles).
    Enrolling = Annotated[SignedIn, access.signs_in(Permission.use_laptop, EnrolRequest)]
    Recovering = Annotated[SignedIn, access.signs_in(Permission.use_laptop, RecoverRequest)]
    Laptop = Annotated[Device, access.permits(Permission.use_laptop)]
    Reader = Annotated[Device, access.permits(Permission.read_caseload)]
    Writer = Annotated[Device, access.permits(Permission.write_caseload)]
    Auditor = Annotated[Device, access.permits(Permission.read_audit)]
    Glass = Annotated[Device, access.permits(Permission.break_glass)]

    def expire_grants(dev: Device) -> None:
        # Break-the-glass grants whose time is up end before anything the
        # worker asks is answered (sync.server.glass). A worker with none
        # open (read with the device) has none to end: no transaction.
        if not dev.open_grants:
            return
        with engine.begin() as conn:
            glass.expire(conn, dev.worker_id, clock())

    @router.post("/auth/enrol", response_model=EnrolResponse)
    async def enrol(body: EnrolRequest, signed: Enrolling) -> EnrolResponse:
        def create() -> EnrolResponse:
            with engine.begin() as conn:
                return enrol_device(
                    conn,
                    escrow_key,
                    signed,
                    device_name=body.device_name,
                    escrow_b64=body.escrow_key,
                    via="password",
                )

        return await run_in_threadpool(create)

    @router.post("/auth/recover", response_model=RecoverResponse)
    async def recover(
        body: RecoverRequest, signed: Recovering, request: Request
    ) -> RecoverResponse:
        """The device's data key back: the worker's password and a one-time
        code from the council's administrator (sync.server.recovery_codes)."""
        device_id, address = str(body.device_id), access.address(request)
        # Wrong codes count under a name of their own: the right password
        # that comes with each would otherwise forgive them.
        guesser = recovery_codes.failure_name(body.worker)

        def open_escrow() -> RecoverResponse | None:
            with engine.begin() as conn:
                auth.check_not_locked(conn, guesser, address)
                code = body.recovery_code
                if not code or not recovery_codes.use_recovery_code(conn, device_id, code, clock()):
                    return None
                key = escrowed_key(conn, escrow_key, signed.worker_id, device_id)
            return RecoverResponse(escrow_key=key)

        def count_failure() -> None:
            with engine.begin() as conn:
                auth.count_attempt(conn, guesser, address)

        try:
            opened = await run_in_threadpool(open_escrow)
        except auth.TooManyAttempts as exc:
            raise ApiError(
                429,
                "too_many_attempts",
                f"Too many wrong recovery codes. Try again in {exc.retry_after} seconds.",
                {"Retry-After": str(exc.retry_after)},
            ) from None
        if opened is None:
            if body.recovery_code:  # a wrong one counts as a wrong password does
                await run_in_threadpool(count_failure)
            raise ApiError(403, "recovery_code_needed", recovery_codes.NEEDED)
        return opened

    install_laptop_sign_in(router, engine, access, escrow_key=escrow_key, clock=clock)

    @router.put("/escrow", status_code=204)
    def deposit(body: EscrowDeposit, dev: Laptop) -> Response:
        with engine.begin() as conn:
            deposit_escrow(conn, escrow_key, dev.id, body.escrow_key)
            record_audit(conn, action="escrow_deposit", worker_id=dev.worker_id, device_id=dev.id)
        return Response(status_code=204)

    @router.get("/policy", response_model=Policy)
    def get_policy(dev: Laptop) -> Policy:
        with engine.connect() as conn:
            return current_policy(conn)

    restore_notice = restores.AheadNotice(engine)

    @router.get("/record-epoch", response_model=RecordEpoch)
    def get_record_epoch(dev: Laptop) -> RecordEpoch:
        """Which restore of this record the laptop syncs with (sync.server.restores)."""
        with engine.connect() as conn:
            return RecordEpoch(epoch=restores.record_epoch(conn))

    @router.get("/me", response_model=Me)
    def get_me(dev: Laptop) -> Me:
        """Who the device's worker is: role, agency, team and the teams they
        manage, read afresh (a change of role shows at the next sync)."""
        with engine.connect() as conn:
            return accounts.me(conn, dev.worker_id)

    @router.get("/children/{child_id}/audit", response_model=AuditTrail)
    def child_audit(
        child_id: UUID,
        dev: Auditor,
        after: Annotated[str | None, Query(max_length=100)] = None,
        limit: Annotated[int, Query(ge=1, le=audit_trail.MAX_PAGE)] = audit_trail.PAGE,
    ) -> AuditTrail:
        """One page of who viewed, edited, exported, printed, shared or
        received the child's record, oldest first: for a coordinator, any
        child; for a team manager, the children their team holds."""
        with engine.begin() as conn:
            try:
                page = audit_trail.read_as(
                    conn,
                    worker_id=dev.worker_id,
                    role=dev.role,
                    child_id=str(child_id),
                    after=after,
                    limit=limit,
                    device_id=dev.id,
                )
            except audit_trail.TrailRefused as refused:
                raise ApiError(refused.status, refused.code, refused.message) from None
            except ValueError as exc:
                raise ApiError(422, "invalid_cursor", str(exc)) from None
        return page

    @router.get("/council-rules", response_model=CouncilRules)
    def get_council_rules(
        dev: Laptop, have: Annotated[int | None, Query(ge=0, le=2**31 - 1)] = None
    ) -> CouncilRules:
        """The council's due-date rules and screening tools in force; their
        content only when `have` (the version the laptop holds) is not it."""
        with engine.connect() as conn:
            return council_rules.served(conn, have)

    @router.get("/changes", response_model=ChangesPage)
    def changes(
        dev: Reader,
        since: Annotated[str | None, Query(max_length=64)] = None,
        limit: Annotated[int, Query(ge=1, le=10_000)] = 2000,
        estimate: bool = False,
    ) -> Response:
        try:
            feed.decode_cursor(since)
        except ValueError as exc:
            raise ApiError(422, "invalid_cursor", str(exc)) from None
        expire_grants(dev)
        with single_statements(engine) as conn:
            # The usual poll: nothing of this worker's since the cursor.
            quiet = feed.quiet_page(conn, dev.worker_id, since, estimate=estimate)
        if quiet is not None:
            metrics.observe_pull(0)
            return Response(content=quiet, media_type="application/json")
        sent: Counter[str] = Counter()
        with engine.connect() as conn:
            if engine.dialect.name == "postgresql":
                # One snapshot for the whole page.
                conn = conn.execution_options(isolation_level="REPEATABLE READ")
            with conn.begin():
                try:
                    body, count = feed.page(
                        conn, dev.worker_id, since, limit, estimate=estimate, sent=sent
                    )
                except feed.CursorAhead as exc:
                    ahead: str | None = str(exc)
                except ValueError as exc:
                    raise ApiError(422, "invalid_cursor", str(exc)) from None
                else:
                    ahead = None
        if ahead is not None:
            # Outside the page's transaction: the notice writes.
            restore_notice.cursor_ahead(dev.worker_id, dev.id)
            raise ApiError(422, "cursor_ahead", ahead)
        metrics.observe_pull(count)
        if count:
            # One event per child the page sent: the child's audit trail
            # says which laptop received its records, and when.
            with engine.begin() as conn:
                record_per_child(
                    conn,
                    action="pull",
                    worker_id=dev.worker_id,
                    device_id=dev.id,
                    details={c: f"{n} records" for c, n in sent.items()},
                )
        return Response(content=body, media_type="application/json")

    @router.post("/changes", response_model=PushResponse)
    def push(body: PushRequest, dev: Writer) -> PushResponse:
        expire_grants(dev)
        with engine.begin() as conn:
            results = apply_push(
                conn,
                worker_id=dev.worker_id,
                worker=dev.worker,
                agency=dev.agency,
                device_id=dev.id,
                policy=current_policy(conn),
                batch=body.mutations,
                role=dev.role,
            )
            record_audit(
                conn,
                action="push",
                worker_id=dev.worker_id,
                device_id=dev.id,
                detail=f"{len(results)} mutations",
            )
            # And per child, what of it was stored: its trail shows the
            # edits (and the sharings recorded) that left each laptop.
            stored: dict[str, Counter[str]] = {}
            for r in results:
                if r.status.value in ("applied", "merged") and r.record is not None:
                    stored.setdefault(str(r.record.child_id), Counter())[str(r.record.kind)] += 1
            record_per_child(
                conn,
                action="push",
                worker_id=dev.worker_id,
                device_id=dev.id,
                details={c: kinds_detail(k) for c, k in stored.items()},
            )
        metrics.observe_push(results)
        return PushResponse(results=results)

    @router.get("/records/{record_id}/history", response_model=list[Record])
    def history(record_id: UUID, dev: Reader) -> list[Record]:
        expire_grants(dev)
        with engine.connect() as conn:
            rows = conn.execute(
                sa.select(revisions)
                .where(revisions.c.record_id == str(record_id))
                .order_by(revisions.c.rev)
            ).all()
            # 404 both for no record and for one the worker may not see
            # (of another child, or now restricted to other agencies), so
            # the answer never tells whether a record exists. The child it
            # belongs to now (a merge moves records: `children`).
            if (
                not rows
                or not holds(conn, dev.worker_id, rows[-1].child_id)
                or not may_see(dev.agency, json.loads(rows[-1].data))
            ):
                raise ApiError(404, "not_found", "No such record on your caseload.")
        # Of a record they may see now, the revisions they could not see then stay out.
        return [r for r in map(as_record, rows) if may_see(dev.agency, r.data)]

    @router.post("/audit", status_code=204)
    def audit(body: AuditBatch, dev: Laptop) -> Response:
        with engine.begin() as conn:
            store_client_events(conn, worker_id=dev.worker_id, device_id=dev.id, batch=body)
        return Response(status_code=204)

    @router.post("/children/search", response_model=ChildSearchResult)
    def search_children(body: ChildSearch, dev: Glass) -> ChildSearchResult:
        """Children by name, date of birth or NHS number, with only what a
        worker needs to choose one (name, date of birth, area); audited."""
        if body.name is None and body.date_of_birth is None and body.nhs_number is None:
            raise ApiError(
                422, "invalid_search", "Give a name, a date of birth or an NHS number to search."
            )
        with engine.begin() as conn:
            if glass.access_hours(conn) <= 0:
                raise ApiError(403, "break_glass_refused", glass.NOT_ALLOWED)
            found, more = glass.search(conn, body, dev.worker_id)
            record_audit(
                conn,
                action="search_off_caseload",
                worker_id=dev.worker_id,
                device_id=dev.id,
                detail=f"{len(found)} children found",
            )
        return ChildSearchResult(children=found, more=more)

    @router.post("/children/{child_id}/temporary-access", response_model=TemporaryAccess)
    def open_temporarily(
        child_id: UUID, body: TemporaryAccessRequest, dev: Glass
    ) -> TemporaryAccess:
        """Break-the-glass: the child joins the caseload until the policy's
        hours have passed; who, when and why are recorded."""
        expire_grants(dev)
        with engine.begin() as conn:
            return glass.grant(
                conn,
                worker_id=dev.worker_id,
                device_id=dev.id,
                child_id=str(child_id),
                reason=body.reason,
                now=clock(),
            )

    @router.get("/access/temporary", response_model=TemporaryAccessList)
    def temporary_access(dev: Reader) -> TemporaryAccessList:
        """This worker's break-the-glass grants in force, for the laptop to
        say when each ends."""
        expire_grants(dev)
        with engine.connect() as conn:
            return TemporaryAccessList(grants=glass.in_force(conn, dev.worker_id))

    declare_permissions(router)
    app.include_router(router)
    declare_permissions(
        install_operations(app, engine, proxies=access.proxies, anyone=access.anyone())
    )
    install_error_handlers(app)
    declare_permissions(install_scim(app, engine, access))  # /scim/v2: the identity provider's
    install_console(app, engine, access, clock)  # /console: the web console's pages
    return app
