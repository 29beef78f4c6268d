"""Checking the council identity provider's ID tokens (OpenID Connect).

A token is believed only when its signature verifies against a key the
provider publishes (its JWKS), it names this provider as issuer and this
service's client as audience, it has not expired (a small leeway for clocks)
and, when the caller sent one, it carries the caller's nonce. The provider's
keys are cached; a token signed with a key id the cache does not know makes
one refetch, so the provider can rotate its keys without a restart.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import requests
from joserfc import jws, jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

# Asymmetric algorithms only: an "HS256" token would be checked with a
# public key as its secret.
ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "ES256", "ES384"]
LEEWAY_S = 60
FETCH_TIMEOUT_S = 10


class TokenRefused(Exception):
    """The token cannot be believed; the message says why in plain words
    (never the token itself)."""


@dataclass(frozen=True)
class Identity:
    issuer: str
    subject: str
    groups: tuple[str, ...]
    claims: dict[str, Any]


class ProviderKeys:
    """The provider's published keys, fetched once and again only when a
    token names a key id the cache lacks (rotation)."""

    def __init__(self, jwks_uri: str, *, get: Callable[..., Any] = requests.get) -> None:
        self.jwks_uri, self._get = jwks_uri, get
        self._lock = threading.Lock()
        self._keys: KeySet | None = None
        self.fetches = 0

    def _fetch(self) -> KeySet:
        answer = self._get(self.jwks_uri, timeout=FETCH_TIMEOUT_S)
        answer.raise_for_status()
        self.fetches += 1
        return KeySet.import_key_set(answer.json())

    def for_kid(self, kid: str | None) -> KeySet:
        with self._lock:
            if self._keys is None or (kid and not _has_kid(self._keys, kid)):
                self._keys = self._fetch()
            return self._keys


def _has_kid(keys: KeySet, kid: str) -> bool:
    return any(key.kid == kid for key in keys.keys)


def _header_kid(token: str) -> str | None:
    try:
        return jws.extract_compact(token.encode()).headers().get("kid")
    except (JoseError, ValueError):
        raise TokenRefused("the sign-in token is not a signed token") from None


class TokenChecker:
    def __init__(
        self,
        *,
        issuer: str,
        audience: str,
        keys: ProviderKeys,
        groups_claim: str = "groups",
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.issuer, self.audience, self.keys = issuer.rstrip("/"), audience, keys
        self.groups_claim, self.clock = groups_claim, clock

    def check(self, token: str, *, nonce: str | None = None) -> Identity:
        """The identity the token vouches for; raises TokenRefused."""
        keys = self.keys.for_kid(_header_kid(token))
        try:
            decoded = jwt.decode(token, keys, algorithms=ALGORITHMS)
        except JoseError:
            raise TokenRefused("the sign-in token's signature does not verify") from None
        claims = decoded.claims
        if str(claims.get("iss", "")).rstrip("/") != self.issuer:
            raise TokenRefused("the sign-in token comes from another identity provider")
        audience = claims.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if self.audience not in audiences:
            raise TokenRefused("the sign-in token was issued for another application")
        now = self.clock()
        exp = claims.get("exp")
        if not isinstance(exp, int | float) or now > exp + LEEWAY_S:
            raise TokenRefused("the sign-in has expired: sign in again")
        if nonce is not None and claims.get("nonce") != nonce:
            raise TokenRefused("the sign-in token does not answer this sign-in")
        if not claims.get("sub"):
            raise TokenRefused("the sign-in token names nobody")
        groups = claims.get(self.groups_claim) or []
        return Identity(self.issuer, str(claims["sub"]), tuple(str(g) for g in groups), claims)


def roles_for(groups: tuple[str, ...], mapping: dict[str, str]) -> str | None:
    """The role of the first group in the mapping that the worker is in
    (the mapping's order decides when a worker is in several)."""
    for group, role in mapping.items():
        if group in groups:
            return role
    return None
