"""What an operator's tools ask the service (issue 19, item 7): /healthz,
/readyz, Prometheus /metrics (counts only, never ids, names or text; to the
networks allowed), JSON logs, HTTPS, and `central-record check`."""

from __future__ import annotations

import json
import logging
import os
import shlex
import time
import uuid
from pathlib import Path

import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import ec
from fastapi import FastAPI
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from sync.server import admin, cli, settings
from sync.server.app import create_app
from sync.server.db import make_engine
from sync.server.operations import install_operations, readiness
from sync.server.testing import service_process
from sync.wire import CLIENT_VERSION, CLIENT_VERSION_HEADER
from tests.certificates import private_key_pem, self_signed
from tests.helpers import PASSWORD
from tests.server.devices import Device, new_child, new_record

VERSION = {CLIENT_VERSION_HEADER: CLIENT_VERSION}
MARKER = "Zanzibar-Quokka-7731"  # planted case text: must never appear in metrics or logs


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    found = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            found[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return found


def value(text: str, name: str, **labels: str) -> float:
    return samples(text).get((name, tuple(sorted(labels.items()))), 0.0)


@pytest.fixture
def loopback(engine, escrow_key):
    """The service as a Prometheus on the same host sees it."""
    app = create_app(engine, escrow_key=escrow_key)
    with TestClient(app, headers=VERSION, client=("127.0.0.1", 40000)) as c:
        yield c


def test_health_and_readiness_answer_without_a_token(loopback):
    assert loopback.get("/healthz").json() == {"status": "ok"}
    r = loopback.get("/readyz")
    assert r.status_code == 200 and r.json() == {"status": "ready"}


def test_not_ready_when_the_schema_is_behind_or_the_database_is_gone(tmp_path):
    unmigrated = make_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    app = FastAPI()
    install_operations(app, unmigrated, proxies=[])
    r = TestClient(app).get("/readyz")
    assert r.status_code == 503 and "schema" in r.json()["problem"]
    gone = make_engine("postgresql+psycopg://nobody@127.0.0.1:1/none")
    assert readiness(gone, "head") == "the database cannot be reached"


def test_metrics_count_sync_and_sign_ins_without_ids_names_or_text(loopback, workers):
    before = loopback.get("/metrics").text
    alice = Device(loopback, "alice")
    child = new_child()
    alice.push(child)
    note = new_record(
        child["id"], "visit", {"visit_type": "cin", "start": "2026-05-01T10:00:00+00:00"}
    )
    note["data"]["observations"] = MARKER
    assert alice.push(note)["status"] == "applied"
    stranger = new_record(str(uuid.uuid4()), "visit", {"visit_type": "cin"})
    assert alice.push(stranger)["status"] == "rejected"
    alice.pull()
    r = loopback.post(
        "/api/v1/auth/enrol",
        json={"worker": "alice", "password": "not her password", "device_name": MARKER},
    )
    assert r.status_code == 401
    after = loopback.get("/metrics").text

    def delta(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert delta("central_record_pushed_mutations_total", outcome="applied") == 2
    assert delta("central_record_pushed_mutations_total", outcome="rejected") == 1
    assert delta("central_record_sign_ins_failed_total", reason="refused") == 1
    assert delta("central_record_pulls_total") >= 1
    assert delta("central_record_pulled_records_total") >= 2
    assert (
        delta("central_record_requests_total", route="/api/v1/changes", method="POST", status="200")
        == 3
    )
    assert delta("central_record_request_seconds_count", route="/api/v1/changes") >= 4
    for secret in (MARKER, "alice", child["id"], note["id"], alice.id):
        assert secret not in after


def test_metrics_are_not_there_for_an_address_not_allowed(client):
    # TestClient's own address is no network at all; a stranger's, likewise.
    r = client.get("/metrics")
    assert r.status_code == 404
    assert "central_record" not in r.text


def access_lines(log: Path) -> list[dict]:
    lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    return [line for line in lines if line["logger"] == "central_record.access"]


def answered_by(log: Path) -> set[int]:
    return {a["process"] for a in access_lines(log) if a.get("route") == "/api/v1/auth/enrol"}


def test_two_processes_over_https_answer_one_scrape_for_both_and_log_json(
    fresh_pg_url, tmp_path, monkeypatch
):
    certfile, keyfile = self_signed(tmp_path)
    log = tmp_path / "service.log"
    monkeypatch.setenv("CENTRAL_RECORD_LOG_FORMAT", "json")
    with service_process(
        fresh_pg_url,
        tmp_path=tmp_path / "svc",
        log_path=log,
        extra_args=["--workers", "2", "--certfile", str(certfile), "--keyfile", str(keyfile)],
    ) as svc:
        admin.add_worker(svc.engine, "alice", PASSWORD)
        url = svc.url.replace("http://", "https://")
        with pytest.raises(requests.exceptions.SSLError):
            requests.get(f"{url}/healthz", timeout=10)  # not trusted without the CA
        # A new connection each: the kernel deals them out until both
        # processes have answered. Each a worker of its own, so no sign-in
        # limit is reached.
        # The second process may still be starting on a loaded machine: go on
        # for up to a minute and a half of requests, not a fixed number.
        sent, deadline = 0, time.monotonic() + 90
        while sent < 8 or (len(answered_by(log)) < 2 and time.monotonic() < deadline):
            r = requests.post(
                f"{url}/api/v1/auth/enrol",
                json={"worker": f"alice{sent}", "password": "wrong", "device_name": MARKER},
                headers=VERSION,
                timeout=30,
                verify=str(certfile),
            )
            assert r.status_code == 401
            sent += 1
        assert len(answered_by(log)) == 2
        scrape = requests.get(f"{url}/metrics", timeout=10, verify=str(certfile)).text
        assert value(scrape, "central_record_sign_ins_failed_total", reason="refused") == sent
        assert requests.get(f"{url}/readyz", timeout=10, verify=str(certfile)).status_code == 200
    access = access_lines(log)
    assert len([a for a in access if a.get("route") == "/api/v1/auth/enrol"]) == sent
    assert {a["status"] for a in access if a.get("route") == "/api/v1/auth/enrol"} == {401}
    assert MARKER not in log.read_text() and "alice" not in log.read_text()


def run_check(capsys, *args: str) -> tuple[int, str]:
    code = cli.main(list(args))
    return code, capsys.readouterr().out


def test_check_passes_a_ready_service_and_names_each_problem(fresh_pg_url, tmp_path, capsys):
    secrets = tmp_path / "secrets.json"
    settings.create_secrets_file(secrets)
    code, out = run_check(capsys, "--db", fresh_pg_url, "check", "--secrets-file", str(secrets))
    assert code == 1 and "PROBLEM  schema: at revision none" in out  # not migrated yet
    assert "ok       database" in out and "ok       secrets: loaded" in out
    assert cli.main(["--db", fresh_pg_url, "migrate"]) == 0
    capsys.readouterr()
    code, out = run_check(capsys, "--db", fresh_pg_url, "check", "--secrets-file", str(secrets))
    assert code == 0, out
    assert "PROBLEM" not in out and "ok       schema" in out

    secrets.chmod(0o644)
    code, out = run_check(capsys, "--db", fresh_pg_url, "check", "--secrets-file", str(secrets))
    assert code == 1 and "PROBLEM  secrets" in out and "chmod 600" in out


def test_check_never_prints_the_database_password(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("CENTRAL_RECORD_ESCROW_KEY", "A" * 43 + "=")
    url = "postgresql+psycopg://worker:Hunter2Secret@127.0.0.1:1/record"
    code, out = run_check(capsys, "--db", url, "check")
    assert code == 1 and "PROBLEM  database: cannot connect" in out
    assert "Hunter2Secret" not in out and "***" in out


def test_https_files_are_checked_before_anything_starts(tmp_path):
    certfile, keyfile = self_signed(tmp_path)
    with pytest.raises(settings.SettingsError, match="--keyfile: HTTPS needs both"):
        settings.tls_files(str(certfile), None)
    keyfile.chmod(0o644)
    with pytest.raises(settings.SettingsError, match="--keyfile: .* owner-only"):
        settings.tls_files(str(certfile), str(keyfile))
    keyfile.chmod(0o600)
    stray = tmp_path / "stray.pem"
    stray.write_bytes(private_key_pem(ec.generate_private_key(ec.SECP256R1())))
    stray.chmod(0o600)
    with pytest.raises(settings.SettingsError, match="not a PEM certificate and its own"):
        settings.tls_files(str(certfile), str(stray))
    assert settings.tls_files(str(certfile), str(keyfile)) is not None
    assert os.environ.get("PROMETHEUS_MULTIPROC_DIR") is None  # nothing leaked into the tests


def unit_commands(unit: str) -> dict[str, list[str]]:
    """ExecStart= and ExecStartPre= of a systemd unit, continuation lines joined."""
    joined = unit.replace("\\\n", " ")
    found = {}
    for line in joined.splitlines():
        key, _, value = line.partition("=")
        if key in ("ExecStart", "ExecStartPre"):
            found[key] = shlex.split(value)
    return found


def test_the_example_systemd_unit_uses_options_the_service_has():
    unit = (Path(__file__).parents[2] / "docs" / "central-record.service").read_text()
    commands = unit_commands(unit)
    assert set(commands) == {"ExecStart", "ExecStartPre"}
    for argv in commands.values():
        assert argv[0].endswith("/central-record")
        cli.build_parser().parse_args(argv[1:])  # SystemExit on an unknown option
    assert commands["ExecStartPre"][1] == "check"
    assert "--workers" in commands["ExecStart"]


def test_logging_set_up_by_someone_else_is_left_alone(monkeypatch):
    """Run in-process (a test runner, a program embedding the service), the
    command adds no handler of its own: one on a stream that outlives its
    owner broke every later log call of the process."""
    from sync.server import logs

    root = logging.getLogger()
    level = root.level
    theirs = logging.NullHandler()
    monkeypatch.setattr(root, "handlers", [theirs])
    monkeypatch.setenv(logs.ENV_LOG_FORMAT, "text")
    monkeypatch.setenv(logs.ENV_LOG_LEVEL, "warning")
    try:
        logs.configure("json")
        assert root.handlers == [theirs]
        monkeypatch.setattr(root, "handlers", [])
        logs.configure("json")
        assert [h.get_name() for h in root.handlers] == ["central-record"]
        assert isinstance(root.handlers[0].formatter, logs.JsonLines)
    finally:
        root.setLevel(level)
