"""Children missing education in the insights: episodes opened and closed
per month, and the children missing education now — the caseload's flag,
from the same `cme_is_open`."""

from __future__ import annotations

from desktop.insights import caseload_insights
from desktop.summary import caseload_summary
from tests.helpers import NOW, child_data


def test_episodes_opened_and_closed_per_month_and_open_now(repo, store, child):
    other = repo.create("child", child_data("Rowan"))
    # Told in March, closed in May: opened in March, closed in May.
    repo.create("cme_episode", {"notified_at": "2026-03-10", "status": "closed",
                                "closed_at": "2026-05-04", "outcome_found": "moved_abroad"},
                child_id=child.id)  # fmt: skip
    # Told in May, still open (located is not closed): the child is missing education now.
    repo.create("cme_episode", {"notified_at": "2026-05-20", "status": "located"},
                child_id=child.id)  # fmt: skip
    wrong = repo.create("cme_episode", {"notified_at": "2026-05-21"}, child_id=other.id)
    repo.mark_entered_in_error(wrong.id, "wrong child")  # counts nowhere
    got = caseload_insights(store.conn, NOW)
    months = {m: (o, c) for m, o, c in got.cme_per_month}
    assert len(months) == 12
    assert months["2026-03"] == (1, 0) and months["2026-05"] == (1, 1)
    assert sum(o for o, _c in months.values()) == 2
    assert got.missing_education_now == 1
    flagged = [s.child_id for s in caseload_summary(store.conn, NOW) if s.missing_education]
    assert flagged == [str(child.id)]
