"""The caseload insights screen: missing episodes over time, hotspot places,
overdue visits and late return home interviews, drawn with QtCharts.

It only draws a `desktop.insights.CaseloadInsights` computed on the database
thread; it never reads the store itself. Every chart has a sentence above it
and a text description for screen readers, and every bar shows its number,
so nothing is told by colour alone. The worker picks the period (3, 6, 12 or
24 months); the view asks for it with `sig_period_changed` and the
workspace reads the figures again.
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
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QScrollArea,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.insights import MONTHS, PERIODS, CaseloadInsights
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


def month_labels(months: Sequence[str]) -> list[str]:
    """The month axis's words: up to 12 months, bars side by side ('Jan<br>2026',
    'Feb'); over more they lie one under another, each with its year
    ('Jan 2025'): side by side at 1366 wide a bar has some 20 pixels and
    its word was elided to "…"."""
    if len(months) <= 12:
        return [month_label(m, i == 0) for i, m in enumerate(months)]
    return [date.fromisoformat(f"{m}-01").strftime("%b %Y") for m in months]


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
    #: the worker chose another period (months): read the figures for it
    sig_period_changed = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Caseload insights")
        self.as_of = QLabel("", self)
        self.as_of.setObjectName("hint")
        content = QWidget(self)
        column = QVBoxLayout(content)
        heading = QLabel("Caseload insights", content)
        heading.setObjectName("heading")
        self.period = QComboBox(content)
        self.period.setAccessibleName("Period")
        for months in PERIODS:
            self.period.addItem(f"Last {months} months", months)
        self.period.setCurrentIndex(PERIODS.index(MONTHS))
        self.period.activated.connect(
            lambda _i: self.sig_period_changed.emit(self.period.currentData())
        )
        period_label = QLabel("&Period:", content)
        period_label.setBuddy(self.period)
        top = QHBoxLayout()
        top.addWidget(heading)
        top.addStretch(1)
        top.addWidget(period_label)
        top.addWidget(self.period)
        column.addLayout(top)
        column.addWidget(self.as_of)
        self.missing_summary, self.missing_chart, _ = self._section(
            column, "Missing episodes per month"
        )
        self.cme_summary, self.cme_chart, _ = self._section(
            column, "Children missing education: episodes opened per month"
        )
        self.hotspot_summary, self.hotspot_chart, _ = self._section(
            column, "Places named for 2 or more children"
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

    @property
    def months(self) -> int:
        """The period the worker chose."""
        return int(self.period.currentData())

    def show_insights(self, data: CaseloadInsights) -> None:
        """Draw `data`. Touches no database; call on the UI thread."""
        self.period.setCurrentIndex(PERIODS.index(data.months))  # no signal: not activated
        period = f"in the last {data.months} months"
        self.as_of.setText(f"As of {moment_text(data.now)}")
        months = data.missing_per_month
        labels = month_labels([m for m, _ in months])
        # The caseload's own "Missing now", beside the months: a month's count
        # says nothing of a child who went missing two days ago and is still out.
        children = "child" if data.missing_now == 1 else "children"
        self.missing_summary.setText(
            f"{_plural(data.missing_total, 'missing episode')} {period}; "
            f"{data.missing_now} {children} missing now"
        )
        lying = len(months) > 12
        self._draw(
            self.missing_chart, "Missing episodes", labels, [n for _, n in months],
            horizontal=lying,
        )  # fmt: skip
        self.missing_chart.setMinimumHeight(120 + 30 * len(months) if lying else 280)

        # Opened and closed in the words; the bars are the opened ones (the
        # chart's description names both for a screen reader).
        cme = data.cme_per_month
        opened, closed = sum(o for _, o, _c in cme), sum(c for _, _o, c in cme)
        self.cme_summary.setText(
            f"{_plural(opened, 'episode')} opened and {closed} closed {period}; "
            f"{data.missing_education_now} "
            f"{'child' if data.missing_education_now == 1 else 'children'} missing education now"
        )
        cme_months = month_labels([m for m, _o, _c in cme])
        self._draw(
            self.cme_chart, "Opened", cme_months, [o for _, o, _c in cme],
            horizontal=len(cme) > 12,
        )  # fmt: skip
        self.cme_chart.setAccessibleDescription("; ".join(
            f"{m.replace('<br>', ' ')}: {o} opened, {c} closed"
            for m, (_m, o, c) in zip(cme_months, cme, strict=True)
        ))  # fmt: skip
        self.cme_chart.setMinimumHeight(120 + 30 * len(cme) if len(cme) > 12 else 280)

        self.hotspot_summary.setText(
            f"{_plural(len(data.hotspots), 'place')} named for 2 or more children {period}"
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
            f"{_plural(counts[2], 'interview')} done late {period}"
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
        self.show_insights(CaseloadInsights(datetime.now(UTC), [], [], [], [], months=self.months))
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
