"""Sign-in under pressure: a bounded number of password checks at once, each
attempt counted before its check, no check inside a write transaction, a
colleague never locked out by someone else's failures, and forwarded
addresses believed only from the proxies the operator names."""

from __future__ import annotations

import sqlite3
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
import sqlalchemy as sa
from fastapi.testclient import TestClient

from sync.server import auth, signin
from sync.server.app import create_app
from sync.server.schema import login_failures
from sync.server.testing import running_service, service_process
from sync.wire import CLIENT_VERSION, CLIENT_VERSION_HEADER
from tests.helpers import PASSWORD

VERSION = {CLIENT_VERSION_HEADER: CLIENT_VERSION}
WRONG = {"password": "not the password", "device_name": "x"}


class CheckWatch:
    """Calls the real Argon2id check and notes how many ran at once and what
    the database said while each ran."""

    def __init__(self, monkeypatch, during=None) -> None:
        self.running = self.peak = 0
        self.lock = threading.Lock()
        self.seen: list[object] = []
        real = auth.check_password
        self.during = during

        def check(account, password):
            with self.lock:
                self.running += 1
                self.peak = max(self.peak, self.running)
            try:
                if self.during:
                    self.seen.append(self.during())
                time.sleep(0.05)  # a check long enough for the others to pile up
                return real(account, password)
            finally:
                with self.lock:
                    self.running -= 1

        monkeypatch.setattr(auth, "check_password", check)


def _failures(engine) -> dict[str, int]:
    with engine.connect() as conn:
        return dict(conn.execute(sa.select(login_failures.c.key, login_failures.c.failures)).all())


def test_concurrent_failed_sign_ins_run_a_bounded_number_of_checks(
    engine, workers, monkeypatch, escrow_key
):
    watch = CheckWatch(monkeypatch)  # unknown names cost a check too
    app = create_app(engine, escrow_key=escrow_key)
    with TestClient(app, headers=VERSION) as client, ThreadPoolExecutor(30) as pool:
        answers = list(
            pool.map(
                lambda i: client.post("/api/v1/auth/enrol", json={"worker": f"crowd{i}", **WRONG}),
                range(30),
            )
        )
    codes = sorted({r.status_code for r in answers})
    assert set(codes) <= {401, 429}, [r.text for r in answers if r.status_code >= 500]
    assert 1 <= watch.peak <= signin.PASSWORD_CHECKS_AT_ONCE
    for r in answers:
        if r.status_code == 429:
            assert int(r.headers["Retry-After"]) >= 1 and r.json()["code"] == "sign_in_busy"


def test_over_the_limit_a_sign_in_is_answered_429_with_retry_after(
    engine, workers, monkeypatch, escrow_key
):
    CheckWatch(monkeypatch)
    app = create_app(engine, escrow_key=escrow_key, password_checks=1, password_wait_s=0.0)
    with TestClient(app, headers=VERSION) as client, ThreadPoolExecutor(8) as pool:
        answers = list(
            pool.map(
                lambda _: client.post("/api/v1/auth/enrol", json={"worker": "alice", **WRONG}),
                range(8),
            )
        )
    busy = [r for r in answers if r.status_code == 429 and r.json()["code"] == "sign_in_busy"]
    assert busy, [r.status_code for r in answers]
    assert all(r.headers["Retry-After"] == "1" for r in busy)
    assert "Try again" in busy[0].json()["message"]


def test_the_attempt_is_counted_before_the_password_is_checked(
    engine, workers, monkeypatch, client
):
    watch = CheckWatch(monkeypatch, during=lambda: _failures(engine))
    r = client.post("/api/v1/auth/enrol", json={"worker": "alice", **WRONG})
    assert r.status_code == 401
    (during,) = watch.seen
    assert sorted(during.values()) == [1, 1], during  # the name's and the address's count
    r = client.post(
        "/api/v1/auth/enrol", json={"worker": "bob", "password": PASSWORD, "device_name": "x"}
    )
    assert r.status_code == 200
    after = _failures(engine)
    assert len(after) == 2 and sorted(after.values()) == [1, 1], after  # bob's success: uncounted


# SQLite only: there a write transaction holds the whole database, so a
# password check inside one would stall every other request; PostgreSQL
# writers lock only their rows.
@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_no_password_check_runs_inside_a_write_transaction(engine, workers, monkeypatch, client):

    def can_write() -> bool:
        probe = sqlite3.connect(engine.url.database, timeout=0, isolation_level=None)
        try:
            probe.execute("BEGIN IMMEDIATE")
            probe.execute("ROLLBACK")
            return True
        except sqlite3.OperationalError:
            return False
        finally:
            probe.close()

    watch = CheckWatch(monkeypatch, during=can_write)
    client.post("/api/v1/auth/enrol", json={"worker": "alice", **WRONG})
    client.post(
        "/api/v1/auth/enrol", json={"worker": "alice", "password": PASSWORD, "device_name": "x"}
    )
    assert watch.seen == [True, True]


def test_a_colleague_with_the_right_password_is_not_locked_out_by_an_address(
    client, workers, engine
):
    for i in range(8):
        r = client.post("/api/v1/auth/enrol", json={"worker": f"guess{i}", **WRONG})
        assert r.status_code == 401, (i, r.text)
    # The address is slowed: its failures count, and a failure waits for them.
    assert _failures(engine)["addr:testclient"] == 8
    start = time.monotonic()
    assert client.post("/api/v1/auth/enrol", json={"worker": "guess0", **WRONG}).status_code == 401
    assert time.monotonic() - start >= auth.failure_delay(9) > auth.failure_delay(1)
    ok = client.post(
        "/api/v1/auth/enrol", json={"worker": "bob", "password": PASSWORD, "device_name": "x"}
    )
    assert ok.status_code == 200, ok.text
    with engine.begin() as conn:  # a quiet address again, so the next part runs fast
        conn.execute(sa.delete(login_failures))
    # One name's own failures still lock that name, even for the right password.
    for _ in range(5):
        client.post("/api/v1/auth/enrol", json={"worker": "alice", **WRONG})
    locked = client.post(
        "/api/v1/auth/enrol", json={"worker": "alice", "password": PASSWORD, "device_name": "x"}
    )
    assert locked.status_code == 429


def _fail_with_forwarded(url: str, forwarded: str) -> None:
    r = requests.post(
        f"{url}/api/v1/auth/enrol",
        json={"worker": "alice", **WRONG},
        headers=VERSION | {"X-Forwarded-For": forwarded},
        timeout=30,
    )
    assert r.status_code == 401, r.text


def test_forwarded_addresses_are_ignored_unless_the_proxy_is_trusted(tmp_path):
    with running_service(None, tmp_path=tmp_path) as svc:
        svc.add_worker("alice", PASSWORD)
        for i in range(3):
            _fail_with_forwarded(svc.url, f"203.0.113.{i}")
        keys = {k: n for k, n in _failures(svc.engine).items() if k.startswith("addr:")}
    assert keys == {"addr:127.0.0.1": 3}


def test_a_named_proxy_is_believed_for_the_address_it_forwards(tmp_path):
    with running_service(None, tmp_path=tmp_path, trusted_proxies=["127.0.0.1"]) as svc:
        svc.add_worker("alice", PASSWORD)
        _fail_with_forwarded(svc.url, "203.0.113.7")
        # A client may put anything in front; the proxy appends what it saw.
        _fail_with_forwarded(svc.url, "198.51.100.1, 203.0.113.8")
        keys = {k for k in _failures(svc.engine) if k.startswith("addr:")}
    assert keys == {"addr:203.0.113.7", "addr:203.0.113.8"}


def test_serve_takes_trusted_proxies_from_its_setting(tmp_path):
    url = f"sqlite:///{tmp_path / 'c.db'}"
    with service_process(
        url, tmp_path=tmp_path, extra_args=["--trusted-proxies", "127.0.0.0/8"]
    ) as svc:
        svc.add_worker("alice", PASSWORD)
        _fail_with_forwarded(svc.url, "203.0.113.9")
        keys = {k for k in _failures(svc.engine) if k.startswith("addr:")}
    assert keys == {"addr:203.0.113.9"}
