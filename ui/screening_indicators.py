"""A screening tool's indicators, grouped by domain, for the worker to tick.

The tool is data (`desktop.screening.Tool`): a tool scored by weights gives
each indicator a tick box, and where its domain weighs an indicator by when
it happened, a "when" choice beside it; a tool scored by levels gives each
indicator a choice of level. The editor holds the ticked indicators as a
screening stores them (`sync.kinds.casework.Indicator`), and keeps those a
stored screening holds that this version of the tool does not name.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QGroupBox,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from desktop.screening import Tool
from sync.kinds.casework import IndicatorLevel, When
from ui.widgets import combo

# None is "current": an indicator with no `when` is happening now.
WHEN: list[tuple[str, Any]] = [("Now", None), *((w.words, w.value) for w in When)]
LEVELS: list[tuple[str, Any]] = [
    ("Not present", None),
    *((v.words, v.value) for v in IndicatorLevel),
]


class _Row:
    """One indicator's controls: a tick box (and maybe a when), or a level."""

    def __init__(self, domain: str, text: str, tick: QCheckBox | None, choice: QComboBox | None):
        self.domain, self.text, self.tick, self.choice = domain, text, tick, choice

    def value(self) -> dict[str, Any] | None:
        if self.tick is None:  # a level tool: the level is the answer
            level = self.choice.currentData() if self.choice else None
            return None if level is None else self._stored(level=level)
        if not self.tick.isChecked():
            return None
        when = self.choice.currentData() if self.choice else None
        return self._stored(when=when) if when else self._stored()

    def _stored(self, **extra: Any) -> dict[str, Any]:
        return {"domain": self.domain, "text": self.text, "present": "yes", **extra}

    def show(self, stored: dict[str, Any] | None) -> None:
        if self.tick is not None:
            self.tick.setChecked(stored is not None)
        if self.choice is not None:
            key = "when" if self.tick is not None else "level"
            self.choice.setCurrentIndex(max(0, self.choice.findData((stored or {}).get(key))))
            self.choice.setEnabled(self.tick is None or self.tick.isChecked())


class IndicatorsEditor(QWidget):
    """The chosen tool's indicators; `value()` the ticked ones, as stored."""

    #: the worker ticked, unticked or changed an indicator
    sig_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Indicators")
        self.tool: Tool | None = None
        self.rows: list[_Row] = []
        self.groups: list[QGroupBox] = []
        self.kept: list[dict[str, Any]] = []  # stored, but not named by this tool
        self._column = QVBoxLayout(self)
        self._column.setContentsMargins(0, 0, 0, 0)

    def set_tool(self, tool: Tool | None) -> None:
        """Show `tool`'s indicators, none ticked."""
        if tool is self.tool:
            return
        self.tool = tool
        for group in self.groups:
            self._column.removeWidget(group)
            group.deleteLater()
        self.rows, self.groups, self.kept = [], [], []
        for domain in tool.domains if tool else []:
            self.groups.append(self._domain(tool, domain))
            self._column.addWidget(self.groups[-1])

    def _domain(self, tool: Tool | None, domain: dict[str, Any]) -> QGroupBox:
        box = QGroupBox(domain["name"], self)
        box.setAccessibleName(f"Indicators: {domain['name']}")
        grid = QGridLayout(box)
        by_level = tool is not None and tool.scoring == "highest_level"
        # A domain that weighs every indicator alike needs no "when".
        timed = not by_level and "any" not in domain.get("weight", {"any": 1})
        for n, text in enumerate(domain["indicators"]):
            tick, choice = None, None
            if by_level:
                choice = combo(box, text, LEVELS, blank=False)
                caption = QLabel(text, box)
                caption.setBuddy(choice)
                caption.setWordWrap(True)
                grid.addWidget(caption, n, 0)
                grid.addWidget(choice, n, 1)
            else:
                tick = QCheckBox(text, box)
                tick.setAccessibleName(text)
                tick.toggled.connect(self._ticked)
                grid.addWidget(tick, n, 0)
                if timed:
                    choice = combo(box, f"When: {text}", WHEN, blank=False)
                    choice.setEnabled(False)
                    grid.addWidget(choice, n, 1)
            if choice is not None:
                choice.activated.connect(lambda _i: self.sig_changed.emit())
            self.rows.append(_Row(domain["id"], text, tick, choice))
        grid.setColumnStretch(0, 1)
        return box

    def _ticked(self, _on: bool) -> None:
        for row in self.rows:
            if row.tick is not None and row.choice is not None:
                row.choice.setEnabled(row.tick.isChecked())
        self.sig_changed.emit()

    def value(self) -> list[dict[str, Any]]:
        ticked = [v for v in (row.value() for row in self.rows) if v is not None]
        return ticked + self.kept

    def set_value(self, value: list[dict[str, Any]] | None) -> None:
        stored = {(i.get("domain"), i.get("text")): i for i in value or []}
        blocked = self.blockSignals(True)
        for row in self.rows:
            row.show(stored.pop((row.domain, row.text), None))
        self.kept = list(stored.values())
        self.blockSignals(blocked)

    def ticks(self) -> list[QCheckBox]:
        return [row.tick for row in self.rows if row.tick is not None]
