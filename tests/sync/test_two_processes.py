"""Several service processes on one PostgreSQL: laptops enrolled with
different processes sync with each other, a key sealed by one process is
recovered through another (they share the secrets file), and `serve
--workers 2` starts two worker processes that serve the same record."""

from __future__ import annotations

import base64
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import cycle
from pathlib import Path

import pytest
import requests

from sync.server.settings import create_secrets_file
from sync.server.testing import ServiceHandle, recovery_code, service_process
from sync.wire import CLIENT_VERSION, CLIENT_VERSION_HEADER
from tests.helpers import PASSWORD, child_data

VERSION = {CLIENT_VERSION_HEADER: CLIENT_VERSION}


@dataclass
class TwoProcesses(ServiceHandle):
    """The `service` the `laptops` fixture enrols with: each laptop with
    the next process in turn."""

    urls: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._next = cycle(self.urls)

    @property  # type: ignore[override]
    def url(self) -> str:
        return next(self._next)

    @url.setter
    def url(self, value: str) -> None:
        pass


@pytest.fixture
def service(fresh_pg_url, tmp_path) -> Iterator[TwoProcesses]:
    secrets = tmp_path / "secrets.json"
    create_secrets_file(secrets)
    with (
        service_process(fresh_pg_url, tmp_path=tmp_path / "one", secrets_file=secrets) as one,
        service_process(fresh_pg_url, tmp_path=tmp_path / "two", secrets_file=secrets) as two,
    ):
        one.set_policy(workers_may_create_children=True)
        yield TwoProcesses(url=one.url, engine=one.engine, urls=[one.url, two.url])


def test_laptops_on_two_processes_share_one_record(laptops, service):
    sw, nurse = laptops("social.worker"), laptops("health.worker")
    assert sw.vault.store is not nurse.vault.store
    child = sw.repo.create("child", child_data())
    plan = sw.repo.create(
        "plan", {"plan_type": "cse", "risks": "base", "worries": "base"}, child_id=child.id
    )
    sw.sync()
    service.assign("health.worker", child.id)
    nurse.sync()
    assert nurse.held()[str(plan.id)][1]["risks"] == "base"
    sw.repo.update(plan.id, {"risks": "from the first process"})
    nurse.repo.update(plan.id, {"worries": "through the second"})
    sw.sync()
    assert nurse.sync().conflicts == 0
    sw.sync()
    for laptop in (sw, nurse):
        data = laptop.held()[str(plan.id)][1]
        assert (data["risks"], data["worries"]) == ("from the first process", "through the second")


def test_a_key_sealed_by_one_process_is_recovered_through_the_other(service):
    one, two = service.urls
    service.add_worker("alice", PASSWORD)
    key = base64.b64encode(os.urandom(32)).decode()
    r = requests.post(
        f"{one}/api/v1/auth/enrol",
        json={"worker": "alice", "password": PASSWORD, "device_name": "d", "escrow_key": key},
        headers=VERSION,
        timeout=30,
    )
    r.raise_for_status()
    r = requests.post(
        f"{two}/api/v1/auth/recover",
        json={
            "worker": "alice",
            "password": PASSWORD,
            "device_id": r.json()["device_id"],
            "recovery_code": recovery_code(service.engine, r.json()["device_id"]),
        },
        headers=VERSION,
        timeout=30,
    )
    assert r.status_code == 200, r.text
    assert r.json()["escrow_key"] == key


def _children_of(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.add(int(entry.name))
    return found


def test_serve_with_two_workers_runs_two_processes(fresh_pg_url, tmp_path):
    with service_process(fresh_pg_url, tmp_path=tmp_path, extra_args=["--workers", "2"]) as svc:
        svc.add_worker("alice", PASSWORD)
        # Each worker process must sign in and answer; with a new connection
        # per request the kernel hands them to both.
        for _ in range(6):
            r = requests.post(
                f"{svc.url}/api/v1/auth/enrol",
                json={"worker": "alice", "password": PASSWORD, "device_name": str(uuid.uuid4())},
                headers=VERSION,
                timeout=30,
            )
            assert r.status_code == 200, r.text
        assert svc.pid is not None
        workers = [p for p in _children_of(svc.pid) if "spawn_main" in _cmdline(p)]
        assert len(workers) == 2, workers


def _cmdline(pid: int) -> str:
    try:
        return (Path("/proc") / str(pid) / "cmdline").read_text()
    except OSError:
        return ""
