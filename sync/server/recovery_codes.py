"""One-time recovery codes: what, beside the worker's password, releases a
device's escrowed data key (`POST /auth/recover`).

A password alone must not unlock a laptop's data: whoever learned it (over
a shoulder, from a reused password) could take the laptop and read it. So
the council's administrator, after checking who is asking (by phone, in
person), issues a code for that one device (`central-record device
recovery-code DEVICE_ID`, or the console): valid for `VALID_FOR`, good
once, stored only as its hash, its issue audited `recovery_code_issued`.
A wrong code counts as a failed sign-in (`auth.count_attempt`) for the
worker's name as a guesser of codes (`failure_name`), so guessing locks it
as wrong passwords lock a name.
Councils with an identity provider recover through it instead
(`/auth/recover/oidc`), where the provider's MFA is the second step.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from sync.server.audit import record_audit
from sync.server.schema import devices, recovery_codes

VALID_FOR = timedelta(minutes=60)
# No 0/O or 1/I/L: read out over the phone and typed by the worker.
_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
_LENGTH = 12  # about 59 bits: with the name locked after a few failures, unguessable
NEEDED = "Ask your council's administrator for a recovery code for this laptop."


class NoSuchDevice(LookupError):
    pass


def failure_name(worker: str) -> str:
    """The name wrong codes are counted under (`auth.count_attempt`)."""
    return f"recovery-code:{worker}"


def _normal(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def _hash(code: str) -> str:
    return hashlib.sha256(_normal(code).encode()).hexdigest()


def issue_recovery_code(
    conn: Connection, device_id: str, by_worker_id: int | None, now: datetime
) -> str:
    """A new code for `device_id` (shown once, never stored), valid for
    `VALID_FOR` from `now`; `by_worker_id` is the administrator's account
    (None from the command line). Raises NoSuchDevice."""
    known = conn.execute(sa.select(devices.c.id).where(devices.c.id == device_id)).first()
    if known is None:
        raise NoSuchDevice(f"There is no device {device_id}.")
    raw = "".join(secrets.choice(_ALPHABET) for _ in range(_LENGTH))
    conn.execute(
        sa.insert(recovery_codes).values(
            code_hash=_hash(raw),
            device_id=device_id,
            issued_by=by_worker_id,
            issued_at=now,
            expires_at=now + VALID_FOR,
        )
    )
    record_audit(conn, action="recovery_code_issued", worker_id=by_worker_id, device_id=device_id)
    return "-".join(raw[i : i + 4] for i in range(0, _LENGTH, 4))


def use_recovery_code(conn: Connection, device_id: str, code: str, now: datetime) -> bool:
    """Whether `code` is an unused, unexpired code for `device_id`; if so it
    is used up (in `conn`: a rollback gives it back)."""
    used = conn.execute(
        sa.update(recovery_codes)
        .where(
            recovery_codes.c.code_hash == _hash(code),
            recovery_codes.c.device_id == device_id,
            recovery_codes.c.used_at.is_(None),
            recovery_codes.c.expires_at > now,
        )
        .values(used_at=now)
    )
    return used.rowcount == 1
