"""Need-to-know records between two real laptops over real HTTP (SQLite and
PostgreSQL): a concern (and a missing episode) restricted to police and
social care reaches the social worker's laptop and never the health
worker's — not in what it holds, its search, its chronology, its caseload
summary, nor the central record's history — and a record restricted after
the health worker's laptop received it is withdrawn from it, with its
search text and its part of the summary; the health worker's own typing in
it is kept, refused, in "Not accepted"."""

from __future__ import annotations

import requests

from desktop import device, outbox
from desktop.refused import list_refused
from sync.wire import CLIENT_VERSION, CLIENT_VERSION_HEADER
from tests.helpers import PASSWORD, Laptop, child_data

CONCERN = {
    "received_at": "2026-05-02T09:00:00+00:00",
    "source": "Neighbourhood officer",
    "reliability": "corroborated",
    "narrative": "Zephyrine seen with older males at the garages",
    "restricted_to": ["police", "csc"],
}
EPISODE = {"start": "2026-05-03T18:00:00+00:00", "restricted_to": ["police", "csc"]}


def _pair(laptops, service) -> tuple[Laptop, Laptop, str]:
    service.add_worker("sw", PASSWORD, agency="csc")
    service.add_worker("nurse", PASSWORD, role="health_worker", agency="health")
    sw, nurse = laptops("sw", new_worker=False), laptops("nurse", new_worker=False)
    child = sw.repo.create("child", child_data("Quintessa"))
    sw.sync()
    service.assign("nurse", child.id)
    return sw, nurse, str(child.id)


def _history(service, laptop: Laptop, record_id: str) -> int:
    token = device.get_meta(laptop.vault.store.conn, "device_token")
    r = requests.get(
        f"{service.url}/api/v1/records/{record_id}/history",
        headers={"Authorization": f"Bearer {token}", CLIENT_VERSION_HEADER: CLIENT_VERSION},
        timeout=10,
    )
    return r.status_code


def _summary(laptop: Laptop, child_id: str):
    return next(s for s in laptop.repo.caseload() if s.child_id == child_id)


def test_a_restricted_concern_reaches_social_care_and_never_health(laptops, service):
    sw, nurse, child = _pair(laptops, service)
    concern = sw.repo.create("concern", CONCERN, child_id=child)
    episode = sw.repo.create("missing_episode", EPISODE, child_id=child)
    sw.sync()
    nurse.sync()

    assert {str(concern.id), str(episode.id)} <= set(sw.held())
    assert not {str(concern.id), str(episode.id)} & set(nurse.held())
    assert child in nurse.held()
    assert [h.record_id for h in sw.repo.search("garages")] == [str(concern.id)]
    assert nurse.repo.search("garages") == []
    titles = [e.record_id for e in nurse.repo.chronology(child)]
    assert str(concern.id) not in titles and str(episode.id) not in titles
    assert _summary(sw, child).missing_now is True
    assert _summary(nurse, child).missing_now is False  # not even the episode's effect
    assert _history(service, sw, str(concern.id)) == 200
    assert _history(service, nurse, str(concern.id)) == 404


def test_a_record_restricted_later_is_withdrawn_with_what_derives_from_it(laptops, service):
    sw, nurse, child = _pair(laptops, service)
    open_data = {k: v for k, v in CONCERN.items() if k != "restricted_to"}
    concern = sw.repo.create("concern", open_data, child_id=child)
    episode = sw.repo.create("missing_episode", {"start": EPISODE["start"]}, child_id=child)
    sw.sync()
    nurse.sync()
    assert str(concern.id) in nurse.held() and nurse.repo.search("garages")
    assert _summary(nurse, child).missing_now is True

    # The nurse types into the concern offline while social care restricts it.
    nurse.repo.update(concern.id, {"narrative": "Health saw it too"})
    sw.repo.update(concern.id, {"restricted_to": ["police", "csc"]})
    sw.repo.update(episode.id, {"restricted_to": ["csc"]})
    sw.sync()
    nurse.sync()

    held = nurse.held()
    assert str(concern.id) not in held and str(episode.id) not in held
    assert nurse.repo.search("garages") == []
    assert _summary(nurse, child).missing_now is False
    conn = nurse.vault.store.conn
    for table, column in (("server_records", "id"), ("places", "record_id")):
        found = conn.execute(f"SELECT count(*) FROM {table} WHERE {column} = ?", (str(concern.id),))
        assert found.fetchone()[0] == 0
    # What the nurse typed is kept, refused, with why in plain words.
    refused = list_refused(nurse.repo)
    assert [r.record_id for r in refused] == [str(concern.id)]
    assert refused[0].reason.startswith("This record is now seen only by other agencies")
    assert outbox.pending_count(conn) == 0
    # The central record kept the restriction, not the nurse's text.
    server = {str(r.id): r for r in service.current_records()}[str(concern.id)]
    assert server.data["restricted_to"] == ["police", "csc"]
    assert server.data["narrative"] == CONCERN["narrative"]
    assert _history(service, nurse, str(concern.id)) == 404
