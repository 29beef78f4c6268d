"""Property-based run over the OpenAPI document: no 5xx, no schema violations."""

from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from sync.server import admin
from sync.server.app import create_app
from sync.server.db import make_engine, migrate
from sync.wire import CLIENT_VERSION, CLIENT_VERSION_HEADER
from tests.helpers import PASSWORD


@pytest.fixture(scope="module")
def fuzzed_api(tmp_path_factory):
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('st') / 'central.db'}")
    migrate(engine)
    admin.add_worker(engine, "alice", PASSWORD)
    admin.set_policy(engine, workers_may_create_children=True)  # more pushes get through
    app = create_app(engine, escrow_key=os.urandom(32))
    from fastapi.testclient import TestClient

    version = {CLIENT_VERSION_HEADER: CLIENT_VERSION}
    with TestClient(app, headers=version) as client:
        body = {"worker": "alice", "password": PASSWORD, "device_name": "fuzz"}
        token = client.post("/api/v1/auth/enrol", json=body).json()["device_token"]
    yield app, version | {"Authorization": f"Bearer {token}"}
    engine.dispose()


@pytest.mark.slow
def test_no_server_error_and_responses_match_the_schema(fuzzed_api):
    app, headers = fuzzed_api
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 8
    checks = [not_a_server_error, response_schema_conformance, status_code_conformance]
    statuses: list[int] = []
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
        def run(case) -> None:
            statuses.append(case.call_and_validate(headers=headers, checks=checks).status_code)

        run()
    # The run really exercised the API: many calls, some accepted.
    assert len(statuses) > 100 and 200 in statuses and max(statuses) < 500
