"""A dialog that adds or edits one record (a plan action, an addendum) and
never drops typing: it stays open showing the problem when the record
refuses the save — the typing is then kept as a draft in the vault
(`kept`) — and Cancel asks before it drops anything typed.

It is window-modal but opened with `open()`, not a nested event loop, so an
idle lock can still take the window down; whoever opened it stores or keeps
what it holds first (their `flush`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import ClassVar, TypeGuard

from PySide6.QtWidgets import QDialog, QFormLayout, QHBoxLayout, QVBoxLayout, QWidget

from desktop.drafts import Draft
from desktop.repository import NotSaved
from sync.wire import Record
from ui.widgets import add_row, button, confirm_discard, message_label, show_invalid, watch


class RecordDialog(QDialog):
    """Subclasses make their widgets into `fields` (record field -> widget)
    and call `lay_out`; `save` is called with the dialog on Save."""

    #: what Cancel asks before dropping typing: (window title, question)
    discard_question: ClassVar[tuple[str, str]] = ("Discard", "Discard what you typed?")

    def __init__(self, parent: QWidget, title: str, *, noun: str, width: int) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.resize(width, 0)
        self.noun = noun
        self.changed = False  # typed since it was opened (or brought back)
        self.kept = False  # a draft of it is in the vault: Cancel drops it too
        self.message = message_label(self, f"{noun.capitalize()} problem")
        self.fields: dict[str, QWidget] = {}

    def lay_out(
        self,
        rows: Sequence[tuple[str, str]],
        *,
        save: Callable[[RecordDialog], None],
        draft: Draft | None,
    ) -> None:
        """The form (a (title with mnemonic, field) a row), the message, then
        Save and Cancel; `draft` (kept typing, already shown) is said again."""
        form = QFormLayout()
        for title, name in rows:
            add_row(form, title, self.fields[name])
        noun = self.noun
        self.save_button = button(self, f"Sa&ve {noun}", f"Save {noun}", lambda: save(self))
        self.save_button.setDefault(True)
        self.cancel_button = button(self, "Cancel", "Cancel", self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        watch(list(self.fields.values()), self._edited)
        if draft is not None:
            self.changed = self.kept = True
            show_invalid(self.message, draft.problem, self.fields)

    def _edited(self) -> None:
        self.changed = True

    def typed(self) -> bool:
        """Whether Cancel would drop something the worker typed."""
        return self.changed

    def answered(self, result: Record | NotSaved) -> TypeGuard[Record]:
        """After a save: refused, it says why and stays open (the typing is
        kept as a draft), False; stored, it closes, True."""
        if isinstance(result, NotSaved):
            self.kept = True
            show_invalid(self.message, result.problem, self.fields)
            return False
        self.changed = self.kept = False
        self.accept()
        return True

    def reject(self) -> None:
        """Cancel: ask first when something was typed; it is not saved."""
        if self.typed():
            title, question = self.discard_question
            if not confirm_discard(self, title, question):
                return
        self.changed = False
        super().reject()
