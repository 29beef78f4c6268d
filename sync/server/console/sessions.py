"""The web console's sessions: server-side rows, a random token in the
browser's cookie, only its hash on the record.

A session is good while it has not ended, its last request was within the
policy's `console_idle_minutes`, it is younger than `LIFETIME`, and its
account may still use the console (the role is read afresh on every
request, as for a device). The first failed check ends the row, saying
why, so an ended session never comes back. Signing out ends it at once.

The form token (CSRF) is derived from the session token with a keyed hash:
it is the same for the whole session, needs no column, and cannot be
worked out from the database, which holds only the token's digest.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from sync.kinds.common import Agency
from sync.server.auth import hash_token
from sync.server.roles import Permission, Role, may
from sync.server.schema import console_sessions, policy, teams, workers

# However active: a working day, then sign in again.
LIFETIME = timedelta(hours=10)
# `last_seen_at` is written at most this often: a page's requests (its
# stylesheet, a quick second click) do not each write a row.
TOUCH_EVERY = timedelta(seconds=20)


@dataclass(frozen=True)
class ConsoleUser:
    """Who is signed in, read afresh on every request."""

    worker_id: int
    name: str
    role: str  # a `roles.Role` code
    team: str | None
    agency: str  # a `sync.kinds.common.Agency` code
    session_id: str
    csrf_token: str

    @property
    def role_words(self) -> str:
        return Role(self.role).words

    @property
    def agency_words(self) -> str:
        try:
            return Agency(self.agency).words
        except ValueError:
            return self.agency


def csrf_for(token: str) -> str:
    """The session's form token: a keyed hash of its cookie token."""
    return hmac.new(token.encode(), b"console form token", hashlib.sha256).hexdigest()


def idle_limit(conn: Connection) -> timedelta:
    minutes = conn.execute(
        sa.select(policy.c.console_idle_minutes).where(policy.c.id == 1)
    ).scalar_one()
    return timedelta(minutes=minutes)


def council_name(conn: Connection) -> str:
    return conn.execute(sa.select(policy.c.council_name).where(policy.c.id == 1)).scalar_one()


def start(conn: Connection, worker_id: int, method: str, now: datetime) -> tuple[str, str]:
    """A new session for `worker_id`: (session id, cookie token). The
    caller has verified the worker and checked their role."""
    session_id, token = str(uuid.uuid4()), secrets.token_urlsafe(32)
    conn.execute(
        sa.insert(console_sessions).values(
            id=session_id,
            token_hash=hash_token(token),
            worker_id=worker_id,
            method=method,
            started_at=now,
            last_seen_at=now,
        )
    )
    return session_id, token


def end(conn: Connection, session_id: str, why: str, now: datetime) -> None:
    conn.execute(
        sa.update(console_sessions)
        .where(console_sessions.c.id == session_id, console_sessions.c.ended_at.is_(None))
        .values(ended_at=now, ended_why=why)
    )


def end_all(conn: Connection, worker_id: int, why: str, now: datetime) -> int:
    """End every open session of a worker (an account deactivated or a role
    changed by an administrator); how many ended."""
    return conn.execute(
        sa.update(console_sessions)
        .where(console_sessions.c.worker_id == worker_id, console_sessions.c.ended_at.is_(None))
        .values(ended_at=now, ended_why=why)
    ).rowcount


def _aware(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


class Ended(Exception):
    """The cookie's session is over (or was never one); `why` is the
    `ended_why` word, or "unknown"."""

    def __init__(self, why: str) -> None:
        super().__init__(why)
        self.why = why


def resume(conn: Connection, token: str, now: datetime) -> ConsoleUser:
    """The signed-in user of the cookie `token`, the session touched; raises
    Ended (and ends the row) when it is over."""
    row = conn.execute(
        sa.select(
            console_sessions.c.id,
            console_sessions.c.started_at,
            console_sessions.c.last_seen_at,
            console_sessions.c.ended_at,
            console_sessions.c.ended_why,
            workers.c.id.label("worker_id"),
            workers.c.name,
            workers.c.role,
            workers.c.agency,
            teams.c.name.label("team"),
        )
        .select_from(
            console_sessions.join(workers, workers.c.id == console_sessions.c.worker_id).outerjoin(
                teams, teams.c.id == workers.c.team_id
            )
        )
        .where(console_sessions.c.token_hash == hash_token(token))
    ).first()
    if row is None:
        raise Ended("unknown")
    if row.ended_at is not None:
        raise Ended(row.ended_why or "signed_out")
    why = None
    if now - _aware(row.started_at) > LIFETIME:
        why = "lifetime"
    elif now - _aware(row.last_seen_at) > idle_limit(conn):
        why = "idle"
    elif not may(row.role, Permission.console):
        why = "refused"
    if why is not None:
        end(conn, row.id, why, now)
        raise Ended(why)
    if now - _aware(row.last_seen_at) > TOUCH_EVERY:
        conn.execute(
            sa.update(console_sessions)
            .where(console_sessions.c.id == row.id)
            .values(last_seen_at=now)
        )
    return ConsoleUser(
        worker_id=row.worker_id,
        name=row.name,
        role=row.role,
        team=row.team,
        agency=row.agency,
        session_id=row.id,
        csrf_token=csrf_for(token),
    )
