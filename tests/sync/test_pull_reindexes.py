"""A pulled revision replaces the old one's search words and places; a new
record pulled beside it is indexed too."""

from __future__ import annotations

from desktop.search import search
from tests.helpers import child_data

CONCERN = {
    "received_at": "2026-03-01T09:00:00+00:00",
    "source": "school",
    "reliability": "unverified",
    "narrative": "Seen near the zoetrope kiosk",
    "places": [{"name": "Zoetrope kiosk", "type": "shop", "postcode": "ZZ1 1AA"}],
}


def test_a_pulled_revision_replaces_its_words_and_places(laptops, service):
    sw, tl = laptops("sw"), laptops("tl")
    child = sw.repo.create("child", child_data())
    concern = sw.repo.create("concern", CONCERN, child_id=child.id)
    sw.sync()
    service.assign("tl", child.id)
    tl.sync()
    tl.repo.update(
        concern.id,
        {
            "narrative": "Seen by the kaleidoscope arcade",
            "places": [{"name": "Kaleidoscope arcade", "type": "arcade", "postcode": "ZZ1 2BB"}],
        },
    )
    visit = tl.repo.create(
        "visit",
        {"visit_type": "cin", "start": "2026-05-01T10:00:00+00:00", "observations": "Quiet"},
        child_id=child.id,
    )
    tl.sync()

    report = sw.sync()
    assert report.pulled >= 2
    conn = sw.vault.store.conn
    assert search(conn, "zoetrope") == []
    assert [h.record_id for h in search(conn, "kaleidoscope")] == [str(concern.id)]
    assert [h.record_id for h in search(conn, "quiet")] == [str(visit.id)]
    places = conn.execute(
        "SELECT name, postcode FROM places WHERE record_id = ?", (str(concern.id),)
    ).fetchall()
    assert places == [("Kaleidoscope arcade", "ZZ1 2BB")]
