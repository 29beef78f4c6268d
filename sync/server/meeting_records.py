"""Finalising an exploitation (MACE) meeting: each child on the agenda gets
the `meeting` record of the casework part (`sync.kinds.casework.Meeting`,
type MACE) on their own record, and each action the meeting agreed for
them a plan action on their open plan pointing at that meeting
(`PlanAction.meeting_id`), written through the push (`central_writes`) so
the same rules apply and each allocated worker's laptop receives them at
its next sync. All of it or nothing: one refusal rolls the whole finalise
back, the meeting stays open and says which child's part was refused.

Why actions become plan actions, not a list inside the meeting record: the
laptop's Meetings tab already shows a meeting's actions as the plan actions
that point at it, the Plan tab and its PDF list them with every other
action, due dates and "overdue" are computed for plan actions, and each
agency updates its own action as a record of its own without colliding
with the others (the reason plan actions are records at all).

What each child's record holds: that child's discussion, decisions, risk
level agreed and actions, plus what the whole meeting shares (date, chair,
attendance, places and persons of concern). Never another child's part, nor
the chair's own notes (they may speak of several children). A child's
restriction (`restricted_to`) is carried onto the records made for them.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from sync.errors import RecordInvalid
from sync.kinds.casework import MeetingType
from sync.kinds.restriction import FIELD as RESTRICTED_TO
from sync.kinds.restriction import may_see
from sync.server.audit import record_audit
from sync.server.central_writes import write_records
from sync.server.meetings import (
    FINAL,
    OPEN,
    ChildPart,
    MeetingClosed,
    Minutes,
    check_children,
    children_seen_by,
    load,
)
from sync.server.schema import mace_meetings, records
from sync.wire import MutationStatus, Record

# The device the console's meeting writes are stored under (mutation ids
# are a device's own).
DEVICE = "console-meetings"
ACCEPTED = {MutationStatus.applied, MutationStatus.merged}
NO_PLAN = (
    "this child has no open plan for the actions to go on: ask the allocated worker"
    " to start one on the laptop's Plan tab, or remove the actions"
)


def meeting_record_id(meeting_id: str, child_id: str) -> uuid.UUID:
    """The child's meeting record: one per meeting and child, the same at a retry."""
    return uuid.uuid5(uuid.UUID(meeting_id), f"meeting/{child_id}")


def action_record_id(meeting_id: str, child_id: str, index: int) -> uuid.UUID:
    return uuid.uuid5(uuid.UUID(meeting_id), f"action/{child_id}/{index}")


def meeting_data(minutes: Minutes, part: ChildPart) -> dict[str, Any]:
    """The `meeting` record's data for one child: their part, and the shared one."""
    said = [
        f"{title}:\n{text}"
        for title, text in (("Discussion", part.discussion), ("Decisions", part.decisions))
        if text and text.strip()
    ]
    data: dict[str, Any] = {
        "meeting_type": MeetingType.mace.value,
        "date": minutes.date.isoformat(),
        "attendees": [a.model_dump(mode="json", exclude_none=True) for a in minutes.attendees],
        "places": [p.model_dump(mode="json", exclude_none=True) for p in minutes.places],
        "persons": [p.model_dump(mode="json", exclude_none=True) for p in minutes.persons],
    }
    if said:
        data["decisions"] = "\n\n".join(said)
    if minutes.chair:
        data["chair"] = minutes.chair
    if part.risk_level_agreed:
        data["risk_level_agreed"] = part.risk_level_agreed.value
    return data


def open_plan(conn: Connection, child_id: str, agency: str) -> str | None:
    """The plan a meeting's actions go on: the child's newest open plan that
    `agency` may see (the laptop's rule, `ui.child_tabs.meeting_actions`)."""
    rows = conn.execute(
        sa.select(records.c.id, records.c.data).where(
            records.c.child_id == child_id,
            records.c.kind == "plan",
            records.c.deleted.is_(False),
        )
    )
    live = []
    for row in rows:
        d = json.loads(row.data)
        closed = d.get("status") == "closed" or d.get("closed") or d.get("entered_in_error")
        if not closed and may_see(agency, d):
            live.append((str(d.get("start_date") or ""), row.id))
    return max(live)[1] if live else None


def records_for(
    conn: Connection, meeting_id: str, minutes: Minutes, agency: str
) -> list[tuple[int, Record]]:
    """Every record the finalise writes, each with its child's place on the
    agenda (RecordInvalid, naming the place, when one cannot be made)."""
    if not minutes.children:
        raise RecordInvalid(
            "children", "children: put at least one child on the agenda before finalising"
        )
    check_children(conn, minutes)
    ids = [str(c.child_id) for c in minutes.children]
    seen = children_seen_by(conn, ids, agency)
    now = dt.datetime.now(dt.UTC)
    out: list[tuple[int, Record]] = []
    for i, part in enumerate(minutes.children):
        cid = str(part.child_id)
        if cid not in seen:
            raise RecordInvalid(
                f"children.{i}.child_id",
                f"children.{i}.child_id: this child's record is not seen by you",
            )
        restriction = seen[cid].get(RESTRICTED_TO)
        extra = {RESTRICTED_TO: restriction} if restriction else {}
        mid = meeting_record_id(meeting_id, cid)

        def record(rid: uuid.UUID, kind: str, data: dict[str, Any], child: str = cid) -> Record:
            return Record(
                id=rid, kind=kind, child_id=child, updated_at=now, updated_by="", data=data
            )

        out.append((i, record(mid, "meeting", meeting_data(minutes, part) | extra)))
        if not part.actions:
            continue
        plan_id = open_plan(conn, cid, agency)
        if plan_id is None:
            raise RecordInvalid(f"children.{i}.actions", f"children.{i}.actions: {NO_PLAN}")
        for j, action in enumerate(part.actions):
            data = {
                "plan_id": plan_id,
                "meeting_id": str(mid),
                **action.model_dump(mode="json", exclude_none=True),
            }
            out.append(
                (i, record(action_record_id(meeting_id, cid, j), "plan_action", data | extra))
            )
    return out


def finalise(
    conn: Connection, meeting_id: str, *, worker_id: int, worker: str, role: str, agency: str
) -> list[str]:
    """Close the meeting and write each child's records; the ids of the
    records written. The caller's transaction must roll back on any
    exception: a refusal (RecordInvalid, MeetingClosed) raised here may
    follow writes this function already made."""
    meeting = load(conn, meeting_id)
    if meeting.is_final:
        raise MeetingClosed("meeting", "meeting: it is already finalised")
    made = records_for(conn, meeting_id, meeting.minutes, agency)
    # The push first: on PostgreSQL a transaction takes its change sequence
    # numbers before its first write (`sequence.take_seqs`).
    results = write_records(
        conn,
        worker_id=worker_id,
        worker=worker,
        role=role,
        agency=agency,
        records=[r for _, r in made],
        device_id=DEVICE,
    )
    for (i, _), result in zip(made, results, strict=True):
        if result.status not in ACCEPTED:
            # The push's reason names a field of the record, never its text.
            raise RecordInvalid(
                f"children.{i}", f"children.{i}: the central record refused it ({result.reason})"
            )
    # Closed only if still open: of two finalising at once, the second waits
    # for the first's row lock, finds it final and rolls its writes back.
    claimed = conn.execute(
        sa.update(mace_meetings)
        .where(mace_meetings.c.id == meeting_id, mace_meetings.c.state == OPEN)
        .values(state=FINAL, finalised_at=dt.datetime.now(dt.UTC), finalised_by=worker)
    ).rowcount
    if claimed != 1:
        raise MeetingClosed("meeting", "meeting: it is already finalised")
    for _, rec in made:
        if rec.kind == "meeting":
            record_audit(
                conn,
                action="edit",
                worker_id=worker_id,
                device_id=DEVICE,
                child_id=str(rec.child_id),
                record_id=str(rec.id),
                detail="MACE meeting finalised",
            )
    return [str(r.id) for _, r in made]
