"""A tab that lists the child's records of one kind above a form editing the
chosen one: the list, a "new" button, a splitter, the form in a scroll area,
the message label and the save row (saved state, Discard or Cancel, Save):
`FormTab.lay_out`. The list's last column says whether each record is sent.

Adding such a tab (a missing episode, a concern, a meeting) is a subclass
that gives its `kind`, `columns()` and `make_fields()`; the rest has a
default it may change (`form_body`, `heading_for`, `order`, `blank`).
Saving, kept drafts and discarding are `FormTab`'s.
"""

from __future__ import annotations

from typing import ClassVar

from PySide6.QtCore import QModelIndex
from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLabel, QScrollArea, QVBoxLayout, QWidget

from desktop.partner_news import REPORTED_KINDS
from desktop.repository import CaseRepository
from sync.wire import Record
from ui.child_tabs.form_tab import FormTab, sent_words
from ui.context import AppContext
from ui.fitting import wrapping
from ui.record_table import Column, RecordTableModel, table_view
from ui.widgets import add_row, button, watch


class ListFormTab(FormTab):
    """Records of `kind`, newest (by `order`) first, over the chosen one's form.

    Subclasses give `columns()` (the list's), `make_fields()` (record field
    -> widget, in the order the form reads) and `titles` (each field's row
    title with its mnemonic, for the default `form_body`). The newest record
    is chosen on opening, or the kept typing if any (`FormTab.take_draft`).
    """

    #: the field the list is sorted on, newest first
    order: ClassVar[str] = ""
    #: the list's column that takes the spare width
    stretch: ClassVar[int] = 0
    #: the "new" button: (text with its mnemonic, accessible name)
    new_text: ClassVar[tuple[str, str]] = ("&New", "New")
    #: the field that takes focus in a new record's form
    first_field: ClassVar[str] = ""
    #: the default form's row titles, one a field in `make_fields()` order
    titles: ClassVar[tuple[str, ...]] = ()
    #: the list's and the form's first heights in the splitter
    sizes: ClassVar[tuple[int, int]] = (200, 460)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self._selecting = False  # the list's row is being set, not chosen by the worker
        # Records a partner reported that the worker has not opened: id →
        # "New from …" (desktop.partner_news), read with the records.
        self.news: dict[str, str] = {}
        # Those opened in this visit to the child: still marked here (the
        # worker is reading it), no longer on the caseload or chronology.
        self._opened_here: dict[str, str] = {}
        # Every list ends with whether each record has reached the central record.
        sent = Column("Sent", self._sent_text)
        self.model = RecordTableModel([*self.columns(), sent], alert=self.alert, parent=self)
        self.table = table_view(self, self.title, self.model, stretch=self.stretch)
        self.table.selectionModel().currentRowChanged.connect(self._chosen)
        self.new_button = button(self, *self.new_text, self.new_record)
        self.heading = QLabel("", self)
        self.heading.setObjectName("heading")
        self.heading.setWordWrap(True)  # a long heading wraps, never widens the window
        self.heading.setAccessibleName(f"{self.new_noun.capitalize()} being edited")
        self.fields = self.make_fields()
        watch(list(self.fields.values()), self.edited)
        self._layout()

    def _sent_text(self, record: Record) -> str:
        sent = sent_words(record, self.pending)
        new = self.news.get(str(record.id))
        return f"{new} · {sent}" if new else sent

    # -- what subclasses give --------------------------------------------------

    def columns(self) -> list[Column]:
        raise NotImplementedError

    def make_fields(self) -> dict[str, QWidget]:
        raise NotImplementedError

    def alert(self, record: Record) -> bool:
        """Whether the record's row says something is wrong (in the alert colour too)."""
        return False

    def form_body(self) -> QWidget:
        """The form's widgets laid out; by default one row a field, `titles` in order."""
        body = QWidget(self)
        form = wrapping(QFormLayout(body))
        for title, widget in zip(self.titles, self.fields.values(), strict=True):
            add_row(form, title, widget)
        return body

    def heading_for(self, record: Record | None) -> str:
        """The words over the form: which record it shows."""
        if record is None:
            return f"New {self.new_noun}"
        return f"{self.new_noun.capitalize()}: {self.model.columns[0].text(record)}"

    def record_shown(self) -> None:
        """After the form shows another record (or a new one's form)."""

    # -- layout -----------------------------------------------------------------

    def _layout(self) -> None:
        scroll = QScrollArea(self)
        scroll.setWidget(self.form_body())
        scroll.setWidgetResizable(True)
        top = QWidget(self)
        column = QVBoxLayout(top)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.table, 1)
        self._list_row = QHBoxLayout()
        self._list_row.addWidget(self.new_button)
        self._list_row.addStretch(1)
        column.addLayout(self._list_row)
        bottom = QWidget(self)
        self._form_column = QVBoxLayout(bottom)
        self._form_column.setContentsMargins(0, 0, 0, 0)
        self._form_column.addWidget(self.heading)
        self._form_column.addWidget(scroll, 1)
        self.lay_out(top, bottom, sizes=self.sizes)

    def add_hint(self, widget: QWidget) -> None:
        """A line under the heading, over the form."""
        self._form_column.insertWidget(self._form_column.count() - 1, widget)

    def add_list_button(self, widget: QWidget) -> None:
        """A button under the list, after the "new" button and any added before."""
        self._list_row.insertWidget(self._list_row.count() - 1, widget)

    def add_button(self, widget: QWidget) -> None:
        """A button in the save row, left of Discard."""
        self.save_row.insertWidget(self.save_row.count() - 2, widget)

    # -- reading ----------------------------------------------------------------

    def read(self, repo: CaseRepository, child_id: str) -> list[Record]:
        records = repo.records_for_child(child_id, self.kind)
        if self.kind in REPORTED_KINDS:
            # Read on the database thread with the records; shown by `display`.
            self._read_news = repo.partner_news(child_id)
        return records

    def load(self, child_id: str) -> None:
        if child_id != self.child_id:
            self._opened_here = {}
        super().load(child_id)

    def _opened_news(self) -> None:
        """The record on show was reported by a partner and is now opened:
        it stops being new here, on the caseload and the chronology."""
        record, child_id = self.current, self.child_id
        if record is None or child_id is None:
            return
        rid = str(record.id)
        if rid not in self.news or rid in self._opened_here:
            return
        self._opened_here[rid] = self.news[rid]
        repo, events = self.ctx.session.repo, self.ctx.events
        self.ctx.db(lambda: repo.mark_partner_seen(rid)).success(
            lambda _: events.sig_records_changed.emit(child_id)
        ).run()

    def display(self, result: list[Record]) -> None:
        self.news = getattr(self, "_read_news", {}) | self._opened_here
        order = self.order
        result.sort(key=lambda r: str(r.data.get(order)), reverse=True)
        self._selecting = True
        self.model.set_records(result)
        self.take_draft(result)
        if self.current is not None:
            self.current = next((r for r in result if r.id == self.current.id), None)
        elif not self.creating and result:
            self.current = result[0]  # the newest (for an episode: the open one, if any)
        self.table.clearSelection()
        if self.current is not None:
            self.table.selectRow(result.index(self.current))
        self._selecting = False
        if not self.dirty:  # never overwrite typing with a reload
            self.show_record(self.current)
        self.record_shown()
        self._opened_news()

    def filled(self, record: Record | None) -> None:
        heading = self.heading_for(record)
        new = self.news.get(str(record.id)) if record is not None else None
        self.heading.setText(f"{heading} · {new}" if new else heading)

    def _chosen(self, index: QModelIndex, _previous: QModelIndex) -> None:
        record = self.model.record_at(index.row())
        if self._selecting or record is None or record is self.current:
            return
        self.flush()  # saved, or kept as this form's draft
        self.current, self.creating = record, False
        self.show_record(record)
        self.record_shown()
        self._opened_news()

    def _select(self, record: Record) -> None:
        self._selecting = True
        self.table.selectRow(self.model.records.index(record))
        self._selecting = False

    # -- moving between records ------------------------------------------------------

    def new_record(self) -> None:
        """A blank form for a new record (its kept typing, if any, comes back)."""
        self.flush()  # saved, or kept as this form's draft
        self.current, self.creating = None, True
        self.table.clearSelection()
        self.show_record(None)
        self.record_shown()
        if self.first_field:
            self.fields[self.first_field].setFocus()

    def go_to(self, record: Record) -> None:
        """Leave what the form shows (stored, or kept) for `record`."""
        self.flush()
        self.current, self.creating = record, False
        self._select(record)
        self.show_record(record)
        self.record_shown()

    def cancelled_new(self) -> None:
        records = self.model.records
        self.current = records[0] if records else None
        if self.current is not None:
            self._select(self.current)
        self.record_shown()
