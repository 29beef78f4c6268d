"""Council-wide trends: missing episodes, return home interviews, children
missing education and screenings, month by month, over the whole record.

Counted from `trend_events` (see `trend_rows`: the current revision of each
record only, nothing entered in error, nothing of a child whose own record
is gone), and only over records the reader's agency may see
(`restriction`): need to know holds for counts too, since even that the
police hold intelligence about someone may be sensitive. What the reader
is then shown (names, or counts with small ones suppressed) is the page's
business; this module only counts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from sync.kinds.common import Agency, RiskLevel
from sync.kinds.restriction import column_matches
from sync.server.council_rules import return_interview_hours
from sync.server.schema import trend_events
from sync.server.trend_rows import ENGLAND, RHI_HOURS

#: the periods a reader may choose, in months
PERIODS = (3, 6, 12, 24)
DEFAULT_MONTHS = 12
LEVELS = tuple(RiskLevel)


def visible_to(agency: str, column: sa.ColumnElement[str]) -> sa.ColumnElement[bool]:
    """Rows a worker of `agency` may count: unrestricted, or restricted to
    agencies including theirs. The code is checked against `Agency` and
    written into the statement (as `need_to_know.visible` does)."""
    pattern: sa.ColumnElement[str] = sa.literal_column(f"'{column_matches(Agency(agency))}'")
    return sa.or_(column.is_(None), column.like(pattern))


@dataclass(frozen=True)
class Period:
    """The last `months` calendar months in England, this one included."""

    months: int
    now: datetime

    def __post_init__(self) -> None:
        if self.months not in PERIODS:
            raise ValueError(f"months: choose one of {', '.join(map(str, PERIODS))}")

    @property
    def month_names(self) -> list[str]:
        """'YYYY-MM' of each month, oldest first."""
        local = self.now.astimezone(ENGLAND)
        index = local.year * 12 + local.month - 1
        return [
            f"{i // 12:04d}-{i % 12 + 1:02d}" for i in range(index - self.months + 1, index + 1)
        ]

    @property
    def first_day(self) -> str:
        return f"{self.month_names[0]}-01"

    @property
    def now_text(self) -> str:
        return self.now.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")


@dataclass(frozen=True)
class Interviews:
    """Return home interviews of the episodes that began in the period and
    have ended (and for which one is applicable), against the council's
    rule of `hours` after the return (the bundled 72 unless it loaded one)."""

    on_time: int  # done within `hours` of the return
    done_late: int  # done, but after `hours`
    not_done_late: int  # not done, and the hours have passed
    not_yet_due: int  # not done, still within the hours
    hours: int = RHI_HOURS

    @property
    def late(self) -> int:
        return self.done_late + self.not_done_late

    @property
    def ended(self) -> int:
        return self.on_time + self.late + self.not_yet_due

    @property
    def percent_on_time(self) -> int | None:
        """Of those due by now, the share done within `hours` (None for none)."""
        due = self.on_time + self.late
        return round(100 * self.on_time / due) if due else None


@dataclass(frozen=True)
class Trends:
    period: Period
    missing_per_month: list[int]  # one per `period.month_names`
    interviews: Interviews
    cme_opened_per_month: list[int]
    cme_closed_per_month: list[int]
    # children by the level of their latest screening (whenever it was)
    latest_screening: dict[RiskLevel, int] = field(default_factory=dict)
    # screenings dated in each month, by level: level -> one count per month
    screenings_per_month: dict[RiskLevel, list[int]] = field(default_factory=dict)


def _per_month(
    conn: Connection, period: Period, where: list[sa.ColumnElement[bool]], column=None
) -> dict[str, int]:
    day = trend_events.c.day if column is None else column
    month = sa.func.substr(day, 1, 7)
    rows = conn.execute(
        sa.select(month, sa.func.count()).where(*where, day >= period.first_day).group_by(month)
    )
    return {m: n for m, n in rows}


def _series(counts: dict[str, int], period: Period) -> list[int]:
    return [counts.get(m, 0) for m in period.month_names]


def _interviews(conn: Connection, period: Period, seen, hours: int) -> Interviews:
    due, done = trend_events.c.rhi_due, trend_events.c.rhi_done
    # `rhi_due` is the return and 72 hours: due within `hours` by now when
    # it is before now moved by the difference.
    now = (period.now + timedelta(hours=RHI_HOURS - hours)).astimezone(UTC)
    state = sa.case(
        (sa.and_(done.is_not(None), trend_events.c.rhi_minutes <= hours * 60), "on_time"),
        (done.is_not(None), "done_late"),
        (due < now.strftime("%Y-%m-%dT%H:%M:%S"), "not_done_late"),
        else_="not_yet_due",
    )
    rows = conn.execute(
        sa.select(state, sa.func.count())
        .where(
            trend_events.c.kind == "missing_episode",
            trend_events.c.day >= period.first_day,
            due.is_not(None),
            seen,
        )
        .group_by(state)
    )
    counts: dict[str, int] = {state: n for state, n in rows}
    return Interviews(
        on_time=counts.get("on_time", 0),
        done_late=counts.get("done_late", 0),
        not_done_late=counts.get("not_done_late", 0),
        not_yet_due=counts.get("not_yet_due", 0),
        hours=hours,
    )


def _latest_screening(conn: Connection, seen, agency: str) -> dict[RiskLevel, int]:
    later = trend_events.alias("later")
    newer = (
        sa.select(sa.literal(1))
        .where(
            later.c.child_id == trend_events.c.child_id,
            later.c.kind == "assessment",
            visible_to(agency, later.c.restricted_to),
            sa.or_(
                later.c.day > trend_events.c.day,
                sa.and_(
                    later.c.day == trend_events.c.day, later.c.record_id > trend_events.c.record_id
                ),
            ),
        )
        .exists()
    )
    rows = conn.execute(
        sa.select(trend_events.c.level, sa.func.count())
        .where(trend_events.c.kind == "assessment", seen, ~newer)
        .group_by(trend_events.c.level)
    )
    counts: dict[str, int] = {level: n for level, n in rows}
    return {level: counts.get(level.value, 0) for level in LEVELS}


def trends(conn: Connection, *, agency: str, period: Period, hours: int | None = None) -> Trends:
    """The council's trends over `period`, from the records a worker of
    `agency` may see; return home interviews against `hours` (default the
    council's loaded rule, else the bundled one)."""
    hours = return_interview_hours(conn) if hours is None else hours
    seen = visible_to(agency, trend_events.c.restricted_to)
    kind = trend_events.c.kind
    missing = _per_month(conn, period, [kind == "missing_episode", seen])
    opened = _per_month(conn, period, [kind == "cme_episode", seen])
    closed = _per_month(conn, period, [kind == "cme_episode", seen], trend_events.c.closed_day)
    month = sa.func.substr(trend_events.c.day, 1, 7)
    screened: dict[RiskLevel, dict[str, int]] = {level: {} for level in LEVELS}
    for level, m, n in conn.execute(
        sa.select(trend_events.c.level, month, sa.func.count())
        .where(kind == "assessment", seen, trend_events.c.day >= period.first_day)
        .group_by(trend_events.c.level, month)
    ):
        if level in RiskLevel._value2member_map_:
            screened[RiskLevel(level)][m] = n
    return Trends(
        period=period,
        missing_per_month=_series(missing, period),
        interviews=_interviews(conn, period, seen, hours),
        cme_opened_per_month=_series(opened, period),
        cme_closed_per_month=_series(closed, period),
        latest_screening=_latest_screening(conn, seen, agency),
        screenings_per_month={lv: _series(screened[lv], period) for lv in LEVELS},
    )


def month_words(month: str) -> str:
    """'2026-03' as 'Mar 2026'."""
    return date.fromisoformat(f"{month}-01").strftime("%b %Y")
