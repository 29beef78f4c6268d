"""Signing in to the console and out of it, and the home page.

Password sign-in goes through the service's own sign-in step
(`Access.password_sign_in`): the same lockout, slowing and busy limits as
a laptop's enrolment, and the same refusal, which never says whether an
account exists. A role that may not use the console is told so only after
its right password, as on the laptop.

`start_session` is the one way in: a second method (OpenID Connect,
`provider_sign_in`) verifies the worker its own way and calls it with the
worker it verified. With an identity provider configured, the sign-in page
offers "Sign in with <council>" first, and the password form only while the
provider's settings keep `password_sign_in`.
"""

# No `from __future__ import annotations`: FastAPI reads the routes' types.

import hmac
import secrets
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from sync.server.api_errors import ApiError
from sync.server.audit import record_audit
from sync.server.console import sessions
from sync.server.console.web import (
    COOKIE,
    CSRF_FIELD,
    FORM_REFUSED,
    PRE_COOKIE,
    PREFIX,
    SIGN_IN,
    ConsoleUser,
    Forbidden,
    anyone,
    check_origin,
    console_of,
    console_user,
    nav_for,
    render,
)
from sync.server.roles import Permission, may, refusal
from sync.server.signin import SignedIn

router = APIRouter()
Anyone = Annotated[None, anyone()]
SignedInUser = Annotated[ConsoleUser, console_user(Permission.console)]

# Why the sign-in page is shown again, in the words the worker reads.
ENDED = {
    "idle": "You were signed out because the console was not used for a while. Sign in again.",
    "lifetime": "You were signed out because you had been signed in all day. Sign in again.",
    "signed_out": "You have signed out.",
    "refused": "Your account may no longer use the console.",
    "disabled": "Your account has been disabled by an administrator.",
}


def _cookie(response: Response, name: str, value: str, max_age: int | None = None) -> None:
    response.set_cookie(
        name, value, max_age=max_age, path="/", secure=True, httponly=True, samesite="strict"
    )


PASSWORDS_OFF = (
    "{council} signs you in: use the button above. This console does not take passwords."
)


def provider_of(request: Request) -> Any:
    """The service's identity provider (`identity_provider.Provider`), or
    None when the council has none."""
    return getattr(request.app.state, "identity_provider", None)


def _choices(request: Request) -> tuple[list[tuple[str, str]], bool]:
    """The sign-in page's other ways in (words, path), the provider's
    first, and whether it shows the password form."""
    methods = list(console_of(request).sign_in_methods)
    provider = provider_of(request)
    if provider is None:
        return methods, True
    if not provider.settings.console_client_id:
        return methods, True  # the provider is the laptops' only
    methods.insert(0, (f"Sign in with {provider.settings.name}", f"{PREFIX}/sign-in/provider"))
    return methods, bool(provider.settings.password_sign_in)


def show_sign_in(
    request: Request,
    *,
    status: int = 200,
    message: str | None = None,
    errors: dict[str, str] | None = None,
    worker: str = "",
    headers: dict[str, str] | None = None,
) -> Response:
    form_token = secrets.token_urlsafe(32)
    methods, password = _choices(request)
    response = render(
        request,
        None,
        "sign_in/sign_in.html",
        status=status,
        headers=headers,
        form_token=form_token,
        message=message,
        errors=errors or {},
        worker=worker,
        methods=methods,
        password=password,
        provider=provider_of(request) is not None,
    )
    _cookie(response, PRE_COOKIE, form_token, max_age=3600)
    return response


_sign_in_page = show_sign_in


def start_session(request: Request, signed: SignedIn, *, method: str) -> Response:
    """Sign `signed` (a worker whose identity the caller has verified) in:
    a new session, its cookie, an audit event, and a redirect to the home
    page; or, for a role that may not use the console, the sign-in page
    saying so. Any session the browser already had ends first, so a
    session id is never carried across a sign-in. Call from a sync route."""
    if not may(signed.role, Permission.console):
        return _sign_in_page(request, status=403, message=refusal(signed.role, Permission.console))
    console = console_of(request)
    now = console.clock()
    with console.engine.begin() as conn:
        old = request.cookies.get(COOKIE)
        if old:
            try:
                user = sessions.resume(conn, old, now)
            except sessions.Ended:
                pass
            else:
                sessions.end(conn, user.session_id, "signed_out", now)
        _session_id, token = sessions.start(conn, signed.worker_id, method, now)
        record_audit(conn, action="console_sign_in", worker_id=signed.worker_id, detail=method)
    response = RedirectResponse(f"{PREFIX}/", status_code=303)
    _cookie(response, COOKIE, token)
    response.delete_cookie(PRE_COOKIE, path="/", secure=True, httponly=True, samesite="strict")
    return response


@router.get("/sign-in")
def sign_in_page(request: Request, _: Anyone, ended: str | None = None) -> Response:
    return _sign_in_page(request, message=ENDED.get(ended or ""))


@router.post("/sign-in")
async def sign_in(
    request: Request,
    _: Anyone,
    worker: Annotated[str, Form(max_length=200)] = "",
    password: Annotated[str, Form(max_length=1000)] = "",
    csrf_token: Annotated[str, Form(alias=CSRF_FIELD, max_length=100)] = "",
) -> Response:
    check_origin(request)
    expected = request.cookies.get(PRE_COOKIE, "")
    if not expected or not hmac.compare_digest(csrf_token.encode(), expected.encode()):
        raise Forbidden(FORM_REFUSED)
    _methods, password_on = _choices(request)
    if not password_on:
        council = provider_of(request).settings.name
        return await run_in_threadpool(
            _sign_in_page, request, status=403, message=PASSWORDS_OFF.format(council=council)
        )
    worker = worker.strip()
    errors = {}
    if not worker:
        errors["worker"] = "Enter your worker name."
    if not password:
        errors["password"] = "Enter your password."  # noqa: S105 (words, not a password)
    if errors:
        return await run_in_threadpool(
            _sign_in_page, request, status=422, errors=errors, worker=worker
        )
    try:
        signed = await console_of(request).access.password_sign_in(request, worker, password)
    except ApiError as refused:
        return await run_in_threadpool(
            _sign_in_page,
            request,
            status=refused.status,
            message=refused.message,
            worker=worker,
            headers=refused.headers,
        )
    return await run_in_threadpool(start_session, request, signed, method="password")


@router.post("/sign-out")
def sign_out(request: Request, user: SignedInUser) -> Response:
    console = console_of(request)
    with console.engine.begin() as conn:
        sessions.end(conn, user.session_id, "signed_out", console.clock())
        record_audit(conn, action="console_sign_out", worker_id=user.worker_id)
    response = RedirectResponse(f"{SIGN_IN}?ended=signed_out", status_code=303)
    response.delete_cookie(COOKIE, path="/", secure=True, httponly=True, samesite="strict")
    return response


@router.get("/")
def home(request: Request, user: SignedInUser) -> Response:
    """Each role's first page; a role with none yet reads who they are."""
    pages = nav_for(request, user.role)
    if pages:
        return RedirectResponse(pages[0].path, status_code=303)
    return render(request, user, "sign_in/home.html")
