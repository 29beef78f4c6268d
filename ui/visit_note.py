"""The visit note an editor has open: which child, which stored record."""

from __future__ import annotations

from typing import Any

from desktop.repository import CaseRepository, NotSaved
from sync.wire import Record

FORM = "visit"  # the visit editor's drafts (desktop.drafts)


class Note:
    """The note being edited. Writes happen on the one database thread in
    order, and that thread sets `record_id` when it creates the record, so a
    flush racing an autosave updates the same note instead of creating a
    second one."""

    def __init__(self, child_id: str | None, record_id: str | None) -> None:
        self.child_id = child_id
        self.record_id = record_id

    def write(self, repo: CaseRepository, data: dict[str, Any]) -> Record:
        if self.record_id is None:
            assert self.child_id is not None
            record = repo.create("visit", data, child_id=self.child_id)
            self.record_id = str(record.id)
            return record
        return repo.update(self.record_id, data)

    def save_or_keep(self, repo: CaseRepository, data: dict[str, Any]) -> Record | NotSaved:
        """On the database thread: the note, or its draft when it is refused.
        The draft is the note's (its id read here, after any earlier create)."""
        assert self.child_id is not None
        return repo.save_or_keep(FORM, self.child_id, self.record_id, data,
                                 lambda r: self.write(r, data))  # fmt: skip
