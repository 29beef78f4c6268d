"""A tab that lists some of the child's records and edits one of them in a form.

Typing is never dropped. Every save goes through `CaseRepository.save_or_keep`:
what the record refuses (a rule broken, a text too long) is kept as the
form's draft inside the vault, the form says "Not saved yet: … Your typing
is kept on this laptop.", and the worker may move on — to another record,
another child, a lock — and find the typing back in the form when they
return. Saving drops the draft; "Discard changes…" drops it after asking.

The save row says whether the record is sent yet (read on each load: a sync reloads).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, ClassVar

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLayout,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desktop.drafts import Draft
from desktop.england import ENGLAND
from desktop.repository import CaseRepository, NotSaved
from sync.wire import Record
from ui.child_tabs.base import ChildTab
from ui.context import AppContext
from ui.eliding_label import ElidingLabel
from ui.widgets import (
    DateField,
    button,
    confirm_discard,
    message_label,
    show_invalid,
    show_value,
    widget_value,
)

Write = Callable[[CaseRepository], Record]

NOT_SENT = "Saved on this laptop · not yet sent"
SENT = "Sent to the central record"


def sent_words(record: Record, pending: set[str]) -> str:
    """A list row's words for whether the record has reached the central record."""
    return "Not yet sent" if str(record.id) in pending else "Sent"


class FormTab(ChildTab):
    """Subclasses give the `kind`, `read` (database thread), `display` (which
    picks `current` — `take_draft` first — and calls `show_record`) and
    `fields` (record field -> its widget; "part.field" for a field of a part,
    as `return_home_interview.offered`). `fill` and `form_data` move values
    between the record and `fields`; `blank` is a new record's."""

    kind: ClassVar[str] = ""
    #: the name its kept typing is filed under, when two forms edit one kind
    #: (the child's places and the missing-person profile); else the kind
    draft_form: ClassVar[str] = ""
    #: how the form for a new record is called on its Cancel button
    new_noun: ClassVar[str] = "record"
    #: the values a new record's form starts with
    blank: ClassVar[dict[str, Any]] = {}
    #: other kinds the tab shows whose sent state it reads (a plan's actions)
    also_shown: ClassVar[tuple[str, ...]] = ()
    #: a refused save moves focus to the field it names (not in a form saved
    #: as the worker types: focus stays where they are typing)
    refusal_takes_focus: ClassVar[bool] = True

    #: a record was stored (record id)
    sig_saved = Signal(str)
    #: the form's typing could not be saved and was kept as a draft (the problem)
    sig_kept = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.now = datetime.now(ENGLAND)  # the session's time once loaded
        self.current: Record | None = None
        self.creating = False  # the worker asked for a blank form for a new record
        self.dirty = False
        self.fields: dict[str, QWidget] = {}  # record field -> its widget
        self.drafts: dict[str | None, Draft] = {}  # record id (None: new) -> kept typing
        self.pending: set[str] = set()  # ids of shown records not yet sent (as read on load)
        self._opened = 0  # how many times a child was opened here
        self.message = message_label(self, f"{self.title}: problem")
        self.discard_button = button(
            self, "&Discard changes…", "Discard what was typed in this form", self.ask_discard
        )
        self.discard_button.setEnabled(False)
        noun = self.new_noun
        self.save_button = button(self, f"&Save {noun}", f"Save {noun}", self.save)
        self.state = ElidingLabel("", self)  # never widens the form; whole on hover
        self.state.setObjectName("savedState")
        self.state.setAccessibleName("Saved state")

    # -- what subclasses give --------------------------------------------------

    def read(self, repo: CaseRepository, child_id: str) -> Any:
        raise NotImplementedError

    def display(self, result: Any) -> None:
        raise NotImplementedError

    def fill(self, record: Record | None, data: dict[str, Any] | None) -> None:
        """Show `data` (a kept draft) or else the record's (or a new form's) values."""
        values = data or (record.data if record else self.blank)
        for name, widget in self.fields.items():
            top, _, part = name.partition(".")
            show_value(widget, (values.get(top) or {}).get(part) if part else values.get(top))
        self.filled(record)

    def filled(self, record: Record | None) -> None:
        """After `fill`: subclasses say which record the form shows."""

    def form_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {}
        for name, widget in self.fields.items():
            top, _, part = name.partition(".")
            if part:
                data.setdefault(top, {})[part] = widget_value(widget)
            else:
                data[top] = widget_value(widget)
        return data

    @property
    def form_name(self) -> str:
        """What this form's drafts are filed under."""
        return self.draft_form or self.kind

    def date_field(self, name: str, *, with_time: bool, optional: bool) -> DateField:
        """A date field whose "now" is the session's time (read on load)."""
        return DateField(
            name, with_time=with_time, optional=optional, now=lambda: self.now, parent=self
        )

    def lay_out(
        self,
        first: QWidget,
        second: QWidget,
        *,
        sizes: tuple[int, int],
        above: Sequence[QWidget | QLayout] = (),
    ) -> None:
        """The tab's layout: `above` (a chooser, a line of words), `first` over
        `second` in a splitter whose position is remembered, the message and
        the save row (Discard or Cancel, Save; `save_row` takes more)."""
        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.setObjectName(f"{self.kind}Splitter")
        self.splitter.addWidget(first)
        self.splitter.addWidget(second)
        self.splitter.setSizes(list(sizes))
        layout = QVBoxLayout(self)
        for item in above:
            if isinstance(item, QLayout):
                layout.addLayout(item)
            else:
                layout.addWidget(item)
        layout.addWidget(self.splitter, 1)
        self._message_and_save_row(layout)

    def lay_out_plain(self, body: QLayout) -> None:
        """A form section's layout without a list: `body`, the message and
        the save row, edge to edge (it sits inside another tab)."""
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(body)
        self._message_and_save_row(layout)

    def _message_and_save_row(self, layout: QVBoxLayout) -> None:
        self.save_row = QHBoxLayout()
        self.save_row.addWidget(self.state)
        self.save_row.addStretch(1)
        self.save_row.addWidget(self.discard_button)
        self.save_row.addWidget(self.save_button)
        layout.addWidget(self.message)  # the full width: it names a field and a rule
        layout.addLayout(self.save_row)

    # -- reading ------------------------------------------------------------------

    def edited(self) -> None:
        self.dirty = True
        self._update_discard()
        self.show_state()

    def show_state(self) -> None:
        """Say whether the form's record is stored here only, or sent."""
        if self.dirty:
            text = "Changes not saved yet"
        elif self.current is None:
            text = f"New {self.new_noun}: not saved yet"
        elif str(self.current.id) in self.pending:
            text = NOT_SENT
        else:
            text = SENT
        self.state.setText(text)

    def load(self, child_id: str) -> None:
        if child_id != self.child_id:
            self.flush()  # stored, or kept as a draft: nothing is dropped here
            self.current, self.dirty, self.creating, self.drafts = None, False, False, {}
            self._opened += 1  # reads made before this are for what was shown before
            self.fill(None, None)  # nothing of the child before stays on show
            self.message.hide()
        super().load(child_id)
        session, kind, opened, form = self.ctx.session, self.kind, self._opened, self.form_name
        repo, kinds = session.repo, (kind, *self.also_shown)

        def read() -> tuple[int, Any, list[Draft], set[str], datetime]:
            records = self.read(repo, child_id)
            pending = set().union(*(repo.pending_ids(child_id, k) for k in kinds))
            return opened, records, repo.drafts_for_child(child_id, form), pending, session.now()

        self.ctx.db(read).success(self._loaded).run()

    def _loaded(self, result: tuple[int, Any, list[Draft], set[str], datetime]) -> None:
        opened, records, kept, pending, now = result
        if opened != self._opened:
            return  # read before the child was (re)opened: a newer read is on its way
        self.now, self.pending = now, pending
        self.drafts = {d.record_id: d for d in kept}
        self.display(records)
        self.show_state()
        self.sig_loaded.emit()

    def take_draft(self, records: list[Record]) -> None:
        """On opening the child: when typing was kept for this form, go back
        to it (the newest), instead of the newest record."""
        if self.dirty or self.current is not None or self.creating or not self.drafts:
            return
        newest = max(self.drafts.values(), key=lambda d: d.saved_at)
        if newest.record_id is None:
            self.creating = True
        else:
            self.current = next((r for r in records if str(r.id) == newest.record_id), None)

    def show_record(self, record: Record | None) -> None:
        """Fill the form for `record` (None: a new one), with its kept typing if any."""
        draft = self.drafts.get(str(record.id) if record else None)
        if record is None and not self.creating:
            draft = None
        self.fill(record, draft.data if draft else None)
        self.dirty = draft is not None  # kept, not yet saved: the next flush tries again
        if draft is not None:
            show_invalid(self.message, draft.problem, self.fields)
        else:
            self.message.hide()
        self._update_discard()
        self.show_state()

    # -- writing ------------------------------------------------------------------

    def _key(self) -> str | None:
        return None if self.current is None else str(self.current.id)

    def record_write(self) -> tuple[Write, dict[str, Any]]:
        child_id, current, data, kind = self.child_id, self.current, self.form_data(), self.kind
        if current is None:
            return (lambda repo: repo.create(kind, data, child_id=child_id)), data
        return (lambda repo: repo.update(current.id, data)), data

    def _save_job(self) -> tuple[Callable[[], Record | NotSaved], dict[str, Any]]:
        write, data = self.record_write()
        repo, form = self.ctx.session.repo, self.form_name
        child_id, key = self.child_id, self._key()
        assert child_id is not None
        return (lambda: repo.save_or_keep(form, child_id, key, data, write)), data

    def save(self) -> None:
        if self.child_id is not None:
            key, (job, data) = self._key(), self._save_job()
            self.ctx.db(job).success(lambda result: self._answered(result, key, data)).run()

    def flush(self) -> None:
        """Store unsaved typing now and wait (before lock, close or switching):
        as the record, or — when it refuses — as the form's draft."""
        if not self.dirty or self.child_id is None:
            return
        key, (job, data) = self._key(), self._save_job()
        try:
            result = self.ctx.tasks.db_now(job)
        except Exception as exc:
            show_invalid(self.message, exc, self.fields, kept=False)
            return
        self._answered(result, key, data)

    def _answered(self, result: Record | NotSaved, key: str | None, data: dict[str, Any]) -> None:
        if isinstance(result, NotSaved):
            problem = result.problem.message
            self.drafts[key] = Draft(self.form_name, self.child_id or "", key, data, problem,
                                     datetime.now(ENGLAND).isoformat())  # fmt: skip
            show_invalid(self.message, result.problem, self.fields,
                         focus=self.refusal_takes_focus)  # fmt: skip
            self._update_discard()
            self.sig_kept.emit(problem)
            return
        self.drafts.pop(key, None)
        self.saved(result)
        if self.child_id is not None:
            self.ctx.events.sig_records_changed.emit(self.child_id)
            self.ctx.events.sig_local_edit.emit()

    def saved(self, record: Record) -> None:
        self.current, self.dirty, self.creating = record, False, False
        self.pending.add(str(record.id))  # stored here; the outbox sends it
        self.message.hide()
        self._update_discard()
        self.show_state()
        self.sig_saved.emit(str(record.id))

    def write(
        self,
        fn: Write,
        done: Callable[[Record], None],
        message: QLabel | None = None,
        fields: dict[str, QWidget] | None = None,
    ) -> None:
        """One write through `ctx.write` (a button's action, not the form's
        typing); a refusal is shown at `message`."""
        if self.child_id is None:
            return
        shown, named = message or self.message, fields or self.fields
        self.ctx.write(
            fn,
            self.child_id,
            done=done,
            failed=lambda e: show_invalid(shown, e, named, kept=False),
        )

    # -- discarding ---------------------------------------------------------------

    def _update_discard(self) -> None:
        self.discard_button.setEnabled(self.dirty or self.creating)
        cancel = self.creating and not self.dirty
        self.discard_button.setText(
            f"&Cancel new {self.new_noun}" if cancel else "&Discard changes…"
        )

    def ask_discard(self) -> None:
        """Drop what was typed (after asking), back to the record as stored."""
        if self.dirty and not confirm_discard(
            self,
            "Discard changes",
            "Discard what you typed in this form? It has not been saved and cannot be "
            "brought back.",
        ):
            return
        self.discard()

    def discard(self) -> None:
        key, child_id, form = self._key(), self.child_id, self.form_name
        if key in self.drafts and child_id is not None:
            repo = self.ctx.session.repo
            self.ctx.db(lambda: repo.drop_draft(form, child_id, key)).run()
        self.drafts.pop(key, None)
        self.dirty = False
        if self.creating:
            self.creating = False
            self.cancelled_new()
        self.show_record(self.current)

    def cancelled_new(self) -> None:
        """After a new record's form is cancelled: subclasses pick what to show."""
