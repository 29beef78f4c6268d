"""Risk screening tools, kept as data: bundled in resources/tools, and the
council's own from the central record (`desktop.council_rules`).

A tool is domains -> indicators -> weights or levels -> a scoring rule ->
categories. Its category is shown beside the practitioner's own judgement,
never instead of it: this module scores; it does not decide.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import sqlcipher3

from desktop import council_rules
from sync.errors import RecordInvalid
from sync.kinds.council import validate_tool


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
    """The tools bundled with Caseworker, by id (what applies before the
    council's arrive; `tools_in_force` is what a screening uses)."""
    tools = {}
    for entry in (resources.files("resources") / "tools").iterdir():
        if entry.name.endswith(".json"):
            tool = parse_tool(json.loads(entry.read_text(encoding="utf-8")))
            tools[tool.id] = tool
    return tools


def tools_in_force(conn: sqlcipher3.Connection) -> dict[str, Tool]:
    """The tools every screening on this laptop uses, by id: the bundled
    ones, each replaced by the council's tool of the same id when the
    central record has served one (`desktop.council_rules`)."""
    served = council_rules.served_tools(conn)
    key = json.dumps(served, sort_keys=True)
    if _in_force.get("key") != key:
        tools = load_tools() | {t["id"]: parse_tool(t) for t in served}
        _in_force.clear()
        _in_force.update(key=key, tools=tools)
    return dict(_in_force["tools"])


# The tools last built (bundled files read once per served version).
_in_force: dict[str, Any] = {}


def parse_tool(raw: dict[str, Any]) -> Tool:
    """A tool from its file's JSON, checked (`sync.kinds.council.validate_tool`)."""
    try:
        checked = validate_tool(raw)
    except RecordInvalid as exc:
        raise ValueError(f"tool {raw.get('id', '?')}: {exc.message}") from None
    return Tool(
        id=checked["id"],
        version=checked["version"],
        name=checked["name"],
        scoring=checked["scoring"],
        domains=checked["domains"],
        categories=checked["categories"],
        none_label=checked.get("none_label", "No indicators present"),
    )


def load_tool_file(path: str | Path) -> Tool:
    """One tool from a JSON file of the same shape (a council's own version)."""
    return parse_tool(json.loads(Path(path).read_text(encoding="utf-8")))


def _check(tool: Tool) -> None:
    """Refuse a malformed tool at load time, not halfway through a screening
    (ValueError naming the field: the central record's check, shared)."""
    parse_tool(asdict(tool))


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
