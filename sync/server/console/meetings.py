"""The coordinator's exploitation (MACE) meetings in the console: the list,
a new meeting, then one page per meeting whose small forms each add or
change one part (a child on the agenda, a place, a person, an attendee, a
child's discussion, an action, the chair's notes); finalise; the agenda
and minutes as PDF. Every change is validated whole (`meetings.save`):
a bad field is shown at the field with what was typed, and nothing is
stored."""

# No `from __future__ import annotations`: FastAPI reads the routes' types.

from collections.abc import Callable
from datetime import date
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.engine import Connection

from sync.errors import RecordInvalid
from sync.kinds.common import Agency, RiskLevel
from sync.server import child_search, meeting_pdf, meeting_records, meetings
from sync.server.audit import record_audit
from sync.server.console.web import ConsoleUser, console_user, engine_of, in_nav, render
from sync.server.meetings import Meeting, MeetingNotFound, Minutes
from sync.server.roles import Permission

router = APIRouter()
Coordinator = Annotated[ConsoleUser, console_user(Permission.run_meetings)]
BASE = "/console/meetings"

# A field's plain name, for the errors shown beside it.
WORDS = {
    "date": "Date",
    "chair": "Chair",
    "child_id": "Child",
    "name": "Name",
    "postcode": "Postcode",
    "approx_age": "Age (about)",
    "agency": "Agency",
    "description": "Action",
    "owner_agency": "Owned by",
    "due_date": "Due date",
    "actions": "Actions",
    "children": "Children",
    "meeting": "Meeting",
}

# Plain words for pydantic's type errors ("Input should be a valid date").
FRIENDLY = {
    "due_date": "enter the date it is due",
    "date": "enter the meeting's date",
    "agency": "choose an agency",
    "owner_agency": "choose the agency that owns the action",
    "approx_age": "enter an age in years, from 0 to 120",
    "child_id": "choose a child",
    "risk_level_agreed": "choose a risk level",
}


def _name(data: dict[str, Any]) -> str:
    return (
        " ".join(str(data.get(k) or "") for k in ("first_name", "last_name")).strip() or "A child"
    )


def _plain(exc: RecordInvalid) -> tuple[str, str]:
    """(the form field, the sentence beside it) of a refusal."""
    last = exc.field.split(".")[-1] if exc.field else "meeting"
    if last.isdigit():
        last = exc.field.split(".")[-2]
    text = FRIENDLY.get(last) if "Input should be" in exc.message else None
    text = text or exc.message.split(": ", 1)[-1].removeprefix("Value error, ")
    return last, f"{WORDS.get(last, last.replace('_', ' ').capitalize())}: {text}"


def _form_value(form: Any, key: str) -> str:
    value = form.get(key)
    return value.strip() if isinstance(value, str) else ""


def _opt(form: Any, key: str) -> str | None:
    return _form_value(form, key) or None


def _child_index(form: Any, minutes: dict) -> int:
    try:
        n = int(_form_value(form, "child"))
    except ValueError:
        n = -1
    if not 0 <= n < len(minutes["children"]):
        raise RecordInvalid("child_id", "child_id: choose a child on the agenda")
    return n


def _add_child(form: Any, minutes: dict) -> None:
    minutes["children"].append({"child_id": _form_value(form, "child_id") or None})


def _add_place(form: Any, minutes: dict) -> None:
    keys = ("name", "type", "postcode")
    minutes["places"].append({k: _opt(form, k) for k in keys if _opt(form, k)})


def _add_person(form: Any, minutes: dict) -> None:
    aliases = [a.strip() for a in _form_value(form, "aliases").split(",") if a.strip()]
    person: dict[str, Any] = {"name": _opt(form, "name"), "aliases": aliases}
    person |= {"description": _opt(form, "description"), "approx_age": _opt(form, "approx_age")}
    minutes["persons"].append({k: v for k, v in person.items() if v not in (None, [])})


def _add_attendee(form: Any, minutes: dict) -> None:
    minutes["attendees"].append(
        {
            "name": _form_value(form, "name"),
            "role": _opt(form, "role"),
            "agency": _opt(form, "agency"),
            "attended": form.get("apologies") != "yes",
        }
    )


def _discussion(form: Any, minutes: dict) -> None:
    part = minutes["children"][_child_index(form, minutes)]
    for key in ("discussion", "decisions", "risk_level_agreed"):
        part[key] = _opt(form, key)


def _add_action(form: Any, minutes: dict) -> None:
    part = minutes["children"][_child_index(form, minutes)]
    action = {k: _opt(form, k) for k in ("description", "owner_agency", "due_date", "owner_name")}
    part["actions"].append({k: v for k, v in action.items() if v is not None or k != "owner_name"})


def _notes(form: Any, minutes: dict) -> None:
    minutes["notes"] = _opt(form, "notes")


def _check_seen(conn: Connection, minutes: Minutes, agency: str) -> None:
    """The child just added is one the coordinator may see: a restricted
    child is refused in the words of an unknown one, so the refusal does
    not tell that the child is on the record."""
    i = len(minutes.children) - 1
    cid = str(minutes.children[i].child_id)
    if cid not in meetings.children_seen_by(conn, [cid], agency):
        raise RecordInvalid(
            f"children.{i}.child_id", f"children.{i}.child_id: no such child on the central record"
        )


PARTS: dict[str, Callable[[Any, dict], None]] = {
    "child": _add_child,
    "place": _add_place,
    "person": _add_person,
    "attendee": _add_attendee,
    "discussion": _discussion,
    "action": _add_action,
    "notes": _notes,
}


# Children offered per page of the agenda's child search.
PICK_LIMIT = 10
SEARCH_FIELDS = ("name", "date_of_birth", "nhs_number")


def _child_search(params: Any) -> tuple[child_search.Ask, dict[str, str], dict[str, str], int]:
    """The agenda's child search from the page's query: (what to match,
    what was typed, errors at the fields, the page number from 1). A bad
    field leaves the search empty, so it finds no one."""
    typed = {k: (params.get(k) or "").strip()[:200] for k in SEARCH_FIELDS}
    errors: dict[str, str] = {}
    born = None
    if typed["date_of_birth"]:
        try:
            born = date.fromisoformat(typed["date_of_birth"])
        except ValueError:
            errors["date_of_birth"] = "Date of birth: enter a date, for example 2014-03-09"
    if typed["name"] and len(typed["name"]) < 2:
        errors["name"] = "Name: enter at least 2 letters of the child's name"
    try:
        page = max(int(params.get("page") or 1), 1)
    except ValueError:
        page = 1
    if errors:
        return child_search.Ask(), typed, errors, page
    ask = child_search.Ask(typed["name"], born, typed["nhs_number"])
    return ask, typed, errors, page


def _search_query(typed: dict[str, str], page: int) -> str:
    """The query string of the same search at `page`."""
    return urlencode({k: v for k, v in typed.items() if v} | {"page": page})


def _page(
    request: Request, user: ConsoleUser, meeting: Meeting, *, status: int = 200, **context: Any
) -> Response:
    ask, typed_search, search_errors, page_no = _child_search(request.query_params)
    on_agenda = [str(c.child_id) for c in meeting.minutes.children]
    with engine_of(request).connect() as conn:
        named = meetings.children_seen_by(conn, on_agenda, user.agency)
        found = child_search.search(
            conn,
            ask,
            agency=user.agency,
            limit=PICK_LIMIT,
            offset=(page_no - 1) * PICK_LIMIT,
            exclude=on_agenda,
        )
    searched = any(typed_search.values())
    return render(
        request,
        user,
        "meetings/meeting.html",
        status=status,
        # A search is audited as one (its words never are: they may name a child).
        action="console_child_search" if searched else "console_view",
        meeting=meeting,
        names={cid: _name(d) for cid, d in named.items()},
        searched=searched,
        found=found,
        search_typed=typed_search,
        search_errors=search_errors,
        page_no=page_no,
        previous_query=_search_query(typed_search, page_no - 1) if page_no > 1 else "",
        next_query=_search_query(typed_search, page_no + 1) if found.more else "",
        agency_pairs=[(a.value, a.words) for a in Agency],
        level_pairs=[(r.value, r.words) for r in RiskLevel],
        errors=context.pop("errors", {}),
        typed=context.pop("typed", {}),
        **context,
    )


@router.get("/meetings", openapi_extra=in_nav("Exploitation meetings", order=30))
def meeting_list(request: Request, user: Coordinator) -> Response:
    with engine_of(request).connect() as conn:
        found = meetings.list_meetings(conn)
    return render(request, user, "meetings/list.html", meetings=found, errors={}, typed={})


@router.post("/meetings")
async def new_meeting(request: Request, user: Coordinator) -> Response:
    form = await request.form()
    typed = {"date": _form_value(form, "date"), "chair": _form_value(form, "chair")}
    try:
        when = date.fromisoformat(typed["date"])
    except ValueError:
        errors = {"date": "Date: enter the meeting's date, for example 2026-12-04"}
        with engine_of(request).connect() as conn:
            found = meetings.list_meetings(conn)
        return render(
            request,
            user,
            "meetings/list.html",
            status=400,
            meetings=found,
            errors=errors,
            typed=typed,
        )
    with engine_of(request).begin() as conn:
        meeting_id = meetings.create(conn, date=when, chair=typed["chair"], by=user.name)
    return RedirectResponse(f"{BASE}/{meeting_id}", status_code=303)


def _load(request: Request, meeting_id: str) -> Meeting:
    with engine_of(request).connect() as conn:
        return meetings.load(conn, meeting_id)


@router.get("/meetings/{meeting_id}")
def meeting_page(request: Request, user: Coordinator, meeting_id: str) -> Response:
    try:
        meeting = _load(request, meeting_id)
    except MeetingNotFound:
        return render(request, user, "problem.html", status=404, message="No such meeting.")
    return _page(request, user, meeting, saved=request.query_params.get("saved"))


@router.post("/meetings/{meeting_id}/finalise")
def finalise(request: Request, user: Coordinator, meeting_id: str) -> Response:
    try:
        with engine_of(request).begin() as conn:
            meeting_records.finalise(
                conn,
                meeting_id,
                worker_id=user.worker_id,
                worker=user.name,
                role=user.role,
                agency=user.agency,
            )
    except MeetingNotFound:
        return render(request, user, "problem.html", status=404, message="No such meeting.")
    except RecordInvalid as exc:
        field, words = _plain(exc)
        return _page(
            request, user, _load(request, meeting_id), status=400, errors={"finalise": words}
        )
    return RedirectResponse(f"{BASE}/{meeting_id}?saved=finalised", status_code=303)


@router.post("/meetings/{meeting_id}/{part}")
async def change_part(request: Request, user: Coordinator, meeting_id: str, part: str) -> Response:
    change = PARTS.get(part)
    try:
        meeting = _load(request, meeting_id)
    except MeetingNotFound:
        change = None
    if change is None:
        return render(request, user, "problem.html", status=404, message="No such meeting.")
    form = await request.form()
    minutes = meeting.minutes.model_dump(mode="json")
    try:
        change(form, minutes)
        valid = meetings.validate_minutes(minutes)
        with engine_of(request).begin() as conn:
            if part == "child":
                _check_seen(conn, valid, user.agency)
            meetings.save(conn, meeting_id, valid)
    except RecordInvalid as exc:
        field, words = _plain(exc)
        typed = {k: v for k, v in form.items() if k != "csrf_token" and isinstance(v, str)}
        return _page(
            request, user, meeting, status=400, errors={part: {field: words}}, typed={part: typed}
        )
    return RedirectResponse(f"{BASE}/{meeting_id}?saved={part}", status_code=303)


@router.get("/meetings/{meeting_id}/{document}.pdf")
def meeting_document(
    request: Request, user: Coordinator, meeting_id: str, document: str
) -> Response:
    make = {"agenda": meeting_pdf.agenda_pdf, "minutes": meeting_pdf.minutes_pdf}.get(document)
    try:
        meeting = _load(request, meeting_id)
    except MeetingNotFound:
        make = None
    if make is None:
        return render(request, user, "problem.html", status=404, message="No such document.")
    engine = engine_of(request)
    with engine.begin() as conn:
        ids = [str(c.child_id) for c in meeting.minutes.children]
        names = {
            cid: _name(d) for cid, d in meetings.children_seen_by(conn, ids, user.agency).items()
        }
        body = make(meeting, names)
        # A print of each child's part, as a laptop's print is audited.
        for cid in ids:
            record_audit(
                conn,
                action="print",
                worker_id=user.worker_id,
                child_id=cid,
                detail=f"MACE {document}",
            )
    headers = {
        "Content-Disposition": f'attachment; filename="mace-{document}-{meeting.minutes.date}.pdf"'
    }
    return Response(body, media_type="application/pdf", headers=headers)
