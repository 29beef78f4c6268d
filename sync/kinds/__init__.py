"""Record kinds: one schema per kind, shared by the client and the service.

Public API (other modules rely on exactly these names):

- ``KINDS``: mapping kind name -> pydantic model of the record's ``data``.
- ``validate_data(kind, data) -> dict``: the normalised JSON-ready data, or
  ``RecordInvalid`` naming the field and, for enums, the allowed values.
- ``check_update(kind, old, new)``: refuses changes the rules forbid (a final
  visit is never changed), raising ``RecordInvalid``.
- ``check_with_siblings(kind, new, *, record_id, child, others, now)``: the
  rules across a child's records (``Sibling``, ``sibling_kinds``), called by
  the laptop and the central record alike; ``check_missing_episode`` is its
  part for missing episodes.
- ``long_text_fields(kind) -> frozenset[str]``: fields merged line-wise.
- ``text_for_search``, ``places_named``, ``display_name``: derived views.
- ``kind_label(kind)``, ``words_for(code)``: the words a kind and a stored
  code are shown in, declared on the kinds (``KindData.label``, ``Choice``).
"""

from __future__ import annotations

from sync.errors import RecordInvalid
from sync.kinds.episodes import check_missing_episode
from sync.kinds.registry import KINDS, model_for, validate_data
from sync.kinds.rules import check_update
from sync.kinds.siblings import Sibling, check_with_siblings, sibling_kinds
from sync.kinds.views import display_name, kind_label, places_named, text_for_search, words_for


def long_text_fields(kind: str) -> frozenset[str]:
    """The free-text fields of `kind` the server merges line by line."""
    return model_for(kind).long_text


__all__ = [
    "KINDS",
    "RecordInvalid",
    "Sibling",
    "check_missing_episode",
    "check_update",
    "check_with_siblings",
    "display_name",
    "kind_label",
    "long_text_fields",
    "model_for",
    "places_named",
    "sibling_kinds",
    "text_for_search",
    "validate_data",
    "words_for",
]
