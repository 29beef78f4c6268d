"""`central-record worker …` and `team …`: roles, teams and agencies on
accounts, with errors that name the option to change."""

from __future__ import annotations

import io

import pytest

from sync.kinds.common import Agency
from sync.server import accounts
from sync.server.cli import main
from sync.server.roles import DEFAULT_TEAM, Role
from tests.helpers import PASSWORD


@pytest.fixture
def cli(db_url, engine, monkeypatch, capsys):
    # `engine` has migrated the database.
    def run(*args: str) -> tuple[int, str, str]:
        monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
        code = main(["--db", db_url, *args])
        out = capsys.readouterr()
        return code, out.out, out.err

    return run


def test_worker_add_keeps_its_old_arguments_and_defaults(cli, engine):
    assert cli("worker", "add", "alice", "--password-stdin")[0] == 0
    assert cli("worker", "list")[1].split() == ["alice"]
    (alice,) = accounts.describe_workers(engine)
    assert (alice.role, alice.agency, alice.team) == (Role.social_worker, Agency.csc, DEFAULT_TEAM)


def test_roles_teams_and_agencies_from_the_command_line(cli, engine):
    assert cli("team", "add", "North")[0] == 0
    code, out, err = cli(
        "worker", "add", "mo", "--password-stdin", "--role", "team_manager", "--team", "North",
        "--agency", "health",
    )  # fmt: skip
    assert code == 0, err
    assert cli("team", "set-manager", "North", "mo")[0] == 0
    assert cli("worker", "add", "pat", "--password-stdin", "--role", "partner",
               "--agency", "police")[0] == 0  # fmt: skip
    assert cli("worker", "add", "sam", "--password-stdin", "--role", "Health worker")[0] == 0
    assert cli("worker", "set-role", "sam", "coordinator")[0] == 0
    listed = cli("worker", "list", "--details")[1].splitlines()
    assert listed == [
        "mo  team_manager  health  North",
        "pat  partner  police  -",
        "sam  coordinator  csc  Default team",
    ]
    assert cli("team", "list")[1].splitlines() == ["Default team  (no manager)", "North  mo"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("worker", "add", "x", "--password-stdin", "--role", "boss"), "--role: 'boss' is not"),
        (("worker", "add", "x", "--password-stdin", "--team", "Nowhere"), "--team: there is no"),
        (("worker", "add", "x", "--password-stdin", "--agency", "nhs"), "--agency: 'nhs' is not"),
        (("worker", "add", "x", "--password-stdin", "--role", "partner"), "--agency: say which"),
        (
            (
                "worker",
                "add",
                "x",
                "--password-stdin",
                "--role",
                "partner",
                "--agency",
                "police",
                "--team",
                DEFAULT_TEAM,
            ),
            "--team: partner accounts belong to no team",
        ),  # fmt: skip
        (("worker", "set-role", "nobody", "partner"), "There is no worker called 'nobody'"),
        (("worker", "set-role", "alice", "chief"), "role: 'chief' is not known"),
        (("team", "add", "North", "--manager", "alice"), "--manager: alice is a social worker"),
        (("team", "set-manager", "Nowhere", "alice"), "team: there is no team called"),
        (("team", "add", DEFAULT_TEAM), "already exists"),
    ],
)
def test_errors_name_the_option_and_change_nothing(cli, engine, args, message):
    assert cli("worker", "add", "alice", "--password-stdin")[0] == 0
    before = (
        accounts.describe_workers(engine),
        accounts.list_teams(engine),
    )
    code, _, err = cli(*args)
    assert code == 1 and message in err, err
    after = (
        accounts.describe_workers(engine),
        accounts.list_teams(engine),
    )
    assert after == before


def test_a_manager_keeps_the_role_and_partners_hold_no_caseload(cli, engine):
    from sync.server import admin
    from tests.server.devices import new_child

    cli("worker", "add", "mo", "--password-stdin", "--role", "team_manager")
    cli("team", "add", "North", "--manager", "mo")
    code, _, err = cli("worker", "set-role", "mo", "social_worker")
    assert code == 1 and "mo manages North" in err
    cli(
        "worker",
        "add",
        "pat",
        "--password-stdin",
        "--role",
        "partner",
        "--agency",
        "school_education",
    )
    child = new_child()
    child_id = admin.add_child(engine, child["data"], by="central team")
    with pytest.raises(admin.AdminError, match="pat is a partner"):
        admin.set_assignment(engine, "pat", child_id, True)
    cli("worker", "add", "sam", "--password-stdin")
    admin.set_assignment(engine, "sam", child_id, True)
    code, _, err = cli("worker", "set-role", "sam", "administrator")
    assert code == 1 and "sam holds 1 child;" in err
    # A partner who becomes a social worker joins the default team.
    assert cli("worker", "set-role", "pat", "social_worker")[0] == 0
    pat = next(w for w in accounts.describe_workers(engine) if w.name == "pat")
    assert (pat.role, pat.team) == (Role.social_worker, DEFAULT_TEAM)
