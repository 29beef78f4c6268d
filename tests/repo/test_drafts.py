"""Typing the record cannot take is kept as a draft inside the store, and
goes when the form is saved; a new note never sent can be taken back."""

from __future__ import annotations

import pytest

from desktop import outbox
from desktop.repository import NotSaved
from desktop.search import search
from sync.errors import RecordInvalid

VISIT = {"visit_type": "cp_statutory", "start": "2026-05-28T10:00:00+00:00"}
TOO_LONG = "Quillwort " * 10_001  # over the 100,000 characters a text field holds


def test_an_over_long_note_is_kept_as_a_draft_and_nothing_else_stored(repo, child, store):
    data = {**VISIT, "observations": TOO_LONG}
    result = repo.save_or_keep(
        "visit", child.id, None, data, lambda r: r.create("visit", data, child_id=child.id)
    )
    assert isinstance(result, NotSaved)
    assert result.problem.field == "observations"
    assert repo.records_for_child(child.id, "visit") == []
    assert outbox.pending_count(store.conn) == 1  # the child's own record only
    (draft,) = repo.drafts_for_child(child.id)
    assert draft.form == "visit" and draft.record_id is None
    assert draft.data["observations"] == TOO_LONG
    assert "at most 100000 characters" in draft.problem and "Quillwort" not in draft.problem


def test_saving_the_form_drops_its_draft_in_the_same_step(repo, child):
    bad = {**VISIT, "observations": TOO_LONG}
    repo.save_or_keep(
        "visit", child.id, None, bad, lambda r: r.create("visit", bad, child_id=child.id)
    )
    good = {**VISIT, "observations": "Shorter now."}
    record = repo.save_or_keep(
        "visit", child.id, None, good, lambda r: r.create("visit", good, child_id=child.id)
    )
    assert not isinstance(record, NotSaved)
    assert repo.get(record.id).data["observations"] == "Shorter now."
    assert repo.drafts_for_child(child.id) == []


def test_a_draft_for_a_stored_record_is_its_own(repo, child):
    visit = repo.create("visit", VISIT, child_id=child.id)
    bad = {**VISIT, "observations": TOO_LONG}
    repo.save_or_keep("visit", child.id, str(visit.id), bad, lambda r: r.update(visit.id, bad))
    repo.save_or_keep(
        "visit", child.id, None, bad, lambda r: r.create("visit", bad, child_id=child.id)
    )
    assert repo.draft("visit", child.id, str(visit.id)).data["observations"] == TOO_LONG
    assert repo.draft("visit", child.id, None) is not None
    assert repo.get(visit.id).data.get("observations") is None  # the record is untouched
    repo.drop_draft("visit", child.id, str(visit.id))
    assert [d.record_id for d in repo.drafts_for_child(child.id)] == [None]


def test_a_second_open_missing_episode_is_kept_with_the_rule_it_breaks(repo, child):
    first = {"episode_type": "missing", "start": "2026-05-30T21:00:00+01:00"}
    repo.create("missing_episode", first, child_id=child.id)
    second = {"episode_type": "missing", "start": "2026-05-31T21:00:00+01:00",
              "found_location": "Quillwort Parade"}  # fmt: skip
    result = repo.save_or_keep(
        "missing_episode", child.id, None, second,
        lambda r: r.create("missing_episode", second, child_id=child.id),
    )  # fmt: skip
    assert isinstance(result, NotSaved) and result.problem.field == "end"
    assert "open missing episode" in result.problem.message
    assert len(repo.records_for_child(child.id, "missing_episode")) == 1
    assert repo.draft("missing_episode", child.id, None).data == second


def test_a_new_note_never_sent_can_be_taken_back_whole(repo, child, store):
    visit = repo.create("visit", {**VISIT, "observations": "Started by mistake"}, child_id=child.id)
    assert search(store.conn, "mistake")
    repo.discard_unsent(visit.id)
    assert repo.get(visit.id) is None
    assert search(store.conn, "mistake") == []
    assert [str(e.mutation.record.id) for e in outbox.pending(store.conn)] == [str(child.id)]
    actions = store.conn.execute(
        "SELECT action, detail FROM audit_events WHERE record_id = ?", (str(visit.id),)
    ).fetchall()
    assert ("edit", "discarded before it was sent") in actions


def test_a_note_handed_to_the_network_cannot_be_taken_back(repo, child, store):
    visit = repo.create("visit", VISIT, child_id=child.id)
    with store.transaction() as conn:
        conn.execute("UPDATE outbox SET sent_at = 'now' WHERE record_id = ?", (str(visit.id),))
    with pytest.raises(RecordInvalid, match="entered in error"):
        repo.discard_unsent(visit.id)
    assert repo.get(visit.id) is not None
