"""What the Conflicts and Not accepted views share: a list of the worker's
changes that the central record did not simply take, beside the chosen
one's fields (theirs and yours) and what the worker can do with it.

A field's value is edited as text (`desktop.worker_text.as_text`) and read
back in the field's own shape (`field_value`); text not in that shape is
refused with the field's name before anything is sent.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QLabel,
    QLayout,
    QListWidget,
    QListWidgetItem,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.repository import CaseRepository
from desktop.worker_text import from_words
from sync.errors import RecordInvalid
from sync.kinds.common import Choice
from ui.context import AppContext
from ui.widgets import field_message, message_label


def field_value(text: str, like: Any, choice: type[Choice] | None = None) -> Any:
    """An edited text back into the field's shape (see `field_text`): the
    words of a code back into the code; ValueError saying what the field
    takes when it is not in that shape."""
    if choice is not None:
        return from_words(text, choice, many=isinstance(like, list))
    if isinstance(like, str) or like is None:
        return text or None
    if not text.strip():
        return None
    if isinstance(like, bool):
        answer = text.strip().lower()
        if answer not in ("yes", "no"):
            raise ValueError("write Yes or No")
        return answer == "yes"
    try:
        return json.loads(text)
    except ValueError:
        raise ValueError("keep it in the form it was shown in") from None


def edited_value(field: str, text: str, like: Any, choice: type[Choice] | None = None) -> Any:
    """`field_value`, refused as the field's problem when not in its shape."""
    try:
        return field_value(text, like, choice)
    except ValueError as exc:
        raise RecordInvalid(field, f"{field}: {exc}") from None


class ReviewView(QWidget):
    """The list (`read(repo)` on the database thread, `shown(rows)` fills it
    through `show_items`), the intro or the empty words, a scroll area of
    field boxes (`show_boxes`), the error label and the subclass's actions."""

    #: the list was re-read (number of rows)
    sig_loaded = Signal(int)

    def __init__(
        self,
        ctx: AppContext,
        parent: QWidget | None,
        *,
        name: str,
        list_name: str,
        intro: str,
        empty: tuple[str, str],
        problem: str,
        fields_name: str,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setAccessibleName(name)
        self.list = QListWidget(self)
        self.list.setAccessibleName(list_name)
        # A child's name and the record wrap in the list's width (they were cut).
        self.list.setWordWrap(True)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.currentItemChanged.connect(
            lambda item, _old: self.opened(item.data(Qt.ItemDataRole.UserRole) if item else None)
        )
        self.intro = QLabel(intro, self)
        self.intro.setWordWrap(True)
        self.empty = QLabel(empty[0], self)
        self.empty.setAccessibleName(empty[1])
        self.empty.setWordWrap(True)
        self.error = message_label(self, problem)
        self.fields_box = QWidget(self)
        self.fields_layout = QVBoxLayout(self.fields_box)
        self.fields_layout.addStretch(1)
        self.fields_scroll = QScrollArea(self)
        self.fields_scroll.setWidget(self.fields_box)
        self.fields_scroll.setWidgetResizable(True)
        self.fields_scroll.setAccessibleName(fields_name)
        self._boxes: list[QWidget] = []

    def lay_out(self, above: Sequence[QWidget], below: QLayout) -> None:
        """The list beside: intro or empty words, `above`, the fields, the
        error label and `below` (the actions). The splitter's position is
        remembered under the view's object name."""
        right = QWidget(self)
        column = QVBoxLayout(right)
        for widget in (self.intro, *above):
            column.addWidget(widget)
        column.addWidget(self.fields_scroll, 1)
        column.addWidget(self.error)
        column.addLayout(below)
        self.splitter = QSplitter(self)
        self.splitter.setObjectName(f"{self.objectName()}Splitter")
        self.splitter.addWidget(self.list)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setChildrenCollapsible(False)
        # Nothing to choose between: the empty words alone, no list or
        # buttons to puzzle over.
        self.empty.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        # One stack, so the splitter keeps its size (and remembered position)
        # while the empty words are on show.
        self.pages = QStackedWidget(self)
        self.pages.addWidget(self.splitter)
        self.pages.addWidget(self.empty)
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages)

    # -- what subclasses give --------------------------------------------------

    def read(self, repo: CaseRepository) -> list[Any]:
        raise NotImplementedError

    def shown(self, rows: list[Any]) -> None:
        """Keep `rows` and call `show_items` with their lines."""
        raise NotImplementedError

    def opened(self, key: str | None) -> None:
        """The worker chose the row `key` (None: nothing chosen)."""
        raise NotImplementedError

    # -- the list ------------------------------------------------------------------

    def clear(self) -> None:
        """Show nothing: the offline lease has run out (a reload fills it again)."""
        self.shown([])

    def reload(self) -> None:
        repo = self.ctx.session.repo
        self.ctx.db(lambda: self.read(repo)).success(self.shown).run()

    def show_items(self, items: Sequence[tuple[str, str, str]]) -> None:
        """The list's rows, (words, key, tooltip) each; the first is chosen."""
        self.list.clear()
        for text, key, tip in items:
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, key)
            # The whole line on hover, where the list's width cuts it.
            item.setToolTip(f"{text}\n{tip}" if tip else text)
            self.list.addItem(item)
        self.pages.setCurrentWidget(self.splitter if items else self.empty)
        if items:
            self.list.setCurrentRow(0)
        else:
            self.show_nothing()
        self.sig_loaded.emit(len(items))

    def show_nothing(self) -> None:
        """The list is empty: no fields, no actions."""
        self.opened(None)

    def show_boxes(self, boxes: Sequence[QWidget]) -> None:
        """The chosen row's field boxes, in place of the last one's."""
        for box in self._boxes:
            box.deleteLater()
        self._boxes = list(boxes)
        for i, box in enumerate(self._boxes):
            self.fields_layout.insertWidget(i, box)
        self.error.hide()

    def settle(self, fn: Callable[[CaseRepository], Any], done: Callable[[], None]) -> None:
        """One write through `ctx.write`; then `done` and a reload, or the
        problem at the error label."""

        def written(_result: Any) -> None:
            done()
            self.reload()

        self.ctx.write(
            fn,
            "",  # "" = refresh every view: the child is not known on this thread
            done=written,
            failed=lambda exc: field_message(self.error, exc),
        )
