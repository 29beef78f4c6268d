"""Council-wide trends (sync.server.trends) on crafted records, on SQLite and
PostgreSQL: episodes per month by the England day they began, return home
interviews within 72 hours, missing education opened and closed, screenings
by level; only current revisions, nothing entered in error, need to know
for counts too, and a merged or declined child counted once or not at all."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from sync.kinds.common import RiskLevel
from sync.server import admin, children, council_rules, trend_rows
from sync.server.revisions import write_revisions
from sync.server.sequence import take_seqs
from sync.server.trend_tables import trend_tables
from sync.server.trends import Period, trends
from tests.helpers import PASSWORD
from tests.server.devices import Device
from tests.server.trend_data import NOW, child, episode, load, record

THREE = Period(3, NOW)  # Sep, Oct, Nov 2026


def _load(engine) -> dict[str, str]:
    a, ra = child("Acorn")
    b, rb = child("Burdock")
    c, rc = child("Cobnut")
    load(
        engine,
        [
            ra,
            rb,
            rc,
            # Done 24 hours after the return: on time.
            episode(
                a,
                "2026-09-10T20:00:00Z",
                "2026-09-11T08:00:00Z",
                rhi={"offered": "y", "completed_at": "2026-09-12T08:00:00Z"},
            ),
            # 23:30 UTC on 30 September is 00:30 on 1 October in England (BST).
            episode(
                b,
                "2026-09-30T23:30:00Z",
                "2026-10-02T00:00:00Z",
                rhi={"offered": "y", "completed_at": "2026-10-06T00:00:00Z"},
            ),
            # Not done and the 72 hours have passed.
            episode(a, "2026-10-20T18:00:00Z", "2026-10-21T06:00:00Z"),
            # Back yesterday evening: not yet due.
            episode(c, "2026-11-14T10:00:00Z", "2026-11-14T20:00:00Z"),
            # Open: no interview is due yet.
            episode(b, "2026-11-10T22:00:00Z"),
            # Not applicable: counted as an episode, not as an interview.
            episode(c, "2026-10-01T10:00:00Z", "2026-10-01T15:00:00Z", rhi={"offered": "na"}),
            # Entered in error: not counted at all.
            episode(c, "2026-10-03T10:00:00Z", "2026-10-03T15:00:00Z", entered_in_error=True),
            # Before the period.
            episode(a, "2026-05-01T10:00:00Z", "2026-05-01T12:00:00Z"),
            # Seen only by the police.
            episode(b, "2026-11-01T10:00:00Z", "2026-11-01T12:00:00Z", restricted_to=["police"]),
            record(
                "cme_episode",
                a,
                {"notified_at": "2026-09-05", "status": "closed", "closed_at": "2026-10-10"},
            ),
            record("cme_episode", b, {"notified_at": "2026-10-01", "status": "open"}),
            record(
                "cme_episode",
                c,
                {"notified_at": "2026-07-01", "closed_at": "2026-09-02", "status": "closed"},
            ),
            record("assessment", a, {"date": "2026-06-01", "practitioner_level": "high"}),
            record("assessment", a, {"date": "2026-10-01", "practitioner_level": "medium"}),
            record("assessment", b, {"date": "2026-10-05", "practitioner_level": "low"}),
            record("assessment", c, {"date": "2026-11-01", "practitioner_level": "high"}),
        ],
    )
    return {"a": a, "b": b, "c": c}


def test_episodes_interviews_missing_education_and_screenings_are_counted_by_month(engine):
    _load(engine)
    with engine.connect() as conn:
        t = trends(conn, agency="csc", period=THREE)
    assert THREE.month_names == ["2026-09", "2026-10", "2026-11"]
    # Sep: one; Oct: B's (1 Oct in England), A's, C's not-applicable; Nov: C's, B's open.
    assert t.missing_per_month == [1, 3, 2]
    i = t.interviews
    assert (i.on_time, i.done_late, i.not_done_late, i.not_yet_due) == (1, 1, 1, 1)
    assert (i.late, i.percent_on_time) == (2, 33)
    assert t.cme_opened_per_month == [1, 1, 0]
    assert t.cme_closed_per_month == [1, 1, 0]
    assert t.latest_screening == {
        RiskLevel.not_at_risk: 0,
        RiskLevel.low: 1,
        RiskLevel.medium: 1,
        RiskLevel.high: 1,
    }
    assert t.screenings_per_month[RiskLevel.medium] == [0, 1, 0]
    assert t.screenings_per_month[RiskLevel.high] == [0, 0, 1]  # June's is before the period


def test_a_record_restricted_to_the_police_is_counted_for_the_police_only(engine):
    _load(engine)
    with engine.connect() as conn:
        police = trends(conn, agency="police", period=THREE)
    assert police.missing_per_month == [1, 3, 3]
    assert police.interviews.not_done_late == 2


def test_a_new_revision_replaces_the_old_one_and_an_error_takes_it_out(engine, client):
    admin.set_policy(engine, workers_may_create_children=True)
    admin.add_worker(engine, "sam", PASSWORD)
    ids = _load(engine)
    admin.set_assignment(engine, "sam", ids["c"], True)
    sam = Device(client, "sam")
    sam.pull()
    due = next(
        r
        for r in sam.held.values()
        if r["kind"] == "missing_episode" and r["data"]["start"].startswith("2026-11-14")
    )
    done = {"offered": "y", "completed_at": "2026-11-15T09:00:00Z"}
    edited = due | {"data": due["data"] | {"return_home_interview": done}}
    assert sam.push(edited, base_rev=due["rev"])["status"] == "applied"
    with engine.connect() as conn:
        i = trends(conn, agency="csc", period=THREE).interviews
    assert (i.on_time, i.not_yet_due) == (2, 0)
    wrong = edited | {"rev": due["rev"] + 1, "data": edited["data"] | {"entered_in_error": True}}
    assert sam.push(wrong, base_rev=due["rev"] + 1)["status"] == "applied"
    with engine.connect() as conn:
        t = trends(conn, agency="csc", period=THREE)
    assert t.missing_per_month == [1, 3, 1]
    assert t.interviews.on_time == 1


def test_a_merged_child_is_counted_once_and_a_withdrawn_one_not_at_all(engine):
    ids = _load(engine)
    d, rd = child("Dandelion")
    load(
        engine,
        [
            rd,
            episode(d, "2026-09-20T10:00:00Z", "2026-09-20T12:00:00Z"),
            record("assessment", d, {"date": "2026-11-02", "practitioner_level": "not_at_risk"}),
        ],
    )
    with engine.begin() as conn:
        children.merge(conn, from_id=d, into_id=ids["a"], by="coordinator")
    with engine.connect() as conn:
        t = trends(conn, agency="csc", period=THREE)
    assert t.missing_per_month == [2, 3, 2]
    # A's latest screening is now the merged child's, and A is one child.
    assert sum(t.latest_screening.values()) == 3
    assert t.latest_screening[RiskLevel.not_at_risk] == 1
    c_child = next(r for r in admin.current_records(engine) if str(r.id) == ids["c"])
    with engine.begin() as conn:
        tomb = c_child.model_copy(update={"rev": c_child.rev + 1, "deleted": True})
        write_revisions(conn, [(tomb, None)], take_seqs(conn, 1))
    with engine.connect() as conn:
        t = trends(conn, agency="csc", period=THREE)
    assert t.missing_per_month == [2, 2, 1]  # C's October and November episodes go
    assert sum(t.latest_screening.values()) == 2


def test_rebuild_makes_the_same_rows_from_the_records(engine):
    _load(engine)
    with engine.connect() as conn:
        before = trends(conn, agency="csc", period=THREE)
    with engine.begin() as conn:
        assert trend_rows.rebuild(conn, batch=3) > 10
    with engine.connect() as conn:
        assert trends(conn, agency="csc", period=THREE) == before


def test_a_period_must_be_one_offered():
    with pytest.raises(ValueError, match="months"):
        Period(5, datetime(2026, 1, 1, tzinfo=UTC))
    assert Period(3, datetime(2026, 1, 15, tzinfo=UTC)).month_names == [
        "2025-11",
        "2025-12",
        "2026-01",
    ]


def test_0012_counts_the_records_stored_before_it(db_url):
    import json

    from alembic import command

    from sync.server.db import _config, make_engine
    from sync.server.schema import records

    engine = make_engine(db_url)
    with engine.begin() as conn:
        command.upgrade(_config(conn), "0010")
    a, ra = child("Acorn")
    older = [
        ra,
        episode(a, "2026-10-20T18:00:00Z", "2026-10-21T06:00:00Z"),
        record("cme_episode", a, {"notified_at": "2026-11-01", "status": "open"}),
    ]
    with engine.begin() as conn:
        conn.execute(
            sa.insert(records),
            [
                {
                    "id": str(r.id),
                    "kind": r.kind.value,
                    "child_id": str(r.child_id),
                    "rev": 1,
                    "deleted": False,
                    "updated_at": r.updated_at.isoformat(),
                    "updated_by": r.updated_by,
                    "data": json.dumps(r.data),
                    "change_seq": n + 1,
                }
                for n, r in enumerate(older)
            ],
        )
    with engine.begin() as conn:
        command.upgrade(_config(conn), "head")
    with engine.connect() as conn:
        t = trends(conn, agency="csc", period=THREE)
    assert t.missing_per_month == [0, 1, 0]
    assert t.cme_opened_per_month == [0, 0, 1]
    assert t.interviews.not_done_late == 1
    engine.dispose()


def test_interviews_are_counted_within_the_councils_own_hours(engine):
    """Two children back 60 hours: one interviewed 60 hours after the
    return, one not yet. Within the bundled 72 hours both are in time; a
    council's rule of 48 makes both late, and the tables say 48."""
    a, a_child = child("Gorse")
    b, b_child = child("Heath")
    back = "2026-11-13T00:00:00Z"  # 60 hours before NOW
    load(
        engine,
        [
            a_child,
            b_child,
            episode(a, "2026-11-12T20:00:00Z", back, rhi={"completed_at": "2026-11-15T12:00:00Z"}),
            episode(b, "2026-11-12T20:00:00Z", back),
        ],
    )
    with engine.connect() as conn:
        bundled = trends(conn, agency="csc", period=THREE).interviews
    assert bundled.hours == 72
    assert (bundled.on_time, bundled.not_yet_due, bundled.late) == (1, 1, 0)
    council_rules.load_due_rules(engine, {"return_home_interview_hours": 48}, by="admin")
    with engine.connect() as conn:
        t = trends(conn, agency="csc", period=THREE)
    i = t.interviews
    assert i.hours == 48
    assert (i.on_time, i.done_late, i.not_done_late, i.not_yet_due) == (0, 1, 1, 0)
    tables = trend_tables(t, named=True)
    assert tables.interview_hours == 48
    assert tables.interviews.rows[0].label == "Done within 48 hours"
