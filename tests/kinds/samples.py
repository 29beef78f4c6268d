"""One valid sample of every kind, fictional throughout."""

from __future__ import annotations

PLAN_ID = "5b0a2b8e-2f0e-4c5b-9a51-0c1f3f1c2d01"
VISIT_ID = "7c1d9e2a-4b3f-4a6e-8d2c-9e0f1a2b3c04"

SAMPLES: dict[str, dict] = {
    "child": {
        "first_name": "Bramble",
        "last_name": "Quillfeather",
        "aliases": ["Brambs"],
        "date_of_birth": "2011-03-04",
        "legal_status": "cla",
        "placement_start": "2025-09-01",
        "flags": ["cse", "missing"],
        "identifiers": {"nhs_number": "9990000026", "local_id": "LC-0001"},
        "missing_profile": {"description": "tall, green coat", "associates": ["Tuck"]},
        "visitor_alerts": ["do not visit alone"],
        "risk_level": "high",
        "address": {"street": "4 Example Road", "town": "Wobbleton", "postcode": "zz1 3ab"},
        "placement_address": {"street": "The Old Rectory, Fern Lane", "postcode": "ZZ2 4CD"},
        "school": {
            "name": "Puddingstone Academy",
            "contact": "Ms Hobnail (DSL)",
            "phone": "01632 960123",
        },
        "gp": {"name": "Fernhollow Surgery", "phone": "01632 960456"},
    },
    "family_member": {
        "name": "Tansy Quillfeather",
        "relationship": "mother",
        "parental_responsibility": True,
        "phone": "07700 900123",
        "address": {"street": "4 Example Road", "postcode": "ZZ1 3AB"},
        "notes": "Contact supervised by the placement",
    },
    "involvement": {"name": "PC Juniper Mossgrove", "agency": "police", "role": "missing officer"},
    "assessment": {
        "tool_id": "seraf-like",
        "tool_version": "1",
        "date": "2026-05-01",
        "assessor_agency": "csc",
        "indicators": [
            {
                "domain": "significant",
                "text": "Goes missing overnight",
                "level": "high",
                "present": "yes",
                "basis": "evidence",
                "when": "0-6m",
            }
        ],
        "tool_score": 6,
        "tool_category": "Medium",
        "practitioner_level": "high",
    },
    "plan": {"plan_type": "cse", "status": "active", "risks": "line one\nline two"},
    "plan_action": {
        "plan_id": PLAN_ID,
        "description": "Disrupt the flat at Wobbleton Parade",
        "owner_agency": "police",
        "due_date": "2026-06-01",
        "status": "in_progress",
        "disruption": True,
    },
    "meeting": {
        "meeting_type": "mset",
        "date": "2026-04-02",
        "attendees": [{"name": "Nurse Pimpernel", "agency": "health"}],
        "outcome_shared": [{"agency": "school_education", "shared": True}],
    },
    "visit": {
        "visit_type": "cla_statutory",
        "start": "2026-05-03T10:00:00Z",
        "end": "2026-05-03T11:00:00Z",
        "location_type": "placement",
        "child_seen": True,
        "seen_alone": True,
        "childs_words": "I like the new bike",
        "status": "draft",
    },
    "addendum": {"visit_id": VISIT_ID, "reason": "correction", "text": "The date was wrong."},
    "missing_episode": {
        "episode_type": "missing",
        "missing_from": "care_placement",
        "start": "2026-05-10T22:00:00Z",
        "end": "2026-05-11T09:00:00Z",
        "return_home_interview": {"offered": "y", "exploitation_concern": "cse"},
        "locations": [{"name": "Gnarly Park", "postcode": "zz9 9zz"}],
    },
    "cme_episode": {
        "school": "Puddingstone Academy",
        "notified_at": "2026-02-01",
        "enquiries": [{"date": "2026-02-02", "action": "Called home"}],
        "status": "open",
    },
    "concern": {
        "received_at": "2026-05-12T08:00:00Z",
        "source": "taxi driver",
        "source_agency": "other",
        "category": "cse",
        "narrative": "Seen getting into a car",
        "reliability": "single_source",
        "places": [{"name": "Wobbleton Parade", "postcode": "ZZ1 1AA"}],
        "persons": [{"name": "Mister Grue", "approx_age": 30}],
        "vehicles": [{"registration": "zz12 abc", "colour": "silver"}],
    },
    "sharing": {
        "what": "Missing episode summary",
        "agency": "police",
        "consent": "not_sought",
        "consent_reason": "risk of significant harm",
        "date": "2026-05-12",
    },
    "alert": {"text": "Do not visit alone", "severity": "danger"},
}
