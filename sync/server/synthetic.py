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

from sync.server.synthetic_people import child_places, lead_professional, people_around
from sync.server.synthetic_text import NOT_SEEN, POOLS, PULL, PUSH
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
# A fixed reference day keeps every run identical whatever the clock says;
# the demo passes the day it is loaded instead (see sync.server.demo).
TODAY = date(2026, 11, 1)
# The plan a child's legal status calls for; other children have a
# risk-management plan for what their flags say they are at risk of.
PLAN_FOR_STATUS = {"cp": "cp", "cin": "cin"}
PLAN_FOR_FLAG = [("cse", "cse"), ("cce", "cce"), ("missing", "missing")]
# Roughly how often statutory visits happen, in days, by legal status.
VISIT_EVERY_DAYS = {"cp": 10, "cin": 20, "cla": 30, "care_leaver": 45}
# What a child who is behind has overdue (one thing each): most children are
# up to date on the day the caseload is loaded, as on a real caseload.
BEHIND = ("visit", "recording", "plan_review", "action", "assessment", "interview")
BEHIND_SHARE = 0.15
MISSING_NOW_SHARE = 0.3  # of children flagged "missing" with episodes


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
        self._sentences: dict[tuple[str, str, str], list[str]] = {}
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

    def note(self, name: str, sentences: int, pool: str = "observed") -> str:
        """`sentences` lines from the pool of one field (see synthetic_text)."""
        place = self.pick(PLACES)[0]
        options = self._sentences.get((pool, name, place))
        if options is None:
            options = [s.format(name=name, place=place) for s in POOLS[pool]]
            self._sentences[(pool, name, place)] = options
        count, random = len(options), self.random
        return "\n".join([options[int(random() * count)] for _ in range(sentences)])

    def place(self) -> dict[str, str]:
        name, kind, postcode = self.pick(PLACES)
        return {"name": name, "type": kind, "postcode": postcode}


@dataclass(frozen=True)
class _Plot:
    """What the history of one child is to show on the day it ends."""

    missing_now: bool  # an episode open since a few days ago
    behind: str | None  # the one thing overdue (see BEHIND), or None


def _child(b: _Builder, child_id: uuid.UUID, index: int) -> tuple[Record, dict[str, Any], _Plot]:
    rng = b.rng
    status = STATUSES[index % len(STATUSES)]
    age_days = b.between(6 * 365, 17 * 365)
    if status == "care_leaver":
        # Care leavers are 18 to 21 (the same draw, so every other child's
        # history stays as it was).
        age_days = 18 * 365 + (age_days - 6 * 365) * 3 // 11
    dob = b.today - timedelta(days=age_days)
    start = b.today - timedelta(days=b.between(60, 900))
    flags = rng.sample(["cse", "cce", "missing", "cme", "send", "uasc"], b.between(0, 3))
    first = FIRST[index % len(FIRST)]
    plot = _Plot(
        missing_now="missing" in flags and b.random() < MISSING_NOW_SHARE,
        behind=b.pick(BEHIND) if b.random() < BEHIND_SHARE else None,
    )
    if plot.missing_now:
        risk = b.pick(["medium", "high", "high"])
    elif {"cse", "cce", "missing"} & set(flags):
        risk = b.pick(["low", "medium", "medium", "high"])
    else:
        risk = b.pick(["not_at_risk", "low", "low", "medium"])
    places = child_places(b, status, (b.today - dob).days // 365)
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
        "risk_level": risk,
        **places,
        "address_area": (places.get("placement_address") or places["address"])["town"],
    }
    return b.record(Kind.child, child_id, data, rid=child_id), data, plot


def plan_type_for(child: dict[str, Any]) -> str:
    """A child protection or child in need plan for those statuses; otherwise
    a plan for the risk the child's flags name (a safety plan when none)."""
    if child["legal_status"] in PLAN_FOR_STATUS:
        return PLAN_FOR_STATUS[child["legal_status"]]
    flags = set(child["flags"])
    if {"cse", "cce"} <= flags:
        return "exploitation"
    return next((plan for flag, plan in PLAN_FOR_FLAG if flag in flags), "safety")


def _team(b: _Builder, child_id: uuid.UUID, child: dict[str, Any], plot: _Plot) -> Iterator[Record]:
    """The people around the child, the plan with actions across agencies, a
    screening — reviews and actions due ahead, unless the plot has one behind."""
    name = child["first_name"]
    yield lead_professional(b, child_id, child)
    plan_id = b.new_id()
    review = b.between(-20, -1) if plot.behind == "plan_review" else b.between(7, 90)
    yield b.record(
        Kind.plan,
        child_id,
        {
            "plan_type": plan_type_for(child),
            "status": "active",
            "start_date": child["legal_status_start"],
            "risk_level_start": b.pick(["medium", "high"]),
            "risk_level_now": child["risk_level"],
            "risks": b.note(name, 2, "risks"),
            "protective_factors": b.note(name, 1, "protective"),
            "review_date": (b.today + timedelta(days=review)).isoformat(),
        },
        rid=plan_id,
    )
    for n, agency in enumerate(b.rng.sample(AGENCIES, 2)):
        if plot.behind == "action" and n == 0:
            status, due = b.pick(["not_started", "in_progress", "blocked"]), b.between(-30, -1)
        elif b.random() < 0.4:
            status, due = "completed", b.between(-60, 0)
        else:
            status, due = b.pick(["not_started", "in_progress"]), b.between(3, 45)
        yield b.record(
            Kind.plan_action,
            child_id,
            {
                "plan_id": str(plan_id),
                "description": f"Check in with {name} about {b.pick(PLACES)[0]}",
                "owner_agency": agency,
                "due_date": (b.today + timedelta(days=due)).isoformat(),
                "status": status,
                "disruption": agency == "police" or b.random() < 0.2,
            },
        )
    tool_score = b.between(0, 20)
    category = ["Low", "Medium", "High", "Very high"][min(max(tool_score - 1, 0) // 5, 3)]
    # Reviewed three months on: within the last 80 days it is not yet due.
    age = b.between(100, 160) if plot.behind == "assessment" else b.between(10, 80)
    yield b.record(
        Kind.assessment,
        child_id,
        {
            "tool_id": "seraf-like",
            "tool_version": "1",
            "date": (b.today - timedelta(days=age)).isoformat(),
            "tool_score": tool_score,
            "tool_category": category,
            "practitioner_level": child["risk_level"],
            "rationale": b.note(name, 1, "analysis"),
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
                "decision": "shared",
                "basis": "public_task",
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


def _episodes(b: _Builder, child_id: uuid.UUID, child: dict, since: date, count: int, plot: _Plot):
    """Up to `count` non-overlapping missing episodes over the last two years,
    the newest within the last three months — or open since a few days ago
    when the child is missing now. Return home interviews are done, unless
    the plot leaves the newest one overdue."""
    window = (b.today - max(since, b.today - timedelta(days=730))).days
    slot = max(window // max(count, 1), 8)
    offsets = [b.between(1, 7) if plot.missing_now else b.between(14, 90)]
    while len(offsets) < count:
        offsets.append(offsets[-1] + b.between(max(slot // 2, 8), max(slot * 3 // 2, 9)))
    offsets = [days for days in offsets if days <= window]
    for i, days in enumerate(reversed(offsets)):  # oldest first
        newest = i == len(offsets) - 1
        is_open = newest and plot.missing_now
        place = b.place()
        began = datetime.combine(b.today - timedelta(days=days), time(23), UTC)
        end = None if is_open else began + timedelta(hours=b.between(4, 60))
        rhi: dict[str, Any] = {"offered": "y", "exploitation_concern": b.pick(["cse", "cce"])}
        if end is not None and not (newest and plot.behind == "interview"):
            done = end + timedelta(hours=b.between(10, 70))
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


def _concern(b: _Builder, child_id: uuid.UUID, name: str, since: date) -> Record:
    place, person, vehicle = b.place(), b.pick(PERSONS), b.pick(VEHICLES)
    span = max((b.today - since).days, 1)
    data = {
        "received_at": b.at(since + timedelta(days=b.between(0, span))),
        "source": b.pick(["School", "Taxi driver", "Neighbour", "Hotel staff"]),
        "source_agency": "other",
        "category": b.pick(["cse", "cce", "county_lines"]),
        "narrative": f"{name} seen near {place['name']} with an older person.",
        "reliability": b.pick(["confirmed", "corroborated", "single_source", "unverified"]),
        "places": [place],
        "persons": [{"name": person[0], "aliases": person[1], "approx_age": person[2]}],
        "vehicles": [dict(zip(VEHICLE_FIELDS, vehicle, strict=True))],
    }
    if data["category"] == "county_lines":
        # Intelligence for the police and social care only (need to know);
        # decided from what was drawn, so the rest of the data is as before.
        data["restricted_to"] = ["police", "csc"]
    return b.record(Kind.concern, child_id, data)


def _visits(b: _Builder, child_id: uuid.UUID, child: dict, since: date, count: int, plot: _Plot):
    """Visits at the pace the child's legal status asks, up to a few days
    ago, every 12th followed by an addendum; the newest is still a draft
    (so recording is due). A child behind on visits was last seen weeks ago."""
    name, status = child["first_name"], child["legal_status"]
    every = VISIT_EVERY_DAYS.get(status, 30)
    if plot.behind == "visit":
        newest = every + b.between(5, 20)
    elif plot.behind == "recording":
        newest = b.between(4, 8)
    else:
        newest = b.between(0, 3)  # written up within two working days: not overdue yet
    reach = min(every * count, max((b.today - since).days - newest, count))
    own_type = VISIT_TYPE.get(status, "direct_work")
    types = [own_type, own_type, own_type, "direct_work", "health_contact", "joint_visit"]
    i = 0
    while i < count:
        day = b.today - timedelta(days=newest + (count - 1 - i) * reach // count)
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
            "observations": b.note(name, 2, "observed"),
            "childs_words": b.note(name, 1, "child_said"),
            "analysis": b.note(name, 1, "analysis"),
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


def _history(
    b: _Builder, child_id: uuid.UUID, child: dict[str, Any], plot: _Plot, n: int
) -> Iterator[Record]:
    """Exactly `n` records (n >= 6) of one child's history."""
    since = max(
        date.fromisoformat(child["date_of_birth"]) + timedelta(days=365),
        b.today - timedelta(days=3 * 365),
    )
    yield from _team(b, child_id, child, plot)
    remaining = n - 5
    if remaining >= 12:
        # The people around the child first; a short history keeps room for a visit.
        people = people_around(b, child_id, child)[: max(remaining - 8, 0)]
        extras = people + _extras(b, child_id, child, since)
        remaining -= len(extras)
        yield from extras
    wanted = remaining // 6 if "missing" in child["flags"] or b.random() < 0.3 else 0
    episodes = list(_episodes(b, child_id, child, since, min(wanted, 12), plot))
    remaining -= len(episodes)
    yield from episodes
    concerns = max(1, remaining // 8) if remaining > 1 else 0
    for _ in range(concerns):
        yield _concern(b, child_id, child["first_name"], since)
    yield from _visits(b, child_id, child, since, remaining - concerns, plot)


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
    `today` is the day histories end on (default a fixed 1 Nov 2026): dates
    fall relative to it, so on that day most children are up to date, a few
    have one thing overdue and some are missing now.
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
        child_record, child, plot = _child(b, child_id, index)
        records.append(child_record)
        records.extend(_history(b, child_id, child, plot, max(records_per_child - 1, 6)))
    return SyntheticCaseload(records=records, holders=holders)
