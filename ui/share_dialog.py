"""The Share dialog: with whom a document goes, why, on what lawful basis and
with what consent — asked before its PDF is written, and checked by the
sharing kind's own rules (`desktop.sharing.check_sharing`), so a sharing
the central record would refuse is named at its field here and nothing is
written. Share hands the chosen values on (`sig_chosen`); the caller writes
the PDF and records the sharing (`ui.sharing`).

Window-modal, opened with `open()` (no nested event loop, so a lock can
still take the window down); Cancel writes nothing and records nothing.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QFormLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from desktop.sharing import check_sharing, sharing_data
from sync.errors import RecordInvalid
from sync.kinds.common import Agency
from sync.kinds.people import Consent, LawfulBasis
from ui.fitting import wrapping
from ui.text import day_text
from ui.widgets import (
    add_row,
    button,
    combo,
    line_edit,
    message_label,
    set_combo,
    show_invalid,
    text_edit,
    widget_value,
)

# (record field, row title with its mnemonic)
ROWS = (
    ("agency", "&Agency"),
    ("person", "&Person there"),
    ("purpose", "W&hy"),
    ("basis", "&Lawful basis"),
    ("lawful_basis", "Law or &guidance relied on"),
    ("consent", "C&onsent"),
    ("consent_reason", "If not sought or refused, w&hy"),
    ("what", "&What is shared"),
)


class ShareDialog(QDialog):
    """Asks for a sharing's details; `what`, `drawn_from`, the day and the
    worker come from the document shared."""

    #: the worker chose Share and the sharing passed its rules (its data, unstored)
    sig_chosen = Signal(dict)

    def __init__(
        self,
        parent: QWidget | None,
        *,
        document: str,
        what: str,
        day: date,
        worker: str,
        agency: str | None = None,
    ) -> None:
        super().__init__(parent)
        title = f"Share the {document.lower()}"
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.setMinimumWidth(620)
        self.day, self.worker = day, worker
        self.fields: dict[str, QWidget] = {
            "agency": combo(self, "Agency", Agency, blank=True),
            "person": line_edit(self, "Person there"),
            "purpose": line_edit(self, "Why"),
            "basis": combo(self, "Lawful basis", LawfulBasis, blank=True),
            "lawful_basis": line_edit(self, "Law or guidance relied on"),
            "consent": combo(self, "Consent", Consent, blank=False),
            "consent_reason": line_edit(self, "Consent reason"),
            "what": text_edit(self, "What is shared", 64),
        }
        set_combo(self.fields["agency"], agency)  # type: ignore[arg-type]
        self.fields["what"].setPlainText(what)  # type: ignore[attr-defined]
        intro = QLabel(
            f"A PDF of the {document.lower()} is saved for you to give to the agency, and"
            f" the sharing is recorded on the child's Sharing tab, dated {day_text(day)}.",
            self,
        )
        intro.setWordWrap(True)
        intro.setAccessibleName("What sharing does")
        form = wrapping(QFormLayout())
        for name, row in ROWS:
            add_row(form, row, self.fields[name])
        self.message = message_label(self, "Sharing problem")
        self.share_button = button(self, "&Share and save PDF…", "Share and save PDF", self.share)
        self.share_button.setDefault(True)
        self.cancel_button = button(self, "Cancel", "Cancel sharing", self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.share_button)
        buttons.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.adjustSize()  # the wrapped rows' height, so nothing overlaps

    def chosen(self) -> dict[str, Any]:
        """What the dialog holds, as the sharing record's data (unchecked)."""
        values = {name: widget_value(widget) for name, widget in self.fields.items()}
        what = values.pop("what") or ""
        return sharing_data(what=what, drawn_from=[], day=self.day, shared_by=self.worker,
                            **values)  # fmt: skip

    def share(self) -> None:
        """Check the sharing by the kind's rules; refused, say which field and
        stay open; passed, close and hand it on."""
        data = self.chosen()
        try:
            check_sharing(data)
        except RecordInvalid as exc:
            show_invalid(self.message, exc, self.fields, kept=False)
            return
        self.message.hide()
        self.accept()
        self.sig_chosen.emit(data)
