"""A child's risk screenings on the laptop: the newest one's practitioner
level, with its date, is the caseload's risk (not the tool's category, not
the child record's older level); its review falls due by the rules and is
counted overdue like every other review; the reasons are required."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from importlib import resources

import pytest

from desktop.screening import load_tool_file, load_tools
from desktop.screening_record import agreement, review_state, tool_result
from desktop.store import apply_migrations
from desktop.summary import caseload_summary
from sync.errors import RecordInvalid

NOW = datetime(2026, 9, 1, 12, 0, tzinfo=UTC)


def screening(day: str, level: str, category: str = "Low", **extra) -> dict:
    return {"tool_id": "seraf-like", "tool_version": "1", "date": day, "tool_score": 2,
            "tool_category": category, "practitioner_level": level,
            "rationale": "Reasons as the practitioner gave them"} | extra  # fmt: skip


def test_the_newest_screening_is_the_caseloads_risk_with_its_date(repo, child):
    repo.update(child.id, {"risk_level": "low"})  # the child record's own, undated
    row = caseload_summary(repo.store.conn, NOW)[0]
    assert (row.risk_level, row.risk_date) == ("low", None)
    repo.create("assessment", screening("2026-05-02", "medium"), child_id=child.id)
    newest = repo.create("assessment", screening("2026-07-20", "high"), child_id=child.id)
    repo.create("assessment", screening("2026-06-10", "not_at_risk"), child_id=child.id)
    row = caseload_summary(repo.store.conn, NOW)[0]
    assert (row.risk_level, row.risk_date) == ("high", date(2026, 7, 20))
    # Entered in error, it no longer speaks for the child: the one before does.
    repo.update(newest.id, {"entered_in_error": True, "entered_in_error_reason": "wrong child"})
    row = caseload_summary(repo.store.conn, NOW)[0]
    assert (row.risk_level, row.risk_date) == ("not_at_risk", date(2026, 6, 10))


def test_the_review_falls_due_by_the_rules_and_is_counted_overdue(repo, child):
    data = screening("2026-05-02", "medium")
    repo.create("assessment", data, child_id=child.id)
    assert review_state(data, NOW) == ("Review overdue (was due Sun 02 Aug 2026)", True)
    row = caseload_summary(repo.store.conn, NOW)[0]
    assert row.overdue_reviews == 1
    assert ("assessment_review", "2026-08-02") in repo.due_items(str(child.id))
    soon = dict(data, review_date="2026-09-30")  # a review date the practitioner set
    assert review_state(soon, NOW) == ("Review due by Wed 30 Sep 2026", False)


def test_the_reasons_are_required_on_the_laptop_too(repo, child):
    for rationale in (None, "", "  \n"):
        with pytest.raises(RecordInvalid) as refused:
            repo.create("assessment", screening("2026-05-02", "high", rationale=rationale),
                        child_id=child.id)  # fmt: skip
        assert refused.value.field == "rationale"
    assert repo.records_for_child(str(child.id), "assessment") == []


@pytest.mark.parametrize(
    ("level", "category", "words"),
    [
        ("high", "Medium", "Higher than tool"),
        ("low", "High", "Lower than tool"),
        ("high", "Very high", "Agrees with tool"),  # a practitioner's scale ends at High
        ("not_at_risk", "No indicators present", "Agrees with tool"),
        ("medium", "Amber", ""),  # a council's own words: shown side by side, not compared
    ],
)
def test_disagreement_is_said_in_words(level, category, words):
    assert agreement({"practitioner_level": level, "tool_category": category}) == words


def test_another_version_of_a_tool_scores_the_same_ticks_differently(tmp_path, repo):
    ticks = [{"domain": "vulnerabilities", "text": "Living in care or a hostel"},
             {"domain": "moderate", "text": "Unexplained gifts or money"}]  # fmt: skip
    raw = json.loads((resources.files("resources") / "tools" / "seraf_like.json").read_text())
    raw["version"] = "2"
    raw["domains"][1]["weight"] = {"current": 5, "0-6m": 5, "6-12m": 1}
    (tmp_path / "seraf_v2.json").write_text(json.dumps(raw))

    shipped = load_tools()["seraf-like"]
    council = {"seraf-like": load_tool_file(tmp_path / "seraf_v2.json")}
    assert tool_result(shipped, ticks) == {
        "tool_id": "seraf-like",
        "tool_version": "1",
        "tool_score": 2,
        "tool_category": "Low",
    }
    assert tool_result(council["seraf-like"], ticks) == {
        "tool_id": "seraf-like",
        "tool_version": "2",
        "tool_score": 6,
        "tool_category": "Medium",
    }
    # An indicator the tool's version does not name is kept by the form but not scored.
    assert tool_result(shipped, [*ticks, {"domain": "gone", "text": "x"}])["tool_score"] == 2
    assert set(repo.screening_tools()) == set(load_tools())  # none served: the bundled


def test_a_laptop_updated_from_before_takes_its_newest_screenings_risk(repo, child):
    repo.update(child.id, {"risk_level": "low", "flags": []})
    repo.create("assessment", screening("2026-07-20", "high"), child_id=child.id)
    conn = repo.store.conn
    # As the store was before 0061: no risk date, the child record's level.
    conn.execute("ALTER TABLE child_summary DROP COLUMN risk_date")
    conn.execute("UPDATE child_summary SET risk_level = 'low', exploitation_risk = 0")
    conn.execute("DELETE FROM schema_migrations WHERE version = 61")
    apply_migrations(conn)
    row = caseload_summary(conn, NOW)[0]
    assert (row.risk_level, row.risk_date, row.exploitation_risk) == (
        "high",
        date(2026, 7, 20),
        True,
    )
