"""`central-record child add` (duplicates), `referral …`, `access list` and
`policy set --temporary-access-hours`, on SQLite and PostgreSQL, and the
0007 migration both ways."""

from __future__ import annotations

import io
import json
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from alembic import command

from sync.server import admin, glass
from sync.server.accounts import AdminError
from sync.server.cli import main
from sync.server.db import _config
from sync.server.schema import policy
from tests.helpers import PASSWORD, child_data

NHS = "943 476 5919"


@pytest.fixture
def cli(db_url, engine, monkeypatch, capsys):
    def run(*args: str, stdin: str = "") -> tuple[int, str, str]:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
        code = main(["--db", db_url, *args])
        out = capsys.readouterr()
        return code, out.out, out.err

    return run


def test_child_add_refuses_a_known_nhs_number_naming_the_child_and_warns_on_a_namesake(cli):
    wren = json.dumps(child_data("Wren") | {"identifiers": {"nhs_number": NHS}})
    code, first, _ = cli("child", "add", stdin=wren)
    assert code == 0
    first = first.strip()
    robin = json.dumps(child_data("Robin") | {"identifiers": {"nhs_number": NHS}})
    code, _, err = cli("child", "add", stdin=robin)
    assert code == 1
    assert "identifiers.nhs_number" in err and first in err and "Wren Mossgrove" in err
    code, _, err = cli("child", "add", stdin=json.dumps(child_data("Wren")))
    assert code == 1 and "--even-if-similar" in err and first in err
    code, second, _ = cli("child", "add", "--even-if-similar", stdin=json.dumps(child_data("Wren")))
    assert code == 0 and second.strip() != first


def test_access_list_shows_who_when_why_and_until_when(cli, engine):
    admin.add_worker(engine, "duty", PASSWORD)
    child = admin.add_child(engine, child_data("Wren"), by="ct")
    with engine.begin() as conn:
        worker_id = conn.execute(sa.text("SELECT id FROM workers WHERE name = 'duty'")).scalar()
        glass.grant(
            conn,
            worker_id=worker_id,
            device_id=str(uuid.uuid4()),
            child_id=child,
            reason="Police called at night about this child.",
            now=datetime.now(UTC),
        )
    code, out, _ = cli("access", "list", "--child", child)
    assert code == 0
    assert "duty" in out and child in out and "Police called at night" in out and "in force" in out


def test_policy_sets_the_temporary_access_hours_beside_the_wire_policy(cli, engine):
    assert cli("policy", "set", "--temporary-access-hours", "8")[0] == 0
    with engine.connect() as conn:
        assert conn.execute(sa.select(policy.c.temporary_access_hours)).scalar_one() == 8
    code, _, err = cli("policy", "set", "--temporary-access-hours", "500")
    assert code == 1 and "--temporary-access-hours" in err


def test_referral_verbs_name_what_they_did(cli, engine):
    admin.add_worker(engine, "sw", PASSWORD)
    code, out, _ = cli("referral", "list")
    assert (code, out.strip()) == (0, "No referrals waiting.")
    code, _, err = cli("referral", "accept", str(uuid.uuid4()))
    assert code == 1 and "no referral" in err


def test_0009_upgrades_with_24_hours_and_downgrades(engine):
    with engine.connect() as conn:
        assert conn.execute(sa.select(policy.c.temporary_access_hours)).scalar_one() == 24
    with engine.begin() as conn:
        cfg = _config(conn)
        command.downgrade(cfg, "0008")
        command.upgrade(cfg, "head")
    with engine.connect() as conn:
        assert conn.execute(sa.select(policy.c.temporary_access_hours)).scalar_one() == 24


def test_additions_of_one_nhs_number_at_once_add_exactly_one_child(engine):
    # Eight central-team members add the same child at the same moment
    # (different spellings, so only the NHS number can catch it): the check
    # and the write are one step, so one is added and seven are told why.
    names = ["Wren", "Robin", "Lark", "Finch", "Sparrow", "Swift", "Heron", "Plover"]
    barrier = threading.Barrier(len(names))

    def add(name: str) -> str:
        barrier.wait()
        data = child_data(name) | {"identifiers": {"nhs_number": NHS}}
        try:
            return admin.add_child(engine, data, by="ct")
        except AdminError as exc:
            return str(exc)

    with ThreadPoolExecutor(len(names)) as pool:
        answers = list(pool.map(add, names))
    added = [a for a in answers if "NHS number" not in a]
    assert len(added) == 1, answers
    with engine.connect() as conn:
        kids = conn.execute(sa.text("SELECT count(*) FROM records WHERE kind = 'child'")).scalar()
    assert kids == 1
    assert all(added[0] in a for a in answers if a not in added)
