"""The synthetic people around each child: where the child lives, the
school and GP, the household and carers, the parents' contacts and the
professionals involved.

All invented: names as whimsical as the children's, streets in the
fictional towns of the hotspots with unassigned ZZ postcodes, and phone
numbers from the ranges Ofcom keeps for drama (07700 900xxx mobiles,
01632 960xxx landlines), which never ring anyone.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from sync.wire import Kind, Record

if TYPE_CHECKING:
    from sync.server.synthetic import _Builder

MOTHERS = "Hyacinth Primrose Clementine Philippa Lavender Rosalind Winifred Araminta".split()
FATHERS = "Barnaby Ambrose Horatio Ignatius Cuthbert Percival Ezekiel Bartholomew".split()
ADULT_FIRST = MOTHERS + FATHERS
# (street, town, postcode district): the towns the caseload's hotspots are in.
STREETS = [
    ("Wobbleton Crescent", "Wobbleton", "ZZ1"),
    ("Gnarly Park Road", "Wobbleton", "ZZ1"),
    ("Fizzwick Lane", "Fizzwick", "ZZ4"),
    ("Kettlebrook Close", "Fizzwick", "ZZ4"),
    ("Gigglesworth Way", "Gigglesworth", "ZZ7"),
    ("Buttonwhistle Gardens", "Gigglesworth", "ZZ7"),
    ("Puddle Lane", "Puddle Lane", "ZZ3"),
]
SCHOOLS = [
    ("Puddingstone Academy", "Mrs Inkwhistle, designated safeguarding lead"),
    ("Wobbleton Primary School", "Mr Hobnail, head teacher"),
    ("Fizzwick High School", "Ms Jollyfield, designated safeguarding lead"),
    ("Gigglesworth College", "Student services"),
]
# Surnames for professionals only, so no worker shares a family's name.
STAFF = "Whiffleby Tiddlywick Crumpetson Puddlesworth Quibbleton Thimbleby Wickerby".split()
GPS = ["Dapplewood Surgery", "Fernhollow Medical Practice", "Kettlebrook Health Centre"]
# Professionals besides the lead, by what the child's status and flags call for.
PROFESSIONALS = {
    "school_nurse": ("health", "School nurse"),
    "iro": ("csc", "Independent reviewing officer"),
    "missing": ("police", "Missing person coordinator"),
    "exploitation": ("youth_justice", "Exploitation worker"),
    "camhs": ("camhs", "CAMHS practitioner"),
}


def mobile(b: _Builder) -> str:
    return f"07700 900{b.between(0, 1000):03d}"


def landline(b: _Builder) -> str:
    return f"01632 960{b.between(0, 1000):03d}"


def address(b: _Builder) -> dict[str, Any]:
    street, town, district = b.pick(STREETS)
    letters = tuple("ABDEFGHJLNPQRSTUWXYZ")
    unit = f"{b.between(1, 10)}{b.pick(letters)}{b.pick(letters)}"
    return {"street": f"{b.between(1, 120)} {street}", "town": town,
            "postcode": f"{district} {unit}"}  # fmt: skip


def child_places(b: _Builder, status: str, age: int) -> dict[str, Any]:
    """The child's record's address (or placement address), school and GP."""
    school, contact = SCHOOLS[3] if age >= 16 else b.pick(SCHOOLS[:3])
    places: dict[str, Any] = {
        "school": {"name": school, "contact": contact, "phone": landline(b)},
        "gp": {"name": b.pick(GPS), "phone": landline(b)},
    }
    if status == "cla":
        places["placement_address"] = address(b)
    else:
        places["address"] = address(b)
    return places


def _person(b: _Builder, child_id: uuid.UUID, data: dict[str, Any]) -> Record:
    return b.record(Kind.family_member, child_id, data)


def _adult(b: _Builder) -> str:
    return b.pick(ADULT_FIRST)


def household(b: _Builder, child_id: uuid.UUID, child: dict[str, Any]) -> list[Record]:
    """Parents and carers as a practitioner would record them: a looked-after
    child's foster carers and the parents living elsewhere; otherwise the
    parent at home (with a partner or siblings) and the one who left."""
    family = child["last_name"]
    status = child["legal_status"]
    out: list[Record] = []
    if status in ("cla", "care_leaver"):
        if status == "cla":
            carers = b.pick(["Nutkins", "Oddbody", "Lumpkin", "Pickleberry"])
            for first in b.rng.sample(ADULT_FIRST, 2 if b.random() < 0.6 else 1):
                out.append(_person(b, child_id, {
                    "name": f"{first} {carers}", "relationship": "foster_carer",
                    "lives_with_child": True, "carer": True, "phone": mobile(b),
                }))  # fmt: skip
        out.append(_person(b, child_id, {
            "name": f"{b.pick(MOTHERS)} {family}", "relationship": "mother",
            "parental_responsibility": True, "phone": mobile(b), "address": address(b),
            "notes": "Family time supervised; do not share the placement address"
            if status == "cla" else None,
        }))  # fmt: skip
        if b.random() < 0.5:
            out.append(_person(b, child_id, {
                "name": f"{b.pick(FATHERS)} {b.pick(['Hobnail', 'Tumbledown', 'Wobbleton'])}",
                "relationship": "father", "parental_responsibility": True,
                "notes": "Whereabouts not known",
            }))  # fmt: skip
        return out
    out.append(_person(b, child_id, {
        "name": f"{b.pick(MOTHERS)} {family}", "relationship": "mother", "lives_with_child": True,
        "carer": True, "parental_responsibility": True, "phone": mobile(b),
    }))  # fmt: skip
    if b.random() < 0.5:
        out.append(_person(b, child_id, {
            "name": f"{b.pick(FATHERS)} {family}", "relationship": "father",
            "parental_responsibility": True, "phone": mobile(b), "address": address(b),
        }))  # fmt: skip
    else:
        out.append(_person(b, child_id, {
            "name": f"{_adult(b)} {b.pick(['Fizzwick', 'Crumblecake', 'Dapplewood'])}",
            "relationship": "parents_partner", "lives_with_child": True,
        }))  # fmt: skip
    if b.random() < 0.4:
        out.append(_person(b, child_id, {
            "name": f"{b.pick(['Pip', 'Wren', 'Acorn', 'Teasel'])} {family}",
            "relationship": "sibling", "lives_with_child": True,
        }))  # fmt: skip
    return out


def professionals(b: _Builder, child_id: uuid.UUID, child: dict[str, Any]) -> list[Record]:
    """The professionals beside the lead worker, with a number to call."""
    flags, wanted = set(child["flags"]), ["school_nurse"]
    if child["legal_status"] == "cla":
        wanted.append("iro")
    if "missing" in flags:
        wanted.append("missing")
    if {"cse", "cce"} & flags:
        wanted.append("exploitation")
    elif b.random() < 0.3:
        wanted.append("camhs")
    return [
        b.record(
            Kind.involvement,
            child_id,
            {
                "name": f"{_adult(b)} {b.pick(STAFF)}",
                "agency": PROFESSIONALS[what][0],
                "role": PROFESSIONALS[what][1],
                "phone": landline(b) if b.random() < 0.5 else mobile(b),
            },
        )  # fmt: skip
        for what in wanted
    ]


# The lead worker by the child's legal status: (agency, role).
LEAD = {
    "early_help": ("voluntary_sector", "Early help key worker"),
    "care_leaver": ("csc", "Personal adviser"),
}


def lead_professional(b: _Builder, child_id: uuid.UUID, child: dict[str, Any]) -> Record:
    """The worker who holds the case, with a number to call."""
    agency, role = LEAD.get(child["legal_status"], ("csc", "Allocated social worker"))
    name = f"{_adult(b)} {b.pick(STAFF)}"
    data = {"name": name, "agency": agency, "role": role, "phone": landline(b),
            "start": child["legal_status_start"]}  # fmt: skip
    return b.record(Kind.involvement, child_id, data)


def people_around(b: _Builder, child_id: uuid.UUID, child: dict[str, Any]) -> list[Record]:
    """The household, carers and parents, then the professionals (2 to 8 records)."""
    return household(b, child_id, child) + professionals(b, child_id, child)


__all__ = ["child_places", "lead_professional", "people_around"]
