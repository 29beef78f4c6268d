"""The council's due-date rules and screening tools on the central record:
loaded by `central-record rules load` / `tools load`, checked whole before
anything is kept, versioned, and served at GET /council-rules."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sync.kinds.council import validate_due_rules
from sync.server import cli, council_rules
from sync.wire import Policy
from tests.helpers import PASSWORD

TOOL = json.loads(Path("resources/tools/seraf_like.json").read_text(encoding="utf-8"))


def run_cli(db_url: str, *args: str) -> int:
    return cli.main(["--db", db_url, *args])


def write(tmp_path: Path, name: str, content: object) -> str:
    path = tmp_path / name
    path.write_text(json.dumps(content) if not isinstance(content, str) else content)
    return str(path)


def in_force(engine) -> council_rules.RulesVersion | None:
    with engine.connect() as conn:
        return council_rules.current(conn)


def test_each_load_is_a_new_version_naming_when_and_by_whom(engine, db_url, tmp_path, capsys):
    assert in_force(engine) is None
    rules = write(tmp_path, "council.json", {"_comment": "ours", "recording_working_days": 3})
    assert run_cli(db_url, "rules", "load", rules, "--by", "ops.anna") == 0
    assert "version 1" in capsys.readouterr().out
    first = in_force(engine)
    assert first is not None
    assert (first.version, first.loaded_by, first.changed) == (1, "ops.anna", "due_rules")
    assert first.due_rules == {"recording_working_days": 3}  # the comment is not kept
    assert first.tools == [] and first.loaded_at.tzinfo is not None

    tool = write(tmp_path, "seraf.json", dict(TOOL, version="2"))
    assert run_cli(db_url, "tools", "load", tool, "--by", "ops.ben") == 0
    second = in_force(engine)
    assert second is not None and (second.version, second.changed) == (2, "tools")
    # A tool load keeps the council's rules; a rules load keeps its tools.
    assert second.due_rules == first.due_rules
    assert [(t["id"], t["version"]) for t in second.tools] == [("seraf-like", "2")]

    assert run_cli(db_url, "rules", "load", write(tmp_path, "r2.json", {})) == 0
    third = in_force(engine)
    assert third is not None and third.version == 3 and third.due_rules == {}
    assert third.tools == second.tools

    assert run_cli(db_url, "rules", "show") == 0
    shown = capsys.readouterr().out
    assert "Council rules version 3" in shown and "(changed: due-rules)" in shown


def test_a_tool_file_replaces_that_tool_only(engine, db_url, tmp_path):
    levels = json.loads(Path("resources/tools/exploitation_levels.json").read_text())
    both = [write(tmp_path, "a.json", TOOL), write(tmp_path, "b.json", levels)]
    assert run_cli(db_url, "tools", "load", *both, "--by", "ops") == 0
    assert (
        run_cli(
            db_url,
            "tools",
            "load",
            write(tmp_path, "c.json", dict(TOOL, version="3")),
            "--by",
            "ops",
        )
        == 0
    )
    now = in_force(engine)
    assert now is not None
    assert {t["id"]: t["version"] for t in now.tools} == {
        "exploitation-levels": "1",
        "seraf-like": "3",
    }


@pytest.mark.parametrize(
    ("content", "named"),
    [
        ({"statutory_visits": {"cp": {"every_working_days": 0}}}, "statutory_visits.cp"),
        ({"statutory_visits": {"cp": {"every_day": 5}}}, "statutory_visits.cp.every_day"),
        ({"statutory_visits": {"adopted": {"every_working_days": 5}}}, "statutory_visits.adopted"),
        ({"recording_working_days": "two"}, "recording_working_days"),
        ({"return_home_interview_hours": None}, "return_home_interview_hours"),
        ({"bank_holidays": {"country": "ZZ", "subdivision": None}}, "bank_holidays"),
        ({"visits_every": 3}, "visits_every"),
        ("{not json", "is not JSON"),
        ([1, 2], "must be a JSON object"),
    ],
)
def test_a_bad_rules_file_is_refused_naming_the_field_and_changes_nothing(
    engine, db_url, tmp_path, capsys, content, named
):
    good = write(tmp_path, "good.json", {"recording_working_days": 3})
    assert run_cli(db_url, "rules", "load", good, "--by", "ops") == 0
    before = in_force(engine)
    capsys.readouterr()
    assert run_cli(db_url, "rules", "load", write(tmp_path, "bad.json", content)) == 1
    said = capsys.readouterr().err
    assert said.startswith("central-record: bad.json: ") and named in said
    assert in_force(engine) == before


@pytest.mark.parametrize(
    ("change", "named"),
    [
        (lambda t: t["categories"][1].update(min=7), "categories.1.min: leaves a gap"),
        (lambda t: t["domains"][0].pop("weight"), "domains.0.weight"),
        (lambda t: t.pop("version"), "version: is required"),
        (lambda t: t.update(scoring="average"), "scoring"),
        (lambda t: t["domains"][2]["indicators"].append(""), "domains.2.indicators.5"),
    ],
)
def test_a_bad_tool_file_is_refused_naming_the_field_and_changes_nothing(
    engine, db_url, tmp_path, capsys, change, named
):
    bad = json.loads(json.dumps(TOOL))
    change(bad)
    files = [write(tmp_path, "good.json", dict(TOOL, id="other")), write(tmp_path, "bad.json", bad)]
    assert run_cli(db_url, "tools", "load", *files) == 1
    said = capsys.readouterr().err
    assert "bad.json: " in said and named in said
    # The good file given with it was not kept either.
    assert in_force(engine) is None


def test_laptops_are_served_the_version_and_its_content_only_when_new(
    client, workers, engine, db_url, tmp_path
):
    token = client.post(
        "/api/v1/auth/enrol",
        json={"worker": "alice", "password": PASSWORD, "device_name": "laptop"},
    ).json()["device_token"]
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/council-rules", headers=headers).json()["version"] == 0
    rules = write(tmp_path, "council.json", {"statutory_visits": {"cp": {"every_working_days": 5}}})
    assert run_cli(db_url, "rules", "load", rules, "--by", "ops") == 0
    served = client.get("/api/v1/council-rules", headers=headers).json()
    assert served["version"] == 1 and served["loaded_by"] == "ops"
    assert served["due_rules"] == {"statutory_visits": {"cp": {"every_working_days": 5}}}
    assert served["tools"] == []
    held = client.get("/api/v1/council-rules", params={"have": 1}, headers=headers).json()
    assert held["version"] == 1 and held["due_rules"] is None and held["tools"] is None
    assert client.get("/api/v1/council-rules").status_code == 401
    # The policy a laptop of any age reads is what it was (an older laptop
    # refuses a field it does not know): the rules come beside it.
    policy = client.get("/api/v1/policy", headers=headers).json()
    assert set(policy) == {
        "idle_lock_minutes",
        "unlock_attempt_limit",
        "max_offline_days",
        "min_client_version",
        "edit_grace_days",
        "workers_may_create_children",
    }
    Policy.model_validate(policy)


def test_rules_and_tools_verbs_are_ones_an_operator_would_guess():
    parser = cli.build_parser()
    assert parser.parse_args(["rules", "load", "f.json"]).file == "f.json"
    assert parser.parse_args(["tools", "load", "a.json", "b.json"]).files == ["a.json", "b.json"]
    assert parser.parse_args(["tools", "show"]).action == "show"


def test_the_bundled_rules_are_a_file_a_council_could_load():
    """Every rule the laptop knows can be overridden by a council: the bundled
    defaults pass the check a council's file must pass (a rule added to
    resources/due_rules.json without its place in sync.kinds.council fails)."""
    bundled = json.loads(Path("resources/due_rules.json").read_text(encoding="utf-8"))
    comments = {key for key in bundled if key.startswith("_")}
    assert set(validate_due_rules(bundled)) == set(bundled) - comments
