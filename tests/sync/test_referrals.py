"""Adding children (issue 17 item 5): duplicates refused or warned, and a
child a worker proposes from a laptop arriving as a referral the central
team accepts, merges into a child it has, or declines; real laptops over
real HTTP, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from desktop import outbox
from sync.server import admin, referrals
from sync.server.accounts import AdminError
from sync.server.schema import records, revisions
from tests.helpers import child_data

NHS = "943 476 5919"


def _visit(words: str) -> dict:
    return {"visit_type": "cin", "start": "2026-05-01T10:00:00+00:00", "childs_words": words}


def _revisions(service, record_id: str) -> list[tuple[int, str, bool]]:
    with service.engine.connect() as conn:
        return [
            (rev, child, deleted)
            for rev, child, deleted in conn.execute(
                sa.select(revisions.c.rev, revisions.c.child_id, revisions.c.deleted)
                .where(revisions.c.record_id == record_id)
                .order_by(revisions.c.rev)
            )
        ]


def _no_orphans(laptop) -> set[str]:
    """The children the laptop holds; every record it holds is of one of them."""
    conn = laptop.vault.store.conn
    kids = {r[0] for r in conn.execute("SELECT id FROM records WHERE kind = 'child'")}
    owners = {r[0] for r in conn.execute("SELECT DISTINCT child_id FROM records")}
    assert owners <= kids, "a record whose child is not on the laptop"
    return kids


def test_the_same_nhs_number_is_refused_naming_the_child_and_a_namesake_warns(service):
    engine = service.engine
    first = admin.add_child(
        engine, child_data("Wren") | {"identifiers": {"nhs_number": NHS}}, by="ct"
    )
    with pytest.raises(AdminError, match=f"already has this NHS number, child {first} \\(Wren"):
        admin.add_child(engine, child_data("Robin") | {"identifiers": {"nhs_number": NHS}}, by="ct")
    with pytest.raises(admin.SimilarChild, match=f"child {first} \\(Wren Mossgrove, born 2012"):
        admin.add_child(engine, child_data("wren"), by="ct")
    with service.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(records)).scalar_one() == 1
    twin = admin.add_child(engine, child_data("wren"), by="ct", even_if_similar=True)
    assert twin != first


def test_a_proposed_child_is_a_referral_the_central_team_accepts(laptops, service):
    sw = laptops("sw")
    child = sw.repo.create("child", child_data("Linnet"))
    sw.sync()
    (waiting,) = referrals.listing(service.engine)
    assert (waiting.child_id, waiting.worker, waiting.state) == (str(child.id), "sw", "proposed")
    referrals.accept(service.engine, str(child.id), by="coordinator")
    assert referrals.listing(service.engine) == []
    sw.sync()
    assert str(child.id) in sw.held()
    with pytest.raises(AdminError, match="already accepted"):
        referrals.decline(service.engine, str(child.id), by="coordinator")


def test_a_referral_merged_keeps_both_childrens_records_and_laptops_converge(laptops, service):
    keeper, sw = laptops("keeper"), laptops("sw")
    known = admin.add_child(service.engine, child_data("Wren"), assign_to="keeper", by="ct")
    keeper.sync()
    theirs = keeper.repo.create("visit", _visit("the red scarf"), child_id=known)
    keeper.sync()

    proposed = sw.repo.create("child", child_data("Wrenna"))
    sent = sw.repo.create("visit", _visit("the blue door"), child_id=proposed.id)
    sw.sync()
    # Typed offline before the merge, sent after it.
    waiting = sw.repo.create("visit", _visit("the yellow gate"), child_id=proposed.id)
    (referral,) = referrals.listing(service.engine)
    assert referral.child_id == str(proposed.id)

    moved = referrals.merge(service.engine, str(proposed.id), known, by="coordinator")
    assert moved == 1

    report = sw.sync()
    assert report.rejected == 0 and report.purged == [str(proposed.id)]
    assert _no_orphans(sw) == {known}
    notes = {k: v[1]["childs_words"] for k, v in sw.held().items() if "childs_words" in v[1]}
    assert notes == {
        str(theirs.id): "the red scarf",
        str(sent.id): "the blue door",
        str(waiting.id): "the yellow gate",
    }
    assert outbox.pending_count(sw.vault.store.conn) == 0
    keeper.sync()
    assert _no_orphans(keeper) == {known}
    assert {str(sent.id), str(waiting.id), str(theirs.id)} <= set(keeper.held())

    # Every revision of both is kept: the note's first under the proposed
    # child, the next under the child it is; the proposed child a tombstone.
    assert _revisions(service, str(sent.id)) == [
        (1, str(proposed.id), False),
        (2, known, False),
    ]
    assert _revisions(service, str(proposed.id)) == [
        (1, str(proposed.id), False),
        (2, str(proposed.id), True),
    ]
    assert [r[0] for r in _revisions(service, str(theirs.id))] == [1]
    (done,) = referrals.listing(service.engine, every=True)
    assert done.state == "merged"


def test_a_referral_declined_leaves_every_laptop_and_keeps_its_history(laptops, service):
    sw = laptops("sw")
    child = sw.repo.create("child", child_data("Siskin"))
    note = sw.repo.create("visit", _visit("the grey cat"), child_id=child.id)
    sw.sync()
    referrals.decline(service.engine, str(child.id), by="coordinator")
    assert sw.sync().purged == [str(child.id)]
    assert sw.held() == {}
    assert _revisions(service, str(child.id))[-1][2] is True
    assert [r[0] for r in _revisions(service, str(note.id))] == [1]
    assert service.current_records("sw") == []
