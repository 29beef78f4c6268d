from __future__ import annotations

import os

import pytest

from desktop.repository import CaseRepository
from desktop.store import Store
from tests.helpers import NOW


@pytest.fixture
def store(tmp_path):
    s = Store(tmp_path / "case.db", os.urandom(32))
    yield s
    s.close()


@pytest.fixture
def repo(store):
    return CaseRepository(store, "worker.one", clock=lambda: NOW)


@pytest.fixture
def child(repo):
    return repo.create(
        "child",
        {
            "first_name": "Thistle",
            "last_name": "Puddingstone",
            "aliases": ["Thizz"],
            "date_of_birth": "2012-02-02",
            "legal_status": "cp",
            "legal_status_start": "2026-01-05",
            "flags": ["cse"],
        },
    )
