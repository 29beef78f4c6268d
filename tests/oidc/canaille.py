"""The laptop's client at the real provider (Canaille, from pytest-iam), and
ID tokens from its real authorization and token endpoints.

`register_laptop_client` is what a council's IT does once; `quick_id_token`
runs the authorization code flow with PKCE with the worker's provider
session already open and their consent already given (pytest-iam's
`login` and `consent`), so a test that needs many tokens does not click
through the forms each time. `tests/oidc/browser.py` clicks through them
for the end-to-end test."""

from __future__ import annotations

import secrets
from urllib.parse import urljoin

import requests
from authlib.integrations.requests_client import OAuth2Session

from sync.server.identity_provider import ProviderSettings

CLIENT_ID = "caseworker-laptop"
CALLBACK = "http://127.0.0.1:8766/callback"
SCOPE = "openid profile groups"


def register_laptop_client(server, client_id: str = CLIENT_ID):
    """The laptop's public client (PKCE, no secret), whose tokens name it as
    their audience (Canaille leaves `aud` empty otherwise)."""
    client = server.models.Client(
        client_id=client_id,
        client_name=f"Caseworker laptop ({client_id})",
        redirect_uris=[CALLBACK],
        grant_types=["authorization_code"],
        response_types=["code"],
        token_endpoint_auth_method="none",
        scope=SCOPE.split(),
    )
    server.backend.save(client)
    client.audience = [client]
    server.backend.save(client)
    return client


def issuer(server) -> str:
    return server.url.rstrip("/")


def settings_for(server, **overrides) -> ProviderSettings:
    values: dict = {
        "name": "Northshire Council",
        "issuer": issuer(server),
        "laptop_client_id": CLIENT_ID,
        "console_client_id": None,
        "console_client_secret": None,
        "groups_claim": "groups",
        # Canaille's subject is the user's login name; Entra ID's would be
        # `preferred_username` (the sign-in name), its `sub` opaque.
        "username_claim": "sub",
        "password_sign_in": True,
        "renew_days": None,
        "groups": (),
    }
    values.update(overrides)
    return ProviderSettings(**values)


def authorization_url(
    server, nonce: str, client_id: str = CLIENT_ID
) -> tuple[OAuth2Session, str, str, str]:
    """(session, url, state, verifier) of one sign-in."""
    session = OAuth2Session(
        client_id, redirect_uri=CALLBACK, scope=SCOPE, code_challenge_method="S256"
    )
    verifier = secrets.token_urlsafe(48)
    url, state = session.create_authorization_url(
        server.url + "oauth/authorize", code_verifier=verifier, nonce=nonce
    )
    return session, url, state, verifier


def finish(server, session: OAuth2Session, back: str, state: str, verifier: str) -> str:
    """The ID token for the code in the loopback redirect `back`."""
    token = session.fetch_token(
        server.url + "oauth/token", authorization_response=back, code_verifier=verifier, state=state
    )
    return token["id_token"]


def quick_id_token(server, client, user, *, nonce: str) -> str:
    """An ID token for `user` through the real endpoints, with their session
    open and consent given (no forms)."""
    server.consent(user, client)
    server.login(user)
    try:
        session, url, state, verifier = authorization_url(server, nonce, client.client_id)
        answer = requests.get(url, allow_redirects=False, timeout=10)
        assert answer.is_redirect, answer.text[:500]
        back = urljoin(url, answer.headers["location"])
        assert back.startswith(CALLBACK), back
    finally:
        server.logout()
    return finish(server, session, back, state, verifier)
