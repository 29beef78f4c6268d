from __future__ import annotations

import pytest

from desktop.screening import Tool, _check, load_tools, score

TOOLS = load_tools()
SERAF = TOOLS["seraf-like"]
LEVELS = TOOLS["exploitation-levels"]


def vul(n: int) -> list[dict]:
    return [{"domain": "vulnerabilities", "text": f"v{i}"} for i in range(n)]


def sig(when: str) -> dict:
    return {"domain": "significant", "text": "s", "when": when}


@pytest.mark.parametrize(
    ("indicators", "expected"),
    [
        (vul(5), (5, "Low")),
        (vul(1) + [sig("0-6m")], (6, "Medium")),
        (vul(5) + [sig("current")], (10, "Medium")),
        (vul(1) + [sig("0-6m"), sig("0-6m")], (11, "High")),
        (
            vul(5)
            + [sig("0-6m"), sig("6-12m")]
            + [{"domain": "moderate", "text": "m", "when": "0-6m"}] * 4,
            (15, "High"),
        ),
        ([sig("0-6m")] * 3 + vul(1), (16, "Very high")),
    ],
)
def test_seraf_like_category_boundaries(indicators, expected):
    assert score(SERAF, indicators) == expected


def test_moderate_counts_only_within_six_months_and_possible_is_not_scored():
    moderate = [{"domain": "moderate", "text": "m", "when": "6-12m"}]
    assert score(SERAF, moderate) == (0, "Low")
    assert score(SERAF, [dict(sig("0-6m"), present="possible")]) == (0, "Low")


def test_level_tool_takes_the_highest_level():
    assert score(LEVELS, [{"domain": "online", "text": "x", "level": "low"}]) == (None, "Low")
    mixed = [
        {"domain": "online", "text": "x", "level": "low"},
        {"domain": "places", "text": "y", "level": "high"},
    ]
    assert score(LEVELS, mixed) == (None, "High")
    assert score(LEVELS, []) == (None, "No indicators present")


def test_moderate_indicator_without_when_is_current_and_counts():
    assert score(SERAF, [{"domain": "moderate", "text": "m"}]) == (1, "Low")
    assert score(SERAF, [{"domain": "moderate", "text": "m", "when": "0-6m"}] * 2) == (2, "Low")


def test_every_shipped_tool_names_itself_and_has_indicators():
    for tool in TOOLS.values():
        assert tool.name and tool.version
        assert all(d["indicators"] for d in tool.domains)
    assert "modelled on" in SERAF.name.lower()


def test_tool_category_sits_beside_practitioner_level():
    # The assessment keeps both: a Low tool category never lowers the worker's judgement.
    from sync.kinds import validate_data

    tool_score, category = score(SERAF, vul(2))
    data = validate_data(
        "assessment",
        {
            "tool_id": SERAF.id,
            "tool_version": SERAF.version,
            "date": "2026-05-01",
            "indicators": [dict(i, present="yes") for i in vul(2)],
            "tool_score": tool_score,
            "tool_category": category,
            "practitioner_level": "high",
        },
    )
    assert (data["tool_category"], data["practitioner_level"]) == ("Low", "high")


def test_malformed_tool_is_refused_at_load():
    gappy = Tool(
        id="gappy",
        version="1",
        name="Gappy",
        scoring="weighted",
        domains=[],
        categories=[{"min": 0, "max": 5, "label": "Low"}, {"min": 7, "max": None, "label": "Hi"}],
    )
    with pytest.raises(ValueError, match="gap"):
        _check(gappy)
