"""Every request names the laptop's version; one older than the policy's
`min_client_version` is answered 426 `client_too_old`."""

from __future__ import annotations

import uuid

import pytest

from sync.server import admin
from sync.wire import CLIENT_VERSION_HEADER, version_key
from tests.helpers import PASSWORD
from tests.server.devices import Device


@pytest.mark.parametrize(
    ("older", "newer"),
    [("0.2.0", "0.10.0"), ("0.9", "0.9.1"), ("0", "0.0.1"), ("1.2.3rc1", "1.2.4"), ("", "0.1")],
)
def test_versions_compare_as_numbers_not_text(older, newer):
    assert version_key(older) < version_key(newer)
    assert version_key("0.2") == version_key("0.2.0")


def _calls(device_id: str, headers: dict) -> list[tuple[str, str, dict | None]]:
    return [
        (
            "post",
            "/api/v1/auth/enrol",
            {"worker": "alice", "password": PASSWORD, "device_name": "x"},
        ),
        (
            "post",
            "/api/v1/auth/recover",
            {"worker": "alice", "password": PASSWORD, "device_id": device_id},
        ),
        ("get", "/api/v1/policy", None),
        ("get", "/api/v1/changes", None),
        ("post", "/api/v1/changes", {"mutations": []}),
        ("post", "/api/v1/audit", {"events": []}),
        ("put", "/api/v1/escrow", {"escrow_key": "AAAA"}),
        ("get", f"/api/v1/records/{uuid.uuid4()}/history", None),
    ]


def test_every_request_from_a_laptop_older_than_the_policy_is_refused(client, workers, engine):
    alice = Device(client, "alice")
    admin.set_policy(engine, min_client_version="0.10.0")
    for version in ("0.9.9", "0.2.0", None):
        headers = dict(alice.headers)
        if version is None:
            client.headers.pop(CLIENT_VERSION_HEADER)  # no header at all counts as "0"
        else:
            headers[CLIENT_VERSION_HEADER] = version
        for method, path, body in _calls(alice.id, headers):
            r = client.request(method, path, json=body, headers=headers)
            assert r.status_code == 426, (version, path, r.text)
            assert r.json()["code"] == "client_too_old"
            assert "update" in r.json()["message"]
    client.headers[CLIENT_VERSION_HEADER] = "0.10.0"
    assert client.get("/api/v1/policy", headers=alice.headers).status_code == 200


def test_a_revoked_device_is_told_so_even_when_it_is_outdated(client, workers, engine):
    alice = Device(client, "alice")
    admin.revoke_device(engine, alice.id)
    admin.set_policy(engine, min_client_version="9.0")
    r = client.get("/api/v1/policy", headers=alice.headers)
    assert r.status_code == 401 and r.json()["code"] == "device_revoked"
