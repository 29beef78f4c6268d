"""Caseload insights: the trends and hotspots inspections found nobody watching.

`caseload_insights` reads the derived tables the repositories keep
(`due_items`, `child_summary`, `places`) and one aggregate over missing
episodes, so it stays a few queries however large the caseload. It only
reads; the result is a snapshot as of `now`, over the last `months` months
(one of `PERIODS`, the worker's choice), for the UI to draw. "Missing now"
is read from `child_summary`, where the caseload's own flag comes from, so
the two screens cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import NamedTuple

import sqlcipher3

from desktop.due_dates import DEFAULT_RULES, OVERDUE_SQL, DueRules, overdue_params
from desktop.england import ENGLAND, as_moment, in_england, today_in_england, utc_text
from desktop.hotspots import Hotspot, hotspots

MONTHS = 12
#: the periods the worker may choose, in months
PERIODS = (3, 6, 12, 24)
TOP_HOTSPOTS = 10
#: a hotspot is a place named for at least this many children
SHARED_BY = 2


class OverdueVisit(NamedTuple):
    child_id: str
    name: str
    days_overdue: int


class LateInterview(NamedTuple):
    """A return home interview still not done after its due time
    (`completed_at` None), or done after it."""

    child_id: str
    name: str
    episode_id: str
    due: datetime
    completed_at: datetime | None
    hours_late: int


@dataclass(frozen=True)
class CaseloadInsights:
    """What the insights screen shows, as of `now`. Lists are ordered for
    display: months oldest first, hotspots most children first, overdue
    and late items most late first."""

    now: datetime
    missing_per_month: list[tuple[str, int]]  # ('YYYY-MM', episodes), every month
    hotspots: list[Hotspot]  # named for `SHARED_BY` or more children in the period
    overdue_visits: list[OverdueVisit]
    late_interviews: list[LateInterview]
    missing_now: int = 0  # children missing now, as the caseload marks them
    months: int = MONTHS  # the period the figures cover
    # ('YYYY-MM', opened, closed): missing-education episodes, every month
    cme_per_month: list[tuple[str, int, int]] = field(default_factory=list)
    missing_education_now: int = 0  # children with an open episode, as the caseload marks them

    @property
    def since(self) -> datetime:
        """The period's first moment: midnight on the 1st of its first month in England."""
        local = in_england(self.now)
        return _month_start(local.year, local.month - self.months + 1)

    @property
    def missing_total(self) -> int:
        return sum(n for _, n in self.missing_per_month)

    @property
    def interviews_overdue(self) -> int:
        """Interviews past their due time and still not done."""
        return sum(1 for i in self.late_interviews if i.completed_at is None)

    @property
    def interviews_completed_late(self) -> int:
        return sum(1 for i in self.late_interviews if i.completed_at is not None)


def _month_start(year: int, month: int) -> datetime:
    """Midnight on the 1st in England, as an aware datetime."""
    year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
    return datetime(year, month, 1, tzinfo=ENGLAND)


def _aware(text: str) -> datetime:
    moment = as_moment(text)
    assert moment is not None, "a stored time"
    return moment


def _hours(delta: timedelta) -> int:
    return int(delta.total_seconds() // 3600)


def missing_per_month(
    conn: sqlcipher3.Connection, now: datetime, months: int = MONTHS
) -> list[tuple[str, int]]:
    """Missing episodes (either type) by the month they started in England,
    for the `months` months up to and including now's, empty months as 0.
    Episodes deleted or entered in error do not count; closed ones do."""
    local = in_england(now)
    first = _month_start(local.year, local.month - months + 1)
    labels = [_month_start(first.year, first.month + i).strftime("%Y-%m") for i in range(months)]
    counts = dict.fromkeys(labels, 0)
    # `sort_at` is the episode's start in UTC (desktop.records). England's
    # offset is whole hours, so counting per UTC hour in SQL and placing each
    # hour in its English month here is exact, and at most one row an hour.
    rows = conn.execute(
        "SELECT substr(sort_at, 1, 13), count(*) FROM records"
        " WHERE kind = 'missing_episode' AND deleted = 0"
        " AND sort_at >= ? AND sort_at < ?"
        " AND coalesce(json_extract(data, '$.entered_in_error'), 0) = 0"
        " GROUP BY 1",
        (utc_text(first), utc_text(_month_start(local.year, local.month + 1))),
    )
    for hour, n in rows:
        label = in_england(f"{hour}:00:00+00:00").strftime("%Y-%m")
        if label in counts:
            counts[label] += n
    return list(counts.items())


def cme_per_month(
    conn: sqlcipher3.Connection, now: datetime, months: int = MONTHS
) -> list[tuple[str, int, int]]:
    """Missing-education episodes opened (by the day the council was told)
    and closed (by their closed date) in each of the `months` months up to
    now's, empty months as 0. Both are England days already: no time zone
    to place. Episodes deleted or entered in error do not count."""
    local = in_england(now)
    first = _month_start(local.year, local.month - months + 1)
    labels = [_month_start(first.year, first.month + i).strftime("%Y-%m") for i in range(months)]
    counts = {label: [0, 0] for label in labels}
    for column, field_name in enumerate(("notified_at", "closed_at")):
        rows = conn.execute(
            f"SELECT substr(json_extract(data, '$.{field_name}'), 1, 7), count(*) FROM records"
            " WHERE kind = 'cme_episode' AND deleted = 0"
            " AND coalesce(json_extract(data, '$.entered_in_error'), 0) = 0 GROUP BY 1"
        )
        for month, n in rows:
            if month in counts:
                counts[month][column] += n
    return [(month, opened, closed) for month, (opened, closed) in counts.items()]


def children_missing_education(conn: sqlcipher3.Connection) -> int:
    """Children with an open episode: the caseload's "Missing education"."""
    (n,) = conn.execute("SELECT count(*) FROM child_summary WHERE missing_education = 1").fetchone()
    return int(n)


def children_missing_now(conn: sqlcipher3.Connection) -> int:
    """Children with an episode still open: the caseload's "Missing now"."""
    (n,) = conn.execute("SELECT count(*) FROM child_summary WHERE missing_now = 1").fetchone()
    return int(n)


def overdue_visits(conn: sqlcipher3.Connection, now: datetime) -> list[OverdueVisit]:
    """Children whose statutory visit fell due before today in England, most
    overdue first. As in the caseload table, a child due a visit today (or
    with nothing to count from yet) is due, not overdue."""
    today = today_in_england(now)
    rows = conn.execute(
        "SELECT d.child_id, s.name, d.due FROM due_items d"
        " JOIN child_summary s ON s.child_id = d.child_id"
        f" WHERE d.what = 'visit' AND {OVERDUE_SQL} ORDER BY d.due, s.name",
        overdue_params(now),
    )
    return [
        OverdueVisit(cid, name, (today - date.fromisoformat(due)).days) for cid, name, due in rows
    ]


def late_interviews(
    conn: sqlcipher3.Connection,
    now: datetime,
    *,
    since: datetime,
    rules: DueRules = DEFAULT_RULES,
) -> list[LateInterview]:
    """Return home interviews overdue now (whenever the episode was), then
    those completed after their due time for episodes that started since
    `since`; each group most late first. The due time is the rule's
    (`DueRules.return_interview_due`), so a council's own hours apply."""
    outstanding = [
        LateInterview(cid, name, rid, _aware(due), None, _hours(now - _aware(due)))
        for rid, cid, name, due in conn.execute(
            "SELECT d.record_id, d.child_id, s.name, d.due FROM due_items d"
            " JOIN child_summary s ON s.child_id = d.child_id"
            f" WHERE d.what = 'rhi' AND {OVERDUE_SQL}",
            overdue_params(now),
        )
    ]
    done_late = []
    # SQL keeps only interviews done more than the rule's hours after the
    # return, reading just the fields the rule looks at; the rule itself then
    # decides (with "not applicable" and "entered in error"), so the two
    # cannot disagree about what is late.
    for rid, cid, name, end, completed_at, offered, in_error in conn.execute(
        "SELECT r.id, r.child_id, s.name, json_extract(r.data, '$.end'),"
        " json_extract(r.data, '$.return_home_interview.completed_at'),"
        " json_extract(r.data, '$.return_home_interview.offered'),"
        " json_extract(r.data, '$.entered_in_error')"
        " FROM records r JOIN child_summary s ON s.child_id = r.child_id"
        " WHERE r.kind = 'missing_episode' AND r.deleted = 0 AND r.sort_at >= ?"
        " AND julianday(json_extract(r.data, '$.return_home_interview.completed_at'))"
        "   > julianday(json_extract(r.data, '$.end')) + ? / 24.0",
        (utc_text(since), rules.rules["return_home_interview_hours"]),
    ):
        # When it was due had it not been done yet.
        due = rules.return_interview_due(
            {
                "end": end,
                "entered_in_error": bool(in_error),
                "return_home_interview": {"offered": offered},
            }
        )
        completed = _aware(completed_at)
        if due is not None and completed > due:
            done_late.append(LateInterview(cid, name, rid, due, completed, _hours(completed - due)))
    outstanding.sort(key=lambda i: (-i.hours_late, i.name))
    done_late.sort(key=lambda i: (-i.hours_late, i.name))
    return outstanding + done_late


def caseload_insights(
    conn: sqlcipher3.Connection,
    now: datetime,
    *,
    months: int = MONTHS,
    rules: DueRules = DEFAULT_RULES,
) -> CaseloadInsights:
    """Everything the insights screen draws, as of `now` (aware), over the
    last `months` months (this month included).

    Run it on the database thread; the result holds no connection and may be
    handed to the UI thread. Hotspots are the top places named for two or
    more children in records of the period (one child's places are that
    child's, not a pattern). Overdue visits and interviews are as of now,
    whatever the period; interviews done late count within it. `rules` must
    be the rules `summary.refresh_children` kept `due_items` with: overdue
    items come from there, interviews done late from `rules`.
    """
    if months not in PERIODS:
        raise ValueError(f"the period is one of {PERIODS} months, not {months}")
    shell = CaseloadInsights(now, [], [], [], [], months=months)
    since = shell.since
    return CaseloadInsights(
        now=now,
        missing_per_month=missing_per_month(conn, now, months),
        hotspots=hotspots(conn, min_children=SHARED_BY, since=since)[:TOP_HOTSPOTS],
        overdue_visits=overdue_visits(conn, now),
        late_interviews=late_interviews(conn, now, since=since, rules=rules),
        missing_now=children_missing_now(conn),
        months=months,
        cme_per_month=cme_per_month(conn, now, months),
        missing_education_now=children_missing_education(conn),
    )
