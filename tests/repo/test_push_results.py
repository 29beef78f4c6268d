"""A push result the central record sent without its record (a service
fault) is refused whole: nothing of the batch is settled."""

from __future__ import annotations

import pytest

from desktop.replica import StoreReplica
from sync.errors import ServerRejected
from sync.wire import MutationResult, MutationStatus


@pytest.mark.parametrize("status", [MutationStatus.applied, MutationStatus.conflict])
def test_a_result_without_its_record_is_refused_and_nothing_is_settled(store, child, status):
    replica = StoreReplica(store)
    batch = replica.take_batch(10)
    assert [m.record.id for m in batch] == [child.id]
    incomplete = MutationResult(mutation_id=batch[0].mutation_id, status=status, record=None)
    with pytest.raises(ServerRejected, match="incomplete"):
        replica.apply_results(batch, [incomplete])
    # Still waiting to send, still the laptop's own unsent version.
    waiting = store.conn.execute("SELECT mutation_id, state FROM outbox").fetchall()
    assert waiting == [(str(batch[0].mutation_id), "pending")]
    row = store.conn.execute("SELECT pending, rev FROM records WHERE id = ?", (str(child.id),))
    assert row.fetchone() == (1, 0)
    assert store.conn.execute("SELECT count(*) FROM conflicts").fetchone() == (0,)
