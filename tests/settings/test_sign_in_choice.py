"""Where the laptop's provider comes from: the council's managed settings win
over what the central record says; the central record says whether
passwords still work; a laptop enrolled before providers keeps its password."""

from __future__ import annotations

from desktop import managed, sign_in_methods
from desktop.profile import Profile
from sync.wire import ProviderInfo, SignInMethods

SERVICE_SAYS = SignInMethods(
    password=False,
    provider=ProviderInfo(
        name="Northshire Council",
        issuer="https://login.example/tenant/v2.0",
        client_id="from-the-service",
        scopes=["openid", "profile", "email"],
    ),
    renew_days=14,
)


def test_the_central_record_names_the_provider_when_the_councils_settings_do_not():
    choice = sign_in_methods.choose(managed.ManagedSettings(), SERVICE_SAYS)
    assert choice.provider is not None and not choice.managed
    assert choice.provider.client_id == "from-the-service"
    assert choice.provider.scopes == ("openid", "profile", "email")
    assert choice.password is False and choice.loopback_port == 0


def test_the_councils_settings_win():
    council = managed.ManagedSettings(
        identity_provider=managed.IdentityProvider(
            "https://login.example/tenant/v2.0", "from-it", None, 8765
        )
    )
    choice = sign_in_methods.choose(council, SERVICE_SAYS)
    assert choice.managed and choice.loopback_port == 8765
    assert choice.provider is not None and choice.provider.client_id == "from-it"
    # Same issuer: the central record's name and scopes are used.
    assert choice.provider.button_text == "Sign in with Northshire Council"
    other = managed.ManagedSettings(
        identity_provider=managed.IdentityProvider("https://elsewhere.example", "from-it")
    )
    assert sign_in_methods.choose(other, SERVICE_SAYS).provider.name == "your council"


def test_no_provider_anywhere_is_the_password():
    choice = sign_in_methods.choose(managed.ManagedSettings(), None)
    assert choice.provider is None and choice.password


def test_what_enrolment_remembered(tmp_path):
    profile = Profile(tmp_path / "p").ensure()
    assert sign_in_methods.remembered(profile).provider is None  # enrolled before providers
    sign_in_methods.remember(
        profile, sign_in_methods.choose(managed.ManagedSettings(), SERVICE_SAYS)
    )
    again = sign_in_methods.remembered(profile)
    assert again.provider is not None and again.provider.name == "Northshire Council"
    assert again.password is False
    assert "token" not in profile.settings_path.read_text()
