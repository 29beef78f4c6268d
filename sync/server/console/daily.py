"""The coordinator's daily list of the central record: every child missing
now, missing education or at risk of exploitation."""

# No `from __future__ import annotations`: FastAPI reads the routes' types.

from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.responses import Response

from sync.server.console.web import ConsoleUser, console_user, in_nav, render
from sync.server.roles import Permission

router = APIRouter()
Coordinator = Annotated[ConsoleUser, console_user(Permission.read_central_list)]


@router.get("/daily", openapi_extra=in_nav("Daily list", order=10))
def daily(request: Request, user: Coordinator) -> Response:
    return render(request, user, "daily/list.html", children=[])
