"""Which account a sign-in at the council's identity provider is.

`resolve` decides, for an identity whose token has already been checked
(`sync.server.oidc`), in this order:
- a subject seen before (issuer, subject) is the account it was linked to;
- else, with `username_claim` set, an existing account of that name (in any
  case) is linked to it: the council's existing workers keep their
  caseloads when the council moves to the provider;
- else, when the worker's groups map to a role, an account is made for them
  there and then (audited `account_created_by_provider`);
- else the sign-in is refused: the provider knows them, Caseworker does not.

On every sign-in the groups mapping, when one of its groups matches, sets the
account's role: the provider is where a council's IT moves a worker between
roles. A disabled account is refused. Each sign-in is audited
`provider_sign_in` with the worker's id only.

The caller runs `resolve` in the transaction that uses its answer, so a
refusal after it (by role, say) rolls back the link and the new account too.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from sync.server import accounts
from sync.server.audit import record_audit
from sync.server.identity_provider import ProviderSettings
from sync.server.oidc import Identity
from sync.server.roles import DEFAULT_AGENCY, DEFAULT_TEAM, Permission, Role, may
from sync.server.schema import assignments, identities, teams, workers
from sync.server.signin import SignedIn

# Stored as the password hash of an account the provider made: no password
# verifies against it (argon2 reads it as no hash at all).
UNUSABLE_HASH = "!signs-in-with-the-identity-provider"
DISABLED = "This account has been disabled by the council's administrator."


class SignInRefused(Exception):
    """The provider vouched for someone Caseworker will not sign in; the
    message says why in plain words (never the token)."""


def _not_in_a_group(settings: ProviderSettings) -> SignInRefused:
    return SignInRefused(f"You are not in a Caseworker group at {settings.name}: ask your IT team")


def _linked(conn: Connection, identity: Identity) -> int | None:
    return conn.execute(
        sa.select(identities.c.worker_id).where(
            identities.c.issuer == identity.issuer, identities.c.subject == identity.subject
        )
    ).scalar_one_or_none()


def _username(identity: Identity, settings: ProviderSettings) -> str | None:
    if not settings.username_claim:
        return None
    value = identity.claims.get(settings.username_claim)
    return value.strip() if isinstance(value, str) and value.strip() else None


def _by_name(conn: Connection, name: str) -> int | None:
    found = conn.execute(
        sa.select(workers.c.id).where(sa.func.lower(workers.c.name) == name.lower())
    ).scalars()
    ids = list(found)
    return ids[0] if len(ids) == 1 else None


def _new_name(identity: Identity, settings: ProviderSettings) -> str:
    for claim in (settings.username_claim, "preferred_username", "email"):
        value = identity.claims.get(claim) if claim else None
        if isinstance(value, str) and value.strip():
            return value.strip()[:200]
    return identity.subject[:200]


def _create(
    conn: Connection, identity: Identity, settings: ProviderSettings, role: Role, now: datetime
) -> int:
    if role is Role.partner:
        # A partner's agency (a school, the police) is no group's to say.
        raise SignInRefused(
            "Partner accounts are made by the council's administrator, who says which "
            "agency they work for: ask them"
        )
    name = _new_name(identity, settings)
    if conn.execute(sa.select(workers.c.id).where(workers.c.name == name)).first():
        raise SignInRefused(
            f"An account called {name} already exists but is not linked to this sign-in: "
            "ask the council's administrator"
        )
    team = None if role in accounts.TEAMLESS else accounts.team_id(conn, DEFAULT_TEAM)
    worker = conn.execute(
        sa.insert(workers)
        .values(
            name=name,
            password_hash=UNUSABLE_HASH,
            created_at=now,
            role=role.value,
            agency=DEFAULT_AGENCY.value,
            team_id=team,
        )
        .returning(workers.c.id)
    ).scalar_one()
    record_audit(conn, action="account_created_by_provider", worker_id=worker)
    return worker


def _set_role(conn: Connection, worker: int, old: Role, new: Role) -> None:
    """The role the groups give, under the rules `accounts.set_role` keeps;
    where those forbid it, the sign-in is refused rather than the stored
    accounts made to contradict each other."""
    if old is new:
        return
    manages = conn.execute(sa.select(teams.c.id).where(teams.c.manager_id == worker)).first()
    held = conn.execute(sa.select(assignments.c.child_id).where(assignments.c.worker_id == worker))
    if (manages and new is not Role.team_manager) or (
        held.first() and not may(new, Permission.read_caseload)
    ):
        raise SignInRefused(
            f"Your groups make you a {new.words.lower()}, but this account still manages a "
            "team or holds children: ask the council's administrator to hand them over first"
        )
    changes: dict[str, object] = {"role": new.value}
    if new in accounts.TEAMLESS:
        changes["team_id"] = None
    elif old in accounts.TEAMLESS:
        changes["team_id"] = accounts.team_id(conn, DEFAULT_TEAM)
    conn.execute(sa.update(workers).where(workers.c.id == worker).values(**changes))


def resolve(
    conn: Connection, identity: Identity, settings: ProviderSettings, now: datetime
) -> SignedIn:
    """The account `identity` signs in as (module docstring); raises
    SignInRefused. Writes the link, a role change and the audit in `conn`."""
    mapped = settings.role_for(identity.groups)
    role = Role(mapped) if mapped else None
    worker = _linked(conn, identity)
    linked = worker is not None
    if worker is None and (name := _username(identity, settings)) is not None:
        worker = _by_name(conn, name)
    if worker is None:
        if role is None:
            raise _not_in_a_group(settings)
        worker = _create(conn, identity, settings, role, now)
    row = conn.execute(
        sa.select(workers.c.name, workers.c.role, workers.c.disabled_at).where(
            workers.c.id == worker
        )
    ).one()
    if row.disabled_at is not None:
        raise SignInRefused(DISABLED)
    if role is not None:
        _set_role(conn, worker, Role(row.role), role)
    if linked:
        conn.execute(
            sa.update(identities)
            .where(identities.c.issuer == identity.issuer, identities.c.subject == identity.subject)
            .values(last_sign_in_at=now)
        )
    else:
        conn.execute(
            sa.insert(identities).values(
                issuer=identity.issuer,
                subject=identity.subject,
                worker_id=worker,
                linked_at=now,
                last_sign_in_at=now,
            )
        )
    record_audit(conn, action="provider_sign_in", worker_id=worker)
    return SignedIn(worker, row.name, (role or Role(row.role)).value)
