"""Missing episodes (SSDA903), children missing education, and concerns."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, ClassVar

from pydantic import Field, model_validator

from sync.errors import RecordInvalid
from sync.kinds.common import (
    Agency,
    Choice,
    KindData,
    LongText,
    Part,
    Place,
    Postcode,
    Registration,
    Reliability,
    SearchParts,
    ShortText,
    place_named,
)


class EpisodeType(Choice):
    missing = "missing", "Missing"
    away = "away", "Away from placement"


class MissingFrom(Choice):
    home = "home", "Home"
    care_placement = "care_placement", "Care placement"
    school = "school", "School"
    other = "other", "Other"


class Offered(Choice):
    y = "y", "Yes"
    n = "n", "No"
    na = "na", "Not applicable"


class ExploitationConcern(Choice):
    cse = "cse", "Child sexual exploitation"
    cce = "cce", "Child criminal exploitation"
    none = "none", "None"
    unknown = "unknown", "Not known"


class ReturnHomeInterview(Part):
    offered: Offered | None = None
    offered_at: dt.datetime | None = None
    accepted: bool | None = None
    completed_at: dt.datetime | None = None
    completed_by: ShortText | None = None
    reason_not_done: ShortText | None = None
    push_factors: LongText | None = None
    pull_factors: LongText | None = None
    harm_disclosed: LongText | None = None
    exploitation_concern: ExploitationConcern | None = None


class MissingEpisode(KindData):
    label: ClassVar[str] = "Missing episode"
    when_field: ClassVar[str | None] = "start"
    detail_field: ClassVar[str | None] = "episode_type"
    summary_field: ClassVar[str | None] = "found_location"

    @classmethod
    def detail_of(cls, data: dict[str, Any]) -> str:
        """An episode still open says so; a closed one says its type."""
        return "Open" if not data.get("end") else super().detail_of(data)

    @classmethod
    def places_named(cls, data: dict[str, Any]) -> list[dict[str, Any]]:
        """The places the child was missing in, and where the child was found."""
        places = [place_named(p) for p in data.get("locations") or []]
        if data.get("found_location"):
            found = data["found_location"]
            places.append({"name": found, "type": "found", "postcode": data.get("found_postcode")})
        return places

    episode_type: EpisodeType = EpisodeType.missing
    missing_from: MissingFrom | None = None
    start: dt.datetime
    end: dt.datetime | None = None  # open while empty
    reported_to_police: bool | None = None
    police_reference: ShortText | None = None
    found_location: ShortText | None = None
    found_postcode: Postcode | None = None
    found_with: ShortText | None = None
    return_home_interview: ReturnHomeInterview = Field(default_factory=ReturnHomeInterview)
    locations: list[Place] = Field(default_factory=list)
    associates: list[ShortText] = Field(default_factory=list)
    # Who told the council, when a partner agency reported it (the console's
    # partner reports): the agency, how far it can be relied on, and the
    # report's id on the central record, by which a laptop marks it new.
    source_agency: Agency | None = None
    reliability: Reliability | None = None
    partner_report_id: ShortText | None = None
    added_later: ClassVar[frozenset[str]] = frozenset(
        {"source_agency", "reliability", "partner_report_id"}
    )

    search_parts: ClassVar[SearchParts] = (
        ("locations", ("name", "postcode")),
        (
            "return_home_interview",
            ("push_factors", "pull_factors", "harm_disclosed", "reason_not_done"),
        ),
    )
    search_text: ClassVar[tuple[str, ...]] = (
        "found_location",
        "found_with",
        "police_reference",
        "associates",
    )

    @model_validator(mode="after")
    def _order(self) -> MissingEpisode:
        if self.end is not None and self.end < self.start:
            raise ValueError("end: must not be before start")
        return self


def check_missing_episode(new: dict, others: list[dict], date_of_birth: dt.date | None) -> None:
    """The national return's cross-record rules, against the child's other
    episodes (validated data dicts, not including `new` itself): no start
    before birth, no overlap, at most one open episode."""
    start = _as_datetime(new["start"])
    end = _as_datetime(new["end"]) if new.get("end") else None
    if date_of_birth is not None and start.date() < date_of_birth:
        raise RecordInvalid("start", "start: must not be before the child's date of birth")
    for other in others:
        if other.get("entered_in_error"):
            continue
        o_start = _as_datetime(other["start"])
        o_end = _as_datetime(other["end"]) if other.get("end") else None
        if end is None and o_end is None:
            raise RecordInvalid(
                "end", "end: the child already has an open missing episode; close it first"
            )
        # Intervals [start, end) overlap when each starts before the other ends.
        starts_before_other_ends = o_end is None or start < o_end
        other_starts_before_end = end is None or o_start < end
        if starts_before_other_ends and other_starts_before_end:
            field = "start" if o_start <= start else "end"
            raise RecordInvalid(field, f"{field}: overlaps another missing episode of this child")


def _as_datetime(value: str | dt.datetime) -> dt.datetime:
    parsed = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(value)
    # Compare naive and aware values on one footing: naive means UTC here.
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


class CmeStatus(Choice):
    open = "open", "Open"
    located = "located", "Located"
    closed = "closed", "Closed"


class DeletionGround(Choice):
    """Why a school took the pupil off its admission register: the grounds
    of regulation 9 of the School Attendance (Pupil Registration) (England)
    Regulations 2024, as "Working together to improve school attendance"
    (2024) asks schools to tell the council."""

    other_school = "other_school", "Registered at another school"
    attendance_order = "attendance_order", "Named in a school attendance order elsewhere"
    educated_at_home = "educated_at_home", "Parent chose education at home"
    moved_away = "moved_away", "Moved too far away to attend"
    no_return_after_leave = "no_return_after_leave", "Not back 10 school days after leave"
    absent_20_days = "absent_20_days", "Absent 20 school days, not found"
    medical = "medical", "Unfit to attend before leaving school age"
    custody = "custody", "In custody for more than four months"
    excluded = "excluded", "Permanently excluded"
    died = "died", "Died"
    school_age_ends = "school_age_ends", "Ceases to be of compulsory school age"
    other = "other", "Other"


class CmeOutcome(Choice):
    """Where the child's education was found to be (or not) when the episode closes."""

    on_roll_elsewhere = "on_roll_elsewhere", "Found on roll elsewhere"
    home_education = "home_education", "Elective home education"
    moved_abroad = "moved_abroad", "Moved abroad"
    other_council = "other_council", "Moved to another council area"
    back_at_school = "back_at_school", "Back on the same school's roll"
    alternative_provision = "alternative_provision", "In alternative provision"
    not_found = "not_found", "Not found after enquiries"
    other = "other", "Other"


class Enquiry(Part):
    """One reasonable enquiry: when, who made it, what was done, what came of it."""

    date: dt.date
    action: ShortText
    result: ShortText | None = None
    made_by: ShortText | None = None


def cme_is_open(data: dict[str, Any]) -> bool:
    """A missing-education episode still open: not closed, nor marked in error.
    The caseload's "Missing education" and the one-open rule both ask this."""
    return not (
        data.get("status") == CmeStatus.closed
        or data.get("closed_at")
        or data.get("closed")
        or data.get("entered_in_error")
    )


class CmeEpisode(KindData):
    """A child missing education."""

    label: ClassVar[str] = "Missing education"
    when_field: ClassVar[str | None] = "notified_at"
    detail_field: ClassVar[str | None] = "status"
    summary_field: ClassVar[str | None] = "school"

    school: ShortText | None = None
    notified_at: dt.date
    # Free text as recorded before the grounds were a list; kept, and still
    # taken, beside the ground chosen from the 2024 Regulations.
    removal_ground: ShortText | None = None
    deletion_ground: DeletionGround | None = None
    enquiries: list[Enquiry] = Field(default_factory=list)
    status: CmeStatus = CmeStatus.open
    outcome: ShortText | None = None
    outcome_found: CmeOutcome | None = None
    closed_at: dt.date | None = None
    # A partner's report, as on MissingEpisode.
    source_agency: Agency | None = None
    reliability: Reliability | None = None
    partner_report_id: ShortText | None = None
    added_later: ClassVar[frozenset[str]] = frozenset(
        {"source_agency", "reliability", "partner_report_id"}
    )

    search_parts: ClassVar[SearchParts] = (("enquiries", ("action", "result", "made_by")),)
    search_text: ClassVar[tuple[str, ...]] = ("school", "removal_ground", "outcome")

    @model_validator(mode="after")
    def _closing(self) -> CmeEpisode:
        if self.closed_at is not None:
            if self.closed_at < self.notified_at:
                raise ValueError("closed_at: must not be before the date the council was told")
            if self.status is not CmeStatus.closed:
                raise ValueError("status: an episode with a closed date is Closed; choose that")
        return self


def check_cme_episode(new: dict[str, Any], others: list[dict[str, Any]]) -> None:
    """At most one open missing-education episode per child (`others`: the
    child's other episodes, validated data, not including `new`)."""
    if cme_is_open(new) and any(cme_is_open(other) for other in others):
        raise RecordInvalid(
            "status",
            "status: the child already has an open missing-education episode; close it first",
        )


class ConcernCategory(Choice):
    cse = "cse", "Child sexual exploitation"
    cce = "cce", "Child criminal exploitation"
    missing = "missing", "Missing"
    trafficking = "trafficking", "Trafficking"
    online_harm = "online_harm", "Online harm"
    county_lines = "county_lines", "County lines"
    peer_on_peer = "peer_on_peer", "Peer on peer"
    other = "other", "Other"


class Person(Part):
    name: ShortText | None = None
    aliases: list[ShortText] = Field(default_factory=list)
    approx_age: Annotated[int, Field(ge=0, le=120)] | None = None
    description: ShortText | None = None


class Vehicle(Part):
    registration: Registration | None = None
    make: ShortText | None = None
    model: ShortText | None = None
    colour: ShortText | None = None


class Concern(KindData):
    """Information from anyone, with how far it can be relied on and the
    places, persons and vehicles it names: the raw material of hotspots."""

    label: ClassVar[str] = "Concern"
    when_field: ClassVar[str | None] = "received_at"
    detail_field: ClassVar[str | None] = "category"
    summary_field: ClassVar[str | None] = "narrative"

    received_at: dt.datetime
    source: Annotated[str, Field(min_length=1, max_length=200)]
    source_agency: Agency | None = None
    category: ConcernCategory = ConcernCategory.other
    narrative: LongText | None = None
    reliability: Reliability
    sharing_restriction: ShortText | None = None
    places: list[Place] = Field(default_factory=list)
    persons: list[Person] = Field(default_factory=list)
    vehicles: list[Vehicle] = Field(default_factory=list)
    # The partner's report this concern came in as (see MissingEpisode).
    partner_report_id: ShortText | None = None
    added_later: ClassVar[frozenset[str]] = frozenset({"partner_report_id"})

    long_text: ClassVar[frozenset[str]] = frozenset({"narrative"})
    search_parts: ClassVar[SearchParts] = (
        ("persons", ("name", "aliases", "description")),
        ("vehicles", ("registration", "make", "model", "colour")),
        ("places", ("name", "postcode")),
    )
    search_text: ClassVar[tuple[str, ...]] = ("narrative", "source", "sharing_restriction")

    @classmethod
    def places_named(cls, data: dict[str, Any]) -> list[dict[str, Any]]:
        return [place_named(p) for p in data.get("places") or []]
