"""Partner reports in the console: a partner's report forms (one per kind
of report their agency makes) and the list of their own reports with how
far each has come; the central team's queue of reports not yet on a
child's record (match to a child, add as new, decline).

A partner sees the status of their own reports and nothing else of the
record: another partner's report is refused in plain words, as is every
page that reads the record (their role lacks its permission). A form with
bad input is shown again with a message at each field and what was typed
kept; nothing of it is stored (`partner_reports.submit`).
"""

# No `from __future__ import annotations`: FastAPI reads the routes' types.

from datetime import datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from sync.kinds.common import Agency
from sync.server import partner_reports, report_queue
from sync.server.console.web import ConsoleUser, console_user, engine_of, in_nav, render
from sync.server.partner_reports import Account, ReportError
from sync.server.report_forms import REPORTS_OF, ReportInvalid, ReportType, fields_of
from sync.server.roles import Permission

router = APIRouter()
Partner = Annotated[ConsoleUser, console_user(Permission.submit_reports)]
# Matching a report to a child reads the record's names: the daily list's permission.
CentralTeam = Annotated[ConsoleUser, console_user(Permission.read_central_list)]

ENGLAND = ZoneInfo("Europe/London")


def when(at: datetime) -> str:
    """A moment as England reads it: 'Fri 01 May 2026 14:30'."""
    return at.astimezone(ENGLAND).strftime("%a %d %b %Y %H:%M")


def agency_words(code: str) -> str:
    try:
        return Agency(code).words
    except ValueError:
        return "Another agency"


WORDS: dict[str, Any] = {"when": when, "agency_words": agency_words}

NOT_YOURS = "This report is not one of yours. You can see only the reports you made."


def _account(user: ConsoleUser) -> Account:
    return Account(user.worker_id, user.name, user.role, user.agency)


def _types(user: ConsoleUser) -> tuple[ReportType, ...]:
    try:
        return REPORTS_OF.get(Agency(user.agency), ())
    except ValueError:
        return ()


@router.get("/reports", openapi_extra=in_nav("Reports", order=15))
def reports(request: Request, user: Partner) -> Response:
    mine = partner_reports.own_reports(engine_of(request), user.worker_id)
    return render(request, user, "reports/list.html", reports=mine, types=_types(user), **WORDS)


@router.get("/reports/queue", openapi_extra=in_nav("Partner reports to match", order=35))
def queue(request: Request, user: CentralTeam) -> Response:
    waiting = report_queue.waiting(engine_of(request))
    return render(request, user, "reports/queue.html", waiting=waiting, problem=None, **WORDS)


@router.post("/reports/queue/{report_id}")
async def decide(request: Request, report_id: str, user: CentralTeam) -> Response:
    form = await request.form()
    decision, child_id = str(form.get("decision", "")), str(form.get("child_id", ""))
    engine, by = engine_of(request), _account(user)

    def act() -> Response:
        try:
            if decision == "match":
                report_queue.match_to(engine, report_id, child_id, by=by)
            elif decision == "add":
                report_queue.add_as_new(engine, report_id, by=by)
            elif decision == "decline":
                report_queue.decline(engine, report_id, by=by)
            else:
                raise ReportError("Choose what to do with the report.")
        except ReportError as exc:
            waiting = report_queue.waiting(engine)
            return render(
                request,
                user,
                "reports/queue.html",
                status=400,
                waiting=waiting,
                problem=(report_id, str(exc)),
                **WORDS,
            )
        return RedirectResponse(f"{request.url.path.rsplit('/', 1)[0]}", status_code=303)

    return await run_in_threadpool(act)


def _form_page(
    request: Request,
    user: ConsoleUser,
    rtype: ReportType,
    *,
    values: dict[str, str],
    errors: dict[str, str],
) -> Response:
    return render(
        request,
        user,
        "reports/form.html",
        status=400 if errors else 200,
        report_type=rtype,
        fields=fields_of(rtype),
        values=values,
        errors=errors,
    )


def _type_for(user: ConsoleUser, report_type: str) -> ReportType | None:
    try:
        rtype = ReportType(report_type)
    except ValueError:
        return None
    return rtype if rtype in _types(user) else None


@router.get("/reports/new/{report_type}")
def new_report(request: Request, report_type: str, user: Partner) -> Response:
    rtype = _type_for(user, report_type)
    if rtype is None:
        message = "Your agency does not make this kind of report."
        return render(request, user, "refused.html", status=404, message=message)
    return _form_page(request, user, rtype, values={}, errors={})


@router.post("/reports/new/{report_type}")
async def send_report(request: Request, report_type: str, user: Partner) -> Response:
    form = await request.form()
    values = {k: v for k, v in form.items() if isinstance(v, str) and k != "csrf_token"}
    engine = engine_of(request)

    def act() -> Response:
        rtype = _type_for(user, report_type)
        if rtype is None:
            message = "Your agency does not make this kind of report."
            return render(request, user, "refused.html", status=404, message=message)
        try:
            report_id = partner_reports.submit(engine, _account(user), rtype.value, values)
        except ReportInvalid as exc:
            return _form_page(request, user, rtype, values=values, errors=exc.errors)
        return RedirectResponse(f"/console/reports/{report_id}", status_code=303)

    return await run_in_threadpool(act)


@router.get("/reports/{report_id}")
def report(request: Request, report_id: str, user: Partner) -> Response:
    found = partner_reports.own_report(engine_of(request), user.worker_id, report_id)
    if found is None:
        return render(request, user, "refused.html", status=403, message=NOT_YOURS)
    return render(request, user, "reports/report.html", report=found, **WORDS)
