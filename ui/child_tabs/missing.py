"""Missing episodes and their return home interviews."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sync.kinds.episodes import EpisodeType, ExploitationConcern, MissingFrom, Offered
from sync.wire import Record
from ui.child_tabs.forms import Field, show_moment
from ui.child_tabs.record_tab import RecordTab
from ui.labels import label

RHI = "return_home_interview."


def interview_state(data: dict, now: datetime) -> str:
    rhi = data.get("return_home_interview") or {}
    if rhi.get("completed_at"):
        return "interview done"
    if not data.get("end"):
        return "missing now"
    if rhi.get("offered") == "n" or rhi.get("accepted") is False:
        return "interview not done: " + (rhi.get("reason_not_done") or "declined")
    return "interview due"


class MissingTab(RecordTab):
    title = "Missing episodes"
    kind = "missing_episode"
    noun = "episode"
    fields = [
        Field("episode_type", "&Type", "choice", EpisodeType),
        Field("start", "&Went missing", "datetime"),
        Field("end", "&Came back", "datetime"),
        Field("missing_from", "Missing &from", "choice", MissingFrom),
        Field("reported_to_police", "Reported to &police", "yesno"),
        Field("police_reference", "Police &reference"),
        Field("found_location", "Found &at"),
        Field("found_with", "Found &with"),
        Field(RHI + "offered", "Interview &offered", "choice", Offered),
        Field(RHI + "offered_at", "Offered a&t", "datetime"),
        Field(RHI + "accepted", "A&ccepted", "yesno"),
        Field(RHI + "completed_at", "Interview &done at", "datetime"),
        Field(RHI + "completed_by", "Done &by"),
        Field(RHI + "reason_not_done", "If not done, w&hy"),
        Field(RHI + "push_factors", "Pu&sh factors", "long"),
        Field(RHI + "pull_factors", "Pu&ll factors", "long"),
        Field(RHI + "harm_disclosed", "Harm disc&losed", "long"),
        Field(RHI + "exploitation_concern", "E&xploitation concern", "choice", ExploitationConcern),
    ]

    def line(self, record: Record) -> str:
        d = record.data
        back = show_moment(d.get("end")) or "MISSING NOW"
        state = interview_state(d, datetime.now().astimezone())
        return f"{show_moment(d.get('start'))} → {back} · {label(d.get('episode_type'))} · {state}"

    def sort_key(self, record: Record) -> Any:
        return str(record.data.get("start"))

    def defaults(self) -> dict[str, Any]:
        return {"episode_type": "missing", "start": datetime.now().astimezone().isoformat()}
