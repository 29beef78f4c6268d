"""A real OpenID Provider for the tests: pytest-iam runs Canaille (a full
OAuth2/OIDC server) in the test process, on loopback."""

from __future__ import annotations

import secrets

import pytest
from authlib.integrations.requests_client import OAuth2Session

from tests.oidc.browser import sign_in

CLIENT_ID = "caseworker"
CALLBACK = "http://127.0.0.1:8765/callback"


@pytest.fixture
def provider(iam_server):
    client = iam_server.models.Client(
        client_id=CLIENT_ID,
        client_name="Caseworker",
        redirect_uris=[CALLBACK],
        grant_types=["authorization_code"],
        response_types=["code"],
        token_endpoint_auth_method="none",
        scope=["openid", "profile", "groups"],
    )
    iam_server.backend.save(client)
    client.audience = [client]
    iam_server.backend.save(client)
    yield iam_server
    iam_server.backend.delete(client)


def issuer(server) -> str:
    return server.url.rstrip("/")


def id_token(server, *, login: str, password: str, nonce: str = "n-1") -> str:
    """An ID token from the provider's real authorization and token
    endpoints (authorization code with PKCE)."""
    session = OAuth2Session(
        CLIENT_ID,
        redirect_uri=CALLBACK,
        scope="openid profile groups",
        code_challenge_method="S256",
    )
    verifier = secrets.token_urlsafe(48)
    url, state = session.create_authorization_url(
        server.url + "oauth/authorize", code_verifier=verifier, nonce=nonce
    )
    back = sign_in(url, login=login, password=password, stop_at=CALLBACK)
    token = session.fetch_token(
        server.url + "oauth/token", authorization_response=back, code_verifier=verifier, state=state
    )
    return token["id_token"]
