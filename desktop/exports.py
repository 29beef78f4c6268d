"""What a document exported from the store carries, and where it goes.

A PDF is case data leaving the encrypted store on purpose. What goes in is
read through the case reader at that moment (so nothing leaves past the
offline lease) and every export is audited in the same step; each document
says whose record it is, when and by whom it was exported and what was left
out (`Marking`), so a page printed for a meeting or a court stands on its
own. The file goes where the worker chooses; the suggestion is the child,
the document and the day, in the worker's Documents folder.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import platformdirs

from desktop.chronology import ChronologyEntry
from desktop.england import today_in_england
from desktop.repository import CaseRepository
from sync.kinds import display_name
from sync.wire import Record

# UK Government Security Classifications: case records of a child are
# OFFICIAL with the SENSITIVE handling caveat, marked at the top and the
# bottom of every page.
CLASSIFICATION = "OFFICIAL-SENSITIVE"
NO_FILTER = "none"
VISIT_NOTE, CHRONOLOGY, PLAN = "Visit note", "Chronology", "Risk-management plan"
MEETING = "Meeting minutes"
POLICE_PACK = "Police pack"
RECENT_EPISODES = 5  # the missing episodes a police pack lists, newest first
# A plan in one of these states is the one the child has now.
CURRENT_PLAN_STATES = ("active", "under_review", "draft")

# What a file name must not hold on Windows, macOS or Linux, and control characters.
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')
_NAME_LIMIT = 120  # characters of the child's name in a file name


@dataclass(frozen=True)
class Marking:
    """What every page of an exported document says about itself."""

    document: str  # "Chronology", "Visit note", "Risk-management plan"
    child_name: str
    exported_at: datetime
    exported_by: str  # the enrolled worker's name
    filter: str = NO_FILTER  # what the worker left out, in words


@dataclass(frozen=True)
class VisitExport:
    """What a visit PDF shows, read on the database thread."""

    marking: Marking
    record: Record
    addenda: list[Record]


@dataclass(frozen=True)
class ChronologyExport:
    marking: Marking
    entries: list[ChronologyEntry]


@dataclass(frozen=True)
class PlanExport:
    """A risk-management plan and its actions (every agency's)."""

    marking: Marking
    plan: Record
    actions: list[Record]


@dataclass(frozen=True)
class MeetingExport:
    """A meeting's minutes and the actions agreed at it (each agency's)."""

    marking: Marking
    meeting: Record
    actions: list[Record]


@dataclass(frozen=True)
class PolicePackExport:
    """What the police are given when the child goes missing: the child and
    the missing-person profile, recent episodes, the concerns still open
    (with the places, persons and vehicles they name) and the current plan."""

    marking: Marking
    child_id: str
    child: dict[str, Any]
    episodes: list[Record]  # newest first, at most RECENT_EPISODES
    concerns: list[Record]  # open, newest first
    plan: Record | None

    def drawn_from(self) -> list[str]:
        """The ids of the records the pack is drawn from, the child's first."""
        records = [*self.episodes, *self.concerns, *([self.plan] if self.plan else [])]
        return [self.child_id, *(str(r.id) for r in records)]


def child_name(repo: CaseRepository, child_id: str) -> str:
    """On the database thread: the child's name, for a file name (behind the lease)."""
    child = repo.get(child_id)
    return display_name(child.data) if child else ""


def _marking(repo: CaseRepository, document: str, child_id: str, filter: str) -> Marking:
    return Marking(document, child_name(repo, child_id), repo.clock(), repo.worker, filter)


def read_visit_export(repo: CaseRepository, record_id: str) -> VisitExport:
    """On the database thread: the note as stored now, its child and addenda,
    audited as an export. Raises LeaseExpired past the lease (nothing audited)."""
    record = repo.get(record_id)
    if record is None:
        raise LookupError("the visit note is no longer on this laptop")
    marking = _marking(repo, VISIT_NOTE, str(record.child_id), NO_FILTER)
    addenda = repo.addenda(record_id)
    repo.audit("export", record.child_id, record_id)
    return VisitExport(marking, record, addenda)


def read_chronology_export(
    repo: CaseRepository, child_id: str, kinds: list[str] | None = None, filter: str = NO_FILTER
) -> ChronologyExport:
    """On the database thread: the child's chronology (only `kinds` if given,
    described by `filter`), audited as an export."""
    marking = _marking(repo, CHRONOLOGY, child_id, filter)
    entries = repo.chronology(child_id, kinds)
    repo.audit("export", child_id)
    return ChronologyExport(marking, entries)


def read_plan_export(repo: CaseRepository, plan_id: str) -> PlanExport:
    """On the database thread: the plan as stored now and all its actions,
    audited as an export."""
    plan = repo.get(plan_id)
    if plan is None:
        raise LookupError("the plan is no longer on this laptop")
    child_id = str(plan.child_id)
    marking = _marking(repo, PLAN, child_id, NO_FILTER)
    actions = [
        a for a in repo.records_for_child(child_id, "plan_action")
        if a.data.get("plan_id") == plan_id
    ]  # fmt: skip
    repo.audit("export", child_id, plan_id)
    return PlanExport(marking, plan, actions)


def read_meeting_export(repo: CaseRepository, meeting_id: str) -> MeetingExport:
    """On the database thread: the meeting as stored now and the plan actions
    that point at it, audited as an export."""
    meeting = repo.get(meeting_id)
    if meeting is None:
        raise LookupError("the meeting is no longer on this laptop")
    child_id = str(meeting.child_id)
    marking = _marking(repo, MEETING, child_id, NO_FILTER)
    actions = meeting_actions(repo.records_for_child(child_id, "plan_action"), meeting_id)
    repo.audit("export", child_id, meeting_id)
    return MeetingExport(marking, meeting, actions)


def meeting_actions(actions: list[Record], meeting_id: str) -> list[Record]:
    """The plan actions agreed at the meeting, soonest due first."""
    mine = [a for a in actions if a.data.get("meeting_id") == str(meeting_id)]
    return sorted(mine, key=lambda a: str(a.data.get("due_date") or "~"))


def _standing(record: Record) -> bool:
    return not record.data.get("entered_in_error") and not record.data.get("closed")


def read_police_pack(repo: CaseRepository, child_id: str) -> PolicePackExport:
    """On the database thread: the child's police pack as stored now,
    audited as an export. Raises LookupError if the child is not here."""
    child = repo.get(child_id)
    if child is None:
        raise LookupError("the child's record is no longer on this laptop")
    marking = _marking(repo, POLICE_PACK, child_id, NO_FILTER)
    episodes = [
        e for e in repo.records_for_child(child_id, "missing_episode")
        if not e.data.get("entered_in_error")
    ]  # fmt: skip
    episodes.sort(key=lambda e: str(e.data.get("start")), reverse=True)
    concerns = [c for c in repo.records_for_child(child_id, "concern") if _standing(c)]
    concerns.sort(key=lambda c: str(c.data.get("received_at")), reverse=True)
    plans = [
        p for p in repo.records_for_child(child_id, "plan")
        if _standing(p) and p.data.get("status") in CURRENT_PLAN_STATES
    ]  # fmt: skip
    # An active plan before one under review before a draft; the newest of them.
    plans.sort(key=lambda p: str(p.data.get("start_date") or ""), reverse=True)
    plans.sort(key=lambda p: CURRENT_PLAN_STATES.index(p.data["status"]))
    repo.audit("export", child_id)
    return PolicePackExport(
        marking,
        child_id,
        child.data,
        episodes[:RECENT_EPISODES],
        concerns,
        plans[0] if plans else None,
    )


def file_name(child_name: str, document: str, at: datetime) -> str:
    """'Sam Example - chronology - 2026-12-01.pdf': the child, the document
    and the day in England, with nothing a file system refuses."""
    name = " ".join(_UNSAFE.sub(" ", child_name).split())[:_NAME_LIMIT].strip(" .")
    day = today_in_england(at).isoformat()
    return f"{name or 'Child'} - {document.lower()} - {day}.pdf"


def documents_folder() -> Path:
    """The worker's Documents folder (XDG_DOCUMENTS_DIR on Linux), never the
    working directory; their home folder if there is no Documents folder."""
    folder = Path(platformdirs.user_documents_dir())
    return folder if folder.is_dir() else Path.home()


def suggested_path(repo: CaseRepository, child_id: str, document: str) -> Path:
    """On the database thread: where the save dialog starts for `document`
    (behind the lease: a child's name is case data)."""
    return documents_folder() / file_name(child_name(repo, child_id), document, repo.clock())
