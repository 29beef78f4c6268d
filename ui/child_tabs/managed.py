"""What the management tabs share (sign-off, oversight, supervision): only a
team manager or a coordinator records them; every worker reads them.

For any other role the tab is a record to read: the "new" button and the
save row are absent (not disabled), the form's fields are read-only, and a
line over the form says why. The role is the one the central record gave at
the last sync (`Session.may_record`); before the first sync nobody records.
"""

from __future__ import annotations

from typing import Any, ClassVar

from PySide6.QtWidgets import QLabel, QLineEdit, QPlainTextEdit

from desktop.repository import CaseRepository
from sync.wire import Record
from ui.child_tabs.list_form import ListFormTab

READ_ONLY = (
    "Recorded by the team manager. You can read it here; a team manager or a "
    "coordinator records it."
)


class ManagersForm(ListFormTab):
    """A `ListFormTab` of a kind only managers record (`sync.kinds.oversight`)."""

    #: the heading a reader sees when the child has none yet
    none_yet: ClassVar[str] = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.may_record = False
        self.read_only_note = QLabel(READ_ONLY, self)
        self.read_only_note.setWordWrap(True)
        self.read_only_note.setAccessibleName(f"{self.title}: read only")
        self.add_hint(self.read_only_note)
        self._allow(False)  # until the role is read with the records

    def read(self, repo: CaseRepository, child_id: str) -> Any:
        """(may record, the records, `read_more`'s), on the database thread."""
        allowed = self.ctx.session.may_record(self.kind)
        return allowed, super().read(repo, child_id), self.read_more(repo, child_id)

    def read_more(self, repo: CaseRepository, child_id: str) -> Any:
        """What else the tab shows beside the records (database thread)."""
        return None

    def display(self, result: Any) -> None:
        allowed, records, more = result
        self.may_record = allowed
        self._allow(allowed)
        self.show_more(more, records)
        super().display(records)

    def show_more(self, more: Any, records: list[Record]) -> None:
        """Show `read_more`'s result, before the records are listed."""

    def filled(self, record: Record | None) -> None:
        super().filled(record)
        if record is None and not self.may_record:
            self.heading.setText(self.none_yet)  # not "New …": a reader makes none

    def _allow(self, on: bool) -> None:
        for control in (self.new_button, self.save_button, self.discard_button, self.state):
            control.setVisible(on)
        self.read_only_note.setVisible(not on)
        for widget in self.fields.values():
            if isinstance(widget, QLineEdit | QPlainTextEdit):
                widget.setReadOnly(not on)
            else:  # combos, dates, tables of parts: nothing to select or copy in them
                widget.setEnabled(on)
