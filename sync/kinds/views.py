"""Derived views of record data: a child's display name, the text a record
contributes to full-text search, and the places it names (for hotspots).

These read validated data dicts (as `validate_data` returns them) and never
raise on missing optional fields.
"""

from __future__ import annotations

from typing import Any

from sync.kinds.registry import model_for


def display_name(child: dict[str, Any]) -> str:
    """The name a worker knows the child by: preferred name, else first name."""
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


# Nested parts whose text is searchable, beyond each kind's own `search_text`.
# Only names and free text: enum values and dates would flood the index.
_NESTED: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "child": (
        ("missing_profile", ("description", "associates", "locations_frequented")),
        ("identifiers", ("local_id",)),
    ),
    "assessment": (("indicators", ("text", "note")),),
    "meeting": (("attendees", ("name",)),),
    "cme_episode": (("enquiries", ("action", "result")),),
    "concern": (
        ("persons", ("name", "aliases", "description")),
        ("vehicles", ("registration", "make", "model", "colour")),
        ("places", ("name", "postcode")),
    ),
    "missing_episode": (
        ("locations", ("name", "postcode")),
        (
            "return_home_interview",
            ("push_factors", "pull_factors", "harm_disclosed", "reason_not_done"),
        ),
    ),
}


def text_for_search(kind: str, data: dict[str, Any]) -> str:
    """Names, aliases and free text of a record, one piece a line, for FTS."""
    parts: list[str] = []
    # A sync derives this for every record it pulls: plain strings, by far
    # the usual value, skip the general walk.
    for name in model_for(kind).search_text:
        value = data.get(name)
        if type(value) is str:
            parts.append(value)
        elif value:
            parts += _texts(value)
    for container, fields in _NESTED.get(kind, ()):
        value = data.get(container) or []
        items = value if isinstance(value, list) else [value]
        for item in items:
            if isinstance(item, dict):
                parts += [t for f in fields for t in _texts(item.get(f))]
    return "\n".join([p for p in parts if p])


def places_named(kind: str, data: dict[str, Any]) -> list[dict[str, Any]]:
    """Places a record names, for hotspots, each {name, type, postcode}:
    concerns' places, missing episodes' locations and where the child was found."""
    if kind == "concern":
        return [_place(p) for p in data.get("places") or []]
    if kind == "missing_episode":
        places = [_place(p) for p in data.get("locations") or []]
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


def _place(place: dict[str, Any]) -> dict[str, Any]:
    return {"name": place.get("name"), "type": place.get("type"), "postcode": place.get("postcode")}
