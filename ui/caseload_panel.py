"""The caseload: quick views and filters, instant search and the children's table."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QItemSelectionModel, QModelIndex, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.england import today_in_england
from desktop.errors import LeaseExpired
from desktop.summary import ChildSummary
from ui.caseload_columns import fit_columns
from ui.caseload_model import (
    QUICK_FILTERS,
    QUICK_VIEWS,
    CaseloadFilter,
    CaseloadModel,
    ChildIdRole,
    Col,
    Row,
    make_rows,
)
from ui.context import AppContext

SEARCH_PAUSE_MS = 120  # long enough to skip keystrokes, short enough to feel instant


class CaseloadPanel(QWidget):
    """The worker's children; double-click or Enter opens one."""

    #: a child was chosen (child id)
    sig_child_chosen = Signal(str)
    #: the caseload was re-read and painted (for benchmarks and tests)
    sig_loaded = Signal()
    #: a search result was applied (the text searched)
    sig_searched = Signal(str)
    #: the caseload was read and shown (the offline lease holds)
    sig_records_shown = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setAccessibleName("Caseload")
        self.model = CaseloadModel(self)
        self.proxy = CaseloadFilter(self)
        self.proxy.setSourceModel(self.model)
        self._search_seq = 0
        self._reading = 0  # caseload reads on their way
        self._read_again = False  # a local save came while one was

        self.search = QLineEdit(self)
        self.search.setPlaceholderText("Search names and notes (Ctrl+F)")
        self.search.setAccessibleName("Search caseload")
        self.search.setClearButtonEnabled(True)
        self._search_timer = QTimer(self, singleShot=True, interval=SEARCH_PAUSE_MS)
        self._search_timer.timeout.connect(self._run_search)
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        # Enter or Down in the box: into the results (once they are in).
        self.search.returnPressed.connect(self.go_to_results)
        self.search.installEventFilter(self)
        self._to_results = False
        self._sort_before_search: tuple[int, Qt.SortOrder] | None = None

        # One view at a time (All, due today, this week, overdue), each with
        # its count; Tab reaches them, Alt and the underlined letter too.
        views = QHBoxLayout()
        self.view_group = QButtonGroup(self)
        self.view_group.setExclusive(True)
        self.view_buttons: dict[str, QPushButton] = {}
        for name in QUICK_VIEWS:
            button = QPushButton(self)
            button.setCheckable(True)
            button.setChecked(name == "all")
            button.toggled.connect(lambda on, n=name: self._view(n) if on else None)
            self.view_group.addButton(button)
            views.addWidget(button)
            self.view_buttons[name] = button
        views.addStretch(1)
        self._count_views([])

        filters = QHBoxLayout()
        self.quick_buttons: dict[str, QPushButton] = {}
        for name, (label, _test) in QUICK_FILTERS.items():
            button = QPushButton(label, self)
            button.setCheckable(True)
            button.setAccessibleName(f"Filter: {label}")
            button.toggled.connect(lambda on, n=name: self._quick(n, on))
            filters.addWidget(button)
            self.quick_buttons[name] = button
        filters.addStretch(1)

        self.table = QTableView(self)
        self.table.setAccessibleName("Children on your caseload")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(Col.child_name, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)  # a long name is cut at its end, not after its first word
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(28)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self.table.setColumnHidden(Col.found, True)
        fit_columns(self.table)
        self.table.activated.connect(self._activated)
        self.table.doubleClicked.connect(self._activated)

        self.count = QLabel("", self)
        self.count.setAccessibleName("Children shown")
        self.count.setWordWrap(True)  # it may say why the caseload is hidden

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search)
        layout.addLayout(views)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count)

    # -- loading ---------------------------------------------------------

    def reload(self) -> None:
        """Re-read the caseload summary on the database thread."""
        session = self.ctx.session

        def read() -> list[Row]:
            now = session.now()
            repo = session.repo
            return make_rows(repo.caseload(now), today_in_england(now), repo.due_rules())

        self._reading += 1
        self.ctx.db(read).success(self._show).failure(self._failed).run()

    def reload_after_edit(self) -> None:
        """A save on this laptop changed a child: re-read, so the row says
        what the worker just recorded. Saves come in bursts while a note is
        typed, so a save made while a read is on its way is answered by one
        more read after it, not one each."""
        if self._reading:
            self._read_again = True
        else:
            self.reload()

    def _read_done(self) -> None:
        self._reading = max(0, self._reading - 1)
        if self._read_again and not self._reading:
            self._read_again = False
            self.reload()

    def _failed(self, exc: BaseException) -> None:
        self._read_done()
        if isinstance(exc, LeaseExpired):
            self.hide_rows()
        self.ctx.read_failed(exc)

    def hide_rows(self) -> None:
        """The lease has run out. Hidden, not gone: the rows come back after
        the next sync."""
        self.model.set_snippets({})
        self.model.set_rows([])
        self._count_views([])
        self.count.setText("Children hidden: this laptop has not synced for too long.")
        self.sig_loaded.emit()

    def _show(self, rows: list[Row]) -> None:
        current = self.current_child()
        self.model.set_rows(rows)  # in the order the worker sorted by
        self._count_views([row.summary for row in rows])
        if current:
            self.select_child(current)
        self._update_count()
        self.sig_records_shown.emit()
        self.sig_loaded.emit()
        self._read_done()

    # -- filtering -------------------------------------------------------

    def _view(self, name: str) -> None:
        self.proxy.set_view(name)
        self._update_count()

    def _count_views(self, rows: list[ChildSummary]) -> None:
        """Each view's button says how many children it shows, of the whole caseload."""
        for name, (words, shows) in QUICK_VIEWS.items():
            count = sum(1 for s in rows if shows(s))
            button = self.view_buttons[name]
            button.setText(f"{words} ({count})")
            noun = "child" if count == 1 else "children"
            button.setAccessibleName(f"Show: {words.replace('&', '')}, {count} {noun}")

    def _quick(self, name: str, on: bool) -> None:
        self.proxy.set_quick(name, on)
        self._update_count()

    def _run_search(self) -> None:
        text = self.search.text().strip()
        self._search_seq += 1
        seq = self._search_seq
        if not text:
            self._apply_search(seq, text, None)
            return
        repo = self.ctx.session.repo
        self.ctx.db(lambda: repo.matching_children(text)).success(
            lambda found: self._apply_search(seq, text, found)
        ).failure(self._failed).run()

    def _apply_search(self, seq: int, text: str, found: dict[str, str] | None) -> None:
        if seq != self._search_seq:
            return  # an older search finishing after a newer one
        self.model.set_snippets(found or {})
        self.proxy.set_matches(frozenset(found) if found is not None else None)
        self.table.setColumnHidden(Col.found, found is None)
        self._sort_by_match(found is not None)
        self._update_count()
        if self._to_results:
            self._to_results = False
            self._enter_results()
        self.sig_searched.emit(text)

    def _sort_by_match(self, searching: bool) -> None:
        """Best match first while searching (an exact name at the top); the
        worker's own order back when the search is cleared."""
        header = self.table.horizontalHeader()
        if searching:
            if self._sort_before_search is None:
                self._sort_before_search = (
                    header.sortIndicatorSection(),
                    header.sortIndicatorOrder(),
                )
            self.table.sortByColumn(Col.found, Qt.SortOrder.AscendingOrder)
        elif self._sort_before_search is not None:
            self.table.sortByColumn(*self._sort_before_search)
            self._sort_before_search = None

    def go_to_results(self) -> None:
        """Into the table at its first row; a search still being typed is run
        first, so Enter straight after typing lands on what was typed."""
        if self._search_timer.isActive():
            self._search_timer.stop()
            self._to_results = True
            self._run_search()
        else:
            self._enter_results()

    def _enter_results(self) -> None:
        if self.proxy.rowCount() == 0:
            return
        self.table.setFocus()
        self.table.selectionModel().setCurrentIndex(
            self.proxy.index(0, Col.child_name),
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.search
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Down
        ):
            self.go_to_results()
            return True
        return super().eventFilter(watched, event)

    def _update_count(self) -> None:
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        noun = "child" if total == 1 else "children"
        self.count.setText(
            f"{total} {noun}" if shown == total else f"Showing {shown} of {total} {noun}"
        )

    # -- selection -------------------------------------------------------

    def current_child(self) -> str | None:
        index = self.table.currentIndex()
        return index.data(ChildIdRole) if index.isValid() else None

    def select_child(self, child_id: str) -> None:
        row = self.model.row_of(child_id)
        if row is None:
            return
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        if index.isValid():
            self.table.selectionModel().setCurrentIndex(
                index,
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )

    def _activated(self, index: QModelIndex) -> None:
        child_id = index.data(ChildIdRole)
        if child_id:
            self.sig_child_chosen.emit(child_id)

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()
