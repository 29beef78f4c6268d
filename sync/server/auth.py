"""Workers, devices and sign-in: Argon2id passwords, opaque device tokens
(only their hash is stored), and slowing then refusing repeated failures."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.engine import Connection

from sync.server.schema import devices, login_failures, workers

HASHER = PasswordHasher()
# Verified when the worker does not exist, so both paths cost the same.
_DUMMY_HASH = HASHER.hash("no such worker: constant-time padding")
FREE_FAILURES = 5
MAX_LOCK = timedelta(minutes=15)
# Failures further apart than this start a new count, so an office behind one
# address is not locked out for a typo now and then over weeks.
FORGET_AFTER = timedelta(hours=1)


class TooManyAttempts(Exception):
    def __init__(self, retry_after: int) -> None:
        super().__init__(f"retry after {retry_after}s")
        self.retry_after = retry_after


@dataclass(frozen=True)
class Device:
    id: str
    worker_id: int
    worker: str
    revoked: bool


def now() -> datetime:
    return datetime.now(UTC)


def hash_token(token: str) -> str:
    # A 256-bit random token needs no slow hash: a plain digest cannot be
    # reversed and lets the lookup stay one indexed query.
    return hashlib.sha256(token.encode()).hexdigest()


def hash_password(password: str) -> str:
    return HASHER.hash(password)


def _failure_keys(worker: str, address: str) -> list[str]:
    # Worker names are hashed so the table never lists who tried to sign in.
    return [f"worker:{hashlib.sha256(worker.lower().encode()).hexdigest()}", f"addr:{address}"]


def _aware(value: datetime | None) -> datetime | None:
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


def check_not_locked(conn: Connection, worker: str, address: str) -> None:
    rows = conn.execute(
        sa.select(login_failures.c.locked_until).where(
            login_failures.c.key.in_(_failure_keys(worker, address))
        )
    ).all()
    until = max((_aware(r[0]) for r in rows if r[0] is not None), default=None)
    if until is not None and until > now():
        raise TooManyAttempts(max(1, int((until - now()).total_seconds()) + 1))


def record_failure(conn: Connection, worker: str, address: str) -> int:
    """Count a failure for the name and for the address; returns the higher count."""
    worst = 0
    for key in _failure_keys(worker, address):
        row = conn.execute(
            sa.select(login_failures.c.failures, login_failures.c.last_at).where(
                login_failures.c.key == key
            )
        ).first()
        recent = row is not None and _aware(row.last_at) > now() - FORGET_AFTER
        failures = (row.failures if recent else 0) + 1
        locked_until = None
        if failures >= FREE_FAILURES:
            lock = timedelta(seconds=30 * 2 ** (failures - FREE_FAILURES))
            locked_until = now() + min(lock, MAX_LOCK)
        values = {"failures": failures, "last_at": now(), "locked_until": locked_until}
        if row:
            conn.execute(
                sa.update(login_failures).where(login_failures.c.key == key).values(values)
            )
        else:
            conn.execute(sa.insert(login_failures).values(key=key, **values))
        worst = max(worst, failures)
    return worst


def clear_failures(conn: Connection, worker: str) -> None:
    conn.execute(
        sa.delete(login_failures).where(login_failures.c.key == _failure_keys(worker, "")[0])
    )


def verify_worker(conn: Connection, name: str, password: str) -> tuple[int, str] | None:
    """(worker id, name) for a right name and password, else None.

    An unknown name costs the same as a wrong password, so timing does not
    tell whether a worker exists.
    """
    row = conn.execute(
        sa.select(workers.c.id, workers.c.name, workers.c.password_hash).where(
            workers.c.name == name
        )
    ).first()
    try:
        HASHER.verify(row.password_hash if row else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    return (row.id, row.name) if row else None


def failure_delay(failures: int) -> float:
    """Seconds to wait before answering a failed sign-in: slowed, then refused."""
    return min(0.1 * failures, 2.0)


def create_device(conn: Connection, worker_id: int, name: str) -> tuple[str, str]:
    """A new device id and its token; only the token's hash is stored."""
    device_id, token = str(uuid.uuid4()), secrets.token_urlsafe(32)
    conn.execute(
        sa.insert(devices).values(
            id=device_id,
            worker_id=worker_id,
            name=name,
            token_hash=hash_token(token),
            created_at=now(),
        )
    )
    return device_id, token


def device_for_token(conn: Connection, token: str) -> Device | None:
    row = conn.execute(
        sa.select(devices.c.id, devices.c.worker_id, workers.c.name, devices.c.revoked_at)
        .join(workers, workers.c.id == devices.c.worker_id)
        .where(devices.c.token_hash == hash_token(token))
    ).first()
    if row is None:
        return None
    return Device(id=row[0], worker_id=row[1], worker=row[2], revoked=row[3] is not None)
