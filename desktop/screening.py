"""Risk screening tools, kept as data in resources/tools.

A tool is domains -> indicators -> weights or levels -> a scoring rule ->
categories. Its category is shown beside the practitioner's own judgement,
never instead of it: this module scores; it does not decide.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Tool:
    id: str
    version: str
    name: str
    scoring: str  # "weighted" or "highest_level"
    domains: list[dict[str, Any]]
    categories: list[dict[str, Any]]
    none_label: str = "No indicators present"

    def domain(self, domain_id: str) -> dict[str, Any]:
        for d in self.domains:
            if d["id"] == domain_id:
                return d
        raise KeyError(f"tool {self.id} has no domain {domain_id}")


def load_tools() -> dict[str, Tool]:
    tools = {}
    for entry in (resources.files("resources") / "tools").iterdir():
        if entry.name.endswith(".json"):
            tool = parse_tool(json.loads(entry.read_text(encoding="utf-8")))
            tools[tool.id] = tool
    return tools


def parse_tool(raw: dict[str, Any]) -> Tool:
    """A tool from its JSON form (as in resources/tools), checked (`_check`)."""
    tool = Tool(
        id=raw["id"],
        version=raw["version"],
        name=raw["name"],
        scoring=raw["scoring"],
        domains=raw["domains"],
        categories=raw["categories"],
        none_label=raw.get("none_label", "No indicators present"),
    )
    _check(tool)
    return tool


def load_tool_file(path: str | Path) -> Tool:
    """One tool from a JSON file of the same shape (a council's own version)."""
    return parse_tool(json.loads(Path(path).read_text(encoding="utf-8")))


def _check(tool: Tool) -> None:
    """Refuse a malformed tool file at load time, not halfway through a screening."""
    if tool.scoring == "weighted":
        # Categories must cover every score from 0 up without gaps or overlaps.
        expected = 0
        for category in tool.categories:
            if category["min"] != expected:
                raise ValueError(f"tool {tool.id}: categories leave a gap or overlap at {expected}")
            if category["max"] is None:
                return
            expected = category["max"] + 1
        raise ValueError(f"tool {tool.id}: the last category must have no maximum")
    if tool.scoring == "highest_level":
        levels = [c["level"] for c in tool.categories]
        if levels != ["high", "medium", "low"]:
            raise ValueError(f"tool {tool.id}: categories must run high, medium, low")
        return
    raise ValueError(f"tool {tool.id} has an unknown scoring rule {tool.scoring!r}")


def _indicator_weight(domain: dict[str, Any], indicator: dict[str, Any]) -> int:
    weights = domain["weight"]
    if "any" in weights:
        return weights["any"]
    # No "when" means the indicator is current.
    when = indicator.get("when") or "current"
    return weights.get(when, 0)


def score(tool: Tool, indicators: list[dict[str, Any]]) -> tuple[int | None, str]:
    """(score, category) for the indicators marked present ("yes").

    "possible" indicators are recorded but not scored: the tool counts what
    is known; the practitioner weighs what is suspected.
    """
    present = [i for i in indicators if i.get("present", "yes") == "yes"]
    if tool.scoring == "weighted":
        total = sum(_indicator_weight(tool.domain(i["domain"]), i) for i in present)
        for category in tool.categories:
            if total >= category["min"] and (category["max"] is None or total <= category["max"]):
                return total, category["label"]
        raise ValueError(f"tool {tool.id} has no category for score {total}")
    if tool.scoring == "highest_level":
        levels = {i.get("level") for i in present}
        for category in tool.categories:  # ordered from the highest level down
            if category["level"] in levels:
                return None, category["label"]
        return None, tool.none_label
    raise ValueError(f"tool {tool.id} has an unknown scoring rule {tool.scoring!r}")
