"""Teams in the console: list them with their managers and members, add
one, name its manager, as `central-record team add` / `team set-manager`
do (`accounts.add_team`, `set_team_manager`; the CLI renames none, so
neither does the console). A team has one manager, who must hold the team
manager role; naming them moves the team's children to their caseload at
the next sync (`team_holds`). Refusals are shown at the field; every
change is an audit event naming ids, never names."""

# No `from __future__ import annotations`: FastAPI reads the routes' types.

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from sync.server import accounts
from sync.server.accounts import AdminError
from sync.server.audit import record_audit
from sync.server.console.web import PREFIX, ConsoleUser, console_user, engine_of, in_nav, render
from sync.server.roles import Permission, Role

router = APIRouter()
Administrator = Annotated[ConsoleUser, console_user(Permission.administer)]


def _page(
    request: Request,
    user: ConsoleUser,
    *,
    errors: dict[str, str] | None = None,
    form: dict[str, str] | None = None,
    status: int = 200,
    done: str = "",
) -> Response:
    engine = engine_of(request)
    people = accounts.describe_workers(engine)
    members: dict[str, list[str]] = {}
    for p in people:
        if p.team:
            members.setdefault(p.team, []).append(p.name)
    return render(
        request,
        user,
        "admin/teams.html",
        status=status,
        teams=accounts.list_teams(engine),
        members=members,
        managers=[p.name for p in people if p.role is Role.team_manager and not p.disabled],
        errors=errors or {},
        form=form or {},
        done={"added": "The team is added.", "manager": "The team's manager is named."}.get(done),
    )


@router.get("/admin/teams", openapi_extra=in_nav("Teams", order=72))
def teams_page(request: Request, user: Administrator, done: str = "") -> Response:
    return _page(request, user, done=done)


def _words(message: str) -> str:
    option, sep, rest = message.partition(": ")
    text = rest if sep and option.removeprefix("--") in ("team", "manager") else message
    return text[0].upper() + text[1:]


@router.post("/admin/teams")
def add_team(
    request: Request,
    user: Administrator,
    team_name: Annotated[str, Form(max_length=200)] = "",
    team_manager: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    form = {"team_name": team_name.strip(), "team_manager": team_manager}
    try:
        accounts.add_team(engine_of(request), form["team_name"], manager=team_manager or None)
    except AdminError as refused:
        field = "team_manager" if str(refused).startswith("--manager") else "team_name"
        return _page(request, user, status=422, errors={field: _words(str(refused))}, form=form)
    with engine_of(request).begin() as conn:
        team = accounts.team_id(conn, form["team_name"])
        record_audit(conn, action="admin_team_add", worker_id=user.worker_id, detail=f"team {team}")
    return RedirectResponse(f"{PREFIX}/admin/teams?done=added", status_code=303)


@router.post("/admin/teams/manager")
def set_manager(
    request: Request,
    user: Administrator,
    team: Annotated[str, Form(max_length=200)] = "",
    manager: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    try:
        accounts.set_team_manager(engine_of(request), team, manager)
    except AdminError as refused:
        field = "manager" if str(refused).startswith("--manager") else "team"
        return _page(request, user, status=422, errors={field: _words(str(refused))})
    with engine_of(request).begin() as conn:
        found = accounts.team_id(conn, team)
        boss = accounts.worker_id(conn, manager)
        record_audit(
            conn,
            action="admin_team_manager",
            worker_id=user.worker_id,
            detail=f"team {found} manager {boss}",
        )
    return RedirectResponse(f"{PREFIX}/admin/teams?done=manager", status_code=303)
