"""Conflicts: per record, per field, yours and theirs side by side; choose or
edit, then send. Nothing typed by either side is lost until a choice is made."""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desktop.conflicts import Conflict, FieldVersions, conflict_fields, list_conflicts, resolve
from desktop.records import get_record
from sync.kinds import display_name
from ui.child_tabs.base import field_message
from ui.context import AppContext
from ui.labels import label


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, indent=1, ensure_ascii=False)


def _value(text: str, like: Any) -> Any:
    """An edited text back into the field's shape (lists and numbers as JSON)."""
    if isinstance(like, str) or like is None:
        return text or None
    return json.loads(text) if text.strip() else None


class FieldChoice(QGroupBox):
    """One colliding field: base (on demand), theirs, yours, and the choice."""

    def __init__(self, versions: FieldVersions, parent: QWidget | None = None) -> None:
        super().__init__(label(versions.field), parent)
        self.versions = versions
        self.setAccessibleName(f"Field {label(versions.field)}")
        grid = QGridLayout(self)
        self.base = self._box("Before either change", versions.base)
        self.theirs = self._box("Theirs (central record)", versions.theirs)
        self.mine = self._box("Yours", versions.mine)
        self.edited = QPlainTextEdit(_text(versions.mine), self)
        self.edited.setAccessibleName(f"Edited text for {label(versions.field)}")
        self.edited.setTabChangesFocus(True)
        self.edited.setEnabled(False)
        self.pick_mine = QRadioButton("Keep &yours", self)
        self.pick_theirs = QRadioButton("Keep &theirs", self)
        self.pick_edit = QRadioButton("&Edit", self)
        self.group = QButtonGroup(self)
        for i, button in enumerate((self.pick_mine, self.pick_theirs, self.pick_edit)):
            button.setAccessibleName(
                f"{button.text().replace('&', '')} for {label(versions.field)}"
            )
            self.group.addButton(button, i)
        self.pick_edit.toggled.connect(self.edited.setEnabled)
        grid.addWidget(QLabel("Before either change", self), 0, 0)
        grid.addWidget(QLabel("Theirs (central record)", self), 0, 1)
        grid.addWidget(QLabel("Yours", self), 0, 2)
        grid.addWidget(self.base, 1, 0)
        grid.addWidget(self.theirs, 1, 1)
        grid.addWidget(self.mine, 1, 2)
        choices = QHBoxLayout()
        for button in (self.pick_theirs, self.pick_mine, self.pick_edit):
            choices.addWidget(button)
        choices.addStretch(1)
        grid.addLayout(choices, 2, 0, 1, 3)
        grid.addWidget(self.edited, 3, 0, 1, 3)
        self.show_base(False)

    def _box(self, name: str, value: Any) -> QPlainTextEdit:
        box = QPlainTextEdit(_text(value), self)
        box.setReadOnly(True)
        box.setAccessibleName(f"{name}: {label(self.versions.field)}")
        box.setMaximumHeight(120)
        return box

    def show_base(self, on: bool) -> None:
        self.base.setVisible(on)
        layout = self.layout()
        assert isinstance(layout, QGridLayout)
        item = layout.itemAtPosition(0, 0)
        if item and item.widget():
            item.widget().setVisible(on)

    def choice(self) -> Any:
        if self.pick_mine.isChecked():
            return "mine"
        if self.pick_theirs.isChecked():
            return "theirs"
        if self.pick_edit.isChecked():
            return ("edited", _value(self.edited.toPlainText(), self.versions.mine))
        return None


class ConflictsView(QWidget):
    #: the list was re-read (number of conflicts)
    sig_loaded = Signal(int)
    #: a conflict was resolved (record id); the resolution waits in the outbox
    sig_resolved = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setAccessibleName("Conflicts")
        self.list = QListWidget(self)
        self.list.setAccessibleName("Records in conflict")
        self.list.currentItemChanged.connect(lambda item, _old: self._open(item))
        self.intro = QLabel(
            "Someone else changed these records while you did. For each field, keep "
            "yours, keep theirs, or edit a version that combines them — then send.",
            self,
        )
        self.intro.setWordWrap(True)
        self.with_base = QCheckBox("Show the version &before either change", self)
        self.with_base.setAccessibleName("Show base version")
        self.with_base.toggled.connect(self._toggle_base)
        self.send = QPushButton("&Send resolution", self)
        self.send.setAccessibleName("Send resolution")
        self.send.clicked.connect(self._resolve)
        self.send.setEnabled(False)
        self.error = QLabel("", self)
        self.error.setObjectName("fieldError")
        self.error.setAccessibleName("Resolution problem")
        self.error.hide()
        self.fields_box = QWidget(self)
        self.fields_layout = QVBoxLayout(self.fields_box)
        scroll = QScrollArea(self)
        scroll.setWidget(self.fields_box)
        scroll.setWidgetResizable(True)
        scroll.setAccessibleName("Conflicting fields")
        right = QWidget(self)
        column = QVBoxLayout(right)
        column.addWidget(self.intro)
        column.addWidget(self.with_base)
        column.addWidget(scroll, 1)
        column.addWidget(self.error)
        column.addWidget(self.send, alignment=Qt.AlignmentFlag.AlignRight)
        splitter = QSplitter(self)
        splitter.setObjectName("conflictsSplitter")
        splitter.addWidget(self.list)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)
        self.choices: list[FieldChoice] = []
        self.record_id: str | None = None

    def reload(self) -> None:
        store = self.ctx.session.store

        def read() -> list[tuple[Conflict, str]]:
            out = []
            for c in list_conflicts(store.conn):
                child = get_record(store.conn, c.child_id)
                out.append((c, display_name(child.data) if child else ""))
            return out

        self.ctx.db(read).success(self._show_list).run()

    def _show_list(self, rows: list[tuple[Conflict, str]]) -> None:
        self.list.clear()
        for conflict, name in rows:
            item = QListWidgetItem(
                f"{name} — {label(conflict.kind)} ({len(conflict.fields)}"
                f" field{'' if len(conflict.fields) == 1 else 's'})"
            )
            item.setData(Qt.ItemDataRole.UserRole, conflict.record_id)
            self.list.addItem(item)
        if rows:
            self.list.setCurrentRow(0)
        else:
            self._show_fields(None, [])
        self.sig_loaded.emit(len(rows))

    def _open(self, item: QListWidgetItem | None) -> None:
        if item is None:
            return
        record_id = item.data(Qt.ItemDataRole.UserRole)
        store = self.ctx.session.store
        self.ctx.db(lambda: conflict_fields(store.conn, record_id)).success(
            lambda fields: self._show_fields(record_id, fields)
        ).run()

    def _show_fields(self, record_id: str | None, fields: list[FieldVersions]) -> None:
        for choice in self.choices:
            choice.deleteLater()
        self.record_id = record_id
        self.choices = [FieldChoice(v, self.fields_box) for v in fields]
        for choice in self.choices:
            choice.show_base(self.with_base.isChecked())
            self.fields_layout.addWidget(choice)
        self.send.setEnabled(bool(fields))
        self.error.hide()

    def _toggle_base(self, on: bool) -> None:
        for choice in self.choices:
            choice.show_base(on)

    def _resolve(self) -> None:
        if self.record_id is None:
            return
        picked = {c.versions.field: c.choice() for c in self.choices}
        undecided = [label(f) for f, v in picked.items() if v is None]
        if undecided:
            self.error.setText(
                "Choose yours, theirs or an edited text for: " + ", ".join(undecided)
            )
            self.error.show()
            return
        record_id = self.record_id

        def done(record: Any) -> None:
            self.sig_resolved.emit(record_id)
            self.reload()

        self.ctx.write(
            lambda repo: resolve(repo, record_id, picked),
            "",  # "" = refresh every view: the child is not known on this thread
            done=done,
            failed=lambda exc: field_message(self.error, exc),
        )
