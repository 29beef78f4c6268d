"""Enums and building blocks shared by the record kinds."""

from __future__ import annotations

import re
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any, ClassVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator


class Choice(StrEnum):
    """A stored code and the words a worker reads for it, declared together:
    `cin = "cin", "Child in need"`. The code is the value (on the wire and
    in the store); `words` is what every screen, PDF and CLI shows."""

    words: str

    def __new__(cls, value: str, words: str = "") -> Choice:
        member = str.__new__(cls, value)
        member._value_ = value
        member.words = words
        return member


class Agency(Choice):
    csc = "csc", "Children's social care"
    police = "police", "Police"
    health = "health", "Health"
    school_education = "school_education", "School / education"
    youth_justice = "youth_justice", "Youth justice"
    housing = "housing", "Housing"
    camhs = "camhs", "CAMHS"
    voluntary_sector = "voluntary_sector", "Voluntary sector"
    parent_carer = "parent_carer", "Parent / carer"
    child = "child", "Child"
    other = "other", "Other"


class RiskLevel(Choice):
    not_at_risk = "not_at_risk", "Not at risk"
    low = "low", "Low"
    medium = "medium", "Medium"
    high = "high", "High"


class Reliability(Choice):
    confirmed = "confirmed", "Confirmed"
    corroborated = "corroborated", "Corroborated"
    single_source = "single_source", "Single source"
    unverified = "unverified", "Unverified"


ShortText = Annotated[str, Field(max_length=500)]
Name = Annotated[str, Field(min_length=1, max_length=200)]
LongText = Annotated[str, Field(max_length=100_000)]

_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})$")
_REGISTRATION = re.compile(r"^[A-Z0-9]{1,8}$")


def _postcode(value: str) -> str:
    compact = re.sub(r"\s+", "", value).upper()
    match = _POSTCODE.match(compact)
    if not match:
        raise ValueError("is not a UK postcode (for example AB1 2CD)")
    return f"{match.group(1)} {match.group(2)}"


def _registration(value: str) -> str:
    compact = re.sub(r"[\s-]+", "", value).upper()
    if not _REGISTRATION.match(compact):
        raise ValueError("must be letters and digits only, at most 8")
    return compact


Postcode = Annotated[str, AfterValidator(_postcode)]
Registration = Annotated[str, AfterValidator(_registration)]


# (container field, its searchable fields): a nested part, or a list of them.
SearchParts = tuple[tuple[str, tuple[str, ...]], ...]


class Part(BaseModel):
    """A nested part of a record: strict about unknown fields."""

    # No whitespace stripping: free text is kept exactly as the worker typed it.
    model_config = ConfigDict(extra="forbid")


class KindData(Part):
    """Fields every kind carries. Case records are closed or marked entered
    in error, not deleted, so the history stays readable."""

    closed: bool = False
    status_note: ShortText | None = None
    entered_in_error: bool = False
    entered_in_error_reason: ShortText | None = None
    # Need to know: the only agencies whose workers may see this record
    # (None: every worker who holds the child). The central record never
    # sends it to anyone else (`sync.kinds.restriction`). Left out of the
    # stored data when None, so records without one read as they always did.
    restricted_to: list[Agency] | None = None

    # The fields merged line-wise by the server when both sides edited them.
    long_text: ClassVar[frozenset[str]] = frozenset()
    # The fields whose text feeds search, and the nested parts whose fields
    # do too (only names and free text: codes and dates would flood the index).
    search_text: ClassVar[tuple[str, ...]] = ()
    search_parts: ClassVar[SearchParts] = ()

    # How the kind shows itself (desktop.chronology renders it, ui.labels
    # reads the label): what a record of it is called; the field that dates
    # it (None: when it was last changed); the field whose words follow the
    # label in its title; the field whose first line is its summary; and
    # whether it is an event on the chronology (the child's own record and
    # alerts are facts about the child, not events).
    label: ClassVar[str] = ""
    when_field: ClassVar[str | None] = None
    detail_field: ClassVar[str | None] = None
    summary_field: ClassVar[str | None] = None
    on_chronology: ClassVar[bool] = True
    # Optional fields added after laptops of an older version were out: left
    # out of the stored data when empty (as `restricted_to` is), so records
    # that do not use them read as they always did to those laptops.
    added_later: ClassVar[frozenset[str]] = frozenset()

    @field_validator("restricted_to")
    @classmethod
    def _some_agencies(cls, value: list[Agency] | None) -> list[Agency] | None:
        if value is None:
            return None
        if not value:
            raise ValueError("choose at least one agency, or none to restrict nothing")
        return list(dict.fromkeys(value))  # each agency once, in the order chosen

    @classmethod
    def places_named(cls, data: dict[str, Any]) -> list[dict[str, Any]]:
        """The places a record names, for hotspots: {name, type, postcode} each."""
        return []

    @classmethod
    def value_text(cls, name: str | None, data: dict[str, Any]) -> str:
        """A field's value as a worker reads it ('' for none): a code as its
        declared words, anything else as typed."""
        value = data.get(name) if name else None
        if value is None or value == "":
            return ""
        choice = cls.choice_for(name or "")
        if choice is not None and isinstance(value, str):
            member = choice._value2member_map_.get(value)
            if member is not None:
                return member.words  # type: ignore[attr-defined]
        return str(value)

    @classmethod
    def choice_for(cls, name: str) -> type[Choice] | None:
        """The Choice a field holds (alone, optional or in a list); None for
        a field of free text, dates or parts."""
        # A sync asks this twice for every record it pulls; a kind's fields
        # never change, so each answer is kept (looking through pydantic's
        # field table each time was a fifth of preparing a pulled record).
        # Only a kind's own fields are kept: a name from elsewhere (a key in
        # data) must not grow the table.
        key = (cls, name)
        try:
            return _CHOICES[key]
        except KeyError:
            field = cls.model_fields.get(name)
            if field is None:
                return None
            found = _CHOICES[key] = _choice_of(field.annotation)
            return found

    @classmethod
    def detail_of(cls, data: dict[str, Any]) -> str:
        """The words after the label in a title ('' for none)."""
        return cls.value_text(cls.detail_field, data)

    @classmethod
    def title_of(cls, data: dict[str, Any]) -> str:
        """'Visit: Child in need'; the label alone when there is no detail."""
        detail = cls.detail_of(data)
        return f"{cls.label}: {detail}" if detail else cls.label


_CHOICES: dict[tuple[type, str], type[Choice] | None] = {}


def place_named(place: dict[str, Any]) -> dict[str, Any]:
    """A stored place as hotspots take it."""
    return {"name": place.get("name"), "type": place.get("type"), "postcode": place.get("postcode")}


def _choice_of(annotation: Any) -> type[Choice] | None:
    """The Choice a field holds, through `X | None`."""
    if isinstance(annotation, type) and issubclass(annotation, Choice):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        if found := _choice_of(arg):
            return found
    return None


class Place(Part):
    name: ShortText | None = None
    type: ShortText | None = None
    postcode: Postcode | None = None


__all__ = [
    "Agency",
    "Choice",
    "KindData",
    "LongText",
    "Name",
    "Part",
    "Place",
    "place_named",
    "Postcode",
    "Registration",
    "Reliability",
    "RiskLevel",
    "SearchParts",
    "ShortText",
    "date",
    "datetime",
]
