"""The people around the child: family, household and carers, and where the
child lives, goes to school and is registered with a GP.

Each family member or carer is a record of its own (as plan actions are), so
two workers updating different people never collide; the child's own
addresses, school and GP are parts of the child's record (`Child`).
"""

from __future__ import annotations

import re
from typing import Annotated, Any, ClassVar

from pydantic import AfterValidator

from sync.kinds.common import Choice, KindData, Name, Part, Postcode, ShortText

_PHONE_CHARACTERS = re.compile(r"^\+?[0-9 ()-]+$")


def _phone(value: str) -> str:
    # Kept as typed (spaces help a worker read a number out), only trimmed.
    text = value.strip()
    digits = sum(c.isdigit() for c in text)
    if not _PHONE_CHARACTERS.match(text) or not 10 <= digits <= 15:
        raise ValueError("is not a phone number (for example 07700 900123)")
    return text


Phone = Annotated[str, AfterValidator(_phone)]


class Address(Part):
    street: ShortText | None = None
    town: ShortText | None = None
    postcode: Postcode | None = None


def address_text(address: dict[str, Any] | None) -> str:
    """'12 Example Road, Exampleton ZZ1 1AA' ('' for none)."""
    a = address or {}
    place = " ".join(p for p in (a.get("town"), a.get("postcode")) if p)
    return ", ".join(p for p in (a.get("street"), place) if p)


class Organisation(Part):
    """A school or a GP practice: who to call there."""

    name: ShortText | None = None
    contact: ShortText | None = None
    phone: Phone | None = None


class Relationship(Choice):
    mother = "mother", "Mother"
    father = "father", "Father"
    step_parent = "step_parent", "Step-parent"
    parents_partner = "parents_partner", "Parent's partner"
    grandparent = "grandparent", "Grandparent"
    sibling = "sibling", "Brother or sister"
    other_relative = "other_relative", "Other relative"
    foster_carer = "foster_carer", "Foster carer"
    kinship_carer = "kinship_carer", "Family and friends carer"
    special_guardian = "special_guardian", "Special guardian"
    residential_key_worker = "residential_key_worker", "Residential key worker"
    family_friend = "family_friend", "Family friend"
    other = "other", "Other"


PARENTS = frozenset({Relationship.mother, Relationship.father, Relationship.step_parent})


class FamilyMember(KindData):
    """A parent, relative, household member or carer. Facts about the child
    kept current, not events: they are not on the chronology."""

    label: ClassVar[str] = "Family member or carer"
    detail_field: ClassVar[str | None] = "relationship"
    summary_field: ClassVar[str | None] = "name"
    on_chronology: ClassVar[bool] = False

    name: Name
    relationship: Relationship
    lives_with_child: bool = False
    carer: bool = False
    parental_responsibility: bool | None = None
    phone: Phone | None = None
    email: ShortText | None = None
    # Where they live when it is not with the child.
    address: Address | None = None
    notes: ShortText | None = None

    search_text: ClassVar[tuple[str, ...]] = ("name",)


def in_household(member: dict[str, Any]) -> bool:
    """Lives with the child, or cares for them."""
    return bool(member.get("lives_with_child") or member.get("carer"))


def is_parent(member: dict[str, Any]) -> bool:
    """A parent, or anyone holding parental responsibility."""
    return member.get("relationship") in PARENTS or bool(member.get("parental_responsibility"))


__all__ = [
    "Address",
    "FamilyMember",
    "Organisation",
    "PARENTS",
    "Phone",
    "Relationship",
    "address_text",
    "in_household",
    "is_parent",
]
