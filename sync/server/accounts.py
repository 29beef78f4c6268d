"""Workers' accounts and teams: who each account is (role, agency, team)
and who manages each team. The verbs behind `central-record worker` and
`central-record team`; `admin` re-exports them for the test harness.

Every refusal is an `AdminError` whose message starts with the option it is
about (`--role: ...`), so the administrator knows what to change. The rules
kept here, so that the stored accounts never contradict each other:
- a team's manager has the team manager role, and keeps it while managing;
- partners, administrators and analysts belong to no team and hold no caseload
  (they may not read case data: see `roles.GRANTS`);
- a partner names their agency (there is no sensible default for a school
  or the police).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from sync.kinds.common import Agency, Choice
from sync.server import team_holds
from sync.server.auth import hash_password
from sync.server.caseload import ALLOCATED
from sync.server.roles import DEFAULT_AGENCY, DEFAULT_ROLE, DEFAULT_TEAM, Permission, Role, may
from sync.server.schema import assignments, teams, workers
from sync.server.sequence import lock_whole_record
from sync.wire import Me

# Accounts outside the council's casework teams.
TEAMLESS = frozenset({Role.partner, Role.administrator, Role.analyst})


class AdminError(Exception):
    pass


@dataclass(frozen=True)
class AccountView:
    name: str
    role: Role
    agency: Agency
    team: str | None
    disabled: bool = False


def choice(kind: type[Choice], option: str, text: str) -> Choice:
    """`text` as a member of `kind`, by its code or its words in any case;
    otherwise an AdminError naming `option` and every choice."""
    wanted = text.strip().lower()
    for member in kind:
        if wanted in (member.value, member.value.replace("_", "-"), member.words.lower()):
            return member
    codes = ", ".join(m.value for m in kind)
    raise AdminError(f"{option}: {text!r} is not known; use one of {codes}.")


def worker_id(conn: Connection, name: str, option: str | None = None) -> int:
    found = conn.execute(sa.select(workers.c.id).where(workers.c.name == name)).scalar_one_or_none()
    if found is None:
        missing = f"there is no worker called {name!r}."
        raise AdminError(f"{option}: {missing}" if option else "T" + missing[1:])
    return found


def team_id(conn: Connection, name: str, option: str = "--team") -> int:
    found = conn.execute(sa.select(teams.c.id).where(teams.c.name == name)).scalar_one_or_none()
    if found is None:
        raise AdminError(
            f"{option}: there is no team called {name!r}; add it with `central-record team add`."
        )
    return found


def _role(conn: Connection, worker: int) -> Role:
    return Role(conn.execute(sa.select(workers.c.role).where(workers.c.id == worker)).scalar_one())


def add_worker(
    engine: Engine,
    name: str,
    password: str,
    *,
    role: str | None = None,
    team: str | None = None,
    agency: str | None = None,
) -> None:
    """A new account. Without `role`, a social worker; without `agency`,
    children's social care; without `team`, the default team (none for
    partners and administrators)."""
    if not name.strip() or len(name) > 200:
        raise AdminError("A worker name must be 1 to 200 characters.")
    if "\x00" in name + password:
        raise AdminError("A worker name or password must not contain a NUL character.")
    if len(password) < 8:
        raise AdminError("A worker password must be at least 8 characters.")
    the_role = Role(choice(Role, "--role", role)) if role is not None else DEFAULT_ROLE
    if agency is not None:
        the_agency = Agency(choice(Agency, "--agency", agency))
    elif the_role is Role.partner:
        codes = ", ".join(a.value for a in Agency)
        raise AdminError(f"--agency: say which agency this partner works for ({codes}).")
    else:
        the_agency = DEFAULT_AGENCY
    if team is not None and the_role in TEAMLESS:
        raise AdminError(f"--team: {the_role.words.lower()} accounts belong to no team.")
    with engine.begin() as conn:
        if conn.execute(sa.select(workers.c.id).where(workers.c.name == name)).first():
            raise AdminError(f"A worker called {name!r} already exists.")
        the_team = None
        if the_role not in TEAMLESS:
            the_team = team_id(conn, team if team is not None else DEFAULT_TEAM)
        conn.execute(
            sa.insert(workers).values(
                name=name,
                password_hash=hash_password(password),
                created_at=datetime.now(UTC),
                role=the_role.value,
                agency=the_agency.value,
                team_id=the_team,
            )
        )


def set_role(engine: Engine, name: str, role: str) -> Role:
    """Give the account `role`, in effect at its devices' next request. A
    partner or administrator leaves their team; a worker who stops being a
    partner or administrator joins the default team."""
    new = Role(choice(Role, "role", role))
    with engine.begin() as conn:
        worker = worker_id(conn, name)
        managed = conn.execute(
            sa.select(teams.c.name).where(teams.c.manager_id == worker).order_by(teams.c.name)
        ).scalars()
        if new is not Role.team_manager and (names := list(managed)):
            raise AdminError(
                f"role: {name} manages {', '.join(names)}; give the team another manager "
                "first (`central-record team set-manager`)."
            )
        held = conn.execute(
            sa.select(sa.func.count()).where(assignments.c.worker_id == worker)
        ).scalar_one()
        if held and not may(new, Permission.read_caseload):
            raise AdminError(
                f"role: {name} holds {held} {'child' if held == 1 else 'children'}; "
                f"a {new.words.lower()} may not read "
                "case data. Unassign them first."
            )
        if new is not Role.administrator:
            keep_an_administrator(conn, worker, "role")
        changes: dict[str, object] = {"role": new.value}
        if new in TEAMLESS:
            changes["team_id"] = None
        elif _role(conn, worker) in TEAMLESS:
            changes["team_id"] = team_id(conn, DEFAULT_TEAM)
        conn.execute(sa.update(workers).where(workers.c.id == worker).values(**changes))
    return new


def set_agency(engine: Engine, name: str, agency: str) -> Agency:
    """Say the account works for another agency. Refused while the worker
    holds any child: their laptop holds records chosen for the agency they
    had (need to know), which the feed would not take back. Unassign the
    children first, or revoke the laptop."""
    new = Agency(choice(Agency, "agency", agency))
    with engine.begin() as conn:
        worker = worker_id(conn, name)
        held = conn.execute(
            sa.select(sa.func.count()).where(assignments.c.worker_id == worker)
        ).scalar_one()
        if held:
            raise AdminError(
                f"agency: {name} holds {held} {'child' if held == 1 else 'children'}, whose "
                "records on their laptop were chosen for the agency they work for now. "
                "Take the children off their caseload first."
            )
        conn.execute(sa.update(workers).where(workers.c.id == worker).values(agency=new.value))
    return new


def set_disabled(
    engine: Engine,
    name: str,
    disabled: bool,
    *,
    also: Callable[[Connection, int], object] | None = None,
) -> bool:
    """Disable the account (it cannot sign in, and its laptops are refused
    at their next request, keeping what they hold) or enable it again.
    Nothing else changes: its caseload, teams and devices stay, so enabling
    it puts everything back. The last enabled administrator is never
    disabled. `also(conn, worker_id)` runs in the same transaction when
    something changed (the console ends the sessions and audits there).
    Returns whether anything changed."""
    with engine.begin() as conn:
        worker = worker_id(conn, name)
        now_disabled = conn.execute(
            sa.select(workers.c.disabled_at).where(workers.c.id == worker)
        ).scalar_one()
        if (now_disabled is not None) == disabled:
            return False
        if disabled:
            keep_an_administrator(conn, worker, "disabled")
        conn.execute(
            sa.update(workers)
            .where(workers.c.id == worker)
            .values(disabled_at=datetime.now(UTC) if disabled else None)
        )
        if also is not None:
            also(conn, worker)
    return True


def keep_an_administrator(conn: Connection, worker: int, option: str) -> None:
    """Refuse (an AdminError about `option`) a change that would leave no
    enabled administrator besides `worker`: nobody could then use the
    administration pages (the CLI can still add one)."""
    if _role(conn, worker) is not Role.administrator:
        return
    others = conn.execute(
        sa.select(sa.func.count()).where(
            workers.c.role == Role.administrator.value,
            workers.c.disabled_at.is_(None),
            workers.c.id != worker,
        )
    ).scalar_one()
    if not others:
        raise AdminError(
            f"{option}: this is the last enabled administrator account; add or enable "
            "another administrator first."
        )


def add_team(engine: Engine, name: str, manager: str | None = None) -> None:
    if not name.strip() or len(name) > 200:
        raise AdminError("A team name must be 1 to 200 characters.")
    with engine.begin() as conn:
        if conn.execute(sa.select(teams.c.id).where(teams.c.name == name)).first():
            raise AdminError(f"A team called {name!r} already exists.")
        boss = _manager(conn, manager) if manager is not None else None
        conn.execute(
            sa.insert(teams).values(name=name, manager_id=boss, created_at=datetime.now(UTC))
        )


def set_team_manager(engine: Engine, team: str, manager: str) -> None:
    """Name the team's manager: the team's children move from the old
    manager's caseload to the new one's (`team_holds`)."""
    with engine.begin() as conn:
        lock_whole_record(conn)
        found = team_id(conn, team, option="team")
        boss = _manager(conn, manager)
        old = conn.execute(sa.select(teams.c.manager_id).where(teams.c.id == found)).scalar_one()
        team_holds.move(
            conn,
            [old, boss],
            team_holds.Moving(team_id=found, to_manager=boss),
            lambda: conn.execute(
                sa.update(teams).where(teams.c.id == found).values(manager_id=boss)
            ),
        )


def set_team(engine: Engine, name: str, team: str) -> None:
    """Move a worker to another team: their children leave their old
    manager's caseload and join their new manager's (`team_holds`)."""
    with engine.begin() as conn:
        lock_whole_record(conn)
        worker = worker_id(conn, name)
        if (role := _role(conn, worker)) in TEAMLESS:
            raise AdminError(f"team: {role.words.lower()} accounts belong to no team.")
        managed = conn.execute(
            sa.select(teams.c.name).where(teams.c.manager_id == worker).order_by(teams.c.name)
        ).scalars()
        if names := list(managed):
            raise AdminError(
                f"team: {name} manages {', '.join(names)}; give the team another manager "
                "first (`central-record team set-manager`)."
            )
        new_team = team_id(conn, team, option="team")
        new_manager = conn.execute(
            sa.select(teams.c.manager_id).where(teams.c.id == new_team)
        ).scalar_one()
        team_holds.move(
            conn,
            [team_holds.manager_of(conn, worker), new_manager],
            team_holds.Moving(worker_id=worker, to_team=new_team),
            lambda: conn.execute(
                sa.update(workers).where(workers.c.id == worker).values(team_id=new_team)
            ),
        )


def _manager(conn: Connection, name: str) -> int:
    worker = worker_id(conn, name, option="--manager")
    if (role := _role(conn, worker)) is not Role.team_manager:
        raise AdminError(
            f"--manager: {name} is a {role.words.lower()}; a team's manager must have the "
            "team manager role (`central-record worker set-role NAME team_manager`)."
        )
    return worker


def me(conn: Connection, worker: int) -> Me:
    """Who the worker is, as their laptop is told (`GET /me`)."""
    manager = workers.alias("manager")
    row = conn.execute(
        sa.select(workers.c.name, workers.c.role, workers.c.agency, teams.c.name, manager.c.name)
        .select_from(
            workers.outerjoin(teams, teams.c.id == workers.c.team_id).outerjoin(
                manager, manager.c.id == teams.c.manager_id
            )
        )
        .where(workers.c.id == worker)
    ).one()
    managed = list(
        conn.execute(
            sa.select(teams.c.name).where(teams.c.manager_id == worker).order_by(teams.c.name)
        ).scalars()
    )
    caseloads: dict[str, list[str]] = {}
    if managed:
        member = workers.join(teams, teams.c.id == workers.c.team_id)
        allocated = conn.execute(
            sa.select(workers.c.name, assignments.c.child_id)
            .select_from(member.join(assignments, assignments.c.worker_id == workers.c.id))
            .where(
                teams.c.manager_id == worker,
                workers.c.id != worker,
                assignments.c.via == ALLOCATED,
            )
            .order_by(workers.c.name, assignments.c.child_id)
        )
        for name, child in allocated:
            caseloads.setdefault(name, []).append(child)
    role, agency = Role(row[1]), Agency(row[2])
    return Me(
        worker=row[0],
        role=role.value,
        role_words=role.words,
        agency=agency.value,
        agency_words=agency.words,
        team=row[3],
        team_manager=row[4],
        manages=managed,
        team_caseloads=caseloads,
    )


def list_workers(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        return list(conn.execute(sa.select(workers.c.name).order_by(workers.c.name)).scalars())


def describe_workers(engine: Engine) -> list[AccountView]:
    query = (
        sa.select(
            workers.c.name, workers.c.role, workers.c.agency, teams.c.name, workers.c.disabled_at
        )
        .select_from(workers.outerjoin(teams, teams.c.id == workers.c.team_id))
        .order_by(workers.c.name)
    )
    with engine.connect() as conn:
        return [
            AccountView(
                name=r[0],
                role=Role(r[1]),
                agency=Agency(r[2]),
                team=r[3],
                disabled=r[4] is not None,
            )
            for r in conn.execute(query)
        ]


def list_teams(engine: Engine) -> list[tuple[str, str | None]]:
    """Each team's name and its manager's name (None before one is named)."""
    query = (
        sa.select(teams.c.name, workers.c.name)
        .select_from(teams.outerjoin(workers, workers.c.id == teams.c.manager_id))
        .order_by(teams.c.name)
    )
    with engine.connect() as conn:
        return [(r[0], r[1]) for r in conn.execute(query)]
