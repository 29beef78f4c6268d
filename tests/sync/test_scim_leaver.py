"""A leaver end to end, over real HTTP on loopback, on SQLite and
PostgreSQL: a real laptop profile (SQLCipher, the Secret Service keyring)
enrols and syncs; the identity provider's SCIM PATCH deactivates its
worker, exactly as Microsoft Entra ID sends it; the laptop's next sync is
told it is revoked and wipes everything, unsent work included."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import requests
import sqlalchemy as sa

from desktop.errors import VaultMissing
from sync.errors import DeviceRevoked
from sync.server import daily_list, scim_tokens
from sync.server.console import sessions
from sync.server.schema import console_sessions, workers
from tests.helpers import PASSPHRASE, child_data

VISIT = {"visit_type": "cin", "start": "2026-05-01T10:00:00+00:00", "childs_words": "a kite"}
ENTRA_LEAVER = {
    "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
    "Operations": [{"op": "Replace", "path": "active", "value": "False"}],
}


def _provider(service) -> requests.Session:
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {scim_tokens.create_token(service.engine)}"
    session.headers["Content-Type"] = "application/scim+json"
    return session


def test_scim_deactivation_wipes_the_laptop_at_its_next_sync(laptops, service):
    sw = laptops("sam.patel@council.example")
    child = sw.repo.create("child", child_data("Rowan") | {"risk_level": "high"})
    sw.sync()
    assert str(child.id) in {str(r.id) for r in service.current_records()}
    unsent = sw.repo.create("visit", VISIT, child_id=child.id)  # typed, never sent
    profile = sw.vault.profile
    with service.engine.begin() as conn:
        worker_id = conn.execute(
            sa.select(workers.c.id).where(workers.c.name == "sam.patel@council.example")
        ).scalar_one()
        sessions.start(conn, worker_id, "password", datetime.now(UTC))

    provider = _provider(service)
    # What Entra asks first: the account by its user principal name.
    found = provider.get(
        f"{service.url}/scim/v2/Users",
        params={"filter": 'userName eq "Sam.Patel@council.example"'},
        timeout=10,
    ).json()
    (user,) = found["Resources"]
    r = provider.patch(f"{service.url}/scim/v2/Users/{user['id']}", json=ENTRA_LEAVER, timeout=10)
    assert (r.status_code, r.json()["active"]) == (200, False)
    with service.engine.connect() as conn:
        ended = conn.execute(
            sa.select(console_sessions.c.ended_why).where(console_sessions.c.worker_id == worker_id)
        ).scalars()
        assert list(ended) == ["deactivated"]

    with pytest.raises(DeviceRevoked):
        sw.sync()
    assert not profile.db_path.exists()
    with pytest.raises(VaultMissing):
        sw.vault.unlock(PASSPHRASE)
    # What the laptop sent stays on the record; what it never sent is gone with it.
    held = {str(r.id) for r in service.current_records()}
    assert str(child.id) in held and str(unsent.id) not in held
    # The coordinator sees the child unallocated, the worker left.
    listed_now = daily_list.daily_list(service.engine, agency="csc")
    (listed,) = [c for c in listed_now if c.child_id == str(child.id)]
    assert (listed.workers, listed.worker_left) == ([], True)
    # Reactivated, the account is enabled, but that laptop stays wiped and revoked.
    again = dict(ENTRA_LEAVER, Operations=[{"op": "Replace", "path": "active", "value": "True"}])
    r = provider.patch(f"{service.url}/scim/v2/Users/{user['id']}", json=again, timeout=10)
    assert r.json()["active"] is True
    assert not profile.db_path.exists()
