"""The visit note's fields and buttons, laid out; what they hold in and out.

No saving here: `ui.visit_editor.VisitEditor` builds on this form and
stores what it holds as the worker types.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, cast

from PySide6.QtCore import QDateTime, Qt
from PySide6.QtWidgets import (
    QDateTimeEdit,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from sync.kinds.casework import LocationType, VisitType
from ui.eliding_label import ElidingLabel
from ui.fitting import wrapping
from ui.widgets import YES_NO, add_row, combo, line_edit, message_label, set_combo, text_edit

TEXT_FIELDS = (
    ("present", "Who was &present"),
    ("observations", "&Observations"),
    ("childs_words", "The child's own &words"),
    ("analysis", "&Analysis"),
    ("actions", "Ac&tions"),
)


class VisitForm(QWidget):
    """The fields of one visit note. `changed` is called on every edit the
    worker makes (never while `show_data` fills the form)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Visit note")
        self._loading = False
        self.visit_type = combo(self, "Visit type", VisitType, blank=False)
        self.start = QDateTimeEdit(self)
        self.start.setAccessibleName("Visit started")
        self.start.setCalendarPopup(True)
        self.start.setDisplayFormat("ddd dd MMM yyyy HH:mm")
        self.location = combo(self, "Where", LocationType, blank=True)
        self.child_seen = combo(self, "Child seen", YES_NO, blank=True)
        self.seen_alone = combo(self, "Child seen alone", YES_NO, blank=True)
        self.not_seen_reason = line_edit(self, "Why the child was not seen (alone)")
        self.texts: dict[str, QPlainTextEdit] = {
            name: text_edit(self, title.replace("&", ""), 70) for name, title in TEXT_FIELDS
        }

        form = wrapping(QFormLayout())
        for title, widget in (("Visit &type", self.visit_type), ("&Started", self.start),
                              ("W&here", self.location), ("Child s&een", self.child_seen),
                              ("Seen a&lone", self.seen_alone),
                              ("If not, &why", self.not_seen_reason)):  # fmt: skip
            add_row(form, title, widget)
        for name, title in TEXT_FIELDS:
            add_row(form, title, self.texts[name])

        # A final note says so above its fields, and how to change it.
        self.final_line = QLabel("", self)
        self.final_line.setObjectName("finalLine")
        self.final_line.setAccessibleName("Finalised")
        self.final_line.setWordWrap(True)
        self.final_line.hide()
        # "Final · Saved on this laptop · not yet sent" is cut with "…" (whole
        # on hover) rather than clipped or widening the note.
        self.state = ElidingLabel("", self)
        self.state.setAccessibleName("Save state")
        self.state.setObjectName("saveState")
        self.error = message_label(self, "Save problem")
        self.finalise_button = QPushButton("&Finalise…", self)
        self.finalise_button.setAccessibleName("Finalise visit note")
        self.addendum_button = QPushButton("Add a&ddendum…", self)
        self.addendum_button.setAccessibleName("Add addendum")
        self.discard_button = QPushButton("Disca&rd…", self)
        self.discard_button.setAccessibleName("Discard this note or what was not saved")

        buttons = QHBoxLayout()
        buttons.addWidget(self.state, 1)
        buttons.addWidget(self.discard_button)
        buttons.addWidget(self.addendum_button)
        buttons.addWidget(self.finalise_button)

        body = QWidget(self)
        body.setObjectName("visitFields")
        body.setLayout(form)
        scroll = QScrollArea(self)
        scroll.setWidget(body)
        scroll.setWidgetResizable(True)
        scroll.setAccessibleName("Visit note fields")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.final_line)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.error)
        layout.addLayout(buttons)

        for box in (self.visit_type, self.location, self.child_seen, self.seen_alone):
            box.currentIndexChanged.connect(self.changed)
        self.start.dateTimeChanged.connect(self.changed)
        self.not_seen_reason.textChanged.connect(self.changed)
        for edit in self.texts.values():
            edit.textChanged.connect(self.changed)

    def changed(self, *_args: Any) -> None:
        """Subclasses: the worker edited a field."""

    def show_data(self, data: dict[str, Any], *, now: datetime | None = None) -> None:
        """Fill the form; a note without a start (or with `now` given: a new
        note) starts at `now`, the session's clock, which the rules check
        the visit's date against."""
        self._loading = True
        set_combo(self.visit_type, data.get("visit_type"))
        if now is not None or not data.get("start"):
            self.start.setDateTime(
                QDateTime.fromSecsSinceEpoch(int(now.timestamp()))
                if now
                else QDateTime.currentDateTime()
            )
        else:
            self.start.setDateTime(QDateTime.fromString(str(data["start"]), Qt.DateFormat.ISODate))
        set_combo(self.location, data.get("location_type"))
        set_combo(self.child_seen, data.get("child_seen"))
        set_combo(self.seen_alone, data.get("seen_alone"))
        self.not_seen_reason.setText(
            data.get("not_seen_reason") or data.get("not_seen_alone_reason") or ""
        )
        for name, edit in self.texts.items():
            edit.setPlainText(data.get(name) or "")
        self._loading = False

    def show_visit_type(self, code: str, *, edit: bool = False) -> None:
        """Show `code` as the visit type: as `show_data` would, or (`edit`)
        as if the worker chose it, so that it is saved with the note."""
        self._loading = not edit
        set_combo(self.visit_type, code)
        self._loading = False

    def set_read_only(self, read_only: bool) -> None:
        for widget in (self.visit_type, self.start, self.location, self.child_seen,
                       self.seen_alone):  # fmt: skip
            widget.setEnabled(not read_only)
        # Text that cannot be typed in looks it (the style sheet greys read-only
        # fields under #visitFields); the property changed, so restyle.
        edits: list[QLineEdit | QPlainTextEdit] = [self.not_seen_reason, *self.texts.values()]
        for edit in edits:
            edit.setReadOnly(read_only)
            edit.style().unpolish(edit)
            edit.style().polish(edit)
        self.final_line.setVisible(read_only)
        self.finalise_button.setVisible(not read_only)
        self.addendum_button.setVisible(read_only)

    def data(self) -> dict[str, Any]:
        # PySide types toPython() as object; a QDateTime gives a datetime.
        start = cast(datetime, self.start.dateTime().toUTC().toPython()).replace(tzinfo=UTC)
        seen, alone = self.child_seen.currentData(), self.seen_alone.currentData()
        reason = self.not_seen_reason.text() or None
        data: dict[str, Any] = {
            "visit_type": self.visit_type.currentData(),
            "start": start.isoformat(),
            "location_type": self.location.currentData(),
            "child_seen": seen,
            "seen_alone": alone,
            "not_seen_reason": reason if seen is False else None,
            "not_seen_alone_reason": reason if seen is not False and alone is False else None,
        }
        for name, edit in self.texts.items():
            data[name] = edit.toPlainText() or None
        return data

    @property
    def named(self) -> dict[str, QWidget]:
        return {
            "visit_type": self.visit_type, "start": self.start, "location_type": self.location,
            "child_seen": self.child_seen, "seen_alone": self.seen_alone,
            "not_seen_reason": self.not_seen_reason, "not_seen_alone_reason": self.not_seen_reason,
        }  # fmt: skip
