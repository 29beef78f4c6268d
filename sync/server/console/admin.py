"""Administration in the console: accounts, devices and a child's audit
trail, calling the same functions as `central-record` (`accounts`,
`admin`, `audit_trail`). Every form carries the session's form token
(checked by `console_user` before the route runs); a refused form is shown
again with the error at its field and nothing stored; revoking asks first;
every change is an audit event naming ids, never names or case text."""

# No `from __future__ import annotations`: FastAPI reads the routes' types.

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from sync.kinds.common import Agency
from sync.server import accounts, admin, audit_trail, glass, recovery_codes
from sync.server.accounts import AdminError
from sync.server.audit import record_audit
from sync.server.console.web import (
    PREFIX,
    ConsoleUser,
    console_of,
    console_user,
    engine_of,
    in_nav,
    render,
)
from sync.server.roles import Permission, Role

router = APIRouter()
Administrator = Annotated[ConsoleUser, console_user(Permission.administer)]
Auditor = Annotated[ConsoleUser, console_user(Permission.read_audit)]

# Which form field an AdminError is about, by the option its message starts with.
_FIELDS = {"--role": "role", "--team": "team", "--agency": "agency", "role": "role"}


def _field_of(message: str) -> tuple[str, str]:
    option, sep, rest = message.partition(": ")
    if sep and option in _FIELDS:
        return _FIELDS[option], rest[0].upper() + rest[1:]
    if "password" in message:
        return "password", message
    return "name", message


def _accounts_page(
    request: Request,
    user: ConsoleUser,
    *,
    errors: dict[str, str],
    form: dict[str, str],
    status: int = 200,
) -> Response:
    engine = engine_of(request)
    return render(
        request,
        user,
        "admin/accounts.html",
        status=status,
        people=accounts.describe_workers(engine),
        teams=accounts.list_teams(engine),
        roles=list(Role),
        agencies=list(Agency),
        errors=errors,
        form=form,
    )


@router.get("/admin/accounts", openapi_extra=in_nav("Accounts", order=70))
def accounts_page(request: Request, user: Administrator) -> Response:
    return _accounts_page(request, user, errors={}, form={})


@router.post("/admin/accounts")
def add_account(
    request: Request,
    user: Administrator,
    name: Annotated[str, Form(max_length=200)] = "",
    password: Annotated[str, Form(max_length=1000)] = "",
    role: Annotated[str, Form(max_length=40)] = "",
    team: Annotated[str, Form(max_length=200)] = "",
    agency: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    form = {"name": name.strip(), "role": role, "team": team, "agency": agency}
    try:
        accounts.add_worker(
            engine_of(request),
            form["name"],
            password,
            role=role or None,
            team=team or None,
            agency=agency or None,
        )
    except AdminError as refused:
        field, words = _field_of(str(refused))
        return _accounts_page(request, user, status=422, errors={field: words}, form=form)
    with engine_of(request).begin() as conn:
        record_audit(
            conn, action="admin_account_add", worker_id=user.worker_id, detail=f"role {role}"
        )
    return RedirectResponse(f"{PREFIX}/admin/accounts?added=1", status_code=303)


@router.get("/admin/devices", openapi_extra=in_nav("Devices", order=71))
def devices_page(request: Request, user: Administrator) -> Response:
    return render(
        request, user, "admin/devices.html", devices=admin.list_devices(engine_of(request))
    )


def _device(request: Request, device_id: str) -> dict | None:
    found = [d for d in admin.list_devices(engine_of(request)) if d["id"] == device_id]
    return found[0] if found else None


@router.get("/admin/devices/{device_id}/revoke")
def confirm_revoke(request: Request, user: Administrator, device_id: str) -> Response:
    device = _device(request, device_id)
    if device is None:
        return render(request, user, "admin/devices.html", status=404, devices=[], missing=True)
    return render(request, user, "admin/revoke.html", device=device)


@router.post("/admin/devices/{device_id}/revoke")
def revoke(request: Request, user: Administrator, device_id: str) -> Response:
    try:
        changed = admin.revoke_device(engine_of(request), device_id)
    except AdminError:
        return render(request, user, "admin/devices.html", status=404, devices=[], missing=True)
    if changed:
        with engine_of(request).begin() as conn:
            record_audit(conn, action="admin_revoke", worker_id=user.worker_id, device_id=device_id)
    return RedirectResponse(f"{PREFIX}/admin/devices?revoked=1", status_code=303)


@router.post("/admin/devices/{device_id}/recovery-code")
def recovery_code(request: Request, user: Administrator, device_id: str) -> Response:
    """A one-time recovery code for the laptop (`recovery_codes`), shown on
    this answer only: it is never stored in plain, and the page is not
    cached. Issuing it is audited there."""
    device = _device(request, device_id)
    if device is None or device["revoked"]:
        return render(request, user, "admin/devices.html", status=404, devices=[], missing=True)
    with engine_of(request).begin() as conn:
        code = recovery_codes.issue_recovery_code(
            conn, device_id, user.worker_id, console_of(request).clock()
        )
    minutes = int(recovery_codes.VALID_FOR.total_seconds() // 60)
    return render(
        request, user, "admin/recovery_code.html", device=device, code=code, minutes=minutes
    )


@router.get("/audit", openapi_extra=in_nav("Audit trail", order=60))
def audit_page(
    request: Request,
    user: Auditor,
    child: Annotated[str, Query(max_length=36)] = "",
) -> Response:
    child = child.strip()
    if not child:
        return render(request, user, "admin/audit.html", child="", entries=None, errors={})
    # The page is rendered after the reading's transaction: `render` writes
    # its own audit event, and SQLite takes one writer at a time.
    refused: audit_trail.TrailRefused | None = None
    with engine_of(request).begin() as conn:
        try:
            page = audit_trail.read_as(
                conn,
                worker_id=user.worker_id,
                role=user.role,
                child_id=child,
                limit=audit_trail.MAX_PAGE,
                detail="in the console",
            )
            grants = glass.listing(conn, child)
        except audit_trail.TrailRefused as exc:
            refused = exc
    if refused is not None:
        return render(
            request,
            user,
            "admin/audit.html",
            status=refused.status,
            child=child,
            entries=None,
            errors={"child": refused.message},
        )
    return render(
        request,
        user,
        "admin/audit.html",
        child_id=child,
        child=child,
        entries=[(audit_trail.england_text(e.at), e) for e in page.entries],
        more=page.next is not None,
        grants=grants,
        errors={},
    )
