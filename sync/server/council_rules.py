"""The council's due-date rules and screening tools on the central record:
loaded by an administrator from JSON files, kept as numbered versions,
served to laptops beside the policy (`GET /council-rules`).

A load is checked whole before anything is written (`sync.kinds.council`),
so a bad file changes nothing. A rules file replaces the council's rules
(what it leaves out is the bundled default again); a tool file replaces
that one tool, by its id, and keeps the others. Either makes the next
version, which holds both, so a laptop is told one number.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError

from sync.errors import RecordInvalid
from sync.kinds.council import validate_due_rules, validate_tool
from sync.server.schema import council_rules
from sync.wire import CouncilRules


class RulesFileRefused(ValueError):
    """A rules or tool file the central record will not load; the message
    names the file and the field. Nothing was changed. `problems`: every
    problem found (the message's first), for the console to list."""

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or [message]


@dataclass(frozen=True)
class RulesVersion:
    version: int
    loaded_at: datetime
    loaded_by: str
    changed: str
    due_rules: dict[str, Any]
    tools: list[dict[str, Any]]


def current(conn: Connection) -> RulesVersion | None:
    """The version in force, or None before the first load."""
    row = conn.execute(
        sa.select(council_rules).order_by(council_rules.c.version.desc()).limit(1)
    ).first()
    return None if row is None else _version(row)


def _version(row: sa.Row) -> RulesVersion:
    loaded_at = row.loaded_at if row.loaded_at.tzinfo else row.loaded_at.replace(tzinfo=UTC)
    return RulesVersion(
        row.version,
        loaded_at,
        row.loaded_by,
        row.changed,
        json.loads(row.due_rules),
        json.loads(row.tools),
    )


@cache
def bundled_due_rules() -> dict[str, Any]:
    """The due-date rules Caseworker ships with (resources/due_rules.json),
    which a council's loaded rules override key by key."""
    text = (resources.files("resources") / "due_rules.json").read_text(encoding="utf-8")
    return json.loads(text)


def return_interview_hours(conn: Connection) -> int:
    """Hours after a child's return within which the return home interview
    is due: the council's loaded rule, else the bundled default."""
    now = current(conn)
    hours = now.due_rules.get("return_home_interview_hours") if now else None
    return int(hours or bundled_due_rules()["return_home_interview_hours"])


def served(conn: Connection, have: int | None = None) -> CouncilRules:
    """What a laptop holding version `have` is told: the version in force,
    with its content unless the laptop already holds it."""
    now = current(conn)
    if now is None:
        return CouncilRules(version=0)
    answer = CouncilRules(version=now.version, loaded_at=now.loaded_at, loaded_by=now.loaded_by)
    if have != now.version:
        answer.due_rules, answer.tools = now.due_rules, now.tools
    return answer


def read_file(path: str | Path) -> object:
    """A file's JSON, or RulesFileRefused saying plainly why not."""
    name = Path(path).name
    try:
        content = Path(path).read_bytes()
    except OSError as exc:
        raise RulesFileRefused(f"{name}: cannot be read ({exc.strerror}).") from None
    return read_upload(name, content)


# An uploaded file larger than this is refused unread: the bundled rules
# and tools are a few kilobytes each.
MAX_FILE_BYTES = 512 * 1024


def read_upload(name: str, content: bytes) -> object:
    """The JSON of a file's `content` (read from disk, or uploaded in the
    console), or RulesFileRefused naming the file and saying why not."""
    if len(content) > MAX_FILE_BYTES:
        raise RulesFileRefused(
            f"{name}: is larger than {MAX_FILE_BYTES // 1024} KB; a rules or tool file is a few KB."
        )
    try:
        return json.loads(content.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise RulesFileRefused(f"{name}: is not JSON ({exc}).") from None


def versions(conn: Connection) -> list[RulesVersion]:
    """Every version loaded, newest first (the history; the first is in force)."""
    rows = conn.execute(sa.select(council_rules).order_by(council_rules.c.version.desc()))
    return [_version(row) for row in rows]


def load_due_rules(engine: Engine, raw: object, *, by: str, source: str = "rules") -> RulesVersion:
    """Make the council's due-date rules `raw` (one file's JSON) the next version."""
    try:
        rules = validate_due_rules(raw)
    except RecordInvalid as exc:
        raise _refused(source, exc) from None
    return _next(engine, by=by, changed="due_rules", due_rules=rules)


def load_tools(engine: Engine, raws: Iterable[tuple[str, object]], *, by: str) -> RulesVersion:
    """Add or replace these tools (each (source name, JSON)) in the next
    version; every one is checked before any is kept."""
    given: dict[str, dict[str, Any]] = {}
    for source, raw in raws:
        try:
            tool = validate_tool(raw)
        except RecordInvalid as exc:
            raise _refused(source, exc) from None
        if tool["id"] in given:
            raise RulesFileRefused(f"{source}: id: another file given has the same tool id")
        given[tool["id"]] = tool
    if not given:
        raise RulesFileRefused("Give at least one tool file.")
    return _next(engine, by=by, changed="tools", tools=given)


def _refused(source: str, exc: RecordInvalid) -> RulesFileRefused:
    every = getattr(exc, "problems", [exc.message])
    return RulesFileRefused(f"{source}: {exc.message}", [f"{source}: {p}" for p in every])


def _next(
    engine: Engine,
    *,
    by: str,
    changed: str,
    due_rules: dict[str, Any] | None = None,
    tools: dict[str, dict[str, Any]] | None = None,
) -> RulesVersion:
    if not by.strip() or len(by) > 200 or "\x00" in by:
        raise RulesFileRefused("--by: name who loads the file, in 1 to 200 characters.")
    try:
        with engine.begin() as conn:
            before = current(conn)
            kept_tools = {t["id"]: t for t in before.tools} if before else {}
            new = RulesVersion(
                version=(before.version if before else 0) + 1,
                loaded_at=datetime.now(UTC),
                loaded_by=by,
                changed=changed,
                due_rules=due_rules
                if due_rules is not None
                else (before.due_rules if before else {}),
                tools=sorted((kept_tools | (tools or {})).values(), key=lambda t: t["id"]),
            )
            conn.execute(
                sa.insert(council_rules).values(
                    version=new.version,
                    loaded_at=new.loaded_at,
                    loaded_by=new.loaded_by,
                    changed=new.changed,
                    due_rules=json.dumps(new.due_rules),
                    tools=json.dumps(new.tools),
                )
            )
    except IntegrityError:
        # Two loads at once both took the same number: this one is not kept.
        raise RulesFileRefused(
            "Another load of the council's rules happened at the same moment; nothing was"
            " changed by this one. Run it again."
        ) from None
    return new


def describe(version: RulesVersion | None) -> list[str]:
    """The version in force in an operator's words (`rules show`, `tools show`)."""
    if version is None:
        return ["No council rules loaded: laptops use the rules and tools they ship with."]
    lines = [
        f"Council rules version {version.version}, loaded {version.loaded_at:%d %b %Y %H:%M} UTC"
        f" by {version.loaded_by} (changed: {version.changed.replace('_', '-')})."
    ]
    return lines
