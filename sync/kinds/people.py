"""The child, the team around the child, alerts and information sharing."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, ClassVar
from uuid import UUID

from pydantic import AfterValidator, Field, model_validator

from sync.kinds.common import (
    Agency,
    Choice,
    KindData,
    LongText,
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
    health_needs: ShortText | None = None
    medication: ShortText | None = None
    risks: LongText | None = None
    # When a worker last checked the whole profile still holds; its review
    # falls due from this (desktop.due_dates: missing_profile_review_months).
    last_reviewed: dt.date | None = None


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
        (
            "missing_profile",
            ("description", "associates", "locations_frequented", "social_handles", "risks"),
        ),
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


class LawfulBasis(Choice):
    """UK GDPR Article 6 bases a disclosure to another agency rests on, with
    the recognised legitimate interest the Data (Use and Access) Act 2025
    added (Article 6(1)(ea), Annex 1: safeguarding a child or a vulnerable
    person), which needs no balancing test."""

    consent = "consent", "Consent"
    legal_obligation = "legal_obligation", "Legal obligation"
    public_task = "public_task", "Public task"
    vital_interests = "vital_interests", "Vital interests"
    legitimate_interests = "legitimate_interests", "Legitimate interests"
    recognised_legitimate_interest = (
        "recognised_legitimate_interest",
        "Recognised legitimate interest (safeguarding)",
    )


class SharingDecision(Choice):
    shared = "shared", "Shared"
    not_shared = "not_shared", "Decided not to share"


class Sharing(KindData):
    """Information shared with another agency — or a decision not to share
    it, with the reason: the record inspections most often found missing.

    `decision` is empty on entries made before decisions were recorded (they
    were all disclosures); `lawful_basis` is the free text those entries
    carry, kept beside the `basis` chosen from the list."""

    label: ClassVar[str] = "Information shared"
    when_field: ClassVar[str | None] = "date"
    detail_field: ClassVar[str | None] = "agency"
    summary_field: ClassVar[str | None] = "what"

    @classmethod
    def title_of(cls, data: dict[str, Any]) -> str:
        """'Information shared: Police', or 'Decided not to share: Police'."""
        if data.get("decision") == SharingDecision.not_shared:
            return f"{SharingDecision.not_shared.words}: {cls.detail_of(data)}"
        return super().title_of(data)

    what: Annotated[str, Field(min_length=1, max_length=5000)]
    agency: Agency
    purpose: ShortText | None = None
    lawful_basis: ShortText | None = None
    consent: Consent
    consent_reason: ShortText | None = None
    date: dt.date
    shared_by: ShortText | None = None
    decision: SharingDecision | None = None
    person: ShortText | None = None  # with whom at the agency
    basis: LawfulBasis | None = None
    decision_reason: ShortText | None = None
    # The records it was drawn from: a chronology's are every entry on it.
    drawn_from: list[UUID] = Field(default_factory=list, max_length=20_000)

    search_text: ClassVar[tuple[str, ...]] = (
        "what",
        "purpose",
        "shared_by",
        "person",
        "lawful_basis",
        "decision_reason",
    )

    @model_validator(mode="after")
    def _reason(self) -> Sharing:
        if self.consent is Consent.not_sought and not self.consent_reason:
            raise ValueError("consent_reason: is required when consent was not sought")
        if self.decision is SharingDecision.not_shared and not (self.decision_reason or "").strip():
            raise ValueError("decision_reason: give the reason for not sharing")
        if self.decision is SharingDecision.shared and self.basis is None:
            raise ValueError("basis: choose the lawful basis for sharing")
        if self.basis is LawfulBasis.consent and self.consent is not Consent.sought_given:
            raise ValueError("basis: consent is the basis only when it was sought and given")
        return self


__all__ = [
    "Alert",
    "Child",
    "Flag",
    "Involvement",
    "LawfulBasis",
    "LegalStatus",
    "RiskLevel",
    "Sharing",
    "SharingDecision",
]
