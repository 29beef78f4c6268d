"""The coordinator's daily central record list: every current child who is
missing now (an open missing episode), missing education (an open CME
episode) or at risk of exploitation (the latest screening's practitioner
level, or the child's own risk level, medium or high), with what the
coordinator acts on: allocated workers and team, last visit, the return
home interview due, plan review, and whether anything changed in the last day.

Read from `daily_rows` (see `sync.server.daily_rows`: narrow rows kept with
the records, so a council's million records answer in milliseconds): a few
queries over the whole council, not one per child, and no record's JSON.

Need to know holds: what the reader's agency may not see (`restricted_to`)
gives no dates, levels or changes. But a child whom only such a record puts
on the list (a police-only open missing episode, say) is still listed, with
no reason but "a restricted police record — ask the police contact"
(`restricted_by`): the coordinator learns whom to ask, and nothing of what
the record says, not even which of the three reasons it is."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from sync.kinds.restriction import agency_words
from sync.server.council_rules import return_interview_hours
from sync.server.db import among
from sync.server.schema import assignments, daily_rows, teams, workers
from sync.server.trends import visible_to

AT_RISK_LEVELS = frozenset({"medium", "high"})
SORTS = ("name", "team", "last_visit", "interview_due", "plan_review", "screening_date")
# The kinds read whole for the list (a visit is read only as each listed
# child's last one).
FACT_KINDS = ("child", "missing_episode", "cme_episode", "assessment", "plan")


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
    # The agencies of records the reader may not see that would put the
    # child on the list by themselves; empty for none.
    restricted_by: list[str] = field(default_factory=list)

    @property
    def unallocated(self) -> bool:
        return not self.workers

    @property
    def restricted_words(self) -> str | None:
        """'A restricted police record — ask the police contact', or None."""
        if not self.restricted_by:
            return None
        names = [_agency(a) for a in self.restricted_by]
        if len(names) == 1:
            return f"A restricted {names[0]} record — ask the {names[0]} contact"
        return f"A restricted record of {' and '.join(names)} — ask their contacts"


def _agency(code: str) -> str:
    words = agency_words(code)
    return words if words.isupper() else words.lower()


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


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")


def daily_list(
    engine: sa.Engine,
    filters: Filters = Filters(),
    *,
    agency: str,
    now: datetime | None = None,
) -> list[DailyChild]:
    """The children on the list as a reader of `agency` may see it, by name;
    `filters` narrow it (the three reasons are OR'd together when more than
    one is chosen; a child listed for a restricted record shows under any)."""
    now = now or datetime.now(UTC)
    since = _utc(now - timedelta(hours=24))
    with engine.connect() as conn:
        hours = return_interview_hours(conn)
        found = _facts(conn, agency, hours, now)
        on_list = {
            k: v
            for k, v in found.items()
            if v.missing_now or v.missing_education or v.at_risk or v.restricted_by
        }
        ids = list(on_list)
        _restricted_visits(conn, on_list, agency)
        d = daily_rows.c
        for child_id in conn.execute(
            sa.select(d.child_id)
            .where(d.updated_at >= since, visible_to(agency, d.restricted_to))
            .distinct()
        ).scalars():
            if child_id in on_list:
                on_list[child_id].changed_since_yesterday = True
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
            .where(assignments.c.via == "allocated", among(conn, assignments.c.child_id, ids))
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


def _listing_agencies(unseen: list[Any], latest: str | None) -> list[str]:
    """The agencies of the records the reader may not see (`unseen`) that
    by themselves would put the child on the list: an open episode, or a
    screening at risk later than the latest the reader sees."""
    agencies: set[str] = set()
    for row in unseen:
        newer = str(row.day or "") > (latest or "")
        if row.open or (row.kind == "assessment" and row.level in AT_RISK_LEVELS and newer):
            agencies |= {a for a in str(row.restricted_to).split(",") if a}
    return sorted(agencies)


def _restricted_visits(conn: sa.Connection, on_list: dict[str, DailyChild], agency: str) -> None:
    """A restricted visit the reader may see, later than the child's last
    visit for all (on the child's row): the few restricted visits of the
    council, read by the index on kind and restriction."""
    d = daily_rows.c
    rows = conn.execute(
        sa.select(d.child_id, sa.func.max(d.day))
        .where(
            d.kind == "visit",
            d.restricted_to.is_not(None),
            visible_to(agency, d.restricted_to),
        )
        .group_by(d.child_id)
    )
    for child_id, day in rows:
        entry = on_list.get(child_id)
        seen = _day(day)
        if entry is not None and seen and (entry.last_visit is None or seen > entry.last_visit):
            entry.last_visit = seen


def _facts(conn: sa.Connection, agency: str, hours: int, now: datetime) -> dict[str, DailyChild]:
    """Every current child with what the reader may see of their episodes,
    plans and screenings, folded to one row per child in SQL; then the
    agencies of what they may not see that would list the child."""
    d = daily_rows.c
    seen = visible_to(agency, d.restricted_to)

    def of(kind: str, *also: sa.ColumnElement[bool], then: Any = None) -> Any:
        return sa.case((sa.and_(d.kind == kind, seen, *also), then), else_=None)

    is_open = d.open.is_(True)
    # A screening's date and level in one text: the greatest is the latest.
    screening = d.day + "|" + sa.func.coalesce(d.level, "")
    folded = (
        sa.select(
            d.child_id,
            sa.func.max(of("child", then=d.name)).label("name"),
            sa.func.max(of("child", then=d.level)).label("risk"),
            sa.func.max(of("child", then=d.day)).label("last_visit"),
            sa.func.max(of("missing_episode", is_open, then=1)).label("missing_now"),
            sa.func.max(of("cme_episode", is_open, then=1)).label("missing_education"),
            sa.func.min(of("missing_episode", then=d.returned)).label("returned"),
            sa.func.min(of("plan", then=d.day)).label("plan_review"),
            sa.func.max(of("assessment", then=screening)).label("screening"),
        )
        .where(
            d.kind.in_(FACT_KINDS),
            sa.or_(
                d.kind.in_(("child", "assessment")),
                is_open,
                d.returned.is_not(None),
                sa.and_(d.kind == "plan", d.day.is_not(None)),
            ),
        )
        .group_by(d.child_id)
    )
    found: dict[str, DailyChild] = {}
    latest: dict[str, str] = {}
    for row in conn.execute(folded):
        if row.name is None:  # the child's own record is gone
            continue
        entry = found[row.child_id] = DailyChild(
            child_id=row.child_id,
            name=row.name,
            missing_now=bool(row.missing_now),
            missing_education=bool(row.missing_education),
            last_visit=_day(row.last_visit),
            plan_review=_day(row.plan_review),
        )
        returned = _moment(row.returned)
        if returned is not None:
            due = returned + timedelta(hours=hours)
            entry.interview_due, entry.interview_late = due, due < now
        if row.screening:
            day, _, level = row.screening.partition("|")
            latest[row.child_id] = day
            entry.screening_date, entry.screening_level = _day(day), level or None
        entry.at_risk = row.risk in AT_RISK_LEVELS or entry.screening_level in AT_RISK_LEVELS
    hidden = conn.execute(
        sa.select(d.child_id, d.kind, d.open, d.day, d.level, d.restricted_to).where(
            d.kind.in_(("missing_episode", "cme_episode", "assessment")),
            sa.not_(seen),
            sa.or_(is_open, d.kind == "assessment"),
        )
    )
    unseen: dict[str, list[Any]] = defaultdict(list)
    for one in hidden:
        unseen[one.child_id].append(one)
    for child_id, rows in unseen.items():
        if child_id in found:
            found[child_id].restricted_by = _listing_agencies(rows, latest.get(child_id))
    return found


def _wanted(entry: DailyChild, filters: Filters) -> bool:
    reasons = (filters.missing_now, filters.missing_education, filters.at_risk)
    if not any(reasons) or entry.restricted_by:
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
