"""Administration of the central record: the verbs behind `central-record`
and the test harness. Each raises `AdminError` with a plain message for
unknown names and ids. Accounts and teams are in `accounts`."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from sync.errors import RecordInvalid
from sync.kinds import validate_data
from sync.server import children, glass
from sync.server.accounts import AdminError
from sync.server.accounts import add_worker as add_worker  # re-exported for the harness
from sync.server.accounts import list_workers as list_workers
from sync.server.accounts import worker_id as _worker_id
from sync.server.audit import record_audit
from sync.server.caseload import as_utc
from sync.server.revisions import as_record, write_revisions
from sync.server.roles import Permission, Role, may
from sync.server.schema import devices, policy, records, workers
from sync.server.sequence import lock_for_write, lock_whole_record, take_seqs
from sync.server.team_holds import allocate
from sync.wire import Policy, Record


def list_devices(engine: Engine, worker: str | None = None) -> list[dict]:
    """Every device, oldest enrolment first: its id, worker, name, when
    enrolled (`created_at`), its last contact and the Caseworker version it
    spoke with (None before its first request since 0015), and whether it
    is revoked."""
    query = (
        sa.select(
            devices.c.id,
            workers.c.name,
            devices.c.name,
            devices.c.created_at,
            devices.c.revoked_at,
            devices.c.last_seen,
            devices.c.client_version,
        )
        .join(workers, workers.c.id == devices.c.worker_id)
        .order_by(devices.c.created_at)
    )
    with engine.connect() as conn:
        if worker:
            query = query.where(workers.c.id == _worker_id(conn, worker))
        return [
            {
                "id": r[0],
                "worker": r[1],
                "name": r[2],
                "created_at": as_utc(r[3]),
                "revoked": r[4] is not None,
                "revoked_at": as_utc(r[4]) if r[4] is not None else None,
                "last_seen": as_utc(r[5]) if r[5] is not None else None,
                "version": r[6],
            }
            for r in conn.execute(query)
        ]


def revoke_device(engine: Engine, device_id: str) -> bool:
    """Revoke the device: at its next contact the laptop wipes everything
    it holds. Returns False (and changes nothing) if it was revoked before."""
    with engine.begin() as conn:
        row = conn.execute(
            sa.select(devices.c.worker_id, devices.c.revoked_at).where(devices.c.id == device_id)
        ).first()
        if row is None:
            raise AdminError(f"There is no device with id {device_id!r}.")
        if row[1] is not None:
            return False
        conn.execute(
            sa.update(devices).where(devices.c.id == device_id).values(revoked_at=datetime.now(UTC))
        )
        record_audit(conn, action="revoke", worker_id=row[0], device_id=device_id)
    return True


def set_assignment(engine: Engine, worker: str, child_id: str, assigned: bool) -> bool:
    with engine.begin() as conn:
        lock_for_write(conn, children=[child_id])
        worker_id = _worker_id(conn, worker)
        role = Role(
            conn.execute(sa.select(workers.c.role).where(workers.c.id == worker_id)).scalar_one()
        )
        if assigned and not may(role, Permission.read_caseload):
            raise AdminError(
                f"{worker} is a {role.words.lower()}: their role may not read case data, "
                "so they hold no caseload."
            )
        if (
            assigned
            and not conn.execute(
                sa.select(records.c.id).where(records.c.id == child_id, records.c.kind == "child")
            ).first()
        ):
            raise AdminError(f"There is no child with id {child_id!r}.")
        # The central team's decision outlasts a break-the-glass grant: its
        # expiry must not take away a child assigned for good meanwhile.
        glass.make_permanent(conn, worker_id, child_id, datetime.now(UTC))
        return allocate(conn, worker_id, child_id, assigned)


def set_policy(engine: Engine, **changes: object) -> Policy:
    """Change the device policy; `temporary_access_hours` (0 to 168; 0 = no
    break-the-glass), `console_idle_minutes` (1 to 240) and `council_name`
    are kept beside it, not in the wire's `Policy`."""
    hours = changes.pop("temporary_access_hours", None)
    if hours is not None and (not isinstance(hours, int) or not 0 <= hours <= 168):
        raise AdminError("--temporary-access-hours: give 0 (not allowed) to 168 hours.")
    beside: dict[str, object] = {"temporary_access_hours": hours} if hours is not None else {}
    # The web console's, also beside the wire's Policy.
    idle = changes.pop("console_idle_minutes", None)
    if idle is not None:
        if not isinstance(idle, int) or not 1 <= idle <= 240:
            raise AdminError("--console-idle-minutes: give 1 to 240 minutes.")
        beside["console_idle_minutes"] = idle
    council = changes.pop("council_name", None)
    if council is not None:
        if not isinstance(council, str) or not 0 < len(council.strip()) <= 200:
            raise AdminError("--council-name: give the council's name, up to 200 characters.")
        beside["council_name"] = council.strip()
    with engine.begin() as conn:
        row = conn.execute(sa.select(policy).where(policy.c.id == 1)).one()
        merged = {k: getattr(row, k) for k in Policy.model_fields} | {
            k: v for k, v in changes.items() if v is not None
        }
        new = Policy(**merged)  # validates the ranges
        values = new.model_dump() | beside
        conn.execute(sa.update(policy).where(policy.c.id == 1).values(**values))
        return new


class SimilarChild(AdminError):
    """A child with the same name and date of birth is already on the record."""


def add_child(
    engine: Engine,
    data: dict,
    *,
    assign_to: str | None = None,
    by: str,
    even_if_similar: bool = False,
) -> str:
    """The central team adds a child (workers may only when the policy says
    so); returns its id. `data` is the child's record data, validated here.
    A child with the NHS number of one already on the record is refused,
    naming that child; one with the same name and date of birth raises
    SimilarChild unless `even_if_similar`."""
    try:
        clean = validate_data("child", data)
    except RecordInvalid as exc:
        raise AdminError(exc.message) from None
    if assign_to is not None:
        with engine.connect() as conn:
            _worker_id(conn, assign_to)  # an unknown name adds nothing
    child_id = uuid.uuid4()
    record = Record(
        id=child_id,
        kind="child",
        child_id=child_id,
        rev=1,
        updated_at=datetime.now(UTC),
        updated_by=by,
        data=clean,
    )
    # The duplicate checks and the write are one transaction under one named
    # lock: two additions of the same NHS number at once cannot both pass.
    with engine.begin() as conn:
        children.hold_identities(conn)
        same = children.same_nhs_number(conn, clean)
        if same is not None:
            raise AdminError(
                f"identifiers.nhs_number: the central record already has this NHS number, "
                f"{same.words()}. The child was not added."
            )
        twins = [] if even_if_similar else children.similar(conn, clean)
        if twins:
            named = "; ".join(t.words() for t in twins)
            raise SimilarChild(
                f"A child with the same name and date of birth is already on the record: "
                f"{named}. If this is another child, add it again with --even-if-similar."
            )
        lock_for_write(conn, children=[str(child_id)])
        write_revisions(conn, [(record, None)], take_seqs(conn, 1))
    if assign_to is not None:
        set_assignment(engine, assign_to, str(child_id), True)
    return str(child_id)


def insert_records(engine: Engine, items: Iterable[Record], *, by: str | None = None) -> int:
    """Server-side bulk load (demo data, test seeding), bypassing HTTP but
    not the revision history or the change feed."""
    batch: list[tuple[Record, str | None]] = [
        (record.model_copy(update={"rev": 1, "updated_by": by or record.updated_by}), None)
        for record in items
    ]
    if not batch:
        return 0
    with engine.begin() as conn:
        lock_whole_record(conn)
        seqs = take_seqs(conn, len(batch))  # all at once: see `sequence`
        for start in range(0, len(batch), 5000):
            chunk = slice(start, start + 5000)
            write_revisions(conn, batch[chunk], seqs[chunk])
    return len(batch)


def current_records(engine: Engine, worker: str | None = None) -> list[Record]:
    """Every current record; with `worker`, those their feed holds: of the
    children on their caseload, the ones their agency may see."""
    from sync.server.need_to_know import agency_of, visible
    from sync.server.schema import assignments

    query = sa.select(records)
    with engine.connect() as conn:
        if worker:
            worker_id = _worker_id(conn, worker)
            held = sa.select(assignments.c.child_id).where(assignments.c.worker_id == worker_id)
            query = query.where(records.c.child_id.in_(held), visible(agency_of(conn, worker_id)))
        return [as_record(r) for r in conn.execute(query)]
