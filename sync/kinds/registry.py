"""The kind registry and schema validation with worker-safe error messages."""

from __future__ import annotations

import re
from typing import Any

from pydantic import ValidationError

from sync.errors import RecordInvalid
from sync.kinds.casework import Addendum, Assessment, Meeting, Plan, PlanAction, Visit
from sync.kinds.common import KindData
from sync.kinds.episodes import CmeEpisode, Concern, MissingEpisode
from sync.kinds.family import FamilyMember
from sync.kinds.oversight import CaseSupervision, ManagementOversight, SignOff
from sync.kinds.people import Alert, Child, Involvement, Sharing

KINDS: dict[str, type[KindData]] = {
    "child": Child,
    "involvement": Involvement,
    "family_member": FamilyMember,
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
    "sign_off": SignOff,
    "management_oversight": ManagementOversight,
    "case_supervision": CaseSupervision,
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
    _refuse_nul(data)
    try:
        clean = model.model_validate(data).model_dump(mode="json")
    except ValidationError as exc:
        raise _as_record_invalid(exc) from None
    for name in model.added_later | {"restricted_to"}:
        if clean.get(name) is None:
            # Records that leave it empty keep the data they had before the
            # field existed (and that laptops of an older version accept).
            clean.pop(name, None)
    return clean


# A field name as a worker may see it; anything else sent as a name (it may
# be case text, or a control character) is never repeated back.
_PLAIN_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")


def _refuse_nul(data: dict[str, Any]) -> None:
    """RecordInvalid naming the first string (or field name) holding a NUL.

    The laptop and the central record both refuse it: PostgreSQL cannot keep
    it in text, and it is never something a worker meant to type. Walked
    without recursion, as a hostile record may nest deeply."""
    stack: list[tuple[tuple, Any]] = [((), data)]
    while stack:
        loc, value = stack.pop()
        if isinstance(value, str):
            if "\x00" in value:
                path = _field_path(loc)[0] or "data"
                raise RecordInvalid(path, f"{path}: must not contain a NUL character")
        elif isinstance(value, dict):
            for key in value:
                if not isinstance(key, str) or "\x00" in key:
                    path = _field_path(loc)[0] or "data"
                    raise RecordInvalid(path, f"{path}: a field name must not contain NUL")
            stack += reversed([((*loc, key), item) for key, item in value.items()])
        elif isinstance(value, list):
            stack += reversed([((*loc, i), item) for i, item in enumerate(value)])


def _field_path(loc: tuple) -> tuple[str, bool]:
    """The dotted path of `loc`, cut before the first part that is not a
    plain field name or index; and whether it was cut."""
    parts = []
    for part in loc:
        if isinstance(part, int) or (isinstance(part, str) and _PLAIN_NAME.match(part)):
            parts.append(str(part))
        else:
            return ".".join(parts), True
    return ".".join(parts), False


def _as_record_invalid(exc: ValidationError) -> RecordInvalid:
    # The first error is enough for a worker to act on. Pydantic's messages
    # name the expected values (enums list them) but never echo the input.
    error = exc.errors(include_url=False, include_input=False, include_context=False)[0]
    field, cut = _field_path(error["loc"])
    message = error["msg"].removeprefix("Value error, ")
    if cut:
        # Only an unknown field can have a name like that.
        where = field or "data"
        return RecordInvalid(where, f"{where}: has a field this kind does not have")
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
