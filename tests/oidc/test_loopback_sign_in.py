"""The laptop's sign-in with a real provider (Canaille via pytest-iam):
discovery, authorization code with PKCE through a real loopback listener,
the page the browser lands on, and the failures a worker can meet."""

from __future__ import annotations

import logging
import threading
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from desktop.provider_sign_in import (
    LoopbackListener,
    ProviderSignInFailed,
    discover,
    sign_in,
)
from sync.server.oidc import ProviderKeys, TokenChecker
from tests.oidc.laptop import LAPTOP_CLIENT, PASSWORD, ChromiumBrowser, FormBrowser, register


@pytest.fixture
def laptop(iam_server):
    client, laptop = register(iam_server)
    yield laptop
    iam_server.backend.delete(client)


@pytest.fixture
def worker(iam_server):
    user = iam_server.random_user(user_name="sw-laptop-1", password=PASSWORD)
    iam_server.random_group(display_name="cw-social-workers", members=[user])
    yield user
    iam_server.backend.delete(user)


def test_sign_in_brings_back_an_id_token_the_service_accepts(iam_server, laptop, worker, caplog):
    caplog.set_level(logging.DEBUG)
    browser = FormBrowser(login="sw-laptop-1")
    got = sign_in(laptop.config, open_browser=browser, port=laptop.port)

    # What the browser was sent to: code flow, PKCE S256, state and nonce.
    query = parse_qs(urlsplit(browser.opened[0]).query)
    assert query["response_type"] == ["code"]
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["code_challenge"][0]) >= 43
    assert query["state"][0] and query["nonce"] == [got.nonce]
    assert query["redirect_uri"] == [laptop.callback]

    # The service's own checker takes it, nonce and all.
    checker = TokenChecker(
        issuer=laptop.config.issuer,
        audience=LAPTOP_CLIENT,
        keys=ProviderKeys(iam_server.url + "oauth/jwks.json"),
    )
    identity = checker.check(got.id_token, nonce=got.nonce)
    assert identity.subject == "sw-laptop-1"
    assert "cw-social-workers" in identity.groups

    # The page the browser lands on says what to do and carries no token.
    page = browser.landing[0]
    assert page.status_code == 200
    assert "You can close this tab and go back to Caseworker" in page.text
    assert got.id_token not in page.text and "eyJ" not in page.text
    # Never logged by the laptop (the in-process provider logs its own), never in the repr.
    laptop_logs = [r.getMessage() for r in caplog.records if r.name.startswith("desktop")]
    assert not any(got.id_token in m or got.nonce in m for m in laptop_logs)
    assert got.id_token not in repr(got) and got.nonce not in repr(got)


def test_the_listener_is_gone_after_the_sign_in(iam_server, laptop, worker):
    sign_in(laptop.config, open_browser=FormBrowser(login="sw-laptop-1"), port=laptop.port)
    with pytest.raises(requests.ConnectionError):
        requests.get(laptop.callback, timeout=2)


def test_an_ephemeral_port_by_default():
    one, two = LoopbackListener(), LoopbackListener()
    try:
        assert one.port != two.port and one.port > 0
        assert one.redirect_uri.startswith("http://127.0.0.1:")
    finally:
        one.close()
        two.close()


def test_a_browser_that_never_comes_back_times_out_in_plain_words(iam_server, laptop):
    opened: list[str] = []
    with pytest.raises(ProviderSignInFailed, match="not finished within 1 minutes"):
        sign_in(laptop.config, open_browser=opened.append, port=laptop.port, timeout=0.5)
    assert opened and opened[0].startswith(iam_server.url)


def test_stopping_the_wait(iam_server, laptop):
    stop = threading.Event()
    with pytest.raises(ProviderSignInFailed, match="stopped"):
        sign_in(
            laptop.config,
            open_browser=lambda _url: stop.set(),
            port=laptop.port,
            cancelled=stop.is_set,
        )


def test_an_answer_for_another_sign_in_is_refused(iam_server, laptop):
    def forged(url: str) -> None:
        requests.get(laptop.callback + "?code=stolen&state=not-yours", timeout=5)

    with pytest.raises(ProviderSignInFailed, match="did not match"):
        sign_in(laptop.config, open_browser=forged, port=laptop.port)


def test_a_refusal_at_the_provider_is_said_plainly(iam_server, laptop):
    def refused(url: str) -> None:
        state = parse_qs(urlsplit(url).query)["state"][0]
        page = requests.get(laptop.callback + f"?error=access_denied&state={state}", timeout=5)
        assert "You can close this tab" in page.text

    with pytest.raises(ProviderSignInFailed, match="access was refused"):
        sign_in(laptop.config, open_browser=refused, port=laptop.port)


def test_discovery_checks_the_issuer(iam_server):
    metadata = discover(iam_server.url.rstrip("/"))
    assert metadata["authorization_endpoint"].startswith(iam_server.url)
    with pytest.raises(ProviderSignInFailed, match="cannot be reached"):
        discover("http://127.0.0.1:1/nowhere")


def test_a_port_in_use_is_said_plainly():
    held = LoopbackListener()
    try:
        with pytest.raises(ProviderSignInFailed, match="loopback_port"):
            LoopbackListener(held.port)
    finally:
        held.close()


def test_sign_in_through_chromium_lands_on_the_close_this_tab_page(iam_server, laptop, worker):
    browser = ChromiumBrowser(login="sw-laptop-1")
    got = sign_in(laptop.config, open_browser=browser, port=laptop.port, timeout=60)
    assert browser.landing_url.startswith(laptop.callback)
    assert "You can close this tab and go back to Caseworker" in browser.landing_text
    assert got.id_token not in browser.landing_source
    assert got.id_token.count(".") == 2
