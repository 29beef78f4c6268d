"""Missing episodes (SSDA903), children missing education, and concerns."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, ClassVar

from pydantic import Field, model_validator

from sync.errors import RecordInvalid
from sync.kinds.common import (
    Agency,
    KindData,
    LongText,
    Part,
    Place,
    Postcode,
    Registration,
    Reliability,
    ShortText,
)


class EpisodeType(StrEnum):
    missing = "missing"
    away = "away"


class MissingFrom(StrEnum):
    home = "home"
    care_placement = "care_placement"
    school = "school"
    other = "other"


class Offered(StrEnum):
    y = "y"
    n = "n"
    na = "na"


class ExploitationConcern(StrEnum):
    cse = "cse"
    cce = "cce"
    none = "none"
    unknown = "unknown"


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


class CmeStatus(StrEnum):
    open = "open"
    located = "located"
    closed = "closed"


class Enquiry(Part):
    date: dt.date
    action: ShortText
    result: ShortText | None = None


class CmeEpisode(KindData):
    """A child missing education."""

    school: ShortText | None = None
    notified_at: dt.date
    removal_ground: ShortText | None = None
    enquiries: list[Enquiry] = Field(default_factory=list)
    status: CmeStatus = CmeStatus.open
    outcome: ShortText | None = None

    search_text: ClassVar[tuple[str, ...]] = ("school", "removal_ground", "outcome")


class ConcernCategory(StrEnum):
    cse = "cse"
    cce = "cce"
    missing = "missing"
    trafficking = "trafficking"
    online_harm = "online_harm"
    county_lines = "county_lines"
    peer_on_peer = "peer_on_peer"
    other = "other"


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

    long_text: ClassVar[frozenset[str]] = frozenset({"narrative"})
    search_text: ClassVar[tuple[str, ...]] = ("narrative", "source", "sharing_restriction")
