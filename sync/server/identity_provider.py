"""The council's identity provider (OpenID Connect): its settings file and
the runtime view the endpoints ask.

The settings are a TOML file given to `central-record serve
--identity-provider FILE` (or $CENTRAL_RECORD_IDENTITY_PROVIDER), and to
`central-record check --identity-provider FILE`, which reports a bad one:

    name = "Northshire Council"          # "Sign in with Northshire Council"
    issuer = "https://login.example/tenant/v2.0"
    laptop_client_id = "caseworker-laptop"   # public client: PKCE, loopback redirect
    console_client_id = "caseworker-console" # optional: console sign-in
    groups_claim = "groups"              # optional
    username_claim = "preferred_username" # optional: links a first sign-in by name
    password_sign_in = false             # whether passwords still work beside it
    renew_days = 14                      # optional; default: the policy's max_offline_days
    [groups]                             # ordered: first match wins
    "cw-coordinators" = "coordinator"
    "cw-social-workers" = "social_worker"

The console's client secret is not in this file: it is the secrets file's
`console_client_secret` (`sync.server.settings`). docs/identity-provider.md
describes the flows.
"""

from __future__ import annotations

import os
import threading
import time
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

from sync.server import oidc
from sync.server.roles import Role
from sync.server.settings import ServiceSecrets, SettingsError

ENV_IDENTITY_PROVIDER = "CENTRAL_RECORD_IDENTITY_PROVIDER"
SCOPES = ("openid", "profile", "groups")
_KEYS = {
    "name",
    "issuer",
    "laptop_client_id",
    "console_client_id",
    "groups_claim",
    "username_claim",
    "password_sign_in",
    "renew_days",
    "scopes",
    "groups",
}


@dataclass(frozen=True)
class ProviderSettings:
    name: str
    issuer: str
    laptop_client_id: str
    console_client_id: str | None
    console_client_secret: str | None
    groups_claim: str
    username_claim: str | None
    password_sign_in: bool
    renew_days: int | None  # None: the policy's max_offline_days
    # (provider group, role code), in the file's order: the first the
    # worker is in decides their role.
    groups: tuple[tuple[str, str], ...]
    scopes: tuple[str, ...] = SCOPES

    def role_for(self, groups: tuple[str, ...]) -> str | None:
        """The role of the first mapped group the worker is in, or None."""
        return oidc.roles_for(groups, dict(self.groups))


def _text(body: dict[str, Any], key: str, path: Path, *, required: bool) -> str | None:
    value = body.get(key)
    if value is None:
        if required:
            raise SettingsError(f"{path}: `{key}` is missing; the file must say it.")
        return None
    if not isinstance(value, str) or not value.strip():
        raise SettingsError(f"{path}: `{key}` must be a non-empty text in quotes.")
    return value.strip()


def load(path: Path, secrets: ServiceSecrets | None) -> ProviderSettings:
    """The settings in `path`; a SettingsError names the key that is wrong."""
    path = Path(path)
    try:
        body = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise SettingsError(
            f"Cannot read the identity provider file {path}: {exc.strerror}."
        ) from None
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"{path} is not a TOML file: {exc}.") from None
    if unknown := sorted(set(body) - _KEYS):
        raise SettingsError(f"{path}: `{unknown[0]}` is not a setting of the identity provider.")
    name = _text(body, "name", path, required=True)
    issuer = _text(body, "issuer", path, required=True)
    laptop = _text(body, "laptop_client_id", path, required=True)
    assert name is not None and issuer is not None and laptop is not None
    if not issuer.startswith(("https://", "http://127.0.0.1", "http://localhost")):
        raise SettingsError(
            f"{path}: `issuer` must be an https:// address (plain http only on loopback)."
        )
    password = body.get("password_sign_in", True)
    if not isinstance(password, bool):
        raise SettingsError(f"{path}: `password_sign_in` must be true or false.")
    renew = body.get("renew_days")
    if renew is not None and (not isinstance(renew, int) or isinstance(renew, bool)):
        raise SettingsError(f"{path}: `renew_days` must be a whole number of days.")
    if renew is not None and not 1 <= renew <= 365:
        raise SettingsError(f"{path}: `renew_days` must be between 1 and 365.")
    scopes = body.get("scopes", list(SCOPES))
    if not isinstance(scopes, list) or not all(isinstance(s, str) for s in scopes):
        raise SettingsError(f"{path}: `scopes` must be a list of texts.")
    if "openid" not in scopes:
        raise SettingsError(f'{path}: `scopes` must include "openid".')
    groups = body.get("groups", {})
    if not isinstance(groups, dict):
        raise SettingsError(f"{path}: `[groups]` must map provider groups to roles.")
    codes = {role.value for role in Role}
    for group, role in groups.items():
        if role not in codes:
            raise SettingsError(
                f"{path}: [groups] {group!r} = {role!r} is not a role; use one of "
                f"{', '.join(sorted(codes))}."
            )
    console = _text(body, "console_client_id", path, required=False)
    return ProviderSettings(
        name=name,
        issuer=issuer.rstrip("/"),
        laptop_client_id=laptop,
        console_client_id=console,
        console_client_secret=secrets.console_client_secret if secrets else None,
        groups_claim=_text(body, "groups_claim", path, required=False) or "groups",
        username_claim=_text(body, "username_claim", path, required=False),
        password_sign_in=password,
        renew_days=renew,
        groups=tuple((str(g), str(r)) for g, r in groups.items()),
        scopes=tuple(scopes),
    )


def settings_path(option: str | None) -> Path | None:
    """The file `serve` and `check` read: the option, else the environment."""
    value = option or os.environ.get(ENV_IDENTITY_PROVIDER)
    return Path(value) if value else None


class Provider:
    """The provider at run time: its published metadata (fetched once) and
    token checkers that share one cache of its keys."""

    def __init__(self, settings: ProviderSettings, *, get: Callable[..., Any] = requests.get):
        self.settings, self._get = settings, get
        self._lock = threading.Lock()
        self._metadata: dict[str, Any] | None = None
        self._keys: oidc.ProviderKeys | None = None

    def metadata(self) -> dict[str, Any]:
        """The issuer's `/.well-known/openid-configuration`, cached; raises
        oidc.TokenRefused when the provider cannot be reached or answers
        for another issuer."""
        with self._lock:
            if self._metadata is None:
                url = self.settings.issuer + "/.well-known/openid-configuration"
                try:
                    answer = self._get(url, timeout=oidc.FETCH_TIMEOUT_S)
                    answer.raise_for_status()
                    found = answer.json()
                except (requests.RequestException, ValueError):
                    raise oidc.TokenRefused(
                        f"{self.settings.name}'s sign-in service cannot be reached: try again "
                        "in a few minutes"
                    ) from None
                if str(found.get("issuer", "")).rstrip("/") != self.settings.issuer:
                    raise oidc.TokenRefused(
                        f"{self.settings.name}'s sign-in service names another issuer: "
                        "ask the council's IT team to check the identity provider settings"
                    )
                self._metadata = found
            return self._metadata

    def keys(self) -> oidc.ProviderKeys:
        jwks_uri = str(self.metadata()["jwks_uri"])
        with self._lock:
            if self._keys is None:
                self._keys = oidc.ProviderKeys(jwks_uri, get=self._get)
            return self._keys

    def checker(
        self, audience: str, *, clock: Callable[[], float] = time.time
    ) -> oidc.TokenChecker:
        """A checker of tokens issued for `audience` (a client id); `clock`
        is the time it judges expiry by (the app's, which tests move)."""
        return oidc.TokenChecker(
            issuer=self.settings.issuer,
            audience=audience,
            keys=self.keys(),
            groups_claim=self.settings.groups_claim,
            clock=clock,
        )
