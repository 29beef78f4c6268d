"""The coordinator's daily central record list: every current child who is
missing now (an open missing episode), missing education (an open CME
episode) or at risk of exploitation (the latest screening's practitioner
level, or the child's own risk level, medium or high), with what the
coordinator acts on: allocated workers and team, last visit, the return home
interview due, plan review, and whether anything changed in the last day.

A handful of queries over current records (children, their episodes,
screenings, plans, visits, allocations), not one per child; record data is
JSON, read here in Python."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from sync.server.schema import assignments, records, teams, workers

# The return home interview is due 72 hours after the child came back. The
# rule's number lives in desktop/due_dates (DEFAULT rules), which the service
# may not import (tests/test_layering.py); sync.kinds.council lets a council
# change it per laptop, but the central record holds no such file, so the
# statutory default is used here.
RETURN_HOME_INTERVIEW_HOURS = 72
AT_RISK_LEVELS = frozenset({"medium", "high"})
KINDS = ("missing_episode", "cme_episode", "assessment", "plan", "visit")
SORTS = ("name", "team", "last_visit", "interview_due", "plan_review", "screening_date")


@dataclass
class DailyChild:
    child_id: str
    name: str
    missing_now: bool = False
    missing_education: bool = False
    at_risk: bool = False
    workers: list[str] = field(default_factory=list)
    teams: list[str] = field(default_factory=list)
    last_visit: date | None = None
    interview_due: datetime | None = None
    interview_late: bool = False
    plan_review: date | None = None
    screening_level: str | None = None
    screening_date: date | None = None
    changed_since_yesterday: bool = False
    # Allocated only to accounts now disabled (a leaver, `leavers`): the
    # child is on nobody's working caseload until someone takes them on.
    worker_left: bool = False

    @property
    def unallocated(self) -> bool:
        return not self.workers


@dataclass(frozen=True)
class Filters:
    missing_now: bool = False
    missing_education: bool = False
    at_risk: bool = False
    worker_id: int | None = None
    team_id: int | None = None
    # Only children no enabled account is allocated (none, or a leaver's).
    unallocated: bool = False


def _moment(value: Any) -> datetime | None:
    if not value:
        return None
    moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _day(value: Any) -> date | None:
    return date.fromisoformat(str(value)[:10]) if value else None


def _name(data: dict[str, Any]) -> str:
    parts = (str(data.get(k) or "") for k in ("first_name", "last_name"))
    return " ".join(parts).strip() or "A child"


def _current(kinds: tuple[str, ...]) -> sa.Select:
    return sa.select(
        records.c.child_id, records.c.kind, records.c.data, records.c.updated_at
    ).where(
        records.c.kind.in_(kinds),
        records.c.deleted.is_(False),
        # A record restricted to named agencies is left out rather than read
        # past its restriction (need_to_know): the list never shows it.
        records.c.restricted_to.is_(None),
    )


def daily_list(
    engine: sa.Engine, filters: Filters = Filters(), *, now: datetime | None = None
) -> list[DailyChild]:
    """The children on the list, by name; `filters` narrow it (the three
    reasons are OR'd together when more than one is chosen)."""
    now = now or datetime.now(UTC)
    since = now - timedelta(hours=24)
    with engine.connect() as conn:
        children = {
            row.child_id: (json.loads(row.data), row.updated_at)
            for row in conn.execute(_current(("child",)))
        }
        found: dict[str, DailyChild] = {}
        for child_id, (data, updated_at) in children.items():
            entry = DailyChild(child_id=child_id, name=_name(data))
            entry.at_risk = data.get("risk_level") in AT_RISK_LEVELS
            entry.changed_since_yesterday = _changed(updated_at, since)
            found[child_id] = entry
        latest_screening: dict[str, dict[str, Any]] = {}
        for row in conn.execute(_current(KINDS).where(records.c.child_id.in_(list(children)))):
            held = found.get(row.child_id)
            if held is None:
                continue
            data = json.loads(row.data)
            if _changed(row.updated_at, since):
                held.changed_since_yesterday = True
            if data.get("entered_in_error"):
                continue
            _read(row.kind, data, held, latest_screening, now)
        for child_id, screening in latest_screening.items():
            entry = found[child_id]
            entry.screening_level = screening.get("practitioner_level")
            entry.screening_date = _day(screening.get("date"))
            if entry.screening_level in AT_RISK_LEVELS:
                entry.at_risk = True
        on_list = {
            k: v for k, v in found.items() if v.missing_now or v.missing_education or v.at_risk
        }
        allocated = conn.execute(
            sa.select(
                assignments.c.child_id,
                workers.c.id,
                workers.c.name,
                teams.c.id,
                teams.c.name,
                workers.c.disabled_at,
            )
            .select_from(
                assignments.join(workers).outerjoin(teams, workers.c.team_id == teams.c.id)
            )
            .where(assignments.c.via == "allocated", assignments.c.child_id.in_(list(on_list)))
            .order_by(workers.c.name)
        ).all()
    worker_ids: dict[str, set[int]] = defaultdict(set)
    team_ids: dict[str, set[int]] = defaultdict(set)
    for child_id, worker_id, worker_name, team_id, team_name, disabled_at in allocated:
        entry = on_list[child_id]
        if team_name and team_name not in entry.teams:
            entry.teams.append(team_name)
            team_ids[child_id].add(team_id)
        if disabled_at is not None:
            # A disabled account's children stay allocated on the record
            # (enabling it puts everything back), but nobody works them:
            # the team stays shown, the worker does not.
            entry.worker_left = True
            continue
        entry.workers.append(worker_name)
        worker_ids[child_id].add(worker_id)
    chosen = [
        e
        for e in on_list.values()
        if _wanted(e, filters)
        and (filters.worker_id is None or filters.worker_id in worker_ids[e.child_id])
        and (filters.team_id is None or filters.team_id in team_ids[e.child_id])
        and (not filters.unallocated or e.unallocated)
    ]
    return sorted(chosen, key=lambda e: (e.name.casefold(), e.child_id))


def _changed(updated_at: str, since: datetime) -> bool:
    moment = _moment(updated_at)
    return moment is not None and moment >= since


def _read(
    kind: str,
    data: dict[str, Any],
    entry: DailyChild,
    latest_screening: dict[str, dict[str, Any]],
    now: datetime,
) -> None:
    if kind == "missing_episode":
        if not data.get("end"):
            entry.missing_now = True
            return
        due = _interview_due(data)
        if due is not None and (entry.interview_due is None or due < entry.interview_due):
            entry.interview_due, entry.interview_late = due, due < now
    elif kind == "cme_episode":
        if data.get("status", "open") == "open" and not data.get("closed_at"):
            entry.missing_education = True
    elif kind == "assessment":
        held = latest_screening.get(entry.child_id)
        if held is None or str(data.get("date")) > str(held.get("date")):
            latest_screening[entry.child_id] = data
    elif kind == "plan":
        review = _day(data.get("review_date"))
        closed = data.get("status") == "closed"
        if review and not closed and (entry.plan_review is None or review < entry.plan_review):
            entry.plan_review = review
    elif kind == "visit":
        start = _day(data.get("start"))
        if start and (entry.last_visit is None or start > entry.last_visit):
            entry.last_visit = start


def _interview_due(episode: dict[str, Any]) -> datetime | None:
    """As desktop/due_dates.return_interview_due: 72 hours after the return,
    unless done or not applicable."""
    end = _moment(episode.get("end"))
    rhi = episode.get("return_home_interview") or {}
    if end is None or rhi.get("completed_at") or rhi.get("offered") == "na":
        return None
    return end + timedelta(hours=RETURN_HOME_INTERVIEW_HOURS)


def _wanted(entry: DailyChild, filters: Filters) -> bool:
    reasons = (filters.missing_now, filters.missing_education, filters.at_risk)
    if not any(reasons):
        return True
    return (
        (filters.missing_now and entry.missing_now)
        or (filters.missing_education and entry.missing_education)
        or (filters.at_risk and entry.at_risk)
    )


def sort_by(children: list[DailyChild], column: str, descending: bool = False) -> list[DailyChild]:
    """Sorted by a whitelisted column (`SORTS`); empty values last."""
    if column not in SORTS:
        column = "name"
    if column == "name":
        return sorted(children, key=lambda e: e.name.casefold(), reverse=descending)
    if column == "team":
        present = [e for e in children if e.teams]
        missing = [e for e in children if not e.teams]
        ordered = sorted(present, key=lambda e: ", ".join(e.teams).casefold(), reverse=descending)
        return ordered + missing
    present = [e for e in children if getattr(e, column) is not None]
    missing = [e for e in children if getattr(e, column) is None]
    return sorted(present, key=lambda e: getattr(e, column), reverse=descending) + missing
