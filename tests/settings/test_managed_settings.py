"""Managed settings: the council's machine-wide file, the worker's own file,
and the CA bundle they name used by every request a laptop makes."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop import enrolment, managed
from desktop.errors import UserError
from desktop.syncing import engine_for
from sync.errors import CertificateProblem
from sync.server import admin
from sync.server.testing import service_process
from tests.certificates import self_signed
from tests.helpers import PASSPHRASE, PASSWORD


@pytest.fixture
def machine(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "etc" / "settings.toml"
    path.parent.mkdir()
    monkeypatch.setenv(managed.ENV_MACHINE, str(path))
    return path


@pytest.fixture
def user(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "home" / "settings.toml"
    path.parent.mkdir()
    monkeypatch.setenv(managed.ENV_USER, str(path))
    return path


def test_the_machine_file_sets_and_locks_and_the_user_file_fills_in(machine, user, tmp_path):
    bundle = tmp_path / "ca.pem"
    bundle.write_text("-----BEGIN CERTIFICATE-----\n")
    machine.write_text(
        'address = "https://caserecord.example.gov.uk"\n'
        'locked = ["address"]\n'
        "[identity_provider]\n"
        'issuer = "https://login.example.gov.uk"\nclient_id = "caseworker"\n'
    )
    user.write_text(f'address = "https://elsewhere.example"\nca_bundle = "{bundle}"\n')
    council = managed.load()
    assert council.address == "https://caserecord.example.gov.uk"
    assert council.is_locked("address") and not council.is_locked("ca_bundle")
    assert council.ca_bundle == str(bundle)  # left open by the machine file
    assert council.identity_provider == managed.IdentityProvider(
        "https://login.example.gov.uk", "caseworker"
    )
    assert [p for p in council.problems if str(user) in p and "'address' is locked" in p]
    with pytest.raises(UserError, match="set by your council's IT"):
        council.address_for("https://elsewhere.example")
    assert council.address_for("") == "https://caserecord.example.gov.uk"


def test_a_bad_file_is_named_with_its_key_and_the_rest_still_counts(machine, user, tmp_path):
    machine.write_text(
        'address = "https://caserecord.example.gov.uk"\n'
        'ca_bundle = "/nowhere/ca.pem"\n'
        'locked = ["address", "colour"]\n'
        "server_url = 3\n"
    )
    user.write_text("address = \n")  # not TOML at all
    council = managed.load()
    assert council.address == "https://caserecord.example.gov.uk"
    assert council.is_locked("address")
    assert council.ca_bundle is None
    text = "\n".join(council.problems)
    assert f"Settings file {machine}: 'ca_bundle' names a file that does not exist" in text
    assert f"Settings file {machine}: 'locked: colour' is not a setting that can be locked" in text
    assert f"Settings file {machine}: 'server_url' is not a setting Caseworker knows" in text
    assert f"Settings file {user} cannot be read and was ignored" in text


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def https_service(request, tmp_path):
    """A real central record over HTTPS with a self-signed certificate."""
    url = (
        request.getfixturevalue("fresh_pg_url")
        if request.param == "postgres"
        else f"sqlite:///{tmp_path / 'central.db'}"
    )
    certfile, keyfile = self_signed(tmp_path)
    with service_process(
        url,
        tmp_path=tmp_path / "svc",
        extra_args=["--certfile", str(certfile), "--keyfile", str(keyfile)],
    ) as svc:
        admin.add_worker(svc.engine, "alice", PASSWORD)
        yield svc.url.replace("http://", "https://"), certfile


def test_the_council_ca_bundle_is_used_by_enrolment_and_sync(https_service, machine, make_vault):
    address, certfile = https_service
    vault = make_vault()

    def enrol() -> None:
        enrolment.enrol(vault, worker="alice", password=PASSWORD, passphrase=PASSPHRASE)

    machine.write_text(f'address = "{address}"\nlocked = ["address"]\n')
    with pytest.raises(CertificateProblem):
        enrol()  # the council's private CA is not one this laptop trusts by itself
    assert not vault.exists

    machine.write_text(
        f'address = "{address}"\nca_bundle = "{certfile}"\nlocked = ["address", "ca_bundle"]\n'
    )
    enrol()
    settings = vault.profile.settings()
    assert settings["server_url"] == address
    assert settings.get("ca_bundle") is None  # read from the council's file at each request
    report = engine_for(vault).sync()
    assert report.completed_at is not None and not report.cancelled

    # The file is what the laptop trusts: without it, sync is refused again.
    machine.unlink()
    with pytest.raises(CertificateProblem):
        engine_for(vault).sync()


def test_the_identity_providers_name_and_loopback_port(machine, user):
    machine.write_text(
        "[identity_provider]\n"
        'issuer = "https://login.example.gov.uk"\nclient_id = "caseworker"\n'
        'name = "Northshire Council"\nloopback_port = 8765\n'
    )
    council = managed.load()
    assert council.identity_provider == managed.IdentityProvider(
        "https://login.example.gov.uk", "caseworker", "Northshire Council", 8765
    )
    assert not council.problems
    machine.write_text(
        "[identity_provider]\n"
        'issuer = "https://login.example.gov.uk"\nclient_id = "caseworker"\n'
        "loopback_port = 80\n"
    )
    council = managed.load()
    assert council.identity_provider == managed.IdentityProvider(
        "https://login.example.gov.uk", "caseworker"
    )
    assert [p for p in council.problems if "identity_provider.loopback_port" in p]
