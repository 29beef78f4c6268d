"""Filtering a child's Visits list by words and dates: a child in care for
years has thousands of notes, and the one a worker needs is "the visit in
March where the school was mentioned"."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import (
    QDate,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtWidgets import QDateEdit, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from desktop.england import england_day
from sync.kinds import text_for_search

#: a date box at its lowest value means "no limit" (shown as "Any")
NO_LIMIT = QDate(1990, 1, 1)


class VisitFilter(QSortFilterProxyModel):
    """Rows whose note holds every typed word (any case, anywhere in the note
    or its list line) and whose visit day in England is within the dates."""

    def __init__(self, record_role: int, parent: Any = None) -> None:
        super().__init__(parent)
        self.record_role = record_role
        self.words: list[str] = []
        self.since: date | None = None
        self.until: date | None = None
        # Per record id and revision: the note's words and day, worked out
        # once rather than on every keystroke for every one of the notes.
        self._seen: dict[tuple[str, int], tuple[str, date | None]] = {}

    def set_filter(self, text: str, since: date | None, until: date | None) -> None:
        self.beginFilterChange()
        self.words = text.casefold().split()
        self.since, self.until = since, until
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def forget(self) -> None:
        """Drop the words worked out for the notes (another child is opened)."""
        self._seen.clear()

    @property
    def active(self) -> bool:
        return bool(self.words) or self.since is not None or self.until is not None

    def filterAcceptsRow(
        self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex
    ) -> bool:
        if not self.active:
            return True
        index = self.sourceModel().index(source_row, 0, source_parent)
        words, day = self._facts(index)
        if self.since is not None and (day is None or day < self.since):
            return False
        if self.until is not None and (day is None or day > self.until):
            return False
        return all(word in words for word in self.words)

    def _facts(self, index: QModelIndex) -> tuple[str, date | None]:
        record, _pending = index.data(self.record_role)
        key = (str(record.id), record.rev)
        facts = self._seen.get(key)
        if facts is None:
            line = index.data(Qt.ItemDataRole.DisplayRole) or ""
            text = f"{line}\n{text_for_search(record.kind, record.data)}".casefold()
            start = record.data.get("start")
            facts = self._seen[key] = (text, england_day(start) if start else None)
        return facts


class VisitFilterBar(QWidget):
    """The words and date boxes above the list, and how many notes are shown."""

    #: the filter changed and the list shows what it lets through
    sig_changed = Signal()

    def __init__(self, proxy: VisitFilter, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.proxy = proxy
        self.text = QLineEdit(self)
        self.text.setPlaceholderText("Filter notes by words")
        self.text.setAccessibleName("Filter visit notes by words")
        self.text.setClearButtonEnabled(True)
        self.since = self._date_box("Visits from")
        self.until = self._date_box("Visits up to")
        self.count = QLabel("", self)
        self.count.setAccessibleName("Visit notes shown")
        # One date a row: the list column stays narrow on a laptop's screen.
        dates = QFormLayout()
        dates.setContentsMargins(0, 0, 0, 0)
        dates.addRow("&From:", self.since)
        dates.addRow("T&o:", self.until)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.text)
        layout.addLayout(dates)
        layout.addWidget(self.count)
        self.text.textChanged.connect(self._apply)
        self.since.dateChanged.connect(self._apply)
        self.until.dateChanged.connect(self._apply)
        proxy.modelReset.connect(self.update_count)

    def _date_box(self, name: str) -> QDateEdit:
        box = QDateEdit(self)
        box.setAccessibleName(name)
        box.setCalendarPopup(True)
        box.setDisplayFormat("dd MMM yyyy")
        box.setMinimumDate(NO_LIMIT)
        box.setSpecialValueText("Any")  # shown at the lowest date: no limit
        box.setDate(NO_LIMIT)
        return box

    def clear(self) -> None:
        """No words, no dates: every note shows."""
        self.proxy.forget()
        for widget in (self.text, self.since, self.until):
            widget.blockSignals(True)
        self.text.clear()
        self.since.setDate(NO_LIMIT)
        self.until.setDate(NO_LIMIT)
        for widget in (self.text, self.since, self.until):
            widget.blockSignals(False)
        self._apply()

    def _apply(self) -> None:
        self.proxy.set_filter(self.text.text(), _limit(self.since), _limit(self.until))
        self.update_count()
        self.sig_changed.emit()

    def update_count(self) -> None:
        shown, total = self.proxy.rowCount(), self.proxy.sourceModel().rowCount()
        noun = "visit" if total == 1 else "visits"
        if not self.proxy.active:
            self.count.setText(f"{total:,} {noun}")
        elif shown:
            self.count.setText(f"Showing {shown:,} of {total:,} {noun}")
        else:
            self.count.setText(f"No visits match the filter (of {total:,}).")


def _limit(box: QDateEdit) -> date | None:
    chosen = box.date()
    return None if chosen == NO_LIMIT else date(chosen.year(), chosen.month(), chosen.day())
