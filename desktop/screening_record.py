"""A screening as the laptop records and reads it back: what a screening
stores from what was ticked, how the tool's category and
the practitioner's level compare, and when the screening is to be reviewed.

`desktop.screening` scores; this module never decides a level either: the
practitioner's level is theirs, stored and shown beside the tool's category.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from desktop.due_dates import DEFAULT_RULES, DueRules, is_overdue
from desktop.england import day_text, today_in_england
from desktop.screening import Tool, score
from sync.kinds import words_for


def scored_indicators(tool: Tool, indicators: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The indicators this tool's version scores: those of its own domains and
    wording. Others (ticked with an older version of the tool) stay stored
    but do not count."""
    known = {(d["id"], text) for d in tool.domains for text in d["indicators"]}
    return [i for i in indicators if (i.get("domain"), i.get("text")) in known]


def tool_result(tool: Tool, indicators: list[dict[str, Any]]) -> dict[str, Any]:
    """What a screening stores about the tool: which one and which version,
    and the score and category it gives for these indicators."""
    total, category = score(tool, scored_indicators(tool, indicators))
    return {
        "tool_id": tool.id,
        "tool_version": tool.version,
        "tool_score": total,
        "tool_category": category,
    }


def result_text(total: int | None, category: str) -> str:
    """'Medium (score 7)': the tool's result in words; a tool without a score says its category."""
    return category if total is None else f"{category} (score {total})"


# The practitioner's levels (sync.kinds.common.RiskLevel) in order, and the
# tools' categories on the same scale. A practitioner's scale tops out at
# High, so a tool's "Very high" agrees with a practitioner's High.
_PRACTITIONER = {"not_at_risk": 0, "low": 1, "medium": 2, "high": 3}
_TOOL = {"no indicators present": 0, "low": 1, "medium": 2, "high": 3, "very high": 3}


def agreement(data: dict[str, Any]) -> str:
    """Whether the practitioner's level and the tool's category agree, in
    words (never colour alone): '' when either is missing or a council's
    tool names its categories in words these levels do not compare with."""
    level = _PRACTITIONER.get(data.get("practitioner_level") or "")
    category = _TOOL.get(str(data.get("tool_category") or "").casefold())
    if level is None or category is None:
        return ""
    if level == category:
        return "Agrees with tool"
    return "Higher than tool" if level > category else "Lower than tool"


def judgement_text(data: dict[str, Any]) -> str:
    """'Practitioner High · tool Medium · higher than tool'."""
    level = words_for(data.get("practitioner_level") or "") or "not given"
    parts = [f"Practitioner {level}", f"tool {data.get('tool_category') or 'not scored'}"]
    if words := agreement(data):
        parts.append(words.lower())
    return " · ".join(parts)


def review_due(data: dict[str, Any], rules: DueRules = DEFAULT_RULES) -> date | None:
    """When the screening is to be reviewed: the date it sets, else the rules'
    timescale after it (`DueRules.assessment_review_due`)."""
    return rules.assessment_review_due(data)


def review_state(
    data: dict[str, Any], now: datetime, rules: DueRules = DEFAULT_RULES, *, short: bool = False
) -> tuple[str, bool]:
    """The review in words, and whether it is overdue ('assessment_review',
    as the caseload counts it). `short` for a list's column headed "Review":
    'Overdue (due Tue 14 Jul)', 'Due Tue 14 Jul' (the year when not this one)."""
    if data.get("entered_in_error"):
        return "Entered in error", False
    due = review_due(data, rules)
    if due is None:
        return "", False
    day = day_text(due, this_year=today_in_england(now).year if short else None)
    if is_overdue("assessment_review", due, now):
        return (f"Overdue (due {day})" if short else f"Review overdue (was due {day})"), True
    return (f"Due {day}" if short else f"Review due by {day}"), False
