"""The wire schema shared by the client sync engine and the central record.

Everything that crosses `/api/v1` is one of these models. Record *content*
(the ``data`` of each kind) is validated separately by `sync.kinds`, so the
envelope stays stable while kinds evolve.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

API_PREFIX = "/api/v1"


class Kind(StrEnum):
    child = "child"
    involvement = "involvement"
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


class WireModel(BaseModel):
    model_config = ConfigDict(extra="forbid")


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


class Policy(WireModel):
    idle_lock_minutes: int = Field(5, ge=1, le=240)
    unlock_attempt_limit: int = Field(10, ge=3, le=100)
    max_offline_days: int = Field(14, ge=1, le=365)
    min_client_version: str = "0.1.0"


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


class RecoverResponse(WireModel):
    escrow_key: str


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


class ErrorBody(WireModel):
    """Every error response: a machine-readable code and a plain message."""

    code: str
    message: str
