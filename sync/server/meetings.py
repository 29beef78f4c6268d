"""Exploitation (MACE) meetings while the coordinator prepares and holds
them: the agenda (children, places and persons of concern), attendance,
each child's discussion, decisions and actions, and the outcome.

A meeting is one row of `mace_meetings` whose `minutes` are a `Minutes`
document, validated whole at every save, so a bad field stores nothing.
Finalising it (`meeting_records.finalise`) writes each child's part onto
that child's record and closes the row to edits; the row stays as the
minutes the PDF prints.

Nothing here logs or raises case text: a refusal names the field by its
position in the minutes (`children.1.actions.0.due_date`).
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from dataclasses import dataclass
from typing import Annotated, Any

import sqlalchemy as sa
from pydantic import Field, ValidationError
from sqlalchemy.engine import Connection

from sync.errors import RecordInvalid
from sync.kinds.casework import Attendee
from sync.kinds.common import Agency, LongText, Part, Place, RiskLevel, ShortText
from sync.kinds.episodes import Person
from sync.kinds.restriction import may_see
from sync.server.schema import mace_meetings, records

OPEN, FINAL = "open", "final"


class MeetingAction(Part):
    """An action the meeting agreed for one child, owned by one agency."""

    description: Annotated[str, Field(min_length=1, max_length=5000)]
    owner_agency: Agency
    due_date: dt.date
    owner_name: ShortText | None = None


class ChildPart(Part):
    """One child on the agenda and what the meeting said of them. Only this
    part (with the shared agenda and attendance) reaches the child's record."""

    child_id: uuid.UUID
    discussion: LongText | None = None
    decisions: LongText | None = None
    risk_level_agreed: RiskLevel | None = None
    actions: list[MeetingAction] = Field(default_factory=list)


class Minutes(Part):
    """The whole meeting. `notes` are the chair's own (they may speak of
    several children), kept in the minutes and never copied to a child."""

    date: dt.date
    chair: ShortText | None = None
    children: list[ChildPart] = Field(default_factory=list)
    places: list[Place] = Field(default_factory=list)
    persons: list[Person] = Field(default_factory=list)
    attendees: list[Attendee] = Field(default_factory=list)
    notes: LongText | None = None


class MeetingNotFound(LookupError):
    """No meeting by that id."""


class MeetingClosed(RecordInvalid):
    """A finalised meeting is not changed; its records are the children's now."""


@dataclass(frozen=True)
class Meeting:
    id: str
    state: str
    minutes: Minutes
    created_by: str
    finalised_at: dt.datetime | None
    finalised_by: str | None

    @property
    def is_final(self) -> bool:
        return self.state == FINAL


def validate_minutes(data: dict[str, Any]) -> Minutes:
    """`data` as Minutes, or RecordInvalid naming the first bad field."""
    try:
        return Minutes.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"]) or "minutes"
        # pydantic's message, never the value it refused (it may be case text).
        raise RecordInvalid(f"{where}", f"{where}: {err['msg']}") from None


def create(conn: Connection, *, date: dt.date, chair: str | None, by: str) -> str:
    """A new open meeting with an empty agenda; its id."""
    minutes = validate_minutes({"date": date, "chair": chair or None})
    meeting_id = str(uuid.uuid4())
    now = dt.datetime.now(dt.UTC)
    conn.execute(
        sa.insert(mace_meetings).values(
            id=meeting_id,
            meeting_date=minutes.date,
            state=OPEN,
            minutes=minutes.model_dump(mode="json"),
            created_at=now,
            created_by=by,
            updated_at=now,
        )
    )
    return meeting_id


def load(conn: Connection, meeting_id: str) -> Meeting:
    row = conn.execute(sa.select(mace_meetings).where(mace_meetings.c.id == meeting_id)).first()
    if row is None:
        raise MeetingNotFound(meeting_id)
    return Meeting(
        id=row.id,
        state=row.state,
        minutes=Minutes.model_validate(row.minutes),
        created_by=row.created_by,
        finalised_at=row.finalised_at,
        finalised_by=row.finalised_by,
    )


def list_meetings(conn: Connection) -> list[Meeting]:
    """Every meeting, the newest date first."""
    rows = conn.execute(
        sa.select(mace_meetings.c.id).order_by(
            mace_meetings.c.meeting_date.desc(), mace_meetings.c.created_at.desc()
        )
    )
    return [load(conn, row.id) for row in rows]


def save(conn: Connection, meeting_id: str, minutes: Minutes) -> None:
    """Store `minutes` as the meeting's whole content. Refused (nothing
    stored) when the meeting is final or a child is not on the record."""
    meeting = load(conn, meeting_id)
    if meeting.is_final:
        raise MeetingClosed(
            "meeting", "meeting: it is finalised; its records are on each child's record now"
        )
    check_children(conn, minutes)
    conn.execute(
        sa.update(mace_meetings)
        .where(mace_meetings.c.id == meeting_id, mace_meetings.c.state == OPEN)
        .values(
            minutes=minutes.model_dump(mode="json"),
            meeting_date=minutes.date,
            updated_at=dt.datetime.now(dt.UTC),
        )
    )


def check_children(conn: Connection, minutes: Minutes) -> None:
    """Each child on the agenda once, and on the record (RecordInvalid)."""
    ids = [str(c.child_id) for c in minutes.children]
    for i, cid in enumerate(ids):
        if cid in ids[:i]:
            raise RecordInvalid(
                f"children.{i}.child_id",
                f"children.{i}.child_id: this child is already on the agenda",
            )
    known = child_records(conn, ids)
    for i, cid in enumerate(ids):
        if cid not in known:
            raise RecordInvalid(
                f"children.{i}.child_id",
                f"children.{i}.child_id: no such child on the central record",
            )


def child_records(conn: Connection, child_ids: list[str]) -> dict[str, dict[str, Any]]:
    """The live child records among `child_ids`: id → data."""
    if not child_ids:
        return {}
    rows = conn.execute(
        sa.select(records.c.id, records.c.data).where(
            records.c.id.in_(child_ids), records.c.kind == "child", records.c.deleted.is_(False)
        )
    )
    return {row.id: json.loads(row.data) for row in rows}


def children_seen_by(conn: Connection, child_ids: list[str], agency: str) -> dict[str, dict]:
    """The child records among `child_ids` a worker of `agency` may see."""
    return {
        cid: data for cid, data in child_records(conn, child_ids).items() if may_see(agency, data)
    }
