"""The console's council-wide trends and hotspots (`read_trends`).

Who also reads the central list (`read_central_list`: coordinators) sees
every count and, for each hotspot, the children behind it; everyone else
with `read_trends` (partners, analysts) sees the same pages de-identified:
counts only, under 5 suppressed (`trend_tables`, `hotspots.deidentified`),
no child named or linked, no person's name or registration. Every count is
over the records the reader's agency may see.

The charts are SVG images drawn by pygal (`trend_charts`), put in the page
as data: URLs, which the console's CSP allows for images: an image runs no
script, and the SVG's own <style> applies inside the image only, so the
page itself stays free of inline style. Each chart has its table beside it.
"""

# No `from __future__ import annotations`: FastAPI reads the routes' types.

import base64
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from sync.kinds.mentions import Named
from sync.server.audit import record_audit
from sync.server.console.web import ConsoleUser, console_user, engine_of, in_nav, render
from sync.server.hotspots import children_behind, deidentified, hotspot, hotspots
from sync.server.roles import Permission, may
from sync.server.trend_charts import chart_svg
from sync.server.trend_tables import trend_tables
from sync.server.trends import DEFAULT_MONTHS, PERIODS, Period, trends

router = APIRouter()
# The children behind a hotspot shown at most (most often named first):
# each is audited as viewed, and a list of thousands helps nobody.
SHOWN = 200
Reader = Annotated[ConsoleUser, console_user(Permission.read_trends)]
Months = Annotated[int, Query(description="The period: the last 3, 6, 12 or 24 months")]

_WHAT_WORDS = {Named.place: "Places", Named.person: "Persons", Named.vehicle: "Vehicles"}
_CHART_WORDS = {
    "missing": "Line chart of missing episodes by month",
    "missing_education": "Line chart of missing-education episodes opened (solid line) "
    "and closed (dashed line) by month",
    "screenings": "Line chart of screenings by month, one line per level, each with its "
    "own dash pattern",
}


def sees_children(user: ConsoleUser) -> bool:
    """Whether the reader sees names and every count (else de-identified)."""
    return may(user.role, Permission.read_central_list)


def _period(request: Request, months: int) -> Period:
    clock = request.app.state.console.clock
    return Period(months if months in PERIODS else DEFAULT_MONTHS, clock())


def _chart(tables, name: str) -> dict[str, str]:
    svg = base64.b64encode(chart_svg(tables, name)).decode("ascii")
    return {"src": f"data:image/svg+xml;base64,{svg}", "alt": _CHART_WORDS[name]}


@router.get("/trends", openapi_extra=in_nav("Trends", order=20))
def trends_page(request: Request, user: Reader, months: Months = DEFAULT_MONTHS) -> Response:
    period = _period(request, months)
    with engine_of(request).connect() as conn:
        counted = trends(conn, agency=user.agency, period=period)
    named = sees_children(user)
    tables = trend_tables(counted, named=named)
    charts = {name: _chart(tables, name) for name in _CHART_WORDS}
    return render(
        request,
        user,
        "trends/trends.html",
        tables=tables,
        charts=charts,
        period=period,
        periods=PERIODS,
        named=named,
    )


@router.get("/hotspots", openapi_extra=in_nav("Hotspots", order=30))
def hotspots_page(request: Request, user: Reader, months: Months = DEFAULT_MONTHS) -> Response:
    period = _period(request, months)
    named = sees_children(user)
    with engine_of(request).connect() as conn:
        if named:
            found = hotspots(conn, agency=user.agency, period=period)
            view = None
        else:
            found = {}
            view = deidentified(conn, agency=user.agency, period=period)
    return render(
        request,
        user,
        "trends/hotspots.html",
        found=found,
        view=view,
        what_words=_WHAT_WORDS,
        period=period,
        periods=PERIODS,
        named=named,
    )


@router.get("/hotspots/children")
def hotspot_children_page(
    request: Request,
    user: Annotated[ConsoleUser, console_user(Permission.read_central_list)],
    what: Annotated[str, Query(description="place, person or vehicle")] = "place",
    key: Annotated[str, Query(max_length=520)] = "",
    months: Months = DEFAULT_MONTHS,
) -> Response:
    """The children behind one hotspot: coordinators only. Each child shown
    is audited as a view of that child."""
    period = _period(request, months)
    thing = Named(what) if what in Named._value2member_map_ else None
    with engine_of(request).connect() as conn:
        one = (
            hotspot(conn, agency=user.agency, period=period, what=thing, key=key) if thing else None
        )
        everyone = (
            children_behind(conn, agency=user.agency, period=period, what=thing, key=key)
            if one and thing
            else []
        )
    behind = everyone[:SHOWN]
    response = render(
        request,
        user,
        "trends/children.html",
        status=200 if one else 404,
        one=one,
        what_words=_WHAT_WORDS,
        behind=behind,
        more=len(everyone) - len(behind),
        period=period,
    )
    _audit_children(request, user, [c.child_id for c in behind])
    return response


def _audit_children(request: Request, user: ConsoleUser, child_ids: list[str]) -> None:
    """One `console_view` per child named on the page, as a laptop audits
    a view of a child's record (the detail is the route, never the key)."""
    with engine_of(request).begin() as conn:
        for child_id in child_ids:
            record_audit(
                conn,
                action="console_view",
                worker_id=user.worker_id,
                child_id=child_id,
                detail="/console/hotspots/children",
            )
