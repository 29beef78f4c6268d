"""The authorisation matrix: every operation of the OpenAPI document, for
every role, with the caller's own ids and another worker's, on SQLite and
PostgreSQL. What is expected comes from the permission table
(`roles.GRANTS`) and the permission each operation declares; the
operations come from the app, so a new route without a declared
permission, or without a request here, fails this test.

A refused call answers 403 `role_refused`, changes no row and names no
record; a permitted call reaches only the caller's own caseload.
"""

from __future__ import annotations

import base64
import logging
import os
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from fastapi import FastAPI
from fastapi.testclient import TestClient

from sync.client.transport import Transport
from sync.errors import ServerRejected
from sync.server import accounts, admin, roles_doc
from sync.server.access import PERMISSION_KEY
from sync.server.app import create_app
from sync.server.identity_provider import Provider
from sync.server.roles import GRANTS, Permission, Role, may
from sync.server.schema import metadata
from sync.server.testing import recovery_code, running_service
from sync.wire import CLIENT_VERSION, CLIENT_VERSION_HEADER, Record
from tests.helpers import PASSWORD
from tests.oidc.canaille import CLIENT_ID, quick_id_token, register_laptop_client, settings_for
from tests.server.devices import Device, new_child, new_record

# Sign-in bookkeeping: a right password takes back the attempt it counted,
# which may leave a row at zero. It is sign-in limits, not data.
UNWATCHED = {"login_failures"}
NONCE = "n-matrix"


@dataclass
class Caller:
    """One account of a role, its enrolled laptop and its child."""

    role: Role
    name: str
    device: Device
    child: dict
    note: dict


@dataclass
class World:
    client: TestClient
    engine: sa.Engine
    callers: dict[Role, Caller]
    other: Caller  # a social worker holding a child none of the callers holds
    secrets: set[str] = field(default_factory=set)  # ids and names of every child
    # An ID token from the identity provider for the account of this name.
    id_token: Callable[[str], str] = lambda name: ""


def visit(child_id: str) -> dict:
    data = {"visit_type": "cin", "start": "2026-05-01T10:00:00+00:00"}
    return new_record(child_id, "visit", data)


def _enrol(client: TestClient, name: str) -> Device:
    dev = Device(client, name)
    key = base64.b64encode(os.urandom(32)).decode()
    r = client.put("/api/v1/escrow", json={"escrow_key": key}, headers=dev.headers)
    assert r.status_code == 204, r.text
    return dev


def _caller(client: TestClient, engine: sa.Engine, role: Role, name: str) -> Caller:
    # Every account enrols as a social worker holding one child, then takes
    # its role: a laptop enrolled before its worker became a partner or an
    # administrator is the case the device endpoints must still refuse.
    admin.add_worker(engine, name, PASSWORD)
    dev = _enrol(client, name)
    child = new_child(f"Child of {name}")
    admin.insert_records(engine, [Record.model_validate(child)], by=name)
    admin.set_assignment(engine, name, child["id"], True)
    note = visit(child["id"])
    assert dev.push(note)["status"] == "applied"
    if role is not Role.social_worker:
        if not may(role, Permission.read_caseload):
            admin.set_assignment(engine, name, child["id"], False)
        accounts.set_role(engine, name, role.value)
    return Caller(role, name, dev, child, note)


@pytest.fixture
def world(engine, escrow_key, iam_server) -> Iterator[World]:
    # The council's identity provider (Canaille, tests/oidc) knows every
    # caller by their account's name, and maps no group: their roles stay.
    laptop_client = register_laptop_client(iam_server)
    provider = Provider(settings_for(iam_server))
    with TestClient(
        create_app(engine, escrow_key=escrow_key, identity_provider=provider),
        headers={CLIENT_VERSION_HEADER: CLIENT_VERSION},
    ) as client:
        callers = {role: _caller(client, engine, role, f"the.{role.value}") for role in Role}
        other = _caller(client, engine, Role.social_worker, "the.other")
        users = {
            c.name: iam_server.random_user(user_name=c.name, password=PASSWORD)
            for c in [*callers.values(), other]
        }
        w = World(client, engine, callers, other)
        w.id_token = lambda name: quick_id_token(
            iam_server, laptop_client, users[name], nonce=NONCE
        )
        for c in [*callers.values(), other]:
            data = c.child["data"]
            w.secrets |= {c.child["id"], c.note["id"], data["first_name"], data["last_name"]}
        yield w
        for user in users.values():
            iam_server.backend.delete(user)
    iam_server.backend.delete(laptop_client)


# ---------------------------------------------------------------- requests


@dataclass
class Case:
    """One request and what a permitted caller gets: `status`, and `then`,
    which checks the answer and the database (it may assume nothing else)."""

    whose: str  # "own" | "other"
    method: str
    path: str
    json: dict | None = None
    params: dict | None = None
    headers: bool = True  # the caller's device token
    status: int = 200
    then: Callable[[World, Caller, object], None] | None = None


def _pulled_children(w: World, me: Caller, r) -> None:
    # The feed per role: exactly the caller's caseload, nothing of another's.
    assert {rec["child_id"] for rec in r.json()["records"]} == {me.child["id"]}


def _applied(w: World, me: Caller, r) -> None:
    assert r.json()["results"][0]["status"] == "applied"


def _rejected(w: World, me: Caller, r) -> None:
    result = r.json()["results"][0]
    assert result["status"] == "rejected" and result.get("record") is None


def _history_of_own(w: World, me: Caller, r) -> None:
    assert [rec["id"] for rec in r.json()] == [me.note["id"]]


def _is_me(w: World, me: Caller, r) -> None:
    body = r.json()
    assert (body["worker"], body["role"], body["team"]) == (me.name, me.role.value, "Default team")


def _oversight(child_id: str) -> dict:
    data = {"date": "2026-05-02", "by": "A manager", "decision": "Keep the plan."}
    return new_record(child_id, "management_oversight", data)


def _oversight_if_manager(w: World, me: Caller, r) -> None:
    # Only a team manager or a coordinator records management oversight.
    if me.role in (Role.team_manager, Role.coordinator):
        _applied(w, me, r)
    else:
        _rejected(w, me, r)


def _found_own(w: World, me: Caller, r) -> None:
    assert [c["child_id"] for c in r.json()["children"]] == [me.child["id"]]


def _no_grants(w: World, me: Caller, r) -> None:
    assert r.json() == {"grants": []}


def _event(child_id: str) -> dict:
    return {
        "id": str(uuid.uuid4()),
        "at": datetime.now(UTC).isoformat(),
        "action": "view",
        "child_id": child_id,
    }


def _stored(child_id: str, expected: bool) -> Callable[[World, Caller, object], None]:
    def check(w: World, me: Caller, r) -> None:
        with w.engine.connect() as conn:
            found = conn.execute(
                sa.text(
                    "SELECT count(*) FROM audit_events WHERE child_id = :c AND source = 'client'"
                ),
                {"c": child_id},
            ).scalar_one()
        assert (found > 0) is expected

    return check


def _myself(w: World, me: Caller, r) -> None:
    assert (r.json()["worker"], r.json()["role"]) == (me.name, me.role.value)


def _own_trail(w: World, me: Caller, r) -> None:
    # The coordinator's own child's trail: the note its laptop sent.
    body = r.json()
    assert body["child_id"] == me.child["id"]
    assert "push" in {e["action"] for e in body["entries"]}


def _audit_cases(w: World, me: Caller) -> list[Case]:
    path = f"/api/v1/children/{me.child['id']}/audit"
    if me.role is Role.coordinator:
        return [Case("own", "get", path, then=_own_trail)]
    # A team manager reads the trail of children their team's members hold;
    # this one manages no team, so not even the child they hold themselves.
    return [
        Case("own", "get", path, status=403),
        Case("other", "get", f"/api/v1/children/{w.other.child['id']}/audit", status=403),
    ]


def _sign_in_methods(w: World, me: Caller, r) -> None:
    body = r.json()
    assert body["password"] is True
    assert body["provider"]["name"] == "Northshire Council"
    assert body["provider"]["client_id"] == CLIENT_ID
    assert body["renew_days"] == 14  # the policy's max_offline_days


def _oidc(w: World, whose: Caller, **fields: object) -> dict:
    return {"id_token": w.id_token(whose.name), "nonce": NONCE, **fields}


def _enrol_body(me: Caller) -> dict:
    return {"worker": me.name, "password": PASSWORD, "device_name": "second laptop"}


REQUESTS: dict[tuple[str, str], Callable[[World, Caller], list[Case]]] = {
    ("post", "/api/v1/auth/enrol"): lambda w, me: [
        Case("own", "post", "/api/v1/auth/enrol", json=_enrol_body(me), headers=False),
    ],
    ("post", "/api/v1/auth/recover"): lambda w, me: [
        Case(
            "own",
            "post",
            "/api/v1/auth/recover",
            json={
                "worker": me.name,
                "password": PASSWORD,
                "device_id": me.device.id,
                "recovery_code": recovery_code(w.engine, me.device.id),
            },
            headers=False,
        ),
        # Another's device, even with a code the administrator issued for it.
        Case(
            "other",
            "post",
            "/api/v1/auth/recover",
            json={
                "worker": me.name,
                "password": PASSWORD,
                "device_id": w.other.device.id,
                "recovery_code": recovery_code(w.engine, w.other.device.id),
            },
            headers=False,
            status=404,
        ),
    ],
    # Through the council's identity provider: the caller's own sign-in.
    ("get", "/api/v1/sign-in"): lambda w, me: [
        Case("own", "get", "/api/v1/sign-in", headers=False, then=_sign_in_methods),
    ],
    ("post", "/api/v1/auth/enrol/oidc"): lambda w, me: [
        Case(
            "own",
            "post",
            "/api/v1/auth/enrol/oidc",
            json=_oidc(w, me, device_name="second laptop"),
            headers=False,
        ),
    ],
    ("post", "/api/v1/auth/recover/oidc"): lambda w, me: [
        Case(
            "own",
            "post",
            "/api/v1/auth/recover/oidc",
            json=_oidc(w, me, device_id=me.device.id),
            headers=False,
        ),
        Case(
            "other",
            "post",
            "/api/v1/auth/recover/oidc",
            json=_oidc(w, me, device_id=w.other.device.id),
            headers=False,
            status=404,
        ),
    ],
    # Renewing the caller's own laptop's sign-in; another worker's sign-in
    # does not renew it.
    ("post", "/api/v1/auth/renew"): lambda w, me: [
        Case("own", "post", "/api/v1/auth/renew", json=_oidc(w, me), status=204),
        Case("other", "post", "/api/v1/auth/renew", json=_oidc(w, w.other), status=403),
    ],
    ("put", "/api/v1/escrow"): lambda w, me: [
        Case(
            "own",
            "put",
            "/api/v1/escrow",
            json={"escrow_key": base64.b64encode(os.urandom(32)).decode()},
            status=204,
        ),
    ],
    ("get", "/api/v1/policy"): lambda w, me: [Case("own", "get", "/api/v1/policy")],
    ("get", "/api/v1/record-epoch"): lambda w, me: [Case("own", "get", "/api/v1/record-epoch")],
    ("get", "/api/v1/me"): lambda w, me: [
        Case("own", "get", "/api/v1/me", then=_is_me),
        Case("own", "get", "/api/v1/me", then=_myself),
    ],
    ("get", "/api/v1/children/{child_id}/audit"): _audit_cases,
    ("get", "/api/v1/changes"): lambda w, me: [
        Case("own", "get", "/api/v1/changes", params={"limit": 1000}, then=_pulled_children),
    ],
    ("post", "/api/v1/changes"): lambda w, me: [
        Case(
            "own",
            "post",
            "/api/v1/changes",
            json={"mutations": [_mutation(visit(me.child["id"]))]},
            then=_applied,
        ),
        Case(
            "own",
            "post",
            "/api/v1/changes",
            json={"mutations": [_mutation(_oversight(me.child["id"]))]},
            then=_oversight_if_manager,
        ),
        Case(
            "other",
            "post",
            "/api/v1/changes",
            json={"mutations": [_mutation(visit(w.other.child["id"]))]},
            then=_rejected,
        ),
    ],
    ("get", "/api/v1/records/{record_id}/history"): lambda w, me: [
        Case("own", "get", f"/api/v1/records/{me.note['id']}/history", then=_history_of_own),
        Case("other", "get", f"/api/v1/records/{w.other.note['id']}/history", status=404),
    ],
    # Break-the-glass: the search finds only what it is asked for; a grant
    # of the caller's own child is refused (already held), of no child 404.
    ("post", "/api/v1/children/search"): lambda w, me: [
        Case(
            "own",
            "post",
            "/api/v1/children/search",
            json={"name": me.child["data"]["first_name"]},
            then=_found_own,
        ),
    ],
    ("post", "/api/v1/children/{child_id}/temporary-access"): lambda w, me: [
        Case(
            "own",
            "post",
            f"/api/v1/children/{me.child['id']}/temporary-access",
            json={"reason": "a reason long enough"},
            status=409,
        ),
        Case(
            "other",
            "post",
            f"/api/v1/children/{uuid.uuid4()}/temporary-access",
            json={"reason": "a reason long enough"},
            status=404,
        ),
    ],
    ("get", "/api/v1/access/temporary"): lambda w, me: [
        Case("own", "get", "/api/v1/access/temporary", then=_no_grants),
    ],
    ("get", "/api/v1/council-rules"): lambda w, me: [
        Case("own", "get", "/api/v1/council-rules", params={"have": 0}),
    ],
    # The operator's routes ask nobody to sign in and carry no case data.
    ("get", "/healthz"): lambda w, me: [Case("own", "get", "/healthz", headers=False)],
    ("get", "/readyz"): lambda w, me: [Case("own", "get", "/readyz", headers=False)],
    # Metrics only to the networks allowed (loopback); the test client is none.
    ("get", "/metrics"): lambda w, me: [
        Case("own", "get", "/metrics", status=404),
        Case("own", "get", "/metrics", headers=False, status=404),
    ],
    ("post", "/api/v1/audit"): lambda w, me: [
        Case(
            "own",
            "post",
            "/api/v1/audit",
            json={"events": [_event(me.child["id"])]},
            status=204,
            then=_stored(me.child["id"], True),
        ),
        Case(
            "other",
            "post",
            "/api/v1/audit",
            json={"events": [_event(w.other.child["id"])]},
            status=204,
            then=_stored(w.other.child["id"], False),
        ),
    ],
}


def _mutation(record: dict) -> dict:
    return {"mutation_id": str(uuid.uuid4()), "record": record, "base_rev": 0}


# ---------------------------------------------------------------- checks


def operations(app: FastAPI) -> list[tuple[str, str, dict]]:
    """(method, path, operation) for every operation of the app's OpenAPI document."""
    return [
        (method, path, op)
        for path, item in app.openapi()["paths"].items()
        for method, op in item.items()
    ]


def undeclared(app: FastAPI) -> list[str]:
    """The operations that name no permission of the table."""
    known = {p.value for p in Permission}
    return [
        f"{method.upper()} {path}"
        for method, path, op in operations(app)
        if op.get(PERMISSION_KEY) not in known
    ]


def snapshot(engine: sa.Engine) -> dict[str, list[tuple]]:
    with engine.connect() as conn:
        return {
            t.name: sorted(tuple(map(repr, row)) for row in conn.execute(sa.select(t)))
            for t in metadata.sorted_tables
            if t.name not in UNWATCHED
        }


def test_every_operation_declares_a_permission_of_the_table(escrow_key):
    app = create_app(sa.create_engine("sqlite://"), escrow_key=escrow_key)
    assert undeclared(app) == []
    assert {(m, p) for m, p, _ in operations(app)} == set(REQUESTS), (
        "every operation needs its requests in REQUESTS"
    )

    # The check above is not vacuous: a route added without a permission
    # dependency is named.
    @app.get("/api/v1/unguarded")
    def unguarded() -> dict:
        return {}

    assert undeclared(app) == ["GET /api/v1/unguarded"]


def test_every_role_on_every_operation(world: World, caplog):
    caplog.set_level(logging.DEBUG)
    app = world.client.app
    assert isinstance(app, FastAPI)
    missing = [f"{m.upper()} {p}" for m, p, _ in operations(app) if (m, p) not in REQUESTS]
    assert missing == [], "operations with no requests in the matrix"
    assert undeclared(app) == []
    seen: list[tuple[str, str, str, int]] = []
    for method, path, op in operations(app):
        permission = Permission(op[PERMISSION_KEY])
        for role, me in world.callers.items():
            for case in REQUESTS[(method, path)](world, me):
                allowed = may(role, permission)
                before = None if allowed else snapshot(world.engine)
                r = world.client.request(
                    case.method,
                    case.path,
                    json=case.json,
                    params=case.params,
                    headers=me.device.headers if case.headers else None,
                )
                where = f"{role.value} {case.whose}: {method.upper()} {path}"
                seen.append((role.value, method, path, r.status_code))
                if not allowed:
                    assert r.status_code == 403, (where, r.text)
                    assert r.json()["code"] == "role_refused", where
                    assert r.json()["message"].startswith(f"{role.words} accounts may not")
                    assert snapshot(world.engine) == before, f"{where} changed the database"
                    assert not [s for s in world.secrets if s in r.text], f"{where} leaked"
                    continue
                assert r.status_code == case.status, (where, r.text)
                mine = {me.child["id"], me.note["id"], *me.child["data"].values()}
                leaked = [s for s in world.secrets - mine if s in r.text]
                assert leaked == [], f"{where} leaked another worker's child"
                if case.then is not None:
                    case.then(world, me, r)
    # The service's log never names a child, or carries a child's or record's
    # id (the test client's own log of the URLs it asked for aside).
    service_log = "\n".join(
        r.getMessage() for r in caplog.records if not r.name.startswith(("httpx", "httpcore"))
    )
    assert [s for s in world.secrets if s in service_log] == []
    assert "central_record.access" in {r.name for r in caplog.records}
    # Every role met every operation.
    assert {(role, m, p) for role, m, p, _ in seen} == {
        (role.value, m, p) for role in Role for m, p, _ in operations(app)
    }


def test_a_wrong_password_is_401_whatever_the_role(world: World):
    # A refusal by role comes only after the password: it never tells a
    # guesser which accounts are partners or administrators.
    for role, me in world.callers.items():
        body = {"worker": me.name, "password": "not the password", "device_name": "x"}
        r = world.client.post("/api/v1/auth/enrol", json=body)
        assert (r.status_code, r.json()["code"]) == (401, "sign_in_refused"), role


def test_set_role_takes_effect_at_the_next_request(world: World):
    me = world.callers[Role.health_worker]
    assert world.client.get("/api/v1/policy", headers=me.device.headers).status_code == 200
    admin.set_assignment(world.engine, me.name, me.child["id"], False)
    accounts.set_role(world.engine, me.name, "partner")
    r = world.client.get("/api/v1/changes", headers=me.device.headers)
    assert r.status_code == 403 and "Partner accounts may not" in r.json()["message"]


def test_the_table_grants_nothing_to_partners_and_administrators():
    # Nothing beyond what anyone without an account may ask (health,
    # readiness), signing in to the web console (whose pages are in
    # tests/console/test_console_matrix.py), for partners their reports,
    # which read nothing of the record, for partners and analysts the
    # council's counts, de-identified, and for administrators the console's
    # administration, which carries no case data.
    assert GRANTS[Role.partner] == frozenset(
        {Permission.anyone, Permission.console, Permission.submit_reports, Permission.read_trends}
    )
    assert GRANTS[Role.analyst] == frozenset(
        {Permission.anyone, Permission.console, Permission.read_trends}
    )
    assert GRANTS[Role.administrator] == frozenset(
        {Permission.anyone, Permission.console, Permission.administer}
    )
    assert all(Permission.anyone in granted for granted in GRANTS.values())
    assert set(GRANTS) == set(Role)


def test_docs_roles_md_is_the_table_as_built():
    assert roles_doc.DOC.read_text() == roles_doc.markdown(), (
        "docs/roles.md is out of date: run python -m sync.server.roles_doc"
    )


def test_a_partner_enrolling_a_laptop_is_told_why_in_plain_words(db_url, tmp_path):
    # Through the laptop's own transport over real HTTP: the worker reads
    # the refusal as it is, and no device is made.
    with running_service(db_url, tmp_path=tmp_path) as svc:
        svc.add_worker("pc.jones", PASSWORD, role="partner", agency="police")
        transport = Transport(svc.url)
        try:
            with pytest.raises(ServerRejected) as refused:
                transport.enrol("pc.jones", PASSWORD, "laptop", None)
        finally:
            transport.close()
        assert refused.value.message == (
            "Partner accounts may not use a Caseworker laptop with the central record."
        )
        assert admin.list_devices(svc.engine) == []


def _concern(child_id: str, agencies: list[str]) -> dict:
    data = {
        "received_at": "2026-05-02T09:00:00+00:00",
        "source": "Synthetic source",
        "reliability": "unverified",
        "restricted_to": agencies,
    }
    return new_record(child_id, "concern", data)


@pytest.mark.parametrize("agency", ["csc", "health"])
def test_every_role_and_restricted_records_of_its_own_and_another_agency(world: World, agency: str):
    """Restricted records on the caller's own child: one its agency may see,
    one restricted to another agency. Every role that reads receives the
    first and never the second, in the feed and in history; may edit the
    first and not the second; and those that may not read get neither."""
    other_agency = "police"
    for role, me in world.callers.items():
        with world.engine.begin() as conn:
            conn.execute(sa.text("UPDATE workers SET agency = :a WHERE name = :n"),
                         {"a": agency, "n": me.name})  # fmt: skip
        own = _concern(me.child["id"], [agency, "csc"])
        others = _concern(me.child["id"], [other_agency])
        admin.insert_records(world.engine, [Record.model_validate(r) for r in (own, others)])
        where = f"{role.value} ({agency})"
        cases = {
            "feed": world.client.get("/api/v1/changes", params={"limit": 1000},
                                     headers=me.device.headers),
            "own history": world.client.get(f"/api/v1/records/{own['id']}/history",
                                            headers=me.device.headers),
            "other history": world.client.get(f"/api/v1/records/{others['id']}/history",
                                              headers=me.device.headers),
        }  # fmt: skip
        edit = {**own, "data": own["data"] | {"source": "Edited"}}
        hidden = {**others, "data": others["data"] | {"source": "Edited"}}
        push = [
            world.client.post("/api/v1/changes", headers=me.device.headers,
                              json={"mutations": [{**_mutation(e), "base_rev": 1}]})
            for e in (edit, hidden)
        ]  # fmt: skip
        for r in [*cases.values(), *push]:
            assert others["id"] not in r.text, where  # not even its id
        if not may(role, Permission.read_caseload):
            assert {r.status_code for r in cases.values()} == {403}, where
            assert {r.status_code for r in push} == {403}, where
            continue
        ids = {rec["id"] for rec in cases["feed"].json()["records"]}
        assert own["id"] in ids and others["id"] not in ids, where
        assert "removed_records" not in cases["feed"].json(), where  # created restricted
        assert cases["own history"].status_code == 200, where
        assert cases["other history"].status_code == 404, where
        assert push[0].json()["results"][0]["status"] == "applied", where
        refused = push[1].json()["results"][0]
        assert refused["status"] == "rejected" and refused.get("record") is None, where
        assert refused["reason"].startswith("restricted_to (Seen only by)"), where
        assert others["id"] not in push[1].text and "Synthetic" not in push[1].text, where
