"""Who is asking, and whether their role may: the FastAPI dependencies every
endpoint of the API takes exactly one of.

- `permits(permission)`: a request with a device token, whose worker's role
  (read afresh on every request, so `worker set-role` takes effect at once)
  holds `permission`.
- `signs_in(permission, body)`: a request that signs in with a worker name
  and password (enrol, recover), whose role holds `permission`. The role is
  checked only after the password: a wrong password is refused as today,
  and a refusal by role never says whether an account exists.

A refusal is 403 `role_refused`, before the endpoint runs: it changes
nothing and names no record. `declare_permissions` writes each route's
permission into the OpenAPI document (`x-permission`), read from the
dependency the route takes, so the document cannot claim one the route
does not check; docs/roles.md and the authorisation matrix test read it
there.
"""

# No `from __future__ import annotations`: FastAPI must see the real types
# of the dependencies' parameters.

from collections.abc import Iterable
from typing import Annotated, Any, Protocol

from fastapi import APIRouter, Depends, Request
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from sqlalchemy.engine import Engine
from starlette.concurrency import run_in_threadpool

from sync.server import auth, metrics
from sync.server.api_errors import ApiError
from sync.server.auth import Device, TooManyAttempts
from sync.server.policy import check_client_version, current_policy
from sync.server.roles import Permission, may, refusal
from sync.server.settings import client_address, trusted_networks
from sync.server.signin import BUSY_RETRY_AFTER_S, Busy, PasswordGate, Refused, SignedIn, SignIn

SIGN_IN_REFUSED = "The worker name or password is not right."


class Credentials(Protocol):
    worker: str
    password: str


def _refuse(role: str, permission: Permission) -> ApiError:
    return ApiError(403, "role_refused", refusal(role, permission))


def _declare(dependency: Any, permission: Permission) -> Any:
    # Read back by `permission_of`; a plain attribute keeps the dependency
    # an ordinary function, whose signature FastAPI reads as it is.
    dependency.permission = permission
    return dependency


class Access:
    """The authentication and permission dependencies of one app."""

    def __init__(self, engine: Engine, gate: PasswordGate, trusted_proxies: Iterable[str]):
        self.engine = engine
        self.sign_in_step = SignIn(engine, gate)
        self.proxies = trusted_networks(list(trusted_proxies))

    def address(self, request: Request) -> str:
        peer = request.client.host if request.client else None
        return client_address(peer, request.headers.get("x-forwarded-for"), self.proxies)

    def device(self, request: Request) -> Device:
        """The device whose token the request carries; 401 for none, an
        unknown one or a revoked one."""
        header = request.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise ApiError(401, "unauthenticated", "Sign in: a device token is required.")
        with self.engine.connect() as conn:
            found = auth.device_for_token(conn, token.strip())
        if found is None:
            raise ApiError(401, "unauthenticated", "This device token is not known.")
        if found.revoked:
            raise ApiError(401, "device_revoked", "This device has been revoked; wipe it.")
        check_client_version(request, found.min_client_version)
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

        def check(dev: Annotated[Device, Depends(self.device)]) -> Device:
            if not may(dev.role, permission):
                raise _refuse(dev.role, permission)
            return dev

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
