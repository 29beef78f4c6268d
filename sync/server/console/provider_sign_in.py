"""Signing in to the console through the council's identity provider
(OpenID Connect authorization code with PKCE, the console a confidential
client with its own id and secret).

`GET /console/sign-in/provider` sends the browser to the provider's
authorization endpoint with a fresh `state`, `nonce` and PKCE verifier;
`GET /console/sign-in/provider/done` is where the provider sends it back.
There the state is checked, the code exchanged at the token endpoint, the
ID token checked (issuer, audience = the console's client id, signature,
expiry, nonce), the identity resolved to an account (`identities.resolve`:
its group decides its role) and, for a role with the console, a session
started by `sign_in.start_session(method="provider")` — the one way in.
Every refusal shows the sign-in page with a plain message and starts no
session.

The state, nonce and verifier travel in one short-lived cookie
(`__Host-console-provider`, HttpOnly, Secure, Path=/, 10 minutes), not in
the service's memory, so that any of several service processes can finish
a sign-in another started. It is SameSite=Lax, not Strict like the other
console cookies: the provider's redirect back is a top-level navigation
from the provider's site, on which a browser does not send a Strict cookie.
It is used once: every answer of the `done` route deletes it, and its
issue time is checked against the console's clock as well as left to the
browser's Max-Age.

Signing out of the console ends the console's session only; the worker's
session at the provider is the provider's (the sign-in page says so).
"""

# No `from __future__ import annotations`: FastAPI reads the routes' types.

import hmac
import logging
import secrets
from typing import Annotated, Any

import requests
from authlib.integrations.base_client.errors import OAuthError  # type: ignore[import-untyped]
from authlib.integrations.requests_client import OAuth2Session  # type: ignore[import-untyped]
from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response

from sync.server import metrics
from sync.server.api_errors import ApiError
from sync.server.audit import record_audit
from sync.server.console.sign_in import provider_of, show_sign_in, start_session
from sync.server.console.web import PREFIX, anyone, console_of, render
from sync.server.oidc import TokenRefused
from sync.server.roles import Permission, may, refusal

log = logging.getLogger(__name__)
router = APIRouter()
Anyone = Annotated[None, anyone()]

START = "/sign-in/provider"
DONE = "/sign-in/provider/done"
FLOW_COOKIE = "__Host-console-provider"
FLOW_MAX_AGE_S = 600
EXCHANGE_TIMEOUT_S = 10

NOT_SET_UP = "This console has no identity provider to sign in with. Use your password."
UNREACHABLE = (
    "The console could not reach {council}'s sign-in service. Nothing was changed. "
    "Try again in a few minutes, or ask your IT team."
)
NOT_STARTED_HERE = (
    "This sign-in did not start on this page, or it took longer than 10 minutes. "
    "Nothing was changed. Sign in again."
)
DENIED = "You did not finish signing in with {council}. Nothing was changed. Sign in again."
NOT_BELIEVED = "{council}'s sign-in could not be checked ({why}). Nothing was changed."


def redirect_uri(request: Request) -> str:
    """The exact address the provider sends the browser back to (a
    provider matches it exactly, so it is registered as it is here)."""
    return str(request.base_url).rstrip("/") + PREFIX + DONE


def _session(
    request: Request, client_id: str, secret: str | None, scopes: tuple[str, ...]
) -> OAuth2Session:
    return OAuth2Session(
        client_id,
        secret,
        redirect_uri=redirect_uri(request),
        scope=" ".join(scopes),
        code_challenge_method="S256",
    )


def _flow_cookie(response: Response, value: str | None) -> None:
    if value is None:
        response.delete_cookie(FLOW_COOKIE, path="/", secure=True, httponly=True, samesite="lax")
    else:
        response.set_cookie(
            FLOW_COOKIE,
            value,
            max_age=FLOW_MAX_AGE_S,
            path="/",
            secure=True,
            httponly=True,
            samesite="lax",
        )


def _refused(request: Request, message: str, *, why: str | None, status: int = 400) -> Response:
    """The sign-in page with `message`; the flow's cookie gone. `why`: the
    failed sign-in's reason in the metrics (None: counted already)."""
    if why is not None:
        metrics.observe_failed_sign_in(f"provider_{why}")
    response = show_sign_in(request, status=status, message=message)
    _flow_cookie(response, None)
    return response


@router.get(START)
def provider_start(request: Request, _: Anyone) -> Response:
    provider = provider_of(request)
    if provider is None or not provider.settings.console_client_id:
        return show_sign_in(request, status=404, message=NOT_SET_UP)
    settings = provider.settings
    try:
        endpoint = str(provider.metadata()["authorization_endpoint"])
    except (TokenRefused, KeyError):
        log.warning("the identity provider's metadata could not be read")
        return _refused(
            request, UNREACHABLE.format(council=settings.name), why="unreachable", status=503
        )
    state, nonce = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
    verifier = secrets.token_urlsafe(48)
    session = _session(request, settings.console_client_id, None, settings.scopes)
    url, _state = session.create_authorization_url(
        endpoint, state=state, nonce=nonce, code_verifier=verifier
    )
    issued = int(console_of(request).clock().timestamp())
    response = RedirectResponse(url, status_code=303)
    _flow_cookie(response, ".".join([state, nonce, verifier, str(issued)]))
    return response


def _flow(request: Request, state: str) -> tuple[str, str] | None:
    """(nonce, verifier) of the flow this browser started, if `state` is
    its state and it is under 10 minutes old."""
    parts = request.cookies.get(FLOW_COOKIE, "").split(".")
    if len(parts) != 4 or not parts[3].isdigit():
        return None
    expected, nonce, verifier, issued = parts
    if not state or not hmac.compare_digest(state.encode(), expected.encode()):
        return None
    age = console_of(request).clock().timestamp() - int(issued)
    if not 0 <= age <= FLOW_MAX_AGE_S:
        return None
    return nonce, verifier


def _exchange(request: Request, provider: Any, code: str, verifier: str) -> str:
    """The ID token for `code` from the provider's token endpoint."""
    settings = provider.settings
    session = _session(
        request, settings.console_client_id, settings.console_client_secret, settings.scopes
    )
    token = session.fetch_token(
        provider.metadata()["token_endpoint"],
        grant_type="authorization_code",
        code=code,
        code_verifier=verifier,
        timeout=EXCHANGE_TIMEOUT_S,
    )
    id_token = token.get("id_token")
    if not isinstance(id_token, str):
        raise TokenRefused("the provider sent no ID token")
    return id_token


@router.get(DONE)
def provider_done(
    request: Request,
    _: Anyone,
    code: Annotated[str, Query(max_length=2000)] = "",
    state: Annotated[str, Query(max_length=200)] = "",
    error: Annotated[str, Query(max_length=100)] = "",
) -> Response:
    provider = provider_of(request)
    if provider is None or not provider.settings.console_client_id:
        return _refused(request, NOT_SET_UP, why="not_set_up", status=404)
    settings = provider.settings
    council = settings.name
    flow = _flow(request, state)
    if flow is None:
        return _refused(request, NOT_STARTED_HERE, why="state")
    if error or not code:
        # access_denied and the rest: the provider said no, or the worker
        # turned back; the provider's own words are not shown (they are
        # the provider's, and may be anything).
        return _refused(request, DENIED.format(council=council), why="denied")
    nonce, verifier = flow
    try:
        id_token = _exchange(request, provider, code, verifier)
        clock = console_of(request).clock
        checker = provider.checker(settings.console_client_id, clock=lambda: clock().timestamp())
        identity = checker.check(id_token, nonce=nonce)
    except TokenRefused as refused:
        return _refused(request, NOT_BELIEVED.format(council=council, why=refused), why="token")
    except (OAuthError, requests.RequestException, KeyError, ValueError):
        log.warning("the identity provider's token endpoint refused or failed the exchange")
        return _refused(request, UNREACHABLE.format(council=council), why="unreachable", status=503)
    console = console_of(request)
    try:
        # Resolved and its role checked in one transaction, as the laptop's
        # sign-in is: a refusal links and creates nothing.
        with console.engine.begin() as conn:
            signed = console.access.resolve(conn, identity)
            if not may(signed.role, Permission.console):
                raise ApiError(403, "role_refused", refusal(signed.role, Permission.console))
    except ApiError as refused:
        with console.engine.begin() as conn:
            record_audit(conn, action="console_sign_in_refused", detail=f"provider {refused.code}")
        # `access.resolve` counts its own refusals; the role's is this page's.
        why = "role" if refused.code == "role_refused" else None
        return _refused(request, refused.message, why=why, status=refused.status)
    started = start_session(request, signed, method="provider")
    if started.status_code != 303:  # the sign-in page, saying why not
        _flow_cookie(started, None)
        return started
    # Not a redirect: this answer ends a navigation that began at the
    # provider's site, and the browser withholds SameSite=Strict cookies
    # (the session's) on every redirect of it. The page's own refresh is a
    # navigation from this site, so the home page gets the session.
    response = render(request, None, "sign_in/continue.html")
    response.raw_headers.extend((k, v) for k, v in started.raw_headers if k == b"set-cookie")
    _flow_cookie(response, None)
    return response
