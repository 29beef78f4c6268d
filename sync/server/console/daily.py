"""The coordinator's daily list of the central record: every child missing
now, missing education or at risk of exploitation, filtered by a GET form,
sorted by a whitelisted column, and exported as CSV."""

# No `from __future__ import annotations`: FastAPI reads the routes' types.

import csv
import io
from datetime import date
from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import APIRouter, Request
from fastapi.responses import Response

from sync.server import daily_list
from sync.server.audit import record_audit
from sync.server.console.web import ConsoleUser, console_user, engine_of, in_nav, render
from sync.server.daily_list import DailyChild, Filters
from sync.server.roles import Permission
from sync.server.schema import teams, workers

router = APIRouter()
Coordinator = Annotated[ConsoleUser, console_user(Permission.read_central_list)]

# The sortable columns, by the words on their header.
COLUMNS = {
    "name": "Child",
    "team": "Team",
    "last_visit": "Last visit",
    "interview_due": "Return home interview due",
    "plan_review": "Plan review due",
    "screening_date": "Latest screening",
}
# A spreadsheet takes a cell starting with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _filters(request: Request) -> tuple[Filters, dict[str, Any]]:
    """The GET form's choices; a number that is not one is ignored."""
    query = request.query_params

    def number(key: str) -> int | None:
        value = query.get(key, "")
        return int(value) if value.isdigit() else None

    filters = Filters(
        missing_now=query.get("missing_now") == "1",
        missing_education=query.get("missing_education") == "1",
        at_risk=query.get("at_risk") == "1",
        worker_id=number("worker"),
        team_id=number("team"),
        unallocated=query.get("unallocated") == "1",
    )
    sort = query.get("sort", "name")
    sort = sort if sort in COLUMNS else "name"
    return filters, {"sort": sort, "descending": query.get("order") == "desc"}


def _listed(
    request: Request, user: ConsoleUser
) -> tuple[Filters, dict[str, Any], list[DailyChild]]:
    filters, order = _filters(request)
    found = daily_list.daily_list(engine_of(request), filters, agency=user.agency)
    return filters, order, daily_list.sort_by(found, order["sort"], order["descending"])


def _choices(request: Request) -> dict[str, list[tuple[int, str]]]:
    with engine_of(request).connect() as conn:
        people = conn.execute(
            sa.select(workers.c.id, workers.c.name)
            .where(workers.c.disabled_at.is_(None))
            .order_by(workers.c.name)
        ).all()
        groups = conn.execute(sa.select(teams.c.id, teams.c.name).order_by(teams.c.name)).all()
    return {"workers": [tuple(r) for r in people], "teams": [tuple(r) for r in groups]}


@router.get("/daily", openapi_extra=in_nav("Daily list", order=10))
def daily(request: Request, user: Coordinator) -> Response:
    filters, order, children = _listed(request, user)
    choices = _choices(request)
    return render(
        request,
        user,
        "daily/list.html",
        children=children,
        lines=[_line(c) for c in children],
        filters=filters,
        order=order,
        columns=COLUMNS,
        csv_query=request.url.query,
        workers=choices["workers"],
        teams=choices["teams"],
    )


MONTHS = [date(2000, m, 1).strftime("%B") for m in range(1, 13)]


def _day_words(day: date | None) -> str:
    """'3 November 2026' (strftime per cell costs more, over thousands)."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}" if day else ""


def _line(c: DailyChild) -> dict[str, Any]:
    """One child's row of the page, as its cells' words: made here, not
    in the template, as a council's list is thousands of rows."""
    why = [
        words
        for shown, words in (
            (c.missing_now, "Missing now"),
            (c.missing_education, "Missing education"),
            (c.at_risk, "At risk"),
            (bool(c.restricted_words), c.restricted_words or ""),
        )
        if shown
    ]
    due = c.interview_due
    screening = ""
    if c.screening_level:
        level = c.screening_level.replace("_", " ").capitalize()
        screening = f"{level}, {_day_words(c.screening_date)}".rstrip(", ")
    return {
        "name": c.name,
        "why": ", ".join(why),
        "workers": _allocated(c, ", "),
        "worker_left": c.worker_left and not c.workers,
        "teams": ", ".join(c.teams),
        "last_visit": _day_words(c.last_visit) or "No visit",
        "interview_due": f"{_day_words(due)} {due.hour:02d}:{due.minute:02d}" if due else "",
        "late": c.interview_late,
        "plan_review": _day_words(c.plan_review),
        "screening": screening,
        "changed": "Yes" if c.changed_since_yesterday else "No",
    }


def safe_cell(value: object) -> str:
    """A cell as text, a leading formula character defused with a quote."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def _row(child: DailyChild) -> list[str]:
    due = child.interview_due
    return [
        safe_cell(v)
        for v in (
            child.name,
            "Yes" if child.missing_now else "No",
            "Yes" if child.missing_education else "No",
            "Yes" if child.at_risk else "No",
            _allocated(child),
            "; ".join(child.teams),
            child.last_visit.isoformat() if child.last_visit else "",
            due.strftime("%Y-%m-%d %H:%M") if due else "",
            "Late" if child.interview_late else "",
            child.plan_review.isoformat() if child.plan_review else "",
            (child.screening_level or "").replace("_", " "),
            child.screening_date.isoformat() if child.screening_date else "",
            "Yes" if child.changed_since_yesterday else "No",
            child.restricted_words or "",
        )
    ]


def _allocated(child: DailyChild, between: str = "; ") -> str:
    if child.workers:
        return between.join(child.workers)
    return UNALLOCATED_LEFT if child.worker_left else "None allocated"


UNALLOCATED_LEFT = "Unallocated (worker left)"

HEADER = [
    "Child",
    "Missing now",
    "Missing education",
    "At risk of exploitation",
    "Allocated workers",
    "Team",
    "Last visit",
    "Return home interview due",
    "Return home interview late",
    "Plan review due",
    "Latest screening level",
    "Latest screening date",
    "Changed since yesterday",
    "Restricted record",
]


@router.get("/daily.csv")
def daily_csv(request: Request, user: Coordinator) -> Response:
    _, _, children = _listed(request, user)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    writer.writerows(_row(c) for c in children)
    with engine_of(request).begin() as conn:
        # How many children, never who: no case text in the audit detail.
        record_audit(
            conn,
            action="console_export",
            worker_id=user.worker_id,
            detail=f"/console/daily.csv ({len(children)} children)",
        )
    headers = {"Content-Disposition": 'attachment; filename="daily-list.csv"'}
    return Response(out.getvalue(), media_type="text/csv; charset=utf-8", headers=headers)
