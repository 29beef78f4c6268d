"""Workers, devices and sign-in: Argon2id passwords, opaque device tokens
(only their hash is stored), and slowing then refusing repeated failures.
`signin` puts these steps together for the endpoints."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from sync.server.schema import devices, login_failures, policy, temporary_access, workers

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
    role: str  # a `roles.Role` code, read afresh on every request
    # The worker's `Agency` code, read afresh too: which restricted records
    # (`sync.kinds.restriction`) the device may receive and write.
    agency: str
    min_client_version: str = "0"
    # The account is disabled (`accounts.set_disabled`): refused, not wiped.
    disabled: bool = False
    last_seen: datetime | None = None
    client_version: str | None = None
    # When and how its worker last signed in for it ('password' or
    # 'provider'; None for devices enrolled before either was noted).
    signed_in_at: datetime | None = None
    signed_in_via: str | None = None
    # The worker holds a break-the-glass grant not yet ended: only then can
    # `glass.expire` have anything to end (read in the same query, so the
    # common request does not open a write transaction to find nothing).
    open_grants: bool = True


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
    """TooManyAttempts while this worker name is locked. Only names lock: an
    address is slowed by its failures (see `count_attempt`), never locked, so
    one worker's typos never keep out a colleague signing in from the same
    office."""
    name_key = _failure_keys(worker, address)[0]
    until = _aware(
        conn.execute(
            sa.select(login_failures.c.locked_until).where(login_failures.c.key == name_key)
        ).scalar()
    )
    if until is not None and until > now():
        raise TooManyAttempts(max(1, int((until - now()).total_seconds()) + 1))


def _upsert(conn: Connection) -> postgresql.Insert | sqlite.Insert:
    # Both dialects spell "insert or update" the same way.
    if conn.dialect.name == "postgresql":
        return postgresql.insert(login_failures)
    return sqlite.insert(login_failures)


def count_attempt(conn: Connection, worker: str, address: str) -> int:
    """Count a sign-in attempt as a failure for the name and for the address,
    before its password is checked, so that attempts made at the same time
    see each other (`forgive` takes it back when the password was right).

    Returns the higher count: the delay before a failure is answered. The
    name's fifth recent failure locks it, for longer each time after. One
    statement per key, so two first attempts at once cannot collide."""
    worst, at = 0, now()
    fresh = login_failures.c.last_at > at - FORGET_AFTER
    for key in _failure_keys(worker, address):
        insert = _upsert(conn)
        failures = conn.execute(
            insert.values(key=key, failures=1, last_at=at, locked_until=None)
            .on_conflict_do_update(
                index_elements=[login_failures.c.key],
                set_={
                    "failures": sa.case(
                        (fresh, login_failures.c.failures + 1), else_=sa.literal(1)
                    ),
                    "last_at": at,
                    "locked_until": sa.case((fresh, login_failures.c.locked_until), else_=None),
                },
            )
            .returning(login_failures.c.failures)
        ).scalar_one()
        if key.startswith("worker:") and failures >= FREE_FAILURES:
            lock = timedelta(seconds=30 * 2 ** min(failures - FREE_FAILURES, 10))
            conn.execute(
                sa.update(login_failures)
                .where(login_failures.c.key == key)
                .values(locked_until=at + min(lock, MAX_LOCK))
            )
        worst = max(worst, failures)
    return worst


def forgive(conn: Connection, worker: str, address: str) -> None:
    """The password was right: the name starts afresh, and the address loses
    the attempt `count_attempt` gave it."""
    name_key, address_key = _failure_keys(worker, address)
    conn.execute(sa.delete(login_failures).where(login_failures.c.key == name_key))
    conn.execute(
        sa.update(login_failures)
        .where(login_failures.c.key == address_key, login_failures.c.failures > 0)
        .values(failures=login_failures.c.failures - 1)
    )


@dataclass(frozen=True)
class Account:
    id: int
    name: str
    password_hash: str
    role: str
    disabled: bool = False


def find_worker(conn: Connection, name: str) -> Account | None:
    row = conn.execute(
        sa.select(
            workers.c.id,
            workers.c.name,
            workers.c.password_hash,
            workers.c.role,
            workers.c.disabled_at,
        ).where(workers.c.name == name)
    ).first()
    if row is None:
        return None
    return Account(row.id, row.name, row.password_hash, row.role, row.disabled_at is not None)


def check_password(account: Account | None, password: str) -> bool:
    """Argon2id: about 64 MiB and tens of milliseconds, so callers bound how
    many run at once and never run it inside a transaction. An unknown name
    costs the same as a wrong password, so timing does not tell whether a
    worker exists."""
    try:
        HASHER.verify(account.password_hash if account else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return False
    return account is not None


def failure_delay(failures: int) -> float:
    """Seconds to wait before answering a failed sign-in: slower as failures mount."""
    return min(0.1 * failures, 2.0)


def create_device(
    conn: Connection, worker_id: int, name: str, *, via: str = "password"
) -> tuple[str, str]:
    """A new device id and its token; only the token's hash is stored. `via`
    is how its worker signed in for it ('password' or 'provider')."""
    device_id, token = str(uuid.uuid4()), secrets.token_urlsafe(32)
    at = now()
    conn.execute(
        sa.insert(devices).values(
            id=device_id,
            worker_id=worker_id,
            name=name,
            token_hash=hash_token(token),
            created_at=at,
            signed_in_at=at,
            signed_in_via=via,
        )
    )
    return device_id, token


def _device_for_token() -> sa.Select:
    minimum = sa.select(policy.c.min_client_version).where(policy.c.id == 1).scalar_subquery()
    t = temporary_access.c
    grants = sa.exists().where(t.worker_id == devices.c.worker_id, t.ended_at.is_(None))
    return (
        sa.select(
            devices.c.id,
            devices.c.worker_id,
            workers.c.name,
            devices.c.revoked_at,
            minimum,
            workers.c.role,
            workers.c.agency,
            workers.c.disabled_at,
            devices.c.last_seen,
            devices.c.client_version,
            devices.c.signed_in_at,
            devices.c.signed_in_via,
            grants,
        )
        .join(workers, workers.c.id == devices.c.worker_id)
        .where(devices.c.token_hash == sa.bindparam("token_hash", type_=sa.String))
    )


# Built once: every request runs it, and building and keying it anew each
# time cost more CPU than the database spends answering it.
_DEVICE_FOR_TOKEN = _device_for_token()


def device_for_token(conn: Connection, token: str) -> Device | None:
    """The device and its worker's role, with the policy's minimum client
    version and whether the worker has a grant open read in the same query
    (every request checks all of them)."""
    row = conn.execute(_DEVICE_FOR_TOKEN, {"token_hash": hash_token(token)}).first()
    if row is None:
        return None
    return Device(
        id=row[0],
        worker_id=row[1],
        worker=row[2],
        revoked=row[3] is not None,
        role=row[5],
        agency=row[6],
        min_client_version=row[4] or "0",
        disabled=row[7] is not None,
        last_seen=_aware(row[8]),
        client_version=row[9],
        signed_in_at=_aware(row[10]),
        signed_in_via=row[11],
        open_grants=bool(row[12]),
    )


# A device's last contact is written at most this often: a write on every
# request would queue each pull behind the write lock on SQLite.
SEEN_EVERY = timedelta(minutes=5)


def stale(device: Device, version: str) -> bool:
    """Whether the device's contact should be noted (`seen`): not noted in
    the last `SEEN_EVERY`, or with another Caseworker version."""
    return (
        device.last_seen is None
        or now() - device.last_seen >= SEEN_EVERY
        or device.client_version != version[:20]
    )


def seen(conn: Connection, device_id: str, version: str) -> None:
    """Note the device's contact now and the Caseworker version it spoke with."""
    conn.execute(
        sa.update(devices)
        .where(devices.c.id == device_id)
        .values(last_seen=now(), client_version=version[:20])
    )
