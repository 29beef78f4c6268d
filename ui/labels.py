"""Plain words for the stored codes (enum values) the screens show."""

from __future__ import annotations

from enum import Enum

WORDS = {
    # legal status
    "early_help": "Early help",
    "cin": "Child in need",
    "cp": "Child protection",
    "cla": "Looked after",
    "care_leaver": "Care leaver",
    "private_fostering": "Private fostering",
    # visits and plans
    "cp_statutory": "Child protection (statutory)",
    "cla_statutory": "Looked after (statutory)",
    "return_home_interview": "Return home interview",
    "direct_work": "Direct work",
    "health_contact": "Health contact",
    "joint_visit": "Joint visit",
    "cse": "Child sexual exploitation",
    "cce": "Child criminal exploitation",
    "not_started": "Not started",
    "in_progress": "In progress",
    "cme": "Missing education",
    # agencies
    "csc": "Children's social care",
    "school_education": "School / education",
    "youth_justice": "Youth justice",
    "camhs": "CAMHS",
    "voluntary_sector": "Voluntary sector",
    "parent_carer": "Parent / carer",
    "not_at_risk": "Not at risk",
    "care_placement": "Care placement",
    "single_source": "Single source",
    "online_harm": "Online harm",
    "county_lines": "County lines",
    "peer_on_peer": "Peer on peer",
    "y": "Yes",
    "n": "No",
    "na": "Not applicable",
}


def label(code: str | Enum | None) -> str:
    """'child_in_need'-style codes as words; known codes spelled out."""
    if code is None:
        return ""
    text = code.value if isinstance(code, Enum) else str(code)
    return WORDS.get(text) or text.replace("_", " ").capitalize()


def choices(enum: type[Enum]) -> list[tuple[str, str]]:
    """(label, value) pairs for a combo box, in the enum's order."""
    return [(label(member), member.value) for member in enum]
