from __future__ import annotations

from datetime import UTC, datetime

from desktop.chronology import chronology
from desktop.hotspots import hotspots
from desktop.records import get_record, purge_child, put_record, refresh_children
from desktop.search import MARK_END, MARK_START, fts_query, matching_children, search
from desktop.summary import caseload_summary
from tests.helpers import NOW


def _child(repo, first, **extra):
    data = {"first_name": first, "last_name": "Fizzwick", "date_of_birth": "2010-01-01"}
    data.update({"legal_status": "cin", **extra})
    return repo.create("child", data)


def test_search_finds_a_note_word_with_snippet_then_not_after_purge(repo, child, store):
    repo.create(
        "visit",
        {
            "visit_type": "cin",
            "start": "2026-05-01T10:00:00+00:00",
            "childs_words": "I miss my grandad's allotment",
        },
        child_id=child.id,
    )
    hits = search(store.conn, "allotment")
    assert len(hits) == 1
    assert f"{MARK_START}allotment{MARK_END}" in hits[0].snippet
    assert hits[0].child_id == str(child.id)
    assert search(store.conn, "Thizz")[0].record_id == str(child.id)  # alias
    assert str(child.id) in matching_children(store.conn, "grandad allot")

    with store.transaction() as conn:
        purge_child(conn, str(child.id))
    assert search(store.conn, "allotment") == []
    assert search(store.conn, "Thistle") == []
    assert store.conn.execute("SELECT count(*) FROM records").fetchone()[0] == 0
    assert caseload_summary(store.conn, NOW) == []


def test_search_input_never_breaks_the_query(store, repo, child):
    for text in ['"', "-", "NEAR(", "a AND", "*", "Thistle'", "  "]:
        search(store.conn, text)  # must not raise
    assert fts_query("  ") is None
    # Each typed word is one quoted FTS5 string (quotes doubled), which the
    # index's tokenizer splits as it split the text.
    assert fts_query('say "hi" -x') == '"say" """hi""" "-x"*'


def test_caseload_summary_values(repo, store):
    cp = _child(repo, "Pip", legal_status="cp", legal_status_start="2026-05-01", flags=["cce"])
    repo.create(
        "visit",
        {"visit_type": "cp_statutory", "start": "2026-05-11T10:00:00+00:00", "child_seen": True},
        child_id=cp.id,
    )
    repo.create(
        "missing_episode",
        {"start": "2026-05-20T20:00:00+00:00", "end": "2026-05-22T08:00:00+00:00"},
        child_id=cp.id,
    )
    plan = repo.create("plan", {"plan_type": "cce", "review_date": "2026-07-01"}, child_id=cp.id)
    for due, status in [
        ("2026-05-15", "in_progress"),
        ("2026-05-16", "completed"),
        ("2026-06-20", "not_started"),
    ]:
        repo.create(
            "plan_action",
            {
                "plan_id": str(plan.id),
                "description": "x",
                "owner_agency": "police",
                "due_date": due,
                "status": status,
            },
            child_id=cp.id,
        )
    quiet = _child(repo, "Wren")
    repo.create("missing_episode", {"start": "2026-05-31T20:00:00+00:00"}, child_id=quiet.id)

    rows = {r.name: r for r in caseload_summary(store.conn, NOW)}
    pip = rows["Pip Fizzwick"]
    assert pip.legal_status == "cp" and pip.exploitation_risk and not pip.missing_now
    # 10 working days after 11 May 2026 (25 May is a bank holiday) is 26 May.
    assert pip.next_visit_due.isoformat() == "2026-05-26"
    assert pip.overdue_visits == 1
    assert pip.rhi_due == datetime(2026, 5, 25, 8, 0, tzinfo=UTC)
    assert pip.overdue_interviews == 1
    assert pip.overdue_actions == 1  # the completed and the future one do not count
    assert pip.plan_review_due.isoformat() == "2026-07-01"
    assert pip.recording_due.isoformat() == "2026-05-13"
    assert pip.age(NOW.date()) == 16
    wren = rows["Wren Fizzwick"]
    # cin with no start date and no visit yet: due today, every day, never hidden
    assert wren.missing_now and wren.overdue_total == 0
    assert wren.next_visit_due == NOW.date()
    later = {r.name: r for r in caseload_summary(store.conn, datetime(2026, 6, 9, tzinfo=UTC))}
    assert later["Wren Fizzwick"].next_visit_due.isoformat() == "2026-06-09"


def test_last_visit_counts_the_day_in_england(repo, store):
    cp = _child(repo, "Nettle", legal_status="cp", legal_status_start="2026-04-01")
    # 23:30 UTC on Sunday 10 May is 00:30 BST on Monday 11 May; a visit typed
    # in local time earlier on the 10th must not outrank it by spelling.
    for start in ("2026-05-10T23:30:00+00:00", "2026-05-10T23:45:00+01:00"):
        repo.create(
            "visit",
            {"visit_type": "cp_statutory", "start": start, "child_seen": True},
            child_id=cp.id,
        )
    row = caseload_summary(store.conn, NOW)[0]
    assert row.last_visit.isoformat() == "2026-05-11"
    assert row.next_visit_due.isoformat() == "2026-05-26"  # 10 working days, 25th a holiday


def test_purged_words_leave_the_index_itself(repo, child, store):
    repo.create(
        "concern",
        {
            "received_at": "2026-03-01T09:00:00+00:00",
            "source": "school",
            "reliability": "unverified",
            "narrative": "Seen near the zoetrope kiosk",
        },
        child_id=child.id,
    )
    conn = store.conn

    def index_bytes() -> bytes:
        return b"".join(r[0] or b"" for r in conn.execute("SELECT block FROM search_index_data"))

    assert b"oetrop" in index_bytes()  # stems are stored prefix-compressed
    with store.transaction() as tx:
        purge_child(tx, str(child.id))
    # secure-delete: the terms are gone from the index, not just tombstoned
    assert b"oetrop" not in index_bytes()


def test_chronology_order_and_filter(repo, child, store):
    repo.create(
        "concern",
        {
            "received_at": "2026-03-01T09:00:00+00:00",
            "source": "school",
            "reliability": "unverified",
        },
        child_id=child.id,
    )
    repo.create(
        "visit",
        {
            "visit_type": "cin",
            "start": "2026-04-01T10:00:00+00:00",
            "observations": "Bright and chatty",
        },
        child_id=child.id,
    )
    repo.create(
        "missing_episode",
        {"start": "2026-02-01T20:00:00+00:00", "end": "2026-02-02T09:00:00+00:00"},
        child_id=child.id,
    )
    entries = chronology(store.conn, str(child.id))
    assert [e.kind for e in entries] == ["visit", "concern", "missing_episode"]
    assert entries[0].summary == "Bright and chatty" and entries[0].pending
    assert [e.kind for e in chronology(store.conn, str(child.id), ["concern"])] == ["concern"]


def test_chronology_orders_by_the_instant_not_the_spelling(repo, child, store):
    # 09:30 in BST is 08:30 UTC: earlier than the 09:00 UTC concern.
    for at, source in (
        ("2026-05-01T09:00:00+00:00", "police"),
        ("2026-05-01T09:30:00+01:00", "school"),
    ):
        repo.create(
            "concern",
            {"received_at": at, "source": source, "reliability": "unverified"},
            child_id=child.id,
        )
    entries = chronology(store.conn, str(child.id), ["concern"])
    assert [e.at for e in entries] == ["2026-05-01T09:00:00+00:00", "2026-05-01T08:30:00+00:00"]


def test_hotspots_count_distinct_children(repo):
    a, b = _child(repo, "Acorn"), _child(repo, "Basil")
    place = {"name": "Gnarly Park", "postcode": "zz1 2ab"}
    for _ in range(3):  # one child, three mentions
        repo.create(
            "concern",
            {
                "received_at": "2026-03-01T09:00:00+00:00",
                "source": "police",
                "reliability": "confirmed",
                "places": [place],
            },
            child_id=a.id,
        )
    repo.create(
        "concern",
        {
            "received_at": "2026-03-02T09:00:00+00:00",
            "source": "police",
            "reliability": "confirmed",
            "places": [{"name": "gnarly park (north gate)", "postcode": "ZZ1 2AB"}],
        },
        child_id=b.id,
    )
    repo.create(
        "missing_episode",
        {
            "start": "2026-03-03T20:00:00+00:00",
            "end": "2026-03-04T08:00:00+00:00",
            "found_location": "Hotel Snoozeville",
        },
        child_id=b.id,
    )
    repo.create(
        "concern",
        {
            "received_at": "2026-03-05T09:00:00+00:00",
            "source": "hotel",
            "reliability": "single_source",
            "places": [{"name": " hotel  Snoozeville "}],
        },
        child_id=a.id,
    )
    spots = hotspots(repo.store.conn)
    top = spots[0]
    assert top.postcode == "ZZ1 2AB" and top.children == 2 and top.mentions == 4
    hotel = next(s for s in spots if s.key == "hotel snoozeville")
    assert hotel.children == 2


def test_a_pulled_tombstone_leaves_search_places_and_due_items(repo, child, store):
    concern = repo.create(
        "concern",
        {
            "received_at": "2026-03-01T09:00:00+00:00",
            "source": "police",
            "reliability": "confirmed",
            "narrative": "Seen at the quokka enclosure",
            "places": [{"name": "Quokka Zoo", "postcode": "ZZ9 9ZZ"}],
        },
        child_id=child.id,
    )
    assert search(store.conn, "quokka") and hotspots(store.conn)
    tomb = concern.model_copy(update={"deleted": True, "rev": 3})
    with store.transaction() as conn:  # as the sync engine applies a pull
        put_record(conn, tomb, pending=False)
        refresh_children(conn, [str(child.id)])
    assert search(store.conn, "quokka") == [] and hotspots(store.conn) == []
    assert get_record(store.conn, str(concern.id)).deleted
    assert chronology(store.conn, str(child.id)) == []


def test_refreshing_many_children_at_once_equals_one_by_one(store):
    """The batched refresh (a few statements for a whole sync page) derives
    exactly what refreshing each child alone does, due items included."""
    from desktop.records import put_records
    from sync.server.synthetic import generate_caseload

    caseload = generate_caseload(5, 12, 40, workers=["worker.one"])
    tables = (
        "SELECT * FROM child_summary ORDER BY child_id",
        "SELECT * FROM due_items ORDER BY 1, 2",
    )
    with store.transaction() as conn:
        put_records(conn, caseload.records, pending=False)
        refresh_children(conn, {str(r.child_id) for r in caseload.records})
        batched = [conn.execute(sql).fetchall() for sql in tables]
        conn.execute("DELETE FROM child_summary")
        conn.execute("DELETE FROM due_items")
        for child_id in {str(r.child_id) for r in caseload.records}:
            refresh_children(conn, [child_id])
        alone = [conn.execute(sql).fetchall() for sql in tables]
    assert len(batched[0]) == 12 and len(batched[1]) > 12  # every child; visits and more due
    assert batched == alone


def test_times_are_stored_in_utc_whatever_their_spelling():
    from desktop.chronology import _instant

    assert _instant("2026-05-01T10:00:00Z") == "2026-05-01T10:00:00+00:00"
    assert _instant("2026-05-01T10:00:00+00:00") == "2026-05-01T10:00:00+00:00"
    assert _instant("2026-05-01T10:00:00+01:00") == "2026-05-01T09:00:00+00:00"
    assert _instant("2026-05-01T10:00:00.5Z") == "2026-05-01T10:00:00.500000+00:00"
    assert _instant("2026-05-01") == "2026-05-01"
    assert _instant("not a time at all") == "not a time at all"


def test_search_index_leaves_fill_a_database_page(store):
    # Leaves sized for 4 KiB pages would leave half of each 8 KiB page empty;
    # past the page's largest local payload they would spill to overflow.
    with store.transaction() as tx:
        tx.executemany(
            "INSERT INTO search_index (rowid, title, body) VALUES (?, 'Visit', ?)",
            [(n, " ".join(f"word{n * 7 + k}" for k in range(30))) for n in range(1, 400)],
        )
        tx.execute("INSERT INTO search_index (search_index) VALUES ('optimize')")
    conn = store.conn
    usable = int(conn.execute("PRAGMA page_size").fetchone()[0]) - 48  # SQLCipher IV, HMAC
    largest = conn.execute("SELECT max(length(block)) FROM search_index_data").fetchone()[0]
    assert 6000 < largest <= usable - 35  # 4 KiB-sized leaves stop near 4,050 bytes
