"""The "system browser" of the tests: follows the real provider's login and
consent forms over real HTTP, as a worker would click through them."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urljoin

import requests


class _Forms(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []
        self._form: dict | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = dict(attrs)
        if tag == "form":
            self._form = {"action": a.get("action") or "", "fields": {}, "buttons": []}
            self.forms.append(self._form)
        elif self._form is not None and tag in ("input", "button") and a.get("name"):
            if tag == "button" or a.get("type") == "submit":
                self._form["buttons"].append((a["name"], a.get("value") or ""))
            else:
                self._form["fields"][a["name"]] = a.get("value") or ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None


def sign_in(url: str, *, login: str, password: str, stop_at: str) -> str:
    """Open `url`, sign in and consent; return the redirect that starts with
    `stop_at` (the laptop's loopback callback) without following it."""
    browser = requests.Session()
    answer = browser.get(url, allow_redirects=False)
    for _ in range(12):
        while answer.is_redirect:
            location = urljoin(answer.url, answer.headers["location"])
            if location.startswith(stop_at):
                return location
            answer = browser.get(location, allow_redirects=False)
        parser = _Forms()
        parser.feed(answer.text)
        form = next(f for f in parser.forms if "csrf_token" in f["fields"])
        data = dict(form["fields"])
        if "login" in data:
            data["login"] = login
        if "password" in data:
            data["password"] = password
        accept = [b for b in form["buttons"] if b[1] == "accept"] or form["buttons"][:1]
        data.update(accept)
        answer = browser.post(urljoin(answer.url, form["action"]), data=data, allow_redirects=False)
    raise AssertionError("the provider never sent the browser back to the laptop")
