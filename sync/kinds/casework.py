"""Assessments, plans and their actions, meetings, visits and addenda."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, ClassVar
from uuid import UUID

from pydantic import Field, model_validator

from sync.kinds.common import Agency, KindData, LongText, Name, Part, RiskLevel, ShortText


class IndicatorLevel(StrEnum):
    high = "high"
    medium = "medium"
    low = "low"


class Present(StrEnum):
    yes = "yes"
    no = "no"
    possible = "possible"


class Basis(StrEnum):
    evidence = "evidence"
    professional_judgement = "professional_judgement"


class When(StrEnum):
    within_6m = "0-6m"
    within_12m = "6-12m"


class Indicator(Part):
    domain: ShortText
    text: ShortText
    level: IndicatorLevel | None = None
    present: Present = Present.yes
    basis: Basis | None = None
    when: When | None = None
    source: ShortText | None = None
    note: ShortText | None = None


class Assessment(KindData):
    """A screening made with a configurable tool. The tool's category is kept
    beside the practitioner's own level, never instead of it."""

    tool_id: ShortText | None = None
    tool_version: ShortText | None = None
    date: dt.date
    assessor: ShortText | None = None
    assessor_agency: Agency | None = None
    indicators: list[Indicator] = Field(default_factory=list)
    tool_score: int | None = None
    tool_category: ShortText | None = None
    practitioner_level: RiskLevel
    rationale: LongText | None = None
    review_date: dt.date | None = None

    long_text: ClassVar[frozenset[str]] = frozenset({"rationale"})
    search_text: ClassVar[tuple[str, ...]] = ("assessor", "rationale")


class PlanType(StrEnum):
    cse = "cse"
    cce = "cce"
    missing = "missing"
    exploitation = "exploitation"
    cp = "cp"
    cin = "cin"
    safety = "safety"


class PlanStatus(StrEnum):
    draft = "draft"
    active = "active"
    under_review = "under_review"
    closed = "closed"


_PLAN_TEXT = (
    "risks",
    "worries",
    "working_well",
    "protective_factors",
    "contingency",
    "child_views",
    "parent_views",
)


class Plan(KindData):
    plan_type: PlanType
    status: PlanStatus = PlanStatus.draft
    start_date: dt.date | None = None
    risk_level_start: RiskLevel | None = None
    risk_level_now: RiskLevel | None = None
    risks: LongText | None = None
    worries: LongText | None = None
    working_well: LongText | None = None
    protective_factors: LongText | None = None
    contingency: LongText | None = None
    child_views: LongText | None = None
    parent_views: LongText | None = None
    review_date: dt.date | None = None
    closure_reason: ShortText | None = None

    long_text: ClassVar[frozenset[str]] = frozenset(_PLAN_TEXT)
    search_text: ClassVar[tuple[str, ...]] = _PLAN_TEXT


class ActionStatus(StrEnum):
    not_started = "not_started"
    in_progress = "in_progress"
    completed = "completed"
    blocked = "blocked"
    cancelled = "cancelled"


class PlanAction(KindData):
    """A separate record so each agency updates its own actions without
    colliding with the others. Overdue is computed, never stored."""

    plan_id: UUID
    description: Annotated[str, Field(min_length=1, max_length=5000)]
    owner_agency: Agency
    owner_name: ShortText | None = None
    due_date: dt.date | None = None
    status: ActionStatus = ActionStatus.not_started
    outcome: LongText | None = None
    completed_date: dt.date | None = None
    disruption: bool = False

    long_text: ClassVar[frozenset[str]] = frozenset({"outcome"})
    search_text: ClassVar[tuple[str, ...]] = ("description", "owner_name", "outcome")


class MeetingType(StrEnum):
    strategy_discussion = "strategy_discussion"
    core_group = "core_group"
    cp_conference = "cp_conference"
    cla_review = "cla_review"
    mace = "mace"
    mset = "mset"
    mase = "mase"
    context_conference = "context_conference"


class Attendee(Part):
    name: Name
    agency: Agency
    attended: bool = True


class OutcomeShared(Part):
    agency: Agency
    shared: bool
    date: dt.date | None = None


class Meeting(KindData):
    meeting_type: MeetingType
    date: dt.date
    attendees: list[Attendee] = Field(default_factory=list)
    decisions: LongText | None = None
    risk_level_agreed: RiskLevel | None = None
    outcome_shared: list[OutcomeShared] = Field(default_factory=list)

    long_text: ClassVar[frozenset[str]] = frozenset({"decisions"})
    search_text: ClassVar[tuple[str, ...]] = ("decisions",)


class VisitType(StrEnum):
    cp_statutory = "cp_statutory"
    cin = "cin"
    cla_statutory = "cla_statutory"
    private_fostering = "private_fostering"
    care_leaver = "care_leaver"
    return_home_interview = "return_home_interview"
    direct_work = "direct_work"
    health_contact = "health_contact"
    joint_visit = "joint_visit"
    other = "other"


class LocationType(StrEnum):
    home = "home"
    placement = "placement"
    school = "school"
    community = "community"
    office = "office"
    hospital = "hospital"
    other = "other"


class VisitStatus(StrEnum):
    draft = "draft"
    final = "final"


_VISIT_TEXT = ("present", "childs_words", "observations", "analysis", "actions")


class Visit(KindData):
    """A visit note: a draft until finalised, never edited after."""

    visit_type: VisitType
    start: dt.datetime
    end: dt.datetime | None = None
    location_type: LocationType | None = None
    announced: bool | None = None
    child_seen: bool | None = None
    not_seen_reason: ShortText | None = None
    seen_alone: bool | None = None
    not_seen_alone_reason: ShortText | None = None
    bedroom_seen: bool | None = None
    present: LongText | None = None
    childs_words: LongText | None = None
    observations: LongText | None = None
    analysis: LongText | None = None
    actions: LongText | None = None
    status: VisitStatus = VisitStatus.draft
    finalised_at: dt.datetime | None = None
    finalised_by: ShortText | None = None

    long_text: ClassVar[frozenset[str]] = frozenset(_VISIT_TEXT)
    search_text: ClassVar[tuple[str, ...]] = _VISIT_TEXT

    @model_validator(mode="after")
    def _rules(self) -> Visit:
        if self.end and self.end < self.start:
            raise ValueError("end: must not be before start")
        if self.status is VisitStatus.final:
            if not (self.finalised_at and self.finalised_by):
                raise ValueError("finalised_at: a final visit needs finalised_at and finalised_by")
            if self.child_seen is None:
                raise ValueError("child_seen: say whether the child was seen before finalising")
            if self.child_seen is False and not self.not_seen_reason:
                raise ValueError("not_seen_reason: give the reason the child was not seen")
            if self.child_seen and self.seen_alone is False and not self.not_seen_alone_reason:
                raise ValueError(
                    "not_seen_alone_reason: give the reason the child was not seen alone"
                )
        return self


class AddendumReason(StrEnum):
    correction = "correction"
    later_information = "later_information"
    other = "other"


class Addendum(KindData):
    """A correction or later note attached to a final visit."""

    visit_id: UUID
    reason: AddendumReason = AddendumReason.later_information
    text: Annotated[str, Field(min_length=1, max_length=100_000)]
    written_at: dt.datetime | None = None

    search_text: ClassVar[tuple[str, ...]] = ("text",)
