"""The bearer tokens of the identity provider's SCIM provisioning
(`sync.server.scim`): made by the operator with `central-record scim-token`,
shown once, kept only as a digest, and compared in constant time.

A wrong or absent token is refused and counted per address
(`login_failures`, key `scim:<address>`): past `FREE_FAILURES` within
`auth.FORGET_AFTER` the address is refused for a while without the token
being looked at, longer each time, at most `auth.MAX_LOCK`. Only the
address is slowed: a guesser elsewhere never locks out the provider.
"""

from __future__ import annotations

import hmac
import secrets
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine

from sync.server.auth import FORGET_AFTER, MAX_LOCK, TooManyAttempts, hash_token
from sync.server.schema import login_failures, scim_tokens

# A provider retrying a request with an old token after a rotation makes a
# few failures in a row; a guesser makes thousands.
FREE_FAILURES = 10
# `last_used_at` is written at most this often (each provisioning cycle
# sends many requests).
NOTE_USE_EVERY = timedelta(minutes=5)


def _aware(value: datetime | None) -> datetime | None:
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


def create_token(engine: Engine) -> str:
    """A new token, in force at once beside any others; only its digest is
    stored, so this is the one time it can be read."""
    token = "scim-" + secrets.token_urlsafe(32)
    with engine.begin() as conn:
        conn.execute(
            sa.insert(scim_tokens).values(
                token_hash=hash_token(token), created_at=datetime.now(UTC)
            )
        )
    return token


def revoke_all(engine: Engine) -> int:
    """End every token in force (a leaked one, or a provider retired); how many."""
    with engine.begin() as conn:
        return conn.execute(
            sa.update(scim_tokens)
            .where(scim_tokens.c.revoked_at.is_(None))
            .values(revoked_at=datetime.now(UTC))
        ).rowcount


def token_in_force(conn: Connection, token: str) -> int | None:
    """The id of the token in force that `token` is, or None. Every digest
    in force is compared, each in constant time, so how long this takes
    says nothing about how close a guess came."""
    wanted = hash_token(token).encode()
    found = None
    rows = conn.execute(
        sa.select(scim_tokens.c.id, scim_tokens.c.token_hash, scim_tokens.c.last_used_at).where(
            scim_tokens.c.revoked_at.is_(None)
        )
    ).all()
    for row in rows:
        if hmac.compare_digest(row.token_hash.encode(), wanted) and found is None:
            found = row
    if found is None:
        return None
    last = _aware(found.last_used_at)
    now = datetime.now(UTC)
    if last is None or now - last >= NOTE_USE_EVERY:
        conn.execute(
            sa.update(scim_tokens).where(scim_tokens.c.id == found.id).values(last_used_at=now)
        )
    return found.id


def _key(address: str) -> str:
    return f"scim:{address}"


def check_not_locked(conn: Connection, address: str) -> None:
    """TooManyAttempts while `address` is refused for its failures."""
    until = _aware(
        conn.execute(
            sa.select(login_failures.c.locked_until).where(login_failures.c.key == _key(address))
        ).scalar()
    )
    now = datetime.now(UTC)
    if until is not None and until > now:
        raise TooManyAttempts(max(1, int((until - now).total_seconds()) + 1))


def count_failure(conn: Connection, address: str) -> int:
    """Count a refused token for `address`; its failures within the window.
    One statement, so failures at the same time all count."""
    at = datetime.now(UTC)
    fresh = login_failures.c.last_at > at - FORGET_AFTER
    insert = (
        postgresql.insert(login_failures)
        if conn.dialect.name == "postgresql"
        else sqlite.insert(login_failures)
    )
    failures = conn.execute(
        insert.values(key=_key(address), failures=1, last_at=at, locked_until=None)
        .on_conflict_do_update(
            index_elements=[login_failures.c.key],
            set_={
                "failures": sa.case((fresh, login_failures.c.failures + 1), else_=sa.literal(1)),
                "last_at": at,
                "locked_until": sa.case((fresh, login_failures.c.locked_until), else_=None),
            },
        )
        .returning(login_failures.c.failures)
    ).scalar_one()
    if failures >= FREE_FAILURES:
        lock = timedelta(seconds=30 * 2 ** min(failures - FREE_FAILURES, 10))
        conn.execute(
            sa.update(login_failures)
            .where(login_failures.c.key == _key(address))
            .values(locked_until=at + min(lock, MAX_LOCK))
        )
    return failures
