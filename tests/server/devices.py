"""A device's side of the API through FastAPI's test client, and the records
it pushes (synthetic)."""

from __future__ import annotations

import threading
import uuid
from datetime import UTC, datetime

import requests
from fastapi.testclient import TestClient

from tests.helpers import PASSWORD


def new_child(name: str = "Bramble") -> dict:
    cid = str(uuid.uuid4())
    return {
        "id": cid,
        "kind": "child",
        "child_id": cid,
        "rev": 0,
        "updated_at": datetime.now(UTC).isoformat(),
        "updated_by": "x",
        "data": {
            "first_name": name,
            "last_name": "Quillfeather",
            "date_of_birth": "2011-03-04",
            "legal_status": "cin",
        },
    }


def new_record(child_id: str, kind: str, data: dict) -> dict:
    return {
        "id": str(uuid.uuid4()),
        "kind": kind,
        "child_id": child_id,
        "rev": 0,
        "updated_at": datetime.now(UTC).isoformat(),
        "updated_by": "x",
        "data": data,
    }


class Device:
    """A device's view of the API through the test client."""

    def __init__(self, client: TestClient, worker: str, password: str = PASSWORD) -> None:
        r = client.post(
            "/api/v1/auth/enrol",
            json={"worker": worker, "password": password, "device_name": "laptop"},
        )
        assert r.status_code == 200, r.text
        body = r.json()
        self.client, self.worker = client, worker
        self.id, self.headers = (
            body["device_id"],
            {"Authorization": f"Bearer {body['device_token']}"},
        )
        self.cursor: str | None = None
        self.held: dict[str, dict] = {}

    def push(
        self,
        record: dict,
        base_rev: int = 0,
        mutation_id: str | None = None,
        made_at: str | None = None,
    ) -> dict:
        m = {
            "mutation_id": mutation_id or str(uuid.uuid4()),
            "record": record,
            "base_rev": base_rev,
        } | ({"made_at": made_at} if made_at else {})
        r = self.client.post("/api/v1/changes", json={"mutations": [m]}, headers=self.headers)
        assert r.status_code == 200, r.text
        return r.json()["results"][0]

    def pull(self, limit: int = 1000) -> list[dict]:
        pages = []
        while True:
            params = {"limit": limit} | ({"since": self.cursor} if self.cursor else {})
            r = self.client.get("/api/v1/changes", params=params, headers=self.headers)
            assert r.status_code == 200, r.text
            page = r.json()
            pages.append(page)
            for child in page["removed_children"]:
                self.held = {k: v for k, v in self.held.items() if v["child_id"] != child}
            for rec in page["records"]:
                self.held[rec["id"]] = rec
            self.cursor = page["cursor"]
            if not page["more"]:
                return pages


class FeedFollower:
    """A device following the feed over real HTTP while others write: what
    it holds (id → rev) and every delivery, to check nothing arrives twice
    and nothing is missed."""

    def __init__(self, url: str, headers: dict, limit: int) -> None:
        self.url, self.headers, self.limit = url, headers, limit
        self.session = requests.Session()
        self.held: dict[str, int] = {}
        self.deliveries: list[tuple[str, int]] = []
        self.cursor: str | None = None

    def page(self) -> bool:
        """Pull one page; True while there is more."""
        params = {"limit": self.limit} | ({"since": self.cursor} if self.cursor else {})
        body = self.session.get(
            f"{self.url}/api/v1/changes", params=params, headers=self.headers, timeout=30
        ).json()
        for rec in body["records"]:
            self.deliveries.append((rec["id"], rec["rev"]))
            self.held[rec["id"]] = rec["rev"]
        self.cursor = body["cursor"]
        return body["more"]

    def follow(self, writers: list[threading.Thread]) -> None:
        """Poll while the writers run, then pull what is left."""
        while any(t.is_alive() for t in writers):
            self.page()
        for t in writers:
            t.join()
        while self.page():
            pass

    def assert_holds_exactly(self, final: dict[str, int]) -> None:
        assert self.held == final
        assert len(self.deliveries) == len(set(self.deliveries)), "a change was delivered twice"
