"""How this laptop's worker signs in: the council's identity provider, a
worker password, or both.

The provider comes from the council's managed settings (`managed.py`,
`[identity_provider]`) when IT set one — that always wins — else from the
central record's `GET /api/v1/sign-in` once the worker has typed its
address. Enrolment remembers the answer in profile.json (public facts: the
provider's name, issuer and client id, and whether passwords still work),
so the lock screen can offer "Sign in with <council>" while offline and
renewal knows where to send the worker.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from desktop import managed
from desktop.profile import Profile
from desktop.provider_sign_in import DEFAULT_SCOPES, ProviderConfig
from sync.wire import SignInMethods

UNNAMED = "your council"


@dataclass(frozen=True)
class SignInChoice:
    """What the wizard, the lock screen and renewal offer."""

    provider: ProviderConfig | None
    #: whether the worker password still signs in (a policy option)
    password: bool
    #: 0: any free port; else the one the provider was registered with
    loopback_port: int = 0
    #: the provider is set by the council's IT (shown as such, not editable)
    managed: bool = False


def choose(council: managed.ManagedSettings, methods: SignInMethods | None) -> SignInChoice:
    """The council's settings first, then what the central record says.

    `methods` None: a central record too old to say, or not asked yet
    (password only unless IT set a provider)."""
    offered = methods.provider if methods is not None else None
    idp = council.identity_provider
    if idp is not None:
        same = offered is not None and offered.issuer.rstrip("/") == idp.issuer.rstrip("/")
        provider = ProviderConfig(
            name=idp.name or (offered.name if offered and same else UNNAMED),
            issuer=idp.issuer,
            client_id=idp.client_id,
            scopes=tuple(offered.scopes) if offered and same and offered.scopes else DEFAULT_SCOPES,
        )
        port = idp.loopback_port or 0
        chosen = True
    elif offered is not None:
        provider = ProviderConfig(
            name=offered.name or UNNAMED,
            issuer=offered.issuer,
            client_id=offered.client_id,
            scopes=tuple(offered.scopes) or DEFAULT_SCOPES,
        )
        port, chosen = 0, False
    else:
        return SignInChoice(provider=None, password=True)
    # A central record too old to say has only passwords.
    password = methods.password if methods is not None else True
    return SignInChoice(provider=provider, password=password, loopback_port=port, managed=chosen)


def remember(profile: Profile, choice: SignInChoice) -> None:
    """Keep the choice's public facts in profile.json (at enrolment)."""
    provider = choice.provider
    profile.update_settings(
        sign_in={
            "password": choice.password,
            "provider": None
            if provider is None
            else {
                "name": provider.name,
                "issuer": provider.issuer,
                "client_id": provider.client_id,
                "scopes": list(provider.scopes),
            },
        }
    )


def remembered(profile: Profile) -> SignInChoice:
    """This enrolled laptop's choice: the council's settings as they are now,
    else what enrolment remembered; a laptop enrolled before providers
    signs in with its password."""
    council = managed.load()
    saved: dict[str, Any] = profile.settings().get("sign_in") or {}
    methods = None
    if saved.get("provider"):
        methods = SignInMethods.model_validate(
            {
                "password": bool(saved.get("password")),
                "provider": saved["provider"],
                "renew_days": None,
            }
        )
    elif saved:
        methods = SignInMethods.model_validate(
            {"password": True, "provider": None, "renew_days": None}
        )
    return choose(council, methods)
