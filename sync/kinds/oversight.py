"""A manager's oversight of a child's case: the sign-off of a visit note,
management oversight (a decision, a direction, the next review) and case
supervision. Records of their own kinds, so they sync, show on the child's
record and chronology, and keep their history like any other.

Only a team manager or a coordinator records them (`may_record`): the
central record refuses anyone else's, and a laptop shows their forms only
to those roles. Workers see the oversight of their children.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, ClassVar
from uuid import UUID

from pydantic import Field

from sync.kinds.common import KindData, LongText, Name, Part, SearchParts, ShortText

# The kinds only a manager records, and the roles (`sync.server.roles.Role`
# codes: the kinds may not import the service) that may.
MANAGEMENT_KINDS = frozenset({"sign_off", "management_oversight", "case_supervision"})
OVERSEEING_ROLES = frozenset({"team_manager", "coordinator"})

ONLY_MANAGERS = (
    "kind: only a team manager or a coordinator may record management oversight, "
    "sign-offs and case supervision"
)

Words = Annotated[str, Field(min_length=1, max_length=100_000)]


def may_record(kind: str, role: str | None) -> bool:
    """Whether an account of `role` may create or change a record of `kind`."""
    return kind not in MANAGEMENT_KINDS or role in OVERSEEING_ROLES


class SignOff(KindData):
    """A manager's sign-off of a finalised visit note of the same child."""

    label: ClassVar[str] = "Signed off"
    when_field: ClassVar[str | None] = "signed_at"
    summary_field: ClassVar[str | None] = "comment"

    visit_id: UUID
    signed_by: Name
    signed_at: dt.datetime
    comment: LongText | None = None

    long_text: ClassVar[frozenset[str]] = frozenset({"comment"})
    search_text: ClassVar[tuple[str, ...]] = ("signed_by", "comment")

    @classmethod
    def title_of(cls, data: dict[str, Any]) -> str:
        """'Visit signed off by Mona Reyes' (the chronology dates it)."""
        by = data.get("signed_by")
        return f"Visit signed off by {by}" if by else "Visit signed off"


class ManagementOversight(KindData):
    """A manager's recorded oversight of the case: what they decided, what
    they directed, and when they will look again."""

    label: ClassVar[str] = "Management oversight"
    when_field: ClassVar[str | None] = "date"
    summary_field: ClassVar[str | None] = "decision"

    date: dt.date
    by: Name
    decision: Words
    direction: LongText | None = None
    next_review: dt.date | None = None

    long_text: ClassVar[frozenset[str]] = frozenset({"decision", "direction"})
    search_text: ClassVar[tuple[str, ...]] = ("by", "decision", "direction")

    @classmethod
    def detail_of(cls, data: dict[str, Any]) -> str:
        return f"by {data['by']}" if data.get("by") else ""


class SupervisionAction(Part):
    action: Annotated[str, Field(min_length=1, max_length=500)]
    owner: Name
    due: dt.date | None = None


class CaseSupervision(KindData):
    """A case supervision: what was discussed and decided, the actions and
    who owns each. The next one is due by the council's rule
    (`case_supervision_weeks`, see desktop.due_dates)."""

    label: ClassVar[str] = "Case supervision"
    when_field: ClassVar[str | None] = "date"
    summary_field: ClassVar[str | None] = "decisions"

    date: dt.date
    supervisor: Name
    supervisee: ShortText | None = None
    discussion: LongText | None = None
    decisions: LongText | None = None
    actions: list[SupervisionAction] = Field(default_factory=list, max_length=200)

    long_text: ClassVar[frozenset[str]] = frozenset({"discussion", "decisions"})
    search_text: ClassVar[tuple[str, ...]] = ("supervisor", "supervisee", "discussion", "decisions")
    search_parts: ClassVar[SearchParts] = (("actions", ("action", "owner")),)

    @classmethod
    def detail_of(cls, data: dict[str, Any]) -> str:
        return f"with {data['supervisee']}" if data.get("supervisee") else ""
