"""The coordinator's daily central record list: every current child who is
missing now (an open missing episode), missing education (an open CME
episode) or at risk of exploitation (the latest screening's practitioner
level, or the child's own risk level, medium or high), with what the
coordinator acts on: allocated workers and team, last visit, the return
home interview due, plan review, and whether anything changed in the last day.

Read from `daily_rows` (see `sync.server.daily_rows`: narrow rows kept with
the records, so a council's million records answer in milliseconds): a few
queries over the whole council, not one per child; only the listed
children's own records are read, for their names.

Need to know holds: what the reader's agency may not see (`restricted_to`)
gives no dates, levels or changes. But a child whom only such a record puts
on the list (a police-only open missing episode, say) is still listed, with
no reason but "a restricted police record — ask the police contact"
(`restricted_by`): the coordinator learns whom to ask, and nothing of what
the record says, not even which of the three reasons it is."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from sync.kinds.restriction import agency_words
from sync.server.council_rules import return_interview_hours
from sync.server.db import among
from sync.server.schema import assignments, daily_rows, records, teams, workers
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
    # The agencies of records the reader may not see that would put the
    # child on the list by themselves; empty for none.
    restricted_by: list[str] = field(default_factory=list)

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
    d = daily_rows.c
    seen = sa.case((visible_to(agency, d.restricted_to), 1), else_=0).label("seen")
    facts = (
        sa.select(d.child_id, d.kind, d.open, d.day, d.returned, d.level, d.restricted_to, seen)
        .where(d.kind.in_(FACT_KINDS))
        .where(
            sa.or_(
                d.kind.in_(("child", "assessment")),
                d.open.is_(True),
                d.returned.is_not(None),
                sa.and_(d.kind == "plan", d.day.is_not(None)),
            )
        )
    )
    with engine.connect() as conn:
        hours = return_interview_hours(conn)
        rows = conn.execute(facts).all()
        found: dict[str, DailyChild] = {}
        for row in rows:
            if row.kind == "child":
                entry = found[row.child_id] = DailyChild(child_id=row.child_id, name="")
                entry.at_risk = row.level in AT_RISK_LEVELS
        latest: dict[str, tuple[str, str | None]] = {}
        hidden: dict[str, list[Any]] = defaultdict(list)
        for row in rows:
            held = found.get(row.child_id)
            if held is None or row.kind == "child":
                continue
            if row.seen:
                _read(row, held, latest, hours, now)
            else:
                hidden[row.child_id].append(row)
        for child_id, (day, level) in latest.items():
            entry = found[child_id]
            entry.screening_level, entry.screening_date = level, _day(day)
            if level in AT_RISK_LEVELS:
                entry.at_risk = True
        for child_id, unseen in hidden.items():
            found[child_id].restricted_by = _listing_agencies(unseen, latest.get(child_id))
        on_list = {
            k: v
            for k, v in found.items()
            if v.missing_now or v.missing_education or v.at_risk or v.restricted_by
        }
        _names(conn, on_list)
        ids = list(on_list)
        _last_visits(conn, on_list, agency)
        for child_id in conn.execute(
            sa.select(d.child_id)
            .where(d.updated_at >= since, visible_to(agency, d.restricted_to))
            .distinct()
        ).scalars():
            if child_id in on_list:
                on_list[child_id].changed_since_yesterday = True
        allocated = conn.execute(
            sa.select(
                assignments.c.child_id, workers.c.id, workers.c.name, teams.c.id, teams.c.name
            )
            .select_from(
                assignments.join(workers).outerjoin(teams, workers.c.team_id == teams.c.id)
            )
            .where(assignments.c.via == "allocated", among(conn, assignments.c.child_id, ids))
            .order_by(workers.c.name)
        ).all()
    worker_ids: dict[str, set[int]] = defaultdict(set)
    team_ids: dict[str, set[int]] = defaultdict(set)
    for child_id, worker_id, worker_name, team_id, team_name in allocated:
        entry = on_list[child_id]
        entry.workers.append(worker_name)
        worker_ids[child_id].add(worker_id)
        if team_name and team_name not in entry.teams:
            entry.teams.append(team_name)
            team_ids[child_id].add(team_id)
    chosen = [
        e
        for e in on_list.values()
        if _wanted(e, filters)
        and (filters.worker_id is None or filters.worker_id in worker_ids[e.child_id])
        and (filters.team_id is None or filters.team_id in team_ids[e.child_id])
    ]
    return sorted(chosen, key=lambda e: (e.name.casefold(), e.child_id))


def _listing_agencies(unseen: list[Any], latest: tuple[str, str | None] | None) -> list[str]:
    """The agencies of the records the reader may not see (`unseen`) that
    by themselves would put the child on the list: an open episode, or a
    screening at risk later than the latest the reader sees."""
    agencies: set[str] = set()
    for row in unseen:
        newer = str(row.day or "") > (latest[0] if latest else "")
        if row.open or (row.kind == "assessment" and row.level in AT_RISK_LEVELS and newer):
            agencies |= {a for a in str(row.restricted_to).split(",") if a}
    return sorted(agencies)


def _names(conn: sa.Connection, on_list: dict[str, DailyChild]) -> None:
    """The listed children's names, from their own records; a child whose
    record is not current (gone meanwhile) leaves the list."""
    named = conn.execute(
        sa.select(records.c.id, records.c.data).where(
            among(conn, records.c.id, list(on_list)),
            records.c.kind == "child",
            records.c.deleted.is_(False),
        )
    ).all()
    current = {row.id: _name(json.loads(row.data)) for row in named}
    for child_id in list(on_list):
        if child_id in current:
            on_list[child_id].name = current[child_id]
        else:
            del on_list[child_id]


def _last_visits(conn: sa.Connection, on_list: dict[str, DailyChild], agency: str) -> None:
    """Each listed child's last visit the reader may see: one index probe
    per child (`daily_rows_child`), not every visit of the council."""
    d, v = daily_rows.c, daily_rows.alias("v").c
    last = (
        sa.select(sa.func.max(v.day))
        .where(v.child_id == d.child_id, v.kind == "visit", visible_to(agency, v.restricted_to))
        .scalar_subquery()
    )
    rows = conn.execute(
        sa.select(d.child_id, last).where(d.kind == "child", among(conn, d.child_id, list(on_list)))
    )
    for child_id, day in rows:
        on_list[child_id].last_visit = _day(day)


def _read(
    row: Any,
    entry: DailyChild,
    latest: dict[str, tuple[str, str | None]],
    hours: int,
    now: datetime,
) -> None:
    kind = row.kind
    if kind == "missing_episode":
        if row.open:
            entry.missing_now = True
            return
        returned = _moment(row.returned)
        if returned is None:
            return
        due = returned + timedelta(hours=hours)
        if entry.interview_due is None or due < entry.interview_due:
            entry.interview_due, entry.interview_late = due, due < now
    elif kind == "cme_episode":
        entry.missing_education = entry.missing_education or bool(row.open)
    elif kind == "assessment":
        held = latest.get(entry.child_id)
        if held is None or str(row.day) > held[0]:
            latest[entry.child_id] = (str(row.day or ""), row.level)
    elif kind == "plan":
        review = _day(row.day)
        if review and (entry.plan_review is None or review < entry.plan_review):
            entry.plan_review = review


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
