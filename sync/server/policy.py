"""The council's device policy as the service reads and enforces it."""

from __future__ import annotations

import sqlalchemy as sa
from fastapi import Request
from sqlalchemy.engine import Connection

from sync.server.api_errors import ApiError
from sync.server.schema import policy
from sync.wire import CLIENT_VERSION_HEADER, Policy, version_key

TOO_OLD = (
    "This version of Caseworker is older than the council's central record accepts: "
    "ask IT to update it. Nothing on the laptop has been changed."
)


def current_policy(conn: Connection) -> Policy:
    row = conn.execute(sa.select(policy).where(policy.c.id == 1)).one()
    return Policy.model_validate({k: getattr(row, k) for k in Policy.model_fields})


def check_client_version(request: Request, minimum: str) -> None:
    """426 `client_too_old` when the laptop's version (its Caseworker-Version
    header; none counts as "0") is older than `minimum`. Compared as numbers:
    0.10.0 is newer than 0.9."""
    sent = request.headers.get(CLIENT_VERSION_HEADER, "0")
    if version_key(sent) < version_key(minimum):
        raise ApiError(426, "client_too_old", TOO_OLD)
