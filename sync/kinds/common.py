"""Enums and building blocks shared by the record kinds."""

from __future__ import annotations

import re
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, ClassVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field


class Agency(StrEnum):
    csc = "csc"
    police = "police"
    health = "health"
    school_education = "school_education"
    youth_justice = "youth_justice"
    housing = "housing"
    camhs = "camhs"
    voluntary_sector = "voluntary_sector"
    parent_carer = "parent_carer"
    child = "child"
    other = "other"


class RiskLevel(StrEnum):
    not_at_risk = "not_at_risk"
    low = "low"
    medium = "medium"
    high = "high"


class Reliability(StrEnum):
    confirmed = "confirmed"
    corroborated = "corroborated"
    single_source = "single_source"
    unverified = "unverified"


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

    # The fields merged line-wise by the server when both sides edited them.
    long_text: ClassVar[frozenset[str]] = frozenset()
    # The fields whose text feeds search.
    search_text: ClassVar[tuple[str, ...]] = ()


class Place(Part):
    name: ShortText | None = None
    type: ShortText | None = None
    postcode: Postcode | None = None


__all__ = [
    "Agency",
    "KindData",
    "LongText",
    "Name",
    "Part",
    "Place",
    "Postcode",
    "Registration",
    "Reliability",
    "RiskLevel",
    "ShortText",
    "date",
    "datetime",
]
