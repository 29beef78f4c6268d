"""Concerns logged from partner agencies, with the places, persons and
vehicles they name (the raw material of hotspots)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtWidgets import QLabel, QPlainTextEdit

from sync.kinds.common import Agency, Reliability
from sync.kinds.episodes import ConcernCategory
from sync.wire import Record
from ui.child_tabs.forms import Field, show_moment
from ui.child_tabs.record_tab import RecordTab
from ui.labels import label

# One per line, parts separated by commas: simple to type in a car.
PARTS = {
    "places": ("Places (one per line: name, postcode)", ("name", "postcode")),
    "persons": ("Persons of concern (name, approx age, description)",
                ("name", "approx_age", "description")),
    "vehicles": ("Vehicles (registration, make, model, colour)",
                 ("registration", "make", "model", "colour")),
}  # fmt: skip


def parse_parts(text: str, keys: tuple[str, ...]) -> list[dict]:
    out = []
    for row in text.splitlines():
        values = [v.strip() for v in row.split(",")]
        if any(values):
            item = {k: v or None for k, v in zip(keys, values, strict=False)}
            if "approx_age" in item and item["approx_age"] is not None:
                age = item["approx_age"]
                item["approx_age"] = int(age) if str(age).isdigit() else age
            out.append(item)
    return out


def show_parts(items: list[dict], keys: tuple[str, ...]) -> str:
    return "\n".join(", ".join(str(i.get(k) or "") for k in keys).rstrip(", ") for i in items)


class ConcernsTab(RecordTab):
    title = "Concerns"
    kind = "concern"
    noun = "concern"
    fields = [
        Field("received_at", "&Received", "datetime"),
        Field("source", "&Source"),
        Field("source_agency", "Source &agency", "choice", Agency),
        Field("category", "&Category", "choice", ConcernCategory),
        Field("reliability", "Re&liability", "choice", Reliability),
        Field("narrative", "&What was reported", "long"),
        Field("sharing_restriction", "Sharing &restriction"),
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.part_edits: dict[str, QPlainTextEdit] = {}
        for name, (title, _keys) in PARTS.items():
            edit = QPlainTextEdit(self)
            edit.setAccessibleName(title)
            edit.setTabChangesFocus(True)
            edit.setMaximumHeight(70)
            caption = QLabel(title + ":", self)
            caption.setBuddy(edit)
            self.form.layout().addRow(caption, edit)
            self.part_edits[name] = edit

    def line(self, record: Record) -> str:
        d = record.data
        return (
            f"{show_moment(d.get('received_at'))} · {label(d.get('category'))} · "
            f"{d.get('source', '')} · {label(d.get('reliability'))}"
        )

    def sort_key(self, record: Record) -> Any:
        return str(record.data.get("received_at"))

    def defaults(self) -> dict[str, Any]:
        return {
            "received_at": datetime.now().astimezone().isoformat(),
            "category": "other",
            "reliability": "unverified",
        }

    def _edit(self, record: Record) -> None:
        super()._edit(record)
        for name, (_t, keys) in PARTS.items():
            self.part_edits[name].setPlainText(show_parts(record.data.get(name) or [], keys))

    def new_record(self) -> None:
        super().new_record()
        for edit in getattr(self, "part_edits", {}).values():
            edit.clear()

    def extra_data(self) -> dict[str, Any]:
        return {n: parse_parts(self.part_edits[n].toPlainText(), k) for n, (_t, k) in PARTS.items()}
