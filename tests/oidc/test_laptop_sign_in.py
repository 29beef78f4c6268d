"""The laptop's sign-in through the council's identity provider, end to end:
a real provider (Canaille via pytest-iam) and the central record on loopback
over real HTTP. Enrolment through the real authorization endpoint, refused
tokens at the endpoint, group-to-role mapping, the renewal rule
(`sign_in_needed`), a disabled account at renewal, recovery, and password
sign-in turned off."""

from __future__ import annotations

import base64
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
import requests
import sqlalchemy as sa
from joserfc.jwk import JWKRegistry

from sync.server import accounts, admin, auth
from sync.server.identity_provider import Provider
from sync.server.schema import audit_events, devices, identities
from sync.server.testing import ServiceHandle, running_service
from sync.wire import CLIENT_VERSION, CLIENT_VERSION_HEADER
from tests.helpers import PASSWORD
from tests.oidc.browser import sign_in
from tests.oidc.canaille import (
    CALLBACK,
    CLIENT_ID,
    authorization_url,
    finish,
    quick_id_token,
    register_laptop_client,
    settings_for,
)

VERSION = {CLIENT_VERSION_HEADER: CLIENT_VERSION}
MAPPING = (("cw-coordinators", "coordinator"), ("cw-social-workers", "social_worker"))


class Clock:
    """The service's time, which a test moves (`create_app(clock=...)`)."""

    def __init__(self) -> None:
        self.ahead = timedelta(0)

    def __call__(self):
        return auth.now() + self.ahead


@pytest.fixture
def laptop_client(iam_server):
    client = register_laptop_client(iam_server)
    yield client
    iam_server.backend.delete(client)


@pytest.fixture
def groups(iam_server):
    made = {
        name: iam_server.random_group(display_name=name, members=[])
        for name in ("cw-coordinators", "cw-social-workers", "finance")
    }
    yield made
    for group in made.values():
        iam_server.backend.delete(group)


@pytest.fixture
def people(iam_server, groups):
    """`people(login, *groups)`: a user at the provider, in those groups."""
    made = []

    def person(login: str, *in_groups: str):
        user = iam_server.random_user(user_name=login, password=PASSWORD)
        for name in in_groups:
            group = groups[name]
            group.members = [*group.members, user]
            iam_server.backend.save(group)
        made.append(user)
        return user

    yield person
    for user in made:
        iam_server.backend.delete(user)


@contextmanager
def service_with(
    iam_server, tmp_path, db_url=None, clock=None, **settings
) -> Iterator[ServiceHandle]:
    provider = Provider(settings_for(iam_server, **({"groups": MAPPING} | settings)))
    tmp_path.mkdir(parents=True, exist_ok=True)
    with running_service(db_url, tmp_path=tmp_path, identity_provider=provider, clock=clock) as svc:
        yield svc


def post(svc: ServiceHandle, path: str, body: dict, token: str | None = None):
    headers = VERSION | ({"Authorization": f"Bearer {token}"} if token else {})
    return requests.post(f"{svc.url}/api/v1{path}", json=body, headers=headers, timeout=30)


def get(svc: ServiceHandle, path: str, token: str | None = None):
    headers = VERSION | ({"Authorization": f"Bearer {token}"} if token else {})
    return requests.get(f"{svc.url}/api/v1{path}", headers=headers, timeout=30)


def enrol(svc, token: str, nonce: str = "n-1", **extra) -> requests.Response:
    body = {"id_token": token, "nonce": nonce, "device_name": "laptop"} | extra
    return post(svc, "/auth/enrol/oidc", body)


def backdate(svc, *, days: int) -> None:
    with svc.engine.begin() as conn:
        conn.execute(sa.update(devices).values(signed_in_at=auth.now() - timedelta(days=days)))


def actions(svc) -> list[str]:
    with svc.engine.connect() as conn:
        return list(conn.execute(sa.select(audit_events.c.action)).scalars())


def test_first_enrolment_end_to_end_through_the_authorization_endpoint(
    iam_server, laptop_client, people, service_database, tmp_path
):
    people("sw.first", "cw-social-workers")
    with service_with(iam_server, tmp_path, service_database) as svc:
        methods = get(svc, "/sign-in").json()
        assert methods["provider"]["client_id"] == CLIENT_ID
        assert methods["provider"]["name"] == "Northshire Council"
        assert "openid" in methods["provider"]["scopes"]
        # The laptop's sign-in: the system browser at the provider's real
        # authorization endpoint, back to the loopback redirect, the code
        # exchanged with the PKCE verifier.
        session, url, state, verifier = authorization_url(iam_server, "n-first")
        back = sign_in(url, login="sw.first", password=PASSWORD, stop_at=CALLBACK)
        token = finish(iam_server, session, back, state, verifier)
        key = base64.b64encode(os.urandom(32)).decode()
        r = enrol(svc, token, "n-first", escrow_key=key)
        assert r.status_code == 200, r.text
        device = r.json()
        assert device["worker"] == "sw.first"
        # The device token works for the feed.
        pulled = get(svc, "/changes", device["device_token"])
        assert pulled.status_code == 200 and pulled.json()["records"] == []
        me = get(svc, "/me", device["device_token"]).json()
        assert me["role"] == "social_worker" and me["team"] == "Default team"
        with svc.engine.connect() as conn:
            linked = conn.execute(sa.select(identities.c.subject)).scalars().all()
        assert linked == ["sw.first"]
        done = actions(svc)
        assert done.count("account_created_by_provider") == 1
        assert done.count("provider_sign_in") == 1 and "enrol" in done
        # The same token again is the same account, not a second one.
        again = enrol(svc, token, "n-first")
        assert again.json()["worker"] == "sw.first"
        assert actions(svc).count("account_created_by_provider") == 1


def test_refused_tokens_at_the_endpoint(iam_server, laptop_client, people, tmp_path):
    user = people("sw.refused", "cw-social-workers")
    other_app = register_laptop_client(iam_server, "another-app")
    clock = Clock()
    try:
        with service_with(iam_server, tmp_path, clock=clock) as svc:
            # Issued for another application.
            r = enrol(svc, quick_id_token(iam_server, other_app, user, nonce="n-1"))
            assert (r.status_code, r.json()["code"]) == (401, "token_refused")
            assert "another application" in r.json()["message"]
            token = quick_id_token(iam_server, laptop_client, user, nonce="n-1")
            # Not the nonce this laptop sent.
            r = enrol(svc, token, "n-other")
            assert r.status_code == 401 and "does not answer" in r.json()["message"]
            # A forged signature.
            head, body, signature = token.split(".")
            raw = bytearray(base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4)))
            raw[0] ^= 0xFF
            forged = ".".join([head, body, base64.urlsafe_b64encode(raw).decode().rstrip("=")])
            r = enrol(svc, forged)
            assert r.status_code == 401 and "signature" in r.json()["message"]
            # Expired, by the service's clock.
            clock.ahead = timedelta(hours=2)
            r = enrol(svc, token)
            assert r.status_code == 401 and "expired" in r.json()["message"]
            clock.ahead = timedelta(0)
            assert enrol(svc, token).status_code == 200
            # Nothing refused made an account or a device.
            assert actions(svc).count("enrol") == 1
            assert token not in "".join(str(a) for a in actions(svc))
    finally:
        iam_server.backend.delete(other_app)


def test_key_rotation_at_the_provider(iam_server, laptop_client, people, tmp_path):
    user = people("sw.rotation", "cw-social-workers")
    with service_with(iam_server, tmp_path) as svc:
        first = quick_id_token(iam_server, laptop_client, user, nonce="n-1")
        assert enrol(svc, first).status_code == 200
        config = iam_server.app.config["CANAILLE_OIDC"]
        old = list(config["ACTIVE_JWKS"])
        new = JWKRegistry.generate_key("RSA", 2048)
        new.ensure_kid()
        config["ACTIVE_JWKS"] = [new.as_dict(private=True)]
        try:
            rotated = quick_id_token(iam_server, laptop_client, user, nonce="n-1")
            r = enrol(svc, rotated)
        finally:
            config["ACTIVE_JWKS"] = old
        assert r.status_code == 200, r.text


def test_groups_map_to_roles_in_order_and_link_existing_accounts(
    iam_server, laptop_client, people, tmp_path
):
    both = people("both.groups", "cw-social-workers", "cw-coordinators")
    nobody = people("no.group", "finance")
    existing = people("existing.worker")  # in no group at the provider
    with service_with(iam_server, tmp_path) as svc:
        admin.add_worker(svc.engine, "Existing.Worker", PASSWORD)
        # Coordinators come first in the mapping: a worker in both is one.
        r = enrol(svc, quick_id_token(iam_server, laptop_client, both, nonce="n-1"))
        assert r.status_code == 200, r.text
        assert get(svc, "/me", r.json()["device_token"]).json()["role"] == "coordinator"
        # In no Caseworker group: refused, in plain words, and no account made.
        r = enrol(svc, quick_id_token(iam_server, laptop_client, nobody, nonce="n-1"))
        assert (r.status_code, r.json()["code"]) == (403, "sign_in_refused")
        assert "not in a Caseworker group at Northshire Council" in r.json()["message"]
        assert "no.group" not in accounts.list_workers(svc.engine)
        # An existing account is linked by its name, whatever the case, and
        # keeps its role when no group maps.
        r = enrol(svc, quick_id_token(iam_server, laptop_client, existing, nonce="n-1"))
        assert r.status_code == 200 and r.json()["worker"] == "Existing.Worker"
    # The other order: the same worker is a social worker.
    social_first = tuple(reversed(MAPPING))
    with service_with(iam_server, tmp_path / "again", groups=social_first) as svc:
        r = enrol(svc, quick_id_token(iam_server, laptop_client, both, nonce="n-1"))
        assert get(svc, "/me", r.json()["device_token"]).json()["role"] == "social_worker"


def test_a_sign_in_is_renewed_or_the_laptop_stops_syncing(
    iam_server, laptop_client, people, tmp_path
):
    user = people("sw.renew", "cw-social-workers")
    clock = Clock()
    with service_with(iam_server, tmp_path, clock=clock, renew_days=7) as svc:
        assert get(svc, "/sign-in").json()["renew_days"] == 7
        device = enrol(svc, quick_id_token(iam_server, laptop_client, user, nonce="n-1")).json()
        token = device["device_token"]
        clock.ahead = timedelta(days=6)
        assert get(svc, "/changes", token).status_code == 200
        clock.ahead = timedelta(days=8)
        for path in ("/changes", "/policy", "/me"):
            r = get(svc, path, token)
            assert (r.status_code, r.json()["code"]) == (401, "sign_in_needed"), path
            assert r.json()["message"] == "Sign in with Northshire Council again to keep syncing."
        # The worker signs in again. Their token is judged by the service's
        # clock, so that goes back to the provider's time, and the device's
        # last sign-in back by as much: still due.
        clock.ahead = timedelta(0)
        backdate(svc, days=8)
        assert get(svc, "/changes", token).json()["code"] == "sign_in_needed"
        # Another worker's sign-in does not renew it.
        someone = people("sw.someone", "cw-social-workers")
        theirs = quick_id_token(iam_server, laptop_client, someone, nonce="n-2")
        r = post(svc, "/auth/renew", {"id_token": theirs, "nonce": "n-2"}, token)
        assert (r.status_code, r.json()["code"]) == (403, "another_worker")
        assert get(svc, "/changes", token).json()["code"] == "sign_in_needed"
        fresh = quick_id_token(iam_server, laptop_client, user, nonce="n-3")
        r = post(svc, "/auth/renew", {"id_token": fresh, "nonce": "n-3"}, token)
        assert r.status_code == 204, r.text
        assert get(svc, "/changes", token).status_code == 200
        assert "sign_in_renewed" in actions(svc)
        # Revoked is said first, due or not.
        backdate(svc, days=8)
        admin.revoke_device(svc.engine, device["device_id"])
        assert get(svc, "/changes", token).json()["code"] == "device_revoked"


def test_a_disabled_account_is_refused_at_the_next_renewal(
    iam_server, laptop_client, people, tmp_path
):
    user = people("sw.leaver", "cw-social-workers")
    with service_with(iam_server, tmp_path) as svc:
        device = enrol(svc, quick_id_token(iam_server, laptop_client, user, nonce="n-1")).json()
        accounts.set_disabled(svc.engine, "sw.leaver", True)
        fresh = quick_id_token(iam_server, laptop_client, user, nonce="n-2")
        r = post(svc, "/auth/renew", {"id_token": fresh, "nonce": "n-2"}, device["device_token"])
        assert (r.status_code, r.json()["code"]) == (403, "account_disabled")
        # Nor can it enrol another laptop.
        r = enrol(svc, quick_id_token(iam_server, laptop_client, user, nonce="n-1"))
        assert (r.status_code, r.json()["code"]) == (403, "account_disabled")


def test_recovery_through_the_provider_needs_a_fresh_sign_in(
    iam_server, laptop_client, people, tmp_path
):
    user = people("sw.forgot", "cw-social-workers")
    clock = Clock()
    with service_with(iam_server, tmp_path, clock=clock) as svc:
        key = base64.b64encode(os.urandom(32)).decode()
        token = quick_id_token(iam_server, laptop_client, user, nonce="n-1")
        device = enrol(svc, token, escrow_key=key).json()
        ask = {"id_token": token, "nonce": "n-1", "device_id": device["device_id"]}
        r = post(svc, "/auth/recover/oidc", ask)
        assert r.status_code == 200 and r.json()["escrow_key"] == key
        # The same sign-in a quarter of an hour on (its token still valid) is not fresh.
        clock.ahead = timedelta(minutes=15)
        r = post(svc, "/auth/recover/oidc", ask)
        assert (r.status_code, r.json()["code"]) == (401, "sign_in_not_fresh")


def test_password_sign_in_off(iam_server, laptop_client, people, tmp_path):
    with service_with(iam_server, tmp_path, password_sign_in=False) as svc:
        admin.add_worker(svc.engine, "pw.worker", PASSWORD)
        assert get(svc, "/sign-in").json()["password"] is False
        body = {"worker": "pw.worker", "password": PASSWORD, "device_name": "laptop"}
        r = post(svc, "/auth/enrol", body)
        assert (r.status_code, r.json()["code"]) == (403, "password_sign_in_off")
        recover = {"worker": "pw.worker", "password": PASSWORD, "device_id": str(uuid.uuid4())}
        r = post(svc, "/auth/recover", recover)
        assert (r.status_code, r.json()["code"]) == (403, "password_sign_in_off")
    with service_with(iam_server, tmp_path / "on", password_sign_in=True) as svc:
        admin.add_worker(svc.engine, "pw.worker", PASSWORD)
        body = {"worker": "pw.worker", "password": PASSWORD, "device_name": "laptop"}
        assert post(svc, "/auth/enrol", body).status_code == 200
