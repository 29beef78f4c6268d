"""Signing in with the council's identity provider (OpenID Connect).

Authorization code with PKCE (S256), `state` and `nonce`, through the
system browser and a loopback redirect (RFC 8252): the laptop listens on
127.0.0.1, opens the provider's authorization page in the worker's browser,
and the provider sends the browser back to the listener with a code, which
the laptop exchanges for an ID token. The laptop is a public client: it
holds no secret, PKCE binds the code to this sign-in.

authlib's `OAuth2Session` builds the request and exchanges the code (it is
already the service's library, well kept, and does PKCE itself). msal would
tie us to Entra ID; any provider that publishes
`/.well-known/openid-configuration` works here.

The laptop does not trust the ID token itself: the central record checks it
(issuer, audience, signature, expiry, nonce) and answers with what it
grants. So `sign_in` returns the token and its nonce and nothing else.
Callers must not log the token or store it anywhere (it is a bearer
credential for as long as it lives); `ProviderToken`'s repr hides it.
"""

from __future__ import annotations

import http.server
import logging
import secrets
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

import requests
from authlib.integrations.requests_client import OAuth2Session  # type: ignore[import-untyped]

from desktop.errors import UserError

log = logging.getLogger(__name__)

TIMEOUT_S = 300.0  # five minutes in the browser, then the laptop stops waiting
CALLBACK_PATH = "/callback"
DEFAULT_SCOPES = ("openid", "profile", "groups")
_HTTP_TIMEOUT = (5.0, 30.0)

CLOSE_TAB = (
    "<!doctype html><html lang='en-GB'><head><meta charset='utf-8'>"
    "<title>Caseworker</title></head><body style='font-family:sans-serif;margin:3em'>"
    "<h1>{heading}</h1><p>You can close this tab and go back to Caseworker.</p>"
    "</body></html>"
)

#: opens a web address in the worker's browser (QDesktopServices.openUrl,
#: `webbrowser.open`, or a test's driven browser); its result is ignored
Opener = Callable[[str], object]


class ProviderSignInFailed(UserError):
    """The sign-in with the identity provider did not complete (timed out,
    refused at the provider, or the provider could not be reached)."""


@dataclass(frozen=True)
class ProviderConfig:
    """Which provider and which of its clients the laptop signs in with."""

    name: str  # "Northshire Council": shown as "Sign in with Northshire Council"
    issuer: str
    client_id: str
    scopes: tuple[str, ...] = DEFAULT_SCOPES

    @property
    def button_text(self) -> str:
        return f"Sign in with {self.name}"


@dataclass(frozen=True)
class ProviderToken:
    """A fresh ID token and the nonce it must answer (for the service)."""

    id_token: str = field(repr=False)
    nonce: str = field(repr=False)


@dataclass
class _Answer:
    """What the browser brought back to the listener (set once)."""

    query: dict[str, str] = field(default_factory=dict)
    arrived: threading.Event = field(default_factory=threading.Event)


def _handler(answer: _Answer) -> type[http.server.BaseHTTPRequestHandler]:
    class Callback(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            if parts.path != CALLBACK_PATH:
                self.send_error(404)
                return
            query = {k: v[0] for k, v in parse_qs(parts.query).items()}
            failed = "error" in query or "code" not in query
            heading = "Sign-in did not complete" if failed else "Signed in"
            body = CLOSE_TAB.format(heading=heading).encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.send_header("Referrer-Policy", "no-referrer")
            self.end_headers()
            self.wfile.write(body)
            if not answer.arrived.is_set():
                answer.query = query
                answer.arrived.set()

        def log_message(self, format: str, *args: Any) -> None:
            # The request line carries the code: never logged.
            return

    return Callback


class LoopbackListener:
    """An HTTP listener on 127.0.0.1 for the provider's redirect; one answer."""

    def __init__(self, port: int = 0) -> None:
        self._answer = _Answer()
        try:
            self._server = http.server.ThreadingHTTPServer(
                ("127.0.0.1", port), _handler(self._answer)
            )
        except OSError:
            raise ProviderSignInFailed(
                f"Caseworker could not listen on port {port} of this laptop for the sign-in "
                "(another program is using it). Close it, or ask IT to change "
                "identity_provider.loopback_port."
            ) from None
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="caseworker-sign-in", daemon=True
        )
        self._thread.start()

    @property
    def redirect_uri(self) -> str:
        return f"http://127.0.0.1:{self.port}{CALLBACK_PATH}"

    def wait(self, timeout: float, cancelled: Callable[[], bool]) -> dict[str, str] | None:
        """The callback's query parameters, or None if none came in time."""
        deadline = time.monotonic() + timeout
        while not self._answer.arrived.wait(min(0.2, max(0.0, deadline - time.monotonic()))):
            if cancelled() or time.monotonic() >= deadline:
                return None
        return self._answer.query

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


def discover(issuer: str, *, ca_bundle: str | None = None) -> dict[str, Any]:
    """The provider's published metadata (`/.well-known/openid-configuration`)."""
    url = issuer.rstrip("/") + "/.well-known/openid-configuration"
    try:
        answer = requests.get(url, timeout=_HTTP_TIMEOUT, verify=ca_bundle or True)
        answer.raise_for_status()
        metadata = answer.json()
    except requests.exceptions.SSLError:
        raise ProviderSignInFailed(
            "The identity provider's certificate could not be verified: ask IT for the "
            "council's certificate bundle."
        ) from None
    except (requests.RequestException, ValueError):
        raise ProviderSignInFailed(
            "The council's identity provider cannot be reached. Check the network and try again."
        ) from None
    if not isinstance(metadata, dict) or not all(
        isinstance(metadata.get(k), str)
        for k in ("issuer", "authorization_endpoint", "token_endpoint")
    ):
        raise ProviderSignInFailed(
            "The council's identity provider did not describe itself properly: tell IT."
        )
    if metadata["issuer"].rstrip("/") != issuer.rstrip("/"):
        raise ProviderSignInFailed(
            "The identity provider answered as a different issuer than configured: tell IT."
        )
    return metadata


def sign_in(
    provider: ProviderConfig,
    *,
    open_browser: Opener,
    ca_bundle: str | None = None,
    port: int = 0,
    timeout: float = TIMEOUT_S,
    cancelled: Callable[[], bool] = lambda: False,
) -> ProviderToken:
    """Sign the worker in at the provider through the browser; the ID token.

    Blocks until the browser comes back, `timeout` passes or `cancelled()`
    turns true: run it off the UI thread. `port` 0 takes a free one; a
    provider that matches redirect addresses exactly needs the one it was
    registered with. Raises ProviderSignInFailed in plain words.
    """
    metadata = discover(provider.issuer, ca_bundle=ca_bundle)
    listener = LoopbackListener(port)
    try:
        session = OAuth2Session(
            provider.client_id,
            redirect_uri=listener.redirect_uri,
            scope=" ".join(provider.scopes),
            code_challenge_method="S256",
        )
        session.verify = ca_bundle or True
        verifier = secrets.token_urlsafe(64)
        nonce = secrets.token_urlsafe(24)
        url, state = session.create_authorization_url(
            metadata["authorization_endpoint"], code_verifier=verifier, nonce=nonce
        )
        open_browser(url)
        query = listener.wait(timeout, cancelled)
    finally:
        listener.close()
    if query is None:
        if cancelled():
            raise ProviderSignInFailed("The sign-in was stopped.")
        raise ProviderSignInFailed(
            f"The sign-in with {provider.name} was not finished within "
            f"{round(timeout / 60) or 1} minutes. Try again."
        )
    if query.get("state") != state:
        # Not our sign-in's answer (another tab, or a forged redirect).
        raise ProviderSignInFailed("The sign-in answer did not match this sign-in. Try again.")
    if "error" in query:
        log.info("identity provider refused the sign-in: %s", query["error"][:64])
        raise ProviderSignInFailed(
            f"{provider.name} did not sign you in"
            + (" (access was refused)." if query["error"] == "access_denied" else ".")
            + " Try again, or ask your IT team."
        )
    try:
        token = session.fetch_token(
            metadata["token_endpoint"],
            code=query.get("code", ""),
            code_verifier=verifier,
            timeout=_HTTP_TIMEOUT,
        )
    except requests.RequestException:
        raise ProviderSignInFailed(
            "The council's identity provider cannot be reached. Check the network and try again."
        ) from None
    except Exception as exc:  # authlib's OAuthError and kin: never their text (may echo the code)
        log.info("token exchange refused: %s", type(exc).__name__)
        raise ProviderSignInFailed(
            f"{provider.name} did not finish the sign-in. Try again, or ask your IT team."
        ) from None
    id_token = token.get("id_token")
    if not isinstance(id_token, str) or not id_token:
        raise ProviderSignInFailed(
            f"{provider.name} signed you in but sent no ID token (is 'openid' among the "
            "scopes?): tell IT."
        )
    return ProviderToken(id_token=id_token, nonce=nonce)


def free_port() -> int:
    """A port free on 127.0.0.1 just now (tests register it with the provider)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
