"""SCIM 2.0 Users (sync.server.scim) as an identity provider uses it, on
SQLite and PostgreSQL, with exactly what Microsoft Entra ID's provisioning
sends: a `userName eq` filter first, then POST, and PATCHes whose `op` is
capitalised and whose `active` is the string "False". The laptop's end
of a leaver (its next sync wipes it) is tests/sync/test_scim_leaver.py."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from prometheus_client import REGISTRY

from sync.server import accounts, admin, daily_list, scim_tokens
from sync.server.console import sessions
from sync.server.daily_list import Filters
from sync.server.schema import audit_events, console_sessions, devices, metadata, workers
from sync.server.scim_users import NO_PASSWORD
from sync.wire import Record
from tests.helpers import PASSWORD
from tests.server.devices import Device, new_child, new_record

USER = "urn:ietf:params:scim:schemas:core:2.0:User"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"


@pytest.fixture
def token(engine) -> str:
    return scim_tokens.create_token(engine)


@pytest.fixture
def scim(client, token):
    """The test client as the identity provider: its token on every request."""

    class Provider:
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/scim+json"}

        def get(self, path: str, **kw):
            return client.get("/scim/v2" + path, headers=self.headers, **kw)

        def send(self, method: str, path: str, body=None, content: bytes | None = None):
            return client.request(
                method, "/scim/v2" + path, headers=self.headers, json=body, content=content
            )

    return Provider()


def patch(*operations: dict) -> dict:
    return {"schemas": [PATCH], "Operations": list(operations)}


def entra_user(name: str, external: str = "0f1e2d3c-aaaa-bbbb-cccc-000000000001") -> dict:
    """The POST Entra ID sends with its default attribute mappings."""
    return {
        "schemas": [USER, "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
        "externalId": external,
        "userName": name,
        "active": True,
        "displayName": "Sam Patel",
        "emails": [{"primary": True, "type": "work", "value": name}],
        "meta": {"resourceType": "User"},
        "name": {"formatted": "Sam Patel", "familyName": "Patel", "givenName": "Sam"},
        "title": "Social worker",
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"department": "CSC"},
    }


def snapshot(engine) -> dict[str, list[tuple]]:
    with engine.connect() as conn:
        return {
            t.name: sorted(tuple(map(repr, row)) for row in conn.execute(sa.select(t)))
            for t in metadata.sorted_tables
            # The token's last use and the refusals counted: not accounts.
            if t.name not in ("scim_tokens", "login_failures")
        }


def _id_of(engine, name: str) -> str:
    with engine.connect() as conn:
        return str(conn.execute(sa.select(workers.c.id).where(workers.c.name == name)).scalar_one())


def _refused(reason: str) -> float:
    return REGISTRY.get_sample_value("central_record_scim_refused_total", {"reason": reason}) or 0


def test_entra_asks_by_user_name_first_in_any_case(scim, engine):
    accounts.add_worker(engine, "Sam.Patel@council.example", PASSWORD)
    r = scim.get("/Users", params={"filter": 'userName eq "sam.patel@council.example"'})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/scim+json")
    body = r.json()
    assert body["schemas"] == ["urn:ietf:params:scim:api:messages:2.0:ListResponse"]
    assert body["totalResults"] == 1
    (found,) = body["Resources"]
    assert (found["userName"], found["active"]) == ("Sam.Patel@council.example", True)
    assert found["meta"]["location"].endswith(f"/scim/v2/Users/{found['id']}")
    none = scim.get("/Users", params={"filter": 'userName eq "nobody@council.example"'}).json()
    assert (none["totalResults"], none["Resources"]) == (0, [])
    escaped = scim.get("/Users", params={"filter": 'userName eq "a\\"b"'}).json()
    assert escaped["totalResults"] == 0
    for bad in (
        'userName gt "a"',
        'userName eq "a" or userName eq "b"',
        "userName",
        'title eq "x"',
    ):
        r = scim.get("/Users", params={"filter": bad})
        assert r.status_code == 400, bad
        assert (r.json()["schemas"], r.json()["scimType"]) == ([ERROR], "invalidFilter")
        assert r.json()["status"] == "400"


def test_create_gives_the_default_role_and_no_password(scim, engine, client):
    r = scim.send("POST", "/Users", entra_user("new.starter@council.example"))
    assert r.status_code == 201, r.text
    made = r.json()
    assert r.headers["location"] == made["meta"]["location"]
    assert (made["userName"], made["active"], made["displayName"]) == (
        "new.starter@council.example",
        True,
        "Sam Patel",
    )
    assert made["externalId"] == "0f1e2d3c-aaaa-bbbb-cccc-000000000001"
    assert "name" not in made and "emails" not in made  # accepted, not kept
    (view,) = [a for a in accounts.describe_workers(engine) if a.name == made["userName"]]
    assert (view.role.value, view.team, view.disabled) == ("social_worker", "Default team", False)
    with engine.connect() as conn:
        stored = conn.execute(
            sa.select(workers.c.password_hash).where(workers.c.id == int(made["id"]))
        ).scalar_one()
    assert stored == NO_PASSWORD
    # No password signs in to it: the provider does (docs/scim.md).
    for guess in (NO_PASSWORD, "", PASSWORD):
        body = {"worker": made["userName"], "password": guess, "device_name": "x"}
        assert client.post("/api/v1/auth/enrol", json=body).status_code in (401, 422)
    again = scim.send("POST", "/Users", entra_user("NEW.STARTER@council.example"))
    assert (again.status_code, again.json()["scimType"]) == (409, "uniqueness")
    filtered = scim.get("/Users", params={"filter": f'externalId eq "{made["externalId"]}"'})
    assert [u["id"] for u in filtered.json()["Resources"]] == [made["id"]]
    assert scim.get(f"/Users/{made['id']}").json() == made


def test_entra_patch_shapes_and_what_deactivation_does(scim, engine, client):
    accounts.add_worker(engine, "leaver", PASSWORD)
    laptops = [Device(client, "leaver"), Device(client, "leaver")]
    child = new_child("Rowan")
    admin.insert_records(engine, [Record.model_validate(child)], by="x")
    admin.set_assignment(engine, "leaver", child["id"], True)
    user_id = _id_of(engine, "leaver")
    with engine.begin() as conn:
        sessions.start(conn, int(user_id), "password", datetime.now(UTC))

    # Entra's attribute updates: capitalised ops, a path each, and the
    # attributes of its default mappings this service does not keep.
    r = scim.send(
        "PATCH",
        f"/Users/{user_id}",
        patch(
            {"op": "Add", "path": "externalId", "value": "ext-42"},
            {"op": "Replace", "path": "displayName", "value": "Lee Ver"},
            {"op": "Replace", "path": "name.givenName", "value": "Lee"},
            {"op": "Replace", "path": 'emails[type eq "work"].value', "value": "l@x"},
            {
                "op": "Add",
                "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department",
                "value": "CSC",
            },
        ),
    )
    assert r.status_code == 200, r.text
    assert (r.json()["externalId"], r.json()["displayName"], r.json()["active"]) == (
        "ext-42",
        "Lee Ver",
        True,
    )
    assert all(
        d.client.get("/api/v1/policy", headers=d.headers).status_code == 200 for d in laptops
    )

    # The leaver: exactly what Entra sends, "False" a string.
    r = scim.send(
        "PATCH", f"/Users/{user_id}", patch({"op": "Replace", "path": "active", "value": "False"})
    )
    assert (r.status_code, r.json()["active"]) == (200, False)
    with engine.connect() as conn:
        revoked = conn.execute(
            sa.select(devices.c.revoked_at).where(devices.c.worker_id == int(user_id))
        ).scalars()
        assert all(at is not None for at in revoked)
        ended = conn.execute(
            sa.select(console_sessions.c.ended_at, console_sessions.c.ended_why).where(
                console_sessions.c.worker_id == int(user_id)
            )
        ).all()
        assert [why for _, why in ended] == ["deactivated"] and ended[0][0] is not None
        actions = list(
            conn.execute(
                sa.select(audit_events.c.action).where(audit_events.c.worker_id == int(user_id))
            ).scalars()
        )
    assert actions.count("account_deactivated_by_provider") == 1
    assert actions.count("revoke") == 2
    for d in laptops:
        answer = d.client.get("/api/v1/changes", headers=d.headers)
        assert (answer.status_code, answer.json()["code"]) == (401, "device_revoked")
    # Its caseload stays on the record, shown unallocated to the coordinator.
    assert admin.current_records(engine, "leaver")  # still assigned

    # Reactivation, Entra's other shape: no path, an object of attributes.
    r = scim.send("PATCH", f"/Users/{user_id}", patch({"op": "replace", "value": {"active": True}}))
    assert (r.status_code, r.json()["active"]) == (200, True)
    assert not next(a for a in accounts.describe_workers(engine) if a.name == "leaver").disabled
    for d in laptops:  # a new enrolment is needed
        assert d.client.get("/api/v1/policy", headers=d.headers).status_code == 401

    # A rename (an Entra UPN change) and a removal of the kept id.
    r = scim.send(
        "PATCH",
        f"/Users/{user_id}",
        patch(
            {"op": "Replace", "path": "userName", "value": "leaver.renamed"},
            {"op": "Remove", "path": "externalId"},
        ),
    )
    assert (r.json()["userName"], "externalId" in r.json()) == ("leaver.renamed", False)


def test_a_leavers_children_show_unallocated_on_the_daily_list(scim, engine):
    accounts.add_worker(engine, "left", PASSWORD)
    accounts.add_worker(engine, "stays", PASSWORD)
    kids = [new_child(n) for n in ("Alder", "Briar", "Cobb")]
    for kid in kids:
        kid["data"]["risk_level"] = "high"  # on the list
    admin.insert_records(engine, [Record.model_validate(k) for k in kids], by="x")
    admin.set_assignment(engine, "left", kids[0]["id"], True)
    admin.set_assignment(engine, "left", kids[1]["id"], True)
    admin.set_assignment(engine, "stays", kids[1]["id"], True)
    scim.send(
        "PATCH",
        f"/Users/{_id_of(engine, 'left')}",
        patch({"op": "Replace", "path": "active", "value": "False"}),
    )
    listed = {c.name.split()[0]: c for c in daily_list.daily_list(engine, agency="csc")}
    assert (listed["Alder"].workers, listed["Alder"].worker_left) == ([], True)
    assert (listed["Briar"].workers, listed["Briar"].unallocated) == (["stays"], False)
    assert (listed["Cobb"].worker_left, listed["Cobb"].unallocated) == (False, True)
    only = daily_list.daily_list(engine, Filters(unallocated=True), agency="csc")
    assert sorted(c.name.split()[0] for c in only) == ["Alder", "Cobb"]


def test_delete_is_a_leaver_gone_from_scim(scim, engine, client):
    accounts.add_worker(engine, "gone", PASSWORD)
    laptop = Device(client, "gone")
    user_id = _id_of(engine, "gone")
    assert scim.send("DELETE", f"/Users/{user_id}").status_code == 204
    assert client.get("/api/v1/policy", headers=laptop.headers).status_code == 401
    for r in (
        scim.get(f"/Users/{user_id}"),
        scim.send(
            "PATCH",
            f"/Users/{user_id}",
            patch({"op": "Replace", "path": "active", "value": "True"}),
        ),
        scim.send("DELETE", f"/Users/{user_id}"),
    ):
        assert (r.status_code, r.json()["schemas"]) == (404, [ERROR])
    assert scim.get("/Users", params={"filter": 'userName eq "gone"'}).json()["totalResults"] == 0
    # The row stays for the record's history, disabled.
    assert next(a for a in accounts.describe_workers(engine) if a.name == "gone").disabled


def test_a_wrong_or_absent_token_is_refused_counted_and_slowed(client, engine, token):
    accounts.add_worker(engine, "someone", PASSWORD)
    counted = _refused("unauthenticated")
    laptop = Device(client, "someone")
    before = snapshot(engine)
    for headers in (
        {},
        {"Authorization": "Bearer not-the-token"},
        {"Authorization": token},  # no scheme
        {"Authorization": f"Basic {token}"},
        laptop.headers,  # a device's token is not the provider's
    ):
        r = client.patch(
            "/scim/v2/Users/1",
            json=patch({"op": "Replace", "path": "active", "value": "False"}),
            headers=headers,
        )
        assert r.status_code == 401, headers
        assert r.json()["schemas"] == [ERROR] and "scim-token" in r.json()["detail"]
        assert r.headers["www-authenticate"].startswith("Bearer")
    assert snapshot(engine) == before
    assert _refused("unauthenticated") == counted + 5
    # Past the free failures the address is refused without a look at the token.
    for _ in range(scim_tokens.FREE_FAILURES - 5):
        client.get("/scim/v2/Users", headers={"Authorization": "Bearer guess"})
    r = client.get("/scim/v2/Users", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 429 and int(r.headers["retry-after"]) >= 1
    assert r.json()["schemas"] == [ERROR]
    assert _refused("too_many_attempts") >= 1


def test_a_revoked_token_is_refused_and_only_its_digest_is_kept(client, engine, token):
    with engine.connect() as conn:
        stored = [
            tuple(map(str, row)) for row in conn.execute(sa.text("SELECT * FROM scim_tokens"))
        ]
    assert stored and not any(token in cell for row in stored for cell in row)
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/scim/v2/Users", headers=headers).status_code == 200
    assert scim_tokens.revoke_all(engine) == 1
    assert client.get("/scim/v2/Users", headers=headers).status_code == 401
    fresh = scim_tokens.create_token(engine)
    assert (
        client.get("/scim/v2/Users", headers={"Authorization": f"Bearer {fresh}"}).status_code
        == 200
    )


HOSTILE_PATCHES = [
    ("not json", b"{'Operations': ", "invalidSyntax"),
    ("an array", b"[]", "invalidSyntax"),
    ("no operations", b'{"schemas": ["' + PATCH.encode() + b'"]}', "invalidSyntax"),
]


@pytest.mark.parametrize(
    "operations, scim_type",
    [
        ([{"op": "Move", "path": "active", "value": "False"}], "invalidSyntax"),
        ([{"op": 7, "path": "active"}], "invalidSyntax"),
        ([{"op": "Replace", "path": "active", "value": "maybe"}], "invalidValue"),
        ([{"op": "Replace", "path": "active", "value": 0}], "invalidValue"),
        ([{"op": "Replace", "path": "userName", "value": "x" * 10_000}], "invalidValue"),
        ([{"op": "Replace", "path": "userName", "value": "nul\x00name"}], "invalidValue"),
        ([{"op": "Replace", "path": "userName", "value": ["a"]}], "invalidValue"),
        ([{"op": "Replace", "path": "userName", "value": "  "}], "invalidValue"),
        ([{"op": "Replace", "path": 'active"] or 1=1 --', "value": "False"}], "invalidPath"),
        ([{"op": "Remove", "path": "active"}], "mutability"),
        ([{"op": "Remove"}], "noTarget"),
        ([{"op": "Replace", "value": "False"}], "invalidValue"),
        # The first operation would deactivate; the second is not one: nothing changes.
        (
            [
                {"op": "Replace", "path": "active", "value": "False"},
                {"op": "Frobnicate", "path": "displayName", "value": "x"},
            ],
            "invalidSyntax",
        ),
        ([{"op": "Replace", "path": "displayName", "value": "x"}] * 101, "tooMany"),
    ],
)
def test_hostile_patches_are_400_and_change_nothing(scim, engine, client, operations, scim_type):
    accounts.add_worker(engine, "target", PASSWORD)
    laptop = Device(client, "target")
    user_id = _id_of(engine, "target")
    before = snapshot(engine)
    r = scim.send("PATCH", f"/Users/{user_id}", patch(*operations))
    assert r.status_code == 400, r.text
    body = r.json()
    assert (body["schemas"], body["status"], body["scimType"]) == ([ERROR], "400", scim_type)
    assert "x" * 50 not in body["detail"] and "\x00" not in body["detail"]  # names, never quotes
    assert snapshot(engine) == before
    assert client.get("/api/v1/policy", headers=laptop.headers).status_code == 200


def test_hostile_bodies_and_parameters(scim, engine):
    accounts.add_worker(engine, "target", PASSWORD)
    user_id = _id_of(engine, "target")
    before = snapshot(engine)
    for label, content, scim_type in HOSTILE_PATCHES:
        r = scim.send("PATCH", f"/Users/{user_id}", content=content)
        assert (r.status_code, r.json()["scimType"]) == (400, scim_type), label
    deep = b"[" * 100_000 + b"]" * 100_000
    assert scim.send("POST", "/Users", content=deep).status_code == 413
    nested = b"[" * 5000 + b"]" * 5000
    r = scim.send("POST", "/Users", content=nested)
    assert (r.status_code, r.json()["scimType"]) == (400, "invalidSyntax")
    huge = {"schemas": [USER], "userName": "a" * 70_000}
    assert scim.send("POST", "/Users", huge).status_code == 413
    for body in (
        {"schemas": [USER]},
        {"schemas": ["urn:other"], "userName": "x"},
        {"schemas": [USER], "userName": "x", "active": "sometimes"},
        {"schemas": [USER], "userName": "x", "externalId": {"a": 1}},
    ):
        r = scim.send("POST", "/Users", body)
        assert r.status_code == 400 and r.json()["schemas"] == [ERROR], body
    for path in ("/Users/abc", "/Users/-1", "/Users/99999999999999999999999", f"/Users/{user_id}0"):
        assert scim.get(path).status_code == 404, path
    for params in ({"startIndex": "x"}, {"count": "-1"}, {"count": "1e9"}):
        assert scim.get("/Users", params=params).status_code == 400, params
    assert (
        scim.get("/Users", params={"filter": "userName eq " + '"' + "a" * 5000 + '"'}).status_code
        == 400
    )
    assert snapshot(engine) == before


def test_pages_and_discovery(scim, engine):
    for n in range(5):
        accounts.add_worker(engine, f"w{n}", PASSWORD)
    page = scim.get("/Users", params={"startIndex": "2", "count": "2"}).json()
    assert (page["totalResults"], page["startIndex"], page["itemsPerPage"]) == (5, 2, 2)
    assert [u["userName"] for u in page["Resources"]] == ["w1", "w2"]
    config = scim.get("/ServiceProviderConfig").json()
    assert config["patch"]["supported"] is True and config["bulk"]["supported"] is False
    assert config["authenticationSchemes"][0]["type"] == "oauthbearertoken"
    types = scim.get("/ResourceTypes").json()["Resources"]
    assert [(t["name"], t["endpoint"], t["schema"]) for t in types] == [("User", "/Users", USER)]
    schemas = {s["id"]: s for s in scim.get("/Schemas").json()["Resources"]}
    assert {a["name"] for a in schemas[USER]["attributes"]} == {
        "userName",
        "displayName",
        "active",
        "externalId",
    }


def test_scim_token_command_prints_a_working_token_once(engine, db_url, client, capsys):
    from sync.server.cli import main

    assert main(["--db", db_url, "scim-token"]) == 0
    out = capsys.readouterr()
    printed = out.out.strip()
    assert printed.startswith("scim-") and "shown this once" in out.err
    assert (
        client.get("/scim/v2/Users", headers={"Authorization": f"Bearer {printed}"}).status_code
        == 200
    )
    assert main(["--db", db_url, "scim-token", "--revoke-all"]) == 0
    assert "Revoked 1 SCIM token." in capsys.readouterr().out
    assert (
        client.get("/scim/v2/Users", headers={"Authorization": f"Bearer {printed}"}).status_code
        == 401
    )


def test_a_visit_pushed_before_deactivation_stays_on_the_record(scim, engine, client):
    admin.set_policy(engine, workers_may_create_children=True)
    accounts.add_worker(engine, "pushes", PASSWORD)
    laptop = Device(client, "pushes")
    child = new_child("Hazel")
    assert laptop.push(child)["status"] == "applied"
    note = new_record(
        child["id"], "visit", {"visit_type": "cin", "start": "2026-05-01T10:00:00+00:00"}
    )
    assert laptop.push(note)["status"] == "applied"
    scim.send("DELETE", f"/Users/{_id_of(engine, 'pushes')}")
    assert {str(r.id) for r in admin.current_records(engine)} >= {child["id"], note["id"]}
