"""Facts about this device kept inside the encrypted store: the device token,
the sync cursor, the policy, who the signed-in worker is (role, agency,
team), the last successful sync."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlcipher3

from sync.wire import Me, Policy


def get_meta(conn: sqlcipher3.Connection, key: str) -> str | None:
    row = conn.execute("SELECT value FROM device_meta WHERE key = ?", (key,)).fetchone()
    return row[0] if row else None


def set_meta(conn: sqlcipher3.Connection, key: str, value: str | None) -> None:
    if value is None:
        conn.execute("DELETE FROM device_meta WHERE key = ?", (key,))
    else:
        conn.execute(
            "INSERT INTO device_meta (key, value) VALUES (?, ?)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )


def get_json(conn: sqlcipher3.Connection, key: str, default: Any = None) -> Any:
    raw = get_meta(conn, key)
    return json.loads(raw) if raw is not None else default


def policy(conn: sqlcipher3.Connection) -> Policy:
    raw = get_meta(conn, "policy")
    return Policy.model_validate_json(raw) if raw else Policy()


def me(conn: sqlcipher3.Connection) -> Me | None:
    """Who the central record says this laptop's worker is (`GET /me`, kept
    at every sync); None before the first sync, or from a central record
    too old to say."""
    raw = get_meta(conn, "me")
    return Me.model_validate_json(raw) if raw else None


@dataclass(frozen=True)
class Lease:
    """The offline lease: case records stay visible for `max_offline_days`
    after the last successful sync; a new visit can always be recorded."""

    last_sync: datetime | None
    max_days: int
    now: datetime

    @property
    def ends(self) -> datetime | None:
        return self.last_sync + timedelta(days=self.max_days) if self.last_sync else None

    @property
    def expired(self) -> bool:
        return self.ends is not None and self.now >= self.ends

    @property
    def days_left(self) -> int | None:
        return None if self.ends is None else max(0, (self.ends - self.now).days)


def lease(conn: sqlcipher3.Connection, now: datetime | None = None) -> Lease:
    raw = get_meta(conn, "last_sync")
    return Lease(
        last_sync=datetime.fromisoformat(raw) if raw else None,
        max_days=policy(conn).max_offline_days,
        now=now or datetime.now(UTC),
    )
