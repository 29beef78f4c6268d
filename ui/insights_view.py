"""The caseload insights screen: missing episodes over time, hotspot places,
overdue visits and late return home interviews, drawn with QtCharts.

It only draws a `desktop.insights.CaseloadInsights` computed on the database
thread; it never reads the store itself. Every chart has a sentence above it
and a text description for screen readers, and every bar shows its number,
so nothing is told by colour alone.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import cast

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QHorizontalBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHeaderView,
    QLabel,
    QScrollArea,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.insights import CaseloadInsights
from ui.text import moment_text


def _plural(n: int, one: str) -> str:
    return f"{n} {one}{'' if n == 1 else 's'}"


def _late(hours: int) -> str:
    return _plural(hours // 24, "day") if hours >= 48 else _plural(hours, "hour")


def _nice_step(top: int) -> int:
    """A whole tick step of 1, 2 or 5 times a power of ten, for about five ticks."""
    rough = max(1.0, top / 5)
    power = 10 ** math.floor(math.log10(rough))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= rough)


def month_label(month: str, first: bool = False) -> str:
    """'2026-01' → 'Jan<br>2026'; other months only 'Feb' unless first, to fit 12 bars."""
    day = date.fromisoformat(f"{month}-01")
    return day.strftime("%b<br>%Y" if first or day.month == 1 else "%b")


Index = QModelIndex | QPersistentModelIndex


class LateModel(QAbstractTableModel):
    """Overdue visits and late interviews, one row each, most late first."""

    HEADERS = ("Child", "What", "How late")
    ChildIdRole = Qt.ItemDataRole.UserRole + 1

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: list[tuple[str, str, str, str]] = []  # child_id, name, what, late

    def set_insights(self, data: CaseloadInsights) -> None:
        self.beginResetModel()
        self._rows = [
            (v.child_id, v.name, "Statutory visit overdue", _plural(v.days_overdue, "day"))
            for v in data.overdue_visits
        ] + [
            (
                i.child_id,
                i.name,
                "Return interview " + ("overdue" if i.completed_at is None else "done late"),
                _late(i.hours_late),
            )
            for i in data.late_interviews
        ]
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.HEADERS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return row[index.column() + 1]
        if role == self.ChildIdRole:
            return row[0]
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> object:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.HEADERS[section]
        return None


class InsightsView(QWidget):
    """Charts over the whole caseload. Call `show_insights` on the UI thread."""

    #: the worker activated a row of the late list (the child's id)
    sig_open_child = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Caseload insights")
        self.as_of = QLabel("", self)
        self.as_of.setObjectName("hint")
        content = QWidget(self)
        column = QVBoxLayout(content)
        heading = QLabel("Caseload insights", content)
        heading.setObjectName("heading")
        column.addWidget(heading)
        column.addWidget(self.as_of)
        self.missing_summary, self.missing_chart, _ = self._section(
            column, "Missing episodes per month"
        )
        self.hotspot_summary, self.hotspot_chart, _ = self._section(
            column, "Places that recur across children"
        )
        self.late_summary, self.late_chart, late_box = self._section(
            column, "Overdue visits and late return home interviews"
        )
        self.late_model = LateModel(self)
        self.late_table = QTableView(late_box)
        self.late_table.setModel(self.late_model)
        self.late_table.setAccessibleName("Overdue visits and late interviews by child")
        self.late_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.late_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.late_table.verticalHeader().hide()
        self.late_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.late_table.setMinimumHeight(200)
        self.late_table.activated.connect(
            lambda index: self.sig_open_child.emit(index.data(LateModel.ChildIdRole))
        )
        # `_section` gave the box its layout.
        cast(QVBoxLayout, late_box.layout()).addWidget(self.late_table)
        column.addStretch(1)

        scroll = QScrollArea(self)
        scroll.setAccessibleName("Caseload insights")
        scroll.setWidgetResizable(True)
        scroll.setWidget(content)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

    def _section(self, column: QVBoxLayout, name: str) -> tuple[QLabel, QChartView, QGroupBox]:
        """A titled box with a one-sentence summary above its chart."""
        box = QGroupBox(name, self)
        box.setAccessibleName(name)
        summary = QLabel("", box)
        summary.setWordWrap(True)
        summary.setAccessibleName(f"{name}: summary")
        chart = QChart()
        chart.legend().hide()
        chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        dark = self.palette().color(QPalette.ColorRole.Window).lightness() < 128
        chart.setTheme(
            QChart.ChartTheme.ChartThemeDark if dark else QChart.ChartTheme.ChartThemeLight
        )
        view = QChartView(chart, box)
        view.setRenderHint(QPainter.RenderHint.Antialiasing)
        view.setMinimumHeight(280)
        view.setFocusPolicy(Qt.FocusPolicy.TabFocus)  # screen readers reach the description
        view.setAccessibleName(f"{name} chart")
        inner = QVBoxLayout(box)
        inner.addWidget(summary)
        inner.addWidget(view)
        column.addWidget(box)
        return summary, view, box

    def show_insights(self, data: CaseloadInsights) -> None:
        """Draw `data`. Touches no database; call on the UI thread."""
        self.as_of.setText(f"As of {moment_text(data.now)}")
        months = data.missing_per_month
        labels = [month_label(m, i == 0) for i, (m, _) in enumerate(months)]
        self.missing_summary.setText(
            f"{_plural(data.missing_total, 'missing episode')} in the last {len(months)} months"
        )
        self._draw(self.missing_chart, "Missing episodes", labels, [n for _, n in months])

        shared = [h for h in data.hotspots if h.children >= 2]
        self.hotspot_summary.setText(
            f"{_plural(len(shared), 'place')} named for 2 or more children"
            + ("" if data.hotspots else "; no places named yet")
        )
        # One spelling of the name (spacing tidied), then the postcode if known.
        names = [
            " · ".join(" ".join(p.split()) for p in (h.name, h.postcode) if p) or h.key
            for h in data.hotspots
        ]
        self._draw(
            self.hotspot_chart, "Children", names, [h.children for h in data.hotspots],
            horizontal=True,
        )  # fmt: skip
        self.hotspot_chart.setVisible(bool(data.hotspots))
        self.hotspot_chart.setMinimumHeight(120 + 32 * len(data.hotspots))

        counts = [
            len(data.overdue_visits), data.interviews_overdue, data.interviews_completed_late,
        ]  # fmt: skip
        self.late_summary.setText(
            f"{_plural(counts[0], 'statutory visit')} overdue; "
            f"{_plural(counts[1], 'return home interview')} overdue; "
            f"{_plural(counts[2], 'interview')} done late in the last {len(months)} months"
        )
        self._draw(
            self.late_chart, "Count",
            ["Visits overdue", "Interviews overdue", "Interviews done late"], counts,
            horizontal=True,
        )  # fmt: skip
        self.late_model.set_insights(data)
        self.late_table.setVisible(self.late_model.rowCount() > 0)

    def clear(self) -> None:
        """Draw nothing (the offline lease has run out): no names, no places."""
        self.show_insights(CaseloadInsights(datetime.now(UTC), [], [], [], []))
        self.as_of.setText("")

    @staticmethod
    def _draw(
        view: QChartView,
        name: str,
        categories: Sequence[str],
        values: Sequence[int],
        *,
        horizontal: bool = False,
    ) -> None:
        """Replace the chart's bars; each bar is labelled with its value."""
        view.setAccessibleDescription(
            "; ".join(
                f"{c.replace('<br>', ' ')}: {v}" for c, v in zip(categories, values, strict=True)
            )
        )
        chart = view.chart()
        chart.removeAllSeries()
        for axis in chart.axes():
            chart.removeAxis(axis)
            axis.deleteLater()
        if horizontal:  # bars are drawn bottom up; keep the list's order top down
            categories, values = categories[::-1], values[::-1]
        bars = QBarSet(name)
        # Themes draw value labels in white for labels inside the bar; ours sit outside.
        bars.setLabelColor(view.palette().color(QPalette.ColorRole.WindowText))
        bars.append([float(v) for v in values])
        series = QHorizontalBarSeries() if horizontal else QBarSeries()
        series.append(bars)
        series.setLabelsVisible(True)
        series.setLabelsFormat("@value")
        series.setLabelsPosition(QBarSeries.LabelsPosition.LabelsOutsideEnd)
        chart.addSeries(series)
        category_axis = QBarCategoryAxis()
        category_axis.append(list(categories))
        value_axis = QValueAxis()
        value_axis.setTitleText(name)
        value_axis.setLabelFormat("%d")
        # Whole-number ticks, with head room for the value labels.
        top_value = max(values, default=0)
        step = _nice_step(top_value)
        top = step * (top_value // step + 1)
        value_axis.setRange(0, top + step if top - top_value < top * 0.12 else top)
        value_axis.setTickType(QValueAxis.TickType.TicksDynamic)
        value_axis.setTickAnchor(0)
        value_axis.setTickInterval(step)
        left, bottom = Qt.AlignmentFlag.AlignLeft, Qt.AlignmentFlag.AlignBottom
        chart.addAxis(category_axis, left if horizontal else bottom)
        chart.addAxis(value_axis, bottom if horizontal else left)
        series.attachAxis(category_axis)
        series.attachAxis(value_axis)
