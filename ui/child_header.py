"""Whose record is on screen: the child's name, age and legal status in a
line that stays above the child's tabs (issue 15: a note about one child was
typed into another child's visit and nothing on screen said so)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from PySide6.QtWidgets import QHBoxLayout, QWidget

from desktop import temporary_access
from sync.kinds.people import LegalStatus, display_name
from ui.eliding_label import ElidingLabel
from ui.labels import label
from ui.text import day_text


def age_text(born: date, today: date) -> str:
    """'Age 14'; a baby is 'Under 1'."""
    years = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    return f"Age {years}" if years >= 1 else "Under 1"


def legal_status_text(code: str | None) -> str:
    if not code or code == LegalStatus.none.value:
        return "No legal status"
    return label(code)


def facts_text(child: dict[str, Any], today: date) -> str:
    """'Age 14 (born Thu 02 Feb 2012) · Child protection'."""
    parts = []
    born = child.get("date_of_birth")
    if born:
        try:
            parts.append(
                f"{age_text(date.fromisoformat(str(born)), today)} (born {day_text(born)})"
            )
        except ValueError:
            parts.append(f"Born {born}")
    parts.append(legal_status_text(child.get("legal_status")))
    return " · ".join(parts)


class ChildHeader(QWidget):
    """The open child's name (in bold) and what tells them apart at a glance."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("childHeader")
        self.setAccessibleName("Whose record")
        self.name = ElidingLabel("", self)
        self.name.setAccessibleName("Child's name")
        font = self.name.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.25)
        self.name.setFont(font)
        self.facts = ElidingLabel("", self)
        self.facts.setAccessibleName("Age and legal status")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 4)
        layout.addWidget(self.name, 0)
        layout.addSpacing(12)
        layout.addWidget(self.facts, 1)
        # Break-the-glass: this child leaves the laptop when its access ends.
        self.temporary = ElidingLabel("", self)
        self.temporary.setAccessibleName("Temporary access")
        self.temporary.hide()
        layout.addWidget(self.temporary, 0)
        self._layout = layout

    def add_button(self, widget: QWidget) -> None:
        """A button about the whole record (its audit trail), at the right."""
        self._layout.addSpacing(8)
        self._layout.addWidget(widget, 0)

    def show_child(self, child: dict[str, Any] | None, today: date) -> None:
        """Show `child`'s record data; None (no such child): nothing."""
        self.name.setText(display_name(child) if child else "")
        if not child:
            self.show_temporary(None)
        self.facts.setText(facts_text(child, today) if child else "")

    def show_temporary(self, ends_at: datetime | None) -> None:
        """'Temporary access — ends …' for a child opened by break-the-glass."""
        self.temporary.setText(temporary_access.words(ends_at) if ends_at else "")
        self.temporary.setVisible(ends_at is not None)
