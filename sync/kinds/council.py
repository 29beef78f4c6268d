"""The council's own data the kinds are computed with: due-date rules and
risk screening tools.

One shape for each, checked by the central record when an administrator
loads a file (`central-record rules load`, `tools load`) and by the laptop
when it loads its bundled files or receives the council's from a sync, so a
file that would break a due date or a score is refused where it is loaded,
not halfway through a worker's day. Errors are `RecordInvalid` naming the
field by its dotted path ("statutory_visits.cp.every_working_days: …").
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

import holidays
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, model_validator

from sync.errors import RecordInvalid


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


Label = Annotated[str, Field(min_length=1, max_length=200)]


# -- due-date rules ---------------------------------------------------------------
# A council's file is any subset of resources/due_rules.json; what it gives
# replaces the default key by key. A legal status set to null asks for no
# statutory visits.


class _Given(_Strict):
    """Only the keys a file gives count, and null is not a number: a rule
    left out keeps its default; one set to null would break every due date."""

    @model_validator(mode="after")
    def _no_nulls(self) -> Any:
        for name in sorted(self.model_fields_set):
            if getattr(self, name) is None:
                raise ValueError(f"{name}: cannot be null; leave it out to keep the default")
        return self


class ClaVisits(_Given):
    first_within_days: Annotated[int, Field(strict=True, ge=1, le=365)] | None = None
    first_year_every_weeks: Annotated[int, Field(strict=True, ge=1, le=52)] | None = None
    after_first_year_every_months: Annotated[int, Field(strict=True, ge=1, le=24)] | None = None


class WorkingDayVisits(_Strict):
    every_working_days: Annotated[int, Field(strict=True, ge=1, le=260)]


class StatutoryVisits(_Strict):
    cla: ClaVisits | None = None
    cp: WorkingDayVisits | None = None
    cin: WorkingDayVisits | None = None
    early_help: WorkingDayVisits | None = None
    care_leaver: WorkingDayVisits | None = None
    private_fostering: WorkingDayVisits | None = None


class BankHolidays(_Strict):
    country: Annotated[str, Field(min_length=2, max_length=3)]
    # Required, so a new country never inherits England's subdivision; null
    # is the whole country.
    subdivision: Annotated[str, Field(max_length=10)] | None

    @model_validator(mode="after")
    def _known(self) -> BankHolidays:
        try:
            holidays.country_holidays(self.country, subdiv=self.subdivision)
        except NotImplementedError:
            raise ValueError(
                "is not a country and subdivision the holidays calendar knows"
                " (England is GB and ENG)"
            ) from None
        return self


class DueRulesFile(_Given):
    statutory_visits: StatutoryVisits | None = None
    return_home_interview_hours: Annotated[int, Field(strict=True, ge=1, le=720)] | None = None
    recording_working_days: Annotated[int, Field(strict=True, ge=1, le=60)] | None = None
    assessment_review_months: Annotated[int, Field(strict=True, ge=1, le=60)] | None = None
    missing_profile_review_months: Annotated[int, Field(strict=True, ge=1, le=24)] | None = None
    case_supervision_weeks: Annotated[int, Field(strict=True, ge=1, le=52)] | None = None
    bank_holidays: BankHolidays | None = None


def validate_due_rules(raw: object) -> dict[str, Any]:
    """The council's due-date overrides as stored and served: only the keys
    the file gave (top-level keys starting with "_" are comments, dropped).
    Raises RecordInvalid naming the first bad field."""
    if not isinstance(raw, dict):
        raise RecordInvalid("", "the rules file must be a JSON object")
    given = {k: v for k, v in raw.items() if not (isinstance(k, str) and k.startswith("_"))}
    try:
        checked = DueRulesFile.model_validate(given)
    except ValidationError as exc:
        raise _invalid(exc, "a due-date rule") from None
    return checked.model_dump(mode="json", exclude_unset=True)


# -- screening tools ----------------------------------------------------------------

WEIGHT_WHEN = ("any", "current", "0-6m", "6-12m")
LEVELS = ("high", "medium", "low")


class ToolDomain(_Strict):
    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$")]
    name: Label
    indicators: Annotated[list[Label], Field(min_length=1, max_length=200)]
    # Weighted tools only: the weight of an indicator by when it was seen
    # ("any" for every indicator of the domain).
    weight: (
        dict[
            Literal["any", "current", "0-6m", "6-12m"],
            Annotated[int, Field(strict=True, ge=0, le=1000)],
        ]
        | None
    ) = None


class WeightedCategory(_Strict):
    min: Annotated[int, Field(strict=True, ge=0, le=100_000)]
    max: Annotated[int, Field(strict=True, ge=0, le=100_000)] | None
    label: Label


class LevelCategory(_Strict):
    level: Literal["high", "medium", "low"]
    label: Label


_WEIGHTED = TypeAdapter(list[WeightedCategory])
_LEVELLED = TypeAdapter(list[LevelCategory])


class ToolFile(_Strict):
    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$")]
    version: Annotated[str, Field(min_length=1, max_length=50)]
    name: Label
    note: Annotated[str, Field(max_length=1000)] | None = None
    scoring: Literal["weighted", "highest_level"]
    domains: Annotated[list[ToolDomain], Field(min_length=1, max_length=50)]
    categories: Annotated[list[dict[str, Any]], Field(min_length=1, max_length=20)]
    none_label: Label = "No indicators present"

    @model_validator(mode="after")
    def _scores(self) -> ToolFile:
        ids = [d.id for d in self.domains]
        for i, domain_id in enumerate(ids):
            if domain_id in ids[:i]:
                raise ValueError(f"domains.{i}.id: another domain has the same id")
        if self.scoring == "highest_level":
            levels = [c.level for c in _categories(_LEVELLED, self.categories)]
            if levels != list(LEVELS):
                raise ValueError("categories: must run high, medium, low")
            return self
        for i, domain in enumerate(self.domains):
            if not domain.weight:
                raise ValueError(f"domains.{i}.weight: a weighted tool needs a weight")
        # Categories must cover every score from 0 up without gaps or overlaps.
        expected = 0
        found = _categories(_WEIGHTED, self.categories)
        for i, category in enumerate(found):
            if category.min != expected:
                raise ValueError(f"categories.{i}.min: leaves a gap or overlap at {expected}")
            if category.max is None:
                if i != len(found) - 1:
                    raise ValueError(f"categories.{i}.max: only the last category has no maximum")
                return self
            if category.max < category.min:
                raise ValueError(f"categories.{i}.max: is below its minimum")
            expected = category.max + 1
        raise ValueError(f"categories.{len(found) - 1}.max: the last category must have no maximum")


def _categories(adapter: TypeAdapter, raw: list[dict[str, Any]]) -> list[Any]:
    try:
        return adapter.validate_python(raw)
    except ValidationError as exc:
        error = exc.errors(include_url=False, include_input=False)[0]
        field = ".".join(str(p) for p in ("categories", *error["loc"]))
        raise ValueError(f"{field}: {_message(error)}") from None


def validate_tool(raw: object) -> dict[str, Any]:
    """One screening tool as stored and served (the shape of the files in
    resources/tools). Raises RecordInvalid naming the first bad field."""
    if not isinstance(raw, dict):
        raise RecordInvalid("", "a tool file must be a JSON object")
    try:
        return ToolFile.model_validate(raw).model_dump(mode="json", exclude_none=True)
    except ValidationError as exc:
        raise _invalid(exc, "a tool's field") from None


# -- errors -------------------------------------------------------------------------


def _message(error: Any) -> str:
    kind = error["type"]
    if kind == "extra_forbidden":
        return "is not known here"
    if kind == "missing":
        return "is required"
    message = str(error["msg"]).removeprefix("Value error, ")
    return message.replace("Input should be ", "must be ", 1)


def _invalid(exc: ValidationError, what: str) -> RecordInvalid:
    """The first problem as the RecordInvalid, every problem (each "field:
    message") in its `problems`, for a page that shows them all."""
    errors = exc.errors(include_url=False, include_input=False, include_context=False)
    # A misspelt rule first: its "required" twin is only a consequence of it.
    first = next((e for e in errors if e["type"] == "extra_forbidden"), errors[0])
    field, message = _described(first, what)
    invalid = RecordInvalid(field, f"{field}: {message}" if field else message)
    every = [_described(first, what)] + [_described(e, what) for e in errors if e is not first]
    invalid.problems = [f"{f}: {m}" if f else m for f, m in every]  # type: ignore[attr-defined]
    return invalid


def _described(error: Any, what: str) -> tuple[str, str]:
    # Union members and the model itself add parts that are not field names.
    parts = [
        str(p)
        for p in error["loc"]
        if not (isinstance(p, str) and (p[:1].isupper() or p in ("int", "[key]")))
    ]
    field, message = ".".join(parts), _message(error)
    if error["type"] == "extra_forbidden":
        message = f"is not {what} Caseworker knows"
    inner, _, rest = message.partition(": ")
    if error["type"] == "value_error" and rest and re.fullmatch(r"[\w.]+", inner):
        # A rule across fields names its own field, under where it was checked.
        field, message = ".".join(p for p in (field, inner) if p), rest
    return field, message
