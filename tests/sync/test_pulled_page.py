"""The client's view of a changes page: the same checks as ChangesPage,
with records kept as plain values."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from sync.wire import ChangesPage, PulledPage

CHILD = "0e9a5c1b-1111-4111-8111-111111111111"


def record(**changes) -> dict:
    return {
        "id": CHILD,
        "kind": "child",
        "child_id": CHILD,
        "rev": 3,
        "deleted": False,
        "updated_at": "2026-05-01 10:00:00Z",
        "updated_by": "alice",
        "data": {"first_name": "Bramble", "flags": ["cse"]},
    } | changes


def body(*records: dict, **extra) -> str:
    return json.dumps({"records": list(records), "cursor": "7", "more": False} | extra)


def test_ids_become_canonical_text_and_times_iso():
    upper = CHILD.upper()
    page = PulledPage.from_json(body(record(id=upper, child_id=upper)))
    (r,) = page.records
    assert r["id"] == r["child_id"] == CHILD
    assert r["kind"] == "child" and type(r["kind"]) is str
    assert r["updated_at"] == "2026-05-01T10:00:00+00:00"
    assert page.removed_children == [] and page.cursor == "7" and page.more is False
    # The same as the documented model says, field by field.
    full = ChangesPage.model_validate_json(body(record()))
    assert full.records[0].updated_at.isoformat() == r["updated_at"]
    assert full.records[0].data == r["data"]


@pytest.mark.parametrize(
    ("bad", "field"),
    [
        ({"id": "not-a-uuid"}, "records.0.id"),
        ({"kind": "diary"}, "records.0.kind"),
        ({"rev": -1}, "records.0.rev"),
        ({"updated_by": "x" * 201}, "records.0.updated_by"),
        ({"surprise": 1}, "records.0.surprise"),
        ({"data": []}, "records.0.data"),
    ],
)
def test_a_bad_record_is_refused_naming_the_field(bad, field):
    with pytest.raises(ValidationError) as caught:
        PulledPage.from_json(body(record(**bad)))
    assert field in {".".join(str(p) for p in e["loc"][:3]) for e in caught.value.errors()}


def test_removed_children_are_canonical_too():
    page = PulledPage.from_json(body(removed_children=[CHILD.upper()]))
    assert page.removed_children == [CHILD]


def test_the_interpreter_is_tuned_while_syncs_run_and_restored_after_the_last():
    import gc
    import sys
    import threading

    from sync.client.engine import SYNC_SWITCH_INTERVAL, tuned_for_sync

    assert gc.isenabled()
    interval = sys.getswitchinterval()
    assert interval > SYNC_SWITCH_INTERVAL
    inner_started, release = threading.Event(), threading.Event()

    def other_sync():
        with tuned_for_sync():
            inner_started.set()
            release.wait(5)

    with tuned_for_sync():
        assert not gc.isenabled()
        assert sys.getswitchinterval() == pytest.approx(SYNC_SWITCH_INTERVAL)
        t = threading.Thread(target=other_sync)
        t.start()
        inner_started.wait(5)
    # The other sync is still running.
    assert not gc.isenabled() and sys.getswitchinterval() == pytest.approx(SYNC_SWITCH_INTERVAL)
    release.set()
    t.join(5)
    assert gc.isenabled() and sys.getswitchinterval() == pytest.approx(interval)
    gc.disable()
    try:
        with tuned_for_sync():
            pass
        assert not gc.isenabled()  # left as the caller had it
    finally:
        gc.enable()
