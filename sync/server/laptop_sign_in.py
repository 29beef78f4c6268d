"""The laptop's sign-in endpoints that go through the council's identity
provider, and the steps every enrolment and recovery shares.

- `GET /sign-in` (anyone): how workers sign in here, public facts only.
- `POST /auth/enrol/oidc`: enrol with an ID token for the laptop's client.
- `POST /auth/recover/oidc`: a forgotten passphrase, after a fresh sign-in at
  the provider (its MFA, not a password kept here, releases the data key).
- `POST /auth/renew` (device token): a fresh sign-in by the device's own
  worker, which keeps a device enrolled through the provider syncing
  (`Access.sign_in_due`).

Tokens are checked by `Access.check_token` (issuer, audience, signature
against the provider's keys, expiry, nonce), accounts found by
`sync.server.identities`.
"""

# No `from __future__ import annotations`: FastAPI must see the real types.

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Annotated

import sqlalchemy as sa
from fastapi import APIRouter
from fastapi.responses import Response
from sqlalchemy.engine import Connection, Engine
from starlette.concurrency import run_in_threadpool

from sync.server import escrow
from sync.server.access import Access
from sync.server.api_errors import ApiError
from sync.server.audit import record_audit
from sync.server.auth import Device, create_device
from sync.server.policy import current_policy
from sync.server.roles import Permission, may, refusal
from sync.server.schema import devices
from sync.server.signin import SignedIn
from sync.wire import (
    EnrolResponse,
    OidcEnrolRequest,
    OidcRecoverRequest,
    OidcRenewRequest,
    ProviderInfo,
    RecoverResponse,
    SignInMethods,
)

# A recovery releases the data key: the sign-in behind it must be this
# recent (by the token's auth_time, else its iat), not a token kept since.
FRESH_FOR_RECOVERY = timedelta(minutes=10)


def deposit_escrow(conn: Connection, escrow_key: bytes, device_id: str, key_b64: str) -> None:
    """Seal the device's data key under the service's escrow key and keep it."""
    try:
        sealed = escrow.seal(escrow_key, device_id, key_b64)
    except escrow.EscrowError as exc:
        raise ApiError(422, "invalid_escrow", str(exc)) from None
    conn.execute(sa.update(devices).where(devices.c.id == device_id).values(escrow=sealed))


def enrol_device(
    conn: Connection,
    escrow_key: bytes,
    signed: SignedIn,
    *,
    device_name: str,
    escrow_b64: str | None,
    via: str,
) -> EnrolResponse:
    """A new device for the signed-in worker, its key deposited, audited."""
    device_id, token = create_device(conn, signed.worker_id, device_name, via=via)
    if escrow_b64:
        deposit_escrow(conn, escrow_key, device_id, escrow_b64)
        record_audit(conn, action="escrow_deposit", worker_id=signed.worker_id, device_id=device_id)
    record_audit(conn, action="enrol", worker_id=signed.worker_id, device_id=device_id)
    return EnrolResponse(
        device_id=device_id, device_token=token, worker=signed.name, policy=current_policy(conn)
    )


def escrowed_key(conn: Connection, escrow_key: bytes, worker_id: int, device_id: str) -> str:
    """The device's escrowed data key (base64), for its own worker; 404 when
    none is held for this device and worker, 401 for a revoked device.
    Audited `escrow_recover`; the caller has checked who is asking."""
    row = conn.execute(
        sa.select(devices.c.worker_id, devices.c.revoked_at, devices.c.escrow).where(
            devices.c.id == device_id
        )
    ).first()
    if row is None or row.worker_id != worker_id or row.escrow is None:
        raise ApiError(404, "no_escrow", "No key is held for this device and worker.")
    if row.revoked_at is not None:
        raise ApiError(401, "device_revoked", "This device has been revoked; wipe it.")
    try:
        key = escrow.open_sealed(escrow_key, device_id, row.escrow)
    except escrow.EscrowError:
        raise ApiError(
            500,
            "escrow_key_mismatch",
            "This service's escrow key is not the one that sealed this device's "
            "key: every instance must share one secrets setting.",
        ) from None
    record_audit(conn, action="escrow_recover", worker_id=worker_id, device_id=device_id)
    return key


def install_laptop_sign_in(
    router: APIRouter,
    engine: Engine,
    access: Access,
    *,
    escrow_key: bytes,
    clock: Callable[[], datetime],
) -> None:
    """Add the provider sign-in endpoints (module docstring) to `router`."""
    Enrolling = Annotated[
        SignedIn, access.signs_in_with_provider(Permission.use_laptop, OidcEnrolRequest)
    ]
    Recovering = Annotated[
        SignedIn,
        access.signs_in_with_provider(
            Permission.use_laptop, OidcRecoverRequest, fresh_within=FRESH_FOR_RECOVERY
        ),
    ]
    Renewing = Annotated[Device, access.renews(Permission.use_laptop)]

    @router.get("/sign-in", response_model=SignInMethods)
    def sign_in_methods(_: Annotated[None, access.anyone()]) -> SignInMethods:
        """How workers sign in to this central record: public facts only,
        asked before any sign-in."""
        provider = access.provider
        if provider is None:
            return SignInMethods(password=True)
        settings = provider.settings
        return SignInMethods(
            password=settings.password_sign_in,
            provider=ProviderInfo(
                name=settings.name,
                issuer=settings.issuer,
                client_id=settings.laptop_client_id,
                scopes=list(settings.scopes),
            ),
            renew_days=access.renew_days(),
        )

    @router.post("/auth/enrol/oidc", response_model=EnrolResponse)
    async def enrol_oidc(body: OidcEnrolRequest, signed: Enrolling) -> EnrolResponse:
        """Enrol a laptop with a sign-in at the council's identity provider."""

        def create() -> EnrolResponse:
            with engine.begin() as conn:
                return enrol_device(
                    conn,
                    escrow_key,
                    signed,
                    device_name=body.device_name,
                    escrow_b64=body.escrow_key,
                    via="provider",
                )

        return await run_in_threadpool(create)

    @router.post("/auth/recover/oidc", response_model=RecoverResponse)
    async def recover_oidc(body: OidcRecoverRequest, signed: Recovering) -> RecoverResponse:
        """The device's data key back, after a fresh sign-in at the provider."""

        def open_escrow() -> RecoverResponse:
            with engine.begin() as conn:
                key = escrowed_key(conn, escrow_key, signed.worker_id, str(body.device_id))
            return RecoverResponse(escrow_key=key)

        return await run_in_threadpool(open_escrow)

    @router.post("/auth/renew", status_code=204)
    def renew(body: OidcRenewRequest, dev: Renewing) -> Response:
        """The device's worker signed in at the provider again: the device
        keeps syncing for another renewal period."""
        identity = access.check_token(body)
        with engine.begin() as conn:
            signed = access.resolve(conn, identity)
            if signed.worker_id != dev.worker_id:
                raise ApiError(
                    403,
                    "another_worker",
                    "That sign-in is another worker's: sign in as the worker this laptop "
                    "is enrolled for.",
                )
            if not may(signed.role, Permission.use_laptop):
                raise ApiError(403, "role_refused", refusal(signed.role, Permission.use_laptop))
            conn.execute(
                sa.update(devices)
                .where(devices.c.id == dev.id)
                .values(signed_in_at=clock(), signed_in_via="provider")
            )
            record_audit(conn, action="sign_in_renewed", worker_id=dev.worker_id, device_id=dev.id)
        return Response(status_code=204)
