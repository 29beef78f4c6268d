"""Record kinds: one schema per kind, shared by the client and the service.

Public API (other modules rely on exactly these names):

- ``KINDS``: mapping kind name -> pydantic model of the record's ``data``.
- ``validate_data(kind, data) -> dict``: the normalised JSON-ready data, or
  ``RecordInvalid`` naming the field and, for enums, the allowed values.
- ``check_update(kind, old, new)``: refuses changes the rules forbid (a final
  visit is never changed), raising ``RecordInvalid``.
- ``check_missing_episode(new, others, date_of_birth)``: cross-record rules.
- ``long_text_fields(kind) -> frozenset[str]``: fields merged line-wise.
- ``text_for_search``, ``places_named``, ``display_name``: derived views.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ValidationError

from sync.errors import RecordInvalid
from sync.kinds.casework import Addendum, Assessment, Meeting, Plan, PlanAction, Visit
from sync.kinds.common import KindData
from sync.kinds.episodes import CmeEpisode, Concern, MissingEpisode, check_missing_episode
from sync.kinds.people import Alert, Child, Involvement, Sharing

KINDS: dict[str, type[KindData]] = {
    "child": Child,
    "involvement": Involvement,
    "assessment": Assessment,
    "plan": Plan,
    "plan_action": PlanAction,
    "meeting": Meeting,
    "visit": Visit,
    "addendum": Addendum,
    "missing_episode": MissingEpisode,
    "cme_episode": CmeEpisode,
    "concern": Concern,
    "sharing": Sharing,
    "alert": Alert,
}

# On a final visit only these may change: a note written on the wrong child's
# file must still be markable as entered in error.
_FINAL_VISIT_MUTABLE = frozenset({"entered_in_error", "entered_in_error_reason"})


def model_for(kind: str) -> type[KindData]:
    try:
        return KINDS[kind]
    except KeyError:
        allowed = ", ".join(KINDS)
        raise RecordInvalid("kind", f"kind: unknown kind; allowed: {allowed}") from None


def validate_data(kind: str, data: dict[str, Any]) -> dict[str, Any]:
    """Validate and normalise; the result round-trips through JSON unchanged."""
    model = model_for(kind)
    if not isinstance(data, dict):
        raise RecordInvalid("data", "data: must be an object")
    try:
        return model.model_validate(data).model_dump(mode="json")
    except ValidationError as exc:
        raise _as_record_invalid(exc) from None


def _as_record_invalid(exc: ValidationError) -> RecordInvalid:
    # The first error is enough for a worker to act on. Pydantic's messages
    # name the expected values but never echo the rejected input.
    error = exc.errors(include_url=False, include_input=False)[0]
    field = ".".join(str(part) for part in error["loc"])
    message = error["msg"].removeprefix("Value error, ")
    if not field and ": " in message:
        # Cross-field rules raise "field: message" from a model validator.
        field, _, message = message.partition(": ")
    if error["type"] == "extra_forbidden":
        message = "is not a field of this kind"
    elif error["type"] == "missing":
        message = "is required"
    return RecordInvalid(field, f"{field}: {message}" if field else message)


def check_update(kind: str, old: dict[str, Any] | None, new: dict[str, Any]) -> None:
    """Refuse an update the rules forbid. `old` is None for a create."""
    if old is None:
        return
    if kind == "visit" and old.get("status") == "final":
        changed = {k for k in set(old) | set(new) if old.get(k) != new.get(k)}
        if changed - _FINAL_VISIT_MUTABLE:
            raise RecordInvalid(
                "status",
                "status: this visit note is final and cannot be changed; "
                "add an addendum to correct or add to it",
            )
    if kind == "addendum" and old.get("visit_id") != new.get("visit_id"):
        raise RecordInvalid("visit_id", "visit_id: an addendum cannot move to another visit")


def long_text_fields(kind: str) -> frozenset[str]:
    return model_for(kind).long_text


def display_name(child: dict[str, Any]) -> str:
    first = child.get("preferred_name") or child.get("first_name") or ""
    return f"{first} {child.get('last_name') or ''}".strip()


def _texts(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [t for item in value for t in _texts(item)]
    if isinstance(value, dict):
        return [t for item in value.values() for t in _texts(item)]
    return []


def text_for_search(kind: str, data: dict[str, Any]) -> str:
    """Names, aliases and free text of a record, for the full-text index."""
    parts = [t for name in model_for(kind).search_text for t in _texts(data.get(name))]
    if kind == "concern":
        for person in data.get("persons") or []:
            parts += _texts([person.get("name"), person.get("aliases"), person.get("description")])
        parts += [v.get("registration") or "" for v in data.get("vehicles") or []]
    if kind in ("concern", "missing_episode"):
        parts += _texts([p.get("name") for p in data.get("places") or data.get("locations") or []])
    if kind == "missing_episode":
        parts += _texts(data.get("return_home_interview") or {})
    return "\n".join(p for p in parts if p)


def places_named(kind: str, data: dict[str, Any]) -> list[dict[str, Any]]:
    """Places a record names, for hotspots: concerns' places, missing
    episodes' locations and where the child was found."""
    if kind == "concern":
        return [dict(p) for p in data.get("places") or []]
    if kind == "missing_episode":
        places = [dict(p) for p in data.get("locations") or []]
        if data.get("found_location"):
            places.append(
                {
                    "name": data["found_location"],
                    "type": "found",
                    "postcode": data.get("found_postcode"),
                }
            )
        return places
    return []


__all__ = [
    "KINDS",
    "BaseModel",
    "RecordInvalid",
    "check_missing_episode",
    "check_update",
    "display_name",
    "long_text_fields",
    "model_for",
    "places_named",
    "text_for_search",
    "validate_data",
]
