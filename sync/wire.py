"""The wire schema shared by the client sync engine and the central record.

Everything that crosses `/api/v1` is one of these models. Record *content*
(the ``data`` of each kind) is validated separately by `sync.kinds`, so the
envelope stays stable while kinds evolve.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any, Literal, NotRequired
from uuid import UUID

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    TypeAdapter,
    field_validator,
    with_config,
)
from typing_extensions import TypedDict  # pydantic needs this one before Python 3.12

API_PREFIX = "/api/v1"

# The largest request body the central record accepts (413 above it). A
# record's own fields are bounded by its kind (the largest, a plan of seven
# 100,000-character texts, stays under 5 MB as JSON), so one mutation always
# fits; the client splits push batches well below this (PUSH_BATCH_BYTES).
MAX_REQUEST_BYTES = 16 * 1024 * 1024
PUSH_BATCH_BYTES = 4 * 1024 * 1024

# Every request from the laptop names its version in this header; a laptop
# older than the policy's `min_client_version` is answered 426 with the
# error code "client_too_old" and keeps all its data.
CLIENT_VERSION_HEADER = "Caseworker-Version"
CLIENT_VERSION = "0.5.0"


def version_key(version: str) -> tuple[int, ...]:
    """A version as numbers, for comparing: "0.10.0" is newer than "0.9.2".

    Each dotted part counts by its leading digits ("3rc1" is 3), anything
    else as 0, and trailing zeros do not count ("0.2" == "0.2.0"). An empty
    or missing version is (0,), older than every release.
    """
    parts = []
    for part in version.strip().split("."):
        # At most nine digits a part: a header of thousands of digits is not
        # a version, and Python refuses to make an int of it.
        digits = part[: len(part) - len(part.lstrip("0123456789"))][:9]
        parts.append(int(digits) if digits else 0)
    while len(parts) > 1 and parts[-1] == 0:
        parts.pop()
    return tuple(parts) or (0,)


class Kind(StrEnum):
    child = "child"
    involvement = "involvement"
    family_member = "family_member"
    assessment = "assessment"
    plan = "plan"
    plan_action = "plan_action"
    meeting = "meeting"
    visit = "visit"
    addendum = "addendum"
    missing_episode = "missing_episode"
    cme_episode = "cme_episode"
    concern = "concern"
    sharing = "sharing"
    alert = "alert"
    # Management oversight (sync.kinds.oversight): laptops before these
    # were added refuse them, as Kind is closed.
    sign_off = "sign_off"
    management_oversight = "management_oversight"
    case_supervision = "case_supervision"


NUL_REFUSED = "must not contain a NUL character"


class WireModel(BaseModel):
    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="after")
    @classmethod
    def _refuse_nul(cls, value: Any) -> Any:
        # Every string the central record stores comes through a model here
        # (record data through `sync.kinds`, which refuses NUL the same way):
        # PostgreSQL cannot store NUL in text, and no worker means to type one.
        if isinstance(value, str):
            if "\x00" in value:
                raise ValueError(NUL_REFUSED)
        elif isinstance(value, list) and any(isinstance(v, str) and "\x00" in v for v in value):
            raise ValueError(NUL_REFUSED)
        return value


class Record(WireModel):
    """One piece of case information: one kind, one owning child."""

    id: UUID
    kind: Kind
    child_id: UUID
    rev: int = Field(0, ge=0, description="server revision; 0 = never accepted")
    deleted: bool = False
    updated_at: datetime
    updated_by: str = Field(..., max_length=200)
    data: dict[str, Any]


class Mutation(WireModel):
    mutation_id: UUID
    record: Record
    base_rev: int = Field(..., ge=0, description="the revision the edit was made on; 0 = create")
    # When the worker first typed what this mutation carries (on the laptop's
    # clock). The central record accepts an edit for a child that has since
    # left the worker's caseload if the worker held the child at that moment
    # and the child left less than `Policy.edit_grace_days` ago.
    made_at: datetime | None = None


class PushRequest(WireModel):
    mutations: list[Mutation] = Field(..., max_length=1000)


class MutationStatus(StrEnum):
    applied = "applied"
    merged = "merged"
    conflict = "conflict"
    rejected = "rejected"


class FieldConflict(WireModel):
    field: str
    base: Any = None
    server: Any = None
    client: Any = None


class MutationResult(WireModel):
    mutation_id: UUID
    status: MutationStatus
    # applied/merged: the stored revision; conflict: the server's current one.
    record: Record | None = None
    reason: str | None = None
    conflicts: list[FieldConflict] = Field(default_factory=list)


class PushResponse(WireModel):
    results: list[MutationResult]


class ChangesPage(WireModel):
    records: list[Record]
    removed_children: list[UUID] = Field(default_factory=list)
    cursor: str
    more: bool
    # Records the device must drop, with everything derived from them: they
    # have since been restricted to agencies its worker's is not among
    # (`sync.kinds.restriction`). Present only when there is one.
    removed_records: list[UUID] = Field(default_factory=list)
    # Asked for with `estimate=true`: records left to send from this page
    # (its own included) to the end of the feed, read against the caseload
    # as it is now, so an estimate.
    remaining: int | None = Field(None, ge=0)


# The client's view of a changes page. Same JSON and the same checks as
# `ChangesPage`, but records stay plain dicts with ids as canonical text: an
# initial sync applies tens of thousands of records, and a `Record` model per
# row (UUID objects, formatted back to text for the store) cost more than
# writing the row. `ChangesPage` remains the documented schema.
_CANONICAL_UUID = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"


# Kinds and times as plain strings: a dict holding only atomic values drops
# out of the garbage collector's lists (an enum member or a timezone object
# keeps it in), and a page holds thousands of them; each one tracked makes
# the full collections of a long pull more frequent.
if TYPE_CHECKING:
    # What the validators below leave in a pulled record: always text.
    UuidText = str
    KindText = str
    IsoTime = str
else:
    UuidText = Annotated[
        Annotated[str, Field(pattern=_CANONICAL_UUID)] | Annotated[UUID, AfterValidator(str)],
        Field(union_mode="left_to_right"),
    ]
    KindText = Literal[tuple(k.value for k in Kind)]
    IsoTime = Annotated[datetime, AfterValidator(datetime.isoformat)]


@with_config(ConfigDict(extra="forbid"))
class PulledRecord(TypedDict):
    id: UuidText
    kind: KindText
    child_id: UuidText
    rev: Annotated[int, Field(ge=0)]
    deleted: bool
    updated_at: IsoTime
    updated_by: Annotated[str, Field(max_length=200)]
    data: dict[str, Any]


@with_config(ConfigDict(extra="forbid"))
class _PulledPageFields(TypedDict):
    records: list[PulledRecord]
    removed_children: NotRequired[list[UuidText]]
    cursor: str
    more: bool
    removed_records: NotRequired[list[UuidText]]
    remaining: NotRequired[Annotated[int, Field(ge=0)] | None]


class PulledPage:
    """A validated changes page as the client applies it (see `PulledRecord`)."""

    __slots__ = ("records", "removed_children", "cursor", "more", "remaining", "removed_records")

    def __init__(
        self,
        records: list[PulledRecord],
        removed_children: list[str],
        cursor: str,
        more: bool,
        remaining: int | None = None,
        removed_records: list[str] | None = None,
    ) -> None:
        self.records, self.removed_children = records, removed_children
        self.cursor, self.more, self.remaining = cursor, more, remaining
        self.removed_records = removed_records or []

    @classmethod
    def from_json(cls, body: bytes | str) -> PulledPage:
        """Parse and validate; raises pydantic's ValidationError naming the field."""
        fields = _PULLED_PAGE.validate_json(body)
        return cls(
            fields["records"],
            fields.get("removed_children", []),
            fields["cursor"],
            fields["more"],
            fields.get("remaining"),
            fields.get("removed_records", []),
        )


_PULLED_PAGE = TypeAdapter(_PulledPageFields)


class Policy(WireModel):
    idle_lock_minutes: int = Field(5, ge=1, le=240)
    unlock_attempt_limit: int = Field(10, ge=3, le=100)
    max_offline_days: int = Field(14, ge=1, le=365)
    min_client_version: str = "0.1.0"
    # Days after a child leaves a caseload during which the central record
    # still accepts the worker's edits made while they held the child.
    edit_grace_days: int = Field(14, ge=0, le=90)
    # Whether workers may create a child record from the laptop; otherwise
    # only the central team adds children (the admin CLI, later the console).
    workers_may_create_children: bool = False


class RecordEpoch(WireModel):
    """`GET /record-epoch`: bumped by `central-record restored` after a
    restore from backup. A laptop that last synced under another epoch
    re-reads its caseload and sends back what the restore lost
    (sync.server.restores, desktop.restored)."""

    epoch: int = Field(..., ge=0)


class CouncilRules(WireModel):
    """`GET /council-rules`: the council's due-date rules and screening tools
    in force, one version for both (each load by an administrator makes the
    next). Served beside the policy, not in it, so a laptop older than this
    answer never sees a field it does not know.

    Version 0 means the council has loaded none: laptops use their bundled
    defaults. `due_rules` (any subset of resources/due_rules.json) and
    `tools` (files shaped like resources/tools/*.json) are checked by
    `sync.kinds.council`; both are left out when the laptop asked with
    `?have=` the version it already holds."""

    version: int = Field(..., ge=0)
    loaded_at: datetime | None = None
    loaded_by: str | None = Field(None, max_length=200)
    due_rules: dict[str, Any] | None = None
    tools: list[dict[str, Any]] | None = None


class Me(WireModel):
    """Who the device's worker is on the central record: their role (a
    `sync.server.roles.Role` code), agency, team, and the teams they manage
    (`GET /me`). A laptop keeps it to show the role and what it may do."""

    # A newer service may say more: a laptop reads what it knows.
    model_config = ConfigDict(extra="ignore")

    worker: str
    #: a role code, open so that a newer role still reads
    role: str
    role_words: str = ""
    agency: str
    agency_words: str = ""
    team: str | None = None
    team_manager: str | None = None
    manages: list[str] = Field(default_factory=list)
    # For a team manager: each member of the teams they manage, and the ids
    # of the children allocated to them (all on the manager's caseload too).
    team_caseloads: dict[str, list[str]] = Field(default_factory=dict)


class EnrolRequest(WireModel):
    worker: str = Field(..., min_length=1, max_length=200)
    password: str = Field(..., min_length=1, max_length=1000)
    device_name: str = Field(..., min_length=1, max_length=200)
    # The vault's data key, base64, for recovery after a forgotten passphrase.
    escrow_key: str | None = Field(None, max_length=200)


class EnrolResponse(WireModel):
    device_id: UUID
    device_token: str
    worker: str
    policy: Policy


class RecoverRequest(WireModel):
    worker: str = Field(..., min_length=1, max_length=200)
    password: str = Field(..., min_length=1, max_length=1000)
    device_id: UUID
    # The one-time code the council's administrator issued for this device
    # after checking who is asking (`central-record device recovery-code`):
    # the password alone no longer releases the data key.
    recovery_code: str | None = Field(None, max_length=100)


class RecoverResponse(WireModel):
    escrow_key: str


class ProviderInfo(WireModel):
    """The council's identity provider, as a laptop needs it to sign in
    there (authorization code with PKCE, loopback redirect)."""

    name: str  # shown as "Sign in with <name>"
    issuer: str
    client_id: str  # the laptop's public client
    scopes: list[str]


class SignInMethods(WireModel):
    """`GET /sign-in`, asked before any sign-in: how workers sign in here.
    Public facts only."""

    password: bool
    provider: ProviderInfo | None = None
    # How often a laptop enrolled through the provider must sign in there
    # again to keep syncing (`sign_in_needed`); None without a provider.
    renew_days: int | None = None


class OidcEnrolRequest(WireModel):
    """`POST /auth/enrol/oidc`: enrol with the provider's ID token for the
    laptop's client, carrying the nonce the laptop sent."""

    id_token: str = Field(..., min_length=1, max_length=20_000)
    nonce: str = Field(..., min_length=1, max_length=200)
    device_name: str = Field(..., min_length=1, max_length=200)
    escrow_key: str | None = Field(None, max_length=200)


class OidcRecoverRequest(WireModel):
    id_token: str = Field(..., min_length=1, max_length=20_000)
    nonce: str = Field(..., min_length=1, max_length=200)
    device_id: UUID


class OidcRenewRequest(WireModel):
    """`POST /auth/renew` (with the device token): a fresh sign-in at the
    provider by the device's own worker."""

    id_token: str = Field(..., min_length=1, max_length=20_000)
    nonce: str = Field(..., min_length=1, max_length=200)


class AuditAction(StrEnum):
    view = "view"
    edit = "edit"
    export = "export"
    print = "print"


class AuditEvent(WireModel):
    id: UUID
    at: datetime
    action: AuditAction
    child_id: UUID | None = None
    record_id: UUID | None = None
    detail: str | None = Field(None, max_length=200, description="never case content")


class AuditBatch(WireModel):
    events: list[AuditEvent] = Field(..., max_length=5000)


class AuditEntry(WireModel):
    """One event of a child's audit trail read back (`GET
    /children/{child_id}/audit`, `central-record audit --child`): ids,
    names of accounts and laptops, never case content."""

    id: UUID
    #: when it happened: a laptop's own time for what was done on a laptop
    at: datetime
    #: view, edit, export, print (on a laptop); pull, push, and any other
    #: the central record records (a break-the-glass grant, say): open, so
    #: a newer service's actions still read
    action: str
    on: Literal["laptop", "central_record"]
    worker: str | None = None
    device: str | None = None
    record_id: UUID | None = None
    detail: str | None = None
    #: a laptop's event: when its upload reached the central record
    received_at: datetime | None = None
    uploaded_later: bool = False
    #: the event in plain words, times in England's
    words: str


class AuditTrail(WireModel):
    """One page of a child's audit trail, oldest first."""

    child_id: UUID
    entries: list[AuditEntry]
    #: give as `after` for the next page; None on the last
    next: str | None = None


class ErrorBody(WireModel):
    """Every error response: a machine-readable code and a plain message."""

    code: str
    message: str


# -- Break-the-glass (issue 17): beside the feed, not in it, so a laptop older
# than these answers never meets a field it does not know.


class ChildSearch(WireModel):
    """`POST /children/search`: a child off the caseload, by any of these
    (at least one; a name matches first, last, preferred names or aliases)."""

    name: str | None = Field(None, min_length=2, max_length=200)
    date_of_birth: date | None = None
    nhs_number: str | None = Field(None, max_length=20)


class ChildFound(WireModel):
    """Only what a worker needs to choose the right child: never more."""

    child_id: UUID
    name: str
    date_of_birth: date
    area: str | None = None


class ChildSearchResult(WireModel):
    children: list[ChildFound]
    # More matched than were sent: the worker should say more.
    more: bool = False


class TemporaryAccessRequest(WireModel):
    reason: str = Field(..., min_length=10, max_length=1000)


class TemporaryAccess(WireModel):
    """A grant of a child off the worker's caseload, until `ends_at`."""

    child_id: UUID
    granted_at: datetime
    ends_at: datetime


class TemporaryAccessList(WireModel):
    """`GET /access/temporary`: this worker's grants in force."""

    grants: list[TemporaryAccess]
