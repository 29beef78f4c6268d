"""Per-child derived facts and the caseload summary query.

`refresh_children` recomputes children's summary rows and outstanding due
items whenever their records change; `caseload_summary` then answers the
caseload table with one indexed query, however long each child's history.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

import sqlcipher3

from desktop.bulk import insert_rows, json_list, rows_as_one
from desktop.due_dates import (
    DUE_THIS_WEEK_SQL,
    DUE_TODAY_SQL,
    OVERDUE_SQL,
    DueRules,
    action_is_open,
    due_params,
)
from desktop.england import as_moment, england_day, utc_text
from sync.kinds import display_name
from sync.kinds.episodes import cme_is_open

EXPLOITATION_FLAGS = {"cse", "cce", "trafficking"}
_KINDS = ("missing_episode", "cme_episode", "plan", "plan_action", "assessment")


_CHILDREN_A_BATCH = 200  # bounds the JSON one batch's records come back as


def refresh_children(
    conn: sqlcipher3.Connection, child_ids: Iterable[str], rules: DueRules
) -> None:
    """Recompute these children's summary rows and outstanding due items
    with `rules`, which must be the rules in force
    (`desktop.council_rules.rules_in_force`; `desktop.records.refresh_children`
    passes them).

    A few statements per batch of children, not per child: a sync refreshes
    every child a page touched, while its fetching thread competes for the
    interpreter lock (see desktop.bulk).
    """
    ids = sorted(set(map(str, child_ids)))
    for start in range(0, len(ids), _CHILDREN_A_BATCH):
        _refresh(conn, ids[start : start + _CHILDREN_A_BATCH], rules)


def _refresh(conn: sqlcipher3.Connection, ids: list[str], rules: DueRules) -> None:
    keys = json_list(ids)
    conn.execute(
        "DELETE FROM due_items WHERE child_id IN (SELECT value FROM json_each(?))", (keys,)
    )
    children = dict(
        rows_as_one(
            conn,
            # `+kind`: look the children up by id, not among every child by kind.
            "SELECT json_group_array(json_array(id, json(data))) FROM records"
            " WHERE id IN (SELECT value FROM json_each(?)) AND +kind = 'child' AND deleted = 0",
            (keys,),
        )
    )
    gone = [c for c in ids if c not in children]
    if gone:
        conn.execute(
            "DELETE FROM child_summary WHERE child_id IN (SELECT value FROM json_each(?))",
            (json_list(gone),),
        )
    if not children:
        return
    keys = json_list(list(children))
    # Each child's newest visit in which they were seen. Starts keep the
    # offset the worker typed, so the newest is by instant (julianday), not
    # by spelling; SQLite takes the bare `start` from the row with the max.
    last_seen = dict(
        rows_as_one(
            conn,
            "SELECT json_group_array(json_array(child_id, start)) FROM ("
            " SELECT child_id, json_extract(data, '$.start') AS start,"
            " max(julianday(json_extract(data, '$.start'))) FROM records"
            " WHERE child_id IN (SELECT value FROM json_each(?)) AND kind = 'visit'"
            " AND deleted = 0 AND json_extract(data, '$.child_seen') = 1"
            " AND coalesce(json_extract(data, '$.entered_in_error'), 0) = 0"
            " GROUP BY child_id)",
            (keys,),
        )
    )
    records: dict[str, list[tuple[str, str, dict]]] = defaultdict(list)
    # Two queries, not one with an OR: each then searches records_kind by
    # kind and child, where the OR searched every visit of every child.
    for child_id, rid, kind, data in [
        *rows_as_one(
            conn,
            "SELECT json_group_array(json_array(child_id, id, kind, json(data))) FROM records"
            " WHERE kind = 'visit' AND child_id IN (SELECT value FROM json_each(?))"
            " AND deleted = 0 AND json_extract(data, '$.status') = 'draft'",
            (keys,),
        ),
        *rows_as_one(
            conn,
            "SELECT json_group_array(json_array(child_id, id, kind, json(data))) FROM records"
            f" WHERE kind IN ({','.join('?' * len(_KINDS))})"
            " AND child_id IN (SELECT value FROM json_each(?)) AND deleted = 0",
            (*_KINDS, keys),
        ),
    ]:
        records[child_id].append((rid, kind, data))
    summaries, due_rows = [], []
    for child_id, child in children.items():
        row, due = _facts(child_id, child, last_seen.get(child_id), records[child_id], rules)
        summaries.append(row)
        due_rows += [(rid, child_id, what, when) for rid, what, when in due]
    insert_rows(conn, "INSERT INTO due_items (record_id, child_id, what, due)", due_rows)
    insert_rows(
        conn,
        "INSERT OR REPLACE INTO child_summary (child_id, name, date_of_birth, legal_status,"
        " risk_level, flags, missing_now, missing_education, exploitation_risk, last_visit,"
        " next_visit_due, rhi_due, plan_review_due, recording_due, visit_due_now, risk_date)",
        summaries,
    )


def _facts(
    child_id: str,
    child: dict,
    last_start: str | None,
    records: list[tuple[str, str, dict]],
    rules: DueRules,
) -> tuple[tuple, list[tuple[str, str, str]]]:
    """(child_summary row, due items as (record_id, what, due)) for one child,
    from its child record, newest seen visit, draft visits and `_KINDS` records."""
    due: list[tuple[str, str, str]] = []
    # due_dates takes the day the visit happened as it was in England.
    last_visit = england_day(last_start) if last_start else None
    next_visit = rules.next_statutory_visit(child, last_visit)
    # A status that needs visits but nothing to count from (no visit, no
    # start date): the visit is due now, every day, until one is recorded.
    # (A council may set a status's visits to null: then none are due.)
    visit_due_now = next_visit is None and bool(
        rules.rules["statutory_visits"].get(child.get("legal_status") or "")
    )
    if next_visit:
        due.append((child_id, "visit", next_visit.isoformat()))

    recording: list[str] = []
    missing_now = missing_education = False
    rhi: list[str] = []
    plan_review: list[str] = []
    newest_assessment: tuple[str, str, dict] | None = None
    for rid, kind, data in records:
        if kind == "visit":  # a draft
            when = rules.recording_due(data)
            if when:
                due.append((rid, "recording", when.isoformat()))
                recording.append(when.isoformat())
            continue
        if data.get("entered_in_error") or data.get("closed"):
            continue
        if kind == "missing_episode":
            missing_now = missing_now or not data.get("end")
            when = rules.return_interview_due(data)
            if when:
                stamp = utc_text(when)
                due.append((rid, "rhi", stamp))
                rhi.append(stamp)
        elif kind == "cme_episode":
            missing_education = missing_education or cme_is_open(data)
        elif kind == "plan":
            when = rules.plan_review_due(data)
            if when:
                due.append((rid, "plan_review", when.isoformat()))
                plan_review.append(when.isoformat())
        elif kind == "plan_action":
            if data.get("due_date") and action_is_open(data):
                due.append((rid, "action", data["due_date"]))
        elif kind == "assessment" and (
            newest_assessment is None or data["date"] > newest_assessment[1]
        ):
            newest_assessment = (rid, data["date"], data)
    if newest_assessment:
        when = rules.assessment_review_due(newest_assessment[2])
        if when:
            due.append((newest_assessment[0], "assessment_review", when.isoformat()))

    # The newest screening's practitioner level, with its date, is the
    # child's risk (issue 16): a judgement made with reasons, never the
    # tool's category. The child record's own, undated, level stands only
    # until the child is first screened.
    if newest_assessment:
        risk, risk_date = newest_assessment[2]["practitioner_level"], newest_assessment[1]
    else:
        risk, risk_date = child.get("risk_level"), None
    flags = sorted(child.get("flags") or [])
    row = (
        child_id,
        display_name(child),
        child.get("date_of_birth"),
        child.get("legal_status"),
        risk,
        json.dumps(flags),
        int(missing_now),
        int(missing_education),
        int(bool(EXPLOITATION_FLAGS & set(flags)) or risk == "high"),
        last_visit.isoformat() if last_visit else None,
        next_visit.isoformat() if next_visit else None,
        min(rhi) if rhi else None,
        min(plan_review) if plan_review else None,
        min(recording) if recording else None,
        int(visit_due_now),
        risk_date,
    )
    return row, due


@dataclass(slots=True)
class ChildSummary:
    """One caseload row: a snapshot as of the query, not a live view.
    (Not frozen: a frozen dataclass costs ~5 µs a row to build, a third of
    the whole caseload query for 2,000 children.)"""

    child_id: str
    name: str
    date_of_birth: date | None
    legal_status: str | None
    risk_level: str | None
    flags: list[str]
    missing_now: bool
    missing_education: bool
    exploitation_risk: bool
    last_visit: date | None
    next_visit_due: date | None
    rhi_due: datetime | None
    plan_review_due: date | None
    recording_due: date | None
    overdue_visits: int
    overdue_interviews: int
    overdue_actions: int
    overdue_reviews: int  # plan and assessment reviews
    overdue_notes: int  # visit notes still to finish (recording)
    # Items not yet overdue that fall due by the end of today / of this week
    # (to Sunday) in England: `due_dates.DUE_TODAY_SQL`, `DUE_THIS_WEEK_SQL`.
    due_today: int = 0
    due_this_week: int = 0
    # The day of the screening `risk_level` comes from; None when it is the
    # child record's own level (or there is none).
    risk_date: date | None = None
    # When break-the-glass access to this child ends (desktop.temporary_access);
    # None for a child on the caseload for good.
    temporary_until: datetime | None = None
    # "New from Police" and the like: reports from partner agencies the
    # worker has not opened yet (desktop.partner_news).
    new_from: list[str] = field(default_factory=list)

    def age(self, today: date) -> int | None:
        if self.date_of_birth is None:
            return None
        born = self.date_of_birth
        return today.year - born.year - ((today.month, today.day) < (born.month, born.day))

    @property
    def overdue_total(self) -> int:
        return (
            self.overdue_visits
            + self.overdue_interviews
            + self.overdue_actions
            + self.overdue_reviews
            + self.overdue_notes
        )


def _d(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def caseload_summary(conn: sqlcipher3.Connection, now: datetime) -> list[ChildSummary]:
    """One row per child on the device, by name, with overdue counts as of `now`.

    Reads only `child_summary` and `due_items` (kept by `refresh_children`), so
    it costs the same however long each child's history. The risk level is
    the practitioner's level in the newest screening, dated (`risk_date`),
    else the child record's own `risk_level` — never a tool's score. A date is overdue from the day
    after it falls due, counted in England; an interview from the hour.
    """
    when = due_params(now)
    # Only items due by the end of this week are counted: what is overdue is
    # among them, and the rest are what is still to do today or this week. A
    # visit due now (nothing to count from) is due today, every day.
    overdue, to_do = f"({OVERDUE_SQL})", f"(NOT {OVERDUE_SQL})"
    rows = conn.execute(
        "SELECT s.child_id, s.name, s.date_of_birth, s.legal_status, s.risk_level, s.flags,"
        " s.missing_now, s.missing_education, s.exploitation_risk, s.last_visit,"
        " CASE WHEN s.visit_due_now THEN :today ELSE s.next_visit_due END,"
        " s.rhi_due, s.plan_review_due, s.recording_due,"
        " coalesce(o.visits, 0), coalesce(o.rhis, 0),"
        " coalesce(o.actions, 0), coalesce(o.reviews, 0), coalesce(o.notes, 0),"
        " coalesce(o.today, 0) + s.visit_due_now, coalesce(o.week, 0) + s.visit_due_now,"
        " s.risk_date"
        " FROM child_summary s LEFT JOIN ("
        f"   SELECT child_id, sum(what = 'visit' AND {overdue}) AS visits,"
        f"     sum(what = 'rhi' AND {overdue}) AS rhis,"
        f"     sum(what = 'action' AND {overdue}) AS actions,"
        f"     sum(what IN ('plan_review', 'assessment_review') AND {overdue}) AS reviews,"
        f"     sum(what = 'recording' AND {overdue}) AS notes,"
        f"     sum({to_do} AND {DUE_TODAY_SQL}) AS today, sum({to_do}) AS week"
        f"   FROM due_items WHERE {DUE_THIS_WEEK_SQL}"
        "   GROUP BY child_id) o ON o.child_id = s.child_id"
        " ORDER BY s.name",
        when,
    ).fetchall()
    return [
        ChildSummary(
            r[0],
            r[1],
            _d(r[2]),
            r[3],
            r[4],
            json.loads(r[5]),
            bool(r[6]),
            bool(r[7]),
            bool(r[8]),
            _d(r[9]),
            _d(r[10]),
            as_moment(r[11]),
            _d(r[12]),
            _d(r[13]),
            r[14],
            r[15],
            r[16],
            r[17],
            r[18],
            r[19],
            r[20],
            _d(r[21]),
        )
        for r in rows
    ]
