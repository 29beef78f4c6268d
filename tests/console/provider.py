"""The console with the council's identity provider: the real service on
loopback configured with pytest-iam's Canaille as its provider, Canaille
knowing the console as a confidential client whose redirect is the
console's exact `done` address, and `provider_sign_in` driving chromium
through Canaille's real login and consent forms."""

from __future__ import annotations

import os
import secrets
import socketserver
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace

import sqlalchemy as sa
import uvicorn
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By

from sync.server.app import create_app
from sync.server.db import make_engine, migrate
from sync.server.identity_provider import Provider, ProviderSettings
from sync.server.testing import free_port
from tests.console.browser import WAIT_S, wait_for, wait_page_left

CONSOLE_CLIENT = "caseworker-console"
COUNCIL = "Northshire Council"
GROUPS = (("cw-coordinators", "coordinator"), ("cw-social-workers", "social_worker"))


@dataclass
class ProviderConsole:
    url: str
    engine: sa.Engine
    app: object
    iam: object

    def use(self, **changes: object) -> None:
        """Change the provider's settings (password_sign_in=False, ...)."""
        provider = self.app.state.identity_provider  # type: ignore[attr-defined]
        self.app.state.identity_provider = Provider(replace(provider.settings, **changes))  # type: ignore[attr-defined]


def settings_for(iam, secret: str, **changes: object) -> ProviderSettings:
    base = ProviderSettings(
        name=COUNCIL,
        issuer=iam.url.rstrip("/"),
        laptop_client_id="caseworker-laptop",
        console_client_id=CONSOLE_CLIENT,
        console_client_secret=secret,
        groups_claim="groups",
        username_claim="preferred_username",
        password_sign_in=True,
        renew_days=None,
        groups=GROUPS,
    )
    return replace(base, **changes)


def _threaded(iam) -> None:
    """Let pytest-iam's server answer requests side by side. It is
    wsgiref's single-threaded server: chromium keeps an idle connection
    open to it (a preconnect), on which it waits, so the console's token
    request would wait until the browser closed. `serve_forever` looks up
    `process_request` on each request, so the running server takes the
    change at once."""
    httpd = iam.httpd
    if not isinstance(httpd, socketserver.ThreadingMixIn):
        httpd.__class__ = type("ThreadingIamServer", (socketserver.ThreadingMixIn, type(httpd)), {})
        httpd.daemon_threads = True


@contextmanager
def provider_console(iam, db_url: str | None, tmp_path) -> Iterator[ProviderConsole]:
    _threaded(iam)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    secret = secrets.token_urlsafe(32)
    client = iam.models.Client(
        client_id=CONSOLE_CLIENT,
        client_secret=secret,
        client_name="Caseworker console",
        redirect_uris=[f"{url}/console/sign-in/provider/done"],
        grant_types=["authorization_code"],
        response_types=["code"],
        token_endpoint_auth_method="client_secret_basic",
        scope=["openid", "profile", "groups"],
    )
    iam.backend.save(client)
    client.audience = [client]  # Canaille leaves `aud` empty otherwise
    iam.backend.save(client)
    engine = make_engine(db_url or f"sqlite:///{tmp_path / 'central.db'}")
    migrate(engine)
    app = create_app(
        engine,
        escrow_key=os.urandom(32),
        identity_provider=Provider(settings_for(iam, secret)),
    )
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)
    )
    thread = threading.Thread(target=server.run, name="central-record", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the central record did not start")
        time.sleep(0.02)
    try:
        yield ProviderConsole(url, engine, app, iam)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        engine.dispose()
        iam.backend.delete(client)


def provider_sign_in(driver, base_url: str, login: str, password: str, *, answer="accept") -> None:
    """From the console's sign-in page through the provider's own login
    (name, then password) and consent pages, until the browser is back on
    the console. `answer`: the consent button pressed ("accept", "deny")."""
    driver.get(f"{base_url}/console/sign-in")
    wait_for(driver, ".sign-in-methods a").click()
    deadline = time.monotonic() + WAIT_S * 2
    left = False
    while time.monotonic() < deadline:
        if not driver.current_url.startswith(base_url):
            left = True
        elif left:
            wait_for(driver, "main")
            return
        try:
            old = driver.find_element(By.TAG_NAME, "html")
            fields = {
                e.get_attribute("name"): e for e in driver.find_elements(By.TAG_NAME, "input")
            }
            buttons = driver.find_elements(By.CSS_SELECTOR, f"button[value={answer}]")
            if buttons:
                buttons[0].click()
            elif "password" in fields and fields["password"].is_displayed():
                fields["password"].send_keys(password)
                driver.find_element(By.CSS_SELECTOR, "form button.primary").click()
            elif "login" in fields and fields["login"].is_displayed():
                fields["login"].clear()
                fields["login"].send_keys(login)
                driver.find_element(By.CSS_SELECTOR, "form button.primary").click()
            else:
                time.sleep(0.2)
                continue
            wait_page_left(driver, old)
        except WebDriverException:
            time.sleep(0.2)  # the page changed under us: look again
    raise AssertionError(f"the browser never came back to the console: {driver.current_url}")
