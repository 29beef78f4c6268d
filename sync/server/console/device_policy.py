"""The device policy in the console: shown in plain words with units, and
changed by the function `central-record policy set` calls
(`admin.set_policy`), so the same ranges hold. A refused value is shown
at its field and nothing is stored; a change is one audit event naming
the settings changed. Laptops take the new policy at their next sync."""

# No `from __future__ import annotations`: FastAPI reads the routes' types.

import re
from dataclasses import dataclass
from typing import Annotated

import sqlalchemy as sa
from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from sync.server import admin
from sync.server.accounts import AdminError
from sync.server.audit import record_audit
from sync.server.console.web import PREFIX, ConsoleUser, console_user, engine_of, in_nav, render
from sync.server.roles import Permission
from sync.server.schema import policy
from sync.wire import Policy

router = APIRouter()
Administrator = Annotated[ConsoleUser, console_user(Permission.administer)]


@dataclass(frozen=True)
class Setting:
    name: str  # the policy column, and the form field
    label: str
    hint: str
    unit: str = ""  # "minutes", …; "" for text and yes/no
    low: int = 0
    high: int = 0


def _bounds(name: str) -> tuple[int, int]:
    """The wire Policy's own range of a number (one home: sync.wire)."""
    low = high = 0
    for rule in Policy.model_fields[name].metadata:
        low, high = getattr(rule, "ge", low), getattr(rule, "le", high)
    return low, high


SETTINGS = [
    Setting(
        "idle_lock_minutes",
        "Lock a laptop after",
        "Minutes without use before the laptop locks and asks for the passphrase.",
        "minutes",
        *_bounds("idle_lock_minutes"),
    ),
    Setting(
        "unlock_attempt_limit",
        "Wipe a laptop after",
        "Wrong passphrases in a row before the laptop deletes everything it holds.",
        "wrong passphrases",
        *_bounds("unlock_attempt_limit"),
    ),
    Setting(
        "max_offline_days",
        "Hide case records on a laptop not synced for",
        "Days since the last sync after which the laptop hides case records until it syncs;"
        " new visits can still be recorded.",
        "days",
        *_bounds("max_offline_days"),
    ),
    Setting(
        "edit_grace_days",
        "Accept edits after a child leaves a caseload for",
        "Days during which the central record still takes a worker's edits made while they"
        " held the child.",
        "days",
        *_bounds("edit_grace_days"),
    ),
    # Kept beside the wire's Policy; the ranges are `admin.set_policy`'s.
    Setting(
        "temporary_access_hours",
        "Temporary access (break-the-glass) lasts",
        "Hours a justified temporary access to a child lasts; 0 means it is not allowed.",
        "hours",
        0,
        168,
    ),
    Setting(
        "console_idle_minutes",
        "End a console session after",
        "Minutes without a request before a console session ends.",
        "minutes",
        1,
        240,
    ),
    Setting(
        "min_client_version",
        "Oldest Caseworker version accepted",
        "Laptops with an older version are refused until IT updates them, for example 0.1.0.",
    ),
    Setting(
        "council_name",
        "The council's name",
        "Shown in the console's header and on printed agendas.",
    ),
    Setting(
        "workers_may_create_children",
        "Workers may add a child from their laptop",
        "Otherwise only the central team adds children.",
    ),
]
NUMBERS = {s.name for s in SETTINGS if s.unit}
VERSION = re.compile(r"\d+(\.\d+){0,3}")


def _current(request: Request) -> dict[str, object]:
    with engine_of(request).connect() as conn:
        row = conn.execute(sa.select(policy).where(policy.c.id == 1)).one()
    return {s.name: getattr(row, s.name) for s in SETTINGS}


def _page(
    request: Request,
    user: ConsoleUser,
    *,
    form: dict,
    errors: dict,
    status: int = 200,
    saved: bool = False,
) -> Response:
    return render(
        request,
        user,
        "admin/policy.html",
        status=status,
        settings=SETTINGS,
        form=form,
        errors=errors,
        saved=saved,
    )


@router.get("/admin/policy", openapi_extra=in_nav("Device policy", order=73))
def policy_page(request: Request, user: Administrator, saved: str = "") -> Response:
    return _page(request, user, form=_current(request), errors={}, saved=saved == "1")


def _number_words(s: Setting) -> str:
    return f"Give a whole number of {s.unit} from {s.low} to {s.high}."


Text = Annotated[str, Form(max_length=200)]


@router.post("/admin/policy")
def change_policy(
    request: Request,
    user: Administrator,
    idle_lock_minutes: Text = "",
    unlock_attempt_limit: Text = "",
    max_offline_days: Text = "",
    edit_grace_days: Text = "",
    temporary_access_hours: Text = "",
    console_idle_minutes: Text = "",
    min_client_version: Text = "",
    council_name: Text = "",
    workers_may_create_children: Text = "",
) -> Response:
    sent = {
        "idle_lock_minutes": idle_lock_minutes,
        "unlock_attempt_limit": unlock_attempt_limit,
        "max_offline_days": max_offline_days,
        "edit_grace_days": edit_grace_days,
        "temporary_access_hours": temporary_access_hours,
        "console_idle_minutes": console_idle_minutes,
        "min_client_version": min_client_version,
        "council_name": council_name,
        "workers_may_create_children": workers_may_create_children,
    }
    form = {name: text.strip() for name, text in sent.items()}
    errors, values = _checked(form)
    if errors:
        return _page(request, user, form=form, errors=errors, status=422)
    before = _current(request)
    try:
        admin.set_policy(engine_of(request), **values)
    except (AdminError, ValidationError) as refused:
        # The page checks the same ranges first; this is the CLI's own word.
        return _page(
            request, user, form=form, errors={"council_name": str(refused)[:300]}, status=422
        )
    changed = sorted(k for k, v in values.items() if before[k] != v)
    if changed:
        with engine_of(request).begin() as conn:
            record_audit(
                conn,
                action="admin_policy",
                worker_id=user.worker_id,
                detail=("changed " + ",".join(changed))[:200],
            )
    return RedirectResponse(f"{PREFIX}/admin/policy?saved=1", status_code=303)


def _checked(form: dict[str, str]) -> tuple[dict[str, str], dict[str, object]]:
    """Each field's error in plain words, and the values to set."""
    errors: dict[str, str] = {}
    values: dict[str, object] = {}
    for s in SETTINGS:
        text = form[s.name]
        if s.name in NUMBERS:
            if not re.fullmatch(r"\d{1,6}", text) or not s.low <= int(text) <= s.high:
                errors[s.name] = f"Give a whole number of {s.unit} from {s.low} to {s.high}."
            else:
                values[s.name] = int(text)
        elif s.name == "workers_may_create_children":
            if text not in ("yes", "no"):
                errors[s.name] = "Choose yes or no."
            values[s.name] = text == "yes"
        elif s.name == "min_client_version":
            if not VERSION.fullmatch(text):
                errors[s.name] = "Give a version as numbers with dots, for example 0.1.0."
            values[s.name] = text
        else:
            if not 0 < len(text) <= 200:
                errors[s.name] = "Give the council's name, up to 200 characters."
            values[s.name] = text
    return errors, values
