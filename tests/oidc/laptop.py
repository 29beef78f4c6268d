"""The laptop's side of the provider in the tests: a public client registered
at Canaille with this test's own loopback port (Canaille matches redirect
addresses exactly, port included), and "system browsers" that click through
the provider's forms and land on the laptop's listener."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import requests
import uvicorn

from desktop.provider_sign_in import CALLBACK_PATH, ProviderConfig, free_port
from sync.server import admin
from sync.server.app import create_app
from sync.server.db import make_engine, migrate
from sync.server.identity_provider import Provider
from sync.server.testing import ServiceHandle
from tests.oidc.browser import sign_in
from tests.oidc.canaille import settings_for

LAPTOP_CLIENT = "caseworker-laptop"
PASSWORD = "correct horse battery staple"


@dataclass
class LaptopClient:
    config: ProviderConfig
    port: int

    @property
    def callback(self) -> str:
        return f"http://127.0.0.1:{self.port}{CALLBACK_PATH}"


def register(iam_server, *, client_id: str = LAPTOP_CLIENT, name: str = "Northshire Council"):
    """A laptop client at the provider, on a port free just now."""
    port = free_port()
    client = iam_server.models.Client(
        client_id=client_id,
        client_name="Caseworker laptop",
        redirect_uris=[f"http://127.0.0.1:{port}{CALLBACK_PATH}"],
        grant_types=["authorization_code"],
        response_types=["code"],
        token_endpoint_auth_method="none",
        scope=["openid", "profile", "groups"],
    )
    iam_server.backend.save(client)
    client.audience = [client]
    iam_server.backend.save(client)
    config = ProviderConfig(name=name, issuer=iam_server.url.rstrip("/"), client_id=client_id)
    return client, LaptopClient(config, port)


@contextmanager
def laptop_of_council(iam_server, tmp_path: Path, monkeypatch) -> Iterator[LaptopClient]:
    """A laptop client at the provider, with the council's settings naming
    it (as a council's managed settings would); removed after."""
    client, laptop = register(iam_server)
    monkeypatch.setenv(
        "CASEWORKER_SETTINGS", str(council_settings(tmp_path / "council.toml", laptop))
    )
    try:
        yield laptop
    finally:
        iam_server.backend.delete(client)


@contextmanager
def social_worker_at_provider(iam_server, login: str) -> Iterator:
    """A provider user `login` in the social workers' group; removed after."""
    user = iam_server.random_user(user_name=login, password=PASSWORD)
    group = iam_server.random_group(display_name="cw-social-workers", members=[user])
    try:
        yield user
    finally:
        iam_server.backend.delete(group)
        iam_server.backend.delete(user)


@dataclass
class FormBrowser:
    """Follows the provider's login and consent forms over real HTTP, then
    opens the laptop's callback as the browser would; keeps what it saw."""

    login: str
    password: str = PASSWORD
    opened: list[str] = field(default_factory=list)
    landing: list[requests.Response] = field(default_factory=list)

    def __call__(self, url: str) -> None:
        self.opened.append(url)
        back = sign_in(url, login=self.login, password=self.password, stop_at="http://127.0.0.1:")
        self.landing.append(requests.get(back, timeout=10))


@dataclass
class ChromiumBrowser:
    """The worker's browser for real: headless chromium clicks through the
    provider's login and consent pages and lands on the laptop's page.

    It quits once landed: pytest-iam's server answers one connection at a
    time, and chromium's kept-alive one would hold up the token exchange."""

    login: str
    password: str = PASSWORD
    landing_text: str = ""
    landing_url: str = ""
    landing_source: str = ""

    def __call__(self, url: str) -> None:
        from tests.console.browser import chromium_driver

        driver = chromium_driver()
        try:
            self._click_through(driver, url)
        finally:
            driver.quit()

    def _click_through(self, driver: object, url: str) -> None:
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support.ui import WebDriverWait

        driver.get(url)  # type: ignore[attr-defined]
        for _ in range(8):
            if driver.current_url.startswith("http://127.0.0.1:"):  # type: ignore[attr-defined]
                break
            for name, value in (("login", self.login), ("password", self.password)):
                for box in driver.find_elements(By.NAME, name):  # type: ignore[attr-defined]
                    if box.is_displayed():
                        box.clear()
                        box.send_keys(value)
            old = driver.find_element(By.TAG_NAME, "html")  # type: ignore[attr-defined]
            accept = driver.find_elements(  # type: ignore[attr-defined]
                By.CSS_SELECTOR, "button[value=accept]"
            ) or driver.find_elements(By.CSS_SELECTOR, "form [type=submit]")  # type: ignore[attr-defined]
            accept[0].click()
            WebDriverWait(driver, 15).until(lambda _d, old=old: _gone(old))
        self.landing_url = driver.current_url  # type: ignore[attr-defined]
        self.landing_text = driver.find_element(By.TAG_NAME, "body").text  # type: ignore[attr-defined]
        self.landing_source = driver.page_source  # type: ignore[attr-defined]


def _gone(element: object) -> bool:
    try:
        element.is_enabled()  # type: ignore[attr-defined]
    except Exception:  # stale, or no longer in the document: the next page is in
        return True
    return False


@dataclass
class Clock:
    """The service's clock, moved on by the test (renewal after renew_days)."""

    now: datetime

    def __call__(self) -> datetime:
        return self.now


@contextmanager
def provider_service(
    db_url: str | None, *, tmp_path: Path, iam_server, clock: Clock, **settings: object
) -> Iterator[ServiceHandle]:
    """The central record on loopback with the council's provider (Canaille)."""
    provider = Provider(
        settings_for(
            iam_server,
            laptop_client_id=LAPTOP_CLIENT,
            **{"groups": (("cw-social-workers", "social_worker"),), **settings},
        )
    )
    url = db_url or f"sqlite:///{tmp_path / 'central.db'}"
    engine = make_engine(url)
    migrate(engine)
    admin.set_policy(engine, workers_may_create_children=True)
    app = create_app(engine, escrow_key=os.urandom(32), clock=clock, identity_provider=provider)
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)
    )
    thread = threading.Thread(target=server.run, name="central-record", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "the service did not start"
        time.sleep(0.02)
    try:
        yield ServiceHandle(url=f"http://127.0.0.1:{port}", engine=engine)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        engine.dispose()


def council_settings(path: Path, laptop: LaptopClient) -> Path:
    """The council's managed settings naming the provider and the port
    Canaille knows the laptop by (it matches redirect addresses exactly)."""
    path.write_text(
        "[identity_provider]\n"
        f'issuer = "{laptop.config.issuer}"\n'
        f'client_id = "{laptop.config.client_id}"\n'
        f"loopback_port = {laptop.port}\n"
    )
    return path
