"""A form over a section of the child's own record (the missing profile,
the child's places), which edits that record and never makes one."""

from __future__ import annotations

from typing import Any

from desktop.repository import CaseRepository
from sync.errors import RecordInvalid
from sync.wire import Record
from ui.child_tabs.form_tab import FormTab, Write


class ChildSectionForm(FormTab):
    """A form over a section of the child's own record (the missing
    profile, the child's places): it edits that record, never makes one."""

    def record_write(self) -> tuple[Write, dict[str, Any]]:
        current, data = self.current, self.form_data()
        if current is None:
            # Not read yet (or the child is not on this laptop): never a new child.
            def refuse(_repo: CaseRepository) -> Record:
                raise RecordInvalid("child", "the child's record is not on this laptop")

            return refuse, data
        return (lambda repo: repo.update(current.id, data)), data
