"""A laptop enrolled through the council's identity provider, end to end:
Canaille's real authorization endpoint (its forms clicked through), the
laptop's real loopback listener, the central record on loopback (SQLite and
PostgreSQL); then recovery with the provider, and renewal after
`sign_in_needed` without losing what waits to be sent."""

from __future__ import annotations

import io
import webbrowser
from datetime import UTC, datetime, timedelta

import pytest

from desktop import enrolment, outbox, provider_sign_in
from desktop.cli import main
from desktop.repository import CaseRepository
from desktop.syncing import engine_for
from sync.errors import PasswordSignInOff, SignInNeeded, SignInRefused
from sync.server import schema
from tests.helpers import CHILD, PASSPHRASE, PASSWORD, require_secret_service
from tests.oidc.laptop import (
    Clock,
    FormBrowser,
    laptop_of_council,
    provider_service,
    social_worker_at_provider,
)

NEW_PASSPHRASE = "purple kettle under moonlight"
RENEW_DAYS = 14


@pytest.fixture
def laptop(iam_server, tmp_path, monkeypatch):
    with laptop_of_council(iam_server, tmp_path, monkeypatch) as laptop:
        yield laptop


@pytest.fixture
def worker(iam_server):
    with social_worker_at_provider(iam_server, "sw-laptop-2") as user:
        yield user


@pytest.fixture
def clock() -> Clock:
    # The provider's tokens carry real times: the service's clock starts at now.
    return Clock(datetime.now(UTC))


@pytest.fixture
def service(service_database, tmp_path, iam_server, clock):
    with provider_service(
        service_database,
        tmp_path=tmp_path,
        iam_server=iam_server,
        clock=clock,
        password_sign_in=False,
        renew_days=RENEW_DAYS,
    ) as svc:
        yield svc


def _sign_in(choice):
    return provider_sign_in.sign_in(
        choice.provider, open_browser=FormBrowser(login="sw-laptop-2"), port=choice.loopback_port
    )


def test_first_enrolment_through_the_provider_then_sync(vault, service, laptop, worker):
    require_secret_service()
    choice = enrolment.sign_in_choice(service.url)
    assert choice.provider is not None and choice.managed
    assert choice.provider.button_text == "Sign in with Northshire Council"  # the service's name
    assert choice.password is False and choice.loopback_port == laptop.port

    # Passwords are off at this council: the password path is refused plainly.
    with pytest.raises(PasswordSignInOff):
        enrolment.enrol(
            vault, server_url=service.url, worker="sw-laptop-2", password=PASSWORD,
            passphrase=PASSPHRASE,
        )  # fmt: skip
    assert not vault.exists

    enrolment.enrol_with_provider(
        vault, server_url=service.url, token=_sign_in(choice), choice=choice, passphrase=PASSPHRASE
    )
    settings = vault.profile.settings()
    assert settings["worker"] == "sw-laptop-2"
    assert settings["sign_in"]["provider"]["issuer"] == laptop.config.issuer
    # No token anywhere on disk: profile.json holds public facts only.
    assert "eyJ" not in vault.profile.settings_path.read_text()
    CaseRepository(vault.store, "sw-laptop-2").create("child", dict(CHILD))
    report = engine_for(vault).sync()
    assert report.pushed == 1


def test_a_token_is_good_for_one_laptop_of_its_own_worker_only(vault, service, laptop, worker):
    require_secret_service()
    choice = enrolment.sign_in_choice(service.url)
    token = _sign_in(choice)
    forged = provider_sign_in.ProviderToken(id_token=token.id_token, nonce="not-the-nonce")
    with pytest.raises(SignInRefused):
        enrolment.enrol_with_provider(
            vault, server_url=service.url, token=forged, choice=choice, passphrase=PASSPHRASE
        )
    assert not vault.exists  # the vault made for it is gone again


def test_recovery_with_the_provider_sets_a_new_passphrase(vault, service, laptop, worker):
    require_secret_service()
    choice = enrolment.sign_in_choice(service.url)
    enrolment.enrol_with_provider(
        vault, server_url=service.url, token=_sign_in(choice), choice=choice, passphrase=PASSPHRASE
    )
    CaseRepository(vault.store, "sw-laptop-2").create("child", dict(CHILD))
    vault.lock()
    enrolment.recover_with_provider(vault, token=_sign_in(choice), new_passphrase=NEW_PASSPHRASE)
    vault.lock()
    vault.unlock(NEW_PASSPHRASE)
    assert len(outbox.pending(vault.store.conn)) == 1  # the unsent child is still here


def test_renewal_after_sign_in_needed_resumes_sync_and_loses_nothing(
    vault, service, laptop, worker, clock
):
    require_secret_service()
    choice = enrolment.sign_in_choice(service.url)
    enrolment.enrol_with_provider(
        vault, server_url=service.url, token=_sign_in(choice), choice=choice, passphrase=PASSPHRASE
    )
    engine_for(vault).sync()
    # The last sign-in was longer ago than renew_days (the device's record
    # moved back: the service's clock must stay with the provider's tokens).
    with service.engine.begin() as conn:
        conn.execute(
            schema.devices.update()
            .where(schema.devices.c.id == vault.profile.settings()["device_id"])
            .values(signed_in_at=clock.now - timedelta(days=RENEW_DAYS + 1))
        )
    # Recorded while the council wants a fresh sign-in: kept, and sent after.
    CaseRepository(vault.store, "sw-laptop-2").create("child", dict(CHILD))
    engine = engine_for(vault)
    with pytest.raises(SignInNeeded, match="Northshire Council"):
        engine.sync()
    assert len(outbox.pending(vault.store.conn)) == 1
    enrolment.renew_sign_in(engine.transport, _sign_in(choice))
    report = engine_for(vault).sync()
    assert report.pushed == 1
    assert outbox.pending(vault.store.conn) == []


class _RegisteredBrowser(webbrowser.BaseBrowser):
    """The command line's browser: `webbrowser` hands it the address, as it
    would the worker's own."""

    def __init__(self, browse: FormBrowser) -> None:
        super().__init__("test-form-browser")
        self.browse = browse

    def open(self, url: str, new: int = 0, autoraise: bool = True) -> bool:
        self.browse(url)
        return True


def test_caseworker_enrol_provider(service, laptop, worker, profile, capsys, monkeypatch):
    require_secret_service()
    monkeypatch.setattr(webbrowser, "_tryorder", None)  # forget the machine's browsers
    monkeypatch.setattr(webbrowser, "_browsers", {})
    webbrowser.register(
        "test-form-browser",
        None,
        _RegisteredBrowser(FormBrowser(login="sw-laptop-2")),
        preferred=True,
    )
    monkeypatch.setattr("sys.stdin", io.StringIO(f"{PASSPHRASE}\n"))
    code = main(
        ["--profile", str(profile.path), "--secrets-stdin", "enrol", "--provider",
         "--server", service.url, "--no-sync"]
    )  # fmt: skip
    out = capsys.readouterr()
    assert code == 0, out.err
    assert "Enrolled as sw-laptop-2." in out.out
    assert "Sign in with Northshire Council" in out.err


def test_caseworker_recover_provider(vault, service, laptop, worker, profile, capsys, monkeypatch):
    require_secret_service()
    choice = enrolment.sign_in_choice(service.url)
    enrolment.enrol_with_provider(
        vault, server_url=service.url, token=_sign_in(choice), choice=choice, passphrase=PASSPHRASE
    )
    vault.lock()
    monkeypatch.setattr(webbrowser, "_tryorder", None)
    monkeypatch.setattr(webbrowser, "_browsers", {})
    webbrowser.register(
        "test-form-browser", None, _RegisteredBrowser(FormBrowser(login="sw-laptop-2")),
        preferred=True,
    )  # fmt: skip
    monkeypatch.setattr("sys.stdin", io.StringIO(f"{NEW_PASSPHRASE}\n"))
    code = main(["--profile", str(profile.path), "--secrets-stdin", "recover", "--provider"])
    out = capsys.readouterr()
    assert code == 0, out.err
    assert "Passphrase reset" in out.out
    vault.unlock(NEW_PASSPHRASE)
