"""Who has seen this child's record: the audit trail read back from the
central record (online only), for a coordinator or the child's manager.

Each line is the central record's own words for the event (times in
England's; a laptop's offline views at the time they happened, with when
they were uploaded; break-the-glass reasons), so this and
`central-record audit --child` read alike.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QVBoxLayout,
    QWidget,
)

from desktop import audit_trail
from ui.errors import worker_message
from ui.tasks import Online
from ui.widgets import message_label, show_message

READING = "Reading the audit trail from the central record…"
EMPTY = "Nothing is recorded for this child yet."
MORE = "Only the oldest events are shown: the rest are in `central-record audit --child`."


def shown_text(trail: audit_trail.Trail) -> str:
    count = len(trail.entries)
    said = f"{count} event{'s' if count != 1 else ''}, oldest first."
    return f"{said} {MORE}" if trail.more else said if count else EMPTY


class AuditTrailDialog(QDialog):
    def __init__(
        self, online: Online, child_id: str, child_name: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        title = f"Who has seen {child_name}'s record" if child_name else "Who has seen the record"
        self.setWindowTitle(title)
        self.setAccessibleName("Audit trail")
        self.state = QLabel(READING, self)
        self.state.setAccessibleName("Audit trail state")
        self.state.setWordWrap(True)
        self.entries = QListWidget(self)
        self.entries.setAccessibleName("Audit trail events")
        self.entries.setWordWrap(True)
        self.error = message_label(self, "Audit trail problem")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.state)
        layout.addWidget(self.entries, 1)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.resize(760, 460)
        online(lambda engine: audit_trail.read(engine, child_id)).success(self._read).failure(
            self._failed
        ).run()

    def _read(self, trail: audit_trail.Trail) -> None:
        self.entries.clear()
        self.entries.addItems([audit_trail.entry_line(entry) for entry in trail.entries])
        self.state.setText(shown_text(trail))
        self.entries.setFocus()

    def _failed(self, exc: BaseException) -> None:
        self.state.setText("")
        show_message(self.error, worker_message(exc))
