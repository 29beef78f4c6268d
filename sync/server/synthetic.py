"""Deterministic synthetic caseloads: fictional children, years of history.

Used by the demo, the tests and the benchmarks on both ends of the wire (so
it lives in `sync/` and imports nothing from `desktop/`). Every name is
obviously invented; postcodes use the unassigned ZZ area; NHS numbers use the
999 range that is never issued; police references start "ZZ".

Every record's data passes `validate_data`, and each child's missing episodes
pass `check_missing_episode`. Data is compact (defaults are left out) but
timestamps are already in the normalised spelling `validate_data` produces.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sync.wire import Kind, Record

FIRST = (
    "Bramble Juniper Thistle Marigold Pip Wren Sorrel Clover Fennel Hazel Rowan Tansy Basil "
    "Nettle Poppy Quince Sage Teasel Yarrow Acorn Burdock Cobnut Dandelion Elderberry"
).split()
LAST = (
    "Quillfeather Mossgrove Puddingstone Wobbleton Fizzwick Tumbledown Buttonwhistle "
    "Crumblecake Dapplewood Fernhollow Gigglesworth Hobnail Inkwhistle Jollyfield Kettlebrook "
    "Lumpkin Mumblethorpe Nutkins Oddbody Pickleberry"
).split()
# Shared fictional places, so hotspots recur across children.
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
VEHICLES = [
    ("ZZ11ABC", "Fordish", "Sprout", "silver"),
    ("ZZ22DEF", "Vauxwell", "Nova", "black"),
    ("ZZ33GHI", "Toyoda", "Pebble", "white"),
]
VEHICLE_FIELDS = ("registration", "make", "model", "colour")
PERSONS = [
    ("Mister Grue", ["Grue"], 31),
    ("Auntie Scrimshaw", ["Scrim"], 45),
    ("Tall Tobias", [], 22),
]
AGENCIES = ["police", "health", "school_education", "csc", "youth_justice", "camhs", "housing"]
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
    '{name} said: "I just want things to be normal again."',
    "{name} showed me a skateboard trick in the yard and laughed a lot.",
    "Football club on Saturdays is going well; the coach is a protective adult.",
    "{name} has been seen near {place} late in the evening, per the carer.",
    "Talked through the worry about {place}; {name} knows who to call.",
]
NOT_SEEN = ["asleep after a late night", "at a friend's house", "refused to come downstairs"]
PUSH = ["arguments at home about curfew", "bored and lonely in the placement"]
PULL = ["older friends with cars and cash", "free food and vapes at the underpass"]
CONSENT = [
    {"consent": "sought_given"},
    {"consent": "sought_refused", "consent_reason": "parent declined; shared on best interests"},
    {"consent": "not_sought", "consent_reason": "seeking consent would increase the risk"},
]
STATUSES = ["cla", "cp", "cin", "cin", "cp", "early_help", "care_leaver", "cla"]
VISIT_TYPE = {
    "cla": "cla_statutory",
    "cp": "cp_statutory",
    "cin": "cin",
    "care_leaver": "care_leaver",
}
# A fixed reference day keeps every run identical whatever the clock says.
TODAY = date(2026, 11, 1)


@dataclass
class SyntheticCaseload:
    records: list[Record]
    # which workers hold each child (some children are shared by two workers)
    holders: dict[uuid.UUID, list[str]] = field(default_factory=dict)

    def __iter__(self) -> Iterator[Record]:
        return iter(self.records)

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
    """Random choices and record construction; hot paths avoid rng.choice and
    datetime formatting because benchmarks generate 200,000 records."""

    def __init__(self, rng: random.Random, today: date, by: str) -> None:
        self.rng = rng
        self.random = rng.random
        self.today = today
        self.by = by
        self._sentences: dict[tuple[str, str], list[str]] = {}
        self._template = Record.model_construct(
            id=uuid.UUID(int=0),
            kind=Kind.child,
            child_id=uuid.UUID(int=0),
            rev=0,
            deleted=False,
            updated_at=datetime.combine(today, time(9), UTC),
            updated_by=by,
            data={},
        )

    def pick(self, seq: list | tuple) -> Any:
        return seq[int(self.random() * len(seq))]

    def between(self, low: int, high: int) -> int:
        """An int in [low, high)."""
        return low + int(self.random() * (high - low))

    def new_id(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def at(self, d: date, hour: int = 10) -> str:
        # The spelling pydantic's JSON mode gives an aware UTC datetime.
        return f"{d.isoformat()}T{hour:02d}:{int(self.random() * 4) * 15:02d}:00Z"

    def record(
        self, kind: Kind, child_id: uuid.UUID, data: dict, rid: uuid.UUID | None = None
    ) -> Record:
        # Copying a constructed template skips validation (the data is valid
        # by construction; the tests check it) and is faster than model_construct.
        return self._template.model_copy(
            update={
                "id": rid or self.new_id(),
                "kind": kind,
                "child_id": child_id,
                "updated_by": self.by,
                "data": data,
            }
        )

    def note(self, name: str, sentences: int) -> str:
        place = self.pick(PLACES)[0]
        options = self._sentences.get((name, place))
        if options is None:
            options = [s.format(name=name, place=place) for s in SENTENCES]
            self._sentences[(name, place)] = options
        count, random = len(options), self.random
        return "\n".join([options[int(random() * count)] for _ in range(sentences)])

    def place(self) -> dict[str, str]:
        name, kind, postcode = self.pick(PLACES)
        return {"name": name, "type": kind, "postcode": postcode}


def _child(b: _Builder, child_id: uuid.UUID, index: int) -> tuple[Record, dict[str, Any]]:
    rng = b.rng
    status = STATUSES[index % len(STATUSES)]
    dob = b.today - timedelta(days=b.between(6 * 365, 17 * 365))
    start = b.today - timedelta(days=b.between(60, 900))
    flags = rng.sample(["cse", "cce", "missing", "cme", "send", "uasc"], b.between(0, 3))
    first = FIRST[index % len(FIRST)]
    data = {
        "first_name": first,
        "last_name": LAST[(index // len(FIRST) + index) % len(LAST)],
        "aliases": [b.pick(FIRST)[:4]] if b.random() < 0.3 else [],
        "date_of_birth": dob.isoformat(),
        "legal_status": status,
        "legal_status_start": start.isoformat(),
        "placement_start": start.isoformat() if status == "cla" else None,
        "flags": sorted(flags),
        "identifiers": {"nhs_number": nhs_number(rng), "local_id": f"SYN-{index:05d}", "upn": None},
        "missing_profile": {
            "description": "slim build, usually in a grey hoodie",
            "associates": [b.pick(PERSONS)[0]],
            "locations_frequented": [b.pick(PLACES)[0]],
        }
        if "missing" in flags
        else {},
        "visitor_alerts": ["Do not visit alone"] if b.random() < 0.1 else [],
        "risk_level": b.pick(["low", "medium", "medium", "high", "not_at_risk"]),
        "address_area": b.pick(["Wobbleton", "Fizzwick", "Gigglesworth", "Puddle Lane"]),
    }
    return b.record(Kind.child, child_id, data, rid=child_id), data


def _team(b: _Builder, child_id: uuid.UUID, child: dict[str, Any]) -> Iterator[Record]:
    """The people around the child, the plan with actions across agencies, a screening."""
    name = child["first_name"]
    yield b.record(
        Kind.involvement,
        child_id,
        {"name": f"{b.pick(FIRST)} {b.pick(LAST)}", "agency": b.pick(AGENCIES), "role": "lead"},
    )
    plan_id = b.new_id()
    yield b.record(
        Kind.plan,
        child_id,
        {
            "plan_type": b.pick(["cse", "missing", "cp", "safety", "exploitation"]),
            "status": "active",
            "start_date": child["legal_status_start"],
            "risk_level_start": "high",
            "risk_level_now": child["risk_level"],
            "risks": b.note(name, 2),
            "protective_factors": b.note(name, 1),
            "review_date": (b.today + timedelta(days=b.between(-20, 60))).isoformat(),
        },
        rid=plan_id,
    )
    for agency in b.rng.sample(AGENCIES, 2):
        yield b.record(
            Kind.plan_action,
            child_id,
            {
                "plan_id": str(plan_id),
                "description": f"Check in with {name} about {b.pick(PLACES)[0]}",
                "owner_agency": agency,
                "due_date": (b.today + timedelta(days=b.between(-30, 40))).isoformat(),
                "status": b.pick(["not_started", "in_progress", "completed", "blocked"]),
                "disruption": agency == "police" or b.random() < 0.2,
            },
        )
    tool_score = b.between(0, 20)
    category = ["Low", "Medium", "High", "Very high"][min(max(tool_score - 1, 0) // 5, 3)]
    yield b.record(
        Kind.assessment,
        child_id,
        {
            "tool_id": "seraf-like",
            "tool_version": "1",
            "date": (b.today - timedelta(days=b.between(10, 200))).isoformat(),
            "tool_score": tool_score,
            "tool_category": category,
            "practitioner_level": child["risk_level"],
            "rationale": b.note(name, 1),
        },
    )


def _extras(b: _Builder, child_id: uuid.UUID, child: dict[str, Any], since: date) -> list[Record]:
    """A multi-agency meeting, a record of sharing, an alert and a missing-education
    episode where the child's flags call for them."""
    span = max((b.today - since).days, 1)
    day = since + timedelta(days=b.between(0, span))
    out = [
        b.record(
            Kind.meeting,
            child_id,
            {
                "meeting_type": b.pick(["mset", "core_group", "strategy_discussion"]),
                "date": day.isoformat(),
                "attendees": [
                    {"name": f"{b.pick(FIRST)} {b.pick(LAST)}", "agency": a, "attended": True}
                    for a in ("csc", "police", "school_education")
                ],
                "decisions": f"Disrupt contact at {b.pick(PLACES)[0]}.\nReview in six weeks.",
                "risk_level_agreed": child["risk_level"],
                "outcome_shared": [{"agency": "health", "shared": True, "date": day.isoformat()}],
            },
        ),
        b.record(
            Kind.sharing,
            child_id,
            {
                "what": "Missing episode summary and places of concern",
                "agency": b.pick(["police", "health", "school_education"]),
                "purpose": "safeguarding",
                "lawful_basis": "Children Act 1989 s.47",
                **b.pick(CONSENT),
                "date": day.isoformat(),
                "shared_by": b.by,
            },
        ),
    ]
    if child["visitor_alerts"]:
        out.append(
            b.record(Kind.alert, child_id, {"text": "Do not visit alone", "severity": "danger"})
        )
    if "cme" in child["flags"]:
        out.append(
            b.record(
                Kind.cme_episode,
                child_id,
                {
                    "school": "Puddingstone Academy",
                    "notified_at": day.isoformat(),
                    "enquiries": [{"date": day.isoformat(), "action": "Home visit, no answer"}],
                    "status": "located",
                },
            )
        )
    return out


def _episodes(b: _Builder, child_id: uuid.UUID, child: dict, since: date, count: int):
    """Non-overlapping missing episodes with return home interviews; the last may be open."""
    span = (b.today - since).days
    cursor = since
    for i in range(count):
        start = cursor + timedelta(days=b.between(5, max(6, span // (count + 1))))
        if start >= b.today - timedelta(days=2):
            return
        place = b.place()
        is_open = i == count - 1 and b.random() < 0.2
        began = datetime.combine(start, time(23), UTC)
        end = None if is_open else began + timedelta(hours=b.between(4, 60))
        rhi: dict[str, Any] = {"offered": "y", "exploitation_concern": b.pick(["cse", "cce"])}
        if end and b.random() < 0.7:
            done = end + timedelta(hours=b.between(10, 120))
            rhi |= {
                "offered_at": end.isoformat().replace("+00:00", "Z"),
                "accepted": True,
                "completed_at": done.isoformat().replace("+00:00", "Z"),
                "completed_by": b.by,
                "push_factors": b.pick(PUSH),
                "pull_factors": b.pick(PULL),
            }
        yield b.record(
            Kind.missing_episode,
            child_id,
            {
                "episode_type": "missing",
                "missing_from": "care_placement" if child["legal_status"] == "cla" else "home",
                "start": began.isoformat().replace("+00:00", "Z"),
                "end": end.isoformat().replace("+00:00", "Z") if end else None,
                "reported_to_police": True,
                "police_reference": f"ZZ-{b.between(10000, 99999)}",
                "found_location": None if is_open else place["name"],
                "found_postcode": None if is_open else place["postcode"],
                "found_with": None if is_open else b.pick(PERSONS)[0],
                "return_home_interview": rhi,
                "locations": [place],
                "associates": [b.pick(PERSONS)[0]],
            },
        )
        if end is None:  # still open: nothing after it
            return
        cursor = end.date() + timedelta(days=1)


def _concern(b: _Builder, child_id: uuid.UUID, name: str, since: date) -> Record:
    place, person, vehicle = b.place(), b.pick(PERSONS), b.pick(VEHICLES)
    span = max((b.today - since).days, 1)
    return b.record(
        Kind.concern,
        child_id,
        {
            "received_at": b.at(since + timedelta(days=b.between(0, span))),
            "source": b.pick(["school", "taxi driver", "neighbour", "hotel"]),
            "source_agency": "other",
            "category": b.pick(["cse", "cce", "county_lines"]),
            "narrative": f"{name} seen near {place['name']} with an older person.",
            "reliability": b.pick(["confirmed", "corroborated", "single_source", "unverified"]),
            "places": [place],
            "persons": [{"name": person[0], "aliases": person[1], "approx_age": person[2]}],
            "vehicles": [dict(zip(VEHICLE_FIELDS, vehicle, strict=True))],
        },
    )


def _visits(b: _Builder, child_id: uuid.UUID, child: dict, since: date, count: int):
    """Visits spread evenly up to today, every 12th followed by an addendum;
    the newest is still a draft (so recording is due)."""
    name, span = child["first_name"], max((b.today - since).days, 1)
    own_type = VISIT_TYPE.get(child["legal_status"], "direct_work")
    types = [own_type, own_type, own_type, "direct_work", "health_contact", "joint_visit"]
    i = 0
    while i < count:
        day = since + timedelta(days=i * span // count)
        final = i < count - 1
        seen = b.random() < 0.93
        visit_id = b.new_id()
        data = {
            "visit_type": b.pick(types),
            "start": b.at(day),
            "end": b.at(day, 11),
            "location_type": b.pick(["home", "placement", "school", "community"]),
            "announced": b.random() < 0.8,
            "child_seen": seen,
            "not_seen_reason": None if seen else b.pick(NOT_SEEN),
            "seen_alone": seen,
            "not_seen_alone_reason": None,
            "observations": b.note(name, 2),
            "childs_words": b.note(name, 1),
            "analysis": b.note(name, 1),
            "status": "final" if final else "draft",
            "finalised_at": b.at(day, 16) if final else None,
            "finalised_by": b.by if final else None,
        }
        yield b.record(Kind.visit, child_id, data, rid=visit_id)
        i += 1
        if final and i % 12 == 0 and i < count - 1:
            yield b.record(
                Kind.addendum,
                child_id,
                {
                    "visit_id": str(visit_id),
                    "reason": "later_information",
                    "text": f"School later confirmed {name} was in class that afternoon.",
                    "written_at": b.at(day + timedelta(days=3), 9),
                },
            )
            i += 1


def _history(b: _Builder, child_id: uuid.UUID, child: dict[str, Any], n: int) -> Iterator[Record]:
    """Exactly `n` records (n >= 6) of one child's history."""
    since = max(
        date.fromisoformat(child["date_of_birth"]) + timedelta(days=365),
        b.today - timedelta(days=3 * 365),
    )
    yield from _team(b, child_id, child)
    remaining = n - 5
    if remaining >= 12:
        extras = _extras(b, child_id, child, since)
        remaining -= len(extras)
        yield from extras
    wanted = remaining // 6 if "missing" in child["flags"] or b.random() < 0.3 else 0
    episodes = list(_episodes(b, child_id, child, since, min(wanted, 12)))
    remaining -= len(episodes)
    yield from episodes
    concerns = max(1, remaining // 8) if remaining > 1 else 0
    for _ in range(concerns):
        yield _concern(b, child_id, child["first_name"], since)
    yield from _visits(b, child_id, child, since, remaining - concerns)


def generate_caseload(
    seed: int,
    children: int,
    records_per_child: int,
    *,
    workers: list[str] | None = None,
    today: date | None = None,
    share_every: int = 5,
) -> SyntheticCaseload:
    """A fictional caseload of `children` * max(records_per_child, 7) records;
    the same arguments always give the same records.

    Children are dealt round-robin to `workers`; every `share_every`-th child
    is also held by the next worker (a social worker and a health worker).
    `today` is the fixed reference day histories end on (default 1 Nov 2026).
    """
    workers = workers or ["demo"]
    rng = random.Random(seed)
    b = _Builder(rng, today or TODAY, workers[0])
    records: list[Record] = []
    holders: dict[uuid.UUID, list[str]] = {}
    for index in range(children):
        child_id = b.new_id()
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
