"""Derived views of record data: a child's display name, the text a record
contributes to full-text search, and the places it names (for hotspots).

These read validated data dicts (as `validate_data` returns them) and never
raise on missing optional fields.
"""

from __future__ import annotations

import types
import typing
from functools import cache
from typing import Any

from pydantic import BaseModel

from sync.kinds.common import Choice
from sync.kinds.people import display_name
from sync.kinds.registry import KINDS, model_for

__all__ = ["display_name", "kind_label", "places_named", "text_for_search", "words_for"]


def kind_label(kind: str) -> str:
    """What a record of `kind` is called ('Missing education'); the kind
    itself when it is not one."""
    model = KINDS.get(kind)
    return model.label if model else kind


def _choices(annotation: Any, seen: set[type]) -> set[type[Choice]]:
    """The Choices a field's type can hold, through optionals, lists and parts."""
    found: set[type[Choice]] = set()
    if isinstance(annotation, type) and issubclass(annotation, Choice):
        found.add(annotation)
    elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if annotation not in seen:
            seen.add(annotation)
            for field in annotation.model_fields.values():
                found |= _choices(field.annotation, seen)
    elif typing.get_origin(annotation) in (typing.Union, types.UnionType, list):
        for arg in typing.get_args(annotation):
            found |= _choices(arg, seen)
    return found


@cache
def _words() -> dict[str, str]:
    # Every code any kind can store, from the kinds themselves: a new kind's
    # codes read as words without being listed anywhere else. A code shared
    # by several choices (cse, other) means the same in each.
    seen: set[type] = set()
    words: dict[str, str] = {}
    for model in KINDS.values():
        for choice in sorted(_choices(model, seen), key=lambda c: c.__name__):
            for member in choice:
                words.setdefault(member.value, member.words)
    return words


def words_for(code: str) -> str | None:
    """The declared words of a stored code ('not_at_risk' → 'Not at risk'),
    or None when no kind stores it."""
    return _words().get(code)


def _texts(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [t for item in value for t in _texts(item)]
    if isinstance(value, dict):
        return [t for item in value.values() for t in _texts(item)]
    return []


def text_for_search(kind: str, data: dict[str, Any]) -> str:
    """Names, aliases and free text of a record, one piece a line, for FTS."""
    parts: list[str] = []
    # A sync derives this for every record it pulls: plain strings, by far
    # the usual value, skip the general walk.
    model = model_for(kind)
    for name in model.search_text:
        value = data.get(name)
        if type(value) is str:
            parts.append(value)
        elif value:
            parts += _texts(value)
    for container, fields in model.search_parts:
        value = data.get(container) or []
        items = value if isinstance(value, list) else [value]
        for item in items:
            if isinstance(item, dict):
                parts += [t for f in fields for t in _texts(item.get(f))]
    return "\n".join([p for p in parts if p])


def places_named(kind: str, data: dict[str, Any]) -> list[dict[str, Any]]:
    """Places a record names, for hotspots, each {name, type, postcode}, as
    its kind says (`KindData.places`); none for a kind that names none."""
    model = KINDS.get(kind)
    return model.places_named(data) if model else []
