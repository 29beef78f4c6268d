"""What a record names for hotspots: the places, persons and vehicles in it,
each with a key under which mentions of one thing are recognised as the same.

Workers type the same park, man or car differently: "Gnarly Park" and
"gnarly  park.", "Mister Grue" and "mister grue", "ZZ11 ABC" and "zz11abc".
A key is what is left when case, accents, punctuation and spacing are taken
away; a place with a postcode is keyed by its postcode (sync.kinds spells
postcodes one way), as the laptop's own hotspots are. A vehicle is keyed by
its registration only: a colour and a make name no car. Mentions that name
nothing (an empty name, a person known only by a description) have no key
and are left out.

Decided here, in `sync/kinds`, so the central record and a laptop could
count the same things the same way.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from typing import Any, NamedTuple

from sync.kinds.common import Choice


class Named(Choice):
    place = "place", "Place"
    person = "person", "Person"
    vehicle = "vehicle", "Vehicle"


class Mention(NamedTuple):
    what: Named
    key: str  # the normalised key; mentions with one key are one thing
    label: str  # as typed (trimmed), for showing


_NOT_WORD = re.compile(r"[^\w]+")


def text_key(text: str | None) -> str:
    """`text` without case, accents, punctuation or extra spacing ('' for none)."""
    if not text:
        return ""
    plain = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    return " ".join(_NOT_WORD.sub(" ", plain.casefold()).split())


def registration_key(text: str | None) -> str:
    """A registration without spaces or dashes, in capitals."""
    return re.sub(r"[\s-]+", "", text or "").upper()


def _label(text: str | None) -> str:
    return " ".join((text or "").split())


def _place(place: dict[str, Any]) -> Mention | None:
    postcode = registration_key(place.get("postcode"))
    name = _label(place.get("name"))
    if postcode:
        return Mention(Named.place, f"pc:{postcode}", name or _label(place.get("postcode")))
    key = text_key(name)
    return Mention(Named.place, f"name:{key}", name) if key else None


def _person(name: str | None, aliases: list[str] | None = None) -> Mention | None:
    # A person known only by an alias is keyed by it (the first one).
    shown = _label(name) or next((_label(a) for a in aliases or [] if _label(a)), "")
    key = text_key(shown)
    return Mention(Named.person, key, shown) if key else None


def _vehicle(vehicle: dict[str, Any]) -> Mention | None:
    key = registration_key(vehicle.get("registration"))
    return Mention(Named.vehicle, key, key) if key else None


def _mentions(kind: str, data: dict[str, Any]) -> Iterator[Mention | None]:
    if kind == "missing_episode":
        for place in data.get("locations") or []:
            yield _place(place)
        if data.get("found_location") or data.get("found_postcode"):
            yield _place(
                {"name": data.get("found_location"), "postcode": data.get("found_postcode")}
            )
        for name in data.get("associates") or []:
            yield _person(name)
        yield _person(data.get("found_with"))
    elif kind in ("concern", "meeting"):
        for place in data.get("places") or []:
            yield _place(place)
        for person in data.get("persons") or []:
            yield _person(person.get("name"), person.get("aliases"))
        for vehicle in data.get("vehicles") or []:
            yield _vehicle(vehicle)


def mentions(kind: str, data: dict[str, Any]) -> list[Mention]:
    """The places, persons and vehicles a record of `kind` names, each thing
    once (a record naming one park twice counts it once). None for a record
    entered in error: it names nothing that happened."""
    if data.get("entered_in_error"):
        return []
    seen: dict[tuple[Named, str], Mention] = {}
    for found in _mentions(kind, data):
        if found is not None:
            seen.setdefault((found.what, found.key), found)
    return list(seen.values())
