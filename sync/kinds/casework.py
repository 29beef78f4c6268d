"""Assessments, plans and their actions, meetings, visits and addenda."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, ClassVar
from uuid import UUID

from pydantic import Field, model_validator

from sync.kinds.common import (
    Agency,
    Choice,
    KindData,
    LongText,
    Name,
    Part,
    Place,
    RiskLevel,
    SearchParts,
    ShortText,
    place_named,
)
from sync.kinds.episodes import Person, Vehicle


class IndicatorLevel(Choice):
    high = "high", "High"
    medium = "medium", "Medium"
    low = "low", "Low"


class Present(Choice):
    yes = "yes", "Yes"
    no = "no", "No"
    possible = "possible", "Possibly"


class Basis(Choice):
    evidence = "evidence", "Evidence"
    professional_judgement = "professional_judgement", "Professional judgement"


class When(Choice):
    within_6m = "0-6m", "In the last 6 months"
    within_12m = "6-12m", "6 to 12 months ago"


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

    label: ClassVar[str] = "Risk screening"
    when_field: ClassVar[str | None] = "date"
    detail_field: ClassVar[str | None] = "practitioner_level"
    # The practitioner's reasons: the line the chronology shows under the title.
    summary_field: ClassVar[str | None] = "rationale"

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
    search_parts: ClassVar[SearchParts] = (("indicators", ("text", "note")),)
    search_text: ClassVar[tuple[str, ...]] = ("assessor", "rationale")

    @classmethod
    def detail_of(cls, data: dict[str, Any]) -> str:
        """'High (tool: Medium)': the practitioner's level, and the tool's category beside it."""
        level, tool = cls.value_text("practitioner_level", data), data.get("tool_category")
        return f"{level} (tool: {tool})" if level and tool else level


class PlanType(Choice):
    cse = "cse", "Child sexual exploitation"
    cce = "cce", "Child criminal exploitation"
    missing = "missing", "Missing"
    exploitation = "exploitation", "Exploitation"
    cp = "cp", "Child protection"
    cin = "cin", "Child in need"
    safety = "safety", "Safety"


class PlanStatus(Choice):
    draft = "draft", "Draft"
    active = "active", "Active"
    under_review = "under_review", "Under review"
    closed = "closed", "Closed"


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
    label: ClassVar[str] = "Risk-management plan"
    when_field: ClassVar[str | None] = "start_date"
    detail_field: ClassVar[str | None] = "plan_type"
    summary_field: ClassVar[str | None] = "risks"

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


class ActionStatus(Choice):
    not_started = "not_started", "Not started"
    in_progress = "in_progress", "In progress"
    completed = "completed", "Completed"
    blocked = "blocked", "Blocked"
    cancelled = "cancelled", "Cancelled"


class PlanAction(KindData):
    """A separate record so each agency updates its own actions without
    colliding with the others. Overdue is computed, never stored."""

    label: ClassVar[str] = "Plan action"
    when_field: ClassVar[str | None] = "due_date"
    detail_field: ClassVar[str | None] = "status"
    summary_field: ClassVar[str | None] = "description"

    plan_id: UUID
    description: Annotated[str, Field(min_length=1, max_length=5000)]
    owner_agency: Agency
    owner_name: ShortText | None = None
    due_date: dt.date | None = None
    status: ActionStatus = ActionStatus.not_started
    outcome: LongText | None = None
    completed_date: dt.date | None = None
    disruption: bool = False
    # The meeting that agreed the action, if one did (a meeting of the same child).
    meeting_id: UUID | None = None

    long_text: ClassVar[frozenset[str]] = frozenset({"outcome"})
    search_text: ClassVar[tuple[str, ...]] = ("description", "owner_name", "outcome")


class MeetingType(Choice):
    strategy_discussion = "strategy_discussion", "Strategy discussion"
    core_group = "core_group", "Core group"
    cp_conference = "cp_conference", "Child protection conference"
    cla_review = "cla_review", "Looked-after child review"
    mace = "mace", "MACE (multi-agency child exploitation)"
    mset = "mset", "MSET (missing, sexually exploited and trafficked)"
    mase = "mase", "MASE (multi-agency sexual exploitation)"
    context_conference = "context_conference", "Contextual safeguarding conference"


class Attendee(Part):
    name: Name
    agency: Agency
    attended: bool = True  # False: sent apologies
    role: ShortText | None = None


class OutcomeShared(Part):
    agency: Agency
    shared: bool
    date: dt.date | None = None
    person: ShortText | None = None  # who at the agency it went to


class Meeting(KindData):
    """A multi-agency meeting about the child; a MACE meeting also names the
    places, persons and vehicles of concern it discussed (they feed hotspots
    as a concern's do). Its actions are plan actions that point at it."""

    label: ClassVar[str] = "Meeting"
    when_field: ClassVar[str | None] = "date"
    detail_field: ClassVar[str | None] = "meeting_type"
    summary_field: ClassVar[str | None] = "decisions"

    meeting_type: MeetingType
    date: dt.date
    attendees: list[Attendee] = Field(default_factory=list)
    decisions: LongText | None = None
    risk_level_agreed: RiskLevel | None = None
    outcome_shared: list[OutcomeShared] = Field(default_factory=list)
    chair: ShortText | None = None
    places: list[Place] = Field(default_factory=list)
    persons: list[Person] = Field(default_factory=list)
    vehicles: list[Vehicle] = Field(default_factory=list)

    long_text: ClassVar[frozenset[str]] = frozenset({"decisions"})
    search_parts: ClassVar[SearchParts] = (
        ("attendees", ("name", "role")),
        ("outcome_shared", ("person",)),
        ("persons", ("name", "aliases", "description")),
        ("vehicles", ("registration", "make", "model", "colour")),
        ("places", ("name", "postcode")),
    )
    search_text: ClassVar[tuple[str, ...]] = ("decisions", "chair")

    @classmethod
    def places_named(cls, data: dict[str, Any]) -> list[dict[str, Any]]:
        return [place_named(p) for p in data.get("places") or []]


class VisitType(Choice):
    cp_statutory = "cp_statutory", "Child protection (statutory)"
    cin = "cin", "Child in need"
    cla_statutory = "cla_statutory", "Looked after (statutory)"
    private_fostering = "private_fostering", "Private fostering"
    care_leaver = "care_leaver", "Care leaver"
    return_home_interview = "return_home_interview", "Return home interview"
    direct_work = "direct_work", "Direct work"
    health_contact = "health_contact", "Health contact"
    joint_visit = "joint_visit", "Joint visit"
    other = "other", "Other"


class LocationType(Choice):
    home = "home", "Home"
    placement = "placement", "Placement"
    school = "school", "School"
    community = "community", "Community"
    office = "office", "Office"
    hospital = "hospital", "Hospital"
    other = "other", "Other"


class VisitStatus(Choice):
    draft = "draft", "Draft"
    final = "final", "Final"


_VISIT_TEXT = ("present", "childs_words", "observations", "analysis", "actions")


class Visit(KindData):
    """A visit note: a draft until finalised, never edited after."""

    label: ClassVar[str] = "Visit"
    when_field: ClassVar[str | None] = "start"
    detail_field: ClassVar[str | None] = "visit_type"
    summary_field: ClassVar[str | None] = "observations"

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


class AddendumReason(Choice):
    correction = "correction", "Correction"
    later_information = "later_information", "Later information"
    other = "other", "Other"


class Addendum(KindData):
    """A correction or later note attached to a final visit."""

    label: ClassVar[str] = "Addendum"
    when_field: ClassVar[str | None] = "written_at"
    summary_field: ClassVar[str | None] = "text"

    visit_id: UUID
    reason: AddendumReason = AddendumReason.later_information
    text: Annotated[str, Field(min_length=1, max_length=100_000)]
    written_at: dt.datetime | None = None

    search_text: ClassVar[tuple[str, ...]] = ("text",)
