"""What every console page stands on: the signed-in user dependency, the
form token check, the templates, and `render`.

A page of an area is a route on the area's own `APIRouter` (listed in
`sync.server.console.ROUTERS`) that takes exactly one
`Annotated[ConsoleUser, console_user(Permission.…)]` and answers with
`render(...)`:

    @router.get("/daily", openapi_extra=in_nav("Daily list", order=10))
    def daily(request: Request, user: Annotated[ConsoleUser, console_user(P.read_central_list)]):
        with engine_of(request).connect() as conn:
            rows = ...
        return render(request, user, "daily/list.html", rows=rows)

- `console_user(permission)`: the user signed in, read afresh on every
  request. No session (or an ended one): a redirect to the sign-in page.
  A role without `permission`: the plain 403 page. On an unsafe method
  (POST and the others) the form's `csrf_token` field must be the
  session's and a cross-site Origin or Sec-Fetch-Site is refused; every
  refusal is before the route runs, so it changes nothing.
- `render(...)`: the page, with the header, the nav of the pages the role
  may use and the form token (`{{ csrf_field() }}` in every form), and
  one audit event per view (`console_view`, the route's template, the
  child shown when there is one; never a query string or case text).
- `in_nav(label, order)`: a GET route with it is in the nav of every role
  whose permission it declares.
"""

# No `from __future__ import annotations`: FastAPI must see the real types
# of the dependencies' parameters.

import hmac
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import sqlalchemy as sa
from fastapi import Depends, Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from starlette.concurrency import run_in_threadpool

from sync.server.access import Access, _declare
from sync.server.audit import record_audit
from sync.server.console import sessions
from sync.server.console.sessions import ConsoleUser, Ended
from sync.server.roles import Permission, Role, may, refusal

PREFIX = "/console"
SIGN_IN = f"{PREFIX}/sign-in"
# `__Host-`: only ever set by this origin, over a secure connection, for
# Path=/; Chromium and Firefox count http://127.0.0.1 as secure.
COOKIE = "__Host-console"
# The sign-in form's token before there is a session (login CSRF).
PRE_COOKIE = "__Host-console-pre"
CSRF_FIELD = "csrf_token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
NAV_KEY = "x-console-nav"

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"
templates = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)


@dataclass(frozen=True)
class NavEntry:
    label: str
    path: str
    permission: Permission
    order: int


@dataclass(frozen=True)
class Page:
    """One method of one console route, as mounted: what the nav and the
    authorisation matrix are built from."""

    method: str
    path: str  # the full template, /console/...
    permission: Permission
    nav: dict[str, Any] | None  # `in_nav`'s, for a page in the nav


@dataclass
class Console:
    """The console's share of one app (`app.state.console`)."""

    engine: sa.Engine
    access: Access
    clock: Callable[[], datetime]
    pages: list[Page] = field(default_factory=list)
    nav: list[NavEntry] = field(default_factory=list)
    # Other ways to sign in, offered on the sign-in page as links: (words,
    # path), e.g. ("Sign in with Anytown Council", "/console/oidc/start").
    sign_in_methods: list[tuple[str, str]] = field(default_factory=list)


def console_of(request: Request) -> Console:
    return request.app.state.console


def engine_of(request: Request) -> sa.Engine:
    return console_of(request).engine


def in_nav(label: str, order: int = 50) -> dict[str, Any]:
    """`openapi_extra` of a GET page that belongs in the nav."""
    return {NAV_KEY: {"label": label, "order": order}}


class SignInNeeded(Exception):
    """No session, or it ended (`why`: a `sessions.Ended` word)."""

    def __init__(self, why: str = "none") -> None:
        super().__init__(why)
        self.why = why


class Forbidden(Exception):
    """A plain 403 page: the role lacks the permission, or a form's token
    or origin is not this console's. `user` is None before a session."""

    def __init__(self, message: str, user: ConsoleUser | None = None) -> None:
        super().__init__(message)
        self.message, self.user = message, user


FORM_REFUSED = (
    "This form did not come from this console page, or it is older than your "
    "sign-in. Nothing was changed. Go back, reload the page and try again."
)


def check_origin(request: Request) -> None:
    """Refuse an unsafe request a browser says came from another site."""
    site = request.headers.get("sec-fetch-site")
    if site is not None and site not in ("same-origin", "none"):
        raise Forbidden(FORM_REFUSED)
    origin = request.headers.get("origin")
    if origin is not None and urlsplit(origin).netloc != request.headers.get("host"):
        raise Forbidden(FORM_REFUSED)


async def check_form_token(request: Request, expected: str, user: ConsoleUser | None) -> None:
    check_origin(request)
    form = await request.form()  # cached: the route reads the same form
    sent = form.get(CSRF_FIELD)
    if not isinstance(sent, str) or not hmac.compare_digest(sent.encode(), expected.encode()):
        raise Forbidden(FORM_REFUSED, user)


def console_user(permission: Permission) -> Any:
    """The dependency of a console page that needs `permission`, for
    `Annotated[ConsoleUser, console_user(...)]`."""

    async def check(request: Request) -> ConsoleUser:
        token = request.cookies.get(COOKIE)
        if not token:
            raise SignInNeeded()
        console = console_of(request)

        def resume() -> ConsoleUser | Ended:
            with console.engine.begin() as conn:
                try:
                    return sessions.resume(conn, token, console.clock())
                except Ended as ended:
                    return ended  # returned, not raised: the row's end is committed

        user = await run_in_threadpool(resume)
        if isinstance(user, Ended):
            raise SignInNeeded(user.why)
        if request.method not in SAFE_METHODS:
            await check_form_token(request, user.csrf_token, user)
        if not may(user.role, permission):
            raise Forbidden(refusal(user.role, permission), user)
        return user

    return Depends(_declare(check, permission))


def anyone() -> Any:
    """The dependency of a console page without sign-in (the sign-in page)."""

    def check() -> None:
        return None

    return Depends(_declare(check, Permission.anyone))


def nav_for(request: Request, role: str) -> list[NavEntry]:
    return [e for e in console_of(request).nav if may(role, e.permission)]


def route_template(request: Request) -> str:
    """The route's path template: never the concrete path or query, which
    may carry ids or a searched name."""
    return getattr(request.scope.get("route"), "path", PREFIX)


def _page(request: Request, user: ConsoleUser | None, council: str, context: dict) -> dict:
    token = user.csrf_token if user else context.pop("form_token", "")

    def csrf_field() -> Markup:
        return Markup('<input type="hidden" name="{}" value="{}">').format(CSRF_FIELD, token)

    return {
        "user": user,
        "role_words": Role(user.role).words if user else None,
        "nav": nav_for(request, user.role) if user else [],
        "council": council,
        "here": request.url.path,
        "csrf_field": csrf_field,
        "prefix": PREFIX,
    } | context


def render(
    request: Request,
    user: ConsoleUser | None,
    template: str,
    *,
    status: int = 200,
    child_id: str | None = None,
    action: str = "console_view",
    headers: dict[str, str] | None = None,
    **context: Any,
) -> HTMLResponse:
    """`template` (a path under templates/) as the answer, audited: one
    `action` event for `user` naming the route template and `child_id`.
    Pages before sign-in (`user` None) are not audited: there is no one
    to name. Call from a sync route (it writes), never with case text in
    `context` keys that the template does not escape."""
    engine = engine_of(request)
    with engine.begin() as conn:
        council = sessions.council_name(conn)
        if user is not None:
            record_audit(
                conn,
                action=action,
                worker_id=user.worker_id,
                child_id=child_id,
                detail=route_template(request)[:200],
            )
    body = templates.get_template(template).render(_page(request, user, council, context))
    return HTMLResponse(body, status_code=status, headers=headers)
