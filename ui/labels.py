"""Plain words for what the screens show: stored codes (enum values) and
kinds, as the kinds declare them in sync/kinds (`Choice`, `KindData.label`)."""

from __future__ import annotations

from enum import Enum

from sync.kinds import kind_label, words_for
from sync.kinds.common import Choice

__all__ = ["choices", "kind_label", "label"]


def label(code: str | Enum | None) -> str:
    """A stored code in its declared words ('not_at_risk' → 'Not at risk').
    Anything no kind stores (a field's name) reads with its underscores as
    spaces ('child_seen' → 'Child seen')."""
    if code is None:
        return ""
    if isinstance(code, Choice):
        return code.words
    text = code.value if isinstance(code, Enum) else str(code)
    return words_for(text) or text.replace("_", " ").capitalize()


def choices(enum: type[Enum]) -> list[tuple[str, str]]:
    """(label, value) pairs for a combo box, in the enum's order."""
    return [(label(member), member.value) for member in enum]
