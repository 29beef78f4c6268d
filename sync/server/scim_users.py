"""Accounts as SCIM 2.0 Users (RFC 7643 §4.1): what the identity provider
reads, and the changes it may make, checked whole before any is stored.

The provider keeps four attributes here: `userName` (the account's name,
the one it signs in with), `active`, `externalId` (the provider's own id)
and `displayName`. Every other attribute of the User schema it sends
(`name`, `emails`, `title`, the enterprise extension) is accepted and not
kept: an identity provider's default attribute mappings send them, and
refusing them would stop its provisioning for every account. What is not
an attribute at all (an unknown operation, a value of the wrong type, a
path that is not a path) is refused, and nothing changes.

Accounts made here get the default role, agency and team (`roles`): an
administrator gives them their real role, or the provider's groups do at
sign-in. They have no password (an unusable hash): they sign in through
the identity provider.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from sync.server import leavers
from sync.server.roles import DEFAULT_AGENCY, DEFAULT_ROLE, DEFAULT_TEAM
from sync.server.schema import teams, workers

USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"
ENTERPRISE_SCHEMA = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
PATCH_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
# Argon2's verifier refuses it as a hash, so no password ever matches.
NO_PASSWORD = "!provisioned-by-identity-provider"  # noqa: S105 (not a password: no hash)
MAX_TEXT = 200
MAX_OPERATIONS = 100
# The attributes kept, by their lower-cased names (SCIM attribute names are
# case-insensitive, RFC 7643 §2.1).
KEPT = {"username": "userName", "active": "active", "externalid": "externalId"}
KEPT["displayname"] = "displayName"
# A path names an attribute, a sub-attribute, a filtered value or an
# extension's attribute: `name.givenName`, `emails[type eq "work"].value`,
# `urn:…:enterprise:2.0:User:department`.
_PATH = re.compile(r"^[A-Za-z][\w:.\-]*(\[[^\]]{1,200}\])?(\.[A-Za-z][\w\-]*)?$")
_FILTER = re.compile(r'^\s*([A-Za-z][\w.]*)\s+eq\s+"((?:[^"\\]|\\.)*)"\s*$', re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class ScimError(Exception):
    """An RFC 7644 §3.12 error: its HTTP status, `scimType` (or None) and
    a plain `detail` that names the attribute, never the value sent."""

    def __init__(self, status: int, scim_type: str | None, detail: str) -> None:
        super().__init__(detail)
        self.status, self.scim_type, self.detail = status, scim_type, detail


@dataclass(frozen=True)
class Changes:
    """What a request asks to store; None means leave as it is, except for
    `clear` (the names of attributes to empty)."""

    user_name: str | None = None
    active: bool | None = None
    external_id: str | None = None
    display_name: str | None = None
    clear: frozenset[str] = frozenset()


# ---------------------------------------------------------------- reading


def _columns() -> list[Any]:
    c = workers.c
    return [c.id, c.name, c.external_id, c.display_name, c.disabled_at, c.created_at]


def resource(row: Any, base: str) -> dict[str, Any]:
    """The account as a User resource; `base` is the service's /scim/v2 URL."""
    created = row.created_at if row.created_at.tzinfo else row.created_at.replace(tzinfo=UTC)
    body: dict[str, Any] = {
        "schemas": [USER_SCHEMA],
        "id": str(row.id),
        "userName": row.name,
        "active": row.disabled_at is None,
        "meta": {
            "resourceType": "User",
            "created": created.isoformat(),
            "location": f"{base}/Users/{row.id}",
        },
    }
    if row.external_id is not None:
        body["externalId"] = row.external_id
    if row.display_name is not None:
        body["displayName"] = row.display_name
    return body


def _listed() -> sa.Select:
    # An account the provider deleted is gone as far as SCIM is concerned.
    return sa.select(*_columns()).where(workers.c.deprovisioned_at.is_(None))


def find(conn: Connection, user_id: str) -> Any:
    """The account with SCIM id `user_id`; 404 when there is none."""
    if not user_id.isdigit() or len(user_id) > 18:
        raise ScimError(404, None, "There is no such user.")
    row = conn.execute(_listed().where(workers.c.id == int(user_id))).first()
    if row is None:
        raise ScimError(404, None, "There is no such user.")
    return row


def search(
    conn: Connection, filter_text: str | None, start: int, count: int
) -> tuple[int, list[Any]]:
    """(total, this page) of the accounts matching `filter_text`, which may
    only be `ATTRIBUTE eq "value"` on userName (any case), externalId or
    id: what identity providers send to match an account."""
    query = _listed()
    if filter_text is not None:
        found = _FILTER.match(filter_text) if len(filter_text) <= 1000 else None
        if found is None:
            raise ScimError(
                400,
                "invalidFilter",
                'filter: only `userName eq "…"`, `externalId eq "…"` or `id eq "…"` is supported.',
            )
        attribute = found.group(1).lower()
        try:
            value = json.loads(f'"{found.group(2)}"')
        except ValueError:
            raise ScimError(400, "invalidFilter", "filter: the value is not a string.") from None
        if attribute == "username":
            query = query.where(sa.func.lower(workers.c.name) == value.lower())
        elif attribute == "externalid":
            query = query.where(workers.c.external_id == value)
        elif attribute == "id":
            if not value.isdigit() or len(value) > 18:
                return 0, []
            query = query.where(workers.c.id == int(value))
        else:
            raise ScimError(
                400, "invalidFilter", f"filter: {found.group(1)} cannot be filtered on here."
            )
    total = conn.execute(sa.select(sa.func.count()).select_from(query.subquery())).scalar_one()
    rows = conn.execute(query.order_by(workers.c.id).offset(start - 1).limit(count)).all()
    return total, list(rows)


# ---------------------------------------------------------------- checking


def _text(attribute: str, value: Any, *, required: bool = False) -> str:
    if not isinstance(value, str):
        raise ScimError(400, "invalidValue", f"{attribute}: must be a string.")
    if required and not value.strip():
        raise ScimError(400, "invalidValue", f"{attribute}: must not be empty.")
    if len(value) > MAX_TEXT:
        raise ScimError(400, "invalidValue", f"{attribute}: at most {MAX_TEXT} characters.")
    if _CONTROL.search(value):
        raise ScimError(400, "invalidValue", f"{attribute}: must not hold control characters.")
    return value


def _boolean(value: Any) -> bool:
    # Microsoft Entra ID sends "True" and "False" as strings in PATCH.
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    raise ScimError(400, "invalidValue", "active: must be true or false.")


def _set(changes: dict[str, Any], attribute: str, value: Any) -> None:
    """Check one kept attribute's new value into `changes`; an attribute
    not kept is ignored (see the module's docstring)."""
    name = KEPT.get(attribute.lower())
    if name == "userName":
        changes["user_name"] = _text("userName", value, required=True)
    elif name == "active":
        changes["active"] = _boolean(value)
    elif name == "externalId":
        changes["external_id"] = _text("externalId", value) if value is not None else None
        if value is None:
            changes.setdefault("clear", set()).add("external_id")
    elif name == "displayName":
        changes["display_name"] = _text("displayName", value) if value is not None else None
        if value is None:
            changes.setdefault("clear", set()).add("display_name")


def _resource_body(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise ScimError(400, "invalidSyntax", "The body must be a JSON object.")
    schemas = body.get("schemas", [USER_SCHEMA])
    if not isinstance(schemas, list) or USER_SCHEMA not in schemas:
        raise ScimError(400, "invalidSyntax", f"schemas: must name {USER_SCHEMA}.")
    return body


def from_resource(body: Any) -> Changes:
    """The kept attributes of a whole User (POST, PUT): userName required,
    `active` true unless said otherwise, the others emptied when absent."""
    changes: dict[str, Any] = {"active": True}
    for key, value in _resource_body(body).items():
        if isinstance(key, str):
            _set(changes, key, value)
    if "user_name" not in changes:
        raise ScimError(400, "invalidValue", "userName: is required.")
    clear = {"external_id", "display_name"} - {k for k in changes if changes[k] is not None}
    changes["clear"] = frozenset(clear)
    return Changes(**changes)


def from_patch(body: Any) -> Changes:
    """The changes of a PatchOp (RFC 7644 §3.5.2): add, replace or remove
    (in any case, as Entra capitalises them) of a path, or of an object of
    attributes without one. Refuses the whole request at the first
    operation that is not one."""
    if not isinstance(body, dict):
        raise ScimError(400, "invalidSyntax", "The body must be a JSON object.")
    schemas = body.get("schemas", [PATCH_SCHEMA])
    if not isinstance(schemas, list) or PATCH_SCHEMA not in schemas:
        raise ScimError(400, "invalidSyntax", f"schemas: must name {PATCH_SCHEMA}.")
    operations = body.get("Operations", body.get("operations"))
    if not isinstance(operations, list) or not operations:
        raise ScimError(400, "invalidSyntax", "Operations: must be a list of operations.")
    if len(operations) > MAX_OPERATIONS:
        raise ScimError(400, "tooMany", f"Operations: at most {MAX_OPERATIONS} at once.")
    changes: dict[str, Any] = {}
    for n, operation in enumerate(operations, 1):
        if not isinstance(operation, dict):
            raise ScimError(400, "invalidSyntax", f"Operations[{n}]: must be an object.")
        op = operation.get("op")
        if not isinstance(op, str) or op.lower() not in ("add", "replace", "remove"):
            raise ScimError(
                400, "invalidSyntax", f"Operations[{n}].op: must be add, replace or remove."
            )
        path, value = operation.get("path"), operation.get("value")
        if path is not None:
            if not isinstance(path, str) or len(path) > 300 or not _PATH.match(path):
                raise ScimError(400, "invalidPath", f"Operations[{n}].path: is not a path.")
            # `urn:…:core:2.0:User:active` names the same attribute as `active`.
            attribute = path.removeprefix(USER_SCHEMA + ":")
        if op.lower() == "remove":
            if path is None:
                raise ScimError(400, "noTarget", f"Operations[{n}]: remove needs a path.")
            if KEPT.get(attribute.lower()) in ("userName", "active"):
                raise ScimError(
                    400, "mutability", f"Operations[{n}]: {attribute} cannot be removed."
                )
            _set(changes, attribute, None)
        elif path is not None:
            _set(changes, attribute, value)
        elif isinstance(value, dict):
            for key, each in value.items():
                if isinstance(key, str):
                    _set(changes, key.removeprefix(USER_SCHEMA + ":"), each)
        else:
            raise ScimError(
                400, "invalidValue", f"Operations[{n}].value: without a path, must be an object."
            )
    changes["clear"] = frozenset(changes.get("clear", ()))
    return Changes(**changes)


# ---------------------------------------------------------------- storing


def _name_taken(conn: Connection, name: str, other_than: int | None = None) -> bool:
    query = sa.select(workers.c.id).where(sa.func.lower(workers.c.name) == name.lower())
    if other_than is not None:
        query = query.where(workers.c.id != other_than)
    return conn.execute(query).first() is not None


def _taken() -> ScimError:
    return ScimError(409, "uniqueness", "userName: another account already has this name.")


def create(conn: Connection, changes: Changes, now: datetime) -> int:
    """A new account of the default role, agency and team; its id."""
    assert changes.user_name is not None
    if _name_taken(conn, changes.user_name):
        raise _taken()
    team = conn.execute(sa.select(teams.c.id).where(teams.c.name == DEFAULT_TEAM)).scalar()
    return conn.execute(
        sa.insert(workers)
        .values(
            name=changes.user_name,
            password_hash=NO_PASSWORD,
            created_at=now,
            role=DEFAULT_ROLE.value,
            agency=DEFAULT_AGENCY.value,
            team_id=team,
            external_id=changes.external_id,
            display_name=changes.display_name,
            disabled_at=None if changes.active is not False else now,
        )
        .returning(workers.c.id)
    ).scalar_one()


def apply(conn: Connection, worker_id: int, changes: Changes, now: datetime) -> None:
    """Store `changes` on the account. Becoming inactive is a leaver
    (`leavers.deactivate`: devices revoked, sessions ended); becoming
    active again enables the account only."""
    values: dict[str, Any] = {}
    if changes.user_name is not None:
        if _name_taken(conn, changes.user_name, other_than=worker_id):
            raise _taken()
        values["name"] = changes.user_name
    for column in ("external_id", "display_name"):
        if getattr(changes, column) is not None:
            values[column] = getattr(changes, column)
        elif column in changes.clear:
            values[column] = None
    if values:
        conn.execute(sa.update(workers).where(workers.c.id == worker_id).values(**values))
    if changes.active is False:
        leavers.deactivate(conn, worker_id, now)
    elif changes.active is True:
        leavers.reactivate(conn, worker_id)


def delete(conn: Connection, worker_id: int, now: datetime) -> None:
    """The provider deleted the account: a leaver, and gone from SCIM. The
    row stays (the record's history names it), disabled."""
    leavers.deactivate(conn, worker_id, now)
    conn.execute(sa.update(workers).where(workers.c.id == worker_id).values(deprovisioned_at=now))
