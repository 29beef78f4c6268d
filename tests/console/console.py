"""What the console's tests share: a client that signs in as a browser
does (the sign-in form's token, the session cookie, each page's form
token), and accounts of every role.

Server-level tests use `ConsoleClient` over FastAPI's TestClient on
https://testserver (the cookies are Secure, so a plain-http client would
rightly never send them back). Browser tests are in `browser`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from fastapi.testclient import TestClient

from sync.server import admin
from sync.server.roles import Role
from tests.helpers import PASSWORD

FORM_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def form_token(html: str) -> str:
    """The form token of the page's first form."""
    found = FORM_TOKEN.search(html)
    assert found, "the page has no form token"
    return found.group(1)


def role_account(role: Role) -> str:
    return f"the.{role.value}"


def add_role_accounts(engine: sa.Engine) -> dict[Role, str]:
    """One account of every role, all with `PASSWORD`."""
    names = {}
    for role in Role:
        names[role] = role_account(role)
        agency = {Role.partner: "police", Role.health_worker: "health"}.get(role, "csc")
        admin.add_worker(engine, names[role], PASSWORD, role=role.value, agency=agency)
    return names


class Clock:
    """The service's time, moved by the test (`create_app(clock=...)`)."""

    def __init__(self) -> None:
        self.at = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.at

    def advance(self, **delta: float) -> None:
        self.at += timedelta(**delta)


@dataclass
class ConsoleClient:
    client: TestClient
    token: str = ""  # the form token of the last signed-in page

    def sign_in(self, worker: str, password: str = PASSWORD, *, follow: bool = True):
        page = self.client.get("/console/sign-in")
        assert page.status_code == 200, page.text
        r = self.client.post(
            "/console/sign-in",
            data={"worker": worker, "password": password, "csrf_token": form_token(page.text)},
            follow_redirects=follow,
        )
        if FORM_TOKEN.search(r.text) and r.url.path != "/console/sign-in":
            self.token = form_token(r.text)
        return r

    def get(self, path: str, **kw):
        r = self.client.get(path, **kw)
        if r.status_code == 200 and FORM_TOKEN.search(r.text) and "/sign-in" not in r.url.path:
            self.token = form_token(r.text)
        return r

    def post(self, path: str, data: dict | None = None, *, token: str | None = None, **kw):
        """A form post with the session's form token (or `token`)."""
        body = {"csrf_token": self.token if token is None else token} | (data or {})
        return self.client.post(path, data=body, **kw)

    @property
    def session_cookie(self) -> str | None:
        return self.client.cookies.get("__Host-console")
