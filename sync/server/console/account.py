"""One account's page in the console: change its role, team or agency,
disable or enable it. Each change is the function `central-record worker`
calls (`accounts.set_role`, `set_team`, `set_agency`, `set_disabled`), so
the same rules hold: a refusal is shown at its field and nothing is
stored. Disabling ends the account's console sessions in the same
transaction; an administrator may not disable their own account or change
their own role, and the last enabled administrator is kept (`accounts`).
Every change is an audit event naming ids, never names."""

# No `from __future__ import annotations`: FastAPI reads the routes' types.

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.engine import Connection

from sync.kinds.common import Agency
from sync.server import accounts, admin
from sync.server.accounts import TEAMLESS, AdminError
from sync.server.audit import record_audit
from sync.server.console import sessions
from sync.server.console.web import (
    PREFIX,
    ConsoleUser,
    console_of,
    console_user,
    engine_of,
    render,
)
from sync.server.roles import Permission, Role

router = APIRouter()
Administrator = Annotated[ConsoleUser, console_user(Permission.administer)]

CHANGES = ("role", "team", "agency", "disable", "enable")
# What each change is called in `?changed=` words on the page after it.
DONE = {
    "role": "The role is changed. It applies from the account's next request.",
    "team": "The team is changed; the account's children moved to the new team's manager.",
    "agency": "The agency is changed.",
    "disable": "The account is disabled and its console sessions have ended.",
    "enable": "The account is enabled again.",
}


def _field(message: str, change: str) -> tuple[str, str]:
    """The form field an AdminError is about, and its words capitalised."""
    option, sep, rest = message.partition(": ")
    field = {"role": "role", "team": "team", "agency": "agency", "disabled": "disabled"}.get(
        option.removeprefix("--")
    )
    if not sep or field is None:
        field, rest = ("disabled" if change in ("disable", "enable") else change), message
    return field, rest[0].upper() + rest[1:]


def _page(
    request: Request,
    user: ConsoleUser,
    name: str,
    *,
    errors: dict[str, str] | None = None,
    changed: str = "",
    status: int = 200,
) -> Response:
    engine = engine_of(request)
    found = [a for a in accounts.describe_workers(engine) if a.name == name]
    if not found:
        return render(
            request, user, "admin/account.html", status=404, account=None, name=name, errors={}
        )
    devices = [d for d in admin.list_devices(engine, name) if not d["revoked"]]
    return render(
        request,
        user,
        "admin/account.html",
        status=status,
        account=found[0],
        name=name,
        is_me=name == user.name,
        teamless=found[0].role in TEAMLESS,
        devices=len(devices),
        teams=accounts.list_teams(engine),
        roles=list(Role),
        agencies=list(Agency),
        errors=errors or {},
        done=DONE.get(changed),
    )


def account_path(name: str) -> str:
    return f"{PREFIX}/admin/account?name={quote(name, safe='')}"


@router.get("/admin/account")
def account_page(
    request: Request,
    user: Administrator,
    name: Annotated[str, Query(max_length=200)] = "",
    changed: Annotated[str, Query(max_length=20)] = "",
) -> Response:
    return _page(request, user, name, changed=changed)


@router.post("/admin/account")
def change_account(
    request: Request,
    user: Administrator,
    name: Annotated[str, Form(max_length=200)] = "",
    change: Annotated[str, Form(max_length=20)] = "",
    role: Annotated[str, Form(max_length=40)] = "",
    team: Annotated[str, Form(max_length=200)] = "",
    agency: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    engine = engine_of(request)
    if change not in CHANGES:
        return _page(request, user, name, status=400, errors={"role": "Choose a change to make."})
    if name == user.name and change in ("role", "disable"):
        words = (
            "You cannot change your own role: another administrator can."
            if change == "role"
            else "You cannot disable your own account: another administrator can."
        )
        field = "role" if change == "role" else "disabled"
        return _page(request, user, name, status=422, errors={field: words})
    clock = console_of(request).clock

    def audit(conn: Connection, detail: str) -> None:
        record_audit(
            conn, action=f"admin_account_{change}", worker_id=user.worker_id, detail=detail
        )

    try:
        if change == "role":
            new = accounts.set_role(engine, name, role)
            detail = f"worker {_id(request, name)} role {new.value}"
        elif change == "team":
            accounts.set_team(engine, name, team)
            detail = f"worker {_id(request, name)} team changed"
        elif change == "agency":
            new_agency = accounts.set_agency(engine, name, agency)
            detail = f"worker {_id(request, name)} agency {new_agency.value}"
        else:
            disabling = change == "disable"

            def also(conn: Connection, worker: int) -> None:
                ended = sessions.end_all(conn, worker, "disabled", clock()) if disabling else 0
                audit(conn, f"worker {worker} sessions ended {ended}")

            accounts.set_disabled(engine, name, disabling, also=also)
            detail = ""
    except AdminError as refused:
        field, words = _field(str(refused), change)
        return _page(request, user, name, status=422, errors={field: words})
    if detail:
        with engine.begin() as conn:
            audit(conn, detail)
    return RedirectResponse(account_path(name) + f"&changed={change}", status_code=303)


def _id(request: Request, name: str) -> int:
    with engine_of(request).connect() as conn:
        return accounts.worker_id(conn, name)
