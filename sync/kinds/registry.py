"""The kind registry and schema validation with worker-safe error messages."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from sync.errors import RecordInvalid
from sync.kinds.casework import Addendum, Assessment, Meeting, Plan, PlanAction, Visit
from sync.kinds.common import KindData
from sync.kinds.episodes import CmeEpisode, Concern, MissingEpisode
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


def model_for(kind: str) -> type[KindData]:
    """The data model of `kind`, or RecordInvalid("kind") listing the kinds."""
    try:
        return KINDS[kind]
    except KeyError:
        allowed = ", ".join(KINDS)
        raise RecordInvalid("kind", f"kind: unknown kind; allowed: {allowed}") from None


def validate_data(kind: str, data: dict[str, Any]) -> dict[str, Any]:
    """Validate and normalise; the result round-trips through JSON unchanged.

    Raises RecordInvalid naming the first bad field by its dotted path. The
    message never contains the rejected value: it may be case content.
    """
    model = model_for(kind)
    if not isinstance(data, dict):
        raise RecordInvalid("data", "data: must be an object")
    try:
        return model.model_validate(data).model_dump(mode="json")
    except ValidationError as exc:
        raise _as_record_invalid(exc) from None


def _as_record_invalid(exc: ValidationError) -> RecordInvalid:
    # The first error is enough for a worker to act on. Pydantic's messages
    # name the expected values (enums list them) but never echo the input.
    error = exc.errors(include_url=False, include_input=False, include_context=False)[0]
    field = ".".join(str(part) for part in error["loc"])
    message = error["msg"].removeprefix("Value error, ")
    if not field and ": " in message:
        # Cross-field rules raise "field: message" from a model validator.
        field, _, message = message.partition(": ")
    if error["type"] == "extra_forbidden":
        message = "is not a field of this kind"
    elif error["type"] == "missing":
        message = "is required"
    elif error["type"] == "enum":
        message = "must be one of " + message.removeprefix("Input should be ")
    elif "`" in message:
        # Parsers quote the offending characters (`found \`s\` at 0`): drop that.
        message = message.partition(", ")[0]
    return RecordInvalid(field, f"{field}: {message}" if field else message)
