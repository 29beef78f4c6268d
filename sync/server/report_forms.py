"""What a partner agency may report, the fields of each report's form, and
how a filled form becomes a record of an existing kind.

A school reports a child missing education, or taken off its roll (with
the ground of the 2024 Regulations); the police report a child missing, a
child found, or a concern with the places, persons and vehicles it names;
health reports a concern. Each becomes a `cme_episode`, `missing_episode`
or `concern` carrying the reporting agency, how far it can be relied on and
the report's id (`partner_report_id`, by which a laptop marks it new).

`read_form` either returns the report, or raises `ReportInvalid` with one
plain message per form field, in the form's own words: nothing is stored
from a form that fails (the caller has not opened a transaction yet).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from sync.errors import RecordInvalid
from sync.kinds import validate_data
from sync.kinds.common import Agency, Choice, Reliability, _postcode, _registration
from sync.kinds.episodes import ConcernCategory, DeletionGround, MissingFrom

ENGLAND = ZoneInfo("Europe/London")


class ReportType(Choice):
    cme = "cme", "Child missing education"
    removed_from_roll = "removed_from_roll", "Taken off the school roll"
    missing = "missing", "Child missing"
    found = "found", "Child found"
    concern = "concern", "A concern about a child"


# Which agency reports what. Other agencies have no form (yet).
REPORTS_OF: dict[Agency, tuple[ReportType, ...]] = {
    Agency.school_education: (ReportType.cme, ReportType.removed_from_roll),
    Agency.police: (ReportType.missing, ReportType.found, ReportType.concern),
    Agency.health: (ReportType.concern,),
}

KIND_OF = {
    ReportType.cme: "cme_episode",
    ReportType.removed_from_roll: "cme_episode",
    ReportType.missing: "missing_episode",
    ReportType.found: "missing_episode",
    ReportType.concern: "concern",
}


@dataclass(frozen=True)
class FormField:
    name: str
    label: str
    input: str = "text"  # text | date | datetime | choice | textarea
    required: bool = False
    choices: type[Choice] | None = None
    hint: str = ""
    group: str = ""  # a fieldset's legend, for the repeated parts


CHILD_FIELDS = (
    FormField("first_name", "Child's first name", required=True),
    FormField("last_name", "Child's last name", required=True),
    FormField("date_of_birth", "Child's date of birth", "date", required=True),
    FormField("nhs_number", "Child's NHS number", hint="10 digits, if you know it"),
)
RELIABILITY = FormField("reliability", "How far this can be relied on", "choice", True, Reliability)


def _parts(prefix: str, legend: str, specs: tuple[tuple[str, str], ...]) -> tuple[FormField, ...]:
    return tuple(
        FormField(f"{prefix}_{name}_{n}", f"{words} ({legend.lower()} {n})", group=f"{legend} {n}")
        for n in (1, 2)
        for name, words in specs
    )


PLACES = _parts("place", "Place", (("name", "Place name"), ("postcode", "Postcode")))
PERSONS = _parts("person", "Person", (("name", "Name"), ("description", "Description")))
VEHICLES = _parts(
    "vehicle",
    "Vehicle",
    (("registration", "Registration"), ("make", "Make"), ("colour", "Colour")),
)

FIELDS: dict[ReportType, tuple[FormField, ...]] = {
    ReportType.cme: (
        FormField("school", "School", required=True),
        FormField(
            "enquiries",
            "What the school has done to find the child",
            "textarea",
            hint="Calls, letters, home visits: who and when",
        ),
        RELIABILITY,
    ),
    ReportType.removed_from_roll: (
        FormField("school", "School", required=True),
        FormField(
            "deletion_ground",
            "Why the child was taken off the roll",
            "choice",
            True,
            DeletionGround,
        ),
        FormField("details", "Anything else the council should know", "textarea"),
        RELIABILITY,
    ),
    ReportType.missing: (
        FormField("missing_since", "Missing since", "datetime", required=True),
        FormField("missing_from", "Missing from", "choice", choices=MissingFrom),
        FormField("last_seen", "Where last seen"),
        FormField("last_seen_postcode", "Postcode where last seen"),
        FormField("seen_with", "Seen with"),
        FormField("police_reference", "Police reference"),
        RELIABILITY,
    ),
    ReportType.found: (
        FormField("missing_since", "Missing since", "datetime", required=True),
        FormField("found_at", "Found at (date and time)", "datetime", required=True),
        FormField("found_location", "Where found"),
        FormField("found_postcode", "Postcode where found"),
        FormField("found_with", "Found with"),
        FormField("police_reference", "Police reference"),
        RELIABILITY,
    ),
    ReportType.concern: (
        FormField("received_at", "When you learnt of it", "datetime", required=True),
        FormField("category", "What the concern is about", "choice", True, ConcernCategory),
        FormField("narrative", "The concern", "textarea", required=True),
        RELIABILITY,
        *PLACES,
        *PERSONS,
        *VEHICLES,
    ),
}

# A record's field (dotted path, as RecordInvalid names it) → its form field.
_FORM_FIELD_OF = {
    "start": "missing_since",
    "end": "found_at",
    "locations": "last_seen",
    "associates": "seen_with",
    "enquiries": "enquiries",
    "removal_ground": "details",
    "status": "school",
}


class ReportInvalid(ValueError):
    """A form that cannot be stored: `errors` maps a form field's name to a
    plain sentence saying what is wrong with it (never what was typed)."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


@dataclass
class Report:
    """A filled form, read: who the child is (as the partner knows them), and
    the data of the record it becomes."""

    report_type: ReportType
    child: dict[str, Any]
    kind: str
    data: dict[str, Any] = field(default_factory=dict)


def fields_of(report_type: ReportType) -> tuple[FormField, ...]:
    return CHILD_FIELDS + FIELDS[report_type]


def read_form(agency: str, report_type: str, form: dict[str, str], *, now: dt.datetime) -> Report:
    """The report a partner of `agency` filled in (`form`: input name → text,
    as posted), or ReportInvalid. `partner_report_id` is left for the caller."""
    try:
        rtype = ReportType(report_type)
    except ValueError:
        raise ReportInvalid({"report_type": "Choose which kind of report this is."}) from None
    if rtype not in REPORTS_OF.get(Agency(agency), ()):
        raise ReportInvalid({"report_type": "Your agency does not make this kind of report."})
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for f in fields_of(rtype):
        text = (form.get(f.name) or "").strip()
        if not text:
            if f.required:
                errors[f.name] = f"Enter {f.label[0].lower() + f.label[1:]}."
            continue
        try:
            values[f.name] = _parse(f, text)
        except ValueError as exc:
            words = str(exc)
            errors[f.name] = words[:1].upper() + words[1:] + ("" if words.endswith(".") else ".")
    if errors:
        raise ReportInvalid(errors)
    child = {
        "first_name": values["first_name"],
        "last_name": values["last_name"],
        "date_of_birth": values["date_of_birth"].isoformat(),
        "legal_status": "none",
    }
    if "nhs_number" in values:
        child["identifiers"] = {"nhs_number": values["nhs_number"]}
    try:
        child = validate_data("child", child)
    except RecordInvalid as exc:
        name = "nhs_number" if "nhs_number" in exc.field else exc.field.split(".")[0]
        raise ReportInvalid({name: _plain(exc)}) from None
    data = _record_data(rtype, agency, values, now)
    try:
        data = validate_data(KIND_OF[rtype], data)
    except RecordInvalid as exc:
        raise ReportInvalid({_form_field(exc.field): _plain(exc)}) from None
    return Report(rtype, child, KIND_OF[rtype], data)


_PART_PREFIX = {"places": "place", "persons": "person", "vehicles": "vehicle"}


def _form_field(path: str) -> str:
    """The form field a record's dotted path came from."""
    parts = path.split(".")
    if parts[0] in _PART_PREFIX and len(parts) >= 3 and parts[1].isdigit():
        return f"{_PART_PREFIX[parts[0]]}_{parts[2]}_{int(parts[1]) + 1}"
    if parts[0] == "locations" and parts[-1] == "postcode":
        return "last_seen_postcode"
    return _FORM_FIELD_OF.get(parts[0], parts[0])


def _plain(exc: RecordInvalid) -> str:
    """The schema's message without its field name in front: the form shows it
    beside the field."""
    message = exc.message
    prefix = f"{exc.field}: "
    text = message[len(prefix) :] if message.startswith(prefix) else message
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


def _parse(f: FormField, text: str) -> Any:
    if f.input == "date":
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            raise ValueError("Enter a date, for example 2026-03-31.") from None
    if f.input == "datetime":
        try:
            local = dt.datetime.fromisoformat(text)
        except ValueError:
            raise ValueError("Enter a date and time, for example 2026-03-31 14:30.") from None
        # The browser sends England's wall-clock time; stored as UTC.
        local = local if local.tzinfo else local.replace(tzinfo=ENGLAND)
        return local.astimezone(dt.UTC)
    if f.input == "choice" and f.choices is not None:
        if text not in f.choices._value2member_map_:
            raise ValueError("Choose one of the options.")
        return text
    if f.name == "nhs_number":
        return text.replace(" ", "")
    # Checked here, not only by the kind: the record's lists close up empty
    # rows, so only the form knows which row's postcode it was.
    if "postcode" in f.name:
        return _postcode(text)
    if "registration" in f.name:
        return _registration(text)
    return text


def _record_data(
    rtype: ReportType, agency: str, v: dict[str, Any], now: dt.datetime
) -> dict[str, Any]:
    today = now.astimezone(ENGLAND).date().isoformat()
    source = {"source_agency": agency, "reliability": v["reliability"]}
    if rtype is ReportType.cme:
        enquiries = []
        if "enquiries" in v:
            enquiries = [{"date": today, "action": v["enquiries"], "made_by": v["school"]}]
        return {"school": v["school"], "notified_at": today, "enquiries": enquiries, **source}
    if rtype is ReportType.removed_from_roll:
        return {
            "school": v["school"],
            "notified_at": today,
            "deletion_ground": v["deletion_ground"],
            "removal_ground": v.get("details"),
            **source,
        }
    if rtype in (ReportType.missing, ReportType.found):
        data: dict[str, Any] = {
            "start": v["missing_since"].isoformat(),
            "missing_from": v.get("missing_from"),
            "reported_to_police": True,
            "police_reference": v.get("police_reference"),
            **source,
        }
        if rtype is ReportType.missing:
            if "last_seen" in v or "last_seen_postcode" in v:
                data["locations"] = [
                    {
                        "name": v.get("last_seen"),
                        "type": "last seen",
                        "postcode": v.get("last_seen_postcode"),
                    }
                ]
            if "seen_with" in v:
                data["associates"] = [v["seen_with"]]
        else:
            data |= {
                "end": v["found_at"].isoformat(),
                "found_location": v.get("found_location"),
                "found_postcode": v.get("found_postcode"),
                "found_with": v.get("found_with"),
            }
        return data
    return {
        "received_at": v["received_at"].isoformat(),
        "source": f"{Agency(agency).words} (partner report)",
        "category": v["category"],
        "narrative": v["narrative"],
        **source,
        "places": _rows(v, "place", ("name", "postcode")),
        "persons": _rows(v, "person", ("name", "description")),
        "vehicles": _rows(v, "vehicle", ("registration", "make", "colour")),
    }


def _rows(v: dict[str, Any], prefix: str, names: tuple[str, ...]) -> list[dict[str, Any]]:
    rows = []
    for n in (1, 2):
        row = {name: v[f"{prefix}_{name}_{n}"] for name in names if f"{prefix}_{name}_{n}" in v}
        if row:
            rows.append(row)
    return rows
