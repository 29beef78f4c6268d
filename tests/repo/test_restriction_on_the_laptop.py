"""Need-to-know on the laptop (issue 17 item 2): a restriction that leaves
out the worker's own agency is refused at the field when saved, by the
central record's own rule (`sync.kinds.restriction.check_restriction`), so
the worker hears it while typing, not after a sync; nothing is stored."""

from __future__ import annotations

import pytest

from desktop import device
from sync.errors import RecordInvalid
from sync.wire import Me

CONCERN = {
    "received_at": "2026-05-02T09:00:00+00:00",
    "source": "Synthetic source",
    "reliability": "unverified",
    "narrative": "Seen getting into a car near the station.",
}


def _signed_in(store, agency: str) -> None:
    me = Me(worker="h.one", role="health_worker", agency=agency)
    with store.transaction() as conn:
        device.set_meta(conn, "me", me.model_dump_json())


def _outbox(store) -> int:
    return store.conn.execute("SELECT count(*) FROM outbox").fetchone()[0]


def test_a_health_worker_cannot_restrict_a_concern_away_from_health(repo, store, child):
    _signed_in(store, "health")
    before = _outbox(store)
    with pytest.raises(RecordInvalid) as refused:
        repo.create("concern", CONCERN | {"restricted_to": ["police", "csc"]}, child_id=child.id)
    assert refused.value.field == "restricted_to"
    assert _outbox(store) == before
    kept = repo.create("concern", CONCERN | {"restricted_to": ["health", "csc"]}, child_id=child.id)
    assert kept.data["restricted_to"] == ["health", "csc"]


def test_an_edit_restricting_away_ones_own_agency_is_refused_and_the_record_kept(
    repo, store, child
):
    _signed_in(store, "csc")
    concern = repo.create("concern", CONCERN, child_id=child.id)
    with pytest.raises(RecordInvalid):
        repo.update(concern.id, {"restricted_to": ["police"]})
    assert repo.get(concern.id).data.get("restricted_to") is None


def test_before_the_first_sync_only_the_childs_own_record_is_refused(repo, store, child):
    # The agency is not known yet: the central record still checks at push.
    assert repo.create("concern", CONCERN | {"restricted_to": ["police"]}, child_id=child.id)
    with pytest.raises(RecordInvalid) as refused:
        repo.update(child.id, {"restricted_to": ["csc"]})
    assert refused.value.field == "restricted_to"
