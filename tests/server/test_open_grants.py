"""The device read says whether its worker has a break-the-glass grant open,
and only then does a request end the grants whose time is up: a worker
without one costs no expiry transaction, and a grant past its end is still
ended before the worker's next answer."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from sync.server import admin, auth, glass
from sync.server.db import single_statements
from sync.server.schema import workers
from tests.helpers import PASSWORD
from tests.server.test_feed_quiet import _child


def _device(engine, name: str) -> tuple[int, str, str]:
    admin.add_worker(engine, name, PASSWORD)
    with engine.begin() as conn:
        worker_id = conn.execute(sa.select(workers.c.id).where(workers.c.name == name)).scalar_one()
        device_id, token = auth.create_device(conn, worker_id, "laptop")
    return worker_id, device_id, token


def _read(engine, token: str) -> auth.Device:
    with single_statements(engine) as conn:
        found = auth.device_for_token(conn, token)
    assert found is not None
    return found


def test_the_device_read_says_when_a_grant_is_open_until_it_is_ended(engine):
    worker_id, device_id, token = _device(engine, "alice")
    child = str(uuid.uuid4())
    admin.insert_records(engine, [_child(child)])
    assert _read(engine, token).open_grants is False

    granted = datetime.now(UTC)
    with engine.begin() as conn:
        glass.grant(
            conn,
            worker_id=worker_id,
            device_id=device_id,
            child_id=child,
            reason="an emergency placement",
            now=granted,
        )
    assert _read(engine, token).open_grants is True

    # Not yet due: expiry ends nothing and the grant stays open.
    with engine.begin() as conn:
        assert glass.expire(conn, worker_id, granted + timedelta(hours=1)) == 0
    assert _read(engine, token).open_grants is True

    with engine.begin() as conn:
        assert glass.expire(conn, worker_id, granted + timedelta(days=2)) == 1
    assert _read(engine, token).open_grants is False
