"""Caseload assignment in the console, the coordinator's (`assign_caseloads`):
find a child by name or id, choose a worker, read what the change does on
the laptops (`allocation.what_happens`), then confirm. The change is
`admin.set_assignment`, as `central-record assign` makes it."""

# No `from __future__ import annotations`: FastAPI reads the routes' types.

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from sync.server import accounts, admin, allocation
from sync.server.accounts import AdminError
from sync.server.audit import record_audit
from sync.server.console.web import PREFIX, ConsoleUser, console_user, engine_of, in_nav, render
from sync.server.roles import Permission

router = APIRouter()
Coordinator = Annotated[ConsoleUser, console_user(Permission.assign_caseloads)]


@router.get("/assign", openapi_extra=in_nav("Caseloads", order=40))
def assign_page(
    request: Request, user: Coordinator, q: Annotated[str, Query(max_length=100)] = ""
) -> Response:
    with engine_of(request).connect() as conn:
        found = allocation.find_children(conn, q)
    names = accounts.list_workers(engine_of(request))
    return render(request, user, "admin/assign.html", q=q, found=found, workers=names)


@router.get("/assign/confirm")
def confirm(
    request: Request,
    user: Coordinator,
    child: Annotated[str, Query(max_length=36)] = "",
    worker: Annotated[str, Query(max_length=200)] = "",
    action: Annotated[str, Query(pattern="^(assign|unassign)$")] = "assign",
) -> Response:
    error, said = None, []
    with engine_of(request).connect() as conn:
        try:
            said = allocation.what_happens(conn, worker, child, action == "assign")
        except AdminError as exc:
            error = str(exc).removeprefix("worker: ")
    return render(
        request,
        user,
        "admin/assign_confirm.html",
        status=422 if error else 200,
        child_id=child if not error else None,
        child=child,
        worker=worker,
        change=action,
        said=said,
        errors={"worker": error[0].upper() + error[1:]} if error else {},
    )


@router.post("/assign")
def assign(
    request: Request,
    user: Coordinator,
    child: Annotated[str, Form(max_length=36)] = "",
    worker: Annotated[str, Form(max_length=200)] = "",
    action: Annotated[str, Form(pattern="^(assign|unassign)$")] = "assign",
) -> Response:
    try:
        changed = admin.set_assignment(engine_of(request), worker, child, action == "assign")
    except AdminError as exc:
        return render(
            request,
            user,
            "admin/assign_confirm.html",
            status=422,
            child=child,
            worker=worker,
            change=action,
            said=[],
            errors={"worker": str(exc)},
        )
    if changed:
        with engine_of(request).begin() as conn:
            record_audit(conn, action=f"console_{action}", worker_id=user.worker_id, child_id=child)
    return RedirectResponse(f"{PREFIX}/assign?done={action}", status_code=303)
