"""Deterministic synthetic caseloads: fictional children, years of history.

Used by the demo, the tests and the benchmarks on both ends of the wire (so
it lives in `sync/` and imports nothing from `desktop/`). Every name is
obviously invented; postcodes use the unassigned ZZ area; NHS numbers use the
999 range reserved for testing.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sync.wire import Kind, Record

FIRST = [
    "Bramble",
    "Juniper",
    "Thistle",
    "Marigold",
    "Pip",
    "Wren",
    "Sorrel",
    "Clover",
    "Fennel",
    "Hazel",
    "Rowan",
    "Tansy",
    "Basil",
    "Nettle",
    "Poppy",
    "Quince",
    "Sage",
    "Teasel",
    "Yarrow",
    "Acorn",
    "Burdock",
    "Cobnut",
    "Dandelion",
    "Elderberry",
]
LAST = [
    "Quillfeather",
    "Mossgrove",
    "Puddingstone",
    "Wobbleton",
    "Fizzwick",
    "Tumbledown",
    "Buttonwhistle",
    "Crumblecake",
    "Dapplewood",
    "Fernhollow",
    "Gigglesworth",
    "Hobnail",
    "Inkwhistle",
    "Jollyfield",
    "Kettlebrook",
    "Lumpkin",
    "Mumblethorpe",
    "Nutkins",
    "Oddbody",
    "Pickleberry",
]
PLACES = [
    ("Wobbleton Parade shops", "shops", "ZZ1 1AA"),
    ("Gnarly Park", "park", "ZZ1 2AB"),
    ("The Soggy Biscuit takeaway", "takeaway", "ZZ2 3CD"),
    ("Puddle Lane flats", "flat", "ZZ3 4EF"),
    ("Fizzwick bus station", "transport", "ZZ4 5GH"),
    ("Hotel Snoozeville", "hotel", "ZZ5 6JK"),
    ("Crumbly Underpass", "underpass", "ZZ6 7LM"),
    ("Gigglesworth retail park", "shops", "ZZ7 8NP"),
]
VEHICLES = [("ZZ11ABC", "Fordish", "Sprout", "silver"), ("ZZ22DEF", "Vauxwell", "Nova", "black")]
PERSONS = [
    ("Mister Grue", ["Grue"], 31),
    ("Auntie Scrimshaw", ["Scrim"], 45),
    ("Tall Tobias", [], 22),
]
AGENCIES = ["police", "health", "school_education", "csc", "youth_justice", "camhs"]
SENTENCES = [
    "Met {name} at {place}; they were chatty and made eye contact.",
    "{name} said they feel safe at home most of the time but worry about money.",
    "The bedroom was tidy and warm; there was a new phone on the bed.",
    "Carer reports {name} came home late twice this week without saying where from.",
    "{name} talked about school and said the maths teacher is kind.",
    "We agreed to meet again next week to work on the safety plan.",
    "{name} was quiet today and did not want to talk about the weekend.",
    "School reports attendance has improved to four days a week.",
    "{name} mentioned a friend called Tall Tobias who has a car.",
    "Observed a warm relationship between {name} and the carer.",
    "Discussed online safety and who {name} talks to on social media.",
    "{name} said: I just want things to be normal again.",
]
STATUSES = ["cla", "cp", "cin", "cin", "cp", "early_help", "care_leaver", "cla"]


@dataclass
class SyntheticCaseload:
    records: list[Record]
    # which workers hold each child (some children are shared by two workers)
    holders: dict[uuid.UUID, list[str]] = field(default_factory=dict)

    def children_of(self, worker: str) -> list[uuid.UUID]:
        return [child for child, names in self.holders.items() if worker in names]


def nhs_number(rng: random.Random) -> str:
    """A 999-range NHS number with a valid check digit (never issued to a person)."""
    while True:
        digits = "999" + "".join(str(rng.randrange(10)) for _ in range(6))
        check = 11 - sum(int(d) * (10 - i) for i, d in enumerate(digits)) % 11
        check = 0 if check == 11 else check
        if check != 10:
            return digits + str(check)


class _Builder:
    def __init__(self, rng: random.Random, today: date, by: str) -> None:
        self.rng = rng
        self.today = today
        self.by = by

    def uuid(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def at(self, d: date, hour: int = 10) -> str:
        return datetime.combine(d, time(hour, self.rng.choice((0, 15, 30, 45))), UTC).isoformat()

    def record(self, kind: Kind, child_id: uuid.UUID, data: dict[str, Any], rid=None) -> Record:
        return Record.model_construct(
            id=rid or self.uuid(),
            kind=kind,
            child_id=child_id,
            rev=0,
            deleted=False,
            updated_at=datetime.combine(self.today, time(9), UTC),
            updated_by=self.by,
            data=data,
        )

    def note(self, name: str, sentences: int) -> str:
        place = self.rng.choice(PLACES)[0]
        return "\n".join(
            self.rng.choice(SENTENCES).format(name=name, place=place) for _ in range(sentences)
        )


def _child(b: _Builder, child_id: uuid.UUID, index: int) -> tuple[Record, dict[str, Any]]:
    rng = b.rng
    status = STATUSES[index % len(STATUSES)]
    dob = b.today - timedelta(days=rng.randrange(6 * 365, 17 * 365))
    start = b.today - timedelta(days=rng.randrange(60, 900))
    flags = rng.sample(["cse", "cce", "missing", "cme", "send", "uasc"], rng.randrange(0, 3))
    data = {
        "first_name": FIRST[index % len(FIRST)],
        "last_name": LAST[(index // len(FIRST) + index) % len(LAST)],
        "aliases": [rng.choice(FIRST)[:4]] if rng.random() < 0.3 else [],
        "date_of_birth": dob.isoformat(),
        "legal_status": status,
        "legal_status_start": start.isoformat(),
        "placement_start": start.isoformat() if status == "cla" else None,
        "flags": sorted(flags),
        "identifiers": {"nhs_number": nhs_number(rng), "local_id": f"SYN-{index:05d}", "upn": None},
        "visitor_alerts": ["Do not visit alone"] if rng.random() < 0.1 else [],
        "risk_level": rng.choice(["low", "medium", "medium", "high", "not_at_risk"]),
    }
    return b.record(Kind.child, child_id, data, rid=child_id), data


def _history(b: _Builder, child_id: uuid.UUID, child: dict[str, Any], n: int) -> Iterator[Record]:
    rng, name = b.rng, child["first_name"]
    since = max(
        date.fromisoformat(child["date_of_birth"]) + timedelta(days=365),
        b.today - timedelta(days=3 * 365),
    )
    span = (b.today - since).days
    yield b.record(
        Kind.involvement,
        child_id,
        {
            "name": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
            "agency": rng.choice(AGENCIES),
            "role": "lead professional",
        },
    )
    plan_id = b.uuid()
    yield b.record(
        Kind.plan,
        child_id,
        {
            "plan_type": rng.choice(["cse", "missing", "cp", "safety"]),
            "status": "active",
            "risk_level_now": child["risk_level"],
            "risks": b.note(name, 2),
            "protective_factors": b.note(name, 1),
            "review_date": (b.today + timedelta(days=rng.randrange(-20, 60))).isoformat(),
        },
        rid=plan_id,
    )
    for _ in range(2):
        yield b.record(
            Kind.plan_action,
            child_id,
            {
                "plan_id": str(plan_id),
                "description": f"Check in with {name} about {rng.choice(PLACES)[0]}",
                "owner_agency": rng.choice(AGENCIES),
                "due_date": (b.today + timedelta(days=rng.randrange(-30, 40))).isoformat(),
                "status": rng.choice(["not_started", "in_progress", "completed"]),
                "disruption": rng.random() < 0.3,
            },
        )
    yield b.record(
        Kind.assessment,
        child_id,
        {
            "tool_id": "seraf-like",
            "tool_version": "1",
            "date": (b.today - timedelta(days=rng.randrange(10, 200))).isoformat(),
            "indicators": [],
            "tool_score": rng.randrange(0, 20),
            "tool_category": "Medium",
            "practitioner_level": child["risk_level"],
        },
    )
    remaining = n - 5
    episodes = min(remaining // 6, 12) if "missing" in child["flags"] or rng.random() < 0.3 else 0
    cursor = since
    for i in range(episodes):
        start = cursor + timedelta(days=rng.randrange(5, max(6, span // (episodes + 1))))
        if start >= b.today - timedelta(days=2):
            break
        place = rng.choice(PLACES)
        is_open = i == episodes - 1 and rng.random() < 0.2
        end = (
            None
            if is_open
            else datetime.combine(start, time(23), UTC) + timedelta(hours=rng.randrange(4, 60))
        )
        rhi = {
            "offered": "y",
            "completed_at": (end + timedelta(hours=rng.randrange(10, 120))).isoformat()
            if end and rng.random() < 0.7
            else None,
            "exploitation_concern": rng.choice(["cse", "cce", "none", "unknown"]),
        }
        yield b.record(
            Kind.missing_episode,
            child_id,
            {
                "episode_type": "missing",
                "missing_from": rng.choice(["home", "care_placement"]),
                "start": datetime.combine(start, time(23), UTC).isoformat(),
                "end": end.isoformat() if end else None,
                "reported_to_police": True,
                "found_location": place[0],
                "found_postcode": place[2],
                "return_home_interview": rhi,
                "locations": [{"name": place[0], "type": place[1], "postcode": place[2]}],
            },
        )
        remaining -= 1
        cursor = (end.date() if end else start) + timedelta(days=1)
        if is_open:
            break
    concerns = max(1, remaining // 8)
    for _ in range(concerns):
        place, person, vehicle = rng.choice(PLACES), rng.choice(PERSONS), rng.choice(VEHICLES)
        yield b.record(
            Kind.concern,
            child_id,
            {
                "received_at": b.at(since + timedelta(days=rng.randrange(span))),
                "source": rng.choice(["school", "taxi driver", "neighbour", "hotel"]),
                "category": rng.choice(["cse", "cce", "county_lines"]),
                "narrative": f"{name} seen near {place[0]} with an older person.",
                "reliability": rng.choice(
                    ["confirmed", "corroborated", "single_source", "unverified"]
                ),
                "places": [{"name": place[0], "type": place[1], "postcode": place[2]}],
                "persons": [{"name": person[0], "aliases": person[1], "approx_age": person[2]}],
                "vehicles": [
                    {
                        "registration": vehicle[0],
                        "make": vehicle[1],
                        "model": vehicle[2],
                        "colour": vehicle[3],
                    }
                ],
            },
        )
    remaining -= concerns
    visits = max(1, remaining)
    step = max(1, span // visits)
    for i in range(visits):
        day = since + timedelta(days=i * step % max(span, 1))
        last = i == visits - 1
        visit_id = b.uuid()
        data = {
            "visit_type": rng.choice(
                ["cp_statutory", "cin", "cla_statutory", "direct_work", "health_contact"]
            ),
            "start": b.at(day),
            "end": b.at(day, 11),
            "location_type": rng.choice(["home", "placement", "school"]),
            "child_seen": True,
            "seen_alone": True,
            "observations": b.note(name, 2),
            "childs_words": b.note(name, 1),
            "analysis": b.note(name, 1),
            "status": "draft" if last else "final",
            "finalised_at": None if last else b.at(day, 16),
            "finalised_by": None if last else b.by,
        }
        yield b.record(Kind.visit, child_id, data, rid=visit_id)


def generate_caseload(
    seed: int,
    children: int,
    records_per_child: int,
    *,
    workers: list[str] | None = None,
    today: date | None = None,
    share_every: int = 5,
) -> SyntheticCaseload:
    """A fictional caseload; the same arguments always give the same records.

    Children are dealt round-robin to `workers`; every `share_every`-th child
    is also held by the next worker (a social worker and a health worker).
    """
    workers = workers or ["demo"]
    today = today or date(2026, 11, 1)
    rng = random.Random(seed)
    b = _Builder(rng, today, workers[0])
    records: list[Record] = []
    holders: dict[uuid.UUID, list[str]] = {}
    for index in range(children):
        child_id = b.uuid()
        owner = workers[index % len(workers)]
        held = [owner]
        if len(workers) > 1 and share_every and index % share_every == 0:
            held.append(workers[(index + 1) % len(workers)])
        holders[child_id] = held
        b.by = owner
        child_record, child = _child(b, child_id, index)
        records.append(child_record)
        records.extend(_history(b, child_id, child, max(records_per_child - 1, 6)))
    return SyntheticCaseload(records=records, holders=holders)
