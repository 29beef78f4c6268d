"""Bad input is refused by name, failures answer the error body, and neither
case text nor SQL parameters reach the service's log or its answers."""

from __future__ import annotations

import logging
import socket
import uuid

import pytest
import requests
import sqlalchemy as sa

from sync.server.testing import running_service, service_process
from sync.wire import CLIENT_VERSION, CLIENT_VERSION_HEADER, MAX_REQUEST_BYTES
from tests.helpers import PASSWORD
from tests.server.devices import Device, new_child, new_record

NUL = "\x00"
VERSION = {CLIENT_VERSION_HEADER: CLIENT_VERSION}


def _is_error_body(r, status: int, field: str | None = None) -> None:
    assert r.status_code == status, r.text
    body = r.json()
    assert set(body) == {"code", "message"}, body
    if field:
        assert body["message"].startswith(field + ":"), body


@pytest.mark.parametrize("field", ["worker", "device_name", "password"])
def test_nul_at_enrol_is_a_422_naming_the_field(client, workers, field):
    body = {"worker": "alice", "password": PASSWORD, "device_name": "laptop"}
    body[field] = body[field][:3] + NUL + body[field][3:]
    _is_error_body(client.post("/api/v1/auth/enrol", json=body), 422, field)


def test_nul_at_recover_is_a_422_naming_the_field(client, workers):
    alice = Device(client, "alice")
    ask = {"worker": "al" + NUL + "ice", "password": PASSWORD, "device_id": alice.id}
    _is_error_body(client.post("/api/v1/auth/recover", json=ask), 422, "worker")


def test_nul_in_audit_detail_and_escrow_is_a_422(client, workers):
    alice = Device(client, "alice")
    event = {
        "id": str(uuid.uuid4()),
        "at": "2026-05-01T10:00:00+00:00",
        "action": "view",
        "detail": "opened" + NUL,
    }
    r = client.post("/api/v1/audit", json={"events": [event]}, headers=alice.headers)
    _is_error_body(r, 422, "events.0.detail")
    r = client.put("/api/v1/escrow", json={"escrow_key": "QUJD" + NUL}, headers=alice.headers)
    _is_error_body(r, 422, "escrow_key")


def test_nul_in_the_record_envelope_is_a_422(client, workers):
    alice = Device(client, "alice")
    child = dict(new_child(), updated_by="al" + NUL)
    m = {"mutation_id": str(uuid.uuid4()), "record": child, "base_rev": 0}
    r = client.post("/api/v1/changes", json={"mutations": [m]}, headers=alice.headers)
    _is_error_body(r, 422, "mutations.0.record.updated_by")


@pytest.mark.parametrize(
    ("kind", "data", "field"),
    [
        ("child", None, "first_name"),
        ("plan", {"plan_type": "cse", "risks": "line one\n" + NUL}, "risks"),
        (
            "missing_episode",
            {"start": "2026-04-01T10:00:00+00:00", "associates": ["ok", "a" + NUL]},
            "associates.1",
        ),
        (
            "concern",
            {
                "received_at": "2026-04-01T10:00:00+00:00",
                "source": "school",
                "reliability": "unverified",
                "places": [{"name": "the park" + NUL}],
            },
            "places.0.name",
        ),
    ],
)
def test_nul_in_record_data_is_refused_by_name_and_nothing_is_stored(
    client, workers, engine, kind, data, field
):
    alice = Device(client, "alice")
    child = new_child()
    if data is None:
        child["data"]["first_name"] = "Bram" + NUL + "ble"
        record = child
    else:
        assert alice.push(child)["status"] == "applied"
        record = new_record(child["id"], kind, data)
    result = alice.push(record)
    assert result["status"] == "rejected"
    assert result["reason"].startswith(f"{field}: ") and NUL not in result["reason"]
    from sync.server.schema import records

    with engine.connect() as conn:
        stored = conn.execute(sa.select(records.c.id).where(records.c.id == record["id"])).all()
    assert stored == []


def test_an_unknown_field_named_with_a_nul_is_refused_without_echoing_it(client, workers):
    alice = Device(client, "alice")
    child = new_child()
    child["data"]["sec" + NUL + "ret Zanzibar note"] = "x"
    result = alice.push(child)
    assert result["status"] == "rejected"
    assert NUL not in result["reason"] and "Zanzibar" not in result["reason"]


def _plant_failure(engine, table: str) -> None:
    """Make every write to `table` fail inside the database: a trigger on
    updates and a check that the rows about to be written break."""
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.exec_driver_sql(
                "CREATE FUNCTION planted() RETURNS trigger AS $$ BEGIN "
                "RAISE EXCEPTION 'planted failure'; END $$ LANGUAGE plpgsql"
            )
            conn.exec_driver_sql(
                f"CREATE TRIGGER planted BEFORE UPDATE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION planted()"
            )
            # PostgreSQL names the failing row in its DETAIL, and COPY the line.
            conn.exec_driver_sql(
                f"ALTER TABLE {table} ADD CONSTRAINT planted CHECK (length(data) < 60) NOT VALID"
            )
        else:
            conn.exec_driver_sql(
                f"CREATE TRIGGER planted BEFORE UPDATE ON {table} "
                "BEGIN SELECT RAISE(ABORT, 'planted failure'); END"
            )
            conn.exec_driver_sql(
                f"CREATE TRIGGER planted_insert BEFORE INSERT ON {table} "
                "WHEN length(NEW.data) >= 60 BEGIN SELECT RAISE(ABORT, 'planted failure'); END"
            )


def test_a_failing_statement_answers_the_error_body_and_logs_status_500(
    client, workers, engine, caplog
):
    alice = Device(client, "alice")
    marker = f"Marker{uuid.uuid4().hex[:8]}"
    _plant_failure(engine, "records")
    with caplog.at_level(logging.DEBUG):
        r = client.post(
            "/api/v1/changes",
            json={
                "mutations": [
                    {"mutation_id": str(uuid.uuid4()), "record": new_child(marker), "base_rev": 0}
                ]
            },
            headers=alice.headers,
        )
    _is_error_body(r, 500)
    assert r.json()["code"] == "internal_error"
    assert marker not in r.text
    assert "status=500" in caplog.text and "status=0" not in caplog.text
    assert marker not in caplog.text


def test_the_service_log_never_carries_case_text_or_sql_parameters(db_url, tmp_path):
    """A real `central-record serve`: its whole stderr is the service's log."""
    marker = f"Marker{uuid.uuid4().hex[:8]}"
    log_path = tmp_path / "service.log"
    with service_process(db_url, tmp_path=tmp_path, log_path=log_path) as svc:
        svc.set_policy(workers_may_create_children=True)
        svc.add_worker("alice", PASSWORD)
        r = requests.post(
            f"{svc.url}/api/v1/auth/enrol",
            json={"worker": "alice", "password": PASSWORD, "device_name": "laptop"},
            headers=VERSION,
            timeout=30,
        )
        headers = VERSION | {"Authorization": f"Bearer {r.json()['device_token']}"}
        child = new_child("Short")
        first = {"mutation_id": str(uuid.uuid4()), "record": child, "base_rev": 0}
        r = requests.post(
            f"{svc.url}/api/v1/changes", json={"mutations": [first]}, headers=headers, timeout=30
        )
        assert r.json()["results"][0]["status"] == "applied", r.text
        _plant_failure(svc.engine, "records")
        answers = []
        renamed = dict(child, data=dict(child["data"], first_name=marker))
        for record, base_rev in ((renamed, 1), (new_child(marker), 0)):
            m = {"mutation_id": str(uuid.uuid4()), "record": record, "base_rev": base_rev}
            answers.append(
                requests.post(
                    f"{svc.url}/api/v1/changes",
                    json={"mutations": [m]},
                    headers=headers,
                    timeout=30,
                )
            )
    for r in answers:
        _is_error_body(r, 500)
        assert marker not in r.text
    log = log_path.read_text()
    assert log.count("status=500") == 2, log
    assert "Traceback" not in log
    assert marker not in log, log


def test_a_body_over_the_limit_is_refused_with_the_limit_in_the_message(client, workers):
    alice = Device(client, "alice")
    filler = "x" * (MAX_REQUEST_BYTES + 10)
    r = client.post(
        "/api/v1/changes",
        content=b'{"mutations":[],"pad":"' + filler.encode() + b'"}',
        headers=alice.headers | {"Content-Type": "application/json"},
    )
    _is_error_body(r, 413)
    assert "16 MiB" in r.json()["message"]


def test_a_streamed_body_over_the_limit_is_cut_off_while_it_arrives(tmp_path):
    """Chunked, no Content-Length: the service answers 413 once the limit is
    passed, without waiting for (or holding) the rest of the body."""
    with running_service(None, tmp_path=tmp_path) as svc:
        svc.add_worker("alice", PASSWORD)
        r = requests.post(
            f"{svc.url}/api/v1/auth/enrol",
            json={"worker": "alice", "password": PASSWORD, "device_name": "laptop"},
            headers=VERSION,
            timeout=30,
        )
        token = r.json()["device_token"]
        port = int(svc.url.rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
            s.sendall(
                b"POST /api/v1/changes HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + f"Authorization: Bearer {token}\r\n".encode()
                + f"{CLIENT_VERSION_HEADER}: {CLIENT_VERSION}\r\n".encode()
                + b"Transfer-Encoding: chunked\r\n\r\n"
            )
            chunk = b"x" * (1024 * 1024)
            for _ in range(MAX_REQUEST_BYTES // len(chunk) + 1):
                s.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            # The body never ends: only a service that stops reading answers.
            answer = b""
            while b"\r\n\r\n" not in answer:
                got = s.recv(65536)
                assert got, "the service closed without answering"
                answer += got
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
