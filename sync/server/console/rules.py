"""The council's due-date rules and screening tools in the console: upload
a file (as `central-record rules load` / `tools load` read one), every
problem shown at the file field and nothing stored when it is refused;
the versions loaded (who, when, what changed), and each version's content
to download. A load is the next version (`council_rules`), which laptops
take at their next sync, and an audit event."""

# No `from __future__ import annotations`: FastAPI reads the routes' types.

import json
from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from sync.server import council_rules
from sync.server.audit import record_audit
from sync.server.console.web import PREFIX, ConsoleUser, console_user, engine_of, in_nav, render
from sync.server.council_rules import MAX_FILE_BYTES, RulesFileRefused
from sync.server.roles import Permission

router = APIRouter()
Administrator = Annotated[ConsoleUser, console_user(Permission.administer)]
KINDS = {"rules": "Due-date rules", "tools": "A screening tool"}


def _page(
    request: Request,
    user: ConsoleUser,
    *,
    errors: list[str] | None = None,
    kind: str = "rules",
    loaded: int | None = None,
    status: int = 200,
) -> Response:
    with engine_of(request).connect() as conn:
        history = council_rules.versions(conn)
    return render(
        request,
        user,
        "admin/rules.html",
        status=status,
        history=history,
        in_force=council_rules.describe(history[0] if history else None),
        problems=errors or [],
        errors={"file": "The file was not loaded: see the problems below."} if errors else {},
        kind=kind,
        kinds=KINDS,
        loaded=loaded,
        max_kb=MAX_FILE_BYTES // 1024,
    )


@router.get("/admin/rules", openapi_extra=in_nav("Rules and tools", order=74))
def rules_page(request: Request, user: Administrator, loaded: int | None = None) -> Response:
    return _page(request, user, loaded=loaded)


@router.post("/admin/rules")
async def upload(
    request: Request,
    user: Administrator,
    file: Annotated[UploadFile | None, File()] = None,
    kind: Annotated[str, Form(max_length=10)] = "rules",
) -> Response:
    kind = kind if kind in KINDS else "rules"
    name = (file.filename or "the file") if file is not None else "the file"
    name = name.replace("\x00", "")[-100:]
    # One byte past the limit is enough to know it is too large.
    content = await file.read(MAX_FILE_BYTES + 1) if file is not None else b""
    return await run_in_threadpool(_load, request, user, kind, name, content)


def _load(request: Request, user: ConsoleUser, kind: str, name: str, content: bytes) -> Response:
    if not content:
        return _page(request, user, kind=kind, status=422, errors=["Choose a JSON file to upload."])
    by = user.name
    try:
        raw = council_rules.read_upload(name, content)
        if kind == "rules":
            new = council_rules.load_due_rules(engine_of(request), raw, by=by, source=name)
        else:
            new = council_rules.load_tools(engine_of(request), [(name, raw)], by=by)
    except RulesFileRefused as refused:
        return _page(request, user, kind=kind, status=422, errors=refused.problems)
    with engine_of(request).begin() as conn:
        record_audit(
            conn,
            action="admin_rules_load",
            worker_id=user.worker_id,
            detail=f"version {new.version} {new.changed}",
        )
    return RedirectResponse(f"{PREFIX}/admin/rules?loaded={new.version}", status_code=303)


@router.get("/admin/rules/{version}.json")
def download(request: Request, user: Administrator, version: int) -> Response:
    with engine_of(request).connect() as conn:
        found = [v for v in council_rules.versions(conn) if v.version == version]
    if not found:
        return render(request, user, "admin/rules.html", status=404, history=None, errors={})
    v = found[0]
    body = {
        "version": v.version,
        "loaded_at": v.loaded_at.isoformat(),
        "loaded_by": v.loaded_by,
        "changed": v.changed,
        "due_rules": v.due_rules,
        "tools": v.tools,
    }
    with engine_of(request).begin() as conn:
        record_audit(
            conn,
            action="admin_rules_download",
            worker_id=user.worker_id,
            detail=f"version {version}",
        )
    return Response(
        json.dumps(body, indent=2),
        media_type="application/json",
        headers={"content-disposition": f'attachment; filename="council-rules-v{version}.json"'},
    )
