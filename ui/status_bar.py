"""The status bar: connection, last sync, changes waiting, conflicts, changes not
accepted, lease, the council's rules in force, progress."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QProgressBar, QPushButton, QStatusBar, QWidget

from desktop.device_status import DeviceStatus
from ui.eliding_label import ElidingLabel
from ui.text import short_moment_text


class Connection(Enum):
    unknown = "Connection not checked yet"
    online = "Online"
    offline = "Offline — changes are kept on this laptop"
    unreachable = "Central record unreachable — changes are kept on this laptop"


def _when(last_sync: datetime | None) -> str:
    if last_sync is None:
        return "Never synced"
    return "Last sync " + short_moment_text(last_sync)


class CaseStatusBar(QStatusBar):
    #: the worker clicked the conflicts button
    sig_conflicts_clicked = Signal()
    #: the worker clicked the "not accepted" button
    sig_not_accepted_clicked = Signal()
    #: the worker asked for a sync (the button)
    sig_sync_clicked = Signal()
    #: the worker asked to stop the running sync
    sig_cancel_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Status")
        self.connection = ElidingLabel(Connection.unknown.value, self)
        self.connection.setAccessibleName("Connection")
        # Until a sync says otherwise the bar leads with the last sync (from
        # the device status), not with a connection nobody has tried yet.
        self.connection.hide()
        self.last_sync = ElidingLabel("", self)
        self.last_sync.setAccessibleName("Last sync")
        self.waiting = ElidingLabel("", self)
        self.waiting.setAccessibleName("Changes waiting to send")
        self.conflicts = QPushButton("", self)
        self.conflicts.setAccessibleName("Conflicts")
        self.conflicts.setFlat(True)
        self.conflicts.clicked.connect(self.sig_conflicts_clicked)
        self.conflicts.hide()  # until there are some (set_status)
        self.not_accepted = QPushButton("", self)
        self.not_accepted.setAccessibleName("Not accepted")
        self.not_accepted.setFlat(True)
        self.not_accepted.clicked.connect(self.sig_not_accepted_clicked)
        self.not_accepted.hide()
        self.unrecovered = QLabel("", self)
        self.unrecovered.setAccessibleName("Lost in a restore")
        self.unrecovered.hide()  # after a restore of the central record (set_status)
        self.lease = ElidingLabel("", self)
        self.lease.setAccessibleName("Offline lease")
        self.rules = ElidingLabel("", self)
        self.rules.setAccessibleName("Council rules in force")
        self.progress = QProgressBar(self)
        self.progress.setAccessibleName("Sync progress")
        self.progress.setMaximumWidth(220)
        # Wide enough for its words on one line (squeezed, they wrapped and were cut).
        self.progress.setMinimumWidth(
            self.fontMetrics().horizontalAdvance("Syncing… 00000 records") + 40
        )
        self.progress.setFormat("Syncing… %v records")
        self.progress.hide()
        self.cancel = QPushButton("Stop", self)
        self.cancel.setAccessibleName("Stop sync")
        self.cancel.clicked.connect(self.sig_cancel_clicked)
        self.cancel.hide()
        self.sync_button = QPushButton("Sync now (F5)", self)
        self.sync_button.setAccessibleName("Sync now")
        self.sync_button.clicked.connect(self.sig_sync_clicked)
        for w in (self.connection, self.last_sync, self.waiting, self.lease, self.rules):
            self.addWidget(w)
        self.addPermanentWidget(self.unrecovered)
        self.addPermanentWidget(self.conflicts)
        self.addPermanentWidget(self.not_accepted)
        self.addPermanentWidget(self.progress)
        self.addPermanentWidget(self.cancel)
        self.addPermanentWidget(self.sync_button)
        self.conflict_count = 0
        self.waiting_count = 0
        self.refused_count = 0

    def set_connection(self, state: Connection) -> None:
        self.connection.setText(state.value)
        self.connection.setVisible(state is not Connection.unknown)

    def set_status(self, status: DeviceStatus) -> None:
        """The figures of `desktop.device_status`, the same ones `caseworker status` prints."""
        self.last_sync.setText(_when(status.last_sync))
        waiting, refused = status.waiting, status.refused
        self.waiting_count = waiting
        text = (
            "Nothing waiting to send"
            if not waiting
            else (f"{waiting} change{'s' if waiting != 1 else ''} waiting to send")
        )
        self.waiting.setText(text)
        self.refused_count = refused
        self.not_accepted.setText(f"⚠ {refused} not accepted" if refused else "")
        self.not_accepted.setVisible(bool(refused))
        self.conflict_count = count = status.conflicts
        self.conflicts.setText(f"⚠ {count} conflict{'s' if count != 1 else ''}" if count else "")
        self.conflicts.setVisible(bool(count))
        # Short on the bar, the whole sentence on hover: the bar is full at 1366.
        lost = status.unrecovered
        self.unrecovered.setText(f"⚠ {lost} lost in a restore" if lost else "")
        self.unrecovered.setToolTip(status.unrecovered_words)
        self.unrecovered.setVisible(bool(lost))
        self.rules.setText(status.council_rules)
        self.rules.setToolTip(
            "The due-date rules and screening tools every due date and screening uses"
        )
        days = status.lease.days_left
        if status.lease.expired:
            self.lease.setText("Records hidden until this laptop syncs")
        elif days is not None:
            self.lease.setText(f"Offline lease: {days} day{'s' if days != 1 else ''} left")
        else:
            self.lease.setText("")

    def show_progress(self, done: int, total: int) -> None:
        self.progress.show()
        self.cancel.show()
        self.sync_button.setEnabled(False)
        if total > 0:
            self.progress.setRange(0, total)
        else:
            self.progress.setRange(0, 0)  # busy: the total is not known
        self.progress.setValue(done)

    def hide_progress(self) -> None:
        self.progress.hide()
        self.cancel.hide()
        self.sync_button.setEnabled(True)
