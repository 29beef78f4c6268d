"""The service's check of ID tokens issued by a real provider (Canaille via
pytest-iam, on loopback): issuer, audience, signature, expiry, nonce, key
rotation, and group-to-role mapping."""

from __future__ import annotations

import base64

import pytest
import requests
from joserfc.jwk import JWKRegistry

from sync.server.oidc import ProviderKeys, TokenChecker, TokenRefused, roles_for
from tests.oidc.conftest import CLIENT_ID, id_token, issuer

PASSWORD = "correct horse battery staple"


@pytest.fixture
def worker(provider):
    user = provider.random_user(user_name="sw-oidc-1", password=PASSWORD)
    provider.random_group(display_name="cw-social-workers", members=[user])
    yield user
    provider.backend.delete(user)


def checker(server, **overrides) -> TokenChecker:
    options = {
        "issuer": issuer(server),
        "audience": CLIENT_ID,
        "keys": ProviderKeys(server.url + "oauth/jwks.json"),
    }
    options.update(overrides)
    return TokenChecker(**options)


def test_a_token_from_the_provider_names_its_worker_and_groups(provider, worker):
    token = id_token(provider, login="sw-oidc-1", password=PASSWORD, nonce="n-ok")
    identity = checker(provider).check(token, nonce="n-ok")
    assert identity.subject == "sw-oidc-1"
    assert identity.issuer == issuer(provider)
    assert "cw-social-workers" in identity.groups


def test_wrong_audience_is_refused(provider, worker):
    token = id_token(provider, login="sw-oidc-1", password=PASSWORD)
    with pytest.raises(TokenRefused, match="another application"):
        checker(provider, audience="another-app").check(token)


def test_wrong_issuer_is_refused(provider, worker):
    token = id_token(provider, login="sw-oidc-1", password=PASSWORD)
    with pytest.raises(TokenRefused, match="another identity provider"):
        checker(provider, issuer="http://127.0.0.1:1/other").check(token)


def test_expired_token_is_refused(provider, worker):
    token = id_token(provider, login="sw-oidc-1", password=PASSWORD)
    fresh = checker(provider)
    exp = fresh.check(token).claims["exp"]
    with pytest.raises(TokenRefused, match="expired"):
        checker(provider, clock=lambda: exp + 61).check(token)
    # within the leeway a slow clock still gets in
    checker(provider, clock=lambda: exp + 30).check(token)


def test_bad_signature_is_refused(provider, worker):
    token = id_token(provider, login="sw-oidc-1", password=PASSWORD)
    head, body, signature = token.split(".")
    raw = bytearray(base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4)))
    raw[0] ^= 0xFF
    forged = ".".join([head, body, base64.urlsafe_b64encode(bytes(raw)).decode().rstrip("=")])
    with pytest.raises(TokenRefused, match="signature"):
        checker(provider).check(forged)


def test_wrong_nonce_is_refused(provider, worker):
    token = id_token(provider, login="sw-oidc-1", password=PASSWORD, nonce="n-mine")
    with pytest.raises(TokenRefused, match="does not answer"):
        checker(provider).check(token, nonce="n-someone-else")


def test_key_rotation_at_the_provider_refetches_once(provider, worker):
    keys = ProviderKeys(provider.url + "oauth/jwks.json")
    check = checker(provider, keys=keys)
    check.check(id_token(provider, login="sw-oidc-1", password=PASSWORD))
    check.check(id_token(provider, login="sw-oidc-1", password=PASSWORD))
    assert keys.fetches == 1  # cached while the key id is known
    config = provider.app.config["CANAILLE_OIDC"]
    old = list(config["ACTIVE_JWKS"])
    new = JWKRegistry.generate_key("RSA", 2048)
    new.ensure_kid()
    config["ACTIVE_JWKS"] = [new.as_dict(private=True)]
    try:
        published = requests.get(provider.url + "oauth/jwks.json", timeout=5).json()
        assert new.kid in [k["kid"] for k in published["keys"]]
        identity = check.check(id_token(provider, login="sw-oidc-1", password=PASSWORD))
    finally:
        config["ACTIVE_JWKS"] = old
    assert identity.subject == "sw-oidc-1"
    assert keys.fetches == 2


def test_groups_map_to_roles_in_the_mappings_order():
    mapping = {"cw-managers": "team_manager", "cw-social-workers": "social_worker"}
    assert roles_for(("cw-social-workers",), mapping) == "social_worker"
    assert roles_for(("cw-social-workers", "cw-managers"), mapping) == "team_manager"
    assert roles_for(("finance",), mapping) is None
