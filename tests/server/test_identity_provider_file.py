"""The identity provider's settings file: read as docs/identity-provider.md
describes it, and a bad one refused naming its key, by `load` and by
`central-record check`."""

from __future__ import annotations

import json

import pytest

from sync.server import cli, settings
from sync.server.identity_provider import load
from sync.server.settings import SettingsError

GOOD = """
name = "Northshire Council"
issuer = "https://login.example/tenant/v2.0/"
laptop_client_id = "caseworker-laptop"
console_client_id = "caseworker-console"
username_claim = "preferred_username"
password_sign_in = false
renew_days = 7
[groups]
"cw-coordinators" = "coordinator"
"cw-social-workers" = "social_worker"
"""


def write(tmp_path, text: str):
    path = tmp_path / "provider.toml"
    path.write_text(text)
    return path


def test_a_good_file_reads_in_its_order(tmp_path):
    secrets_file = tmp_path / "secrets.json"
    settings.create_secrets_file(secrets_file)
    body = json.loads(secrets_file.read_text()) | {"console_client_secret": "s3cret"}
    secrets_file.write_text(json.dumps(body))
    secrets = settings.load_secrets(str(secrets_file), embedded_home=None)
    found = load(write(tmp_path, GOOD), secrets)
    assert found.name == "Northshire Council"
    assert found.issuer == "https://login.example/tenant/v2.0"  # no trailing slash
    assert found.groups == (
        ("cw-coordinators", "coordinator"),
        ("cw-social-workers", "social_worker"),
    )
    assert found.role_for(("cw-social-workers", "cw-coordinators")) == "coordinator"
    assert found.password_sign_in is False and found.renew_days == 7
    assert found.console_client_secret == "s3cret"
    assert found.groups_claim == "groups" and found.scopes == ("openid", "profile", "groups")
    minimal = load(
        write(tmp_path, 'name = "N"\nissuer = "https://i.example"\nlaptop_client_id = "l"\n'), None
    )
    assert minimal.password_sign_in is True and minimal.renew_days is None


@pytest.mark.parametrize(
    ("change", "said"),
    [
        (
            lambda t: t.replace('issuer = "https://login.example/tenant/v2.0/"\n', ""),
            "`issuer` is missing",
        ),
        (lambda t: t.replace('"coordinator"', '"boss"'), "'boss' is not a role"),
        (lambda t: t.replace("https://login", "http://login"), "`issuer` must be an https://"),
        (lambda t: t.replace("renew_days = 7", 'renew_days = "a week"'), "`renew_days`"),
        (
            lambda t: t.replace("password_sign_in = false", "password_sign_in = 0"),
            "`password_sign_in`",
        ),
        (lambda t: "colour = 'blue'\n" + t, "`colour` is not a setting"),
        (lambda t: t + "[[[", "is not a TOML file"),
    ],
)
def test_a_bad_file_is_refused_naming_the_key(tmp_path, change, said):
    with pytest.raises(SettingsError, match=said.replace("[", r"\[")):
        load(write(tmp_path, change(GOOD)), None)


def test_check_reports_the_provider(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("CENTRAL_RECORD_ESCROW_KEY", "A" * 43 + "=")
    db = f"sqlite:///{tmp_path / 'central.db'}"
    assert cli.main(["--db", db, "migrate"]) == 0
    capsys.readouterr()
    good = write(tmp_path, GOOD)
    assert cli.main(["--db", db, "check", "--identity-provider", str(good)]) == 0
    out = capsys.readouterr().out
    assert "ok       identity provider: Northshire Council at https://login.example" in out
    bad = write(tmp_path, GOOD.replace('"social_worker"', '"wizard"'))
    assert cli.main(["--db", db, "check", "--identity-provider", str(bad)]) == 1
    out = capsys.readouterr().out
    assert "PROBLEM  identity provider" in out and "'wizard' is not a role" in out
