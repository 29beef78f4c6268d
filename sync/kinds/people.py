"""The child, the team around the child, alerts and information sharing."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, ClassVar

from pydantic import AfterValidator, Field, model_validator

from sync.kinds.common import (
    Agency,
    Choice,
    KindData,
    Name,
    Part,
    RiskLevel,
    SearchParts,
    ShortText,
)
from sync.kinds.family import Address, Organisation


class LegalStatus(Choice):
    early_help = "early_help", "Early help"
    cin = "cin", "Child in need"
    cp = "cp", "Child protection"
    cla = "cla", "Looked after"
    care_leaver = "care_leaver", "Care leaver"
    private_fostering = "private_fostering", "Private fostering"
    none = "none", "None"


class Flag(Choice):
    cse = "cse", "Child sexual exploitation"
    cce = "cce", "Child criminal exploitation"
    missing = "missing", "Missing"
    cme = "cme", "Missing education"
    trafficking = "trafficking", "Trafficking"
    uasc = "uasc", "Unaccompanied asylum-seeking child"
    send = "send", "Special educational needs (SEND)"


def _nhs_number(value: str) -> str:
    digits = value.replace(" ", "")
    if len(digits) != 10 or not digits.isdigit():
        raise ValueError("must be 10 digits")
    total = sum(int(d) * (10 - i) for i, d in enumerate(digits[:9]))
    check = 11 - total % 11
    check = 0 if check == 11 else check
    if check == 10 or check != int(digits[9]):
        raise ValueError("fails the NHS number check digit")
    return digits


class Identifiers(Part):
    local_id: ShortText | None = None
    nhs_number: Annotated[str, AfterValidator(_nhs_number)] | None = None
    upn: ShortText | None = None


class MissingProfile(Part):
    """What the police need when the child goes missing."""

    description: ShortText | None = None
    associates: list[ShortText] = Field(default_factory=list)
    locations_frequented: list[ShortText] = Field(default_factory=list)
    phones: list[ShortText] = Field(default_factory=list)
    social_handles: list[ShortText] = Field(default_factory=list)


def display_name(child: dict[str, Any]) -> str:
    """The name a worker knows the child by: preferred name, else first name."""
    first = child.get("preferred_name") or child.get("first_name") or ""
    return f"{first} {child.get('last_name') or ''}".strip()


class Child(KindData):
    label: ClassVar[str] = "Child record"
    when_field: ClassVar[str | None] = "legal_status_start"
    on_chronology: ClassVar[bool] = False

    @classmethod
    def title_of(cls, data: dict[str, Any]) -> str:
        """A child's line is the child's name."""
        return display_name(data)

    first_name: Name
    last_name: Name
    preferred_name: ShortText | None = None
    aliases: list[ShortText] = Field(default_factory=list)
    date_of_birth: dt.date
    sex: ShortText | None = None
    gender: ShortText | None = None
    ethnicity: ShortText | None = None
    identifiers: Identifiers = Field(default_factory=Identifiers)
    legal_status: LegalStatus
    legal_status_start: dt.date | None = None
    placement_start: dt.date | None = None
    flags: list[Flag] = Field(default_factory=list)
    missing_profile: MissingProfile = Field(default_factory=MissingProfile)
    visitor_alerts: list[ShortText] = Field(default_factory=list)
    risk_level: RiskLevel | None = None
    address_area: ShortText | None = None
    # Where the child lives: the home address, or the placement's when the
    # child is placed (the placement address is shown first when there is one).
    address: Address | None = None
    placement_address: Address | None = None
    school: Organisation | None = None
    gp: Organisation | None = None

    search_parts: ClassVar[SearchParts] = (
        ("missing_profile", ("description", "associates", "locations_frequented")),
        ("identifiers", ("local_id",)),
    )
    search_text: ClassVar[tuple[str, ...]] = (
        "first_name",
        "last_name",
        "preferred_name",
        "aliases",
        "address_area",
        "visitor_alerts",
    )


class Involvement(KindData):
    label: ClassVar[str] = "Professional involved"
    when_field: ClassVar[str | None] = "start"
    summary_field: ClassVar[str | None] = "name"

    name: Name
    agency: Agency
    role: ShortText | None = None
    phone: ShortText | None = None
    email: ShortText | None = None
    start: dt.date | None = None
    end: dt.date | None = None

    search_text: ClassVar[tuple[str, ...]] = ("name", "role")

    @model_validator(mode="after")
    def _dates(self) -> Involvement:
        if self.start and self.end and self.end < self.start:
            raise ValueError("end: must not be before start")
        return self


class Severity(Choice):
    info = "info", "Information"
    warning = "warning", "Warning"
    danger = "danger", "Danger"


class Alert(KindData):
    label: ClassVar[str] = "Alert"
    summary_field: ClassVar[str | None] = "text"
    on_chronology: ClassVar[bool] = False

    text: Annotated[str, Field(min_length=1, max_length=200)]
    severity: Severity = Severity.warning
    until: dt.date | None = None

    search_text: ClassVar[tuple[str, ...]] = ("text",)


class Consent(Choice):
    sought_given = "sought_given", "Sought and given"
    sought_refused = "sought_refused", "Sought and refused"
    not_sought = "not_sought", "Not sought"


class Sharing(KindData):
    """Information shared with another agency: the record inspections most
    often found missing."""

    label: ClassVar[str] = "Information shared"
    when_field: ClassVar[str | None] = "date"
    summary_field: ClassVar[str | None] = "what"

    what: Annotated[str, Field(min_length=1, max_length=5000)]
    agency: Agency
    purpose: ShortText | None = None
    lawful_basis: ShortText | None = None
    consent: Consent
    consent_reason: ShortText | None = None
    date: dt.date
    shared_by: ShortText | None = None

    search_text: ClassVar[tuple[str, ...]] = ("what", "purpose", "shared_by")

    @model_validator(mode="after")
    def _reason(self) -> Sharing:
        if self.consent is Consent.not_sought and not self.consent_reason:
            raise ValueError("consent_reason: is required when consent was not sought")
        return self


__all__ = ["Alert", "Child", "Flag", "Involvement", "LegalStatus", "RiskLevel", "Sharing"]
