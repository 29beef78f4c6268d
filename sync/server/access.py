"""Who is asking, and whether their role may: the FastAPI dependencies every
endpoint of the API takes exactly one of.

- `permits(permission)`: a request with a device token, whose worker's role
  (read afresh on every request, so `worker set-role` takes effect at once)
  holds `permission`.
- `signs_in(permission, body)`: a request that signs in with a worker name
  and password (enrol, recover), whose role holds `permission`. The role is
  checked only after the password: a wrong password is refused as today,
  and a refusal by role never says whether an account exists. With an
  identity provider whose `password_sign_in` is false, it is refused 403
  `password_sign_in_off` before any password is checked.
- `signs_in_with_provider(permission, body)`: a request that carries an ID
  token from the council's identity provider (`sync.server.laptop_sign_in`).
- `renews(permission)`: as `permits`, but answered even when the device's
  sign-in is due again (`sign_in_needed`): the one endpoint that renews it.

A refusal is 403 `role_refused`, before the endpoint runs: it changes
nothing and names no record. `declare_permissions` writes each route's
permission into the OpenAPI document (`x-permission`), read from the
dependency the route takes, so the document cannot claim one the route
does not check; docs/roles.md and the authorisation matrix test read it
there.
"""

# No `from __future__ import annotations`: FastAPI must see the real types
# of the dependencies' parameters.

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import Annotated, Any, Protocol

from fastapi import APIRouter, Depends, Request
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from sqlalchemy.engine import Connection, Engine
from starlette.concurrency import run_in_threadpool

from sync.server import auth, identities, metrics, oidc
from sync.server.api_errors import ApiError
from sync.server.auth import Device, TooManyAttempts
from sync.server.db import single_statements
from sync.server.identity_provider import Provider
from sync.server.policy import check_client_version, current_policy
from sync.server.roles import Permission, may, refusal
from sync.server.settings import client_address, trusted_networks
from sync.server.signin import BUSY_RETRY_AFTER_S, Busy, PasswordGate, Refused, SignedIn, SignIn
from sync.wire import CLIENT_VERSION_HEADER

SIGN_IN_REFUSED = "The worker name or password is not right."
ACCOUNT_DISABLED = (
    "This account has been disabled by the council's administrator. The laptop keeps "
    "its records and unsent work until the account is enabled again."
)


PASSWORDS_OFF = (
    "Passwords are not used to sign in here: sign in with the council's identity provider."
)


class Credentials(Protocol):
    worker: str
    password: str


class ProviderToken(Protocol):
    id_token: str
    nonce: str


def _refuse(role: str, permission: Permission) -> ApiError:
    return ApiError(403, "role_refused", refusal(role, permission))


def _declare(dependency: Any, permission: Permission) -> Any:
    # Read back by `permission_of`; a plain attribute keeps the dependency
    # an ordinary function, whose signature FastAPI reads as it is.
    dependency.permission = permission
    return dependency


class Access:
    """The authentication and permission dependencies of one app."""

    def __init__(
        self,
        engine: Engine,
        gate: PasswordGate,
        trusted_proxies: Iterable[str],
        *,
        provider: Provider | None = None,
        clock: Callable[[], datetime] = auth.now,
    ):
        self.engine = engine
        self.sign_in_step = SignIn(engine, gate)
        self.proxies = trusted_networks(list(trusted_proxies))
        self.provider, self.clock = provider, clock

    def address(self, request: Request) -> str:
        peer = request.client.host if request.client else None
        return client_address(peer, request.headers.get("x-forwarded-for"), self.proxies)

    def device(self, request: Request) -> Device:
        """The device whose token the request carries; 401 for none, an
        unknown one or a revoked one, or one whose sign-in at the identity
        provider is due again (`sign_in_needed`)."""
        found = self.renewing_device(request)
        if self.sign_in_due(found):
            assert self.provider is not None
            raise ApiError(
                401,
                "sign_in_needed",
                f"Sign in with {self.provider.settings.name} again to keep syncing.",
            )
        return found

    def renew_days(self) -> int | None:
        """How many days a sign-in through the provider lasts (None without one)."""
        if self.provider is None:
            return None
        if self.provider.settings.renew_days is not None:
            return self.provider.settings.renew_days
        with self.engine.connect() as conn:
            return current_policy(conn).max_offline_days

    def sign_in_due(self, dev: Device) -> bool:
        """Whether a device enrolled or renewed through the provider last
        signed in there longer ago than the renewal period."""
        if self.provider is None or dev.signed_in_via != "provider" or dev.signed_in_at is None:
            return False
        days = self.renew_days()
        return days is not None and self.clock() - dev.signed_in_at > timedelta(days=days)

    def renewing_device(self, request: Request) -> Device:
        """As `device`, without the renewal check (for `POST /auth/renew`)."""
        header = request.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise ApiError(401, "unauthenticated", "Sign in: a device token is required.")
        with single_statements(self.engine) as conn:
            found = auth.device_for_token(conn, token.strip())
        if found is None:
            raise ApiError(401, "unauthenticated", "This device token is not known.")
        if found.revoked:
            raise ApiError(401, "device_revoked", "This device has been revoked; wipe it.")
        check_client_version(request, found.min_client_version)
        if found.disabled:
            # Refused, not revoked: the laptop keeps what it holds (and its
            # unsent work) until the account is enabled again.
            raise ApiError(403, "account_disabled", ACCOUNT_DISABLED)
        version = request.headers.get(CLIENT_VERSION_HEADER, "0")
        if auth.stale(found, version):
            with self.engine.begin() as conn:
                auth.seen(conn, found.id, version)
        return found

    async def signed_in(self, request: Request, worker: str, password: str) -> SignedIn:
        def minimum() -> str:
            with self.engine.connect() as conn:
                return current_policy(conn).min_client_version

        check_client_version(request, await run_in_threadpool(minimum))
        return await self.password_sign_in(request, worker, password)

    async def password_sign_in(self, request: Request, worker: str, password: str) -> SignedIn:
        """The sign-in step with its limits and refusals, without the
        laptop's version check: the laptop's enrolment and the web console's
        sign-in page both come through here, so both lock a name, slow an
        address and word a refusal the same way."""
        try:
            return await self.sign_in_step(worker, password, self.address(request))
        except TooManyAttempts as exc:
            metrics.observe_failed_sign_in("too_many_attempts")
            raise ApiError(
                429,
                "too_many_attempts",
                f"Too many failed sign-ins. Try again in {exc.retry_after} seconds.",
                {"Retry-After": str(exc.retry_after)},
            ) from None
        except Busy:
            metrics.observe_failed_sign_in("busy")
            raise ApiError(
                429,
                "sign_in_busy",
                f"The central record is busy with other sign-ins. "
                f"Try again in {BUSY_RETRY_AFTER_S} second.",
                {"Retry-After": str(BUSY_RETRY_AFTER_S)},
            ) from None
        except Refused:
            metrics.observe_failed_sign_in("refused")
            raise ApiError(401, "sign_in_refused", SIGN_IN_REFUSED) from None

    def permits(self, permission: Permission) -> Any:
        """The dependency of an endpoint that needs `permission`, for
        `Annotated[Device, access.permits(...)]`."""

        # async: it only reads the role, and a sync dependency would cost a
        # hop to the thread pool on every request.
        async def check(dev: Annotated[Device, Depends(self.device)]) -> Device:
            if not may(dev.role, permission):
                raise _refuse(dev.role, permission)
            return dev

        return Depends(_declare(check, permission))

    def renews(self, permission: Permission) -> Any:
        """As `permits`, for the endpoint that renews a device's sign-in: it
        is answered when the sign-in is due (revoked and disabled still not)."""

        async def check(dev: Annotated[Device, Depends(self.renewing_device)]) -> Device:
            if not may(dev.role, permission):
                raise _refuse(dev.role, permission)
            return dev

        return Depends(_declare(check, permission))

    def check_token(self, token: ProviderToken) -> oidc.Identity:
        """The identity of a laptop's ID token (checked for the laptop's
        client and the nonce it sent); 404 without a provider, 401 for a
        token that cannot be believed. Blocking: it may fetch the keys."""
        if self.provider is None:
            raise ApiError(
                404, "no_identity_provider", "This central record has no identity provider."
            )
        settings = self.provider.settings
        clock = self.clock
        try:
            checker = self.provider.checker(
                settings.laptop_client_id, clock=lambda: clock().timestamp()
            )
            return checker.check(token.id_token, nonce=token.nonce)
        except oidc.TokenRefused as refused:
            metrics.observe_failed_sign_in("token_refused")
            raise ApiError(401, "token_refused", f"{str(refused).capitalize()}.") from None

    def resolve(self, conn: Connection, identity: oidc.Identity) -> SignedIn:
        """The account the identity signs in as, in `conn`; 403 when refused."""
        assert self.provider is not None
        try:
            return identities.resolve(conn, identity, self.provider.settings, self.clock())
        except identities.SignInRefused as refused:
            metrics.observe_failed_sign_in("provider_refused")
            code = "account_disabled" if str(refused) == identities.DISABLED else "sign_in_refused"
            raise ApiError(403, code, f"{refused}.") from None

    def signs_in_with_provider(
        self,
        permission: Permission,
        body_type: type[ProviderToken],
        *,
        fresh_within: timedelta | None = None,
    ) -> Any:
        """The dependency of an endpoint whose body (of `body_type`) carries
        an ID token, for `Annotated[SignedIn, access.signs_in_with_provider(...)]`.
        The account is resolved and its role checked in one transaction, so
        a refusal links and creates nothing. With `fresh_within`, the
        sign-in behind the token (its `auth_time`, else `iat`) must be that
        recent."""

        def signed(body: ProviderToken) -> SignedIn:
            identity = self.check_token(body)
            if fresh_within is not None:
                at = identity.claims.get("auth_time", identity.claims.get("iat"))
                now = self.clock().timestamp()
                if not isinstance(at, int | float) or now - at > fresh_within.total_seconds():
                    council = self.provider.settings.name if self.provider else "the council"
                    raise ApiError(
                        401,
                        "sign_in_not_fresh",
                        f"Sign in with {council} again, just now: recovery needs a fresh sign-in.",
                    )
            with self.engine.begin() as conn:
                found = self.resolve(conn, identity)
                if not may(found.role, permission):
                    raise _refuse(found.role, permission)
            return found

        async def check(body: body_type, request: Request) -> SignedIn:  # type: ignore[valid-type]
            def minimum() -> str:
                with self.engine.connect() as conn:
                    return current_policy(conn).min_client_version

            check_client_version(request, await run_in_threadpool(minimum))
            return await run_in_threadpool(signed, body)

        return Depends(_declare(check, permission))

    def anyone(self) -> Any:
        """The dependency of an endpoint that asks nobody to sign in (health,
        readiness, metrics): it checks nothing, and says so in the document."""

        def check() -> None:
            return None

        return Depends(_declare(check, Permission.anyone))

    def signs_in(self, permission: Permission, body_type: type[Credentials]) -> Any:
        """The dependency of an endpoint whose body (of `body_type`, which
        the endpoint also takes) names a worker and password, for
        `Annotated[SignedIn, access.signs_in(...)]`. FastAPI reads the body
        once for both."""

        async def check(body: body_type, request: Request) -> SignedIn:  # type: ignore[valid-type]
            credentials: Credentials = body
            if self.provider is not None and not self.provider.settings.password_sign_in:
                raise ApiError(403, "password_sign_in_off", PASSWORDS_OFF)
            found = await self.signed_in(request, credentials.worker, credentials.password)
            if not may(found.role, permission):
                raise _refuse(found.role, permission)
            return found

        return Depends(_declare(check, permission))


def _declared(dependant: Dependant) -> list[Permission]:
    found = [getattr(dependant.call, "permission", None)]
    for sub in dependant.dependencies:
        found += _declared(sub)
    return [p for p in found if isinstance(p, Permission)]


def permission_of(route: APIRoute) -> Permission | None:
    """The permission `route` declared, or None if it declared none (or,
    as wrongly, more than one: an endpoint takes exactly one)."""
    declared = _declared(route.dependant)
    return declared[0] if len(declared) == 1 else None


PERMISSION_KEY = "x-permission"


def declare_permissions(router: APIRouter) -> None:
    """Name each route's permission in its OpenAPI operation. A route that
    declares none (or several) gets no name, and the authorisation matrix
    test fails on it."""
    for route in router.routes:
        if isinstance(route, APIRoute) and (permission := permission_of(route)) is not None:
            route.openapi_extra = (route.openapi_extra or {}) | {PERMISSION_KEY: permission.value}
